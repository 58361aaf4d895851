//! Copying campaigns from SQLite to PostgreSQL.
