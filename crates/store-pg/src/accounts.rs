//! [`Accounts`] on PostgreSQL: users, sessions and API tokens, as on SQLite (the same statements
//! with PostgreSQL's placeholders; a name taken is a [`StoreError::Conflict`] on both).

use postgres::Row;
use wildwatch_store::app::{Role, TokenRow, User};
use wildwatch_store::{Accounts, StoreError};

use crate::{pg, PgStore, Result};

/// The columns every user query selects, in [`user_from_row`]'s order.
const USER_COLUMNS: &str = "u.id, u.username, u.role, u.created_at, u.disabled";

fn user_from_row(r: &Row) -> User {
    let role: String = r.get(2);
    User {
        id: r.get(0),
        username: r.get(1),
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        created_at: r.get(3),
        disabled: r.get(4),
    }
}

impl Accounts for PgStore {
    fn add_user(&mut self, username: &str, password_hash: &str, role: Role) -> Result<i64> {
        let row = self.with_client(|c| {
            c.query_opt(
                "INSERT INTO users(username, password_hash, role, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (username) DO NOTHING RETURNING id",
                &[&username, &password_hash, &role.as_str(), &wildwatch_store::now()],
            )
            .map_err(pg)
        })?;
        match row {
            Some(r) => Ok(r.get(0)),
            None => Err(StoreError::Conflict(format!(
                "a user named `{username}` already exists"
            ))),
        }
    }

    fn update_user(
        &mut self,
        id: i64,
        role: Option<Role>,
        password_hash: Option<&str>,
        disabled: Option<bool>,
    ) -> Result<()> {
        let role = role.map(|r| r.as_str());
        self.with_client(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            let n = tx
                .execute(
                    "UPDATE users SET role = COALESCE($2, role), \
                     password_hash = COALESCE($3, password_hash), \
                     disabled = COALESCE($4, disabled) WHERE id = $1",
                    &[&id, &role, &password_hash, &disabled],
                )
                .map_err(pg)?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("no user with id {id}")));
            }
            if disabled == Some(true) || password_hash.is_some() {
                tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&id])
                    .map_err(pg)?;
            }
            tx.commit().map_err(pg)
        })
    }

    fn user_by_name(&self, username: &str) -> Result<Option<(User, String)>> {
        let sql =
            format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1");
        let row = self.with_client(|c| c.query_opt(&sql, &[&username]).map_err(pg))?;
        Ok(row.map(|r| (user_from_row(&r), r.get(5))))
    }

    fn users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.username");
        let rows = self.with_client(|c| c.query(&sql, &[]).map_err(pg))?;
        Ok(rows.iter().map(user_from_row).collect())
    }

    fn user_count(&self) -> Result<i64> {
        self.with_client(|c| {
            Ok(c.query_one("SELECT COUNT(*) FROM users", &[])
                .map_err(pg)?
                .get(0))
        })
    }

    fn create_session(
        &mut self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: i64,
    ) -> Result<()> {
        let now = wildwatch_store::now();
        self.with_client(|c| {
            let mut tx = c.transaction().map_err(pg)?;
            tx.execute("DELETE FROM sessions WHERE expires_at < $1", &[&now])
                .map_err(pg)?;
            tx.execute(
                "INSERT INTO sessions(token_hash, user_id, csrf, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[&token_hash, &user_id, &csrf, &now, &expires_at],
            )
            .map_err(pg)?;
            tx.commit().map_err(pg)
        })
    }

    fn session_user(&self, token_hash: &str) -> Result<Option<(User, String)>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled"
        );
        let now = wildwatch_store::now();
        let row = self.with_client(|c| c.query_opt(&sql, &[&token_hash, &now]).map_err(pg))?;
        Ok(row.map(|r| (user_from_row(&r), r.get(5))))
    }

    fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        self.with_client(|c| {
            c.execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash])
                .map_err(pg)
        })?;
        Ok(())
    }

    fn create_api_token(&mut self, user_id: i64, name: &str, token_hash: &str) -> Result<i64> {
        let now = wildwatch_store::now();
        self.with_client(|c| {
            Ok(c.query_one(
                "INSERT INTO api_tokens(token_hash, user_id, name, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &[&token_hash, &user_id, &name, &now],
            )
            .map_err(pg)?
            .get(0))
        })
    }

    fn token_user(&self, token_hash: &str) -> Result<Option<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND NOT u.disabled"
        );
        let row = self.with_client(|c| c.query_opt(&sql, &[&token_hash]).map_err(pg))?;
        Ok(row.as_ref().map(user_from_row))
    }

    fn api_tokens(&self, user_id: i64) -> Result<Vec<TokenRow>> {
        let rows = self.with_client(|c| {
            c.query(
                "SELECT id, name, created_at, last_used FROM api_tokens WHERE user_id = $1 ORDER BY id",
                &[&user_id],
            )
            .map_err(pg)
        })?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect())
    }

    fn revoke_api_token(&mut self, user_id: i64, id: i64) -> Result<bool> {
        let n = self.with_client(|c| {
            c.execute(
                "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2",
                &[&id, &user_id],
            )
            .map_err(pg)
        })?;
        Ok(n > 0)
    }
}
