//! Telegram only: the handler tree, commands and every string a person sees.

pub mod commands;
pub mod dialogue_storage;
pub mod handlers;
pub mod outgoing;
pub mod scope;
pub mod texts;

use std::sync::Arc;

use sqlx::SqlitePool;
use teloxide::dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler};
use teloxide::dptree;
use teloxide::types::Update;

use crate::clock::SharedClock;
use crate::config::Settings;

pub use commands::Command;

/// What every handler may need, injected by the dispatcher.
#[derive(Clone)]
pub struct BotContext {
    pub pool: SqlitePool,
    pub settings: Arc<Settings>,
    pub clock: SharedClock,
}

/// The handler tree: commands first, then anything else a person sends.
pub fn handler_tree() -> UpdateHandler<anyhow::Error> {
    Update::filter_message()
        .branch(
            dptree::entry()
                .filter_command::<Command>()
                .endpoint(handlers::on_command),
        )
        .branch(dptree::endpoint(handlers::on_other_message))
}
