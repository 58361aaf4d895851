//! Seller and network pages: a seller's ads across platforms, the ranked networks and a drawing of one.

use super::*;

pub(super) fn json_list(v: &serde_json::Value, k: &str) -> String {
    v[k].as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

pub(super) fn network_summary(n: &serde_json::Value) -> String {
    format!(
        "{} sellers, {} ads ({} high risk) on {}; countries: {}; species: {}",
        n["sellers"].as_array().map(|a| a.len()).unwrap_or(0),
        n["ads"],
        n["high_risk"],
        json_list(n, "platforms"),
        json_list(n, "countries"),
        json_list(n, "species")
    )
}

pub(super) fn evidence_summary(ev: &serde_json::Value, show_values: bool) -> String {
    ev.as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    let kind = e["kind"].as_str().unwrap_or("");
                    let detail = e["detail"].as_str().unwrap_or("");
                    let ads = format!("ads #{} & #{}", e["ads"][0], e["ads"][1]);
                    if show_values || kind == "photo" || kind == "text" {
                        format!("{kind} {detail} ({ads})")
                    } else {
                        format!("same {kind} ({ads})")
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "networks.html")]
pub(super) struct NetworksPage {
    c: Chrome,
    #[allow(clippy::type_complexity)]
    rows: Vec<(i64, usize, String, String, String, String, String)>,
}

pub(super) async fn networks_page(State(st): State<Shared>, PageUser(a): PageUser) -> PageResult {
    let nets = db(&st, |s| s.networks(500)).await?;
    html(NetworksPage {
        rows: nets
            .iter()
            .map(|(id, n)| {
                (
                    *id,
                    n["sellers"].as_array().map(|a| a.len()).unwrap_or(0),
                    n["ads"].to_string(),
                    n["high_risk"].to_string(),
                    json_list(n, "platforms"),
                    json_list(n, "countries"),
                    json_list(n, "species"),
                )
            })
            .collect(),
        c: chrome(Some(&a), "networks"),
    })
}

#[derive(Template)]
#[template(path = "network.html")]
pub(super) struct NetworkPage {
    c: Chrome,
    id: i64,
    summary: String,
    size: u32,
    #[allow(clippy::type_complexity)]
    edges: Vec<(String, String, String, String, String, String, String)>,
    #[allow(clippy::type_complexity)]
    nodes: Vec<(String, String, String, String, String, String, bool, String)>,
}

pub(super) async fn network_page(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    let show = a.user.role.can_see_evidence();
    let (summary, members, links, views) = db(&st, move |s| {
        let summary = s
            .networks(usize::MAX >> 1)?
            .into_iter()
            .find(|(i, _)| *i == id)
            .map(|x| x.1)
            .ok_or_else(|| wildwatch_store::StoreError::NotFound(format!("no network #{id}")))?;
        let members = s.network_members(id)?;
        let shown: Vec<String> = members.iter().take(80).cloned().collect();
        let links = s.links_of(&shown, true)?;
        let mut views = Vec::new();
        for m in &shown {
            views.push(s.seller_view(m)?);
        }
        Ok((summary, members, links, views))
    })
    .await?;
    let n = views.len().max(1);
    let size = 640u32;
    let (cx, cy, r) = (320.0, 320.0, if n <= 2 { 140.0 } else { 250.0 });
    let pos: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let t = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
            (cx + r * t.cos(), cy + r * t.sin())
        })
        .collect();
    let index: std::collections::HashMap<&str, usize> = members
        .iter()
        .take(80)
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let edges = links
        .iter()
        .filter_map(|l| {
            let (i, j) = (*index.get(l.a.as_str())?, *index.get(l.b.as_str())?);
            let kind = l.evidence[0]["kind"]
                .as_str()
                .unwrap_or("other")
                .to_string();
            Some((
                format!("{:.1}", pos[i].0),
                format!("{:.1}", pos[i].1),
                format!("{:.1}", pos[j].0),
                format!("{:.1}", pos[j].1),
                format!("{:.1}", 1.0 + 4.0 * l.strength),
                kind,
                format!(
                    "strength {:.2}: {}",
                    l.strength,
                    evidence_summary(&l.evidence, show)
                ),
            ))
        })
        .collect();
    let nodes = views
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let v = v.as_ref()?;
            let high = v.ads.iter().any(|x| x.2 == Risk::High);
            let radius = 8.0 + (v.ads.len() as f64).sqrt() * 4.0;
            let label: String = v.name.chars().take(24).collect();
            Some((
                v.key.clone(),
                format!("{:.1}", pos[i].0),
                format!("{:.1}", pos[i].1),
                format!("{radius:.1}"),
                format!("{} on {}: {} ads", v.name, v.platform, v.ads.len()),
                label,
                high,
                format!("{:.1}", pos[i].1 + radius + 13.0),
            ))
        })
        .collect();
    html(NetworkPage {
        id,
        summary: network_summary(&summary),
        size,
        edges,
        nodes,
        c: chrome(Some(&a), "networks"),
    })
}

#[derive(Template)]
#[template(path = "seller.html")]
pub(super) struct SellerPage {
    c: Chrome,
    key: String,
    name: String,
    platform: String,
    network: Option<i64>,
    network_summary: String,
    ads: Vec<(i64, String, Risk, String)>,
    show_identifiers: bool,
    identifiers: Vec<(String, String, String, String)>,
    links: Vec<(String, String, String, String)>,
}

pub(super) async fn seller_page(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(key): Path<String>,
) -> PageResult {
    let show = a.user.role.can_see_evidence();
    let k2 = key.clone();
    let (v, summary) = db(&st, move |s| {
        let v = s
            .seller_view(&k2)?
            .ok_or_else(|| wildwatch_store::StoreError::NotFound(format!("no seller `{k2}`")))?;
        let summary = match v.network {
            Some(n) => s
                .networks(usize::MAX >> 1)?
                .into_iter()
                .find(|x| x.0 == n)
                .map(|x| x.1),
            None => None,
        };
        let mut names = Vec::new();
        for l in &v.links {
            let other = if l.a == v.key { &l.b } else { &l.a };
            names.push(
                s.seller_view(other)?
                    .map(|o| format!("{} ({})", o.name, o.platform)),
            );
        }
        Ok(((v, names), summary))
    })
    .await?;
    let (v, names) = v;
    html(SellerPage {
        network_summary: summary.as_ref().map(network_summary).unwrap_or_default(),
        links: v
            .links
            .iter()
            .zip(names)
            .map(|(l, name)| {
                let other = if l.a == v.key {
                    l.b.clone()
                } else {
                    l.a.clone()
                };
                (
                    other.clone(),
                    name.unwrap_or(other),
                    format!("{:.2}", l.strength),
                    evidence_summary(&l.evidence, show),
                )
            })
            .collect(),
        identifiers: if show {
            v.identifiers
                .iter()
                .map(|i| {
                    (
                        i.kind.clone(),
                        i.value.clone(),
                        i.raw.clone(),
                        i.field.clone(),
                    )
                })
                .collect()
        } else {
            vec![]
        },
        show_identifiers: show,
        key: v.key,
        name: v.name,
        platform: v.platform,
        network: v.network,
        ads: v.ads,
        c: chrome(Some(&a), "networks"),
    })
}
