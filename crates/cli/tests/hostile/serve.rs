//! `kill -9` of `wildwatch serve` while reviews come in: every acknowledged review survives.

use super::*;

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
