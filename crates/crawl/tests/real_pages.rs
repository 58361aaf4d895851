//! Every saved page in `adapters/*/pages/` (real pages from public repositories, and reductions
//! of real structures where no page could be kept; see each folder's `SOURCES.md`) is read with
//! its platform's adapter and checked against its `.expected.json`: ad pages field by field,
//! search pages for their ad links and next page, removed ads as gone and bot challenges as
//! blocked.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use wildwatch_crawl::adapter::Adapter;
use wildwatch_crawl::extract::{classify, read_ad, search_links, PageClass};

/// What a page must read as (written by hand from the page itself).
#[derive(Debug, Deserialize)]
struct Expected {
    kind: String,
    url: String,
    title: Option<String>,
    description_starts: Option<String>,
    price: Option<String>,
    currency: Option<String>,
    seller: Option<String>,
    seller_id: Option<String>,
    location: Option<String>,
    posted: Option<String>,
    images: Option<usize>,
    first_image: Option<String>,
    category: Option<String>,
    external_id: Option<String>,
    /// A phone number or e-mail address in the ad's text.
    contact: Option<String>,
    #[serde(default)]
    ads: Vec<String>,
    next: Option<String>,
    /// A next page the crawl makes from the adapter's search template (pages that show none).
    next_from_template: Option<NextFromTemplate>,
}

#[derive(Debug, Deserialize)]
struct NextFromTemplate {
    keyword: String,
    page: u32,
}

fn adapters_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../adapters")
}

