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

/// `kill -9` twice in the middle of importing 20,000 ads (once in the first run, once in the run
/// that resumes it), then the import to its end: every ad stored once, with its title, and the
/// last run counts exactly the ads the killed runs committed as already stored.
#[test]
fn import_killed_twice_then_rerun_stores_every_ad_exactly_once() {
    const N: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let db = data.join("wildwatch.db");
    let file = dir.path().join("ads.jsonl");
    let (text, titles) = many_ads(N, 19);
    std::fs::write(&file, text).unwrap();
    let import = || {
        let mut c = ww(&data);
        c.arg("import")
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };

    // Killed as soon as the first batch is committed.
    let mut p = Proc::spawn(&mut import());
    wait_for(300, "the import to commit its first ads", || {
        rows(&db, "ads") > 0 || !p.running()
    });
    assert!(
        p.kill9(),
        "the import ended before it could be killed: make the file larger"
    );
    let first = rows(&db, "ads");
    assert!(
        (1..N as i64).contains(&first),
        "{first} ads stored after the kill"
    );

    // The resumed run killed once it has stored more.
    let mut p = Proc::spawn(&mut import());
    wait_for(300, "the resumed import to commit new ads", || {
        rows(&db, "ads") > first || !p.running()
    });
    p.kill9();
    let second = rows(&db, "ads");
    assert!(
        second >= first,
        "ads lost by the second kill: {first} → {second}"
    );

    let (out, text) = run(ww(&data).arg("import").arg(&file));
    assert!(out.status.success(), "the rerun failed: {text}");
    let want = format!(
        "imported {N} ads ({} new, {second} already stored)",
        N as i64 - second
    );
    assert!(
        text.contains(&want) && text.contains("; 0 bad rows"),
        "after kills at {first} and {second} stored ads, the rerun should say `{want}`: {text}"
    );

    let got = listed(&data);
    let lost: Vec<&String> = titles.keys().filter(|u| !got.contains_key(*u)).collect();
    let extra: Vec<&String> = got.keys().filter(|u| !titles.contains_key(*u)).collect();
    assert!(
        lost.is_empty() && extra.is_empty(),
        "{} ads lost (e.g. {:?}), {} unexpected (e.g. {:?})",
        lost.len(),
        &lost[..lost.len().min(10)],
        extra.len(),
        &extra[..extra.len().min(10)]
    );
    let garbled: Vec<String> = titles
        .iter()
        .filter(|(u, t)| got[*u]["title"].as_str() != Some(t.as_str()))
        .map(|(u, t)| format!("{u}: {t:?} stored as {}", got[u]["title"]))
        .take(10)
        .collect();
    assert!(garbled.is_empty(), "titles changed: {garbled:?}");
    assert_eq!(rows(&db, "ad_versions"), N as i64, "ad versions");
    assert_store_intact(&db);
}

/// Files in `dir` other than `except`, with their sizes.
fn others(dir: &Path, except: &[&str]) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().to_string_lossy().into_owned();
            let len = e.metadata().ok()?.len();
            (!except.contains(&name.as_str())).then_some((name, len))
        })
        .collect();
    v.sort();
    v
}

/// `evidence check` of `zip` with the signer's `key`: the problems it prints, if any.
fn package_checks(data: &Path, zip: &Path, key: &str) -> Result<String, String> {
    let (out, text) = run(ww(data)
        .args(["evidence", "check"])
        .arg(zip)
        .args(["--public-key", key]));
    if out.status.success() && text.contains("OK: ") {
        Ok(text)
    } else {
        // The first problems and the verdict (a torn package has thousands).
        let lines: Vec<&str> = text.lines().collect();
        let mut short = lines[..lines.len().min(12)].join("\n");
        if lines.len() > 12 {
            short += &format!(
                "\n… {} more lines …\n{}",
                lines.len() - 13,
                lines[lines.len() - 1]
            );
        }
        Err(short)
    }
}

