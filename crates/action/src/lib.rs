//! Acting on what wildwatch found: takedown notices that a platform's trust-and-safety team can
//! work through (CSV and letter in the platform's language, from editable templates, recorded
//! with their hashes), and signed evidence packages for enforcement (the WARC records of every
//! page of each ad, its versions as text, detections, timeline and seller links, a manifest of
//! SHA-256 hashes and an Ed25519 signature over it) with the check that finds any change.
//!
//! The CLI (`wildwatch takedown …`, `wildwatch evidence package|check`) and the web app call the
//! same functions: [`takedown::prepare`] / [`takedown::issue`], [`takedown::record_sent`],
//! [`takedown::list`], [`package::build`], [`check::check`].

#![warn(missing_docs)]

use std::path::PathBuf;

pub mod check;
pub mod keys;
pub mod package;
pub mod takedown;
pub mod templates;
mod timeline;
mod wacz;
mod warc_copy;

/// Errors of this crate; each names the file, notice or ad concerned.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// The store said no.
    #[error(transparent)]
    Store(#[from] wildwatch_store::StoreError),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A template or the legal-basis file is wrong.
    #[error("template {name}: {message}")]
    Template {
        /// Which template (and where it was loaded from).
        name: String,
        /// What is wrong, with the line when known.
        message: String,
    },
    /// Something the user asked for cannot be done (unknown notice, campaign, bad key …).
    #[error("{0}")]
    Invalid(String),
    /// Another session named an ad of this notice in its own notice first.
    #[error("ad {ad} was named in notice {notice} meanwhile; run the command again")]
    AlreadyNamed {
        /// The ad.
        ad: i64,
        /// The other notice.
        notice: i64,
    },
    /// Writing or reading the zip failed.
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// JSON could not be written or read.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Result alias.
pub type Result<T> = std::result::Result<T, ActionError>;

pub use wacz::package_as_wacz;

pub(crate) fn io_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> ActionError {
    let path = path.into();
    move |source| ActionError::Io { path, source }
}

/// Lower-case hex SHA-256 of bytes, as `sha256sum` prints it.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(data))
}

pub(crate) fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    b.iter()
        .fold(String::with_capacity(b.len() * 2), |mut s, x| {
            let _ = write!(s, "{x:02x}");
            s
        })
}

pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// Unix seconds as RFC 3339 in UTC (`2026-11-23T10:04:05Z`).
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

/// Parses an RFC 3339 time (any offset) into Unix seconds.
pub fn parse_rfc3339(s: &str) -> Result<i64> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .map_err(|e| {
            ActionError::Invalid(format!(
                "`{s}` is not an RFC 3339 time such as 2026-11-23T10:00:00Z ({e})"
            ))
        })
}

/// A name made safe for a file name: ASCII letters, digits, `-` and `_` only, at most 40 chars.
pub(crate) fn safe_name(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    if out.is_empty() {
        "_".into()
    } else {
        out
    }
}

/// The wildwatch version written into packages.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
