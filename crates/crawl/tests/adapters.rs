//! Every adapter folder (`adapters/NAME/`) carries an example ad page and the fields it must yield;
//! this test reads each one with its adapter. A new platform adds a folder, and is tested here.

use std::path::Path;

use wildwatch_crawl::adapter::Adapter;
use wildwatch_crawl::extract::{extract_ad, search_links};

fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

#[test]
fn every_adapter_reads_its_example_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../adapters");
    let mut checked = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("adapter.toml").is_file() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let adapter = Adapter::from_file(&dir.join("adapter.toml")).unwrap();
        assert_eq!(adapter.name, name, "adapter name must match its folder");
        let html = std::fs::read_to_string(dir.join("example_ad.html"))
            .unwrap_or_else(|_| panic!("{name}: example_ad.html missing"));
        let want: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("example_ad.expected.json"))
                .unwrap_or_else(|_| panic!("{name}: example_ad.expected.json missing")),
        )
        .unwrap();
        let url = want["url"].as_str().unwrap();
        let ad = extract_ad(&html, url, &adapter);
        assert_eq!(ad.title, want["title"].as_str().unwrap(), "{name}: title");
        assert!(
            ad.price_text.as_deref().map(digits) == Some(digits(want["price"].as_str().unwrap()))
                || ad.description.contains(want["price"].as_str().unwrap()),
            "{name}: price {:?} vs {}",
            ad.price_text,
            want["price"]
        );
        assert_eq!(
            ad.seller.as_deref(),
            want["seller"].as_str(),
            "{name}: seller"
        );
        let contact = digits(want["contact"].as_str().unwrap());
        assert!(
            ad.contacts
                .iter()
                .any(|c| digits(c).ends_with(&contact[contact.len() - 8..])),
            "{name}: contact {contact} not in {:?}",
            ad.contacts
        );
        assert!(!ad.description.is_empty(), "{name}: description");
        assert!(!ad.images.is_empty(), "{name}: images");
        assert!(
            adapter
                .ad_url_pattern
                .as_deref()
                .is_none_or(|p| regex::Regex::new(p).unwrap().is_match(url)),
            "{name}: the example URL must match ad_url_pattern"
        );
        let _ = search_links(&html, url, &adapter);
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} adapters checked");
}
