//! The pure core: no I/O and no clock reads. Callers pass in what it needs.

pub mod calendar;
pub mod metric;
pub mod seed;
