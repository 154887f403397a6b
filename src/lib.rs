//! minsheng: a Telegram bot that keeps a district's yearly list of key livelihood projects
//! (重点民生实事) on schedule. See `README.md` for what it does for whom.
//!
//! # Layout
//!
//! - [`domain`] is pure: the working calendar, the seed plan and its validation. No I/O, no
//!   clock reads; everything it needs is passed in.
//! - [`db`] is SQL only: connecting (WAL, foreign keys, busy timeout), migrations, one small
//!   function per query, each taking an executor so callers compose them in one transaction.
//! - [`bot`] is Telegram only: the handler tree, commands, and every string a person sees
//!   ([`bot::texts`]).
//! - [`services`] is where domain and storage meet (loading a seed, listing a plan).
//! - [`runtime`] is the long-running plumbing: the update listener (inbox), the processor that
//!   feeds handlers, the paced sender (outbox), the heartbeat, one graceful shutdown.
//! - [`export`] writes files people keep: the ledger workbook.
//! - [`app`] builds the running bot from [`config::Settings`] and a [`clock::Clock`], the same
//!   way in production and in tests.
//! - [`cli`] is the `minsheng` command line; `main.rs` only parses it and calls in here.

pub mod app;
pub mod bot;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod export;
pub mod jobs;
pub mod runtime;
pub mod services;
pub mod telemetry;
