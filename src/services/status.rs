//! `minsheng status`: what an operator checks first.

use std::fmt::Write;

use sqlx::SqlitePool;

use crate::db::inbox::StateCount;
use crate::db::people::UnreachableRow;
use crate::db::{inbox, outbox, people};

#[derive(Debug, Clone)]
pub struct Health {
    pub inbox: Vec<StateCount>,
    pub outbox: Vec<StateCount>,
    pub last_received: Option<String>,
    pub last_sent: Option<String>,
    pub unreachable: Vec<UnreachableRow>,
}

pub async fn health(pool: &SqlitePool) -> sqlx::Result<Health> {
    let mut conn = pool.acquire().await?;
    Ok(Health {
        inbox: inbox::counts_by_state(&mut conn).await?,
        outbox: outbox::counts_by_state(&mut conn).await?,
        last_received: inbox::last_received(&mut conn).await?,
        last_sent: outbox::last_sent(&mut conn).await?,
        unreachable: people::unreachable(&mut conn).await?,
    })
}

pub fn render(health: &Health) -> String {
    let counts = |rows: &[StateCount]| {
        if rows.is_empty() {
            "空".to_owned()
        } else {
            rows.iter()
                .map(|row| format!("{} {}", row.state, row.count))
                .collect::<Vec<_>>()
                .join("，")
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "收件箱（inbox）：{}", counts(&health.inbox));
    let _ = writeln!(out, "发件箱（outbox）：{}", counts(&health.outbox));
    let _ = writeln!(
        out,
        "最近收到更新：{}",
        health.last_received.as_deref().unwrap_or("无")
    );
    let _ = writeln!(
        out,
        "最近发出消息：{}",
        health.last_sent.as_deref().unwrap_or("无")
    );
    if health.unreachable.is_empty() {
        let _ = writeln!(out, "无法送达的人员：无");
    } else {
        let _ = writeln!(out, "无法送达的人员：");
        for person in &health.unreachable {
            let _ = writeln!(
                out,
                "  {}（{}，Telegram {}）",
                person.display_name,
                person.role.as_str(),
                person.telegram_id
            );
        }
    }
    out
}
