//! Issue 22: two `serve` processes and two `worker` processes on one PostgreSQL database while
//! analysts review. A fixture crawl is copied into a fresh schema; two workers crawl the same
//! marketplace again (campaign `t2`, rewriting the very ads under review) while four threads —
//! two analysts, each signed in on one server — post reviews with their CSRF token through both
//! servers alternately (one session, two processes); some ads are reviewed a second time through
//! the other server. Then two `takedown` processes run at once for the same campaign and platform.
//! No review may be lost (the export, the API and the audit log hold every one, the later one
//! winning), no ad may be named in two notices, and the workers must end without error. Without
//! PostgreSQL the test skips (unless WILDWATCH_REQUIRE_POSTGRES=1).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use wildwatch_fixture::{Fixture, FixtureConfig};

mod pg;
use pg::{TestDb, World};

const PASSWORD: &str = "a long enough password";
const ANALYSTS: [&str; 2] = ["ana", "bob"];
const THREADS: usize = 4;
/// The platform the takedown notices are for.
const PLATFORM: &str = "leboncoin";

/// Children killed when the test ends, passed or not (the servers; workers that hang).
struct Kids(Vec<Child>);

impl Drop for Kids {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn ok(c: &mut Command) -> String {
    let out = c.output().unwrap();
    let text = format!("{}{}", lossy(&out.stdout), lossy(&out.stderr));
    assert!(out.status.success(), "{c:?} failed:\n{text}");
    text
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Campaign `t` crawled into SQLite, copied to PostgreSQL (the SQLite file then deleted), and
/// two analysts; `None` without PostgreSQL.
fn world() -> Option<World> {
    let db = TestDb::new()?;
    let fx = Fixture::start(
        FixtureConfig {
            ads: 20,
            seed: 22,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let camp = pg::campaign_file(dir.path(), &fx, "t", 0);
    pg::crawl_into_postgres(&db, &data, &camp);
    let w = World { db, fx, dir, data };
    for name in ANALYSTS {
        let mut add = w
            .ww()
            .args(["user", "add", name, "--role", "analyst"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = add.stdin.take().unwrap();
        writeln!(stdin, "{PASSWORD}").unwrap();
        drop(stdin);
        let out = add.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", lossy(&out.stderr));
    }
    Some(w)
}

/// Free loopback ports (bound together so that they differ, then released).
fn free_ports(n: usize) -> Vec<u16> {
    let l: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    l.iter().map(|l| l.local_addr().unwrap().port()).collect()
}

/// A `serve` on `port` (archive on `archive`), once it answers.
fn start_server(w: &World, port: u16, archive: u16) -> Child {
    let mut child = w
        .ww()
        .args(["serve", "--no-fetch", "--retrain-every", "0"])
        .args(["--logins-per-minute", "1000"])
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .args(["--archive-addr", &format!("127.0.0.1:{archive}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() && get(port, "/login", "").status == 200
        {
            return child;
        }
        if let Some(st) = child.try_wait().unwrap() {
            panic!("serve on port {port} exited: {st}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "serve never answered"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn start_worker(w: &World, camp: &Path) -> Child {
    w.ww()
        .args(["worker", "--quiet", "--lease-secs", "5"])
        .arg(camp)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

struct Resp {
    status: u16,
    head: String,
    body: String,
}

/// One HTTP/1.0 exchange (the server closes the connection; no chunked body).
fn http(port: u16, method: &str, path: &str, cookie: &str, form: &str) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n");
    if !cookie.is_empty() {
        req.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if method == "POST" {
        req.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{form}", form.len()));
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = lossy(&raw);
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok());
    Resp {
        status: status.unwrap_or_else(|| panic!("not an HTTP answer: {raw}")),
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn get(port: u16, path: &str, cookie: &str) -> Resp {
    http(port, "GET", path, cookie, "")
}

fn post(port: u16, path: &str, cookie: &str, form: &[(&str, &str)]) -> Resp {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    http(port, "POST", path, cookie, &body)
}

/// `name=value` of a Set-Cookie header (they are Secure: read here, not by a cookie jar).
fn cookie_from(r: &Resp, name: &str) -> String {
    r.head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.trim())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_string())
        .unwrap_or_else(|| panic!("no {name} cookie in {}", r.head))
}

fn csrf_in(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").expect("a csrf field");
    let rest = &html[i + 19..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// Signs in through the login form on `port`: the cookie header and the session's CSRF token.
fn login(port: u16, user: &str) -> (String, String) {
    let r = get(port, "/login", "");
    let anon = cookie_from(&r, "ww_anon");
    let csrf = csrf_in(&r.body);
    let form = [
        ("csrf", csrf.as_str()),
        ("username", user),
        ("password", PASSWORD),
        ("next", "/ads"),
    ];
    let r = post(port, "/login", &anon, &form);
    assert_eq!(r.status, 303, "login of {user}: {}", r.body);
    let cookie = format!("{anon}; {}", cookie_from(&r, "ww_session"));
    let home = get(port, "/", &cookie);
    assert_eq!(home.status, 200, "{}", home.body);
    (cookie, csrf_in(&home.body))
}

/// A review sent: the ad, its notes (unique), whether it asks for a takedown, who sent it.
#[derive(Clone, Debug)]
struct Sent {
    ad: i64,
    notes: String,
    takedown: bool,
    by: String,
}

/// Thread `k`'s reviews: its share of `ads`, through both servers alternately; every third ad a
/// second time through the other server (then without takedown). What it sent, in order.
fn review_thread(k: usize, ports: [u16; 2], ads: Vec<i64>) -> Vec<Sent> {
    let user = ANALYSTS[k % 2];
    let (cookie, csrf) = login(ports[k % 2], user);
    let mut sent = Vec::new();
    for (j, ad) in ads.into_iter().enumerate() {
        let rounds = if j % 3 == 0 { 2 } else { 1 };
        for round in 0..rounds {
            let port = ports[(k + j + round) % 2];
            let s = Sent {
                ad,
                notes: format!("{user} t{k} round {round} via {port}"),
                takedown: round == 0,
                by: user.to_string(),
            };
            let specimens = (round + 1).to_string();
            let mut form = vec![
                ("csrf", csrf.as_str()),
                ("relevant", "true"),
                ("category", "part"),
                ("species", "African elephant, Loxodonta africana"),
                ("specimens", specimens.as_str()),
                ("risk", "high"),
                ("notes", s.notes.as_str()),
            ];
            if s.takedown {
                form.push(("takedown", "true"));
            }
            let r = post(port, &format!("/ads/{ad}/review"), &cookie, &form);
            assert_eq!(r.status, 303, "review of ad {ad} via {port}: {}", r.body);
            sent.push(s);
        }
    }
    sent
}

/// Live ads of campaign `t`, by id, with their platform.
fn live_ads(w: &World) -> Vec<(i64, String)> {
    let mut c = postgres::Client::connect(&w.db.url(), postgres::NoTls).unwrap();
    c.query(
        "SELECT a.id, a.platform FROM ads a JOIN campaigns c ON c.id = a.campaign_id \
         WHERE c.name = 't' AND a.gone_at IS NULL ORDER BY a.id",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

/// Waits for a worker's own end (the crawl done); its log.
fn finish_worker(mut w: Child) -> String {
    let started = Instant::now();
    while w.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(90) {
            let _ = w.kill();
            panic!("a worker was still running after 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = w.wait_with_output().unwrap();
    let log = lossy(&out.stderr);
    assert!(out.status.success(), "worker failed: {log}");
    log
}

#[test]
fn two_servers_two_workers_analysts_and_two_takedowns_lose_nothing() {
    let Some(w) = world() else {
        return;
    };
    let started = Instant::now();
    let p = free_ports(4);
    let ports = [p[0], p[2]];
    let kids = Kids(vec![
        start_server(&w, p[0], p[1]),
        start_server(&w, p[2], p[3]),
    ]);
    let ads = live_ads(&w);
    assert!(ads.len() >= 40, "{} ads", ads.len());
    let platform: BTreeMap<i64, String> = ads.iter().cloned().collect();
    // The workers crawl the marketplace again (campaign `t2`: the same ads, rewritten).
    let camp = pg::campaign_file(w.dir.path(), &w.fx, "t2", 5);
    let pages_before = w.db.count("SELECT COUNT(*) FROM pages");
    let mut workers = [start_worker(&w, &camp), start_worker(&w, &camp)];
    let at_start = wait_for_pages(&w, pages_before);
    let t0 = Instant::now();
    let sent = review_concurrently(ports, ads.iter().map(|a| a.0).collect());
    let at_end = w.db.count("SELECT COUNT(*) FROM pages");
    eprintln!(
        "{} reviews of {} ads sent in {:?} while the workers stored {} pages",
        sent.len(),
        ads.len(),
        t0.elapsed(),
        at_end - at_start
    );
    // Both workers were crawling from before the first review to after the last.
    for wk in &mut workers {
        assert!(
            wk.try_wait().unwrap().is_none(),
            "a worker ended before the reviews did: too little concurrency tested"
        );
    }
    for log in workers.map(finish_worker) {
        eprintln!("{}", log.trim());
    }
    assert_eq!(
        w.db.count("SELECT COUNT(*) FROM frontier WHERE state = 'pending'"),
        0
    );
    check_reviews(&w, ports, &sent);
    let expected: BTreeSet<i64> = final_reviews(&sent)
        .values()
        .filter(|s| s.takedown && platform[&s.ad] == PLATFORM)
        .map(|s| s.ad)
        .collect();
    assert!(!expected.is_empty());
    concurrent_takedowns(&w, &expected);
    drop(kids); // the servers
    eprintln!("done in {:?} after the setup", started.elapsed());
}

/// Waits until the workers stored a page; the page count then.
fn wait_for_pages(w: &World, before: i64) -> i64 {
    let started = Instant::now();
    loop {
        let n = w.db.count("SELECT COUNT(*) FROM pages");
        if n > before {
            return n;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the workers stored no page in 60 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The ads shared out among [`THREADS`] threads; every review sent.
fn review_concurrently(ports: [u16; 2], ads: Vec<i64>) -> Vec<Sent> {
    let handles: Vec<_> = (0..THREADS)
        .map(|k| {
            let mine: Vec<i64> = ads.iter().copied().skip(k).step_by(THREADS).collect();
            std::thread::spawn(move || review_thread(k, ports, mine))
        })
        .collect();
    handles
        .into_iter()
        .flat_map(|h| h.join().expect("a review thread failed"))
        .collect()
}

/// The last review sent of each ad.
fn final_reviews(sent: &[Sent]) -> BTreeMap<i64, Sent> {
    sent.iter().map(|s| (s.ad, s.clone())).collect()
}

/// Every review is stored: the export holds each reviewed ad once with its last notes; the API
/// shows the last review of each ad (through either server) and an audit entry per review sent.
fn check_reviews(w: &World, ports: [u16; 2], sent: &[Sent]) {
    let last = final_reviews(sent);
    let corpus = w.dir.path().join("reviewed.jsonl");
    let text = ok(w.ww().args(["review", "export", "--out"]).arg(&corpus));
    assert!(
        text.contains(&format!("{} reviewed ads exported", last.len())),
        "{text}"
    );
    let exported: BTreeMap<i64, String> = std::fs::read_to_string(&corpus)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| {
            let id = v["id"].as_str().unwrap()["ww-".len()..].parse().unwrap();
            (id, v["note"].as_str().unwrap().to_string())
        })
        .collect();
    let wrong: Vec<_> = last
        .values()
        .filter(|s| exported.get(&s.ad) != Some(&s.notes))
        .map(|s| (s.ad, &s.notes, exported.get(&s.ad)))
        .collect();
    assert!(
        wrong.is_empty(),
        "reviews lost (ad, last sent, stored): {wrong:?}"
    );
    assert_eq!(
        exported.len(),
        last.len(),
        "ads reviewed by no one exported"
    );
    check_api(ports, &last, sent);
    assert_eq!(
        w.db.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('review', 'review.update')"),
        sent.len() as i64
    );
}

/// Through either server, each ad shows its last review, and its audit log one entry per review
/// sent (`review`, then `review.update`).
fn check_api(ports: [u16; 2], last: &BTreeMap<i64, Sent>, sent: &[Sent]) {
    let (cookie, _) = login(ports[1], ANALYSTS[0]);
    for (i, (ad, s)) in last.iter().enumerate() {
        let port = ports[i % 2];
        let d: serde_json::Value =
            serde_json::from_str(&get(port, &format!("/api/ads/{ad}"), &cookie).body).unwrap();
        assert_eq!(d["review"]["notes"], s.notes.as_str(), "ad {ad}: {d}");
        assert_eq!(d["review"]["reviewer"], s.by.as_str(), "ad {ad}");
        assert_eq!(d["summary"]["takedown"], s.takedown, "ad {ad}");
        let audit: serde_json::Value =
            serde_json::from_str(&get(port, &format!("/api/ads/{ad}/audit"), &cookie).body)
                .unwrap();
        let reviews: Vec<&serde_json::Value> = audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"].as_str().unwrap_or("").starts_with("review"))
            .collect();
        let n = sent.iter().filter(|x| x.ad == *ad).count();
        assert_eq!(reviews.len(), n, "audit of ad {ad}: {audit}");
        let actions: Vec<&str> = reviews
            .iter()
            .rev()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        let want_actions = ["review", "review.update"];
        assert_eq!(actions, want_actions[..n], "ad {ad}");
    }
}

/// Two `takedown` processes at once for the same campaign and platform (each its own folder):
/// together they name every ad marked for takedown exactly once.
fn concurrent_takedowns(w: &World, expected: &BTreeSet<i64>) {
    let runs: Vec<Child> = (0..2)
        .map(|i| {
            w.ww()
                .args(["takedown", "t", "--platform", PLATFORM, "--out"])
                .arg(w.dir.path().join(format!("notices-{i}")))
                .env("RUST_LIB_BACKTRACE", "0")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<Output> = runs
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let mut issued = 0;
    for (i, o) in outs.iter().enumerate() {
        let text = format!("{}{}", lossy(&o.stdout), lossy(&o.stderr));
        eprintln!("takedown {i}: {}", text.trim());
        if o.status.success() && text.starts_with("notice ") {
            issued += 1;
            continue;
        }
        // The loser prepares its notice again without the ads the winner took: nothing is left.
        assert!(
            o.status.success() && text.contains("nothing to notify"),
            "takedown {i}: {text}"
        );
        // No CSV or letter is left for a notice that was not recorded.
        let dir = w.dir.path().join(format!("notices-{i}"));
        let left = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert_eq!(left, 0, "files left in {}", dir.display());
    }
    assert!(issued >= 1, "no notice was issued");
    check_notices(w, issued, expected);
}

/// `takedown list` shows the notices issued, naming as many ads as were marked; PostgreSQL's
/// `notice_ads` names each of them once.
fn check_notices(w: &World, issued: usize, expected: &BTreeSet<i64>) {
    let list = ok(w.ww().args(["takedown", "list", "--json"]));
    let rows: Vec<serde_json::Value> = list
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), issued, "{list}");
    let named: i64 = rows.iter().map(|r| r["ads"].as_i64().unwrap()).sum();
    assert_eq!(
        named,
        expected.len() as i64,
        "ads named in all notices: {list}"
    );
    let mut c = postgres::Client::connect(&w.db.url(), postgres::NoTls).unwrap();
    let ids: Vec<i64> = c
        .query("SELECT ad_id FROM notice_ads ORDER BY ad_id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let distinct: BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        ids.len(),
        "an ad is in two notices: {ids:?}"
    );
    assert_eq!(
        &distinct, expected,
        "the notices name other ads than marked"
    );
}
