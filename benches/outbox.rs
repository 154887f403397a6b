//! 1,000 messages through the outbox to a local fake Bot API that enforces Telegram's limits
//! (issue 3): messages per second against the limit of 30, the 429s provoked, and peak memory;
//! and, as the fake saw them arrive (issue 10), the most messages inside any one second and the
//! shortest gap between two messages to one chat.
//!
//! `cargo bench --bench outbox`. Nothing leaves 127.0.0.1.

#[path = "common/mod.rs"]
mod common;
#[path = "../tests/it/fake_api.rs"]
mod fake_api;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_api::FakeApi;
use minsheng::bot::outgoing::Outgoing;
use minsheng::clock::{Clock, SystemClock};
use minsheng::config::{Secret, Settings};
use minsheng::runtime::sender::{SendOutcome, Sender};
use minsheng::runtime::telegram::TelegramClient;

const MESSAGES: i64 = 1000;
const CHATS: i64 = 200;
const BUSY_MESSAGES: i64 = 45;
const BUSY_CHATS: i64 = 3;

/// Sends until the outbox is empty; how many were sent.
async fn drain(sender: &Sender) -> usize {
    let mut sent = 0;
    loop {
        match sender.try_send_next().await.unwrap() {
            SendOutcome::Sent { .. } => sent += 1,
            SendOutcome::Waiting(wait) => {
                tokio::time::sleep(wait.max(Duration::from_millis(1))).await
            }
            SendOutcome::Empty => return sent,
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::main]
async fn main() {
    let api = FakeApi::start().await;
    api.enforce_rate_limits();
    let dir = tempfile::tempdir().unwrap();
    let env: HashMap<String, String> = [(
        "MINSHENG_DATABASE".to_owned(),
        dir.path().join("b.db").display().to_string(),
    )]
    .into();
    let settings = Arc::new(Settings::from_layers(None, &env).unwrap());
    let pool = minsheng::db::connect(&settings.database).await.unwrap();
    let clock = Arc::new(SystemClock);

    let queued = Instant::now();
    let now = clock.now();
    let mut tx = minsheng::db::begin_write(&pool).await.unwrap();
    for n in 0..MESSAGES {
        let text = format!("第{n}条：请于本周五17:00前报送重点民生实事进展。");
        Outgoing::text(900_000 + n % CHATS, text)
            .enqueue(&mut tx, now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let queueing = queued.elapsed();

    let client =
        TelegramClient::new(&api.url, &Secret::new("1:bench"), &Default::default()).unwrap();
    let sender = Sender::new(pool.clone(), client, clock.clone(), settings);
    let started = Instant::now();
    let sent = drain(&sender).await;
    let elapsed = started.elapsed();
    println!("{MESSAGES} messages to {CHATS} chats: queued in {queueing:?}, sent in {elapsed:?}");
    println!(
        "  {:.1} messages/s (Telegram's limit: 30/s in all, 1/s per chat)",
        sent as f64 / elapsed.as_secs_f64()
    );
    println!("  429s provoked: {}", api.limit_violations());
    println!(
        "  arrival side: at most {} messages in any one second (limit 30)",
        api.most_in_one_second()
    );
    println!("  delivered: {}", api.sent().len());

    // Then a few busy chats, where the limit of one message a second per chat is what binds.
    let now = clock.now();
    let mut tx = minsheng::db::begin_write(&pool).await.unwrap();
    for n in 0..BUSY_MESSAGES {
        let text = format!("第{n}条：请于本周五17:00前报送重点民生实事进展。");
        Outgoing::text(800_000 + n % BUSY_CHATS, text)
            .enqueue(&mut tx, now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let started = Instant::now();
    let sent = drain(&sender).await;
    println!(
        "{sent} messages to {BUSY_CHATS} chats: sent in {:?}",
        started.elapsed()
    );
    if let Some(gap) = api.shortest_gap_in_a_chat() {
        println!(
            "  arrival side, both runs: shortest gap between two messages to one chat {gap:?} (limit 1 s)"
        );
    }
    println!("  429s provoked in all: {}", api.limit_violations());
    println!(
        "  peak RSS of this process (bench, sender and fake API): {} KiB",
        common::peak_kib()
    );
}
