//! The wildwatch store: campaigns, the crawl frontier, fetched pages (with where their evidence lies
//! in the WARC files), sellers, ads with every version seen, and the detection of each version.
//!
//! [`Store`] is the interface callers use; [`SqliteStore`] (embedded, bundled SQLite, no install) is
//! the default implementation, and a PostgreSQL one can follow behind the same trait. Every write
//! that belongs together (a page, the ad read from it, its detection, the frontier entry done) goes
//! through one transaction in [`Store::commit_fetch`], so a crash never leaves half an ad.

pub mod action;
pub mod app;
pub mod contract;
pub mod links;
pub mod policy;
pub mod report;
mod sqlite;
#[cfg(any(test, feature = "suite"))]
#[doc(hidden)]
pub mod suite;

use serde::{Deserialize, Serialize};

pub use contract::Notices;
pub use contract::PublicReports;
pub use contract::{Accounts, Reviews};
pub use contract::{AdQueries, AppStore, Links};
pub use contract::{CampaignReports, PolicyAudits};
pub use sqlite::SqliteStore;
/// The shared vocabulary the store keeps as TEXT (each backend converts at its SQL boundary).
pub use wildwatch_vocab::{Category, Intent, ItemKind, ReviewStatus, Risk, VocabError};

/// Store errors. Callers decide by variant (the web app: 404 for [`StoreError::NotFound`], 409
/// for [`StoreError::Conflict`], 422 for [`StoreError::Constraint`], 503 for
/// [`StoreError::ConnectionLost`]), never by the text of a message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite said no (other than a constraint: see [`StoreError::from_sqlite`]).
    #[error("database error: {0}")]
    Db(rusqlite::Error),
    /// A stored JSON value could not be read or written.
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Something the caller asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// What the caller wants to create already exists (a user name, a unique key).
    #[error("{0}")]
    Conflict(String),
    /// The database refused a value: a reference to a row that does not exist, a missing value, a
    /// value outside what a column allows.
    #[error("refused by the database: {0}")]
    Constraint(String),
    /// The database could not be reached, or could not be reached again after the connection
    /// was lost (PostgreSQL restarted, the network cut).
    #[error("{0}")]
    ConnectionLost(String),
    /// Another backend (PostgreSQL, in `wildwatch-store-pg`) said no.
    /// Shown with its causes (the driver's "db error" alone does not say what PostgreSQL said).
    #[error("database error: {}", with_causes(&**.0))]
    Backend(Box<dyn std::error::Error + Send + Sync>),
    /// The database was written by a newer wildwatch.
    #[error("the database is at schema version {found}, newer than this wildwatch ({known}); upgrade wildwatch")]
    TooNew {
        /// Version in the database.
        found: i64,
        /// Newest version this build knows.
        known: i64,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(e)
    }
}

impl StoreError {
    /// Sorts an SQLite error: a unique or primary-key violation is a [`StoreError::Conflict`],
    /// any other constraint (foreign key, NOT NULL, CHECK) a [`StoreError::Constraint`].
    pub fn from_sqlite(e: rusqlite::Error) -> StoreError {
        use rusqlite::ffi;
        let rusqlite::Error::SqliteFailure(f, msg) = &e else {
            return StoreError::Db(e);
        };
        if f.code != rusqlite::ErrorCode::ConstraintViolation {
            return StoreError::Db(e);
        }
        let text = msg.clone().unwrap_or_else(|| f.to_string());
        match f.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                StoreError::Conflict(text)
            }
            _ => StoreError::Constraint(text),
        }
    }
}

/// An error and its chain of causes, joined by ": " (a cause already in the text is not repeated).
fn with_causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cause = c.source();
    }
    out
}

/// Result alias.
pub type Result<T> = std::result::Result<T, StoreError>;

/// What a frontier URL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UrlKind {
    /// A search-results page (links to ads, maybe a next page).
    Search,
    /// An ad page.
    Ad,
    /// A photo of an ad (fetched for evidence and perceptual hashing).
    Photo,
}

impl UrlKind {
    fn as_str(self) -> &'static str {
        match self {
            UrlKind::Search => "search",
            UrlKind::Ad => "ad",
            UrlKind::Photo => "photo",
        }
    }
    fn parse(s: &str) -> UrlKind {
        match s {
            "search" => UrlKind::Search,
            "photo" => UrlKind::Photo,
            _ => UrlKind::Ad,
        }
    }
}

