//! Reading an ad out of a page: the adapter's CSS selectors when it has them, else generic
//! extraction from JSON-LD (schema.org Product/Offer), microdata, OpenGraph and the main text.
//! Also: links on search pages, and recognising blocked and gone pages.

mod ad;

pub use ad::{extract_ad, read_ad, ReadAd, Source};

use std::collections::HashMap;
use std::sync::OnceLock;

use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::adapter::Adapter;

/// What a fetched page turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum PageClass {
    /// An anti-bot challenge or a login wall (never stored as an ad).
    Blocked(String),
    /// "This ad is no longer available".
    Gone,
    /// A normal page.
    Normal,
}

const BLOCKED: &[&str] = &[
    "captcha",
    "are you a robot",
    "are you human",
    "checking your browser",
    "just a moment...",
    "cf-challenge",
    "challenge-platform",
    "enable javascript and cookies",
    "access denied",
    "bitte bestätigen sie, dass sie kein roboter",
    "sind sie ein mensch",
    "vous êtes un robot",
    "êtes-vous un humain",
    "ben je een robot",
    "please log in to",
    "log in to see",
    "login required",
    "sign in to continue",
    "bitte melden sie sich an",
    "anmelden, um",
    "connectez-vous pour",
    "identifiez-vous",
    "log in om",
    "inloggen om",
    // DataDome (Leboncoin), the obfuscated challenge of Kleinanzeigen, AWS WAF (Marktplaats).
    "captcha-delivery.com",
    "window.rbzns",
    "awswafscripturl",
    "please enable js and disable any ad blocker",
];

const GONE: &[&str] = &[
    "this ad is no longer available",
    "this listing has ended",
    "listing is no longer available",
    "cette annonce n'est plus disponible",
    "cette annonce n’est plus disponible",
    "annonce expirée",
    "diese anzeige ist nicht mehr verfügbar",
    "anzeige wurde gelöscht",
    "anzeige ist abgelaufen",
    "deze advertentie is niet meer beschikbaar",
    "advertentie is verwijderd",
    // eBay's ended listings and Kleinanzeigen's deleted-ad veil.
    "dieses angebot wurde beendet",
    "cette annonce est terminée",
    "deze advertentie is gesloten",
    "showdeletedveil: true",
];

/// Classifies a page by its text (first 20,000 characters, lowercase): one automaton pass finds
/// every blocked and gone phrase at once; the first blocked phrase in list order wins, as before.
/// The last 4,000 bytes of a longer page are searched for [`TAIL_BLOCKED`] only (challenge scripts
/// that end a long obfuscated page; generic words such as "captcha" also end normal pages).
pub fn classify(html: &str) -> PageClass {
    static AC: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    let ac = AC.get_or_init(|| {
        aho_corasick::AhoCorasick::new(BLOCKED.iter().chain(GONE.iter()))
            .expect("fixed phrase list builds")
    });
    const _: () = assert!(BLOCKED.len() + GONE.len() <= 64);
    let head = lowercase_head(html, 20_000);
    let mut found: u64 = 0;
    for m in ac.find_overlapping_iter(&head) {
        found |= 1 << m.pattern().as_usize();
    }
    let tail = lowercase_tail(html, 4_000);
    if let Some(p) = TAIL_BLOCKED.iter().find(|p| tail.contains(*p)) {
        if found & ((1u64 << BLOCKED.len()) - 1) == 0 {
            return PageClass::Blocked((*p).to_string());
        }
    }
    if found == 0 {
        return PageClass::Normal;
    }
    let blocked_mask = (1u64 << BLOCKED.len()) - 1;
    if found & blocked_mask != 0 {
        let first = (found & blocked_mask).trailing_zeros() as usize;
        return PageClass::Blocked(BLOCKED[first].to_string());
    }
    PageClass::Gone
}

/// Challenge markers looked for at the end of long pages too.
const TAIL_BLOCKED: &[&str] = &["captcha-delivery.com", "window.rbzns", "awswafscripturl"];

/// The last `max` bytes of `s` (from a character boundary), lowercased, when `s` is longer than
/// the head [`classify`] reads.
fn lowercase_tail(s: &str, max: usize) -> String {
    if s.len() <= 20_000 {
        return String::new();
    }
    let mut from = s.len() - max;
    while !s.is_char_boundary(from) {
        from += 1;
    }
    s[from..].to_lowercase()
}

