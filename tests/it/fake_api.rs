//! A fake Telegram Bot API on 127.0.0.1: it queues updates for `getUpdates` (forgetting them
//! once confirmed by a later offset, as Telegram does), answers other methods with plausible
//! results, records every request, and fails on demand (429, 5xx, 403, a dropped connection)
//! or when the bot breaks Telegram's rate limits. Shared by the integration tests and the
//! benchmarks.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const BOT_ID: i64 = 7_000_000_001;
pub const BOT_USERNAME: &str = "minsheng_test_bot";
/// Telegram's limits, in UTF-16 code units.
pub const MAX_TEXT: usize = 4096;
pub const MAX_CAPTION: usize = 1024;

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub body: Value,
    pub at: Instant,
}

/// A message that reached the person's phone.
#[derive(Debug, Clone)]
pub struct Sent {
    pub chat_id: i64,
    pub text: String,
    pub body: Value,
    /// When it arrived.
    pub at: Instant,
}

/// A file the bot uploaded (a workbook, a chart), as the multipart body carried it.
#[derive(Debug, Clone)]
pub struct Upload {
    pub method: String,
    pub chat_id: i64,
    pub bytes: Vec<u8>,
}

/// How the fake answers a send, instead of delivering it.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// 429 with this `retry_after`.
    RetryAfter(u64),
    /// A bare status code (500, 502 …), not delivered.
    Status(u16),
    /// 403: the person blocked the bot.
    Blocked,
    /// Delivered, then the connection is dropped before the answer: the ambiguous case.
    DeliverThenDrop,
}

#[derive(Default)]
struct Inner {
    updates: Vec<Value>,
    /// Updates below this id were confirmed by a later offset and are gone.
    confirmed_below: i64,
    /// The highest update id any `getUpdates` answer has carried.
    served_up_to: i64,
    next_update_id: i64,
    next_message_id: i64,
    requests: Vec<Request>,
    delivered: Vec<Sent>,
    uploads: Vec<Upload>,
    /// Faults for the next sends to a chat, in order.
    faults: HashMap<i64, VecDeque<Fault>>,
    /// Faults for the next calls of other methods (editMessageText, answerCallbackQuery …).
    method_faults: HashMap<String, VecDeque<Fault>>,
    /// Chats that answer every send with this fault.
    always: HashMap<i64, Fault>,
    /// Groups upgraded to supergroups: old id → new id. Sends to the old id are refused.
    upgraded: HashMap<i64, i64>,
    enforce_limits: bool,
    recent: VecDeque<Instant>,
    last_to_chat: HashMap<i64, Instant>,
    limit_violations: u32,
    /// Answers to sends wait (after delivery) while this is set.
    holding_answers: bool,
    /// Files people sent, by `file_id`, as `getFile` and the file route serve them.
    files: HashMap<String, Vec<u8>>,
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

