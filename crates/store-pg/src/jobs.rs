//! Jobs other than fetching, shared by workers like the frontier: detection re-runs over ranges
//! of ads, queuing a campaign's unfetched photos, and campaign reports.
//!
//! A job is one row of `jobs`. Workers claim the oldest pending job of their campaign with
//! `FOR UPDATE SKIP LOCKED` and a lease (database clock), renew the lease while they work, and
//! finish it with its result (and, for a report, the rendered file) in one statement that only
//! counts while they still hold the lease. A worker killed mid-job stops renewing; once the lease
//! has run out another worker takes the job again (`attempts` counts the takes). A job that
//! failed `max_attempts` times stays `failed` with its error. Jobs are written so that running
//! one twice gives the same end state (a re-run replaces detections; queuing photos skips those
//! already queued; a report is rendered afresh).

use std::time::Duration;

use serde::Serialize;
use wildwatch_store::{now, Result, StoreError};

use crate::{pg, PgStore};

/// The kinds of job a worker knows.
pub const KINDS: &[&str] = &["rescan", "photos", "report"];

/// A job claimed by a worker.
#[derive(Debug, Clone)]
pub struct Job {
    /// Id.
    pub id: i64,
    /// Campaign.
    pub campaign_id: i64,
    /// `rescan`, `photos` or `report`.
    pub kind: String,
    /// The campaign's name.
    pub campaign: String,
    /// The kind's arguments.
    pub args: serde_json::Value,
    /// How many times it has been taken (this take included).
    pub attempts: i64,
}

/// A job as listed.
#[derive(Debug, Clone, Serialize)]
pub struct JobRow {
    /// Id.
    pub id: i64,
    /// Campaign name.
    pub campaign: String,
    /// Kind.
    pub kind: String,
    /// Arguments.
    pub args: serde_json::Value,
    /// `pending`, `done` or `failed`.
    pub state: String,
    /// Times taken.
    pub attempts: i64,
    /// The worker holding it, while one does.
    pub lease_owner: Option<String>,
    /// Added (Unix seconds).
    pub created_at: i64,
    /// Last taken (Unix seconds).
    pub started_at: Option<i64>,
    /// Finished (Unix seconds).
    pub finished_at: Option<i64>,
    /// What it did.
    pub result: Option<serde_json::Value>,
    /// Size of the stored output (a report file), in bytes.
    pub output_bytes: Option<i64>,
    /// The last error.
    pub error: Option<String>,
}

/// Counts of a campaign's jobs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct JobCounts {
    /// Pending and free to take (never taken, or their lease ran out).
    pub free: i64,
    /// Pending and held by a worker.
    pub leased: i64,
    /// Done.
    pub done: i64,
    /// Failed for good.
    pub failed: i64,
}

const NOW: &str = "extract(epoch from clock_timestamp())::float8";

fn bad(msg: String) -> StoreError {
    StoreError::Backend(msg.into())
}

