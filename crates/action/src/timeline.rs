//! What an investigator reads first: each version of an ad as text, and the ad's history
//! (seen, changed and how, gone, notices, reviews) in time order.

use serde::Serialize;
use wildwatch_store::action::AdRecord;
use wildwatch_store::app::AuditEntry;
use wildwatch_store::AdContent;

use crate::rfc3339;

/// Control characters other than newline and tab shown as `\u{…}`: a text file read in a
/// terminal must not carry a seller's escape sequences.
pub(crate) fn visible(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            o.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            o.push(c);
        }
    }
    o
}

/// Each version as text, as seen.
pub(crate) fn versions_text(ad: &AdRecord) -> String {
    let mut o = format!(
        "Ad {} on {}\n{}\n",
        ad.id,
        visible(&ad.platform),
        visible(&ad.url)
    );
    for v in &ad.versions {
        let c = &v.content;
        let page = v
            .page_id
            .and_then(|pid| ad.pages.iter().find(|(id, _)| *id == pid))
            .map(|(id, p)| {
                format!(
                    " from page {id} (HTTP {}, body SHA-256 {})",
                    p.status,
                    p.body_sha256.as_deref().unwrap_or("-")
                )
            })
            .unwrap_or_default();
        o.push_str(&format!(
            "\n=== Version {} seen {}{page}\n",
            v.version,
            rfc3339(v.seen_at)
        ));
        let opt = |x: &Option<String>| x.as_deref().map(visible).unwrap_or_else(|| "-".into());
        o.push_str(&format!("Title: {}\n", visible(&c.title)));
        o.push_str(&format!("Price: {}\n", opt(&c.price_text)));
        o.push_str(&format!("Seller: {}\n", opt(&c.seller)));
        o.push_str(&format!("Location: {}\n", opt(&c.location)));
        o.push_str(&format!("Posted: {}\n", opt(&c.posted)));
        if let Some(id) = &c.external_id {
            o.push_str(&format!("Platform ad id: {}\n", visible(id)));
        }
        if !c.contacts.is_empty() {
            o.push_str(&format!("Contacts: {}\n", visible(&c.contacts.join(", "))));
        }
        for img in &c.images {
            o.push_str(&format!("Image: {}\n", visible(img)));
        }
        o.push_str(&format!("Description:\n{}\n", visible(&c.description)));
    }
    o
}

/// One event of an ad's history.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Event {
    /// Unix seconds.
    pub at: i64,
    /// RFC 3339 UTC.
    pub time: String,
    /// first_seen, changed, fetched, gone, notice_prepared, notice_sent, audit.
    pub event: String,
    /// Details.
    pub detail: serde_json::Value,
}

fn changed_fields(a: &AdContent, b: &AdContent) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut cmp = |name: &str, x: Option<&str>, y: Option<&str>| {
        if x != y {
            out.push(serde_json::json!({"field": name, "old": x, "new": y}));
        }
    };
    cmp("title", Some(&a.title), Some(&b.title));
    cmp("description", Some(&a.description), Some(&b.description));
    cmp("price", a.price_text.as_deref(), b.price_text.as_deref());
    cmp("seller", a.seller.as_deref(), b.seller.as_deref());
    cmp("location", a.location.as_deref(), b.location.as_deref());
    if a.images != b.images {
        out.push(serde_json::json!({"field": "images", "old": a.images, "new": b.images}));
    }
    out
}

/// The ad's history, oldest first.
pub(crate) fn timeline(ad: &AdRecord, audit: &[AuditEntry]) -> Vec<Event> {
    let mut ev = Vec::new();
    let mut push = |at: i64, event: &str, detail: serde_json::Value| {
        ev.push(Event {
            at,
            time: rfc3339(at),
            event: event.to_string(),
            detail,
        })
    };
    push(
        ad.first_seen,
        "first_seen",
        serde_json::json!({"version": 1, "url": ad.url}),
    );
    for w in ad.versions.windows(2) {
        push(
            w[1].seen_at,
            "changed",
            serde_json::json!({
                "version": w[1].version,
                "changes": changed_fields(&w[0].content, &w[1].content),
            }),
        );
    }
    for (id, p) in &ad.pages {
        push(
            p.fetched_at,
            "fetched",
            serde_json::json!({
                "page": id, "status": p.status, "kind": p.kind,
                "body_sha256": p.body_sha256, "error": p.error,
            }),
        );
    }
    push(ad.last_seen, "last_seen", serde_json::json!({}));
    if let Some(g) = ad.gone_at {
        push(g, "gone", serde_json::json!({}));
    }
    for n in &ad.notices {
        push(
            n.created_at,
            "notice_prepared",
            serde_json::json!({"notice": n.id}),
        );
        if let Some(s) = n.sent_at {
            push(
                s,
                "notice_sent",
                serde_json::json!({"notice": n.id, "channel": n.channel}),
            );
        }
    }
    for a in audit {
        if a.action.starts_with("takedown.") {
            continue; // already told by the notice events
        }
        push(
            a.at,
            "audit",
            serde_json::json!({"action": a.action, "by": a.username, "detail": a.detail}),
        );
    }
    ev.sort_by_key(|e| e.at);
    ev
}

/// The history as text.
pub(crate) fn timeline_text(ad: &AdRecord, events: &[Event]) -> String {
    let mut o = format!("Timeline of ad {} ({})\n\n", ad.id, visible(&ad.url));
    for e in events {
        let what = match e.event.as_str() {
            "first_seen" => "first seen".to_string(),
            "changed" => {
                let fields: Vec<String> = e.detail["changes"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|c| c["field"].as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                format!(
                    "changed (version {}): {}",
                    e.detail["version"],
                    fields.join(", ")
                )
            }
            "fetched" => format!(
                "page {} fetched: HTTP {} ({}), body SHA-256 {}",
                e.detail["page"],
                e.detail["status"],
                e.detail["kind"].as_str().unwrap_or(""),
                e.detail["body_sha256"].as_str().unwrap_or("-")
            ),
            "last_seen" => "last seen online".into(),
            "gone" => "gone (removed or no longer available)".into(),
            "notice_prepared" => format!("named in takedown notice {}", e.detail["notice"]),
            "notice_sent" => format!(
                "takedown notice {} sent ({})",
                e.detail["notice"],
                e.detail["channel"].as_str().unwrap_or("-")
            ),
            _ => format!(
                "{} by {}",
                e.detail["action"].as_str().unwrap_or(""),
                visible(e.detail["by"].as_str().unwrap_or(""))
            ),
        };
        o.push_str(&format!("{}  {what}\n", e.time));
    }
    o
}
