//! Import of a WARC written by another tool: GNU wget (`--warc-file`) fetching from a
//! tiny HTTP server on 127.0.0.1. Skipped, with a notice, when wget is not installed.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use wildwatch_warc::{find_url, responses, verify_dir};

const PAGE: &str = "<html><body><h1>Rhino horn powder</h1><p>500 EUR</p></body></html>";

fn serve(mut s: TcpStream) {
    let _ = s.set_nonblocking(false);
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut req = Vec::new();
    let mut buf = [0u8; 1024];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") && req.len() < 64 * 1024 {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => req.extend_from_slice(&buf[..n]),
        }
    }
    let line = String::from_utf8_lossy(&req);
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let resp = match path.as_str() {
        "/ad/1" => format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{PAGE}",
            PAGE.len()
        ),
        "/ad/2" => "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n7\r\nPangoli\r\n9\r\nn scales.\r\n0\r\n\r\n".to_string(),
        _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
    };
    let _ = s.write_all(resp.as_bytes());
}

#[test]
fn imports_a_wget_warc() {
    if Command::new("wget")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .map_or(true, |s| !s.success())
    {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED imports_a_wget_warc: wget not installed"
        );
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let server = thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !stop2.load(Ordering::Relaxed) && Instant::now() < deadline {
            match listener.accept() {
                Ok((s, _)) => serve(s),
                Err(_) => thread::sleep(Duration::from_millis(10)),
            }
        }
    });

    let tmp = tempfile::tempdir().unwrap();
    let warcs = tmp.path().join("warcs");
    let downloads = tmp.path().join("dl");
    std::fs::create_dir_all(&warcs).unwrap();
    let u1 = format!("http://127.0.0.1:{port}/ad/1");
    let u2 = format!("http://127.0.0.1:{port}/ad/2");
    let mut child = Command::new("wget")
        .args([
            "--no-config",
            "-nv",
            "--tries=1",
            "--timeout=10",
            "-e",
            "robots=off",
        ])
        .arg(format!("--warc-file={}", warcs.join("wget").display()))
        .arg("-P")
        .arg(&downloads)
        .args([&u1, &u2])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("wget did not finish");
        }
        thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    stop.store(true, Ordering::Relaxed);
    server.join().unwrap();
    assert!(
        out.status.success(),
        "wget failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let path = warcs.join("wget.warc.gz");
    let report = verify_dir(&warcs).unwrap();
    assert!(report.is_ok(), "{:#?}", report.errors);
    assert_eq!(report.files, 1);
    assert_eq!(report.responses, 2);
    assert!(report.digests_checked >= 4, "{report:#?}");

    let got: Vec<_> = responses(&path).unwrap().map(Result::unwrap).collect();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].found.url, u1);
    assert_eq!(got[0].found.status, 200);
    assert_eq!(got[0].body, PAGE.as_bytes());
    assert_eq!(got[0].found.payload_digest_ok, Some(true));
    assert_eq!(got[1].found.url, u2);
    assert_eq!(
        got[1].found.http_header("transfer-encoding"),
        Some("chunked")
    );
    assert_eq!(got[1].content(1 << 20).unwrap(), b"Pangolin scales.");
    let f = find_url(&warcs, &u1).unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].offset, got[0].found.offset);
}