/// The first `max` characters of `s`, lowercased: ASCII by table, other characters by
/// [`char::to_lowercase`] (the same text as `str::to_lowercase` except for a word-final capital
/// sigma, which no phrase contains).
fn lowercase_head(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max * 2));
    for c in s.chars().take(max) {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A parsed selector, from a per-thread cache: adapters and the generic extraction ask for the same
/// few dozen selectors on every page, and parsing one costs more than matching it.
pub(crate) fn sel(s: &str) -> Option<Selector> {
    thread_local! {
        static CACHE: std::cell::RefCell<HashMap<String, Option<Selector>>> =
            std::cell::RefCell::new(HashMap::new());
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(hit) = c.get(s) {
            return hit.clone();
        }
        // User adapters are few, but a cache must not grow without bound.
        if c.len() >= 512 {
            c.clear();
        }
        let parsed = Selector::parse(s).ok();
        c.insert(s.to_string(), parsed.clone());
        parsed
    })
}

pub(crate) fn text_of(e: ElementRef<'_>) -> String {
    let mut t = String::new();
    for piece in e.text() {
        let p = piece.trim();
        if !p.is_empty() {
            if !t.is_empty() {
                t.push(' ');
            }
            t.push_str(p);
        }
    }
    t
}

/// `selector@attr` → (`selector`, `Some(attr)`); a `@` inside the selector (`a[href*="@"]`)
/// is not an attribute.
pub fn split_attr(spec: &str) -> (&str, Option<&str>) {
    match spec.rsplit_once('@') {
        Some((c, a)) if !a.contains(' ') && !a.contains(']') && !a.contains('"') => (c, Some(a)),
        _ => (spec, None),
    }
}

/// `selector` or `selector@attr`: the text (or attribute) of every match.
pub(crate) fn select_all(doc: &Html, spec: &str) -> Vec<String> {
    let (css, attr) = split_attr(spec);
    let Some(s) = sel(css) else {
        return Vec::new();
    };
    doc.select(&s)
        .filter_map(|e| match attr {
            Some(a) => e.value().attr(a).map(|v| v.trim().to_string()),
            None => Some(text_of(e)),
        })
        .filter(|v| !v.is_empty())
        .collect()
}

fn absolute(base: &Url, href: &str) -> Option<String> {
    absolute_url(base, href).map(String::from)
}

/// `href` resolved against `base`, without its fragment, if it is an http(s) URL.
pub(crate) fn absolute_url(base: &Url, href: &str) -> Option<Url> {
    let mut u = base.join(href.trim()).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| {
        u.set_fragment(None);
        u
    })
}

/// The URL a saved page says it was served at: its canonical link or `og:url` (absolute
/// http(s) only).
pub fn canonical_url(html: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let s = sel(r#"link[rel="canonical"], meta[property="og:url"]"#)?;
    doc.select(&s)
        .filter_map(|e| e.value().attr("href").or_else(|| e.value().attr("content")))
        .filter_map(|u| {
            let u = if u.starts_with("//") {
                format!("https:{u}")
            } else {
                u.to_string()
            };
            Url::parse(&u).ok()
        })
        .find(|u| matches!(u.scheme(), "http" | "https"))
        .map(String::from)
}

/// Links on a search page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchLinks {
    /// Ad pages, in page order, each once.
    pub ads: Vec<String>,
    /// The next search page (`next_page`), if the page shows one.
    pub next: Option<String>,
    /// Numbered page links (`page_links`): the page number each shows, and its URL. Real listings
    /// show a window of pages around the current one and the last page; following them walks a
    /// long listing several pages per step instead of one.
    pub pages: Vec<(u32, String)>,
}

