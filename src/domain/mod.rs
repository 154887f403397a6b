//! The pure core: no I/O and no clock reads. Callers pass in what it needs.

pub mod args;
pub mod calendar;
pub mod colour;
pub mod cycle;
pub mod dekad;
pub mod metric;
pub mod plain;
pub mod quick;
pub mod report;
pub mod role;
pub mod seed;
