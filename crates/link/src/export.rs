//! Exporting networks: GraphML (Gephi, yEd, investigation tools) and CSV node/edge lists, with
//! optional pseudonymisation (keyed hashes: links survive, names and numbers do not leave).

use hmac::{KeyInit, Mac};
use quick_xml::escape::escape;
use wildwatch_sink::csv_field;

use crate::{Graph, Link};

/// A seller node as exported.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NodeOut {
    /// Node id (seller key, or its pseudonym).
    pub id: String,
    /// Label (display name, or its pseudonym).
    pub label: String,
    /// Platform.
    pub platform: String,
    /// Ads.
    pub ads: usize,
    /// High-risk ads.
    pub high_risk: usize,
    /// Network rank (0 = none).
    pub network: usize,
}

/// A keyed pseudonym: the same value and key always give the same pseudonym; without the key
/// the value cannot be recovered or tested.
pub fn pseudonym(key: &[u8], value: &str) -> String {
    let mut m = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    m.update(value.as_bytes());
    format!("p{}", &hex::encode(m.finalize().into_bytes())[..16])
}

/// Replaces node ids, labels and identifier values in evidence by pseudonyms.
pub fn pseudonymise(key: &[u8], nodes: &mut [NodeOut], links: &mut [Link]) {
    for n in nodes.iter_mut() {
        n.id = pseudonym(key, &n.id);
        n.label = n.id.clone();
    }
    for l in links.iter_mut() {
        l.a = pseudonym(key, &l.a);
        l.b = pseudonym(key, &l.b);
        for e in l.evidence.iter_mut() {
            if e.kind != "photo" && e.kind != "text" {
                e.detail = pseudonym(key, &format!("{}:{}", e.kind, e.detail));
            }
        }
    }
}

fn kinds(l: &Link) -> String {
    let mut k: Vec<&str> = l.evidence.iter().map(|e| e.kind.as_str()).collect();
    k.dedup();
    k.join(",")
}

fn evidence_text(l: &Link) -> String {
    l.evidence
        .iter()
        .map(|e| format!("{} {} (ads {} & {})", e.kind, e.detail, e.ads.0, e.ads.1))
        .collect::<Vec<_>>()
        .join("; ")
}

/// GraphML with node attributes (label, platform, ads, high_risk, network) and edge attributes
/// (strength, kinds, evidence).
pub fn graphml(nodes: &[NodeOut], links: &[Link]) -> String {
    let mut o = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    for (id, for_, name, ty) in [
        ("d0", "node", "label", "string"),
        ("d1", "node", "platform", "string"),
        ("d2", "node", "ads", "int"),
        ("d3", "node", "high_risk", "int"),
        ("d4", "node", "network", "int"),
        ("d5", "edge", "strength", "double"),
        ("d6", "edge", "kinds", "string"),
        ("d7", "edge", "evidence", "string"),
    ] {
        o.push_str(&format!(
            "  <key id=\"{id}\" for=\"{for_}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>\n"
        ));
    }
    o.push_str("  <graph id=\"wildwatch\" edgedefault=\"undirected\">\n");
    for n in nodes {
        o.push_str(&format!(
            "    <node id=\"{}\"><data key=\"d0\">{}</data><data key=\"d1\">{}</data><data key=\"d2\">{}</data><data key=\"d3\">{}</data><data key=\"d4\">{}</data></node>\n",
            escape(n.id.as_str()),
            escape(n.label.as_str()),
            escape(n.platform.as_str()),
            n.ads,
            n.high_risk,
            n.network
        ));
    }
    for (i, l) in links.iter().enumerate() {
        o.push_str(&format!(
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\"><data key=\"d5\">{:.3}</data><data key=\"d6\">{}</data><data key=\"d7\">{}</data></edge>\n",
            escape(l.a.as_str()),
            escape(l.b.as_str()),
            l.strength,
            escape(kinds(l).as_str()),
            escape(evidence_text(l).as_str())
        ));
    }
    o.push_str("  </graph>\n</graphml>\n");
    o
}

/// CSV node list (`id,label,platform,ads,high_risk,network`).
pub fn nodes_csv(nodes: &[NodeOut]) -> String {
    let mut o = String::from("id,label,platform,ads,high_risk,network\n");
    for n in nodes {
        o.push_str(&format!(
            "{},{},{},{},{},{}\n",
            csv_field(&n.id),
            csv_field(&n.label),
            csv_field(&n.platform),
            n.ads,
            n.high_risk,
            n.network
        ));
    }
    o
}

/// CSV edge list (`source,target,strength,kinds,evidence`).
pub fn edges_csv(links: &[Link]) -> String {
    let mut o = String::from("source,target,strength,kinds,evidence\n");
    for l in links {
        o.push_str(&format!(
            "{},{},{:.3},{},{}\n",
            csv_field(&l.a),
            csv_field(&l.b),
            l.strength,
            csv_field(&kinds(l)),
            csv_field(&evidence_text(l))
        ));
    }
    o
}

/// Nodes of a graph's links, without store data (ids as labels).
pub fn bare_nodes(g: &Graph) -> Vec<NodeOut> {
    let mut ids: Vec<&str> = g
        .links
        .iter()
        .flat_map(|l| [l.a.as_str(), l.b.as_str()])
        .collect();
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .map(|id| NodeOut {
            id: id.to_string(),
            label: id.to_string(),
            platform: String::new(),
            ads: 0,
            high_risk: 0,
            network: g
                .networks
                .iter()
                .find(|n| n.sellers.iter().any(|s| s == id))
                .map(|n| n.id)
                .unwrap_or(0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Evidence;

    #[test]
    fn graphml_escapes_and_pseudonyms_hide_values() {
        let mut links = vec![Link {
            a: "s1".into(),
            b: "s<2>&\"".into(),
            evidence: vec![Evidence {
                kind: "phone".into(),
                detail: "+33612345678".into(),
                ads: (1, 2),
                strength: 0.95,
            }],
            strength: 0.95,
        }];
        let mut nodes = vec![NodeOut {
            id: "s1".into(),
            label: "Jean <Dupont>".into(),
            platform: "leboncoin".into(),
            ads: 2,
            high_risk: 1,
            network: 1,
        }];
        let g = graphml(&nodes, &links);
        assert!(g.contains("Jean &lt;Dupont&gt;") && g.contains("s&lt;2&gt;&amp;&quot;"));
        pseudonymise(b"secret", &mut nodes, &mut links);
        let g = graphml(&nodes, &links);
        assert!(!g.contains("Dupont") && !g.contains("33612345678"));
        assert_eq!(nodes[0].id, pseudonym(b"secret", "s1"));
        assert_ne!(pseudonym(b"other", "s1"), nodes[0].id);
        assert!(edges_csv(&links).lines().count() == 2);
    }
}
