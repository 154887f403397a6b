//! The layer that speaks for the services on a schedule: what a service finds due (a weekly
//! step, a digest, news for the admins) worded with [`crate::bot::texts`] and queued in the
//! outbox, in the same transaction as it was read, under the step key that makes it happen
//! once. A dry run is the services' data without this layer.

pub mod calendar;
pub mod cycle;
pub mod digest;
pub mod files;
pub mod notify;
pub mod robots;
