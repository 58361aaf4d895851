//! URLs: profile and shop pages, and the links that name a messaging or payment handle
//! (`wa.me/…`, `t.me/…`, `paypal.me/…`).

use crate::{char_before, known_tld, phone, prio, Ctx, Kind};
use regex::Regex;
use std::sync::LazyLock;

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:https?://)?(?:[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?\.)+[a-z]{2,24}(?::\d{2,5})?(?:[/?#][^\s<>\x22'`{}|\\^\[\]]*)?",
    )
    .expect("url regex")
});

/// Query parameters that only track where a click came from.
fn tracking_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_")
        || n.starts_with("__")
        || matches!(
            n.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "igshid"
                | "igsh"
                | "si"
                | "ref"
                | "ref_src"
                | "ref_url"
                | "referrer"
                | "mc_cid"
                | "mc_eid"
                | "_ga"
                | "_gl"
                | "spm"
                | "mibextid"
                | "rdid"
                | "share_url"
                | "sharer"
                | "from"
                | "source"
                | "feature"
                | "hl"
                | "lang"
                | "locale"
                | "_t"
                | "_r"
                | "is_from_webapp"
                | "sender_device"
                | "s"
                | "t"
        )
}

/// Hosts whose paths are case-insensitive user names.
const SOCIAL: &[&str] = &[
    "instagram.com",
    "facebook.com",
    "tiktok.com",
    "x.com",
    "snapchat.com",
    "youtube.com",
    "pinterest.com",
    "t.me",
    "wa.me",
    "paypal.me",
    "revolut.me",
    "linktr.ee",
];

/// Hosts where the bare domain names no one: only a path makes it an identifier.
const PLATFORMS: &[&str] = &[
    "instagram.com",
    "facebook.com",
    "tiktok.com",
    "x.com",
    "snapchat.com",
    "youtube.com",
    "pinterest.com",
    "t.me",
    "wa.me",
    "paypal.me",
    "paypal.com",
    "revolut.me",
    "linktr.ee",
    "leboncoin.fr",
    "kleinanzeigen.de",
    "ebay-kleinanzeigen.de",
    "ebay.de",
    "ebay.fr",
    "ebay.co.uk",
    "ebay.com",
    "ebay.nl",
    "ebay.be",
    "marktplaats.nl",
    "2dehands.be",
    "2ememain.be",
    "vinted.fr",
    "vinted.de",
    "vinted.nl",
    "vinted.be",
    "vinted.co.uk",
    "gumtree.com",
    "preloved.co.uk",
    "willhaben.at",
    "tutti.ch",
    "anibis.ch",
    "markt.de",
    "quoka.de",
    "deine-tierwelt.de",
    "etsy.com",
    "google.com",
    "whatsapp.com",
    "signal.me",
    "lydia-app.com",
    "tikkie.me",
];

/// Host aliases, folded to one name.
fn canonical_host(host: &str) -> &str {
    match host {
        "fb.com" | "fb.me" | "m.me" => "facebook.com",
        "instagr.am" => "instagram.com",
        "twitter.com" => "x.com",
        "telegram.me" | "telegram.dog" => "t.me",
        "vm.tiktok.com" => "tiktok.com",
        h => h,
    }
}

/// Normalises a URL for linking: lowercase host without `www.` or `m.`, no scheme, port,
/// fragment, trailing slash or tracking parameters; the path of social profiles lowercased.
///
/// ```
/// use wildwatch_ident::normalize_url;
/// assert_eq!(
///     normalize_url("https://www.Instagram.com/Wild.Exotics/?igshid=abc123").as_deref(),
///     Some("instagram.com/wild.exotics"),
/// );
/// assert_eq!(normalize_url("HTTP://Shop.Example.FR/Cat?id=7&utm_source=fb#top").as_deref(), Some("shop.example.fr/Cat?id=7"));
/// ```
pub fn normalize_url(url: &str) -> Option<String> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &u[8..]
    } else if lower.starts_with("http://") {
        &u[7..]
    } else {
        u
    };
    let rest = rest.split('#').next().unwrap_or("");
    let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(host_end);
    let host = host.split(':').next().unwrap_or("").to_ascii_lowercase();
    if host.is_empty() || !host.contains('.') {
        return None;
    }
    let mut host = host.as_str();
    for prefix in ["www.", "m.", "mobile.", "web.", "mbasic."] {
        if let Some(h) = host.strip_prefix(prefix) {
            if h.contains('.') {
                host = h;
            }
        }
    }
    let host = canonical_host(host);
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (tail, None),
    };
    let mut path = path.trim_end_matches('/').to_string();
    if SOCIAL.contains(&host) {
        path = path.to_lowercase();
    }
    let mut out = format!("{host}{path}");
    if let Some(q) = query {
        let kept: Vec<&str> = q
            .split('&')
            .filter(|kv| !kv.is_empty())
            .filter(|kv| !tracking_param(kv.split('=').next().unwrap_or("")))
            .collect();
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept.join("&"));
        }
    }
    Some(out)
}