/// Every (platform, page, expected) in the adapters' folders.
fn saved_pages() -> Vec<(String, PathBuf, Expected)> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(adapters_dir()).unwrap() {
        let dir = dir.unwrap().path();
        let pages = dir.join("pages");
        if !pages.is_dir() {
            continue;
        }
        let platform = dir.file_name().unwrap().to_string_lossy().to_string();
        for f in std::fs::read_dir(&pages).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "html") {
                let exp = f.with_extension("expected.json");
                let text = std::fs::read_to_string(&exp)
                    .unwrap_or_else(|e| panic!("{}: {e}", exp.display()));
                let e: Expected = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", exp.display()));
                out.push((platform.clone(), f, e));
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// The first number in a price ("1 185 000 €" → 1185000, "6300.00" → 6300, "EUR 450,00" →
/// 450): a separator followed by one or two digits at the end is the decimal point.
fn price_value(p: &str) -> Option<f64> {
    let start = p.find(|c: char| c.is_ascii_digit())?;
    let num: String = p[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{a0}' | '\u{202f}'))
        .filter(|c| !c.is_whitespace())
        .collect();
    let num = num.trim_end_matches(['.', ',']);
    let (whole, frac) = match num.rfind(['.', ',']) {
        Some(i) if (1..=2).contains(&(num.len() - i - 1)) => (&num[..i], &num[i + 1..]),
        _ => (num, ""),
    };
    format!(
        "{}.{}",
        digits(whole),
        if frac.is_empty() { "0" } else { frac }
    )
    .parse()
    .ok()
}

/// Differences between what the adapter read from an ad page and what the page holds.
fn check_ad(adapter: &Adapter, html: &str, e: &Expected) -> Vec<String> {
    let r = read_ad(html, &e.url, adapter);
    let a = &r.ad;
    let mut bad = Vec::new();
    let mut same = |what: &str, got: Option<&str>, want: &Option<String>| {
        if got.map(collapse) != want.as_deref().map(collapse) {
            bad.push(format!("{what}: got {got:?}, want {want:?}"));
        }
    };
    same(
        "title",
        Some(&a.title).filter(|t| !t.is_empty()).map(|s| s.as_str()),
        &e.title,
    );
    same("seller", a.seller.as_deref(), &e.seller);
    same("seller_id", a.seller_id.as_deref(), &e.seller_id);
    same("location", a.location.as_deref(), &e.location);
    same("category", a.category.as_deref(), &e.category);
    same("external_id", a.external_id.as_deref(), &e.external_id);
    same("posted", a.posted.as_deref(), &e.posted);
    if let Some(d) = &e.description_starts {
        if !collapse(&a.description).starts_with(&collapse(d)) {
            bad.push(format!(
                "description: {:.60?} does not start with {d:?}",
                a.description
            ));
        }
    }
    match (&e.price, &a.price_text) {
        (Some(p), Some(t)) if price_value(t).is_some() && price_value(t) == price_value(p) => {}
        (None, None) => {}
        (p, t) => bad.push(format!("price: got {t:?}, want {p:?}")),
    }
    if let (Some(c), Some(t), Some(_)) = (&e.currency, &a.price_text, &e.price) {
        let symbol = match c.as_str() {
            "EUR" => "€",
            "GBP" => "£",
            _ => c.as_str(),
        };
        if !t.contains(c.as_str()) && !t.contains(symbol) {
            bad.push(format!("currency: {t:?} does not say {c}"));
        }
    }
    if let Some(n) = e.images {
        if a.images.len() != n {
            bad.push(format!("images: got {}, want {n}", a.images.len()));
        }
    }
    if let Some(f) = &e.first_image {
        if a.images.first() != Some(f) {
            bad.push(format!(
                "first image: got {:?}, want {f:?}",
                a.images.first()
            ));
        }
    }
    if let Some(c) = &e.contact {
        let want = digits(c);
        if !a
            .contacts
            .iter()
            .any(|got| digits(got).ends_with(&want[want.len().saturating_sub(8)..]))
        {
            bad.push(format!("contact {c} not in {:?}", a.contacts));
        }
    }
    if !r.matched() {
        bad.push("the page does not match the adapter's fields".into());
    }
    bad
}

fn check_search(adapter: &Adapter, html: &str, e: &Expected) -> Vec<String> {
    let l = search_links(html, &e.url, adapter);
    let mut bad = Vec::new();
    if l.ads != e.ads {
        bad.push(format!("ads: got {:#?}, want {:#?}", l.ads, e.ads));
    }
    let next = match (&l.next, &e.next_from_template) {
        (None, Some(t)) if !l.ads.is_empty() => {
            let base = url::Url::parse(&e.url).unwrap();
            let base = format!("{}://{}", base.scheme(), base.host_str().unwrap());
            Some(adapter.search_url(&base, &t.keyword, t.page))
        }
        (n, _) => n.clone(),
    };
    if next != e.next {
        bad.push(format!("next: got {next:?}, want {:?}", e.next));
    }
    bad
}

#[test]
fn every_saved_page_reads_as_its_expected_fields() {
    let pages = saved_pages();
    assert!(pages.len() >= 20, "only {} saved pages", pages.len());
    let mut failures = Vec::new();
    for (platform, path, e) in &pages {
        let adapter = Adapter::from_file(&adapters_dir().join(platform).join("adapter.toml"))
            .unwrap_or_else(|err| panic!("{platform}: {err}"));
        let html = std::fs::read_to_string(path).unwrap();
        let class = classify(&html);
        let mut bad = match e.kind.as_str() {
            "ad" => check_ad(&adapter, &html, e),
            "search" | "empty_search" => check_search(&adapter, &html, e),
            "gone" if class == PageClass::Gone => vec![],
            "blocked" if matches!(class, PageClass::Blocked(_)) => vec![],
            k => vec![format!("kind {k}: the page reads as {class:?}")],
        };
        if matches!(e.kind.as_str(), "ad" | "search" | "empty_search") && class != PageClass::Normal
        {
            bad.push(format!("a {} page classified as {class:?}", e.kind));
        }
        if e.kind == "ad" && !adapter.is_ad_url(&e.url) {
            bad.push(format!("{} does not match ad_url_pattern", e.url));
        }
        if !bad.is_empty() {
            failures.push(format!("{}:\n  {}", path.display(), bad.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_adapter_with_pages_has_its_sources_written_down() {
    for (platform, path, _) in saved_pages() {
        let sources = adapters_dir().join(&platform).join("SOURCES.md");
        let text = std::fs::read_to_string(&sources)
            .unwrap_or_else(|_| panic!("{} has no SOURCES.md", platform));
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            text.contains(&name),
            "{} does not list {name}",
            sources.display()
        );
    }
}

#[test]
fn every_adapter_folder_is_named_after_its_adapter_and_has_an_ad_page() {
    let pages = saved_pages();
    for entry in std::fs::read_dir(adapters_dir()).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("adapter.toml").is_file() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let adapter = Adapter::from_file(&dir.join("adapter.toml")).unwrap();
        assert_eq!(adapter.name, name, "adapter name must match its folder");
        assert!(
            pages.iter().any(|(p, _, e)| *p == name && e.kind == "ad"),
            "{name}: no saved ad page in adapters/{name}/pages/"
        );
        assert!(
            Adapter::shipped_names().contains(&name.as_str()),
            "{name}: not shipped in the binary (crates/crawl/src/adapter.rs SHIPPED)"
        );
    }
}