/// `kill -9` of `evidence package` at the start, in the middle and near the end of writing a
/// package of 3,000 ads: the final path always holds a complete package that checks (the one
/// before, or none when there was none), never a half-written one; a rerun writes one that checks
/// and leaves no temporary file behind.
#[test]
fn evidence_package_killed_while_writing_leaves_no_partial_package() {
    const N: usize = 3_000;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let file = dir.path().join("ads.jsonl");
    std::fs::write(&file, many_ads(N, 7).0).unwrap();
    let (out, text) = run(ww(&data)
        .arg("import")
        .arg(&file)
        .args(["--campaign", "case"]));
    assert!(out.status.success(), "{text}");
    let outdir = dir.path().join("out");
    std::fs::create_dir_all(&outdir).unwrap();
    let zip = outdir.join("case.zip");
    let package = |to: &Path| {
        let mut c = ww(&data);
        c.args(["evidence", "package", "--campaign", "case", "--out"])
            .arg(to)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };

    // One complete package first (this also makes the signing key).
    let (out, text) = run(ww(&data)
        .args(["evidence", "package", "--campaign", "case", "--out"])
        .arg(&zip));
    assert!(out.status.success(), "{text}");
    assert!(text.contains(&format!("{N} ads")), "{text}");
    let key = text
        .lines()
        .find_map(|l| l.strip_prefix("public key: "))
        .unwrap()
        .to_string();
    package_checks(&data, &zip, &key)
        .unwrap_or_else(|e| panic!("the first package does not check: {e}"));
    let full = std::fs::metadata(&zip).unwrap().len();

    // Killed when the file being written has reached a share of the full size.
    let mut killed_mid_write = 0;
    for share in [0.0, 0.5, 0.95] {
        let mut p = Proc::spawn(&mut package(&zip));
        let at = ((full as f64 * share) as u64).max(1);
        wait_for(300, "the package to be written", || {
            others(&outdir, &["case.zip"]).iter().any(|(_, n)| *n >= at) || !p.running()
        });
        let partial = others(&outdir, &["case.zip"]);
        if p.kill9() {
            killed_mid_write += 1;
        }
        if let Err(problems) = package_checks(&data, &zip, &key) {
            panic!(
                "killed at {share} of {full} bytes (files beside it: {partial:?}): {} is no longer a \
                 complete package: {problems}",
                zip.display()
            );
        }
    }
    eprintln!("package runs killed while writing: {killed_mid_write} of 3");
    assert!(
        killed_mid_write > 0,
        "every package run ended before it could be killed: make it larger"
    );
    let (out, text) = run(ww(&data)
        .args(["evidence", "package", "--campaign", "case", "--out"])
        .arg(&zip));
    assert!(out.status.success(), "the rerun failed: {text}");
    package_checks(&data, &zip, &key)
        .unwrap_or_else(|e| panic!("the rerun's package does not check: {e}"));

    // A first package killed before it is done: nothing at its path.
    let fresh = outdir.join("fresh.zip");
    let mut p = Proc::spawn(&mut package(&fresh));
    wait_for(300, "the fresh package to be written", || {
        others(&outdir, &["case.zip"]).iter().any(|(_, n)| *n > 0) || !p.running()
    });
    let partial = others(&outdir, &["case.zip"]);
    if p.kill9() {
        assert!(
            !fresh.exists() || package_checks(&data, &fresh, &key).is_ok(),
            "a half-written package at {} after kill -9 (files: {partial:?})",
            fresh.display()
        );
    }
    let (out, text) = run(ww(&data)
        .args(["evidence", "package", "--campaign", "case", "--out"])
        .arg(&fresh));
    assert!(out.status.success(), "the rerun failed: {text}");
    let checked = package_checks(&data, &fresh, &key)
        .unwrap_or_else(|e| panic!("the rerun's package does not check: {e}"));
    assert!(checked.contains(&format!("{N} ads")), "{checked}");
    let left = others(&outdir, &["case.zip", "fresh.zip"]);
    assert!(
        left.is_empty(),
        "files left beside the packages after the reruns: {left:?}"
    );
}

/// Two free loopback ports.
fn free_ports() -> (u16, u16) {
    let a = TcpListener::bind("127.0.0.1:0").unwrap();
    let b = TcpListener::bind("127.0.0.1:0").unwrap();
    (
        a.local_addr().unwrap().port(),
        b.local_addr().unwrap().port(),
    )
}

