//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wildwatch_warc::{Exchange, Stored, WarcWriter};

/// Deterministic, poorly compressible bytes.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

pub fn url(i: usize) -> String {
    format!("https://market.test/ad/{i}?q=ivory&lang=fr")
}

pub fn date(i: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_714_564_800 + i * 60) + Duration::from_millis(250)
}

pub struct Owned {
    pub url: String,
    pub request_head: Vec<u8>,
    pub response_head: Vec<u8>,
    pub body: Vec<u8>,
    pub date: SystemTime,
}

impl Owned {
    pub fn new(i: usize, body_len: usize) -> Owned {
        let url = url(i);
        let mut body = format!("<html><title>Ad {i}: carved ivory</title>").into_bytes();
        body.extend(noise(i as u64, body_len));
        Owned {
            request_head: format!(
                "GET /ad/{i}?q=ivory&lang=fr HTTP/1.1\r\nHost: market.test\r\nUser-Agent: wildwatch-test\r\n\r\n"
            )
            .into_bytes(),
            response_head: format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nX-Ad: {i}\r\n\r\n",
                body.len()
            )
            .into_bytes(),
            body,
            url,
            date: date(i as u64),
        }
    }

    pub fn exchange(&self) -> Exchange<'_> {
        Exchange {
            url: &self.url,
            ip: Some("192.0.2.7"),
            request_head: &self.request_head,
            response_head: &self.response_head,
            body: &self.body,
            date: self.date,
            metadata: serde_json::json!({"fetch_ms": 123, "note": "test capture"}),
        }
    }
}

/// Writes `n` exchanges with bodies of `body_len` noise bytes.
pub fn write_n(
    dir: &Path,
    prefix: &str,
    max_bytes: u64,
    n: usize,
    body_len: usize,
) -> Vec<(Owned, Stored)> {
    let mut w = WarcWriter::open(dir, prefix, max_bytes).unwrap();
    let mut out = Vec::new();
    for i in 0..n {
        let o = Owned::new(i, body_len);
        let s = w.write_exchange(&o.exchange()).unwrap();
        out.push((o, s));
    }
    w.flush().unwrap();
    out
}

pub fn gunzip_member(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

pub fn gunzip_all(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Replaces the gzip member at `offset..offset+length` of `path` by the same record
/// with one payload byte flipped. Returns the new file bytes.
pub fn tamper_payload(path: &Path, offset: u64, length: u64) {
    let data = std::fs::read(path).unwrap();
    let (a, b) = (offset as usize, (offset + length) as usize);
    let mut record = gunzip_member(&data[a..b]);
    assert!(record.starts_with(b"WARC/1.1\r\n"));
    assert!(record.ends_with(b"\r\n\r\n"));
    let i = record.len() - 4 - 10; // inside the body, before the trailer
    record[i] ^= 0x20;
    let mut out = data[..a].to_vec();
    out.extend(gzip(&record));
    out.extend_from_slice(&data[b..]);
    std::fs::write(path, out).unwrap();
}
