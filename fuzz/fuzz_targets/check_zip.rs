//! Fuzzes `evidence check` (`wildwatch_action::check::check`): arbitrary bytes as a package zip.
//! Any panic is a bug. So is a package that checks OK while the zip crate's two readers — through
//! the central directory, and streaming through the local headers as `jar x` does — extract
//! different files, or files other than those the manifest lists with their SHA-256.
#![no_main]

use std::io::{Cursor, Read};

use libfuzzer_sys::fuzz_target;
use wildwatch_action::check::check;

type Files = Vec<(String, Vec<u8>)>;

fn through_central_directory(data: &[u8]) -> zip::result::ZipResult<Files> {
    let mut z = zip::ZipArchive::new(Cursor::new(data))?;
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i)?;
        let mut b = Vec::new();
        f.read_to_end(&mut b)?;
        out.push((f.name()?.to_string(), b));
    }
    Ok(out)
}

fn streaming(data: &[u8]) -> zip::result::ZipResult<Files> {
    let mut r = Cursor::new(data);
    let mut out = Vec::new();
    while let Some(mut f) = zip::read::read_zipfile_from_stream(&mut r)? {
        let mut b = Vec::new();
        f.read_to_end(&mut b)?;
        out.push((f.name()?.to_string(), b));
    }
    Ok(out)
}

fuzz_target!(|data: &[u8]| {
    let report = check(Cursor::new(data), None).expect("no I/O error reading memory");
    if !report.is_ok() {
        return;
    }
    let central = through_central_directory(data).expect("checked OK, yet unreadable");
    let streamed = streaming(data).expect("checked OK, yet unreadable when streamed");
    assert_eq!(central, streamed, "the two readers extract different files");
    let manifest = report.manifest.expect("checked OK without a manifest");
    assert_eq!(
        central.len(),
        manifest.files.len() + 2,
        "manifest and signature besides"
    );
    for f in &manifest.files {
        let (_, b) = central
            .iter()
            .find(|(n, _)| *n == f.path)
            .expect("listed file");
        assert_eq!(wildwatch_action::sha256_hex(b), f.sha256, "{}", f.path);
    }
});
