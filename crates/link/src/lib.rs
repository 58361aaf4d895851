//! Linking sellers into networks.
//!
//! Traffickers sell from many accounts on many platforms. Two seller accounts are linked when
//! their ads share an identifier (phone, e-mail, IBAN, messaging handle, profile URL …), a photo
//! (perceptual hashes within a few bits: the same picture re-sized or re-compressed) or a
//! near-identical text (MinHash signatures, candidates found by banding). Every link keeps its
//! evidence and a strength; connected groups of strongly linked sellers are networks, ranked by
//! ads, high-risk ads, species, platforms and countries.
//!
//! Nothing here compares every pair: identifiers are grouped by value, photos and texts are
//! bucketed (pigeonhole blocks of the 64-bit photo hash, LSH bands of the MinHash signature) and
//! only pairs that share a bucket are compared, so the work grows with the number of ads, not
//! its square.

pub mod export;
pub mod minhash;
pub mod photo;
pub mod run;

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

/// What the linker needs of one ad.
#[derive(Debug, Clone, Default)]
pub struct AdSignals {
    /// Ad id.
    pub ad: i64,
    /// Seller node key (e.g. `s42` for a seller account, `a17` for an ad without seller).
    pub seller: String,
    /// Platform.
    pub platform: String,
    /// Country.
    pub country: Option<String>,
    /// Identifiers: (kind, normalised value).
    pub identifiers: Vec<(String, String)>,
    /// Perceptual hashes of the ad's photos.
    pub photos: Vec<u64>,
    /// MinHash signature of the ad's text (empty when the text is too short to judge).
    pub text_sig: Vec<u32>,
    /// The ad is high risk.
    pub high_risk: bool,
    /// Species (scientific names).
    pub species: Vec<String>,
}

/// One piece of evidence for a link.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Evidence {
    /// phone, email, iban, whatsapp, telegram, signal, paypal, url, username, photo, text.
    pub kind: String,
    /// The shared value (identifier value, `hamming N`, `similarity 0.93`).
    pub detail: String,
    /// The two ads that share it.
    pub ads: (i64, i64),
    /// How strongly this alone says "same seller" (0–1).
    pub strength: f64,
}

/// A link between two sellers.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Seller key.
    pub a: String,
    /// Seller key.
    pub b: String,
    /// Evidence (at most a few per kind).
    pub evidence: Vec<Evidence>,
    /// Combined strength: 1 − Π(1 − strength of each piece).
    pub strength: f64,
}

/// A group of linked sellers.
#[derive(Debug, Clone, Serialize)]
pub struct Network {
    /// Rank (1 = largest by high-risk ads, then ads).
    pub id: usize,
    /// Seller keys.
    pub sellers: Vec<String>,
    /// Ads.
    pub ads: usize,
    /// High-risk ads.
    pub high_risk: usize,
    /// Species.
    pub species: Vec<String>,
    /// Platforms.
    pub platforms: Vec<String>,
    /// Countries.
    pub countries: Vec<String>,
    /// Links inside the network.
    pub links: usize,
}

/// Linking settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Photos at most this many bits apart are the same picture.
    pub photo_bits: u32,
    /// Texts at least this similar (estimated Jaccard of word shingles) are near-duplicates.
    pub text_similarity: f64,
    /// Links at least this strong join sellers into a network.
    pub network_strength: f64,
    /// An identifier shared by more sellers than this is ignored as too common (a shop, a
    /// marketplace's own number, a placeholder).
    pub max_group: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            photo_bits: 4,
            text_similarity: 0.8,
            network_strength: 0.5,
            max_group: 200,
        }
    }
}

/// How much sharing one identifier of this kind says.
pub fn identifier_strength(kind: &str) -> f64 {
    match kind {
        "phone" | "email" | "iban" | "whatsapp" | "telegram" | "signal" | "paypal" => 0.95,
        "url" | "username" => 0.8,
        "place" => 0.1,
        _ => 0.5,
    }
}

/// The result of linking.
#[derive(Debug, Clone, Serialize)]
pub struct Graph {
    /// Links between sellers.
    pub links: Vec<Link>,
    /// Networks, ranked.
    pub networks: Vec<Network>,
}

struct Builder {
    links: HashMap<(u32, u32), Link>,
}

