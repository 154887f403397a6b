//! Files for people to keep: the ledger workbook.

pub mod chart;
pub mod ledger;
