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
        status: &str,
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
