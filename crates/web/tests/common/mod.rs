//! The seeded world shared by the router tests and the browser test: a store with hostile ads
//! (script in the title, seller and description), one archived page whose HTML runs a script
//! against its parent, and one user per role (password "correct horse battery"), on either
//! backend: SQLite, or a schema of its own on PostgreSQL ([`pg`]).
//!
//! [`on_both_backends!`] makes a `sqlite` and a `postgres` test of each case.

#![allow(dead_code)]

pub mod http;
pub mod pg;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use wildwatch_refdata::RefData;
use wildwatch_store::app::Role;
use wildwatch_store::AdContent;
use wildwatch_store::{AppStore, DetectionRecord, FetchCommit, FetchState, PageRecord};
use wildwatch_web::{app_router, auth, AppState, ServeConfig, Shared};

/// The store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file in the test's directory.
    Sqlite,
    /// A schema of its own on the test PostgreSQL server.
    Postgres,
}

/// Emits, for each case (`async fn case(b: Backend)`), a module of the case's name with a
/// `sqlite` and a `postgres` test; the PostgreSQL one skips (with a notice) when the server is
/// unreachable, unless `WILDWATCH_REQUIRE_POSTGRES=1`. Cases run on a current-thread runtime, or
/// a two-worker one after `multi_thread:`.
#[macro_export]
macro_rules! on_both_backends {
    (multi_thread: $($case:ident),+ $(,)?) => {
        $( $crate::on_both_backends!(@one true, $case); )+
    };
    ($($case:ident),+ $(,)?) => {
        $( $crate::on_both_backends!(@one false, $case); )+
    };
    (@one $multi:expr, $case:ident) => {
        mod $case {
            #[test]
            fn sqlite() {
                $crate::common::run($crate::common::Backend::Sqlite, $multi, super::$case)
            }
            #[test]
            fn postgres() {
                $crate::common::run($crate::common::Backend::Postgres, $multi, super::$case)
            }
        }
    };
}

/// Runs one case on a backend (see [`on_both_backends!`]).
pub fn run<F, Fut>(b: Backend, multi_thread: bool, case: F)
where
    F: FnOnce(Backend) -> Fut,
    Fut: Future<Output = ()>,
{
    if b == Backend::Postgres && !pg::available() {
        return;
    }
    let rt = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    rt.unwrap().block_on(case(b));
}

/// Where a test's store lives: an SQLite file in `dir`, or a new PostgreSQL schema (kept in the
/// returned [`pg::TestDb`] until dropped).
pub fn store_for(b: Backend, dir: &std::path::Path) -> (String, Option<pg::TestDb>) {
    match b {
        Backend::Sqlite => (dir.join("w.db").to_string_lossy().into_owned(), None),
        Backend::Postgres => {
            let db = pg::TestDb::new();
            (db.url(), Some(db))
        }
    }
}

/// Settings for the app on a test's store: the data directory is `dir`, as for an SQLite file
/// there.
pub fn config_for(db: &str, dir: &std::path::Path) -> ServeConfig {
    ServeConfig::with_store(db, dir.to_path_buf(), dir.join("evidence"))
}