    /// Changes the fake's state and wakes whoever waits on it.
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let result = f(&mut self.shared.inner.lock().unwrap());
        self.shared.changed.notify_waiters();
        result
    }

    /// Reads the fake's state (waking nobody: a waiter's probe must not wake itself).
    fn read<T>(&self, f: impl FnOnce(&Inner) -> T) -> T {
        f(&self.shared.inner.lock().unwrap())
    }

    /// A file a person sent (a photo, a document): `getFile` knows it by `file_id` and the
    /// file route serves its bytes.
    pub fn add_file(&self, file_id: &str, bytes: Vec<u8>) {
        self.with(|inner| inner.files.insert(file_id.to_owned(), bytes));
    }

    /// Queues an update of the given kind (`message`, `callback_query` …); returns its id.
    pub fn push_update(&self, kind: &str, payload: Value) -> i64 {
        self.with(|inner| {
            let id = inner.next_update_id;
            inner.next_update_id += 1;
            inner
                .updates
                .push(json!({ "update_id": id, kind: payload }));
            id
        })
    }

    /// A text message from a person in their private chat with the bot.
    pub fn push_private_text(&self, user_id: i64, first_name: &str, text: &str) -> i64 {
        self.push_text(
            user(user_id, first_name, None),
            private_chat(user_id, first_name),
            text,
        )
    }

    /// A text message from a person in a group.
    pub fn push_group_text(
        &self,
        user_id: i64,
        first_name: &str,
        group_id: i64,
        text: &str,
    ) -> i64 {
        self.push_text(user(user_id, first_name, None), group_chat(group_id), text)
    }

    /// A message from `from` (see [`user`]) in `chat` (see [`private_chat`], [`group_chat`]).
    pub fn push_text(&self, from: Value, chat: Value, text: &str) -> i64 {
        self.push_message(json!({ "from": from, "chat": chat, "text": text }))
    }

    /// A message with the given fields; its id, date and command entity are filled in.
    pub fn push_message(&self, mut message: Value) -> i64 {
        let message_id = self.with(|inner| {
            inner.next_message_id += 1;
            inner.next_message_id
        });
        message["message_id"] = json!(message_id);
        message["date"] = json!(1_706_668_800);
        let text = message["text"].as_str().unwrap_or_default().to_owned();
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

    /// A press of an inline button under the bot's message `message_id` in a private chat.
    pub fn push_callback(&self, from: Value, message_id: i64, data: &str) -> i64 {
        let chat_id = from["id"].as_i64().unwrap_or_default();
        let query = json!({
            "id": format!("cb{message_id}-{data}"),
            "from": from,
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id, "date": 1_706_668_800,
                "chat": { "id": chat_id, "type": "private", "first_name": "x" },
                "from": { "id": BOT_ID, "is_bot": true, "first_name": "民生实事", "username": BOT_USERNAME },
                "text": "…",
            },
        });
        self.push_update("callback_query", query)
    }

    /// The next sends to `chat` meet these faults, one each, in order.
    pub fn fail_next_sends_to(&self, chat: i64, faults: impl IntoIterator<Item = Fault>) {
        self.with(|inner| inner.faults.entry(chat).or_default().extend(faults));
    }

    /// The next calls of `method` (other than sendMessage) meet these faults.
    pub fn fail_next_calls_of(&self, method: &str, faults: impl IntoIterator<Item = Fault>) {
        self.with(|inner| {
            inner
                .method_faults
                .entry(method.to_owned())
                .or_default()
                .extend(faults)
        });
    }

    /// Every send to `chat` meets this fault.
    pub fn always_fail_sends_to(&self, chat: i64, fault: Fault) {
        self.with(|inner| inner.always.insert(chat, fault));
    }

    /// The group becomes a supergroup with id `to`: every send to `from` meets Telegram's 400
    /// with `migrate_to_chat_id`.
    pub fn upgrade_group(&self, from: i64, to: i64) {
        self.with(|inner| inner.upgraded.insert(from, to));
    }

    /// Answer 429 whenever the bot goes beyond 30 messages a second, or 1 a second to a chat.
    pub fn enforce_rate_limits(&self) {
        self.with(|inner| inner.enforce_limits = true);
    }

    /// Sends are delivered but not answered until [`FakeApi::release_answers`]: the bot's
    /// request is in flight for as long as the test likes.
    pub fn hold_answers(&self) {
        self.with(|inner| inner.holding_answers = true);
    }

    pub fn release_answers(&self) {
        self.with(|inner| inner.holding_answers = false);
    }

    /// The most messages delivered inside any one second (a sliding window, as they arrived).
    pub fn most_in_one_second(&self) -> usize {
        let times: Vec<Instant> = self.sent().iter().map(|s| s.at).collect();
        let mut most = 0;
        let mut first = 0;
        for (last, at) in times.iter().enumerate() {
            while at.duration_since(times[first]) >= Duration::from_secs(1) {
                first += 1;
            }
            most = most.max(last + 1 - first);
        }
        most
    }

    /// The shortest time between two messages delivered to one chat.
    pub fn shortest_gap_in_a_chat(&self) -> Option<Duration> {
        let mut last: HashMap<i64, Instant> = HashMap::new();
        let mut shortest: Option<Duration> = None;
        for sent in self.sent() {
            if let Some(before) = last.insert(sent.chat_id, sent.at) {
                let gap = sent.at.duration_since(before);
                shortest = Some(shortest.map_or(gap, |s| s.min(gap)));
            }
        }
        shortest
    }

    pub fn limit_violations(&self) -> u32 {
        self.read(|inner| inner.limit_violations)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.read(|inner| inner.requests.clone())
    }

    pub fn calls_of(&self, method: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method)
            .count()
    }

    /// Every file uploaded, in order.
    pub fn uploads(&self) -> Vec<Upload> {
        self.read(|inner| inner.uploads.clone())
    }

    /// Every message delivered, in order.
    pub fn sent(&self) -> Vec<Sent> {
        self.read(|inner| inner.delivered.clone())
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

    /// Waits until some `getUpdates` answer has carried this update.
    pub async fn served(&self, update_id: i64, limit: Duration) -> bool {
        self.wait_until(limit, || {
            (self.read(|inner| inner.served_up_to) >= update_id).then_some(())
        })
        .await
        .is_some()
    }

    /// Waits until the bot has confirmed this update (asked for a later offset).
    pub async fn confirmed(&self, update_id: i64, limit: Duration) -> bool {
        self.wait_until(limit, || {
            (self.read(|inner| inner.confirmed_below) > update_id).then_some(())
        })
        .await
        .is_some()
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

    /// Waits for `n` calls of a method in all.
    pub async fn calls_reach(&self, method: &str, n: usize, limit: Duration) -> bool {
        self.wait_until(limit, || (self.calls_of(method) >= n).then_some(()))
            .await
            .is_some()
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

/// A Telegram user as updates carry it.
pub fn user(id: i64, first_name: &str, username: Option<&str>) -> Value {
    let mut user = json!({ "id": id, "is_bot": false, "first_name": first_name });
    if let Some(username) = username {
        user["username"] = json!(username);
    }
    user
}

pub fn private_chat(id: i64, first_name: &str) -> Value {
    json!({ "id": id, "type": "private", "first_name": first_name })
}

pub fn group_chat(id: i64) -> Value {
    json!({ "id": id, "type": "group", "title": "民生实事调度群" })
}

fn ok(result: Value) -> Response {
    axum::Json(json!({ "ok": true, "result": result })).into_response()
}

fn error(status: StatusCode, description: &str, parameters: Option<Value>) -> Response {
    let mut body =
        json!({ "ok": false, "error_code": status.as_u16(), "description": description });
    if let Some(parameters) = parameters {
        body["parameters"] = parameters;
    }
    (status, axum::Json(body)).into_response()
}

async fn handle(State(shared): State<Arc<Shared>>, uri: Uri, body: Bytes) -> Response {
    if uri.path().starts_with("/file/bot") {
        return download(&shared, uri.path());
    }
    // teloxide writes methods as `GetMe`; the Bot API's own spelling is `getMe`, and it takes both.
    let raw = uri.path().rsplit('/').next().unwrap_or_default();
    let mut chars = raw.chars();
    let method: String = chars
        .next()
        .map(|c| c.to_ascii_lowercase())
        .into_iter()
        .chain(chars)
        .collect();
    let files = uploaded_files(&body);
    let body: Value = serde_json::from_slice(&body).unwrap_or_else(|_| multipart_summary(&body));
    {
        let mut inner = shared.inner.lock().unwrap();
        inner.requests.push(Request {
            method: method.clone(),
            body: body.clone(),
            at: Instant::now(),
        });
        let chat_id = body["chat_id"].as_i64().unwrap_or_default();
        inner.uploads.extend(files.into_iter().map(|bytes| Upload {
            method: method.clone(),
            chat_id,
            bytes,
        }));
    }
    shared.changed.notify_waiters();
    if let Some(to) = upgraded_to(&shared, &method, &body) {
        return error(
            StatusCode::BAD_REQUEST,
            "Bad Request: group chat was upgraded to a supergroup chat",
            Some(json!({ "migrate_to_chat_id": to })),
        );
    }
    let response = match method.as_str() {
        "getUpdates" => ok(get_updates(&shared, &body).await),
        "getMe" => ok(json!({
            "id": BOT_ID, "is_bot": true, "first_name": "民生实事", "username": BOT_USERNAME,
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "has_main_web_app": false,
        })),
        "sendMessage" => {
            let answer = send_message(&shared, &body);
            wait_while_holding(&shared).await;
            answer
        }
        "getFile" => get_file(&shared, &body),
        "sendPhoto" | "sendDocument" if caption_too_long(&body) => error(
            StatusCode::BAD_REQUEST,
            "Bad Request: message caption is too long",
            None,
        ),
        other => {
            let fault = shared
                .inner
                .lock()
                .unwrap()
                .method_faults
                .get_mut(other)
                .and_then(VecDeque::pop_front);
            match fault {
                Some(Fault::RetryAfter(secs)) => error(
                    StatusCode::TOO_MANY_REQUESTS,
                    &format!("Too Many Requests: retry after {secs}"),
                    Some(json!({ "retry_after": secs })),
                ),
                Some(_) => error(StatusCode::BAD_REQUEST, "Bad Request: fault injected", None),
                None => ok(json!(true)),
            }
        }
    };
    shared.changed.notify_waiters();
    response
}

/// `getFile`: the file's path for the download route, as Telegram gives it; an injected fault
/// first, if any.
fn get_file(shared: &Shared, body: &Value) -> Response {
    let mut inner = shared.inner.lock().unwrap();
    if let Some(fault) = inner
        .method_faults
        .get_mut("getFile")
        .and_then(VecDeque::pop_front)
    {
        return match fault {
            Fault::RetryAfter(secs) => error(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("Too Many Requests: retry after {secs}"),
                Some(json!({ "retry_after": secs })),
            ),
            _ => error(StatusCode::BAD_GATEWAY, "Bad Gateway", None),
        };
    }
    let file_id = body["file_id"].as_str().unwrap_or_default();
    match inner.files.get(file_id) {
        Some(bytes) if bytes.len() > 20 * 1024 * 1024 => error(
            StatusCode::BAD_REQUEST,
            "Bad Request: file is too big",
            None,
        ),
        Some(bytes) => ok(json!({
            "file_id": file_id, "file_unique_id": file_id, "file_size": bytes.len(),
            "file_path": format!("photos/{file_id}.jpg"),
        })),
        None => error(
            StatusCode::BAD_REQUEST,
            "Bad Request: invalid file_id",
            None,
        ),
    }
}

/// The file route, `/file/bot<token>/<file_path>`: the bytes of the file `getFile` named.
fn download(shared: &Shared, path: &str) -> Response {
    let file_id = path
        .rsplit('/')
        .next()
        .and_then(|name| name.strip_suffix(".jpg"))
        .unwrap_or_default();
    match shared.inner.lock().unwrap().files.get(file_id) {
        Some(bytes) => (StatusCode::OK, bytes.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The new id of the group a send is addressed to, if that group was upgraded.
fn upgraded_to(shared: &Shared, method: &str, body: &Value) -> Option<i64> {
    if !method.starts_with("send") {
        return None;
    }
    let chat_id = body["chat_id"].as_i64()?;
    shared.inner.lock().unwrap().upgraded.get(&chat_id).copied()
}

fn caption_too_long(body: &Value) -> bool {
    body["caption"]
        .as_str()
        .unwrap_or_default()
        .encode_utf16()
        .count()
        > MAX_CAPTION
}

/// While the test holds answers, a delivered message's answer waits.
async fn wait_while_holding(shared: &Shared) {
    loop {
        let notified = shared.changed.notified();
        if !shared.inner.lock().unwrap().holding_answers {
            return;
        }
        notified.await;
    }
}

fn send_message(shared: &Shared, body: &Value) -> Response {
    let chat_id = body["chat_id"].as_i64().unwrap_or_default();
    let mut inner = shared.inner.lock().unwrap();
    let fault = inner
        .faults
        .get_mut(&chat_id)
        .and_then(VecDeque::pop_front)
        .or_else(|| inner.always.get(&chat_id).cloned());
    match fault {
        Some(Fault::RetryAfter(secs)) => {
            return error(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("Too Many Requests: retry after {secs}"),
                Some(json!({ "retry_after": secs })),
            );
        }
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap();
            return (status, "<html>Bad Gateway</html>").into_response();
        }
        Some(Fault::Blocked) => {
            return error(
                StatusCode::FORBIDDEN,
                "Forbidden: bot was blocked by the user",
                None,
            );
        }
        Some(Fault::DeliverThenDrop) | None => {}
    }
    // Telegram counts UTF-16 code units.
    if body["text"]
        .as_str()
        .unwrap_or_default()
        .encode_utf16()
        .count()
        > MAX_TEXT
    {
        return error(
            StatusCode::BAD_REQUEST,
            "Bad Request: message is too long",
            None,
        );
    }
    if inner.enforce_limits {
        let now = Instant::now();
        // A little slack for jitter on the loopback.
        inner
            .recent
            .retain(|t| now.duration_since(*t) < Duration::from_millis(950));
        let too_fast_for_chat = inner
            .last_to_chat
            .get(&chat_id)
            .is_some_and(|t| now.duration_since(*t) < Duration::from_millis(900));
        if inner.recent.len() >= 30 || too_fast_for_chat {
            inner.limit_violations += 1;
            return error(
                StatusCode::TOO_MANY_REQUESTS,
                "Too Many Requests: retry after 1",
                Some(json!({ "retry_after": 1 })),
            );
        }
        inner.recent.push_back(now);
        inner.last_to_chat.insert(chat_id, now);
    }
    inner.next_message_id += 1;
    let message_id = inner.next_message_id;
    let text = body["text"].as_str().unwrap_or_default().to_owned();
    inner.delivered.push(Sent {
        chat_id,
        text: text.clone(),
        body: body.clone(),
        at: Instant::now(),
    });
    if fault == Some(Fault::DeliverThenDrop) {
        drop(inner);
        // Unwinding out of the handler makes hyper close the connection without an answer.
        std::panic::resume_unwind(Box::new("fake API: dropping the connection"));
    }
    ok(json!({
        "message_id": message_id,
        "date": 1_706_668_800,
        "chat": { "id": chat_id, "type": if chat_id < 0 { "group" } else { "private" }, "first_name": "x", "title": "群" },
        "from": { "id": BOT_ID, "is_bot": true, "first_name": "民生实事", "username": BOT_USERNAME },
        "text": text,
    }))
}

/// Long polling: confirms what is below `offset`, answers at once when updates are queued, else
/// waits for one (at most the poll's timeout, capped at 2 s so a stopping bot is not held up).
async fn get_updates(shared: &Shared, body: &Value) -> Value {
    let offset = body["offset"].as_i64().unwrap_or(0);
    let wait = Duration::from_secs(body["timeout"].as_u64().unwrap_or(0).min(2));
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let notified = shared.changed.notified();
        let pending: Vec<Value> = {
            let mut inner = shared.inner.lock().unwrap();
            inner.confirmed_below = inner.confirmed_below.max(offset);
            let from = inner.confirmed_below;
            inner
                .updates
                .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= from);
            let pending: Vec<Value> = inner.updates.clone();
            if let Some(last) = pending.last().and_then(|u| u["update_id"].as_i64()) {
                inner.served_up_to = inner.served_up_to.max(last);
            }
            pending
        };
        if !pending.is_empty() {
            return Value::Array(pending);
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return Value::Array(Vec::new());
        }
    }
}

/// The contents of the file parts of a multipart body (none for a JSON body).
fn uploaded_files(body: &[u8]) -> Vec<Vec<u8>> {
    let find = |haystack: &[u8], needle: &[u8]| {
        haystack
            .windows(needle.len())
            .position(|window| window == needle)
    };
    let Some(boundary) = find(body, b"\r\n").map(|end| &body[..end]) else {
        return Vec::new();
    };
    if !boundary.starts_with(b"--") {
        return Vec::new();
    }
    let mut files = Vec::new();
    let mut rest = &body[boundary.len()..];
    while let Some(end) = find(rest, boundary) {
        let part = &rest[..end];
        rest = &rest[end + boundary.len()..];
        let Some(head_end) = find(part, b"\r\n\r\n") else {
            continue;
        };
        if find(&part[..head_end], b"filename").is_none() {
            continue;
        }
        let content = &part[head_end + 4..];
        files.push(content.strip_suffix(b"\r\n").unwrap_or(content).to_vec());
    }
    files
}

/// A multipart upload, as far as tests need it: its text fields, and whether it carried an
/// .xlsx (a zip) file.
fn multipart_summary(body: &[u8]) -> Value {
    let text = String::from_utf8_lossy(body);
    let mut fields = serde_json::Map::new();
    for part in text.split("Content-Disposition: form-data; ").skip(1) {
        let Some(name) = part
            .strip_prefix("name=\"")
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        if part.contains("filename=") {
            continue;
        }
        if let Some(value) = part
            .split("\r\n\r\n")
            .nth(1)
            .and_then(|v| v.split("\r\n").next())
        {
            let value = value
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::from(value));
            fields.insert(name.to_owned(), value);
        }
    }
    fields.insert("multipart".to_owned(), Value::Bool(true));
    fields.insert(
        "has_xlsx".to_owned(),
        Value::Bool(text.contains(".xlsx") && body.windows(4).any(|w| w == b"PK\x03\x04")),
    );
    Value::Object(fields)
}
