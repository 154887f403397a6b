//! The unit of work of one update: a write transaction that the handler's changes, its replies
//! (into the outbox) and the inbox row's "done" share. Either all of it commits, or none of it
//! and the update is tried again.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::SqliteConnection;
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

use crate::bot::outgoing::Outgoing;
use crate::db::Tx;

/// A Bot API call worth nothing after a crash (answering a button press, editing a message):
/// made straight after the commit instead of through the outbox.
#[derive(Debug, Clone)]
pub struct DirectCall {
    pub method: &'static str,
    pub body: Value,
}

#[derive(Clone)]
pub struct Turn {
    now: DateTime<Utc>,
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    tx: Option<Tx>,
    direct: Vec<DirectCall>,
    /// Strings that no stored message may keep once it is sent (invite tokens).
    secrets: Vec<String>,
}

impl Turn {
    pub fn new(tx: Tx, now: DateTime<Utc>) -> Self {
        Self {
            now,
            inner: Arc::new(Mutex::new(Inner {
                tx: Some(tx),
                direct: Vec::new(),
                secrets: Vec::new(),
            })),
        }
    }

    /// The instant the update is handled at, read once from the clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The transaction, for the `db` functions.
    pub async fn conn(&self) -> MappedMutexGuard<'_, SqliteConnection> {
        MutexGuard::map(self.inner.lock().await, |inner| {
            &mut **inner
                .tx
                .as_mut()
                .expect("the turn's transaction is open while handlers run")
        })
    }

    /// Queues a message in the same transaction as everything else the handler did. It carries
    /// as secrets those of [`Turn::keep_secret`] that it contains.
    pub async fn send(&self, mut message: Outgoing) -> sqlx::Result<Option<i64>> {
        let mut inner = self.inner.lock().await;
        let payload = message.body.to_string();
        for secret in &inner.secrets {
            if payload.contains(secret.as_str()) && !message.secrets.contains(secret) {
                message.secrets.push(secret.clone());
            }
        }
        let tx = inner
            .tx
            .as_mut()
            .expect("the turn's transaction is open while handlers run");
        message.enqueue(tx, self.now).await
    }

    /// Any message of this update that carries `secret` keeps it in the outbox only until it
    /// was sent: for a handler that returns the text and lets its caller reply.
    pub async fn keep_secret(&self, secret: &str) {
        self.inner.lock().await.secrets.push(secret.to_owned());
    }

    /// A text to a chat, in as many messages as Telegram's limit needs (cut by the outbox).
    pub async fn reply(&self, chat_id: i64, text: impl Into<String>) -> sqlx::Result<()> {
        self.send(Outgoing::text(chat_id, text)).await?;
        Ok(())
    }

    pub async fn call_after_commit(&self, method: &'static str, body: Value) {
        self.inner
            .lock()
            .await
            .direct
            .push(DirectCall { method, body });
    }

    /// Takes the transaction and the direct calls out; the handler is done with them.
    pub(crate) async fn finish(&self) -> (Option<Tx>, Vec<DirectCall>) {
        let mut inner = self.inner.lock().await;
        (inner.tx.take(), std::mem::take(&mut inner.direct))
    }
}
