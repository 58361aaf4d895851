//! Fuzzes the `scan` input path: one JSON line in, a detection out, plus the normaliser and the
//! price and count extractors on the raw (lossily decoded) bytes. Any panic is a bug.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wildwatch_detect::{Detector, Rates};

fn detector() -> &'static Detector {
    static DETECTOR: OnceLock<Detector> = OnceLock::new();
    DETECTOR.get_or_init(|| Detector::shipped().expect("shipped detector builds"))
}

fn rates() -> &'static Rates {
    static RATES: OnceLock<Rates> = OnceLock::new();
    RATES.get_or_init(Rates::shipped)
}

fuzz_target!(|data: &[u8]| {
    let detector = detector();
    if let Ok(ad) = wildwatch_detect::stream::parse_line(data, 1) {
        let _ = detector.scan(&ad);
    }

    let s = String::from_utf8_lossy(data);
    let _ = wildwatch_text::normalize(&s);
    let _ = wildwatch_detect::extract::price(Some(&s), &s, rates());
    let _ = wildwatch_detect::extract::counts(&s);
});
