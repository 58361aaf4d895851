//! The leased work queue: workers take disjoint URLs, a dead worker's URLs come back when its
//! leases run out, a host is fetched at most once per interval across workers, and a commit for a
//! lost lease is dropped.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use wildwatch_store::suite::{commit, item};
use wildwatch_store::*;
use wildwatch_store_pg::queue::{LeasedStore, WorkerOptions};

fn worker(db: &common::TestDb, name: &str, lease_ms: u64, interval_ms: u64) -> LeasedStore {
    LeasedStore::new(
        db.store(),
        WorkerOptions {
            owner: name.into(),
            lease: Duration::from_millis(lease_ms),
            host_interval: Duration::from_millis(interval_ms),
            poll: Duration::from_millis(50),
        },
    )
}

fn urls(items: &[FrontierItem]) -> HashSet<String> {
    items.iter().map(|i| i.url.clone()).collect()
}

#[test]
fn workers_take_disjoint_urls_and_a_dead_workers_come_back() {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let mut a = worker(&db, "a", 800, 0);
    let b = worker(&db, "b", 60_000, 0);
    let c = a.campaign("t", &serde_json::json!({})).unwrap();
    let all: Vec<FrontierItem> = (0..6)
        .map(|i| item(&format!("http://h{}/{i}", i % 3), UrlKind::Ad))
        .collect();
    a.enqueue(c, &all).unwrap();
    // One URL per host per claim: three hosts, three URLs each.
    let got_a = a.pending(c, 10).unwrap();
    let got_b = b.pending(c, 10).unwrap();
    assert_eq!((got_a.len(), got_b.len()), (3, 3));
    assert!(urls(&got_a).is_disjoint(&urls(&got_b)));
    // Asking again returns what is still this worker's (renewed), no more: nothing is free.
    assert_eq!(urls(&a.pending(c, 10).unwrap()), urls(&got_a));
    // a commits one URL, then dies; its two other leases run out and b takes them.
    let done = got_a[0].url.clone();
    a.commit_fetch(&commit(c, &done, None)).unwrap();
    drop(a);
    std::thread::sleep(Duration::from_millis(900));
    let mut left: HashSet<String> = urls(&all);
    left.remove(&done);
    let mut seen = HashSet::new();
    let mut b = b;
    while seen.len() < left.len() {
        for it in b.pending(c, 10).unwrap() {
            if seen.insert(it.url.clone()) {
                b.commit_fetch(&commit(c, &it.url, None)).unwrap();
            }
        }
    }
    assert_eq!(seen, left);
    assert!(b.pending(c, 10).unwrap().is_empty());
    let n = b.frontier_counts(c).unwrap();
    assert_eq!((n.pending, n.done), (0, 6));
}

#[test]
fn a_host_is_fetched_once_per_interval_across_workers() {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let mut a = worker(&db, "a", 60_000, 700);
    let b = worker(&db, "b", 60_000, 700);
    let c = a.campaign("t", &serde_json::json!({})).unwrap();
    a.enqueue(
        c,
        &[
            item("http://one/1", UrlKind::Ad),
            item("http://one/2", UrlKind::Ad),
        ],
    )
    .unwrap();
    let started = Instant::now();
    assert_eq!(a.pending(c, 10).unwrap().len(), 1);
    // b waits for the host's next slot.
    let got = b.pending(c, 10).unwrap();
    assert_eq!(got.len(), 1);
    assert!(
        started.elapsed() >= Duration::from_millis(650),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_commit_after_the_lease_was_lost_is_dropped() {
    let Some(db) = common::TestDb::new() else {
        return;
    };
    let mut a = worker(&db, "a", 300, 0);
    let mut b = worker(&db, "b", 60_000, 0);
    let c = a.campaign("t", &serde_json::json!({})).unwrap();
    a.enqueue(c, &[item("http://h/x", UrlKind::Ad)]).unwrap();
    assert_eq!(a.pending(c, 1).unwrap().len(), 1);
    // a stalls past its lease; b takes the URL over and stores it.
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(b.pending(c, 1).unwrap().len(), 1);
    b.commit_fetch(&commit(c, "http://h/x", None)).unwrap();
    // a's late commit stores nothing.
    a.commit_fetch(&commit(c, "http://h/x", None)).unwrap();
    assert_eq!(a.dropped_commits(), 1);
    assert_eq!(b.dropped_commits(), 0);
    assert_eq!(a.pages_for("http://h/x").unwrap().len(), 1);
}
