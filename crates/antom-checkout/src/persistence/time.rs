//! Times as the database keeps them.

use chrono::{DateTime, SubsecRound, Utc};

/// A time as stored: microsecond precision, like PostgreSQL's `timestamptz`.
pub(super) fn db_time(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

pub(super) fn db_time_opt(at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    at.map(db_time)
}
