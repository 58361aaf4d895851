//! WACZ out and in: written from our WARC files, read back with the same responses, checked with
//! py-wacz's validator (`wacz validate`) when it is installed (required with
//! `WILDWATCH_REQUIRE_WACZ=1`, as in CI), and hostile archives refused with the entry named.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use wildwatch_warc::{extract_wacz, responses, write_wacz, WaczError, WaczMeta, WaczPage};
use zip::write::SimpleFileOptions;

/// Our WARC files with `n` responses, and the WACZ written from them.
fn package(dir: &Path, n: usize) -> (Vec<PathBuf>, PathBuf) {
    let warc_dir = dir.join("warc");
    std::fs::create_dir_all(&warc_dir).unwrap();
    common::write_n(&warc_dir, "ev", 8_000, n, 1_200);
    let mut warcs: Vec<PathBuf> = std::fs::read_dir(&warc_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    warcs.sort();
    let pages: Vec<WaczPage> = (0..n)
        .map(|i| WaczPage {
            url: common::url(i),
            ts: Some("2024-05-01T12:00:00Z".into()),
            title: Some(format!("Ad {i}")),
        })
        .collect();
    let out = dir.join("capture.wacz");
    let meta = WaczMeta {
        title: "test capture",
        created: "2024-05-01T12:00:00Z",
        pages: &pages,
        extra: &[],
    };
    write_wacz(&out, &warcs, &meta).unwrap();
    (warcs, out)
}

/// (url, payload sha256) of every response in `warcs`, sorted.
fn response_keys(warcs: &[PathBuf]) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = warcs
        .iter()
        .flat_map(|w| responses(w).unwrap())
        .map(|r| {
            let f = r.unwrap().found;
            (f.url, f.payload_sha256)
        })
        .collect();
    keys.sort();
    keys
}

#[test]
fn a_written_wacz_reads_back_with_the_same_responses_and_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let (warcs, wacz) = package(tmp.path(), 12);
    let into = tmp.path().join("out");
    std::fs::create_dir(&into).unwrap();
    let got = extract_wacz(&wacz, &into).unwrap();
    assert_eq!(got.title.as_deref(), Some("test capture"));
    assert_eq!(got.pages.len(), 12);
    assert_eq!(got.pages[3].url, common::url(3));
    assert_eq!(got.warcs.len(), warcs.len());
    // WARCs, index and pages were each checked against datapackage.json.
    assert_eq!(got.verified, warcs.len() + 2);
    assert_eq!(response_keys(&got.warcs), response_keys(&warcs));
    assert_eq!(response_keys(&warcs).len(), 12);
}

/// Whether py-wacz's command is there; with `WILDWATCH_REQUIRE_WACZ=1` its absence fails.
fn wacz_tool(test: &str) -> Option<Vec<String>> {
    let ok = Command::new("python3")
        .args(["-c", "import wacz.main"])
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var_os("WILDWATCH_REQUIRE_WACZ").is_some_and(|v| v == "1") {
        panic!("{test}: WILDWATCH_REQUIRE_WACZ=1 but `python3 -c \"import wacz.main\"` fails");
    }
    if !ok {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: python3 with wacz not available (python3 -m pip install wacz)"
        );
        return None;
    }
    Some(vec!["python3".into(), "-m".into(), "wacz".into()])
}

fn run_tool(tool: &[String], args: &[&str]) -> (bool, String) {
    let out = Command::new(&tool[0])
        .args(&tool[1..])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run python3 -m wacz");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.success() && text.contains("Validation succeeded"),
        text,
    )
}

#[test]
fn py_wacz_validates_what_we_write() {
    let Some(tool) = wacz_tool("py_wacz_validates_what_we_write") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (_, wacz) = package(tmp.path(), 5);
    let (ok, text) = run_tool(&tool, &["validate", "-f", wacz.to_str().unwrap()]);
    assert!(ok, "wacz validate failed:\n{text}");
}

#[test]
fn a_wacz_made_by_py_wacz_is_read() {
    let Some(tool) = wacz_tool("a_wacz_made_by_py_wacz_is_read") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (warcs, _) = package(tmp.path(), 4);
    let theirs = tmp.path().join("theirs.wacz");
    let mut args = vec!["create", "-o", theirs.to_str().unwrap()];
    args.extend(warcs.iter().map(|w| w.to_str().unwrap()));
    let (_, text) = run_tool(&tool, &args);
    assert!(theirs.exists(), "wacz create failed:\n{text}");
    let into = tmp.path().join("in");
    std::fs::create_dir(&into).unwrap();
    let got = extract_wacz(&theirs, &into).unwrap();
    assert_eq!(response_keys(&got.warcs), response_keys(&warcs));
}

/// A copy of `src` with `edit` applied to each entry (name, bytes) → entries to write instead.
fn rewrite(src: &Path, dst: &Path, edit: impl Fn(&str, Vec<u8>) -> Vec<(String, Vec<u8>)>) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    for i in 0..zin.len() {
        let mut e = zin.by_index(i).unwrap();
        let name = e.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut bytes).unwrap();
        for (n, b) in edit(&name, bytes) {
            zout.start_file(n, SimpleFileOptions::default()).unwrap();
            zout.write_all(&b).unwrap();
        }
    }
    zout.finish().unwrap();
}

#[test]
fn hostile_archives_are_refused_with_the_entry_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, good) = package(tmp.path(), 3);
    let into = tmp.path().join("x");
    std::fs::create_dir(&into).unwrap();
    let bad = tmp.path().join("bad.wacz");

    // A WARC whose bytes changed after the package was made.
    rewrite(&good, &bad, |n, mut b| {
        if n.starts_with("archive/") {
            let last = b.len() - 1;
            b[last] ^= 1;
        }
        vec![(n.to_string(), b)]
    });
    let e = extract_wacz(&bad, &into).unwrap_err();
    assert!(
        matches!(&e, WaczError::HashMismatch { path, .. } if path.starts_with("archive/")),
        "{e}"
    );
    assert!(e.to_string().contains("archive/"), "{e}");

    // A zip-slip entry.
    rewrite(&good, &bad, |n, b| {
        let mut v = vec![(n.to_string(), b)];
        if n == "datapackage.json" {
            v.push(("../../evil.sh".to_string(), b"x".to_vec()));
        }
        v
    });
    let e = extract_wacz(&bad, &into).unwrap_err();
    assert!(
        matches!(&e, WaczError::UnsafePath(p) if p.contains("evil")),
        "{e}"
    );
    assert!(!tmp.path().join("evil.sh").exists());

    // No datapackage.json.
    rewrite(&good, &bad, |n, b| {
        if n == "datapackage.json" {
            vec![]
        } else {
            vec![(n.to_string(), b)]
        }
    });
    let e = extract_wacz(&bad, &into).unwrap_err();
    assert!(matches!(e, WaczError::MissingDatapackage), "{e}");

    // A file nothing vouches for.
    rewrite(&good, &bad, |n, b| {
        let mut v = vec![(n.to_string(), b)];
        if n == "datapackage.json" {
            v.push(("archive/extra.warc".to_string(), b"WARC/1.1\r\n".to_vec()));
        }
        v
    });
    let e = extract_wacz(&bad, &into).unwrap_err();
    assert!(
        matches!(&e, WaczError::Unlisted(p) if p == "archive/extra.warc"),
        "{e}"
    );

    // Not a zip at all.
    std::fs::write(&bad, b"WARC/1.1\r\n").unwrap();
    assert!(matches!(
        extract_wacz(&bad, &into).unwrap_err(),
        WaczError::Zip(_)
    ));
}
