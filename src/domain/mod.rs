//! The pure core: no I/O and no clock reads. Callers pass in what it needs.

pub mod args;
pub mod calendar;
pub mod cycle;
pub mod metric;
pub mod role;
pub mod seed;
