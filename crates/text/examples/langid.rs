//! Language identification accuracy and speed on labelled ads (`bench/lang.sh`).
//!
//! `cargo run --release -p wildwatch-text --example langid -- DIR...` reads the `*.jsonl` files
//! directly in each DIR (not its subfolders) and prints, for the ad's title + description and for
//! its title alone, with and without the platform prior, the accuracy per gold language and the
//! time per ad on one thread (normalisation excluded, as the scan normalises anyway).

use std::collections::BTreeMap;
use std::time::Instant;
use wildwatch_text::{identify_hinted, normalize, platform_lang, Lang};

struct Ad {
    texts: [(String, String); 2],
    gold: String,
    hint: Option<Lang>,
}

fn main() {
    let dirs: Vec<String> = std::env::args().skip(1).collect();
    let mut ads = Vec::new();
    for dir in &dirs {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("a directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        for f in files {
            for line in std::fs::read_to_string(&f).expect("readable").lines() {
                let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                let title = v["title"].as_str().unwrap_or("").to_string();
                let full = format!("{title}\n{}", v["description"].as_str().unwrap_or(""));
                let Some(gold) = v["gold"]["lang"].as_str() else {
                    continue;
                };
                ads.push(Ad {
                    texts: [
                        (normalize(&full).text, full),
                        (normalize(&title).text, title),
                    ],
                    gold: gold.to_string(),
                    hint: platform_lang(v["platform"].as_str()),
                });
            }
        }
    }
    println!("{} ads from {}", ads.len(), dirs.join(" "));
    let langs = ["en", "fr", "de", "nl", "other"];
    println!(
        "{:<6} {:<8} {:>6} {}  {:>7}",
        "text",
        "prior",
        "all",
        langs.map(|l| format!("{l:>6}")).join(" "),
        "µs/ad"
    );
    for (t, text) in ["full", "title"].iter().enumerate() {
        for prior in [false, true] {
            let mut acc: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
            for a in &ads {
                let (n, o) = &a.texts[t];
                let got = identify_hinted(n, o, a.hint.filter(|_| prior));
                for k in ["all", a.gold.as_str()] {
                    let e = acc.entry(k).or_default();
                    e.0 += u32::from(got.code() == a.gold);
                    e.1 += 1;
                }
            }
            let mut best = f64::MAX;
            for _ in 0..5 {
                let start = Instant::now();
                for a in &ads {
                    let (n, o) = &a.texts[t];
                    std::hint::black_box(identify_hinted(n, o, a.hint.filter(|_| prior)));
                }
                best = best.min(start.elapsed().as_secs_f64() / ads.len().max(1) as f64);
            }
            let r = |k: &str| match acc.get(k) {
                Some((ok, n)) => format!("{:>6.3}", f64::from(*ok) / f64::from(*n)),
                None => format!("{:>6}", "-"),
            };
            println!(
                "{:<6} {:<8} {} {}  {:>7.1}",
                text,
                if prior { "platform" } else { "none" },
                r("all"),
                langs.map(r).join(" "),
                best * 1e6
            );
        }
    }
}