impl PgStore {
    /// Adds jobs of one kind for a campaign, one per argument set; returns their ids.
    pub fn add_jobs(
        &self,
        campaign: i64,
        kind: &str,
        args: &[serde_json::Value],
    ) -> Result<Vec<i64>> {
        if !KINDS.contains(&kind) {
            return Err(bad(format!(
                "unknown job kind {kind:?}; known: {}",
                KINDS.join(", ")
            )));
        }
        self.with_client(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            let mut ids = Vec::with_capacity(args.len());
            for a in args {
                ids.push(
                    tx.query_one(
                        "INSERT INTO jobs(campaign_id, kind, args, created_at) \
                         VALUES ($1, $2, $3, $4) RETURNING id",
                        &[&campaign, &kind, &a.to_string(), &now()],
                    )
                    .map_err(pg)?
                    .get(0),
                );
            }
            tx.commit().map_err(pg)?;
            Ok(ids)
        })
    }

    /// Claims the oldest free pending job of the campaign for `owner` until the lease runs out.
    pub fn claim_job(&self, campaign: i64, owner: &str, lease: Duration) -> Result<Option<Job>> {
        let lease = lease.as_secs_f64();
        let row = self.with_client(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            let row = tx
                .query_opt(
                    &format!(
                        "SELECT id FROM jobs WHERE campaign_id = $1 AND state = 'pending' \
                         AND (lease_until IS NULL OR lease_until < {NOW}) \
                         ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
                    ),
                    &[&campaign],
                )
                .map_err(pg)?;
            let Some(row) = row else {
                return Ok(None);
            };
            let id: i64 = row.get(0);
            let job = tx
                .query_one(
                    &format!(
                        "UPDATE jobs SET lease_owner = $2, lease_until = {NOW} + $3, \
                         attempts = attempts + 1, started_at = $4 WHERE id = $1 \
                         RETURNING id, campaign_id, kind, args, attempts, \
                         (SELECT name FROM campaigns WHERE campaigns.id = jobs.campaign_id)"
                    ),
                    &[&id, &owner, &lease, &now()],
                )
                .map_err(pg)?;
            tx.commit().map_err(pg)?;
            Ok(Some(job))
        })?;
        row.map(|r| {
            Ok(Job {
                id: r.get(0),
                campaign_id: r.get(1),
                kind: r.get(2),
                args: serde_json::from_str(r.get(3))?,
                attempts: r.get(4),
                campaign: r.get(5),
            })
        })
        .transpose()
    }

    /// Renews `owner`'s lease on a job; false when the lease was lost (another worker took it).
    pub fn renew_job(&self, id: i64, owner: &str, lease: Duration) -> Result<bool> {
        let lease = lease.as_secs_f64();
        self.with_client(|c| {
            Ok(c.execute(
                &format!(
                    "UPDATE jobs SET lease_until = {NOW} + $3 \
                     WHERE id = $1 AND lease_owner = $2 AND state = 'pending'"
                ),
                &[&id, &owner, &lease],
            )
            .map_err(pg)?
                == 1)
        })
    }

    /// Marks a job done with its result (and output file); false, and nothing written, when
    /// `owner` no longer holds it.
    pub fn finish_job(
        &self,
        id: i64,
        owner: &str,
        result: &serde_json::Value,
        output: Option<&[u8]>,
    ) -> Result<bool> {
        self.with_client(|c| {
            Ok(c.execute(
                "UPDATE jobs SET state = 'done', result = $3, output = $4, error = NULL, \
                 finished_at = $5, lease_owner = NULL, lease_until = NULL \
                 WHERE id = $1 AND lease_owner = $2 AND state = 'pending'",
                &[&id, &owner, &result.to_string(), &output, &now()],
            )
            .map_err(pg)?
                == 1)
        })
    }

    /// Records a failed run: the job is free again, or `failed` for good once it has been taken
    /// `max_attempts` times. Returns true when it failed for good.
    pub fn fail_job(&self, id: i64, owner: &str, error: &str, max_attempts: i64) -> Result<bool> {
        self.with_client(|c| {
            let row = c
                .query_opt(
                    "UPDATE jobs SET error = $3, lease_owner = NULL, lease_until = NULL, \
                     state = CASE WHEN attempts >= $4 THEN 'failed' ELSE 'pending' END, \
                     finished_at = CASE WHEN attempts >= $4 THEN $5::BIGINT ELSE NULL END \
                     WHERE id = $1 AND lease_owner = $2 AND state = 'pending' RETURNING state",
                    &[&id, &owner, &error, &max_attempts, &now()],
                )
                .map_err(pg)?;
            Ok(row.is_some_and(|r| r.get::<_, &str>(0) == "failed"))
        })
    }

    /// The campaign's job counts.
    pub fn job_counts(&self, campaign: i64) -> Result<JobCounts> {
        self.with_client(|c| {
            let r = c
                .query_one(
                    &format!(
                        "SELECT \
                         COUNT(*) FILTER (WHERE state = 'pending' AND (lease_until IS NULL OR lease_until < {NOW})), \
                         COUNT(*) FILTER (WHERE state = 'pending' AND lease_until >= {NOW}), \
                         COUNT(*) FILTER (WHERE state = 'done'), \
                         COUNT(*) FILTER (WHERE state = 'failed') \
                         FROM jobs WHERE campaign_id = $1"
                    ),
                    &[&campaign],
                )
                .map_err(pg)?;
            Ok(JobCounts {
                free: r.get(0),
                leased: r.get(1),
                done: r.get(2),
                failed: r.get(3),
            })
        })
    }

    /// Jobs, newest first, of one campaign or all.
    pub fn jobs(&self, campaign: Option<i64>) -> Result<Vec<JobRow>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT j.id, c.name, j.kind, j.args, j.state, j.attempts, j.lease_owner, \
                 j.created_at, j.started_at, j.finished_at, j.result, \
                 octet_length(j.output)::BIGINT, j.error \
                 FROM jobs j JOIN campaigns c ON c.id = j.campaign_id \
                 WHERE $1::BIGINT IS NULL OR j.campaign_id = $1 ORDER BY j.id DESC",
                &[&campaign],
            )
            .map_err(pg)
        })?;
        rows.iter()
            .map(|r| {
                Ok(JobRow {
                    id: r.get(0),
                    campaign: r.get(1),
                    kind: r.get(2),
                    args: serde_json::from_str(r.get(3))?,
                    state: r.get(4),
                    attempts: r.get(5),
                    lease_owner: r.get(6),
                    created_at: r.get(7),
                    started_at: r.get(8),
                    finished_at: r.get(9),
                    result: r
                        .get::<_, Option<&str>>(10)
                        .map(serde_json::from_str)
                        .transpose()?,
                    output_bytes: r.get(11),
                    error: r.get(12),
                })
            })
            .collect()
    }

    /// The stored output of a finished job (a rendered report), if any.
    pub fn job_output(&self, id: i64) -> Result<Option<Vec<u8>>> {
        self.with_client(|c| {
            Ok(c.query_opt("SELECT output FROM jobs WHERE id = $1", &[&id])
                .map_err(pg)?
                .and_then(|r| r.get::<_, Option<Vec<u8>>>(0)))
        })
    }
}
