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
pub const BATCH: usize = 2048;

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

/// Reads up to [`BATCH`] non-blank lines with their 1-based line numbers.
fn read_batch<R: BufRead>(input: &mut R, lineno: &mut u64) -> std::io::Result<Vec<(u64, Vec<u8>)>> {
    let mut batch = Vec::with_capacity(BATCH);
    while batch.len() < BATCH {
        let mut buf = Vec::new();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        *lineno += 1;
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        batch.push((*lineno, buf));
    }
    Ok(batch)
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
    loop {
        let batch = read_batch(&mut input, &mut lineno)?;
        if batch.is_empty() {
            break;
        }
        let results: Vec<Outcome> = batch
            .par_iter()
            .map(|(n, line)| match parse_line(line, *n) {
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
            serde_json::to_writer(&mut *out, &d).map(|_| k)
        }
        Err(e) => serde_json::to_writer(&mut *out, &e).map(|_| 2),
    }
    .unwrap_or(2);
    out.push(b'\n');
    kind
}

/// Scans JSON lines from `input` to JSON lines on `output`.
///
/// A pipeline: the calling thread reads a batch, the pool scans *and serialises* it in parallel,
/// and a writer thread writes the previous batch meanwhile. At most a few batches are in flight,
/// so memory stays bounded.
pub fn scan_jsonl<R: BufRead, W: Write + Send>(
    detector: &Detector,
    mut input: R,
    output: &mut W,
) -> std::io::Result<Totals> {
    let mut totals = Totals::default();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> std::io::Result<()> {
            for chunk in rx {
                output.write_all(&chunk)?;
            }
            output.flush()
        });
        let mut lineno = 0u64;
        let read = (|| -> std::io::Result<()> {
            loop {
                let batch = read_batch(&mut input, &mut lineno)?;
                if batch.is_empty() {
                    return Ok(());
                }
                let lines: Vec<(Vec<u8>, u8)> = batch
                    .par_iter()
                    .map(|(n, line)| {
                        let mut out = Vec::with_capacity(768);
                        let kind = scan_line(detector, line, *n, &mut out);
                        (out, kind)
                    })
                    .collect();
                let mut chunk = Vec::with_capacity(lines.iter().map(|l| l.0.len()).sum());
                for (l, kind) in lines {
                    totals.ads += 1;
                    match kind {
                        1 => totals.relevant += 1,
                        2 => totals.errors += 1,
                        _ => {}
                    }
                    chunk.extend_from_slice(&l);
                }
                if tx.send(chunk).is_err() {
                    // The writer stopped (its error is reported below).
                    return Ok(());
                }
            }
        })();
        drop(tx);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("writer thread panicked")));
        read.and(written)
    })?;
    Ok(totals)
}
