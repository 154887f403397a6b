//! A fake Telegram Bot API on 127.0.0.1: it queues updates for `getUpdates`, answers every
//! other method with a plausible result, and records each request so tests can read what the
//! bot sent. Shared by the integration tests and the benchmarks.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const BOT_ID: i64 = 7_000_000_001;
pub const BOT_USERNAME: &str = "minsheng_test_bot";

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub body: Value,
    pub at: Instant,
}

/// A message the bot sent, as the person's phone would show it.
#[derive(Debug, Clone)]
pub struct Sent {
    pub chat_id: i64,
    pub text: String,
}

#[derive(Default)]
struct Inner {
    /// Every update ever queued; `getUpdates` returns those at or after its offset.
    updates: Vec<Value>,
    next_update_id: i64,
    next_message_id: i64,
    requests: Vec<Request>,
}

#[derive(Default)]
struct Shared {
    inner: Mutex<Inner>,
    changed: Notify,
}

pub struct FakeApi {
    pub url: String,
    shared: Arc<Shared>,
}

impl FakeApi {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        shared.inner.lock().unwrap().next_update_id = 1;
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake API");
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("serving the fake API")
        });
        Self { url, shared }
    }

    /// Queues an update of the given kind (`message`, `callback_query` …); returns its id.
    pub fn push_update(&self, kind: &str, payload: Value) -> i64 {
        let id = {
            let mut inner = self.shared.inner.lock().unwrap();
            let id = inner.next_update_id;
            inner.next_update_id += 1;
            inner
                .updates
                .push(json!({ "update_id": id, kind: payload }));
            id
        };
        self.shared.changed.notify_waiters();
        id
    }

    /// A text message from a person in their private chat with the bot.
    pub fn push_private_text(&self, user_id: i64, first_name: &str, text: &str) -> i64 {
        let chat = json!({ "id": user_id, "type": "private", "first_name": first_name });
        self.push_text(user_id, first_name, chat, text)
    }

    /// A text message from a person in a group.
    pub fn push_group_text(
        &self,
        user_id: i64,
        first_name: &str,
        group_id: i64,
        text: &str,
    ) -> i64 {
        let chat = json!({ "id": group_id, "type": "group", "title": "民生实事调度群" });
        self.push_text(user_id, first_name, chat, text)
    }

    fn push_text(&self, user_id: i64, first_name: &str, chat: Value, text: &str) -> i64 {
        let message_id = self.next_message_id();
        let mut message = json!({
            "message_id": message_id,
            "date": 1_706_668_800,
            "chat": chat,
            "from": { "id": user_id, "is_bot": false, "first_name": first_name },
            "text": text,
        });
        if let Some(command) = text.strip_prefix('/') {
            let length = command
                .split_whitespace()
                .next()
                .unwrap_or("")
                .chars()
                .count()
                + 1;
            message["entities"] = json!([{ "type": "bot_command", "offset": 0, "length": length }]);
        }
        self.push_update("message", message)
    }

    fn next_message_id(&self) -> i64 {
        let mut inner = self.shared.inner.lock().unwrap();
        inner.next_message_id += 1;
        inner.next_message_id
    }

    pub fn requests(&self) -> Vec<Request> {
        self.shared.inner.lock().unwrap().requests.clone()
    }

    pub fn calls_of(&self, method: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method)
            .count()
    }

    /// Every sendMessage, in order.
    pub fn sent(&self) -> Vec<Sent> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "sendMessage")
            .map(|r| Sent {
                chat_id: r.body["chat_id"].as_i64().unwrap_or_default(),
                text: r.body["text"].as_str().unwrap_or_default().to_owned(),
            })
            .collect()
    }

    pub fn sent_to(&self, chat_id: i64) -> Vec<String> {
        self.sent()
            .into_iter()
            .filter(|s| s.chat_id == chat_id)
            .map(|s| s.text)
            .collect()
    }

    /// Waits (up to `limit`) for the bot's `n`th message to a chat, counting from 1.
    pub async fn nth_message_to(&self, chat_id: i64, n: usize, limit: Duration) -> Option<String> {
        self.wait_until(limit, || self.sent_to(chat_id).get(n - 1).cloned())
            .await
    }

    /// When the first request of a method came, waiting for it up to `limit`.
    pub async fn first_call_of(&self, method: &str, limit: Duration) -> Option<Instant> {
        self.wait_until(limit, || {
            self.requests()
                .into_iter()
                .find(|r| r.method == method)
                .map(|r| r.at)
        })
        .await
    }

    /// Re-checks `probe` every time a request arrives, until it gives something or time runs out.
    pub async fn wait_until<T>(&self, limit: Duration, probe: impl Fn() -> Option<T>) -> Option<T> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.shared.changed.notified();
            if let Some(found) = probe() {
                return Some(found);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return probe();
            }
        }
    }
}

async fn handle(State(shared): State<Arc<Shared>>, uri: Uri, body: Bytes) -> Json<Value> {
    // teloxide writes methods as `GetMe`; the Bot API's own spelling is `getMe`, and it takes both.
    let raw = uri.path().rsplit('/').next().unwrap_or_default();
    let mut chars = raw.chars();
    let method: String = chars
        .next()
        .map(|c| c.to_ascii_lowercase())
        .into_iter()
        .chain(chars)
        .collect();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    {
        let mut inner = shared.inner.lock().unwrap();
        inner.requests.push(Request {
            method: method.clone(),
            body: body.clone(),
            at: Instant::now(),
        });
    }
    shared.changed.notify_waiters();
    let result = match method.as_str() {
        "getUpdates" => get_updates(&shared, &body).await,
        "getMe" => json!({
            "id": BOT_ID, "is_bot": true, "first_name": "民生实事", "username": BOT_USERNAME,
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "has_main_web_app": false,
        }),
        "sendMessage" => {
            let message_id = {
                let mut inner = shared.inner.lock().unwrap();
                inner.next_message_id += 1;
                inner.next_message_id
            };
            json!({
                "message_id": message_id,
                "date": 1_706_668_800,
                "chat": { "id": body["chat_id"], "type": "private", "first_name": "x" },
                "from": { "id": BOT_ID, "is_bot": true, "first_name": "民生实事", "username": BOT_USERNAME },
                "text": body["text"],
            })
        }
        _ => json!(true),
    };
    Json(json!({ "ok": true, "result": result }))
}

/// Long polling: answers at once when updates at or after `offset` are queued, else waits for
/// one (at most the poll's timeout, capped at 2 s so a stopping bot is not held up).
async fn get_updates(shared: &Shared, body: &Value) -> Value {
    let offset = body["offset"].as_i64().unwrap_or(0);
    let wait = Duration::from_secs(body["timeout"].as_u64().unwrap_or(0).min(2));
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let notified = shared.changed.notified();
        let pending: Vec<Value> = {
            let inner = shared.inner.lock().unwrap();
            inner
                .updates
                .iter()
                .filter(|u| u["update_id"].as_i64().unwrap_or(0) >= offset)
                .cloned()
                .collect()
        };
        if !pending.is_empty() {
            return Value::Array(pending);
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return Value::Array(Vec::new());
        }
    }
}
