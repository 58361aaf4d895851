//! The wildwatch store on PostgreSQL, for campaigns that outgrow one machine: many `wildwatch
//! worker` processes share one database, its crawl frontier and its per-host politeness.
//!
//! [`PgStore`] implements [`wildwatch_store::Store`] exactly as `SqliteStore` does (both pass the
//! same suite, `wildwatch_store::suite`); [`open`] picks the backend from a URL; [`copy`] moves
//! campaigns from SQLite without loss, checked by counts and hashes per table; [`queue`] hands out
//! frontier URLs to workers under leases.

#![deny(missing_docs)]

mod accounts;
mod ads;
pub mod copy;
pub mod jobs;
mod links;
mod notices;
mod policy;
mod public_reports;
pub mod queue;
mod report;
mod review;
pub mod schema;
mod store;

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use postgres::{Client, Config, NoTls};
use wildwatch_store::{AppStore, SqliteStore, Store, StoreError};
use wildwatch_vocab::VocabError;

/// Result alias (the store's error type, so callers see one error for both backends).
pub type Result<T> = std::result::Result<T, StoreError>;

/// Turns a driver error into the store's error: a unique violation is a
/// [`StoreError::Conflict`], another integrity violation (foreign key, NOT NULL, CHECK) a
/// [`StoreError::Constraint`]; the rest stays the driver's error (so that [`PgStore::with_client`]
/// can still tell a deadlock or a lost connection and try again).
pub(crate) fn pg(e: postgres::Error) -> StoreError {
    use postgres::error::SqlState;
    let Some(db) = e.as_db_error() else {
        return StoreError::Backend(Box::new(e));
    };
    let what = match db.detail() {
        Some(d) => format!("{} ({d})", db.message()),
        None => db.message().to_string(),
    };
    match db.code() {
        c if *c == SqlState::UNIQUE_VIOLATION => StoreError::Conflict(what),
        c if *c == SqlState::FOREIGN_KEY_VIOLATION
            || *c == SqlState::NOT_NULL_VIOLATION
            || *c == SqlState::CHECK_VIOLATION
            || *c == SqlState::EXCLUSION_VIOLATION =>
        {
            StoreError::Constraint(what)
        }
        _ => StoreError::Backend(Box::new(e)),
    }
}

/// A driver error with a sentence saying what was being done; the driver's error stays its
/// source, so that callers can still tell a lost connection from a refusal.
#[derive(Debug)]
struct Explained {
    what: String,
    cause: postgres::Error,
}

impl std::fmt::Display for Explained {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.what)
    }
}

impl std::error::Error for Explained {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

/// The store on PostgreSQL.
pub struct PgStore {
    /// One connection; `RefCell` because the trait reads through `&self` and the driver needs
    /// `&mut` for every statement.
    pub(crate) client: RefCell<Client>,
    /// Where it connects (kept to connect again when the connection is lost).
    config: Config,
    /// How long to keep trying to connect again after the connection was lost.
    reconnect_for: Cell<Duration>,
    /// Connections lost and made again.
    reconnects: Cell<u64>,
}

/// Where a store lives, parsed from `--db` / `WILDWATCH_DB`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    /// An SQLite file (`sqlite://PATH`, or a plain path).
    Sqlite(PathBuf),
    /// A PostgreSQL connection string (`postgres://…`, `postgresql://…`, or `host=… dbname=…`).
    Postgres(String),
}

impl DbUrl {
    /// Parses a store URL; anything that is not PostgreSQL is a path to an SQLite file.
    pub fn parse(s: &str) -> DbUrl {
        let t = s.trim();
        if t.starts_with("postgres://") || t.starts_with("postgresql://") || t.contains("dbname=") {
            DbUrl::Postgres(t.to_string())
        } else {
            let path = t
                .strip_prefix("sqlite://")
                .or_else(|| t.strip_prefix("sqlite:"))
                .unwrap_or(t);
            DbUrl::Sqlite(PathBuf::from(path))
        }
    }

    /// True for PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, DbUrl::Postgres(_))
    }

    /// The URL for messages, without a password.
    pub fn display(&self) -> String {
        match self {
            DbUrl::Sqlite(p) => format!("sqlite://{}", p.display()),
            DbUrl::Postgres(u) => redact(u),
        }
    }
}

