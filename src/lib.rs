//! minsheng: a Telegram bot that keeps a district's yearly list of key livelihood projects
//! (重点民生实事) on schedule. See `README.md` for what it does for whom.
//!
//! # Layout
//!
//! Imports point one way, down: `app`/`cli` → `runtime` → `jobs`/`bot`/`web` → `services`/`export`
//! → `db` → `domain`. A service decides and returns data; the layer above words it.
//!
//! - [`domain`] is pure: the working calendar, the 212 week, the 旬, the colour rule, metrics
//!   and reports with their parsers. Values name themselves (`Status::label`, `Role::label`,
//!   `AssignmentRole::label`, `Colour::label`, `Figure::shown`). No I/O, no clock reads.
//! - [`db`] is SQL only: connecting (WAL, foreign keys, busy timeout), migrations, one small
//!   function per query, each taking an executor so callers compose them in one transaction.
//!   Roles, statuses and kinds are bound and read as their enums; instants go in and come out
//!   as `DateTime<Utc>`, stored as `db::instant` writes them (the SQL compares them as text);
//!   rows are named structs.
//! - [`services`] is where domain and storage meet, and decides: what of the weekly cycle is
//!   due ([`services::cycle::due`] → `Vec<Due>`), a digest as numbers, colours and reasons
//!   ([`services::digest::build`] → `Digest`), the ledger's data, who the admins are. It
//!   returns values, never wording, callback data or Bot API calls.
//! - [`export`] turns data into files people keep: the ledger workbook, the digest's chart.
//! - [`jobs`] speaks for the services on a schedule: it words what they found due with
//!   [`bot::texts`], adds the buttons, and queues it in the outbox in the same transaction,
//!   under the step key that makes each send happen once. A dry run is the services' data
//!   without this layer.
//! - [`bot`] is Telegram only: the handler tree (`bot/handlers/`, one file per role: public,
//!   admin, views, cycle), the report conversation (`bot/report/`: state, ask, receive,
//!   submit, around one `Conversation` value), commands, keyboards (all callback data), and every
//!   string a person sees ([`bot::texts`], one file per feature, the operator's `minsheng status`
//!   too). Button presses branch in the tree like commands: report, invite, or not ours.
//!   [`bot::turn::Turn`] is one
//!   update's transaction; [`bot::outgoing::Outgoing`] is a queued Bot API call.
//! - [`web`] is the read-only web view for leaders, opened from the chat with `/web`.
//! - [`runtime`] is the long-running plumbing: the update listener (inbox), the processor that
//!   feeds handlers (retrying the machine's failures, [`runtime::failure`], setting bugs aside),
//!   the paced sender (outbox, [`runtime::pacer`]), the heartbeat, one graceful shutdown. Each
//!   loop has a single step; [`runtime::steps::Steps`] runs them one step at a time for tests.
//! - [`app`] builds the running bot from [`config::Settings`] and a [`clock::Clock`], the same
//!   way in production and in tests.
//! - [`cli`] is the `minsheng` command line; `main.rs` only parses it and calls in here.
//!
//! ## One weekly prompt, from the heartbeat to the phone
//!
//! [`runtime::scheduler`] beats once a minute and calls [`jobs::cycle::run_due`] with the
//! injected clock's `now`. In one write transaction that asks [`services::cycle::due`], which
//! reads the plan, the working calendar and the week's dates ([`domain::cycle::WeekPlan`]),
//! skips what the outbox already holds, and returns one `Due { chat, key, week, step:
//! Step::Prompt { projects } }` per person, listing every project they owe. The job words it
//! (`bot::texts::cycle::prompt`), adds per project the 填写 and 与上周相同 buttons, and
//! [`bot::outgoing::Outgoing::enqueue`]s it under its step key (plan, week, no project for the
//! week's first, person, `prompt`), which the database holds unique; then commits. The
//! sender ([`runtime::sender`]) takes the row, paces it within Telegram's limits, posts
//! `sendMessage`, and stores the outcome.
//!
//! ## One answer, from `getUpdates` to the reply
//!
//! [`runtime::listener`] long-polls `getUpdates` and stores each update in the inbox;
//! [`runtime::processor`] takes them in order, one chat at a time, and runs the handler tree
//! ([`bot::handler_tree`]) in one [`bot::turn::Turn`] (a write transaction) per update: the
//! tree reads the person once, branches by role to the command's handler or, for a contact's
//! answer, to the report conversation ([`bot::report`]), which turns the text or button press
//! into one `Answer`, parses it in [`domain`], and lets [`services::reporting`] decide and
//! store. The reply is queued as an `Outgoing` in the same transaction, which also marks the
//! inbox row done; the sender posts it.

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
pub mod robots;
pub mod runtime;
pub mod services;
pub mod telemetry;
pub mod web;
