//! Where the domain meets storage.

pub mod plan;
pub mod seeding;
