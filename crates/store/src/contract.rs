//! The store contract above the crawl: what the web app, review, sellers, reports, takedowns
//! and packages keep, as traits grouped by concern, implemented by every backend ([`SqliteStore`]
//! here, `PgStore` in `wildwatch-store-pg`). Code above the store names these traits, never a
//! backend type; the shared suite (`crate::suite`) runs every method on both backends.
//!
//! The crawl's side (campaigns, frontier, pages, ads and detections) is [`crate::Store`].
//!
//! [`SqliteStore`]: crate::SqliteStore

use crate::app::{
    AuditEntry, QueueCandidate, Review, ReviewedAd, Role, StoredReview, TokenRow, User,
};
use crate::Result;

/// Accounts: users, their sessions in the web app, and API tokens. Secrets are never stored, only
/// their hashes.
pub trait Accounts {
    /// Adds a user; the name must be new.
    fn add_user(&mut self, username: &str, password_hash: &str, role: Role) -> Result<i64>;

    /// Changes a user's role, password hash or disabled flag.
    fn update_user(
        &mut self,
        id: i64,
        role: Option<Role>,
        password_hash: Option<&str>,
        disabled: Option<bool>,
    ) -> Result<()>;

    /// A user and their password hash, by name.
    fn user_by_name(&self, username: &str) -> Result<Option<(User, String)>>;

    /// All users.
    fn users(&self) -> Result<Vec<User>>;

    /// Number of users.
    fn user_count(&self) -> Result<i64>;

    /// Stores a new session (the token itself is never stored, only its hash).
    fn create_session(
        &mut self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: i64,
    ) -> Result<()>;

    /// The user of a live session, with its CSRF token.
    fn session_user(&self, token_hash: &str) -> Result<Option<(User, String)>>;

    /// Ends a session.
    fn delete_session(&mut self, token_hash: &str) -> Result<()>;

    /// Stores an API token (its hash).
    fn create_api_token(&mut self, user_id: i64, name: &str, token_hash: &str) -> Result<i64>;

    /// The user of an API token.
    fn token_user(&self, token_hash: &str) -> Result<Option<User>>;

    /// A user's API tokens: (id, name, created, last used).
    fn api_tokens(&self, user_id: i64) -> Result<Vec<TokenRow>>;

    /// Revokes one of a user's API tokens.
    fn revoke_api_token(&mut self, user_id: i64, id: i64) -> Result<bool>;
}

/// Reviews: an analyst's verdict on an ad, the audit log of every change, and the ads the review
/// queue and the learned model read.
pub trait Reviews {
    /// The review of an ad.
    fn review(&self, ad_id: i64) -> Result<Option<StoredReview>>;

    /// Saves a review, in one transaction with its audit-log entry (each changed field, old and
    /// new) and the ad's review columns. `status` is `confirmed` when the labels equal the
    /// detection's, else `corrected`.
    fn save_review(
        &mut self,
        ad_id: i64,
        review: &Review,
        status: crate::ReviewStatus,
        username: &str,
    ) -> Result<StoredReview>;

    /// Adds an audit-log entry that is not a review (user changes, tokens, report moderation).
    fn audit(
        &mut self,
        username: &str,
        action: &str,
        ad_id: Option<i64>,
        detail: &serde_json::Value,
    ) -> Result<()>;

    /// Audit-log entries, newest first (of one ad, or all).
    fn audit_log(&self, ad_id: Option<i64>, limit: usize) -> Result<Vec<AuditEntry>>;

    /// Replaces the detections of ads nobody has reviewed; a reviewed ad keeps its detection,
    /// even when the review was saved after the caller chose the ads (the background retrain).
    fn replace_unreviewed_detections(&mut self, rows: &[crate::Redetection]) -> Result<usize>;

    /// Every reviewed ad with its newest content and detection.
    fn reviewed_ads(&self) -> Result<Vec<ReviewedAd>>;

    /// The `limit` newest unreviewed ads (highest id first) with their newest detection, for the
    /// review queue. Ads without a detection are left out.
    fn unreviewed_candidates(&self, limit: usize) -> Result<Vec<QueueCandidate>>;

    /// The latest version of up to `limit` unreviewed ads with `id > after_id`, in id order, with
    /// what their stored detection says (to detect them again, e.g. with a new model).
    fn unreviewed_versions(&self, after_id: i64, limit: usize)
        -> Result<Vec<crate::StoredVersion>>;
}

use crate::action::{AdRecord, NewNotice, NoticeOutcome, NoticeRow, SentOutcome, TakedownAd};
use crate::PageRecord;

/// Notices: takedown notices sent to platforms (and the ads each names, so that revisits measure
/// removal after notice), and the evidence an ad's package is made of. An ad is named in one
/// notice at most: recording a notice that names an ad already named is refused without writing,
/// even when two processes record at once.
pub trait Notices {
    /// The campaign's ads on `platform` marked for takedown, not gone, and not named in any
    /// notice yet (sent or not: a prepared notice is not prepared twice), oldest first.
    fn takedown_candidates(&self, campaign_id: i64, platform: &str) -> Result<Vec<TakedownAd>>;

