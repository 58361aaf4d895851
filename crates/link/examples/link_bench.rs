//! Linking benchmark: N synthetic ads (texts from the labelled corpus with random edits, phones
//! and e-mails shared within hidden "people", photo hashes re-used with a few flipped bits),
//! timed for signatures and for linking, at several sizes to show how time grows.
//!
//!   cargo run --release -p wildwatch-link --example link_bench -- 100000 200000 400000 1000000

use std::time::Instant;

use wildwatch_link::{link, minhash, AdSignals, Settings};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn corpus() -> Vec<String> {
    let mut out = Vec::new();
    for f in std::fs::read_dir("data/eval").expect("run from the repository root") {
        let p = f.unwrap().path();
        for l in std::fs::read_to_string(&p).unwrap().lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(l) {
                out.push(format!(
                    "{} {}",
                    v["title"].as_str().unwrap_or(""),
                    v["description"].as_str().unwrap_or("")
                ));
            }
        }
    }
    out
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100_000]
    } else {
        sizes
    };
    let texts = corpus();
    let words = [
        "urgent", "prix", "cash", "tbe", "abholung", "ophalen", "shipping", "vb", "ok",
    ];
    println!("ads\tsignatures_s\tlink_s\ttotal_s\tlinks\tnetworks\tus_per_ad");
    for &n in &sizes {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D ^ n as u64);
        let people = n / 3;
        let started = Instant::now();
        let ads: Vec<AdSignals> = (0..n)
            .map(|i| {
                let person = rng.below(people as u64);
                // Most accounts belong to one person; some people have a second account.
                let account = if rng.below(10) == 0 {
                    person * 2 + 1
                } else {
                    person * 2
                };
                let base = &texts[rng.below(texts.len() as u64) as usize];
                let text = format!(
                    "{base} {} {} ref{}",
                    words[rng.below(9) as usize],
                    words[rng.below(9) as usize],
                    rng.below(1_000_000)
                );
                let mut ids = Vec::new();
                if rng.below(3) == 0 {
                    ids.push(("phone".to_string(), format!("+336{:08}", person)));
                }
                if rng.below(5) == 0 {
                    ids.push(("email".to_string(), format!("p{person}@example.org")));
                }
                let photo = person.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (1 << rng.below(64));
                AdSignals {
                    ad: i as i64,
                    seller: format!("s{account}"),
                    platform: ["leboncoin", "kleinanzeigen", "marktplaats", "forum"]
                        [rng.below(4) as usize]
                        .into(),
                    country: None,
                    identifiers: ids,
                    photos: if rng.below(2) == 0 {
                        vec![photo]
                    } else {
                        vec![]
                    },
                    text_sig: Vec::new(),
                    high_risk: rng.below(5) == 0,
                    species: vec![],
                }
                .with_text(text)
            })
            .collect();
        let sig_s = GEN_SIG.with(|g| g.replace(0.0));
        let link_start = Instant::now();
        let g = link(&ads, &Settings::default());
        let link_s = link_start.elapsed().as_secs_f64();
        let total = started.elapsed().as_secs_f64();
        println!(
            "{n}\t{sig_s:.1}\t{link_s:.1}\t{total:.1}\t{}\t{}\t{:.1}",
            g.links.len(),
            g.networks.len(),
            total * 1e6 / n as f64
        );
    }
}

thread_local! {
    static GEN_SIG: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

trait WithText {
    fn with_text(self, text: String) -> Self;
}

impl WithText for AdSignals {
    fn with_text(mut self, text: String) -> Self {
        let t = Instant::now();
        self.text_sig = minhash::signature(&text);
        GEN_SIG.with(|g| g.set(g.get() + t.elapsed().as_secs_f64()));
        self
    }
}