/// Runs `f` on a connection of its own to the store `db` names, opened and closed outside the
/// test's runtime (see [`outside_runtime`]).
pub fn on_store<R: Send>(db: &str, f: impl FnOnce(&mut dyn AppStore) -> R + Send) -> R {
    // Always on a thread of its own, so that the store's driver never runs in the test's runtime.
    std::thread::scope(|sc| {
        let t = sc.spawn(|| {
            let mut s = wildwatch_store_pg::open_any(db).expect("open the test store");
            f(&mut *s)
        });
        match t.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

pub const XSS_TITLE: &str = "<script>alert('title')</script> Elfenbein Schnitzerei";
pub const XSS_SELLER: &str = "<img src=x onerror=alert('seller')>";
pub const XSS_DESC: &str = "\"><svg onload=alert('desc')> Antikes Elfenbein, 2 Stück, 300 €. </textarea><script>alert(1)</script>";

pub struct World {
    pub st: Shared,
    pub app: Router,
    pub dir: tempfile::TempDir,
    pub ad_ids: Vec<i64>,
    pub page_id: i64,
    pub backend: Backend,
    /// The PostgreSQL schema (last: dropped after the app's connections).
    pub pg: Option<pg::TestDb>,
}

impl World {
    /// Runs `f` on a connection of its own to the world's store (to seed or to check it).
    pub fn with_store<R: Send>(&self, f: impl FnOnce(&mut dyn AppStore) -> R + Send) -> R {
        on_store(&self.st.cfg.db, f)
    }
}

pub fn detection(risk: &str, relevant: bool, species: &str, lang: &str) -> DetectionRecord {
    let json = serde_json::json!({
        "id": "x", "relevant": relevant, "category": if relevant {"part"} else {"none"},
        "species": if relevant { serde_json::json!([{"scientific_name": species, "cites": "I", "eu_annex": "A", "matched_text": "Elfenbein"}]) } else { serde_json::json!([]) },
        "specimens": 2, "price_eur": 300.0, "documents": [], "intent": "offer", "lang": lang,
        "risk_score": if risk == "high" {90} else {10}, "risk": risk,
        "reasons": [{"code": "PART", "text": "'Elfenbein' → ivory", "span": [42, 52]}, {"code": "RISK_HIGH", "text": "Annex A, no papers", "span": [0, 5]}]
    });
    DetectionRecord {
        relevant,
        category: if relevant {
            wildwatch_store::Category::Part
        } else {
            wildwatch_store::Category::None
        },
        risk: risk.parse().unwrap(),
        risk_score: if risk == "high" { 90 } else { 10 },
        lang: lang.into(),
        price_eur: Some(300.0),
        species: if relevant {
            vec![species.into()]
        } else {
            vec![]
        },
        json,
    }
}

pub fn world_with(b: Backend, cfg_edit: impl FnOnce(&mut ServeConfig)) -> World {
    world_n(b, 30, cfg_edit)
}

/// One archived page with hostile HTML, in a real WARC file in `evidence`.
fn hostile_page(evidence: &std::path::Path) -> wildwatch_warc::Stored {
    std::fs::create_dir_all(evidence).unwrap();
    let mut w = wildwatch_warc::WarcWriter::open(evidence, "t", 10_000_000).unwrap();
    let html = b"<html><body><h1>Elfenbein</h1><script>parent.document.title='pwned'</script><form action=/logout method=post></form></body></html>";
    let resp = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        html.len()
    );
    let stored = w
        .write_exchange(&wildwatch_warc::Exchange {
            url: "http://shop.example/ad/1",
            ip: None,
            request_head: b"GET /ad/1 HTTP/1.1\r\nHost: shop.example\r\n\r\n",
            response_head: resp.as_bytes(),
            body: html,
            date: std::time::SystemTime::now(),
            metadata: serde_json::json!({}),
        })
        .unwrap();
    w.flush().unwrap();
    stored
}

/// Ad `i` of the seeded world (see [`world_n`]).
fn seeded_ad(i: usize) -> (AdContent, DetectionRecord) {
    let risk = if i.is_multiple_of(3) { "high" } else { "low" };
    let relevant = i % 5 != 4;
    let plat = ["kleinanzeigen", "leboncoin", "marktplaats"][i % 3];
    let ad = AdContent {
        platform: plat.into(),
        url: format!("http://shop.example/ad/{}", i + 1),
        title: if i == 0 {
            XSS_TITLE.into()
        } else {
            format!("Elfenbein Figur {i}")
        },
        description: XSS_DESC.into(),
        price_text: Some("300 €".into()),
        seller: Some(if i == 0 {
            XSS_SELLER.into()
        } else {
            format!("seller{}", i % 4)
        }),
        contacts: vec!["+49 171 1234567".into()],
        lang: Some("de".into()),
        country: Some(["DE", "FR", "NL"][i % 3].into()),
        ..Default::default()
    };
    (ad, detection(risk, relevant, "Loxodonta africana", "de"))
}

/// Seeds `n` ads pointing at the archived page, and one user per role; returns the ads' ids
/// and the page's.
fn seed(s: &mut dyn AppStore, n: usize, stored: &wildwatch_warc::Stored) -> (Vec<i64>, i64) {
    let cid = s.campaign("spring", &serde_json::json!({})).unwrap();
    let mut ad_ids = Vec::new();
    for i in 0..n {
        let (ad, det) = seeded_ad(i);
        let page = PageRecord {
            url: ad.url.clone(),
            final_url: ad.url.clone(),
            status: 200,
            kind: "ad".into(),
            body_sha256: Some(stored.payload_sha256.clone()),
            warc_file: Some(stored.file.clone()),
            warc_offset: Some(stored.offset),
            warc_length: Some(stored.length),
            fetched_at: wildwatch_store::now(),
            ..Default::default()
        };
        let r = s
            .commit_fetch(&FetchCommit {
                campaign: cid,
                url: ad.url.clone(),
                state: FetchState::Done,
                page: Some(page),
                ad: Some((ad, det)),
                discovered: vec![],
            })
            .unwrap();
        ad_ids.push(r.ad_id.unwrap());
    }
    let page_id = s.ad_detail(ad_ids[0]).unwrap().pages[0].id;
    let hash = auth::hash_password("correct horse battery").unwrap();
    for (name, role) in [
        ("admin", Role::Admin),
        ("ana", Role::Analyst),
        ("eve", Role::Enforcement),
        ("vic", Role::Viewer),
    ] {
        s.add_user(name, &hash, role).unwrap();
    }
    (ad_ids, page_id)
}

/// `n` ads on three platforms: every third is high risk, every fifth is not relevant; the first
/// carries the hostile title and seller; all of them point at the one archived (hostile) page.
pub fn world_n(b: Backend, n: usize, cfg_edit: impl FnOnce(&mut ServeConfig)) -> World {
    let dir = tempfile::tempdir().unwrap();
    let (db, pg) = store_for(b, dir.path());
    let evidence = dir.path().join("evidence");
    let stored = hostile_page(&evidence);
    let (ad_ids, page_id) = on_store(&db, |s| seed(s, n, &stored));
    let mut cfg = config_for(&db, dir.path());
    cfg.fetch_reports = false;
    cfg_edit(&mut cfg);
    assert_eq!(
        cfg.is_postgres(),
        b == Backend::Postgres,
        "{}",
        cfg.db_display()
    );
    let st = AppState::new(
        cfg,
        RefData::shipped().unwrap(),
        Arc::new(|| anyhow::bail!("no detector in router tests")),
    )
    .unwrap();
    World {
        app: app_router(st.clone()),
        st,
        dir,
        ad_ids,
        page_id,
        backend: b,
        pg,
    }
}

pub fn world(b: Backend) -> World {
    world_with(b, |_| {})
}
