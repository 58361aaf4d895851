//! Streaming `scan`: JSON lines in, JSON lines out, same order, all cores, constant memory.
//!
//! Lines are read in batches; each batch is scanned in parallel and written before the next one is
//! read, so memory is bounded by the batch, whatever the input size. A line that is not a JSON
//! object with an `id` gets an error line naming its line number; the rest goes on.

use std::io::{BufRead, Write};

use rayon::prelude::*;
use serde::Serialize;

use crate::{AdInput, Detection, Detector};

/// Lines per batch: large enough to keep every core busy, small enough to bound memory.
pub const BATCH: usize = 4096;

/// The error line written for a bad input line.
#[derive(Debug, Serialize)]
pub struct ErrorLine {
    /// The id, when one could be read.
    pub id: Option<String>,
    /// 1-based input line number.
    pub line: u64,
    /// What was wrong.
    pub error: String,
}

/// Totals of a scan.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    /// Lines read (blank lines excluded).
    pub ads: u64,
    /// Lines answered with an error.
    pub errors: u64,
    /// Relevant ads.
    pub relevant: u64,
}

/// Parses one input line into an ad, or says what is wrong with it.
pub fn parse_line(line: &[u8], lineno: u64) -> Result<AdInput, ErrorLine> {
    // A byte-order mark (Windows tools write one before the first line) is not part of the JSON.
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    // Fast path: a well-formed ad parses straight into its fields.
    if let Ok(ad) = serde_json::from_slice::<AdInput>(line) {
        if !ad.id.is_empty() {
            return Ok(ad);
        }
    }
    let text = String::from_utf8_lossy(line);
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| ErrorLine {
        id: None,
        line: lineno,
        error: format!("line {lineno}: not valid JSON: {e}"),
    })?;
    let id = match value.get("id") {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(_) => {
            return Err(ErrorLine {
                id: None,
                line: lineno,
                error: format!("line {lineno}: `id` must be a non-empty string"),
            })
        }
        None => {
            return Err(ErrorLine {
                id: None,
                line: lineno,
                error: format!("line {lineno}: missing required field `id`"),
            })
        }
    };
    let mut ad: AdInput = serde_json::from_value(value).map_err(|e| ErrorLine {
        id: Some(id.clone()),
        line: lineno,
        error: format!("line {lineno}: {e}"),
    })?;
    ad.id = id;
    Ok(ad)
}

/// Up to [`BATCH`] non-blank input lines, read into one buffer (not one allocation per line).
#[derive(Default)]
struct Batch {
    buf: Vec<u8>,
    /// Each line: its 1-based number and its byte range in `buf` (newline included).
    lines: Vec<(u64, usize, usize)>,
}

impl Batch {
    fn line(&self, i: usize) -> (u64, &[u8]) {
        let (n, a, b) = self.lines[i];
        (n, &self.buf[a..b])
    }
}

/// Reads the next up to [`BATCH`] non-blank lines into `batch` (emptied first).
fn read_batch<R: BufRead>(
    input: &mut R,
    lineno: &mut u64,
    batch: &mut Batch,
) -> std::io::Result<()> {
    batch.buf.clear();
    batch.lines.clear();
    while batch.lines.len() < BATCH {
        let start = batch.buf.len();
        if input.read_until(b'\n', &mut batch.buf)? == 0 {
            break;
        }
        *lineno += 1;
        if batch.buf[start..].iter().all(u8::is_ascii_whitespace) {
            batch.buf.truncate(start);
            continue;
        }
        batch.lines.push((*lineno, start, batch.buf.len()));
    }
    Ok(())
}

/// One scanned line: a detection or an error.
pub enum Outcome {
    /// Scanned.
    Ok(Box<Detection>),
    /// Bad line.
    Err(ErrorLine),
}

/// Scans `input` and calls `emit` for every non-blank line, in input order.
pub fn scan_with<R: BufRead>(
    detector: &Detector,
    mut input: R,
    mut emit: impl FnMut(Outcome) -> std::io::Result<()>,
) -> std::io::Result<Totals> {
    let mut totals = Totals::default();
    let mut lineno = 0u64;
    let mut batch = Batch::default();
    loop {
        read_batch(&mut input, &mut lineno, &mut batch)?;
        if batch.lines.is_empty() {
            break;
        }
        let results: Vec<Outcome> = (0..batch.lines.len())
            .into_par_iter()
            .map(|i| batch.line(i))
            .map(|(n, line)| match parse_line(line, n) {
                Ok(ad) => Outcome::Ok(Box::new(detector.scan(&ad))),
                Err(e) => Outcome::Err(e),
            })
            .collect();
        for r in results {
            totals.ads += 1;
            match &r {
                Outcome::Ok(d) if d.relevant => totals.relevant += 1,
                Outcome::Err(_) => totals.errors += 1,
                _ => {}
            }
            emit(r)?;
        }
    }
    Ok(totals)
}

