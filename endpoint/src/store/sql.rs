//! One way to run SQL on either database, for everything but the intake's hot path: staff
//! reads and changes, the staff tool, retention and tests.
//!
//! Statements are written once, in the SQL both databases accept, with `?1`-style parameters;
//! PostgreSQL's `$1` is put in before they reach it. The work runs on a blocking thread, as
//! rusqlite needs; PostgreSQL's async client is driven from there by the runtime's handle.

use std::error::Error as _;
use std::fmt;

use tokio::runtime::Handle;
use tokio_postgres::types::{to_sql_checked, IsNull, ToSql, Type};

/// A value going into or coming out of a statement: the types both databases share.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Blob(v.to_vec())
    }
}

impl From<&Vec<u8>> for Value {
    fn from(v: &Vec<u8>) -> Self {
        Value::Blob(v.clone())
    }
}

impl From<&[u8; 32]> for Value {
    fn from(v: &[u8; 32]) -> Self {
        Value::Blob(v.to_vec())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// The parameters of one statement, in order: `args![a, b]`.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => {
        &[$($crate::store::sql::Value::from($v)),*][..]
    };
}

/// One row of an answer.
#[derive(Debug)]
pub struct Row(Vec<Value>);

impl Row {
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T> {
        T::from_value(self.0.get(i).cloned().unwrap_or(Value::Null))
    }
}

pub trait FromValue: Sized {
    fn from_value(v: Value) -> Result<Self>;
}

impl FromValue for Value {
    fn from_value(v: Value) -> Result<Self> {
        Ok(v)
    }
}

impl FromValue for i64 {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Int(i) => Ok(i),
            _ => Err(Error::Type("a whole number")),
        }
    }
}

impl FromValue for String {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Text(s) => Ok(s),
            _ => Err(Error::Type("text")),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Blob(b) => Ok(b),
            _ => Err(Error::Type("bytes")),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: Value) -> Result<Self> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

#[derive(Debug)]
pub enum Error {
    Sqlite(rusqlite::Error),
    Postgres(tokio_postgres::Error),
    /// A column held another type than the code reads it as.
    Type(&'static str),
    /// Rows that break the code's own rules (an unknown role, a malformed hash).
    Invalid(&'static str),
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Sqlite(e)
    }
}

impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Self {
        Error::Postgres(e)
    }
}

impl Error {
    /// A constraint refused the change (a unique key already taken, a CHECK not met).
    pub fn is_constraint(&self) -> bool {
        match self {
            Error::Sqlite(e) => {
                e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
            }
            Error::Postgres(e) => e.code().is_some_and(|c| c.code().starts_with("23")),
            _ => false,
        }
    }
}

/// Says what failed without any value involved: SQLite's error code, PostgreSQL's SQLSTATE, or
/// that the connection is gone. Never the statement's parameters.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Sqlite(e) => match e.sqlite_error_code() {
                Some(code) => write!(f, "SQLite: {code:?}"),
                None => f.write_str("SQLite: not a database error"),
            },
            Error::Postgres(e) => f.write_str(&postgres_error(e)),
            Error::Type(expected) => write!(f, "a column did not hold {expected}"),
            Error::Invalid(what) => write!(f, "a stored row is not valid: {what}"),
        }
    }
}

/// PostgreSQL's SQLSTATE, or that the connection is closed or failed.
pub fn postgres_error(e: &tokio_postgres::Error) -> String {
    match e.code() {
        Some(code) => format!("PostgreSQL: SQLSTATE {}", code.code()),
        None if e.is_closed() => "PostgreSQL: the connection is closed".into(),
        None if e.source().is_some() => "PostgreSQL: connection failed".into(),
        None => "PostgreSQL: the client failed".into(),
    }
}

/// A connection to either database, for as long as one piece of work takes.
pub enum Db<'c> {
    Sqlite(&'c rusqlite::Connection),
    Postgres {
        client: &'c tokio_postgres::Client,
        runtime: Handle,
    },
}

