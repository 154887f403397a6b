//! One integration-test binary: the bot driven the way people use it, through a fake Bot API,
//! on a real SQLite database per test.

mod answers;
mod briefing;
mod calendar_cli;
mod catchup;
mod cli;
mod conversation;
mod cycle;
mod delivery;
mod deploy;
mod digest;
mod evidence;
mod expected;
mod fake_api;
mod fake_robots;
mod handlers;
mod health;
mod helpers;
mod ledger;
mod people;
mod privacy;
mod process;
mod prompt;
mod proxy;
mod report;
mod robots;
mod robots_content;
mod robots_transport;
mod runtime;
mod screens;
mod seed;
mod start;
mod upkeep;
mod web_pages;
mod words;