/// Finds URLs and adds them, with the handles they name, as candidates.
pub(crate) fn find(ctx: &mut Ctx<'_>) {
    let text = ctx.text;
    if !text.contains('.') {
        return;
    }
    let mut found = Vec::new();
    for m in URL.find_iter(text) {
        let start = m.start();
        if char_before(text, start)
            .is_some_and(|c| c == '@' || c == '.' || c == '-' || c == '_' || c.is_alphanumeric())
        {
            continue;
        }
        let raw = trim_end(m.as_str());
        if raw.is_empty() {
            continue;
        }
        let lower = raw.to_ascii_lowercase();
        let schemed = lower.starts_with("http://") || lower.starts_with("https://");
        let Some(value) = normalize_url(raw) else {
            continue;
        };
        let host = value.split(['/', '?']).next().unwrap_or("");
        let tld = host.rsplit('.').next().unwrap_or("");
        if !schemed && !lower.starts_with("www.") && !known_tld(tld) {
            continue;
        }
        // A bare word followed by a dot and a known TLD is often just a sentence: "…vendu.De"
        // Keep scheme-less URLs only when all lowercase or with a path.
        if !schemed && !lower.starts_with("www.") && raw.len() == host.len() && raw != lower {
            continue;
        }
        found.push((start, start + raw.len(), value));
    }
    for (start, end, value) in found {
        classify(ctx, (start, end), value);
    }
}

/// Trims what follows a URL in a sentence: closing punctuation and unbalanced brackets.
fn trim_end(s: &str) -> &str {
    let mut s = s;
    loop {
        let Some(c) = s.chars().next_back() else {
            return s;
        };
        let drop = match c {
            '.' | ',' | ';' | ':' | '!' | '?' | '*' | '\'' | '"' | '>' => true,
            ')' => s.matches('(').count() < s.matches(')').count(),
            _ => false,
        };
        if !drop {
            return s;
        }
        s = &s[..s.len() - c.len_utf8()];
    }
}

/// Adds a URL with the handle it names: a WhatsApp number, a Telegram or social user name,
/// a PayPal or other payment handle.
fn classify(ctx: &mut Ctx<'_>, span: (usize, usize), value: String) {
    let (host, rest) = match value.find(['/', '?']) {
        Some(i) => (&value[..i], &value[i..]),
        None => (value.as_str(), ""),
    };
    let path = rest.split('?').next().unwrap_or("");
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let query = rest.split_once('?').map(|(_, q)| q).unwrap_or("");
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
    };
    let g = ctx.group();
    match host {
        "wa.me" | "api.whatsapp.com" | "whatsapp.com" => {
            let digits = if host == "wa.me" {
                segs.first().copied()
            } else {
                param("phone")
            };
            let digits = digits.map(|d| d.trim_start_matches(['+', '0']));
            let e164 = digits
                .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
                .and_then(|d| phone::normalize_phone(&format!("+{d}"), None));
            if let Some(e164) = e164 {
                ctx.push(Kind::WhatsApp, e164.clone(), span, g, prio::URL);
                ctx.push(Kind::Phone, e164, span, g, prio::URL);
                return;
            }
        }
        "t.me" => {
            let name = match segs.as_slice() {
                ["s", name, ..] => Some(*name),
                [name, ..] if !matches!(*name, "joinchat" | "addstickers" | "share" | "c") => {
                    Some(*name)
                }
                _ => None,
            };
            if let Some(name) = name.filter(|n| telegram_name(n)) {
                ctx.push(Kind::Telegram, name.to_string(), span, g, prio::URL);
                return;
            }
        }
        "signal.me" => {
            let raw = &ctx.text[span.0..span.1];
            if let Some(p) = raw.split("#p/").nth(1) {
                if let Some(e164) = phone::normalize_phone(p, None) {
                    ctx.push(Kind::Signal, e164.clone(), span, g, prio::URL);
                    ctx.push(Kind::Phone, e164, span, g, prio::URL);
                    return;
                }
            }
        }
        "paypal.me" | "paypal.com" => {
            let name = match segs.as_slice() {
                [name, ..] if host == "paypal.me" => Some(*name),
                ["paypalme", name, ..] => Some(*name),
                _ => None,
            };
            if let Some(name) = name {
                ctx.push(
                    Kind::PayPal,
                    format!("paypal.me/{name}"),
                    span,
                    g,
                    prio::URL,
                );
                return;
            }
        }
        "revolut.me" | "lydia-app.com" | "pay.lydia.me" | "tikkie.me"
            if !segs.is_empty() || !query.is_empty() =>
        {
            ctx.push(Kind::Payment, value.clone(), span, g, prio::URL);
            return;
        }
        "instagram.com" | "tiktok.com" | "x.com" | "facebook.com" | "snapchat.com" => {
            let name = match (host, segs.as_slice()) {
                ("snapchat.com", ["add", name, ..]) => Some(*name),
                ("tiktok.com", [name, ..]) => name.strip_prefix('@'),
                ("facebook.com", [name]) if *name != "profile.php" => Some(*name),
                ("instagram.com" | "x.com", [name]) => Some(*name),
                _ => None,
            };
            let reserved = [
                "p",
                "reel",
                "reels",
                "explore",
                "share",
                "watch",
                "groups",
                "marketplace",
                "stories",
                "home",
                "search",
                "hashtag",
                "i",
                "intent",
                "events",
                "pages",
            ];
            if let Some(name) = name.filter(|n| !reserved.contains(n) && !n.is_empty()) {
                ctx.push(Kind::Url, value.clone(), span, g, prio::URL);
                ctx.push(Kind::Username, name.to_string(), span, g, prio::URL);
                return;
            }
        }
        _ => {}
    }
    if segs.is_empty() && query.is_empty() && PLATFORMS.contains(&host) {
        return;
    }
    ctx.push(Kind::Url, value, span, g, prio::URL);
}

/// A Telegram user name: 4 to 32 letters, digits and underscores, starting with a letter.
pub(crate) fn telegram_name(name: &str) -> bool {
    (4..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