    /// Notices of the campaign on the platform not yet recorded as sent: (id, ads named).
    fn unsent_notices(&self, campaign_id: i64, platform: &str) -> Result<Vec<(i64, i64)>>;

    /// Records a notice, the ads it names and its audit-log entries in one transaction.
    /// Refuses (without writing) when one of the ads is already named in a notice, which
    /// happens only when two people prepare the same notice at once.
    fn record_notice(&mut self, n: &NewNotice) -> Result<NoticeOutcome>;

    /// Records that a notice was sent, once; with its audit-log entry.
    fn mark_notice_sent(
        &mut self,
        id: i64,
        at: i64,
        by: &str,
        channel: &str,
    ) -> Result<SentOutcome>;

    /// Notices (of one campaign, or all), newest first, with how many of their ads are gone.
    fn notices(&self, campaign_id: Option<i64>) -> Result<Vec<NoticeRow>>;

    /// The ads a notice names.
    fn notice_ad_ids(&self, notice_id: i64) -> Result<Vec<i64>>;

    /// Ids of a campaign's ads (only those marked for takedown when `takedown_only`).
    fn campaign_ad_ids(&self, campaign_id: i64, takedown_only: bool) -> Result<Vec<i64>>;

    /// A stored page by id, with its evidence location.
    fn page_record(&self, id: i64) -> Result<Option<PageRecord>>;

    /// Everything stored about one ad, for an evidence package.
    fn ad_record(&self, id: i64) -> Result<AdRecord>;

    /// One network's stored summary.
    fn network_summary(&self, id: i64) -> Result<Option<serde_json::Value>>;
}

/// Policy audits: each website's audit of its rules on wildlife trade, and the small campaign
/// lookups the campaign page and the audit need (configuration, platforms, a notice's files).
pub trait PolicyAudits {
    /// A campaign's id and stored configuration (the campaign file as JSON), by name.
    fn campaign_config(&self, name: &str) -> Result<Option<(i64, serde_json::Value)>>;

    /// The platforms a campaign has ads on, by name.
    fn campaign_platforms(&self, campaign: i64) -> Result<Vec<String>>;

    /// The files a takedown notice was written to (`{"csv": PATH, "letter": PATH}`), as recorded
    /// in the audit log when it was prepared.
    fn notice_files(&self, notice: i64) -> Result<Option<serde_json::Value>>;

    /// Stores one website's audit.
    fn save_policy_audit(
        &mut self,
        campaign: i64,
        site: &str,
        platform: Option<&str>,
        verdict: &str,
        result: &serde_json::Value,
    ) -> Result<i64>;

    /// The latest audit of each website of a campaign, by platform then site.
    fn policy_audits(&self, campaign: i64) -> Result<Vec<crate::policy::PolicyAuditRow>>;
}

/// Campaign reports: the campaign, and each of its ads with the labels that count (an analyst's
/// review where there is one, else the detection); the figures are computed by
/// `wildwatch-report`.
pub trait CampaignReports {
    /// A campaign by name.
    fn campaign_info(&self, name: &str) -> Result<Option<crate::report::CampaignInfo>>;

    /// Every campaign name, sorted (for "did you mean" messages).
    fn campaign_names(&self) -> Result<Vec<String>>;

    /// Every ad of a campaign, oldest first, with its effective labels (see
    /// [`ReportAd`](crate::report::ReportAd)).
    fn report_ads(&self, campaign_id: i64) -> Result<Vec<crate::report::ReportAd>>;
}

/// Public reports and the dashboard's figures: URLs the public reports through the form (each
/// counted once per URL, fetched and scanned in turn), and the figures per campaign and platform
/// the dashboard shows.
pub trait PublicReports {
    /// Pages fetched in the last `days` days, counted per platform, fetched-as and page kind.
    fn platform_pages(&self, days: i64) -> Result<Vec<crate::app::PlatformPages>>;

    /// Figures per campaign.
    fn campaign_stats(&self) -> Result<Vec<crate::app::CampaignStats>>;

    /// Records a public report; a URL already reported is counted, not queued again.
    fn add_report(
        &mut self,
        url: &str,
        url_key: &str,
        comment: &str,
        submitter: &str,
    ) -> Result<(i64, crate::app::ReportOutcome)>;

    /// Takes the next report to fetch, marking it `fetching`: one left `fetching` by a crash
    /// first, then the oldest queued; `None` when nothing waits.
    fn take_report(&mut self) -> Result<Option<(i64, String)>>;

    /// Records how a report's fetch ended (`done` or `failed`, the ad stored from it, what went
    /// wrong); the ad is marked as coming from a report. An unknown report is
    /// [`StoreError::NotFound`](crate::StoreError::NotFound).
    fn finish_report(
        &mut self,
        id: i64,
        status: &str,
        ad_id: Option<i64>,
        error: Option<&str>,
    ) -> Result<()>;

