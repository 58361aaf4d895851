//! Near-duplicate texts: MinHash signatures of word 3-shingles of the normalised text, candidate
//! pairs from LSH banding (signatures that agree on a whole band share a bucket), each candidate
//! checked on the full signature.

use std::collections::HashMap;

/// Signature length.
pub const K: usize = 64;
/// Bands × rows = K. 16 bands of 4 rows: a pair with similarity 0.8 is a candidate with
/// probability 1 − (1 − 0.8⁴)¹⁶ ≈ 0.9998, one with 0.3 with about 0.12.
pub const BANDS: usize = 16;
const ROWS: usize = K / BANDS;
/// Earlier bucket members a text is compared with (most recent first).
const WINDOW: usize = 24;

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The MinHash signature of a text (empty when it has fewer than 8 words: too short to judge).
pub fn signature(text: &str) -> Vec<u32> {
    let norm = wildwatch_text::normalize(text);
    let words: Vec<&str> = norm.text.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() < 8 {
        return Vec::new();
    }
    let mut sig = vec![u32::MAX; K];
    let mut seen = std::collections::HashSet::new();
    for w in words.windows(3) {
        let h = fnv(&w.join(" "));
        if !seen.insert(h) {
            continue;
        }
        for (i, s) in sig.iter_mut().enumerate() {
            let v = (mix(h ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)) >> 32) as u32;
            if v < *s {
                *s = v;
            }
        }
    }
    sig
}

/// Estimated Jaccard similarity of two signatures.
pub fn similarity(a: &[u32], b: &[u32]) -> f64 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64
}

/// Calls `f(i, j, similarity)` once for each pair of signatures (by index into `sigs`) at least
/// `threshold` similar that share an LSH band. Identical signatures are reported against the
/// first of their group.
pub fn similar_pairs(
    sigs: &[(&[u32], usize)],
    threshold: f64,
    mut f: impl FnMut(usize, usize, f64),
) {
    let mut first: HashMap<&[u32], usize> = HashMap::new();
    let mut reps: Vec<usize> = Vec::new();
    for (i, (s, _)) in sigs.iter().enumerate() {
        if s.len() != K {
            continue;
        }
        match first.get(s) {
            Some(&r) => f(r, i, 1.0),
            None => {
                first.insert(s, i);
                reps.push(i);
            }
        }
    }
    let mut done: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    for band in 0..BANDS {
        let mut buckets: HashMap<&[u32], Vec<usize>> = HashMap::new();
        for &r in &reps {
            buckets
                .entry(&sigs[r].0[band * ROWS..(band + 1) * ROWS])
                .or_default()
                .push(r);
        }
        for members in buckets.values() {
            // Each text is linked to the nearest earlier similar one only (the most recent of a
            // bounded window): enough to join a cluster, and the links stay linear in the
            // number of ads even when thousands of ads reuse one template.
            for (x, &i) in members.iter().enumerate() {
                let lo = x.saturating_sub(WINDOW);
                for &j in members[lo..x].iter().rev() {
                    let s = similarity(sigs[i].0, sigs[j].0);
                    if s >= threshold {
                        if done.insert((j.min(i), j.max(i))) {
                            f(j, i, s);
                        }
                        break;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reposted_text_is_similar_and_different_text_is_not() {
        let a = signature("Vends perroquet gris du Gabon, 3 ans, très bavard, élevé à la main, avec sa grande cage. Prix 800 euros à débattre, visible à Lyon.");
        let b = signature("Vends perroquet gris du Gabon, 3 ans, très bavard, élevé à la main, avec sa grande cage. Prix 750 euros à débattre, visible à Lyon.");
        let c = signature("Verkaufe Bartagame mit Terrarium und Zubehör, zahm und gesund, nur Abholung in Berlin, Preis VB, bei Interesse melden.");
        assert!(similarity(&a, &b) > 0.6, "{}", similarity(&a, &b));
        assert!(similarity(&a, &c) < 0.1);
        assert!(signature("trop court").is_empty());
        let sigs = vec![
            (a.as_slice(), 0),
            (b.as_slice(), 1),
            (c.as_slice(), 2),
            (a.as_slice(), 3),
        ];
        let mut got = Vec::new();
        similar_pairs(&sigs, 0.6, |i, j, _| got.push((i.min(j), i.max(j))));
        got.sort();
        assert_eq!(got, vec![(0, 1), (0, 3)]);
    }
}
