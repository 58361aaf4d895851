//! The crawl frontier as a work queue shared by many workers.
//!
//! [`LeasedStore`] wraps a [`PgStore`] for one worker: `pending` no longer lists the frontier but
//! *claims* from it — rows are picked with `FOR UPDATE SKIP LOCKED` (two workers never wait on or
//! take the same row) and leased to this worker until `lease_until`. A worker renews its leases
//! each time it asks for work; one that dies (even by SIGKILL) stops renewing, its leases run out,
//! and another worker takes those URLs. Nothing is lost: a URL leaves the queue only in the
//! transaction that stores what its fetch produced.
//!
//! Politeness across workers: a URL is claimed only when its host's slot in `host_slots` is free,
//! and claiming moves the slot one interval on, so all workers together start at most one fetch
//! per host per interval (each worker's own rate limiter still applies on top).
//!
//! A commit for a URL whose lease was lost meanwhile (the worker stalled past its lease and
//! another took over) is dropped, so a page is stored once even then.

use std::cell::Cell;
use std::time::Duration;

use postgres::Transaction;
use wildwatch_store::*;

use crate::store::{commit_in, commit_photo_in, item_from_row};
use crate::{pg, PgStore};

/// How a worker takes work.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// This worker's name in the leases (unique among the workers).
    pub owner: String,
    /// How long a claim lasts without renewal.
    pub lease: Duration,
    /// Minimum time between two fetches of one host, across all workers.
    pub host_interval: Duration,
    /// Longest wait between two looks at the queue while other workers hold the rest.
    pub poll: Duration,
}

impl WorkerOptions {
    /// A name unique enough among workers: host name, process id, start time.
    pub fn default_owner() -> String {
        let host = std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_default();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        format!("{host}-{}-{nanos:x}", std::process::id())
    }
}

/// One worker's view of a shared PostgreSQL store.
pub struct LeasedStore {
    store: PgStore,
    opts: WorkerOptions,
    dropped: Cell<u64>,
}

/// The host (with port) of a URL: the unit of politeness.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority)
        .to_ascii_lowercase()
}

/// Database time, so that workers on several machines agree.
const NOW: &str = "extract(epoch from clock_timestamp())::float8";

impl LeasedStore {
    /// Wraps a store for one worker.
    pub fn new(store: PgStore, opts: WorkerOptions) -> LeasedStore {
        LeasedStore {
            store,
            opts,
            dropped: Cell::new(0),
        }
    }

    /// Commits dropped because this worker had lost the URL's lease.
    pub fn dropped_commits(&self) -> u64 {
        self.dropped.get()
    }

    /// The store underneath.
    pub fn inner(&self) -> &PgStore {
        &self.store
    }

    /// Renews this worker's leases and claims up to `want` more URLs whose hosts are free.
    fn claim(&self, campaign: i64, want: usize) -> Result<()> {
        let lease = self.opts.lease.as_secs_f64();
        let interval = self.opts.host_interval.as_secs_f64();
        let owner = &self.opts.owner;
        self.store.with_client(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            let mine: i64 = tx
                .query_one(
                    &format!(
                        "WITH renewed AS (UPDATE frontier SET lease_until = {NOW} + $3 \
                         WHERE campaign_id = $1 AND lease_owner = $2 AND state = 'pending' RETURNING 1) \
                         SELECT COUNT(*) FROM renewed"
                    ),
                    &[&campaign, owner, &lease],
                )
                .map_err(pg)?
                .get(0);
            let room = want.saturating_sub(mine as usize);
            if room > 0 {
                let candidates = tx
                    .query(
                        &format!(
                            "SELECT url FROM frontier WHERE campaign_id = $1 AND state = 'pending' \
                             AND (lease_until IS NULL OR lease_until < {NOW}) \
                             ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED"
                        ),
                        &[&campaign, &((room * 8 + 32) as i64)],
                    )
                    .map_err(pg)?;
                // The oldest URL of each host; hosts' slots are then taken in name order, so two
                // workers never wait on each other's slot rows in a cycle (no deadlock).
                let mut first: std::collections::BTreeMap<String, String> = Default::default();
                for row in candidates {
                    let url: String = row.get(0);
                    first.entry(host_of(&url)).or_insert(url);
                }
                let mut claimed = 0;
                for (host, url) in first {
                    if !take_slot(&mut tx, &host, interval)? {
                        continue;
                    }
                    tx.execute(
                        &format!(
                            "UPDATE frontier SET lease_owner = $3, lease_until = {NOW} + $4 \
                             WHERE campaign_id = $1 AND url = $2"
                        ),
                        &[&campaign, &url, owner, &lease],
                    )
                    .map_err(pg)?;
                    claimed += 1;
                    if claimed >= room {
                        break;
                    }
                }
            }
            tx.commit().map_err(pg)?;
            Ok(())
        })
    }

    /// True when the row exists and this worker may not commit it (done, or leased by another).
    fn lost(tx: &mut Transaction<'_>, campaign: i64, url: &str, owner: &str) -> Result<bool> {
        let row = tx
            .query_opt(
                "SELECT state, lease_owner FROM frontier WHERE campaign_id = $1 AND url = $2 FOR UPDATE",
                &[&campaign, &url],
            )
            .map_err(pg)?;
        Ok(row.is_some_and(|r| {
            let state: &str = r.get(0);
            let lease: Option<&str> = r.get(1);
            state != "pending" || lease.is_some_and(|l| l != owner)
        }))
    }
}