impl Builder {
    fn add(&mut self, keys: &[String], a: u32, b: u32, ev: Evidence) {
        if a == b {
            return;
        }
        let (x, y) = if a < b { (a, b) } else { (b, a) };
        let l = self.links.entry((x, y)).or_insert_with(|| Link {
            a: keys[x as usize].clone(),
            b: keys[y as usize].clone(),
            evidence: Vec::new(),
            strength: 0.0,
        });
        // Keep a few pieces per kind, and no repeats.
        let same_kind = l.evidence.iter().filter(|e| e.kind == ev.kind).count();
        if same_kind < 3
            && !l
                .evidence
                .iter()
                .any(|e| e.kind == ev.kind && e.detail == ev.detail)
        {
            l.strength = 1.0 - (1.0 - l.strength) * (1.0 - ev.strength);
            l.evidence.push(ev);
        }
    }
}

/// Union-find over seller indices.
pub struct UnionFind {
    parent: Vec<u32>,
    rank: Vec<u8>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            rank: vec![0; n],
        }
    }
    /// Representative of `x`.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }
    /// Joins the groups of `a` and `b`.
    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        match self.rank[ra as usize].cmp(&self.rank[rb as usize]) {
            std::cmp::Ordering::Less => self.parent[ra as usize] = rb,
            std::cmp::Ordering::Greater => self.parent[rb as usize] = ra,
            std::cmp::Ordering::Equal => {
                self.parent[rb as usize] = ra;
                self.rank[ra as usize] += 1;
            }
        }
    }
}