/// A URL waiting to be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontierItem {
    /// Absolute URL.
    pub url: String,
    /// Search page or ad page.
    pub kind: UrlKind,
    /// Platform (adapter) name.
    pub platform: String,
    /// Search keyword that led here, if any.
    pub keyword: Option<String>,
    /// Page number of a search page (1-based), 0 for ads.
    pub page: u32,
    /// Fetch attempts so far.
    pub attempts: u32,
}

/// How a fetch ended, for the frontier and the pages table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FetchState {
    /// Fetched and processed.
    Done,
    /// Gave up after errors.
    Failed,
    /// Disallowed by robots.txt (never fetched).
    Robots,
    /// An anti-bot challenge or login wall: recorded, never stored as an ad.
    Blocked,
    /// The ad is gone (404/410 or "no longer available").
    Gone,
}

impl FetchState {
    fn as_str(self) -> &'static str {
        match self {
            FetchState::Done => "done",
            FetchState::Failed => "failed",
            FetchState::Robots => "robots",
            FetchState::Blocked => "blocked",
            FetchState::Gone => "gone",
        }
    }
}

/// One fetched page, with where its evidence lies.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PageRecord {
    /// URL asked for.
    pub url: String,
    /// URL after redirects.
    pub final_url: String,
    /// HTTP status (0 when no answer).
    pub status: u16,
    /// `search`, `ad`, `robots` …
    pub kind: String,
    /// Content-Type header.
    pub content_type: Option<String>,
    /// Charset the body was decoded with.
    pub charset: Option<String>,
    /// SHA-256 (hex) of the body as received.
    pub body_sha256: Option<String>,
    /// WARC file (relative to the evidence directory) holding the response record.
    pub warc_file: Option<String>,
    /// Offset of the response record in that file.
    pub warc_offset: Option<u64>,
    /// Compressed length of that record.
    pub warc_length: Option<u64>,
    /// Unix seconds.
    pub fetched_at: i64,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

/// An ad as read from a page (one version).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AdContent {
    /// Platform name.
    pub platform: String,
    /// Canonical URL of the ad.
    pub url: String,
    /// The platform's own id, when the page or URL gives one.
    pub external_id: Option<String>,
    /// Title.
    pub title: String,
    /// Description text.
    pub description: String,
    /// Price as written.
    pub price_text: Option<String>,
    /// Seller display name.
    pub seller: Option<String>,
    /// The seller's id on the platform, when the page gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_id: Option<String>,
    /// The platform's category of the ad, when the page gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Phone numbers and e-mail addresses found in the ad.
    pub contacts: Vec<String>,
    /// Location.
    pub location: Option<String>,
    /// Date the ad says it was posted, as written.
    pub posted: Option<String>,
    /// Photo URLs.
    pub images: Vec<String>,
    /// Language (from the adapter or detection).
    pub lang: Option<String>,
    /// Country of the platform (ISO 3166 alpha-2), from its adapter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl AdContent {
    /// The fields that make a new version when they change (not the fetch time).
    pub fn fingerprint(&self) -> String {
        let mut h = String::new();
        for f in [
            &self.title,
            &self.description,
            self.price_text.as_deref().unwrap_or(""),
            self.seller.as_deref().unwrap_or(""),
            self.location.as_deref().unwrap_or(""),
        ] {
            h.push_str(f);
            h.push('\u{1f}');
        }
        h
    }
}

/// The detection summary kept with each ad version (the full detection JSON is kept too).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DetectionRecord {
    /// Relevant to CITES/EU listings.
    pub relevant: bool,
    /// live / part / lookalike / none.
    pub category: Category,
    /// high / medium / low / none.
    pub risk: Risk,
    /// 0–100.
    pub risk_score: u8,
    /// Language detected.
    pub lang: String,
    /// Price in euros.
    pub price_eur: Option<f64>,
    /// Scientific names.
    pub species: Vec<String>,
    /// The whole scan output line.
    pub json: serde_json::Value,
}

/// What storing an ad did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AdOutcome {
    /// First time seen.
    New,
    /// Seen before with different content: a new version.
    Changed,
    /// Seen before, same content.
    Unchanged,
}