/// Scans one input line and appends its JSON output line (with the newline) to `out`.
/// Returns 0 for an ad that is not relevant, 1 for a relevant one, 2 for an error line.
pub fn scan_line(detector: &Detector, line: &[u8], lineno: u64, out: &mut Vec<u8>) -> u8 {
    let kind = match parse_line(line, lineno) {
        Ok(ad) => {
            let d = detector.scan(&ad);
            let k = if d.relevant { 1 } else { 0 };
            write_detection(out, &d).map(|_| k)
        }
        Err(e) => serde_json::to_writer(&mut *out, &e).map(|_| 2),
    }
    .unwrap_or(2);
    out.push(b'\n');
    kind
}

/// Lines per task of the pool: a batch is shared out in groups this size, each written into one
/// buffer (not one per line).
const GROUP: usize = 32;

/// Scans JSON lines from `input` to JSON lines on `output`.
///
/// A pipeline of three stages that run at the same time: a reader thread reads the next batch, the
/// pool scans *and serialises* the current one in parallel, and a writer thread writes the
/// previous one. Reading and writing thus never leave the cores that scan waiting. At most a few
/// batches are in flight (the channels are bounded), so memory stays bounded.
pub fn scan_jsonl<R: BufRead + Send, W: Write + Send>(
    detector: &Detector,
    mut input: R,
    output: &mut W,
) -> std::io::Result<Totals> {
    type Parts = Vec<Vec<u8>>;
    let mut totals = Totals::default();
    let (out_tx, out_rx) = std::sync::mpsc::sync_channel::<Parts>(2);
    let (batch_tx, batch_rx) = std::sync::mpsc::sync_channel::<std::io::Result<Batch>>(1);
    // Batches go back to the reader to be filled again (their buffers keep their capacity).
    let (free_tx, free_rx) = std::sync::mpsc::channel::<Batch>();
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> std::io::Result<()> {
            for parts in out_rx {
                for part in parts {
                    output.write_all(&part)?;
                }
            }
            output.flush()
        });
        scope.spawn(move || {
            let mut lineno = 0u64;
            loop {
                let mut batch = free_rx.try_recv().unwrap_or_default();
                let read = read_batch(&mut input, &mut lineno, &mut batch);
                let done = read.is_err() || batch.lines.is_empty();
                // A closed channel: the scan stopped (the writer failed).
                if batch_tx.send(read.map(|_| batch)).is_err() || done {
                    return;
                }
            }
        });
        let scanned = (|| -> std::io::Result<()> {
            for batch in &batch_rx {
                let batch = batch?;
                if batch.lines.is_empty() {
                    return Ok(());
                }
                let parts: Vec<(Vec<u8>, [u64; 3])> = batch
                    .lines
                    .par_chunks(GROUP)
                    .map(|lines| {
                        let mut out = Vec::with_capacity(lines.len() * 1024);
                        let mut kinds = [0u64; 3];
                        for &(n, a, b) in lines {
                            let line = &batch.buf[a..b];
                            kinds[scan_line(detector, line, n, &mut out) as usize] += 1;
                        }
                        (out, kinds)
                    })
                    .collect();
                let mut chunk = Vec::with_capacity(parts.len());
                for (part, [_, relevant, errors]) in parts {
                    totals.relevant += relevant;
                    totals.errors += errors;
                    chunk.push(part);
                }
                totals.ads += batch.lines.len() as u64;
                let _ = free_tx.send(batch);
                if out_tx.send(chunk).is_err() {
                    // The writer stopped (its error is reported below).
                    return Ok(());
                }
            }
            Ok(())
        })();
        // Unblocks the reader if it waits to hand over a batch.
        drop(batch_rx);
        drop(out_tx);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("writer thread panicked")));
        scanned.and(written)
    })?;
    Ok(totals)
}

/// Appends `d` as one line of compact JSON, byte for byte what `serde_json::to_writer` writes for
/// it (written by hand: going through `Serialize` was a tenth of the scan).
pub fn write_detection(out: &mut Vec<u8>, d: &Detection) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"id\":");
    json_str(out, &d.id);
    out.extend_from_slice(if d.relevant {
        b",\"relevant\":true,\"category\":"
    } else {
        b",\"relevant\":false,\"category\":"
    });
    json_str(out, d.category.as_str());
    out.extend_from_slice(b",\"species\":[");
    for (i, s) in d.species.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"scientific_name\":");
        json_str(out, &s.scientific_name);
        out.extend_from_slice(b",\"cites\":");
        json_opt_str(out, s.cites);
        out.extend_from_slice(b",\"eu_annex\":");
        json_opt_str(out, s.eu_annex);
        out.extend_from_slice(b",\"matched_text\":");
        json_str(out, &s.matched_text);
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"specimens\":");
    match d.specimens {
        Some(n) => json_uint(out, n.into()),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"price_eur\":");
    // Floats as serde_json writes them (shortest round-trip form; null when not finite).
    serde_json::to_writer(&mut *out, &d.price_eur)?;
    out.extend_from_slice(b",\"documents\":[");
    for (i, doc) in d.documents.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_str(out, doc);
    }
    out.extend_from_slice(b"],\"intent\":");
    json_str(out, d.intent.as_str());
    out.extend_from_slice(b",\"item_kind\":");
    json_str(out, d.item_kind.as_str());
    out.extend_from_slice(b",\"lang\":");
    json_str(out, d.lang);
    out.extend_from_slice(b",\"risk_score\":");
    json_uint(out, d.risk_score.into());
    out.extend_from_slice(b",\"risk\":");
    json_str(out, d.risk.as_str());
    if let Some(p) = d.model_p {
        out.extend_from_slice(b",\"model_p\":");
        serde_json::to_writer(&mut *out, &p)?;
    }
    out.extend_from_slice(b",\"reasons\":[");
    for (i, r) in d.reasons.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"code\":");
        json_str(out, r.code);
        out.extend_from_slice(b",\"text\":");
        json_str(out, &r.text);
        if let Some(list) = &r.list {
            out.extend_from_slice(b",\"list\":");
            json_str(out, list);
        }
        if let Some([a, b]) = r.span {
            out.extend_from_slice(b",\"span\":[");
            json_uint(out, a as u64);
            out.push(b',');
            json_uint(out, b as u64);
            out.push(b']');
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
    Ok(())
}

