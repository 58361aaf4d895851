//! Rows as both databases hold them: values, the PostgreSQL column types they go into, table
//! shapes, and the SHA-256 over a table's rows that source and target are compared by.

use std::collections::HashSet;

use postgres::types::ToSql;
use sha2::{Digest, Sha256};

/// One stored value, as both databases can hold it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Val {
    fn rank(&self) -> u8 {
        match self {
            Val::Null => 0,
            Val::Int(_) => 1,
            Val::Real(_) => 2,
            Val::Text(_) => 3,
            Val::Blob(_) => 4,
        }
    }
    fn cmp(&self, o: &Val) -> std::cmp::Ordering {
        match (self, o) {
            (Val::Int(a), Val::Int(b)) => a.cmp(b),
            (Val::Real(a), Val::Real(b)) => a.total_cmp(b),
            (Val::Text(a), Val::Text(b)) => a.cmp(b),
            (Val::Blob(a), Val::Blob(b)) => a.cmp(b),
            _ => self.rank().cmp(&o.rank()),
        }
    }
    pub(super) fn id(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            _ => None,
        }
    }
    fn hash_into(&self, h: &mut Sha256) {
        h.update([self.rank()]);
        match self {
            Val::Null => {}
            Val::Int(i) => h.update(i.to_be_bytes()),
            Val::Real(f) => h.update(f.to_bits().to_be_bytes()),
            Val::Text(s) => {
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
            Val::Blob(b) => {
                h.update((b.len() as u64).to_be_bytes());
                h.update(b);
            }
        }
    }
}

/// PostgreSQL column types the schema uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum PgType {
    BigInt,
    Int,
    Bool,
    Double,
    Text,
    Bytes,
}

impl PgType {
    pub(super) fn parse(data_type: &str) -> Option<PgType> {
        Some(match data_type {
            "bigint" => PgType::BigInt,
            "integer" | "smallint" => PgType::Int,
            "boolean" => PgType::Bool,
            "double precision" | "real" => PgType::Double,
            "text" | "character varying" => PgType::Text,
            "bytea" => PgType::Bytes,
            _ => return None,
        })
    }

    /// The value as the column will hold it; `None` when it cannot be held without loss.
    pub(super) fn canonical(self, v: Val) -> Option<Val> {
        Some(match (self, v) {
            (_, Val::Null) => Val::Null,
            (PgType::BigInt, Val::Int(i)) => Val::Int(i),
            (PgType::Int, Val::Int(i)) if i32::try_from(i).is_ok() => Val::Int(i),
            (PgType::Bool, Val::Int(i)) if i == 0 || i == 1 => Val::Int(i),
            (PgType::Double, Val::Real(f)) => Val::Real(f),
            (PgType::Double, Val::Int(i)) if (i as f64) as i64 == i => Val::Real(i as f64),
            (PgType::Text, Val::Text(s)) => Val::Text(s),
            (PgType::Bytes, Val::Blob(b)) => Val::Blob(b),
            _ => return None,
        })
    }

    pub(super) fn param(self, v: &Val) -> Box<dyn ToSql + Sync> {
        match (self, v) {
            (PgType::BigInt, Val::Int(i)) => Box::new(*i),
            (PgType::BigInt, _) => Box::new(None::<i64>),
            (PgType::Int, Val::Int(i)) => Box::new(*i as i32),
            (PgType::Int, _) => Box::new(None::<i32>),
            (PgType::Bool, Val::Int(i)) => Box::new(*i != 0),
            (PgType::Bool, _) => Box::new(None::<bool>),
            (PgType::Double, Val::Real(f)) => Box::new(*f),
            (PgType::Double, _) => Box::new(None::<f64>),
            (PgType::Text, Val::Text(s)) => Box::new(s.clone()),
            (PgType::Text, _) => Box::new(None::<String>),
            (PgType::Bytes, Val::Blob(b)) => Box::new(b.clone()),
            (PgType::Bytes, _) => Box::new(None::<Vec<u8>>),
        }
    }

    pub(super) fn read(self, row: &postgres::Row, i: usize) -> Val {
        let opt = |o: Option<Val>| o.unwrap_or(Val::Null);
        match self {
            PgType::BigInt => opt(row.get::<_, Option<i64>>(i).map(Val::Int)),
            PgType::Int => opt(row.get::<_, Option<i32>>(i).map(|v| Val::Int(v as i64))),
            PgType::Bool => opt(row.get::<_, Option<bool>>(i).map(|b| Val::Int(b as i64))),
            PgType::Double => opt(row.get::<_, Option<f64>>(i).map(Val::Real)),
            PgType::Text => opt(row.get::<_, Option<String>>(i).map(Val::Text)),
            PgType::Bytes => opt(row.get::<_, Option<Vec<u8>>>(i).map(Val::Blob)),
        }
    }
}

/// A table's columns (the SQLite ones, all of which the target has) and their target types.
pub(super) struct Shape {
    pub(super) cols: Vec<String>,
    pub(super) types: Vec<PgType>,
}

impl Shape {
    pub(super) fn at(&self, col: &str) -> usize {
        self.cols
            .iter()
            .position(|c| c == col)
            .unwrap_or_else(|| panic!("column {col} is in the copy plan but not in the schema"))
    }
}

pub(super) type Row = Vec<Val>;

pub(super) fn ids_of(rows: &[Row], at: usize) -> HashSet<i64> {
    rows.iter().filter_map(|r| r[at].id()).collect()
}

pub(super) fn hash_rows(cols: &[String], rows: &mut [Row], key: &[usize]) -> String {
    rows.sort_by(|a, b| {
        key.iter()
            .map(|&k| a[k].cmp(&b[k]))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut h = Sha256::new();
    h.update(cols.join(",").as_bytes());
    for r in rows.iter() {
        for v in r {
            v.hash_into(&mut h);
        }
    }
    hex::encode(h.finalize())
}