/// Links on a search page: ad pages, the next search page and the numbered page links.
pub fn search_links(html: &str, url: &str, adapter: &Adapter) -> SearchLinks {
    let doc = Html::parse_document(html);
    let Ok(base) = Url::parse(url) else {
        return SearchLinks::default();
    };
    // A link's href resolved against the page, if it is on the same site (host and port).
    let same_site_link = |e: ElementRef<'_>| {
        let u = absolute_url(&base, e.value().attr("href")?)?;
        (u.host_str() == base.host_str()
            && u.port_or_known_default() == base.port_or_known_default())
        .then(|| String::from(u))
    };
    let links_sel = adapter.result_links.as_deref().unwrap_or("a[href]");
    let mut ads: Vec<String> = Vec::new();
    let mut add = |mut abs: String| {
        if adapter.drop_query {
            if let Some(i) = abs.find('?') {
                abs.truncate(i);
            }
        }
        if adapter.is_ad_url(&abs) && !ads.contains(&abs) {
            ads.push(abs);
        }
    };
    if let Some(s) = sel(links_sel) {
        for e in doc.select(&s) {
            if let Some(abs) = same_site_link(e) {
                add(abs);
            }
        }
    }
    if let Some(spec) = &adapter.result_json {
        for href in ad::spec_values_on(html, &doc, adapter, spec) {
            let same_site = absolute_url(&base, &href).filter(|u| {
                u.host_str() == base.host_str()
                    && u.port_or_known_default() == base.port_or_known_default()
            });
            if let Some(u) = same_site {
                add(String::from(u));
            }
        }
    }
    let next_sel = adapter
        .next_page
        .as_deref()
        .unwrap_or(r#"a[rel="next"], link[rel="next"]"#);
    let next = sel(next_sel).and_then(|s| {
        doc.select(&s)
            .find_map(|e| e.value().attr("href").and_then(|h| absolute(&base, h)))
    });
    let mut pages: Vec<(u32, String)> = Vec::new();
    if let Some(s) = adapter.page_links.as_deref().and_then(sel) {
        for e in doc.select(&s) {
            // The page number is the link's text ("7"); links without one ("…", "»") are skipped.
            let Ok(n) = text_of(e).trim().parse::<u32>() else {
                continue;
            };
            let Some(abs) = same_site_link(e) else {
                continue;
            };
            if n > 0 && abs != url && !pages.iter().any(|(_, u)| *u == abs) {
                pages.push((n, abs));
            }
        }
    }
    SearchLinks {
        ads,
        next: next.filter(|n| n != url),
        pages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generic() -> Adapter {
        Adapter::generic("x", "de")
    }

    #[test]
    fn json_ld_product_offer() {
        let html = r#"<html><head><script type="application/ld+json">
        {"@context":"https://schema.org","@type":"Product","name":"Graupapagei Hahn",
         "description":"Zahm, mit Papieren. Tel 0171 2345678","image":["/i/1.jpg","/i/2.jpg"],
         "offers":{"@type":"Offer","price":"650","priceCurrency":"EUR","seller":{"@type":"Person","name":"Jo"}}}
        </script></head><body><h1>x</h1></body></html>"#;
        let a = extract_ad(html, "http://127.0.0.1:1/ad/7", &generic());
        assert_eq!(a.title, "Graupapagei Hahn");
        assert_eq!(a.price_text.as_deref(), Some("650 EUR"));
        assert_eq!(a.seller.as_deref(), Some("Jo"));
        assert_eq!(
            a.images,
            ["http://127.0.0.1:1/i/1.jpg", "http://127.0.0.1:1/i/2.jpg"]
        );
        assert_eq!(a.contacts, ["01712345678"]);
    }

    #[test]
    fn microdata_and_opengraph() {
        let md = r#"<div itemscope itemtype="http://schema.org/Product"><h1 itemprop="name">Uhu</h1>
          <p itemprop="description">Uhu Hahn NZ 2023</p><span itemprop="price" content="900">900 €</span>
          <meta itemprop="priceCurrency" content="EUR"></div>"#;
        let a = extract_ad(md, "http://h/a", &generic());
        assert_eq!(
            (a.title.as_str(), a.price_text.as_deref()),
            ("Uhu", Some("900 EUR"))
        );
        let og = r#"<head><meta property="og:title" content="Grijze roodstaart &amp; kooi">
          <meta property="og:description" content="Tam, 5 jaar"><meta property="og:image" content="/p.jpg"></head>"#;
        let a = extract_ad(og, "http://h/v/1", &generic());
        assert_eq!(a.title, "Grijze roodstaart & kooi");
        assert_eq!(a.description, "Tam, 5 jaar");
        assert_eq!(a.images, ["http://h/p.jpg"]);
    }

    #[test]
    fn classify_equals_the_phrase_by_phrase_reading() {
        let naive = |html: &str| {
            let head: String = html.chars().take(20_000).collect::<String>().to_lowercase();
            if let Some(b) = BLOCKED.iter().find(|b| head.contains(*b)) {
                return PageClass::Blocked((*b).to_string());
            }
            let tail = lowercase_tail(html, 4_000);
            if let Some(b) = TAIL_BLOCKED.iter().find(|b| tail.contains(*b)) {
                return PageClass::Blocked((*b).to_string());
            }
            if GONE.iter().any(|g| head.contains(g)) {
                return PageClass::Gone;
            }
            PageClass::Normal
        };
        let mut pages = vec![
            String::new(),
            "<p>CAPTCHA</p> <p>ACCESS DENIED</p>".to_string(),
            "access denied … then captcha".to_string(),
            "Log in to see. Diese Anzeige ist NICHT MEHR VERFÜGBAR".to_string(),
            "ÊTES-VOUS UN HUMAIN ? Cette annonce n’est plus disponible".to_string(),
            "Annonce EXPIRÉE".to_string(),
            format!("{}captcha", "x".repeat(19_993)),
            format!("{}captcha", "é".repeat(19_993)),
            format!("{}captcha", "é".repeat(19_994)),
            format!("{}window.rbzns = {{}}", "x".repeat(30_000)),
            format!("{}/cdn-cgi/challenge-platform/ captcha", "x".repeat(30_000)),
            "anmelden, umsind sie ein mensch".to_string(),
        ];
        for (i, p) in BLOCKED.iter().chain(GONE.iter()).enumerate() {
            pages.push(format!(
                "<b>{}</b> {}",
                p.to_uppercase(),
                GONE[i % GONE.len()]
            ));
        }
        for p in &pages {
            assert_eq!(classify(p), naive(p), "{p:.80}");
        }
    }

    #[test]
    fn search_links_reads_ads_next_and_numbered_pages() {
        let a = Adapter::parse(
            "name = 'x'\nsearch = '{base}/s?q={keyword}&p={page}'\nad_url_pattern = '/ad/'\n\
             page_links = 'nav.pagination a.pagination-page'",
            "test",
        )
        .unwrap();
        let html = r#"<ul><li><a href="/ad/1">a</a><li><a href="/ad/2">b</a><li><a href="/ad/1">a again</a>
          <li><a href="http://other:9/ad/3">elsewhere</a><li><a href="http://h:8/ad/4">other port</a></ul>
          <nav class="pagination"><a rel="prev" href="/s?q=k&amp;p=6">prev</a>
          <a class="pagination-page" href="/s?q=k&amp;p=1">1</a><span class="pagination-gap">…</span>
          <a class="pagination-page" href="/s?q=k&amp;p=6"> 6 </a><span class="pagination-current">7</span>
          <a class="pagination-page" href="/s?q=k&amp;p=8">8</a><a class="pagination-page" href="/s?q=k&amp;p=8">8</a>
          <a class="pagination-page" href="/s?q=k&amp;p=7">7</a>
          <a class="pagination-page" href="http://other/s?q=k&amp;p=9">9</a>
          <a class="pagination-page" href="/s?q=k&amp;p=99">»</a>
          <a class="pagination-page" href="/s?q=k&amp;p=101">101</a>
          <a rel="next" href="/s?q=k&amp;p=8">next</a></nav>"#;
        let l = search_links(html, "http://h/s?q=k&p=7", &a);
        assert_eq!(l.ads, ["http://h/ad/1", "http://h/ad/2"]);
        assert_eq!(l.next.as_deref(), Some("http://h/s?q=k&p=8"));
        assert_eq!(
            l.pages,
            [
                (1, "http://h/s?q=k&p=1".to_string()),
                (6, "http://h/s?q=k&p=6".to_string()),
                (8, "http://h/s?q=k&p=8".to_string()),
                (101, "http://h/s?q=k&p=101".to_string()),
            ],
            "numbered, same site, each once, not the page itself"
        );
        // Without `page_links` only the next page is followed.
        assert!(search_links(html, "http://h/s?q=k&p=7", &generic())
            .pages
            .is_empty());
    }

    #[test]
    fn blocked_and_gone_pages() {
        assert!(matches!(
            classify("<title>Just a moment...</title><div id=cf-challenge>"),
            PageClass::Blocked(_)
        ));
        assert_eq!(
            classify("<p>Diese Anzeige ist nicht mehr verfügbar.</p>"),
            PageClass::Gone
        );
        assert_eq!(classify("<h1>Uhu</h1>"), PageClass::Normal);
    }

    #[test]
    fn hostile_markup_never_panics() {
        for s in [
            "",
            "<",
            "<<<>>>",
            "<script type=\"application/ld+json\">{{{",
            "\u{0}\u{ffff}",
        ] {
            let _ = extract_ad(s, "not a url", &generic());
            let _ = search_links(s, "http://h/", &generic());
            let _ = classify(s);
        }
    }
}
