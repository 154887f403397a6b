//! Files for people to keep: the ledger workbook.

pub mod ledger;
