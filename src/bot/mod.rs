//! Telegram only: the handler tree, commands and every string a person sees.

pub mod commands;
pub mod dialogue_storage;
pub mod groups;
pub mod handlers;
pub mod keyboards;
pub mod outgoing;
pub mod report;
pub mod secrets;
pub mod strangers;
pub mod texts;
pub mod turn;

use std::sync::Arc;

use sqlx::SqlitePool;
use teloxide::dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler};
use teloxide::types::{CallbackQuery, Message};

use dialogue_storage::TxStorage;
use report::ReportState;
use teloxide::dptree;
use teloxide::types::Update;

use crate::clock::SharedClock;
use crate::config::Settings;

/// What every handler may need, injected by the dispatcher.
#[derive(Clone)]
pub struct BotContext {
    pub pool: SqlitePool,
    pub settings: Arc<Settings>,
    pub clock: SharedClock,
}

/// The handler tree: group upgrades, messages (commands and the rest), edits of messages, and
/// button presses. Each branch below the update's kind is in [`handlers`].
pub fn handler_tree() -> UpdateHandler<anyhow::Error> {
    dptree::entry()
        .branch(
            Update::filter_message()
                .filter(|msg: Message| groups::upgrade_of(&msg).is_some())
                .endpoint(groups::on_upgrade),
        )
        .branch(
            Update::filter_message()
                .enter_dialogue::<Message, TxStorage, ReportState>()
                .chain(handlers::messages()),
        )
        .branch(Update::filter_edited_message().chain(handlers::edited_messages()))
        .branch(
            Update::filter_callback_query()
                .enter_dialogue::<CallbackQuery, TxStorage, ReportState>()
                .chain(handlers::presses()),
        )
}

#[cfg(test)]
mod tests {
    use teloxide::dptree::{self, Type};
    use teloxide::types::Me;

    use super::*;
    use crate::bot::turn::Turn;

    /// dptree finds a missing dependency only when a branch runs: check the whole tree against
    /// what the processor puts in (its `deps!`), so a new branch cannot ask for more.
    #[test]
    fn the_tree_needs_only_what_the_processor_provides() {
        dptree::type_check(
            handler_tree().sig(),
            &dptree::deps![],
            &[
                Type::of::<Update>(),
                Type::of::<BotContext>(),
                Type::of::<Turn>(),
                Type::of::<Arc<TxStorage>>(),
                Type::of::<Me>(),
            ],
        );
    }
}
