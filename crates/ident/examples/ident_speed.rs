//! Measures extraction speed on generated ad snippets.
//!
//! `cargo run --release -p wildwatch-ident --example ident_speed [N]` (N snippets, 100 000 by
//! default) prints snippets and identifiers per second.

use std::time::Instant;
use wildwatch_ident::extract;

/// A small deterministic generator, so every run reads the same snippets.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() % items.len()]
    }
}

const OPENINGS: &[&str] = &[
    "Vends perroquet gris du Gabon, très docile.",
    "Verkaufe Graupapagei, handzahm, mit Papieren.",
    "Te koop: jonge grijze roodstaart, tam.",
    "African grey for sale, hand reared.",
    "Ivoire ancien, défense sculptée, 1500 €.",
    "Elfenbein Schnitzerei, Preis 1200 € VB, geboren 2019.",
    "Tortue d'Hermann née en 2019, bague 2023-FR-12345.",
    "Art. 10 Bescheinigung Nr. 12345678 liegt vor.",
];

const CONTACTS: &[&str] = &[
    "Tel 06 {a} {b} {c} {d}",
    "Handy 0171/{e}",
    "WhatsApp +33 6 {a} {b} {c} {d}",
    "bel 06-{f}",
    "Mail: verkoop{a} (at) gmail dot com",
    "E-Mail: tierfreund{b}[at]gmx[dot]de",
    "insta: @wild_{c}_{d}",
    "Telegram @exotic_{a}{b}",
    "paypal.me/seller{c}",
    "IBAN DE89 3704 0044 0532 0130 00",
    "https://www.instagram.com/exotics{d}/?igshid=abc",
    "wa.me/3361{a}{b}{c}",
    "Abholung 10115 Berlin",
    "Ophalen 1012 AB Amsterdam",
    "",
];

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut rng = Lcg(42);
    let countries = [Some("FR"), Some("DE"), Some("NL"), Some("GB"), None];
    let snippets: Vec<(String, Option<&str>)> = (0..n)
        .map(|_| {
            let mut s = rng.pick(OPENINGS).to_string();
            for _ in 0..2 {
                let two = |r: &mut Lcg| format!("{:02}", r.next() % 100);
                let c = rng
                    .pick(CONTACTS)
                    .replace("{a}", &two(&mut rng))
                    .replace("{b}", &two(&mut rng))
                    .replace("{c}", &two(&mut rng))
                    .replace("{d}", &two(&mut rng))
                    .replace("{e}", &format!("{:07}", 1_000_000 + rng.next() % 9_000_000))
                    .replace(
                        "{f}",
                        &format!("{:08}", 10_000_000 + rng.next() % 89_999_999),
                    );
                s.push(' ');
                s.push_str(&c);
            }
            (s, countries[rng.next() % countries.len()])
        })
        .collect();
    let bytes: usize = snippets.iter().map(|(s, _)| s.len()).sum();
    let start = Instant::now();
    let mut found = 0usize;
    for (text, country) in &snippets {
        found += extract(text, *country).len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{n} snippets ({:.1} MB) in {secs:.2} s: {:.0} snippets/s, {found} identifiers, {:.0} identifiers/s, {:.2} MB/s",
        bytes as f64 / 1e6,
        n as f64 / secs,
        found as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
}