fn json_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => json_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn json_uint(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// A JSON string with serde_json's escapes: `\"`, `\\`, `\b \t \n \f \r`, other control
/// characters as `\u00XX`; everything else as it is.
fn json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while none needs an escape.
        if let Some(chunk) = bytes.get(i..i + 8) {
            if !needs_escape(u64::from_le_bytes(chunk.try_into().expect("8 bytes"))) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        i += 1;
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.extend_from_slice(&bytes[run..i - 1]);
        run = i;
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0C => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xF) as usize]);
            }
        }
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

/// True when one of the eight bytes of `x` may need an escape: a control character, `"` or `\\`
/// (may: bytes of 0x80 and above can set the test off, then they are looked at one by one).
fn needs_escape(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH != 0;
    x.wrapping_sub(ONES * 0x20) & !x & HIGH != 0
        || zero_byte(x ^ (ONES * b'"' as u64))
        || zero_byte(x ^ (ONES * b'\\' as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Reason, SpeciesHit};

    fn check(d: &Detection) {
        let mut ours = Vec::new();
        write_detection(&mut ours, d).unwrap();
        let serde = serde_json::to_vec(d).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&serde)
        );
    }

    #[test]
    fn detections_are_written_as_serde_json_writes_them() {
        for len in 0..24 {
            for pos in 0..len {
                for special in [
                    0u8, 0x08, b'\t', b'\n', 0x0C, b'\r', 0x1F, b'"', b'\\', 0x7F,
                ] {
                    let mut s: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                    s[pos] = special;
                    let s = String::from_utf8(s).unwrap();
                    let mut ours = Vec::new();
                    json_str(&mut ours, &s);
                    assert_eq!(ours, serde_json::to_vec(&s).unwrap(), "{s:?}");
                }
            }
        }
        let nasty: String = (0u8..0x80)
            .map(char::from)
            .chain("é€😀\u{2028}".chars())
            .collect();
        let mut d = Detection {
            id: nasty.clone(),
            relevant: true,
            category: crate::Category::Part,
            species: vec![
                SpeciesHit {
                    scientific_name: "Loxodonta africana".into(),
                    cites: Some("I"),
                    eu_annex: None,
                    matched_text: nasty.clone(),
                },
                SpeciesHit {
                    scientific_name: String::new(),
                    cites: None,
                    eu_annex: Some("A"),
                    matched_text: "\"q\" \\ b".into(),
                },
            ],
            specimens: Some(u32::MAX),
            price_eur: Some(1463.09),
            documents: vec!["article10", "no_papers"],
            intent: crate::Intent::Offer,
            item_kind: crate::ItemKind::ReplicaCast,
            lang: "de",
            risk_score: 255,
            risk: crate::Risk::High,
            reasons: vec![
                Reason {
                    code: "SPECIES",
                    text: nasty.clone(),
                    list: Some("taxa.csv".into()),
                    span: Some([0, usize::MAX]),
                },
                Reason {
                    code: "PRICE",
                    text: "x".into(),
                    list: None,
                    span: None,
                },
            ],
            model_evidence: vec!["listed".into()],
            model_p: Some(0.042),
        };
        check(&d);
        for price in [
            None,
            Some(0.0),
            Some(-0.0),
            Some(0.1),
            Some(1e21),
            Some(1e-7),
            Some(f64::NAN),
            Some(f64::INFINITY),
            Some(12.5),
        ] {
            d.price_eur = price;
            d.specimens = None;
            d.species.clear();
            d.documents.clear();
            check(&d);
        }
        d.reasons.clear();
        d.relevant = false;
        check(&d);
    }

    #[test]
    fn scanned_ads_are_written_as_serde_json_writes_them() {
        let det = Detector::shipped().unwrap();
        for f in crate::test_corpus_files() {
            let body = std::fs::read_to_string(f).unwrap();
            for (n, line) in body.lines().enumerate() {
                if let Ok(ad) = parse_line(line.as_bytes(), n as u64 + 1) {
                    check(&det.scan(&ad));
                }
            }
        }
    }
}