/// Everything one fetch produced, committed together.
#[derive(Debug, Clone)]
pub struct FetchCommit {
    /// Campaign.
    pub campaign: i64,
    /// The frontier URL this answers.
    pub url: String,
    /// How it ended.
    pub state: FetchState,
    /// The page (absent when nothing was fetched, e.g. robots).
    pub page: Option<PageRecord>,
    /// The ad read from it, with its detection.
    pub ad: Option<(AdContent, DetectionRecord)>,
    /// New URLs found on the page.
    pub discovered: Vec<FrontierItem>,
}

/// A fetched photo, committed with its page record and the frontier entry it answers.
#[derive(Debug, Clone)]
pub struct PhotoCommit {
    /// Campaign.
    pub campaign: i64,
    /// The photo URL (as the ads name it).
    pub url: String,
    /// How the fetch ended (`Done` when the picture was read, `Failed` otherwise).
    pub state: FetchState,
    /// The page record (where the image lies in the WARC files).
    pub page: Option<PageRecord>,
    /// 64-bit perceptual hash, when the image could be decoded.
    pub phash: Option<u64>,
    /// Pixel size, when decoded.
    pub size: Option<(u32, u32)>,
    /// Why the picture could not be read.
    pub error: Option<String>,
}

/// Result of a commit.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct CommitResult {
    /// The ad's outcome, if an ad was stored.
    pub ad: Option<AdOutcome>,
    /// The stored ad's id, if an ad was stored.
    pub ad_id: Option<i64>,
    /// New frontier URLs (after deduplication).
    pub queued: usize,
}

/// Filters for [`Store::list_ads`].
#[derive(Debug, Clone, Default)]
pub struct AdFilter {
    /// Campaign name.
    pub campaign: Option<String>,
    /// Risk class.
    pub risk: Option<Risk>,
    /// Platform name.
    pub platform: Option<String>,
    /// Only relevant ads.
    pub relevant_only: bool,
    /// At most this many rows.
    pub limit: Option<usize>,
}

/// One row of the ads list (latest version).
#[derive(Debug, Clone, Serialize)]
pub struct AdRow {
    /// Store id.
    pub id: i64,
    /// Platform.
    pub platform: String,
    /// URL.
    pub url: String,
    /// Title (latest version).
    pub title: String,
    /// Price as written.
    pub price_text: Option<String>,
    /// Price in euros.
    pub price_eur: Option<f64>,
    /// Seller.
    pub seller: Option<String>,
    /// Risk class.
    pub risk: Risk,
    /// Risk score.
    pub risk_score: u8,
    /// Category.
    pub category: Category,
    /// Species (scientific names).
    pub species: Vec<String>,
    /// Number of versions seen.
    pub versions: i64,
    /// First seen (Unix seconds).
    pub first_seen: i64,
    /// Last seen (Unix seconds).
    pub last_seen: i64,
    /// When it was first seen gone (Unix seconds).
    pub gone_at: Option<i64>,
}

/// Counts for progress and reports.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct FrontierCounts {
    /// Waiting.
    pub pending: u64,
    /// Done.
    pub done: u64,
    /// Failed, blocked, robots or gone.
    pub other: u64,
}

