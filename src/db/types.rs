//! The domain's stored words as SQLite TEXT: a role, an assignment role, a report's status and
//! a metric's kind read and bind as their enums, so no row carries them as a bare string.
//! domain/ stays free of sqlx; the impls live here, each through the value's `as_str`, so the
//! stored TEXT is byte-for-byte what it was.
//!
//! Instants need no impl here: a row field typed `DateTime<Utc>` decodes through sqlx-sqlite's
//! own impl, which parses RFC 3339 first, so it reads what `db::instant` writes (`…T01:02:03.004Z`).
//! Writing stays with `db::instant`: sqlx would encode `DateTime<Utc>` as `…+00:00` with
//! nanoseconds, and SQL compares instants as text (`next_attempt_at <= ?`).

use sqlx::database::Database;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Decode, Encode, Type};

use super::Db;
use crate::domain::metric::MetricKind;
use crate::domain::report::Status;
use crate::domain::role::{AssignmentRole, Role};

/// Implements Type, Encode and Decode for a domain value stored as its `as_str` text. A text
/// the value does not know (impossible under the schema's CHECKs) fails to decode.
macro_rules! stored_as_text {
    ($type:ty, $what:literal) => {
        impl Type<Db> for $type {
            fn type_info() -> <Db as Database>::TypeInfo {
                <&str as Type<Db>>::type_info()
            }

            fn compatible(ty: &<Db as Database>::TypeInfo) -> bool {
                <&str as Type<Db>>::compatible(ty)
            }
        }

        impl Encode<'_, Db> for $type {
            fn encode_by_ref(
                &self,
                buf: &mut <Db as Database>::ArgumentBuffer,
            ) -> Result<IsNull, BoxDynError> {
                <&str as Encode<Db>>::encode(self.as_str(), buf)
            }
        }

        impl<'r> Decode<'r, Db> for $type {
            fn decode(value: <Db as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&str as Decode<Db>>::decode(value)?;
                <$type>::from_stored(text)
                    .ok_or_else(|| format!("unknown {} {text:?}", $what).into())
            }
        }
    };
}

stored_as_text!(Role, "role");
stored_as_text!(AssignmentRole, "assignment role");
stored_as_text!(Status, "status");
stored_as_text!(MetricKind, "metric kind");

/// The one way each value reads back from its stored text.
trait FromStored: Sized {
    fn from_stored(text: &str) -> Option<Self>;
}

impl FromStored for Role {
    fn from_stored(text: &str) -> Option<Self> {
        Self::from_db(text)
    }
}

impl FromStored for AssignmentRole {
    fn from_stored(text: &str) -> Option<Self> {
        [Self::Lead, Self::Co]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

impl FromStored for Status {
    fn from_stored(text: &str) -> Option<Self> {
        Self::from_db(text)
    }
}

impl FromStored for MetricKind {
    fn from_stored(text: &str) -> Option<Self> {
        Self::from_db(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each value binds as the very text the schema's CHECK allows and reads back as itself.
    #[tokio::test]
    async fn every_value_binds_and_reads_back_as_its_stored_text() {
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        for role in [Role::Admin, Role::Leader, Role::Contact] {
            let (text, back): (String, Role) = sqlx::query_as("SELECT ?1, ?1")
                .bind(role)
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!((text.as_str(), back), (role.as_str(), role));
        }
        for role in [AssignmentRole::Lead, AssignmentRole::Co] {
            let (text, back): (String, AssignmentRole) = sqlx::query_as("SELECT ?1, ?1")
                .bind(role)
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!((text.as_str(), back), (role.as_str(), role));
        }
        for status in Status::ALL {
            let (text, back): (String, Status) = sqlx::query_as("SELECT ?1, ?1")
                .bind(status)
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!((text.as_str(), back), (status.as_str(), status));
        }
        for kind in [MetricKind::Number, MetricKind::Percent, MetricKind::YesNo] {
            let (text, back): (String, MetricKind) = sqlx::query_as("SELECT ?1, ?1")
                .bind(kind)
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!((text.as_str(), back), (kind.as_str(), kind));
        }
        let unknown: Result<(Status,), _> = sqlx::query_as("SELECT 'late'").fetch_one(&pool).await;
        assert!(unknown.is_err());
    }

    /// A row field typed `DateTime<Utc>` reads back the very instant `db::instant` wrote.
    #[tokio::test]
    async fn an_instant_written_by_db_instant_reads_back_as_itself() {
        use chrono::{DateTime, TimeZone, Utc};
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        let at =
            Utc.with_ymd_and_hms(2024, 1, 8, 1, 2, 3).unwrap() + chrono::Duration::milliseconds(4);
        let stored = super::super::instant(at);
        assert_eq!(stored, "2024-01-08T01:02:03.004Z");
        let back: DateTime<Utc> = sqlx::query_scalar("SELECT ?")
            .bind(&stored)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(back, at);
    }
}
