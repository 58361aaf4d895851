//! The standing hostile-input suite (issue 19, point 6), through the real binary: `kill -9` in the
//! middle of an import, of an evidence package and of the web server while reviews come in;
//! malformed JSON lines; formula and script strings in every field that reaches a spreadsheet.
//! Each test says what was lost (or what sink still writes a formula) when it fails.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;

/// The binary on data directory `data`, with the user's own config and data kept out.
fn ww(data: &Path) -> Command {
    let mut c = Command::cargo_bin("wildwatch").unwrap();
    c.arg("--data")
        .arg(data)
        .env("USER", "tester")
        .env("HOME", env!("CARGO_TARGET_TMPDIR"))
        .env(
            "XDG_CONFIG_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/no-config"),
        )
        .env(
            "WILDWATCH_DATA",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/no-data"),
        )
        .env_remove("WILDWATCH_REFDATA")
        .env_remove("WILDWATCH_DB")
        .env_remove("WILDWATCH_HOME")
        .env_remove("WILDWATCH_MAX_TEXT_BYTES");
    c
}

/// Runs to the end: the output, and stdout and stderr as one text.
fn run(c: &mut Command) -> (Output, String) {
    let out = c.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, text)
}

/// A child process that is killed (SIGKILL) and reaped however the test ends.
struct Proc(Child);

impl Proc {
    fn spawn(c: &mut Command) -> Proc {
        Proc(c.spawn().unwrap())
    }

    fn running(&mut self) -> bool {
        self.0.try_wait().unwrap().is_none()
    }

    /// `kill -9`; whether it was still running when killed.
    fn kill9(&mut self) -> bool {
        let was = self.running();
        let _ = self.0.kill();
        let _ = self.0.wait();
        was
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `cond` every 5 ms until it holds; panics with `what` after `secs`.
fn wait_for(secs: u64, what: &str, mut cond: impl FnMut() -> bool) {
    let t = Instant::now();
    while !cond() {
        assert!(
            t.elapsed() < Duration::from_secs(secs),
            "gave up after {secs}s waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Rows in `table` of the store, read while another process may be writing (0 before it exists).
fn rows(db: &Path, table: &str) -> i64 {
    let Ok(c) =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)
    else {
        return 0;
    };
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap_or(0)
}

/// `PRAGMA integrity_check` and `foreign_key_check` of the store pass.
fn assert_store_intact(db: &Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    let mut st = c.prepare("PRAGMA integrity_check").unwrap();
    let problems: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        problems,
        vec!["ok".to_string()],
        "{}: integrity_check",
        db.display()
    );
    let mut st = c.prepare("PRAGMA foreign_key_check").unwrap();
    let n = st.query_map([], |_| Ok(())).unwrap().count();
    assert_eq!(n, 0, "{}: {n} rows break a foreign key", db.display());
}

/// Stored ads (latest versions) as `ads list --format json` prints them, by URL; panics on an URL
/// listed twice or an ad stored with more than one version.
fn listed(data: &Path) -> BTreeMap<String, serde_json::Value> {
    let (out, text) = run(ww(data).args(["ads", "list", "--format", "json"]));
    assert!(out.status.success(), "ads list: {text}");
    let mut by_url = BTreeMap::new();
    let mut twice = Vec::new();
    for l in String::from_utf8(out.stdout).unwrap().lines() {
        let j: serde_json::Value = serde_json::from_str(l).unwrap();
        let url = j["url"].as_str().unwrap().to_string();
        assert_eq!(
            j["versions"], 1,
            "an ad stored as more than one version: {l}"
        );
        if by_url.insert(url.clone(), j).is_some() {
            twice.push(url);
        }
    }
    assert!(twice.is_empty(), "ads listed twice: {twice:?}");
    by_url
}

/// A deterministic stream of pseudo-random numbers (no dependency, same on every machine).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// `n` ads as JSON lines with varied titles (wildlife, look-alikes, furniture; four languages,
/// quotes, emoji, long and short), unique URLs; the titles by URL.
fn many_ads(n: usize, seed: u64) -> (String, BTreeMap<String, String>) {
    const WORDS: [&str; 24] = [
        "Graupapagei",
        "Elfenbein",
        "Netsuke",
        "Schildkröte",
        "Uhu",
        "Königspython",
        "Sofa",
        "Fahrrad",
        "perroquet gris",
        "ivoire",
        "Schnitzerei",
        "Tisch",
        "Lampe",
        "Griechische Landschildkröte",
        "Nachzucht",
        "schildpad",
        "papegaai",
        "\"antik\"",
        "🦜",
        "Kinderwagen",
        "i v o i r e",
        "Krokodilleder Tasche",
        "Nashorn",
        "zahm",
    ];
    let mut r = Lcg(seed);
    let mut text = String::new();
    let mut titles = BTreeMap::new();
    for i in 0..n {
        let words = 1 + r.next(6);
        let mut title: Vec<&str> = (0..words).map(|_| WORDS[r.next(WORDS.len())]).collect();
        let num = i.to_string();
        title.push(&num);
        let title = title.join(" ");
        let url = format!("https://m.test/ad/{i}");
        let ad = serde_json::json!({
            "url": url,
            "id": format!("ad{i}"),
            "title": title,
            "description": format!("{} Versand möglich. Nr. {i}", WORDS[r.next(WORDS.len())]),
            "price_text": format!("{} €", r.next(5000)),
            "seller": format!("seller{}", r.next(400)),
            "platform": (["kleinanzeigen", "leboncoin", "marktplaats", "willhaben"][i % 4]),
        });
        text.push_str(&ad.to_string());
        text.push('\n');
        titles.insert(url, title);
    }
    (text, titles)
}

mod formulas;
mod import_kill;
mod malformed;
mod package;
mod serve;
