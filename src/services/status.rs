//! `minsheng status`: what an operator checks first, as data (worded by
//! `bot::texts::status`).

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use crate::db::inbox::StateCount;
use crate::db::people::UnreachableRow;
use crate::db::{inbox, outbox, people};

#[derive(Debug, Clone)]
pub struct Health {
    pub inbox: Vec<StateCount>,
    pub outbox: Vec<StateCount>,
    pub last_received: Option<DateTime<Utc>>,
    pub last_sent: Option<DateTime<Utc>>,
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
