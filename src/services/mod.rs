//! Where the domain meets storage.

pub mod calendar;
pub mod cycle;
pub mod digest;
pub mod evidence;
pub mod expected;
pub mod groups;
pub mod ledger;
pub mod notify;
pub mod people;
pub mod plan;
pub mod reporting;
pub mod robots;
pub mod schedule;
pub mod seeding;
pub mod status;
pub mod upkeep;
pub mod views;
pub mod web_access;
pub mod web_view;
