//! Where the domain meets storage.

pub mod notify;
pub mod plan;
pub mod seeding;
pub mod status;