impl Db<'_> {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres { .. })
    }

    /// Runs a statement and says how many rows it changed.
    pub fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(args.iter()))? as u64)
            }
            Db::Postgres { client, runtime } => {
                let sql = dollar_parameters(sql);
                let refs = pg_args(args);
                Ok(runtime.block_on(client.execute(sql.as_str(), &refs))?)
            }
        }
    }

    /// Runs a query and returns all its rows.
    pub fn query(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let columns = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(Row((0..columns)
                        .map(|i| row.get_ref(i).map(sqlite_value))
                        .collect::<rusqlite::Result<_>>()?));
                }
                Ok(out)
            }
            Db::Postgres { client, runtime } => {
                let sql = dollar_parameters(sql);
                let refs = pg_args(args);
                let rows = runtime.block_on(client.query(sql.as_str(), &refs))?;
                rows.iter().map(pg_row).collect()
            }
        }
    }

    /// The first row of a query's answer, if there is one.
    pub fn query_one(&mut self, sql: &str, args: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, args)?.into_iter().next())
    }

    /// Runs `work` in one transaction: committed if it returns `Ok`, rolled back otherwise.
    /// On SQLite the write lock is taken at the start (`IMMEDIATE`), so the checks a piece of
    /// work makes still hold when it writes; PostgreSQL's row locks do that for what it changes.
    /// `work` must pass on every database error: PostgreSQL ends a transaction that met one by
    /// rolling back even when told to COMMIT.
    pub fn transaction<R>(&mut self, work: impl FnOnce(&mut Db<'_>) -> Result<R>) -> Result<R> {
        let begin = if self.is_postgres() {
            "BEGIN"
        } else {
            "BEGIN IMMEDIATE"
        };
        self.batch(begin)?;
        match work(self) {
            Ok(r) => match self.batch("COMMIT") {
                Ok(()) => Ok(r),
                // SQLite can leave the transaction open after a failed COMMIT (a full disk),
                // holding the write lock that every new request needs.
                Err(e) => {
                    let _ = self.batch("ROLLBACK");
                    Err(e)
                }
            },
            Err(e) => {
                // A failed rollback means the connection is broken: SQLite has already rolled
                // back, and the pool drops a broken PostgreSQL connection.
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Runs statements without parameters or answers.
    pub fn batch(&mut self, sql: &str) -> Result<()> {
        match self {
            Db::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Db::Postgres { client, runtime } => Ok(runtime.block_on(client.batch_execute(sql))?),
        }
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

fn sqlite_value(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        // No column is REAL; a number that somehow is one reads as text rather than failing.
        ValueRef::Real(r) => Value::Text(r.to_string()),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

/// PostgreSQL is strict about types where SQLite is not: a value takes the type the statement
/// expects of it, so one `Int` serves a BIGINT column, an INTEGER one and a LIMIT alike.
impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut tokio_postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::BOOL => (*i != 0).to_sql(ty, out),
            Value::Int(i) => i.to_sql(ty, out),
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn pg_args(args: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

fn pg_row(row: &tokio_postgres::Row) -> Result<Row> {
    let values = row
        .columns()
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let ty = column.type_();
            Ok(if *ty == Type::INT8 {
                row.try_get::<_, Option<i64>>(i)?.map(Value::Int)
            } else if *ty == Type::INT4 {
                row.try_get::<_, Option<i32>>(i)?
                    .map(|v| Value::Int(v.into()))
            } else if *ty == Type::INT2 {
                row.try_get::<_, Option<i16>>(i)?
                    .map(|v| Value::Int(v.into()))
            } else if *ty == Type::BOOL {
                row.try_get::<_, Option<bool>>(i)?
                    .map(|v| Value::Int(v.into()))
            } else if *ty == Type::BYTEA {
                row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob)
            } else {
                row.try_get::<_, Option<String>>(i)?.map(Value::Text)
            }
            .unwrap_or(Value::Null))
        })
        .collect::<Result<_>>()?;
    Ok(Row(values))
}

/// `?1` becomes `$1`. Statements here hold no `?` in strings or names, which a test checks by
/// running every one of them on both databases.
pub fn dollar_parameters(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_for_postgres() {
        assert_eq!(
            dollar_parameters("SELECT a FROM t WHERE b = ?1 AND (?2 IS NULL OR c = ?2) LIMIT ?10"),
            "SELECT a FROM t WHERE b = $1 AND ($2 IS NULL OR c = $2) LIMIT $10"
        );
    }

    #[test]
    fn rows_read_back_on_sqlite_as_written() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut db = Db::Sqlite(&conn);
        db.batch("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n TEXT)")
            .unwrap();
        let changed = db
            .execute(
                "INSERT INTO t VALUES (?1, ?2, ?3, ?4)",
                crate::args![7_i64, "x", &[1u8, 2][..], None::<String>],
            )
            .unwrap();
        assert_eq!(changed, 1);
        let row = db
            .query_one("SELECT i, s, b, n FROM t", &[])
            .unwrap()
            .unwrap();
        assert_eq!(row.get::<i64>(0).unwrap(), 7);
        assert_eq!(row.get::<String>(1).unwrap(), "x");
        assert_eq!(row.get::<Vec<u8>>(2).unwrap(), vec![1, 2]);
        assert_eq!(row.get::<Option<String>>(3).unwrap(), None);
        assert!(row.get::<i64>(1).is_err());
        let failed: Result<()> = db.transaction(|db| {
            db.execute("DELETE FROM t", &[])?;
            Err(Error::Invalid("stop"))
        });
        assert!(failed.is_err());
        assert_eq!(
            db.query("SELECT i FROM t", &[]).unwrap().len(),
            1,
            "rolled back"
        );
    }
}
