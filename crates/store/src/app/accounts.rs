//! Users and their roles, login sessions and API tokens.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::{Result, SqliteStore, StoreError};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read only.
    Viewer,
    /// Reads everything, exports evidence.
    Enforcement,
    /// Reviews ads, marks takedowns.
    Analyst,
    /// Users, platforms, settings; everything else too.
    Admin,
}

impl Role {
    /// Name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Enforcement => "enforcement",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
    /// Parses a role name.
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "viewer" => Role::Viewer,
            "enforcement" => Role::Enforcement,
            "analyst" => Role::Analyst,
            "admin" => Role::Admin,
            _ => return None,
        })
    }
    /// May review ads and mark takedowns.
    pub fn can_review(self) -> bool {
        matches!(self, Role::Analyst | Role::Admin)
    }
    /// May see seller contacts, archived pages and the audit log, and export evidence.
    pub fn can_see_evidence(self) -> bool {
        self != Role::Viewer
    }
    /// May manage users.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

/// A user account.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Created (Unix seconds).
    pub created_at: i64,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
}

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(2)?;
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        created_at: r.get(3)?,
        disabled: r.get::<_, i64>(4)? != 0,
    })
}

/// An API token as listed: (id, name, created, last used).
pub type TokenRow = (i64, String, i64, Option<i64>);

impl crate::contract::Accounts for SqliteStore {
    // ---- users, sessions, tokens ------------------------------------------------------------

    /// Adds a user; the name must be new.
    fn add_user(&mut self, username: &str, password_hash: &str, role: Role) -> Result<i64> {
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO users(username, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![username, password_hash, role.as_str(), crate::now()],
        )?;
        if n == 0 {
            return Err(StoreError::Conflict(format!(
                "a user named `{username}` already exists"
            )));
        }
        Ok(self.conn.last_insert_rowid())
    }

    /// Changes a user's role, password hash or disabled flag.
    fn update_user(
        &mut self,
        id: i64,
        role: Option<Role>,
        password_hash: Option<&str>,
        disabled: Option<bool>,
    ) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE users SET role = COALESCE(?2, role), password_hash = COALESCE(?3, password_hash), \
             disabled = COALESCE(?4, disabled) WHERE id = ?1",
            params![id, role.map(|r| r.as_str()), password_hash, disabled],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("no user with id {id}")));
        }
        if disabled == Some(true) || password_hash.is_some() {
            self.conn
                .execute("DELETE FROM sessions WHERE user_id = ?1", params![id])?;
        }
        Ok(())
    }

    /// A user and their password hash, by name.
    fn user_by_name(&self, username: &str) -> Result<Option<(User, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, username, role, created_at, disabled, password_hash FROM users WHERE username = ?1",
                params![username],
                |r| Ok((user_from_row(r)?, r.get(5)?)),
            )
            .optional()?)
    }

    /// All users.
    fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, username, role, created_at, disabled FROM users ORDER BY username",
        )?;
        let rows = stmt.query_map([], user_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Number of users.
    fn user_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?)
    }

    /// Stores a new session (the token itself is never stored, only its hash).
    fn create_session(
        &mut self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: i64,
    ) -> Result<()> {
        let now = crate::now();
        self.conn
            .execute("DELETE FROM sessions WHERE expires_at < ?1", params![now])?;
        self.conn.execute(
            "INSERT INTO sessions(token_hash, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, user_id, csrf, now, expires_at],
        )?;
        Ok(())
    }

    /// The user of a live session, with its CSRF token.
    fn session_user(&self, token_hash: &str) -> Result<Option<(User, String)>> {
        // Every page view asks: the statement is kept prepared.
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.id, u.username, u.role, u.created_at, u.disabled, s.csrf FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.expires_at > ?2 \
             AND u.disabled = 0",
        )?;
        Ok(stmt
            .query_row(params![token_hash, crate::now()], |r| {
                Ok((user_from_row(r)?, r.get(5)?))
            })
            .optional()?)
    }

    /// Ends a session.
    fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            params![token_hash],
        )?;
        Ok(())
    }

    /// Stores an API token (its hash).
    fn create_api_token(&mut self, user_id: i64, name: &str, token_hash: &str) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO api_tokens(token_hash, user_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, user_id, name, crate::now()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The user of an API token.
    fn token_user(&self, token_hash: &str) -> Result<Option<User>> {
        // Every API call asks: the statement is kept prepared.
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.id, u.username, u.role, u.created_at, u.disabled FROM api_tokens t \
             JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1 AND u.disabled = 0",
        )?;
        Ok(stmt
            .query_row(params![token_hash], user_from_row)
            .optional()?)
    }

    /// A user's API tokens: (id, name, created, last used).
    fn api_tokens(&self, user_id: i64) -> Result<Vec<TokenRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, created_at, last_used FROM api_tokens WHERE user_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![user_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Revokes one of a user's API tokens.
    fn revoke_api_token(&mut self, user_id: i64, id: i64) -> Result<bool> {
        Ok(self.conn.execute(
            "DELETE FROM api_tokens WHERE id = ?1 AND user_id = ?2",
            params![id, user_id],
        )? > 0)
    }
}
