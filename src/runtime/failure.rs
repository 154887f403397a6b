//! What a handler's failure is: bad luck with the machine (the disk full for a moment, the
//! database busy, an I/O error), which passes if we wait, or a bug, which does not.

/// SQLite primary result codes of the machine, not of the statement: BUSY, LOCKED, NOMEM,
/// IOERR, FULL, CANTOPEN, PROTOCOL.
const MACHINE_CODES: [i64; 7] = [5, 6, 7, 10, 13, 14, 15];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Waiting helps: retried with backoff.
    Transient,
    /// Waiting does not help: a few attempts, then the update is set aside.
    Bug,
}

impl Failure {
    /// Walks the error's chain down to the database's result code or an I/O error.
    pub fn of(error: &anyhow::Error) -> Self {
        let transient = error
            .chain()
            .any(|cause| match cause.downcast_ref::<sqlx::Error>() {
                Some(error) => is_transient(error),
                None => cause.is::<std::io::Error>(),
            });
        if transient {
            Self::Transient
        } else {
            Self::Bug
        }
    }
}

fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(error) => error
            .code()
            .and_then(|code| code.parse::<i64>().ok())
            // Extended codes (SQLITE_IOERR_WRITE …) keep the primary code in their low byte.
            .is_some_and(|code| MACHINE_CODES.contains(&(code & 0xff))),
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::WorkerCrashed => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use anyhow::Context;

    use super::*;
    use crate::db::faults::{disk_full, refused_statement};

    #[tokio::test]
    async fn a_full_disk_deep_in_the_chain_is_transient() {
        let error = anyhow::Error::new(disk_full().await).context("saving a report");
        assert_eq!(Failure::of(&error), Failure::Transient, "{error:#}");
    }

    #[tokio::test]
    async fn a_statement_the_database_refuses_is_a_bug() {
        let error = refused_statement().await;
        assert_eq!(Failure::of(&anyhow::Error::new(error)), Failure::Bug);
    }

    #[test]
    fn io_errors_and_a_pool_timeout_are_transient_and_anything_else_is_a_bug() {
        let io = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert_eq!(
            Failure::of(&Err::<(), _>(io).context("writing").unwrap_err()),
            Failure::Transient
        );
        assert_eq!(
            Failure::of(&anyhow::Error::new(sqlx::Error::PoolTimedOut)),
            Failure::Transient
        );
        assert_eq!(
            Failure::of(&anyhow::Error::new(sqlx::Error::RowNotFound)),
            Failure::Bug
        );
        assert_eq!(Failure::of(&anyhow::anyhow!("a bug")), Failure::Bug);
    }
}
