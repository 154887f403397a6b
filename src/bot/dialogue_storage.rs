//! teloxide's dialogue [`Storage`] on the update's own transaction: a step of a conversation is
//! saved together with what the step wrote and with the inbox row's "done", so a crash either
//! replays the step or finds it complete, never half of it.

use std::sync::Arc;

use futures::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

use crate::bot::turn::Turn;
use crate::db::dialogues;

#[derive(Clone)]
pub struct TxStorage {
    turn: Turn,
}

impl TxStorage {
    pub fn new(turn: Turn) -> Arc<Self> {
        Arc::new(Self { turn })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("dialogue storage: {0}")]
    Database(#[from] sqlx::Error),
    /// The stored state no longer reads as the current state type (the bot was upgraded).
    #[error("dialogue state unreadable: {0}")]
    Format(#[from] serde_json::Error),
    #[error("no dialogue for this chat")]
    Missing,
}

impl<D> Storage<D> for TxStorage
where
    D: Serialize + DeserializeOwned + Send + 'static,
{
    type Error = StorageError;

    fn remove_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<(), Self::Error>> {
        Box::pin(async move {
            if dialogues::remove(&mut *self.turn.conn().await, chat_id.0).await? {
                Ok(())
            } else {
                Err(StorageError::Missing)
            }
        })
    }

    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        dialogue: D,
    ) -> BoxFuture<'static, Result<(), Self::Error>> {
        Box::pin(async move {
            let state = serde_json::to_string(&dialogue)?;
            let now = self.turn.now();
            dialogues::set(&mut *self.turn.conn().await, chat_id.0, &state, now).await?;
            Ok(())
        })
    }

    fn get_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<Option<D>, Self::Error>> {
        Box::pin(async move {
            let Some(state) = dialogues::get(&mut *self.turn.conn().await, chat_id.0).await? else {
                return Ok(None);
            };
            match serde_json::from_str(&state) {
                Ok(dialogue) => Ok(Some(dialogue)),
                Err(error) => {
                    // Better to start the conversation over than to drop the person's messages.
                    tracing::warn!(chat = chat_id.0, %error, "a stored dialogue state no longer reads; starting over");
                    Ok(None)
                }
            }
        })
    }
}