/// A connection string with any password replaced by `***`.
pub fn redact(url: &str) -> String {
    if let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    {
        let scheme = &url[..url.len() - rest.len()];
        if let Some(at) = rest.find('@') {
            let user = &rest[..at];
            if let Some(colon) = user.find(':') {
                return format!("{scheme}{}:***{}", &user[..colon], &rest[at..]);
            }
        }
        return url.to_string();
    }
    url.split_whitespace()
        .map(|kv| {
            if kv.starts_with("password=") {
                "password=***"
            } else {
                kv
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Opens the store a URL names (creating an SQLite file, or migrating a PostgreSQL schema, as
/// needed).
pub fn open(url: &DbUrl) -> Result<Box<dyn Store>> {
    Ok(match url {
        DbUrl::Sqlite(p) => Box::new(SqliteStore::open(p)?),
        DbUrl::Postgres(u) => Box::new(PgStore::connect(u)?),
    })
}

/// Opens the store `db` names, as everything the web app and the CLI need of it
/// ([`AppStore`]): PostgreSQL for a connection string (`postgres://…`, `postgresql://…`, or
/// `host=… dbname=…`, as [`DbUrl::parse`] reads it), else the SQLite file at that path
/// (`sqlite://` prefix optional), created and migrated as needed.
pub fn open_any(db: &str) -> Result<Box<dyn AppStore>> {
    Ok(match DbUrl::parse(db) {
        DbUrl::Sqlite(p) => Box::new(SqliteStore::open(&p)?),
        DbUrl::Postgres(u) => Box::new(PgStore::connect(&u)?),
    })
}

impl PgStore {
    /// Connects and brings the schema up to date.
    ///
    /// The connection names itself `wildwatch` to PostgreSQL (`application_name`, unless the URL
    /// sets one), so that an operator sees which sessions are workers'.
    pub fn connect(url: &str) -> Result<PgStore> {
        let mut config: Config = url.parse().map_err(|e| {
            StoreError::Backend(
                format!("not a PostgreSQL connection string ({}): {e}", redact(url)).into(),
            )
        })?;
        if config.get_application_name().is_none() {
            config.application_name("wildwatch");
        }
        let client = config.connect(NoTls).map_err(|e| {
            StoreError::Backend(Box::new(Explained {
                what: format!("cannot connect to PostgreSQL at {}: {e}", redact(url)),
                cause: e,
            }))
        })?;
        let s = PgStore {
            client: RefCell::new(client),
            config,
            reconnect_for: Cell::new(Duration::from_secs(120)),
            reconnects: Cell::new(0),
        };
        s.migrate()?;
        Ok(s)
    }

    /// [`PgStore::connect`] for a long-running worker: while the server cannot be reached, or
    /// ends the new session (restarting), it is tried again with growing pauses for up to
    /// `wait`, which then also becomes [`PgStore::set_reconnect_for`]. A refusal that waiting
    /// cannot change (a malformed URL, a wrong password, a missing database) fails at once.
    pub fn connect_waiting(url: &str, wait: Duration) -> Result<PgStore> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(100);
        loop {
            match PgStore::connect(url) {
                Ok(s) => {
                    s.set_reconnect_for(wait);
                    return Ok(s);
                }
                Err(StoreError::Backend(e))
                    if is_transient_connect_error(&*e) && started.elapsed() + pause <= wait =>
                {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// How long a lost connection is tried again before the store gives up (default 120 s; zero
    /// gives up at once).
    pub fn set_reconnect_for(&self, d: Duration) {
        self.reconnect_for.set(d);
    }

    /// How many times the connection was lost and made again.
    pub fn reconnects(&self) -> u64 {
        self.reconnects.get()
    }

    /// The schema version (the number of the last migration applied; same numbering as SQLite).
    pub fn schema_version(&self) -> Result<i64> {
        self.with_client(|c| {
            let row = c
                .query_one(
                    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE kind = 'store'",
                    &[],
                )
                .map_err(pg)?;
            Ok(row.get(0))
        })
    }

    /// Applies what is missing, under an advisory lock so that workers starting together migrate
    /// once. One transaction, run again on a new connection if the session is ended meanwhile.
    fn migrate(&self) -> Result<()> {
        self.with_client(Self::migrate_on)
    }

    fn migrate_on(c: &mut Client) -> Result<()> {
        let mut tx = c.transaction().map_err(pg)?;
        // Any number; it only has to be the same in every wildwatch process.
        tx.execute("SELECT pg_advisory_xact_lock(7384920111)", &[])
            .map_err(pg)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                kind TEXT NOT NULL,
                version BIGINT NOT NULL,
                applied_at BIGINT NOT NULL,
                PRIMARY KEY (kind, version)
            )",
        )
        .map_err(pg)?;
        for (kind, list) in [
            ("store", schema::MIGRATIONS),
            ("queue", schema::QUEUE_MIGRATIONS),
        ] {
            let current: i64 = tx
                .query_one(
                    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE kind = $1",
                    &[&kind],
                )
                .map_err(pg)?
                .get(0);
            let known = list.len() as i64;
            if current > known {
                return Err(StoreError::TooNew {
                    found: current,
                    known,
                });
            }
            for (i, m) in list.iter().enumerate().skip(current as usize) {
                tx.batch_execute(m).map_err(pg)?;
                tx.execute(
                    "INSERT INTO schema_migrations(kind, version, applied_at) VALUES ($1, $2, $3)",
                    &[&kind, &(i as i64 + 1), &wildwatch_store::now()],
                )
                .map_err(pg)?;
            }
        }
        tx.commit().map_err(pg)?;
        Ok(())
    }

    /// Runs `f` on the connection (for the copy and the queue, which need their own statements).
    ///
    /// A transaction PostgreSQL ended as a deadlock victim (two workers writing the same seller's
    /// contacts or photos in another order) is run again, up to five times: `f` must be one whole
    /// transaction.
    ///
    /// A lost connection (PostgreSQL restarted, the session terminated, the network cut) is made
    /// again, with growing pauses for up to [`PgStore::set_reconnect_for`], and `f` is run again
    /// on the new one. `f` must therefore be one whole transaction that can be run twice: when
    /// the connection broke during `COMMIT`, the first run may have been committed (the queue's
    /// commits check their frontier row first, so a repeat is a no-op).
    ///
    /// The driver runs each statement on a runtime of its own; called from inside the crawler's
    /// tokio runtime, it must first step out of it (`block_in_place`), or tokio refuses to nest.
    pub(crate) fn with_client<T>(&self, mut f: impl FnMut(&mut Client) -> Result<T>) -> Result<T> {
        let mut client = self.client.borrow_mut();
        let mut run = |client: &mut Client| {
            let mut tries = 0;
            loop {
                match f(client) {
                    Err(StoreError::Backend(e)) if tries < 5 && is_deadlock(&*e) => tries += 1,
                    Err(StoreError::Backend(e)) if connection_lost(client, &*e) => {
                        *client = self.reconnect(&*e)?;
                    }
                    other => return other,
                }
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(|| run(&mut client))
            }
            _ => run(&mut client),
        }
    }

    /// A new connection after `cause` broke the last one; gives up after `reconnect_for`.
    fn reconnect(&self, cause: &(dyn std::error::Error + Send + Sync + 'static)) -> Result<Client> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(100);
        loop {
            match self.config.connect(NoTls) {
                Ok(c) => {
                    self.reconnects.set(self.reconnects.get() + 1);
                    return Ok(c);
                }
                Err(e) => {
                    if started.elapsed() + pause > self.reconnect_for.get() {
                        return Err(StoreError::ConnectionLost(format!(
                            "lost the PostgreSQL connection ({cause}) and could not connect again \
                             within {:.0}s: {e}",
                            self.reconnect_for.get().as_secs_f64()
                        )));
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
    }
}

/// True when the error means the connection is gone (not that the statement was wrong): the
/// client is closed, or PostgreSQL said it is shutting the session down (class 57P: terminated by
/// an administrator, crash, restart) or the connection failed (class 08).
fn connection_lost(client: &Client, e: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    if client.is_closed() {
        return true;
    }
    e.downcast_ref::<postgres::Error>()
        .is_some_and(session_lost)
}

/// The driver's error says the session is gone: closed, ended by PostgreSQL (class 57P:
/// terminated by an administrator, crash, restart), failed (class 08), or the socket failed.
fn session_lost(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        Some(c) => {
            let c = c.code();
            c.starts_with("57P") || c.starts_with("08")
        }
        // No SQL state: the error came from the socket, not from PostgreSQL.
        None => std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>()),
    }
}

/// For [`PgStore::connect_waiting`]: the error of a first connection that may go away by itself
/// (no server yet, or PostgreSQL starting, stopping or ending the session), as opposed to one it
/// will not (bad URL, refused login, no such database).
fn is_transient_connect_error(e: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(p) = c.downcast_ref::<postgres::Error>() {
            return session_lost(p);
        }
        if c.is::<std::io::Error>() {
            return true;
        }
        cause = c.source();
    }
    false
}

fn is_deadlock(e: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    e.downcast_ref::<postgres::Error>()
        .and_then(|e| e.code())
        .is_some_and(|c| {
            *c == postgres::error::SqlState::T_R_DEADLOCK_DETECTED
                || *c == postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
        })
}

/// A vocabulary value ([`Risk`](wildwatch_store::Risk), [`Category`](wildwatch_store::Category),
/// [`Intent`](wildwatch_store::Intent), [`ReviewStatus`](wildwatch_store::ReviewStatus)) read
/// from a TEXT column: the SQL boundary of the enums on PostgreSQL (they are written with their
/// `as_str`). A value outside the vocabulary is a conversion error naming it.
pub(crate) struct Vocab<T>(pub T);

impl<'a, T> postgres::types::FromSql<'a> for Vocab<T>
where
    T: std::str::FromStr<Err = VocabError>,
{
    fn from_sql(
        ty: &postgres::types::Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        let s = <&str as postgres::types::FromSql>::from_sql(ty, raw)?;
        Ok(Vocab(s.parse()?))
    }

    fn accepts(ty: &postgres::types::Type) -> bool {
        <&str as postgres::types::FromSql>::accepts(ty)
    }
}

/// Column `i` of a row as a vocabulary value (see [`Vocab`]); like `Row::get`, a value of
/// another type panics.
pub(crate) fn vocab<T>(r: &postgres::Row, i: usize) -> T
where
    T: std::str::FromStr<Err = VocabError>,
{
    r.get::<_, Vocab<T>>(i).0
}
