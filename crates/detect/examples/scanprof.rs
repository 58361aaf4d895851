//! Profiling harness for the per-ad path of `wildwatch scan`, without the CLI.
//!
//! `cargo build --release -p wildwatch-detect --example scanprof`, then
//! `valgrind --tool=callgrind --toggle-collect='scanprof::run' target/release/examples/scanprof ADS.jsonl`
//! counts only the scanning (parse, detect, serialise) of every line, on one thread, and prints the
//! wall-clock time of the start (reference data, lexicon, automaton) and of the scan.
use std::io::Write;
use std::time::Instant;

use wildwatch_detect::stream::scan_line;
use wildwatch_detect::Detector;

#[inline(never)]
fn run(det: &Detector, data: &[u8], out: &mut Vec<u8>) -> usize {
    let mut n = 0;
    for (i, line) in data.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        scan_line(det, line, i as u64 + 1, out);
        n += 1;
    }
    n
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: scanprof ADS.jsonl [OUT]");
    let t = Instant::now();
    let det = Detector::shipped().expect("shipped detector");
    let start = t.elapsed();
    let data = std::fs::read(&path).expect("read input");
    let t = Instant::now();
    let mut out = Vec::new();
    let n = run(&det, &data, &mut out);
    let scan = t.elapsed();
    if let Some(o) = std::env::args().nth(2) {
        std::fs::File::create(o)
            .and_then(|mut f| f.write_all(&out))
            .expect("write output");
    }
    eprintln!(
        "start {:.3} s; {n} ads in {:.3} s = {:.1} µs/ad",
        start.as_secs_f64(),
        scan.as_secs_f64(),
        scan.as_secs_f64() * 1e6 / n.max(1) as f64
    );
    std::mem::forget(det);
}