/// Links the sellers of these ads and groups them into networks.
pub fn link(ads: &[AdSignals], s: &Settings) -> Graph {
    // Seller keys to indices.
    let mut index: HashMap<&str, u32> = HashMap::new();
    let mut keys: Vec<String> = Vec::new();
    let seller_of: Vec<u32> = ads
        .iter()
        .map(|a| {
            *index.entry(a.seller.as_str()).or_insert_with(|| {
                keys.push(a.seller.clone());
                (keys.len() - 1) as u32
            })
        })
        .collect();
    let mut b = Builder {
        links: HashMap::new(),
    };

    // 1. Shared identifiers, grouped by value: each seller in a group is linked to the first.
    let mut groups: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, a) in ads.iter().enumerate() {
        for (k, v) in &a.identifiers {
            if identifier_strength(k) < 0.5 {
                continue;
            }
            groups.entry((k.as_str(), v.as_str())).or_default().push(i);
        }
    }
    for ((kind, value), members) in &groups {
        let mut sellers: Vec<(u32, usize)> = members.iter().map(|&i| (seller_of[i], i)).collect();
        sellers.sort_unstable();
        sellers.dedup_by_key(|x| x.0);
        if sellers.len() < 2 || sellers.len() > s.max_group {
            continue;
        }
        let (s0, i0) = sellers[0];
        for &(sx, ix) in &sellers[1..] {
            b.add(
                &keys,
                s0,
                sx,
                Evidence {
                    kind: kind.to_string(),
                    detail: value.to_string(),
                    ads: (ads[i0].ad, ads[ix].ad),
                    strength: identifier_strength(kind),
                },
            );
        }
    }

    // 2. Photos within `photo_bits` of each other.
    let mut photos: Vec<(u64, usize)> = Vec::new();
    for (i, a) in ads.iter().enumerate() {
        for &h in &a.photos {
            photos.push((h, i));
        }
    }
    photo::near_pairs(&photos, s.photo_bits, |x, y, d| {
        let (i, j) = (photos[x].1, photos[y].1);
        b.add(
            &keys,
            seller_of[i],
            seller_of[j],
            Evidence {
                kind: "photo".into(),
                detail: format!("{} bits apart", d),
                ads: (ads[i].ad, ads[j].ad),
                strength: if d == 0 { 0.9 } else { 0.85 },
            },
        );
    });

    // 3. Near-duplicate texts.
    let sigs: Vec<(&[u32], usize)> = ads
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.text_sig.is_empty())
        .map(|(i, a)| (a.text_sig.as_slice(), i))
        .collect();
    minhash::similar_pairs(&sigs, s.text_similarity, |x, y, sim| {
        let (i, j) = (sigs[x].1, sigs[y].1);
        b.add(
            &keys,
            seller_of[i],
            seller_of[j],
            Evidence {
                kind: "text".into(),
                detail: format!("similarity {sim:.2}"),
                ads: (ads[i].ad, ads[j].ad),
                strength: 0.6 * sim,
            },
        );
    });

    // Networks: groups of sellers joined by strong links.
    let mut uf = UnionFind::new(keys.len());
    for ((x, y), l) in &b.links {
        if l.strength >= s.network_strength {
            uf.union(*x, *y);
        }
    }
    let mut comp: HashMap<u32, Vec<u32>> = HashMap::new();
    for i in 0..keys.len() as u32 {
        comp.entry(uf.find(i)).or_default().push(i);
    }
    let mut ads_of: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, &sx) in seller_of.iter().enumerate() {
        ads_of.entry(uf.find(sx)).or_default().push(i);
    }
    let mut link_count: HashMap<u32, usize> = HashMap::new();
    for ((x, _), l) in &b.links {
        if l.strength >= s.network_strength {
            *link_count.entry(uf.find(*x)).or_default() += 1;
        }
    }
    let mut networks: Vec<Network> = comp
        .into_iter()
        .filter(|(_, m)| m.len() > 1)
        .map(|(root, members)| {
            let ad_idx = ads_of.remove(&root).unwrap_or_default();
            let mut species = BTreeSet::new();
            let mut platforms = BTreeSet::new();
            let mut countries = BTreeSet::new();
            let mut high = 0;
            for &i in &ad_idx {
                let a = &ads[i];
                species.extend(a.species.iter().cloned());
                platforms.insert(a.platform.clone());
                if let Some(c) = &a.country {
                    countries.insert(c.clone());
                }
                high += a.high_risk as usize;
            }
            let mut sellers: Vec<String> =
                members.iter().map(|&m| keys[m as usize].clone()).collect();
            sellers.sort();
            Network {
                id: 0,
                sellers,
                ads: ad_idx.len(),
                high_risk: high,
                species: species.into_iter().collect(),
                platforms: platforms.into_iter().collect(),
                countries: countries.into_iter().collect(),
                links: link_count.get(&root).copied().unwrap_or(0),
            }
        })
        .collect();
    networks.sort_by(|x, y| {
        (y.high_risk, y.ads, y.platforms.len(), y.species.len())
            .cmp(&(x.high_risk, x.ads, x.platforms.len(), x.species.len()))
            .then_with(|| x.sellers.cmp(&y.sellers))
    });
    for (i, n) in networks.iter_mut().enumerate() {
        n.id = i + 1;
    }
    let mut links: Vec<Link> = b.links.into_values().collect();
    links.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    Graph { links, networks }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ad(id: i64, seller: &str, ids: &[(&str, &str)]) -> AdSignals {
        AdSignals {
            ad: id,
            seller: seller.into(),
            platform: "p".into(),
            identifiers: ids
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn shared_phone_links_accounts_and_place_alone_does_not() {
        let ads = vec![
            ad(
                1,
                "s1",
                &[("phone", "+33612345678"), ("place", "75011 paris")],
            ),
            ad(2, "s2", &[("phone", "+33612345678")]),
            ad(3, "s3", &[("place", "75011 paris")]),
            ad(4, "s4", &[("email", "x@y.fr")]),
            ad(5, "s5", &[("email", "x@y.fr")]),
            ad(6, "s5", &[("telegram", "parrotking")]),
            ad(7, "s6", &[("telegram", "parrotking")]),
        ];
        let g = link(&ads, &Settings::default());
        assert_eq!(g.networks.len(), 2);
        let big = g.networks.iter().find(|n| n.sellers.len() == 3).unwrap();
        assert_eq!(big.sellers, vec!["s4", "s5", "s6"]);
        assert_eq!(big.ads, 4);
        assert!(g.links.iter().all(|l| l.a != "s3" && l.b != "s3"));
        let l = g.links.iter().find(|l| l.a == "s1").unwrap();
        assert_eq!(l.evidence[0].detail, "+33612345678");
        assert_eq!(l.evidence[0].ads, (1, 2));
    }

    #[test]
    fn too_common_identifiers_are_ignored() {
        let ads: Vec<AdSignals> = (0..10)
            .map(|i| ad(i, &format!("s{i}"), &[("phone", "+33100000000")]))
            .collect();
        let g = link(
            &ads,
            &Settings {
                max_group: 5,
                ..Default::default()
            },
        );
        assert!(g.links.is_empty());
    }
}