/// Takes the host's slot if it is free, moving it one interval on.
fn take_slot(tx: &mut Transaction<'_>, host: &str, interval: f64) -> Result<bool> {
    let row = tx
        .query_opt(
            &format!(
                "INSERT INTO host_slots(host, next_at) VALUES ($1, {NOW} + $2) \
                 ON CONFLICT (host) DO UPDATE SET next_at = {NOW} + $2 \
                 WHERE host_slots.next_at <= {NOW} RETURNING next_at"
            ),
            &[&host, &interval],
        )
        .map_err(pg)?;
    Ok(row.is_some())
}

impl Store for LeasedStore {
    fn campaign(&mut self, name: &str, config: &serde_json::Value) -> Result<i64> {
        self.store.campaign(name, config)
    }

    fn campaign_id(&self, name: &str) -> Result<Option<i64>> {
        self.store.campaign_id(name)
    }

    fn enqueue(&mut self, campaign: i64, items: &[FrontierItem]) -> Result<usize> {
        self.store.enqueue(campaign, items)
    }

    /// Claims work: this worker's leased URLs (renewed, plus new claims), oldest first. Waits
    /// while every pending URL is leased by other workers or on a busy host; empty only when the
    /// campaign has nothing pending at all.
    fn pending(&self, campaign: i64, limit: usize) -> Result<Vec<FrontierItem>> {
        loop {
            self.claim(campaign, limit)?;
            let (mine, left) = self.store.with_client(|c| {
                let mine = c
                    .query(
                        "SELECT url, kind, platform, keyword, page, attempts FROM frontier \
                         WHERE campaign_id = $1 AND lease_owner = $2 AND state = 'pending' \
                         ORDER BY seq LIMIT $3",
                        &[&campaign, &self.opts.owner, &(limit as i64)],
                    )
                    .map_err(pg)?
                    .iter()
                    .map(item_from_row)
                    .collect::<Vec<_>>();
                let left: bool = c
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM frontier WHERE campaign_id = $1 AND state = 'pending')",
                        &[&campaign],
                    )
                    .map_err(pg)?
                    .get(0);
                Ok((mine, left))
            })?;
            if !mine.is_empty() || !left {
                return Ok(mine);
            }
            std::thread::sleep(
                self.opts
                    .poll
                    .min(self.opts.host_interval.max(Duration::from_millis(20))),
            );
        }
    }

    fn attempt_failed(
        &mut self,
        campaign: i64,
        url: &str,
        error: &str,
        max_attempts: u32,
    ) -> Result<bool> {
        self.store
            .attempt_failed(campaign, url, error, max_attempts)
    }

    fn commit_fetch(&mut self, c: &FetchCommit) -> Result<CommitResult> {
        let owner = self.opts.owner.clone();
        let dropped = &self.dropped;
        self.store.with_client(|client| {
            let mut tx = client.transaction().map_err(pg)?;
            if Self::lost(&mut tx, c.campaign, &c.url, &owner)? {
                dropped.set(dropped.get() + 1);
                return Ok(CommitResult::default());
            }
            let r = commit_in(&mut tx, c)?;
            tx.commit().map_err(pg)?;
            Ok(r)
        })
    }

    fn commit_photo(&mut self, c: &PhotoCommit) -> Result<()> {
        let owner = self.opts.owner.clone();
        let dropped = &self.dropped;
        self.store.with_client(|client| {
            let mut tx = client.transaction().map_err(pg)?;
            if Self::lost(&mut tx, c.campaign, &c.url, &owner)? {
                dropped.set(dropped.get() + 1);
                return Ok(());
            }
            commit_photo_in(&mut tx, c)?;
            tx.commit().map_err(pg)
        })
    }

    fn frontier_counts(&self, campaign: i64) -> Result<FrontierCounts> {
        self.store.frontier_counts(campaign)
    }

    fn list_ads(&self, filter: &AdFilter) -> Result<Vec<AdRow>> {
        self.store.list_ads(filter)
    }

    fn live_ad_urls(&self, campaign: i64) -> Result<Vec<(String, String)>> {
        self.store.live_ad_urls(campaign)
    }

    fn mark_gone(&mut self, platform: &str, url: &str, at: i64) -> Result<bool> {
        self.store.mark_gone(platform, url, at)
    }

    fn requeue(&mut self, campaign: i64, item: &FrontierItem) -> Result<()> {
        self.store.requeue(campaign, item)
    }

    fn platform_for_prefix(&self, prefix: &str) -> Result<Option<String>> {
        self.store.platform_for_prefix(prefix)
    }

    fn pages_for(&self, url: &str) -> Result<Vec<PageRecord>> {
        self.store.pages_for(url)
    }

    fn ad_id_range(&self, campaign: i64) -> Result<Option<(i64, i64)>> {
        self.store.ad_id_range(campaign)
    }

    fn latest_versions(
        &self,
        campaign: i64,
        from_id: i64,
        to_id: i64,
    ) -> Result<Vec<StoredVersion>> {
        self.store.latest_versions(campaign, from_id, to_id)
    }

    fn replace_detections(&mut self, rows: &[Redetection]) -> Result<usize> {
        self.store.replace_detections(rows)
    }

    fn photos_to_fetch(&self, campaign: i64) -> Result<Vec<FrontierItem>> {
        self.store.photos_to_fetch(campaign)
    }
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn hosts_keep_their_port_and_drop_credentials() {
        assert_eq!(host_of("http://127.0.0.1:8701/s?q=x"), "127.0.0.1:8701");
        assert_eq!(host_of("https://u:p@Example.org/a"), "example.org");
        assert_eq!(host_of("http://h?x=1"), "h");
    }
}