    /// Reports, newest first.
    fn reports(&self, limit: usize) -> Result<Vec<crate::app::ReportRow>>;

    /// Figures for public reports.
    fn report_stats(&self) -> Result<crate::app::ReportStats>;
}

use crate::app::{AdDetail, AdPage, AdQuery, Facets};
use crate::links::{AdSignals, LinkRow, SellerView, SignalRow, StaleAd};

/// Ad queries: the ads list of the web app and the API (filtered, sorted and paged by an
/// [`AdQuery`]), its count and filter menus, one ad with everything known about it, the ads per
/// platform, and a stored page for the archive view.
pub trait AdQueries {
    /// A page of the ads list: the query's filters, sorted by its `sort` (risk score by default;
    /// ties by id), `per_page` rows from row `(page - 1) * per_page`, and whether more follow.
    fn ad_page(&self, q: &AdQuery) -> Result<AdPage>;

    /// How many ads match the query's filters (sorting and paging ignored).
    fn ad_count(&self, q: &AdQuery) -> Result<i64>;

    /// Ads stored per platform, by platform.
    fn platform_counts(&self) -> Result<Vec<(String, i64)>>;

    /// Distinct values for the filter menus (platforms, countries, languages, campaigns, species),
    /// each sorted, empty values left out.
    fn facets(&self) -> Result<Facets>;

    /// Everything about one ad: its summary, newest content and detection, versions, pages,
    /// seller, review and campaign. An unknown ad is
    /// [`StoreError::NotFound`](crate::StoreError::NotFound).
    fn ad_detail(&self, id: i64) -> Result<AdDetail>;

    /// A stored page by id (for the archive view).
    fn page(&self, id: i64) -> Result<Option<crate::PageRecord>>;
}

/// Links: what linking sellers reads and writes. Per-ad signals (identifiers with the words they
/// came from, the text's MinHash signature, photo hashes), and the links and networks found.
/// Seller keys are `s{seller id}` for seller accounts and `a{ad id}` for ads without a seller.
pub trait Links {
    /// Ads whose signals are missing or older than their newest version, by id, at most `limit`.
    fn stale_signal_ads(&self, limit: usize) -> Result<Vec<StaleAd>>;

    /// Stores the signals of many ads in one transaction, replacing older ones: (ad id, version,
    /// identifiers, text signature).
    fn save_signals(&mut self, rows: &[AdSignals]) -> Result<()>;

    /// Stores (or replaces) the perceptual hash of one photo of an ad.
    fn save_photo_hash(&mut self, ad_id: i64, url: &str, phash: u64) -> Result<()>;

    /// Everything the linker reads, one row per ad, by ad id (identifiers by kind and value,
    /// photo hashes by URL).
    fn link_signals(&self) -> Result<Vec<SignalRow>>;

    /// Replaces every stored link and network in one transaction. `networks` are (id, summary
    /// JSON, member keys).
    fn save_links(
        &mut self,
        links: &[LinkRow],
        networks: &[(i64, serde_json::Value, Vec<String>)],
    ) -> Result<()>;

    /// Networks by id, at most `limit`: (id, summary).
    fn networks(&self, limit: usize) -> Result<Vec<(i64, serde_json::Value)>>;

    /// Links touching any of these sellers (with both ends among them when `inside`), each once:
    /// for each seller in turn, the links it starts (by other end), then those it ends (by other
    /// end).
    fn links_of(&self, sellers: &[String], inside: bool) -> Result<Vec<LinkRow>>;

    /// Members of a network, sorted.
    fn network_members(&self, id: i64) -> Result<Vec<String>>;

    /// A seller by key (`s12` or `a40`), with ads, identifiers, links and network; `None` for an
    /// unknown seller or ad, or a key of neither form.
    fn seller_view(&self, key: &str) -> Result<Option<SellerView>>;

    /// Seller keys whose ads carry this identifier, with the ad, by ad id (for parcels and the
    /// seller page).
    fn identifier_owners(&self, kind: &str, value: &str) -> Result<Vec<(String, i64)>>;
}

/// Everything the web app and the CLI need of a store, as one object-safe trait: the crawl's
/// [`Store`](crate::Store) and every concern above it. Implemented for every type that implements
/// them all, so that callers can hold a `Box<dyn AppStore>` of either backend.
pub trait AppStore:
    crate::Store
    + Accounts
    + Reviews
    + Notices
    + PolicyAudits
    + CampaignReports
    + PublicReports
    + AdQueries
    + Links
    + Send
{
}

impl<T> AppStore for T where
    T: crate::Store
        + Accounts
        + Reviews
        + Notices
        + PolicyAudits
        + CampaignReports
        + PublicReports
        + AdQueries
        + Links
        + Send
{
}