/// The store interface. Implementations: [`SqliteStore`] here, `PgStore` in `wildwatch-store-pg`.
pub trait Store {
    /// Brings the query planner's statistics (and PostgreSQL's visibility map, which lets counts
    /// and deep pages read an index alone) up to date after many rows were written at once (an
    /// import, a copy), so the first queries after it use the indexes. Nothing to do by default:
    /// SQLite plans these queries well without statistics.
    fn refresh_statistics(&mut self) -> Result<()> {
        Ok(())
    }
    /// Creates or finds a campaign by name; `config` is the campaign file as JSON.
    fn campaign(&mut self, name: &str, config: &serde_json::Value) -> Result<i64>;
    /// Campaign id by name.
    fn campaign_id(&self, name: &str) -> Result<Option<i64>>;
    /// Adds URLs to the frontier unless already known to the campaign; returns how many were new.
    fn enqueue(&mut self, campaign: i64, items: &[FrontierItem]) -> Result<usize>;
    /// Up to `limit` pending URLs, oldest first (URLs handed out but never committed, after a
    /// crash, are pending again).
    fn pending(&self, campaign: i64, limit: usize) -> Result<Vec<FrontierItem>>;
    /// Records a failed attempt; the URL stays pending until `max_attempts`.
    fn attempt_failed(
        &mut self,
        campaign: i64,
        url: &str,
        error: &str,
        max_attempts: u32,
    ) -> Result<bool>;
    /// Commits everything one fetch produced in one transaction.
    fn commit_fetch(&mut self, c: &FetchCommit) -> Result<CommitResult>;
    /// Commits several fetches, in order, each as [`Store::commit_fetch`] would; a store may put
    /// them in one transaction (all or none), as the SQLite store does to save a commit per page.
    fn commit_fetches(&mut self, cs: &[FetchCommit]) -> Result<Vec<CommitResult>> {
        cs.iter().map(|c| self.commit_fetch(c)).collect()
    }
    /// Commits a fetched photo (page, hash, frontier state) in one transaction; every stored ad
    /// that shows the photo gets its hash. The default keeps the page and the frontier state only
    /// (for stores without photo tables).
    fn commit_photo(&mut self, c: &PhotoCommit) -> Result<()> {
        self.commit_fetch(&FetchCommit {
            campaign: c.campaign,
            url: c.url.clone(),
            state: c.state,
            page: c.page.clone(),
            ad: None,
            discovered: Vec::new(),
        })
        .map(|_| ())
    }
    /// Frontier counts.
    fn frontier_counts(&self, campaign: i64) -> Result<FrontierCounts>;
    /// Ads, latest version each.
    fn list_ads(&self, filter: &AdFilter) -> Result<Vec<AdRow>>;
    /// URLs of the campaign's known ads that are not gone (for revisits).
    fn live_ad_urls(&self, campaign: i64) -> Result<Vec<(String, String)>>;
    /// Marks an ad gone (first time only) at `at` (Unix seconds).
    fn mark_gone(&mut self, platform: &str, url: &str, at: i64) -> Result<bool>;
    /// Puts a URL back in the frontier as pending (revisits).
    fn requeue(&mut self, campaign: i64, item: &FrontierItem) -> Result<()>;
    /// The platform of stored ads whose URL starts with `prefix` (e.g. `http://host:port/`), if any.
    fn platform_for_prefix(&self, prefix: &str) -> Result<Option<String>>;
    /// The pages fetched for a URL (newest last).
    fn pages_for(&self, url: &str) -> Result<Vec<PageRecord>>;
    /// The smallest and largest ad id of a campaign (None without ads), to split work on its ads
    /// into ranges.
    fn ad_id_range(&self, campaign: i64) -> Result<Option<(i64, i64)>>;
    /// The latest version of each of the campaign's ads with `from_id <= id <= to_id`, in id
    /// order, with what its stored detection says (for detection re-runs).
    fn latest_versions(
        &self,
        campaign: i64,
        from_id: i64,
        to_id: i64,
    ) -> Result<Vec<StoredVersion>>;
    /// Replaces the stored detection of ad versions (a detection re-run with newer reference data
    /// or rules) and the ads' summary columns and species, all in one transaction. Analysts'
    /// reviews are kept: they override detections wherever they are read. Returns how many
    /// detections were replaced (versions no longer stored are skipped).
    fn replace_detections(&mut self, rows: &[Redetection]) -> Result<usize>;
    /// Photos the campaign's ads show that have no stored photo and are not pending in the
    /// campaign's frontier, as frontier items (to fetch and hash them).
    fn photos_to_fetch(&self, campaign: i64) -> Result<Vec<FrontierItem>>;
}

/// An ad's latest stored version, with the summary of its stored detection.
#[derive(Debug, Clone)]
pub struct StoredVersion {
    /// Ad id.
    pub ad_id: i64,
    /// Version number.
    pub version: i64,
    /// The ad as stored.
    pub ad: AdContent,
    /// The stored detection's risk level.
    pub risk: Risk,
    /// The stored detection's category.
    pub category: Category,
    /// The stored detection's species (scientific names).
    pub species: Vec<String>,
}

/// A new detection for a stored ad version.
#[derive(Debug, Clone)]
pub struct Redetection {
    /// Ad id.
    pub ad_id: i64,
    /// Version number.
    pub version: i64,
    /// The ad as stored (for its summary columns).
    pub ad: AdContent,
    /// The new detection.
    pub detection: DetectionRecord,
}

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