/// One HTTP/1.1 request with a bearer token: the status and the body.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(10))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    s.set_write_timeout(Some(Duration::from_secs(60)))?;
    let body = body.unwrap_or("");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let eof = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "incomplete answer");
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(eof)?;
    let head = String::from_utf8_lossy(&raw[..end]).to_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(eof)?;
    let mut rest = &raw[end + 4..];
    let body = if head.contains("transfer-encoding: chunked") {
        let mut b = Vec::new();
        loop {
            let nl = rest.windows(2).position(|w| w == b"\r\n").ok_or_else(eof)?;
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..nl]).trim(), 16)
                .map_err(|_| eof())?;
            rest = &rest[nl + 2..];
            if size == 0 {
                break;
            }
            b.extend_from_slice(rest.get(..size).ok_or_else(eof)?);
            rest = rest.get(size + 2..).ok_or_else(eof)?;
        }
        b
    } else {
        if let Some(len) = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
        {
            if rest.len() < len {
                return Err(eof());
            }
        }
        rest.to_vec()
    };
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// `serve` on the data directory, its stderr in `log`; returns once the API answers `token`.
fn start_server(
    data: &Path,
    app: SocketAddr,
    archive: SocketAddr,
    log: &Path,
    token: &str,
) -> Proc {
    let err = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let mut p = Proc::spawn(
        ww(data)
            .args(["serve", "--no-fetch", "--addr"])
            .arg(app.to_string())
            .arg("--archive-addr")
            .arg(archive.to_string())
            .stdout(Stdio::null())
            .stderr(err),
    );
    let t = Instant::now();
    loop {
        if !p.running() {
            panic!(
                "the server on {} exited: {}",
                data.display(),
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        if let Ok((200, _)) = http(app, "GET", "/api/me", token, None) {
            return p;
        }
        assert!(
            t.elapsed() < Duration::from_secs(120),
            "the server did not answer in 120s: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Reviews submitted through the JSON API by three clients at once; `kill -9` of the server once
/// 150 have been answered 2xx. After a restart on the same data directory and ports, every review
/// answered 2xx is there (labels, notes, reviewer, audit entry), and the server takes new ones.
#[test]
fn serve_killed_during_reviews_keeps_every_acknowledged_review() {
    const ADS: usize = 1_500;
    const ACKED_BEFORE_KILL: usize = 150;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let db = data.join("wildwatch.db");
    let file = dir.path().join("ads.jsonl");
    std::fs::write(&file, many_ads(ADS, 3).0).unwrap();
    let (out, text) = run(ww(&data).arg("import").arg(&file));
    assert!(out.status.success(), "{text}");
    let ids: Vec<i64> = listed(&data)
        .values()
        .map(|j| j["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), ADS);

    let mut add = ww(&data)
        .args(["user", "add", "ana", "--role", "analyst"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery\n")
        .unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "user add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (out, text) = run(ww(&data).args(["user", "token", "ana"]));
    assert!(out.status.success(), "{text}");
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(token.starts_with("ww_"), "{token}");

    let (p1, p2) = free_ports();
    let app: SocketAddr = format!("127.0.0.1:{p1}").parse().unwrap();
    let archive: SocketAddr = format!("127.0.0.1:{p2}").parse().unwrap();
    let log = dir.path().join("serve.log");
    let mut server = start_server(&data, app, archive, &log, &token);

    let review = |i: usize, id: i64| {
        serde_json::json!({
            "relevant": i % 4 != 3,
            "category": (["live", "part", "lookalike", "none"][i % 4]),
            "species": [],
            "risk": (["high", "medium", "low", "none"][i % 4]),
            "notes": format!("hostile suite: review {i} of ad {id}"),
            "tags": [format!("t{}", i % 7)],
            "takedown": i & 1 == 0,
        })
    };
    let next = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let acked: Arc<Mutex<Vec<(usize, i64)>>> = Arc::default();
    let refused: Arc<Mutex<Vec<String>>> = Arc::default();
    let clients: Vec<_> = (0..3)
        .map(|_| {
            let (next, killed, acked, refused) =
                (next.clone(), killed.clone(), acked.clone(), refused.clone());
            let (ids, token) = (ids.clone(), token.clone());
            std::thread::spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(&id) = ids.get(i) else { break };
                let body = review(i, id).to_string();
                let path = format!("/api/ads/{id}/review");
                match http(app, "PUT", &path, &token, Some(&body)) {
                    Ok((s, _)) if (200..300).contains(&s) => acked.lock().unwrap().push((i, id)),
                    // A killed server answers nothing: every refusal is the server's own.
                    Ok((s, b)) => refused
                        .lock()
                        .unwrap()
                        .push(format!("ad {id}: HTTP {s} {b}")),
                    // A broken connection is a failure unless the kill may have caused it.
                    Err(e) => {
                        if !killed.load(Ordering::SeqCst) {
                            refused.lock().unwrap().push(format!("ad {id}: {e}"));
                        }
                        break;
                    }
                }
            })
        })
        .collect();
    wait_for(300, "150 reviews answered", || {
        acked.lock().unwrap().len() >= ACKED_BEFORE_KILL || clients.iter().all(|c| c.is_finished())
    });
    killed.store(true, Ordering::SeqCst);
    let was_running = server.kill9();
    for c in clients {
        c.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let refused = refused.lock().unwrap().clone();
    assert!(
        was_running,
        "the server had exited before the kill: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    assert!(
        refused.is_empty(),
        "reviews refused, or failed before the kill: {refused:?}"
    );
    assert!(
        acked.len() >= ACKED_BEFORE_KILL && acked.len() < ADS,
        "{} reviews answered when killed",
        acked.len()
    );

    eprintln!(
        "{} reviews answered 2xx before the kill, {} sent",
        acked.len(),
        next.load(Ordering::SeqCst).min(ADS)
    );

    // Restart on the same data directory and ports.
    let mut server = start_server(&data, app, archive, &log, &token);
    let acked_idx: BTreeSet<usize> = acked.iter().map(|a| a.0).collect();
    let attempted = next.load(Ordering::SeqCst).min(ADS);
    let (mut lost, mut torn) = (Vec::new(), Vec::new());
    for (i, &id) in ids.iter().enumerate().take(attempted) {
        let (s, body) = http(app, "GET", &format!("/api/ads/{id}"), &token, None).unwrap();
        assert_eq!(s, 200, "ad {id}: {body}");
        let j: serde_json::Value = serde_json::from_str(&body).unwrap();
        let r = &j["review"];
        let want = review(i, id);
        let same = r["notes"] == want["notes"]
            && r["takedown"] == want["takedown"]
            && r["risk"] == want["risk"]
            && r["category"] == want["category"]
            && r["relevant"] == want["relevant"]
            && r["tags"] == want["tags"]
            && r["reviewer"] == "ana";
        if acked_idx.contains(&i) && !same {
            lost.push(format!("ad {id}: sent {want}, stored {r}"));
        } else if !acked_idx.contains(&i) && !r.is_null() && !same {
            // In flight at the kill: stored whole or not at all.
            torn.push(format!("ad {id}: sent {want}, stored {r}"));
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {} reviews answered 2xx before the kill are lost or changed: {:?}",
        lost.len(),
        acked.len(),
        &lost[..lost.len().min(10)]
    );
    assert!(
        torn.is_empty(),
        "reviews in flight at the kill stored in part: {torn:?}"
    );
    let audited = {
        let c =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .unwrap();
        c.busy_timeout(Duration::from_secs(10)).unwrap();
        let mut st = c
            .prepare("SELECT DISTINCT ad_id FROM audit_log WHERE action LIKE 'review%'")
            .unwrap();
        let ids: BTreeSet<i64> = st
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        ids
    };
    let unaudited: Vec<i64> = acked
        .iter()
        .map(|a| a.1)
        .filter(|id| !audited.contains(id))
        .collect();
    assert!(
        unaudited.is_empty(),
        "reviews without their audit-log entry: ads {unaudited:?}"
    );

    // The restarted server takes reviews.
    let (i, id) = (ADS - 1, ids[ADS - 1]);
    let (s, body) = http(
        app,
        "PUT",
        &format!("/api/ads/{id}/review"),
        &token,
        Some(&review(i, id).to_string()),
    )
    .unwrap();
    assert_eq!(s, 200, "a review after the restart: {body}");
    let (_, body) = http(app, "GET", &format!("/api/ads/{id}"), &token, None).unwrap();
    assert!(body.contains(&format!("review {i} of ad {id}")), "{body}");
    server.kill9();
    assert_store_intact(&db);
}

/// A JSON-lines file with every kind of bad line among good ones: the lines, and the ads that
/// must come out of it (id → title).
fn malformed_jsonl() -> (Vec<u8>, BTreeMap<&'static str, String>, Vec<u64>) {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let good = |id: &str, title: &str| serde_json::json!({"id": id, "title": title}).to_string();
    // 1: good.
    lines.push(
        serde_json::json!({"id": "g1", "title": "Graupapagei Hahn", "description": "zahm ohne Papiere", "price_text": "650 €"})
            .to_string()
            .into_bytes(),
    );
    // 2: binary junk (every byte but the newline, NULs and invalid UTF-8 included).
    lines.push(
        (0..=255u8)
            .filter(|b| *b != b'\n')
            .cycle()
            .take(4096)
            .collect(),
    );
    // 3: good.
    lines.push(good("g2", "Uhu").into_bytes());
    // 4: a good ad of 5 MB.
    lines.push(
        serde_json::json!({"id": "big", "title": "Elfenbein Figur", "description": "Elfenbein Figur sehr alt ".repeat(210_000)})
            .to_string()
            .into_bytes(),
    );
    // 5: a line of 5 MB that is no JSON.
    lines.push(b"x".repeat(5_000_000));
    // 6: truncated JSON.
    lines.push(b"{\"id\":\"trunc\",\"title\":\"Uh".to_vec());
    // 7: Latin-1, not UTF-8, inside a string: kept, the bytes replaced.
    lines.push(b"{\"id\":\"latin\",\"title\":\"Perroquet \xe9lev\xe9\"}".to_vec());
    // 8: a raw NUL byte inside a string (JSON forbids control characters there).
    lines.push(b"{\"id\":\"nulraw\",\"title\":\"Uhu\x00Kauz\"}".to_vec());
    // 9: an escaped NUL: valid JSON, kept as it is.
    lines.push(b"{\"id\":\"nulesc\",\"title\":\"Uhu\\u0000Kauz\"}".to_vec());
    // 10: NUL bytes only.
    lines.push(b"\x00\x00\x00".to_vec());
    // 11: JSON, but not an object.
    lines.push(b"[1,2]".to_vec());
    // 12: blank (skipped, not an error).
    lines.push(b"   ".to_vec());
    // 13: good, with a Windows line end.
    lines.push(format!("{}\r", good("crlf", "Kauz")).into_bytes());
    // 14: good.
    lines.push(good("g3", "Königspython 0.1").into_bytes());
    // 15: truncated at the end of the file (no newline).
    lines.push(b"{\"id\":\"eof\",\"title\":\"Kauz\"".to_vec());
    let want: BTreeMap<&str, String> = [
        ("g1", "Graupapagei Hahn"),
        ("g2", "Uhu"),
        ("big", "Elfenbein Figur"),
        ("latin", "Perroquet \u{fffd}lev\u{fffd}"),
        ("nulesc", "Uhu\u{0}Kauz"),
        ("crlf", "Kauz"),
        ("g3", "Königspython 0.1"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect();
    (lines.join(&b'\n'), want, vec![2, 5, 6, 8, 10, 11, 15])
}

/// `import` of malformed JSON lines: each bad line reported with its number, every good one
/// stored (once, also when imported again); `scan` of the same file: one answer per line in
/// order, an error naming the line for each bad one.
#[test]
fn malformed_json_lines_are_reported_by_number_and_good_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let file = dir.path().join("hostile.jsonl");
    let (bytes, want, bad) = malformed_jsonl();
    std::fs::write(&file, bytes).unwrap();

    let (out, text) = run(ww(&data).arg("import").arg(&file));
    assert!(out.status.success(), "import failed: {text}");
    for n in &bad {
        assert!(
            text.contains(&format!("{}: line {n}: ", file.display())),
            "line {n} is not reported: {text}"
        );
    }
    let reported = text.matches(": line ").count();
    assert_eq!(reported, bad.len(), "lines reported: {text}");
    // Lines 2 (junk) and 7 (Latin-1) have bytes that are not UTF-8.
    let summary = format!(
        "imported {n} ads ({n} new, 0 already stored) from {}; {} bad rows; 2 rows with bytes that are not UTF-8",
        file.display(),
        bad.len(),
        n = want.len()
    );
    assert!(text.contains(&summary), "want `{summary}`: {text}");
    let stored = |data: &Path| -> BTreeMap<String, String> {
        listed(data)
            .into_iter()
            .map(|(u, j)| (u, j["title"].as_str().unwrap().to_string()))
            .collect()
    };
    let want_stored: BTreeMap<String, String> = want
        .iter()
        .map(|(id, t)| (format!("import:import/{id}"), t.clone()))
        .collect();
    assert_eq!(stored(&data), want_stored, "stored ads");
    let (out, text) = run(ww(&data).arg("import").arg(&file));
    assert!(out.status.success(), "second import failed: {text}");
    assert!(
        text.contains(&format!(
            "imported {n} ads (0 new, {n} already stored)",
            n = want.len()
        )),
        "{text}"
    );
    assert_eq!(
        stored(&data),
        want_stored,
        "stored ads after a second import"
    );
    assert_store_intact(&data.join("wildwatch.db"));

    let (out, text) = run(ww(&data).arg("scan").arg(&file));
    assert!(out.status.success(), "scan failed: {text}");
    let answers: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let mut expected: Vec<(u64, Option<&str>)> = Vec::new();
    let ids = [
        "g1", "", "g2", "big", "", "", "latin", "", "nulesc", "", "", "", "crlf", "g3", "",
    ];
    for (i, id) in ids.iter().enumerate() {
        let n = i as u64 + 1;
        if n == 12 {
            continue; // blank
        }
        expected.push((n, (!bad.contains(&n)).then_some(*id)));
    }
    let got: Vec<(u64, Option<&str>)> = answers
        .iter()
        .zip(&expected)
        .map(|(a, (n, _))| match a.get("error") {
            Some(e) => {
                let e = e.as_str().unwrap_or_default();
                assert!(
                    e.contains(&format!("line {n}")) && a["line"] == *n,
                    "the error for line {n} names another line: {a}"
                );
                (*n, None)
            }
            None => (*n, a["id"].as_str()),
        })
        .collect();
    assert_eq!(
        got,
        expected,
        "scan answers (line, id or error) out of {} answers",
        answers.len()
    );
    assert_eq!(answers.len(), expected.len(), "{answers:?}");
    assert!(
        text.contains(&format!("{} errors", bad.len())),
        "scan summary: {text}"
    );
}

/// What a spreadsheet evaluates.
const FORMULAS: [&str; 4] = [
    "=HYPERLINK(\"http://evil\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
];

/// Script a browser runs.
const SCRIPTS: [&str; 2] = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
];

/// The cells of a CSV text that a spreadsheet would evaluate as a formula.
fn formula_cells(csv_text: &str) -> Vec<String> {
    let plain_number = |s: &str| {
        let d = s.strip_prefix(['-', '+']).unwrap_or(s);
        !d.is_empty()
            && d.chars().all(|c| c.is_ascii_digit() || c == '.')
            && d.matches('.').count() <= 1
            && d.chars().any(|c| c.is_ascii_digit())
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let mut bad = Vec::new();
    for rec in r.records() {
        for cell in rec.unwrap().iter() {
            if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !plain_number(cell) {
                bad.push(cell.to_string());
            }
        }
    }
    bad
}

/// Every cell of `csv_text` is safe, and each hostile formula is there, defused with a `'`.
fn assert_defused(sink: &str, csv_text: &str, must_hold: &[&str]) {
    let raw = formula_cells(csv_text);
    assert!(
        raw.is_empty(),
        "{sink} writes cells a spreadsheet evaluates: {raw:?}\n{csv_text}"
    );
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let cells: BTreeSet<String> = r
        .records()
        .flat_map(|rec| rec.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect();
    for f in must_hold {
        assert!(
            cells.contains(&format!("'{f}")),
            "{sink}: no cell `'{f}` (the hostile value is missing or changed)\n{csv_text}"
        );
    }
}

/// Ads whose every free-text field is a formula or a script: the CSV of `ads list`, `report`,
/// `networks export` and `takedown` hold each as a defused cell (a leading `'`), the HTML report
/// no live markup.
#[test]
fn formula_and_script_strings_reach_spreadsheets_defused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let file = dir.path().join("hostile.jsonl");
    let desc = "Elfenbein Schnitzerei, ohne Papiere, Versand möglich. Tel. 0171 2345678";
    let mut lines = Vec::new();
    for f in FORMULAS {
        // On a platform, in a country and at a place named by the formula (report breakdowns)…
        lines.push(serde_json::json!({
            "url": format!("{f}#a"), "id": format!("{f}#a"), "title": f, "description": desc,
            "price_text": f, "seller": f, "platform": f, "country": f, "location": f,
        }));
        // …and on a real platform, for a takedown notice.
        lines.push(serde_json::json!({
            "url": f, "id": f, "title": f, "description": desc, "price_text": f,
            "seller": format!("{f} 2"), "platform": "kleinanzeigen", "country": "DE",
        }));
    }
    for (i, s) in SCRIPTS.iter().enumerate() {
        lines.push(serde_json::json!({
            "url": format!("https://m.test/x{i}"), "title": s, "description": desc,
            "price_text": s, "seller": s, "platform": s, "country": s,
        }));
    }
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, text).unwrap();
    let (out, text) = run(ww(&data)
        .arg("import")
        .arg(&file)
        .args(["--campaign", "hostile"]));
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(&format!("imported {} ads", lines.len())),
        "{text}"
    );

    // ads list.
    let (out, text) = run(ww(&data).args(["ads", "list", "--format", "csv"]));
    assert!(out.status.success(), "{text}");
    let csv_text = String::from_utf8(out.stdout).unwrap();
    let mut expect: Vec<String> = FORMULAS.iter().map(|f| f.to_string()).collect();
    expect.extend(FORMULAS.iter().map(|f| format!("{f}#a")));
    expect.extend(FORMULAS.iter().map(|f| format!("{f} 2")));
    let expect_refs: Vec<&str> = expect.iter().map(String::as_str).collect();
    assert_defused("`ads list --format csv`", &csv_text, &expect_refs);

    // report (platforms and countries are breakdown keys).
    let (out, text) = run(ww(&data).args(["report", "hostile", "--format", "csv"]));
    assert!(out.status.success(), "{text}");
    let csv_text = String::from_utf8(out.stdout).unwrap();
    assert_defused("`report --format csv`", &csv_text, &FORMULAS);
    let (out, text) = run(ww(&data).args(["report", "hostile", "--format", "html"]));
    assert!(out.status.success(), "{text}");
    let html = String::from_utf8(out.stdout).unwrap();
    for s in ["<script>alert('xss')", "<img src=x", "<IMG SRC=X"] {
        assert!(
            !html.contains(s),
            "the HTML report holds live markup from an ad: `{s}`"
        );
    }
    assert!(
        html.contains("&lt;script&gt;alert(") || html.contains("&lt;SCRIPT&gt;ALERT("),
        "the hostile platform name is not in the HTML report (escaped)"
    );
    // The workbook: strings only, never a formula element.
    let xlsx = dir.path().join("report.xlsx");
    let (out, text) = run(ww(&data)
        .args(["report", "hostile", "--format", "xlsx", "--out"])
        .arg(&xlsx));
    assert!(out.status.success(), "{text}");
    let mut z = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let mut shared = String::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut xml = String::new();
        f.read_to_string(&mut xml).unwrap();
        if name.starts_with("xl/worksheets/") {
            assert!(
                !xml.contains("<f>") && !xml.contains("<f "),
                "`report --format xlsx`: {name} holds a formula: {xml}"
            );
        }
        if name == "xl/sharedStrings.xml" {
            shared = xml;
        }
    }
    assert!(
        shared.contains("HYPERLINK") && shared.contains("@SUM(1)"),
        "`report --format xlsx`: the hostile platform names are missing: {shared}"
    );
    // Two campaigns compared.
    let (out, text) = run(ww(&data)
        .arg("import")
        .arg(&file)
        .args(["--campaign", "hostile2"]));
    assert!(out.status.success(), "{text}");
    let (out, text) = run(ww(&data).args([
        "report", "compare", "hostile", "hostile2", "--format", "csv",
    ]));
    assert!(out.status.success(), "report compare: {text}");
    let csv_text = String::from_utf8(out.stdout).unwrap();
    assert_defused("`report compare --format csv`", &csv_text, &FORMULAS);

    // networks export (sellers linked by their shared phone number).
    let (out, text) = run(ww(&data).args(["sellers", "link"]));
    assert!(out.status.success(), "{text}");
    let prefix = dir.path().join("net");
    let (out, text) = run(ww(&data)
        .args(["networks", "export", "--format", "csv", "--out"])
        .arg(&prefix));
    assert!(out.status.success(), "networks export: {text}");
    let nodes = std::fs::read_to_string(dir.path().join("net.nodes.csv")).unwrap();
    let edges = std::fs::read_to_string(dir.path().join("net.edges.csv")).unwrap();
    assert_defused("`networks export --format csv` (nodes)", &nodes, &FORMULAS);
    assert_defused("`networks export --format csv` (edges)", &edges, &[]);

    // takedown notice of the ads on the real platform.
    {
        use wildwatch_store::app::Review;
        use wildwatch_store::{AdFilter, SqliteStore, Store};
        let mut store = SqliteStore::open(&data.join("wildwatch.db")).unwrap();
        let rows = store
            .list_ads(&AdFilter {
                platform: Some("kleinanzeigen".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(rows.len(), FORMULAS.len());
        for r in &rows {
            let review = Review {
                relevant: true,
                category: "part".into(),
                risk: "high".into(),
                takedown: true,
                ..Default::default()
            };
            store
                .save_review(r.id, &review, "corrected", "alice")
                .unwrap();
        }
    }
    let notices = dir.path().join("notices");
    let (out, text) = run(ww(&data)
        .args([
            "takedown",
            "hostile",
            "--platform",
            "kleinanzeigen",
            "--lang",
            "en",
            "--out",
        ])
        .arg(&notices));
    assert!(out.status.success(), "takedown: {text}");
    let csv_file = std::fs::read_dir(&notices)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "csv"))
        .unwrap();
    let csv_text = std::fs::read_to_string(csv_file).unwrap();
    assert_defused("`takedown` notice CSV", &csv_text, &FORMULAS);
}

/// A UTF-8 byte-order mark (as Windows tools write one) before the first JSON line: the first ad
/// is imported and scanned like the others. The CSV reader already skips it.
#[test]
fn a_byte_order_mark_does_not_cost_the_first_ad() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let file = dir.path().join("bom.jsonl");
    std::fs::write(
        &file,
        "\u{feff}{\"id\":\"bom\",\"title\":\"Uhu\"}\n{\"id\":\"g\",\"title\":\"Kauz\"}\n",
    )
    .unwrap();
    let (out, text) = run(ww(&data).arg("import").arg(&file));
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("imported 2 ads (2 new, 0 already stored)") && text.contains("; 0 bad rows"),
        "the ad on the line with the BOM is lost: {text}"
    );
    let (out, text) = run(ww(&data).arg("scan").arg(&file));
    assert!(out.status.success(), "{text}");
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], "bom", "scan answers the BOM line with {first}");
}

/// Two `evidence package` runs to the same `--out` at once (a double click, overlapping cron
/// jobs): whatever lies at the path afterwards checks, and a run that reports success wrote it.
#[test]
fn concurrent_packages_to_one_path_leave_a_package_that_checks() {
    const N: usize = 3_000;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let file = dir.path().join("ads.jsonl");
    std::fs::write(&file, many_ads(N, 11).0).unwrap();
    let (out, text) = run(ww(&data)
        .arg("import")
        .arg(&file)
        .args(["--campaign", "case"]));
    assert!(out.status.success(), "{text}");
    let outdir = dir.path().join("out");
    std::fs::create_dir_all(&outdir).unwrap();
    let zip = outdir.join("case.zip");
    let (out, text) = run(ww(&data)
        .args(["evidence", "package", "--campaign", "case", "--out"])
        .arg(&zip));
    assert!(out.status.success(), "{text}");
    let key = text
        .lines()
        .find_map(|l| l.strip_prefix("public key: "))
        .unwrap()
        .to_string();
    let full = std::fs::metadata(&zip).unwrap().len();
    std::fs::remove_file(&zip).unwrap();
    let package = || {
        let mut c = ww(&data);
        c.args(["evidence", "package", "--campaign", "case", "--out"])
            .arg(&zip)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    let mut a = Proc::spawn(&mut package());
    wait_for(300, "the first package to be half written", || {
        others(&outdir, &[]).iter().any(|(_, n)| *n >= full / 2) || !a.running()
    });
    // The second run packages three ads: it ends long before the first.
    let mut b = Proc::spawn(
        ww(&data)
            .args(["evidence", "package", "--ads", "1,2,3", "--out"])
            .arg(&zip)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let ra = a.0.wait().unwrap();
    let rb = b.0.wait().unwrap();
    let checked = package_checks(&data, &zip, &key);
    assert!(
        checked.is_ok(),
        "runs exited {ra} and {rb}; the package at {} does not check: {}",
        zip.display(),
        checked.unwrap_err()
    );
}
