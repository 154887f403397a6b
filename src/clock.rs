//! One clock for the whole program. Every schedule decision reads it once at the edge and passes
//! `now` down; tests set a [`ManualClock`], rehearsals start an [`OffsetClock`] with `run --now`.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

pub type SharedClock = Arc<dyn Clock>;

/// The machine's own time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Starts at a chosen instant, then runs at normal speed (`minsheng run --now`).
#[derive(Debug, Clone, Copy)]
pub struct OffsetClock {
    offset: TimeDelta,
}

impl OffsetClock {
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            offset: start - Utc::now(),
        }
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

/// Stands still until a test moves it.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(now),
        }
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *self.now.lock().expect("clock lock") = now;
    }

    pub fn advance(&self, by: TimeDelta) {
        *self.now.lock().expect("clock lock") += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().expect("clock lock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_clock_starts_at_the_given_instant_and_then_runs() {
        let start = DateTime::parse_from_rfc3339("2024-01-31T09:00:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        let clock = OffsetClock::starting_at(start);
        let drift = clock.now() - start;
        assert!(drift >= TimeDelta::zero() && drift < TimeDelta::seconds(5));
    }

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let start = Utc::now();
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(TimeDelta::days(2));
        assert_eq!(clock.now(), start + TimeDelta::days(2));
    }
}
