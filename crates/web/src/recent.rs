//! Figures that may be a few seconds old, shared by the requests of one server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Figures that may be a few seconds old (counts, filter menus, the dashboard), by key. When one
/// gets old, one request recomputes it while the others keep the old value, so many requests
/// never compute the same figure at once; when one is missing, the first request computes it and
/// the others for the same key wait for that result instead of computing it too.
pub(crate) struct Recent<T> {
    map: Mutex<HashMap<String, RecentEntry<T>>>,
    /// One lock per key being computed from nothing (see [`Recent::first_computation`]).
    computing: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Bumped by [`Recent::forget`]: a value computed before it is not stored.
    generation: std::sync::atomic::AtomicU64,
}

struct RecentEntry<T> {
    at: Instant,
    value: T,
    /// A request is recomputing it.
    refreshing: bool,
}

/// What a [`Recent`] has for a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cached<T> {
    /// Computed recently (or being recomputed by another request): use it.
    Fresh(T),
    /// Old: use it, and this caller recomputes it (in the background).
    Stale(T),
    /// Never computed, or too long ago, or forgotten: compute it now.
    Missing,
}

/// How long a figure is used as it is.
const RECENT_FRESH: Duration = Duration::from_secs(10);
/// How long an old figure is still shown while one request recomputes it.
const RECENT_STALE: Duration = Duration::from_secs(300);

impl<T: Clone> Recent<T> {
    pub(crate) fn new() -> Recent<T> {
        Recent {
            map: Mutex::new(HashMap::new()),
            computing: Mutex::new(HashMap::new()),
            generation: std::sync::atomic::AtomicU64::new(0),
        }
    }

    pub(crate) fn get(&self, key: &str) -> Cached<T> {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        match m.get_mut(key) {
            Some(e) if e.at.elapsed() < RECENT_FRESH => Cached::Fresh(e.value.clone()),
            Some(e) if e.at.elapsed() < RECENT_STALE => {
                if e.refreshing {
                    Cached::Fresh(e.value.clone())
                } else {
                    e.refreshing = true;
                    Cached::Stale(e.value.clone())
                }
            }
            _ => Cached::Missing,
        }
    }

    /// The generation to hand back to [`Recent::put`] with a value computed from now on.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Stores a value computed in `generation`, unless the figures were forgotten meanwhile (the
    /// value may predate the change that made them forgotten).
    pub(crate) fn put(&self, key: String, value: T, generation: u64) {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if generation != self.generation() {
            m.remove(&key);
            return;
        }
        if m.len() > 1000 {
            m.clear();
        }
        m.insert(
            key,
            RecentEntry {
                at: Instant::now(),
                value,
                refreshing: false,
            },
        );
    }

    /// A recomputation failed: the next request tries again.
    pub(crate) fn failed(&self, key: &str) {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = m.get_mut(key) {
            e.refreshing = false;
        }
    }

    /// This server changed what the figures count: the next request computes them again.
    pub(crate) fn forget(&self) {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        m.clear();
    }

    /// The lock the requests computing `key` from nothing share: the first computes, the others
    /// wait and then find the value stored.
    pub(crate) fn first_computation(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut c = self.computing.lock().unwrap_or_else(|e| e.into_inner());
        if c.len() > 1000 {
            c.retain(|_, l| Arc::strong_count(l) > 1);
        }
        c.entry(key.to_string()).or_default().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_value_is_fresh_and_a_forgotten_one_missing() {
        let r = Recent::new();
        assert_eq!(r.get("k"), Cached::Missing);
        r.put("k".into(), 1, r.generation());
        assert_eq!(r.get("k"), Cached::Fresh(1));
        r.forget();
        assert_eq!(r.get("k"), Cached::Missing);
    }

    #[test]
    fn a_value_computed_before_a_forget_is_not_stored() {
        let r = Recent::new();
        let before = r.generation();
        r.forget();
        r.put("k".into(), 1, before);
        assert_eq!(r.get("k"), Cached::Missing);
        r.put("k".into(), 2, r.generation());
        assert_eq!(r.get("k"), Cached::Fresh(2));
    }

    #[test]
    fn requests_for_one_missing_key_share_one_lock_and_other_keys_do_not() {
        let r: Recent<i32> = Recent::new();
        let a = r.first_computation("k");
        let b = r.first_computation("k");
        let c = r.first_computation("other");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
    }

    #[tokio::test]
    async fn the_second_request_waits_for_the_first_computation() {
        let r = Arc::new(Recent::new());
        let lock = r.first_computation("k");
        let held = lock.lock().await;
        let r2 = r.clone();
        let waiter = tokio::spawn(async move {
            let l = r2.first_computation("k");
            let _g = l.lock().await;
            r2.get("k")
        });
        tokio::task::yield_now().await;
        r.put("k".into(), 7, r.generation());
        drop(held);
        assert_eq!(waiter.await.unwrap(), Cached::Fresh(7));
    }
}
