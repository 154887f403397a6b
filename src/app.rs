//! The running bot, built the same way by `minsheng run` and by the tests.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{anyhow, bail};
use sqlx::SqlitePool;
use teloxide::dispatching::UpdateHandler;
use tokio::net::TcpListener;
use tokio::sync::watch;

use chrono::{DateTime, Utc};

use crate::bot::outgoing::Outgoing;
use crate::bot::{self, BotContext, commands};
use crate::clock::SharedClock;
use crate::config::{ADMINS_VAR, Settings, TOKEN_VAR};
use crate::db;
use crate::db::people;
use crate::runtime::lock::{self, InstanceLock};
use crate::runtime::steps::Steps;
use crate::runtime::{self, telegram::TelegramClient};
use crate::services::seeding;

pub struct App {
    ctx: BotContext,
    client: TelegramClient,
    handler: UpdateHandler<anyhow::Error>,
    heartbeat: bool,
    started: watch::Sender<bool>,
    /// The web view's socket, bound at build time (`web.listen`), served once the bot runs.
    web: Option<TcpListener>,
    _lock: InstanceLock,
}

impl App {
    /// Checks the token, takes the database's lock, opens and migrates the database, and seeds
    /// it when it is empty.
    pub async fn build(mut settings: Settings, clock: SharedClock) -> anyhow::Result<Self> {
        let token = settings.telegram.token.clone().ok_or_else(|| {
            anyhow!("没有机器人令牌：请设置环境变量 {TOKEN_VAR}（向 @BotFather 申请）")
        })?;
        if settings.admins.is_empty() {
            bail!(
                "没有配置管理员，机器人会拒绝所有人：请设置环境变量 {ADMINS_VAR}=管理员的 Telegram 用户 ID（多个以逗号分隔）"
            );
        }
        let client = TelegramClient::new(&settings.telegram.api_url, &token, &settings.network)?;
        let env: std::collections::HashMap<String, String> = std::env::vars().collect();
        tracing::info!(
            proxy = crate::runtime::http::proxy_in_use(&env)
                .as_deref()
                .unwrap_or("none"),
            system_roots = settings.network.system_roots,
            "network"
        );
        let lock = lock::acquire(&settings.database)?;
        let web = bind_web(&mut settings).await?;
        let pool = db::connect(&settings.database).await?;
        for outcome in seeding::load_if_empty(&pool, &settings.seeds, clock.now()).await? {
            tracing::info!(
                year = outcome.year,
                projects = outcome.projects,
                "empty database seeded"
            );
        }
        welcome_bootstrap_admins(&pool, &settings, clock.now()).await?;
        // A robot whose `to` names nobody would post to nobody: refused at start, with its line.
        crate::services::robots::check_audiences(&mut *pool.acquire().await?, &settings.robots)
            .await?;
        let ctx = BotContext {
            pool,
            settings: Arc::new(settings),
            clock,
        };
        Ok(Self {
            ctx,
            client,
            handler: bot::handler_tree(),
            heartbeat: true,
            started: watch::channel(false).0,
            web,
            _lock: lock,
        })
    }

    /// Replaces the handler tree: tests wrap the real one to provoke faults.
    pub fn with_handler(mut self, handler: UpdateHandler<anyhow::Error>) -> Self {
        self.handler = handler;
        self
    }

    /// No once-a-minute heartbeat: tests that do not test the cycle keep its steps out of their
    /// way, and those that do call [`crate::jobs::cycle::run_due`] themselves.
    pub fn without_heartbeat(mut self) -> Self {
        self.heartbeat = false;
        self
    }

    /// The address the web view listens on (`web.listen`, its port chosen by the system for
    /// `:0`); `None` when the web view is off.
    pub fn web_address(&self) -> Option<SocketAddr> {
        self.web.as_ref().and_then(|l| l.local_addr().ok())
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.ctx.pool
    }

    pub fn context(&self) -> &BotContext {
        &self.ctx
    }

    /// Turns true once [`Self::run_until_stopped`] has its loops running and, with a heartbeat,
    /// has caught up on what fell due while the bot was down.
    pub fn started(&self) -> watch::Receiver<bool> {
        self.started.subscribe()
    }

    /// The bot's loops as steps the caller drives ([`Steps::drain`]); nothing runs in the
    /// background, not even the heartbeat.
    pub async fn into_steps(self) -> anyhow::Result<Steps> {
        Steps::start(self.ctx, self.client, self.handler, self._lock).await
    }

    /// Polls, handles and sends until `shutdown` completes.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self {
            ctx,
            client,
            handler,
            heartbeat,
            started,
            web,
            _lock,
        } = self;
        runtime::run(ctx, client, handler, heartbeat, started, web, shutdown).await
    }
}

/// Binds the web view's socket when `web.listen` is set, and fills the public address from it
/// when none is configured. A port in use stops the start with one line, rather than a bot
/// that runs without the pages people were told about.
async fn bind_web(settings: &mut Settings) -> anyhow::Result<Option<TcpListener>> {
    let Some(listen) = settings.web.listen.clone() else {
        return Ok(None);
    };
    let listener = TcpListener::bind(&listen)
        .await
        .map_err(|error| anyhow!("网页查看无法监听 {listen}（端口是否已被占用？）：{error}"))?;
    let bound = listener.local_addr()?;
    if settings.web.public_url.is_none() {
        settings.web.public_url = Some(format!("http://{bound}"));
    }
    tracing::info!(%bound, "web view listening");
    Ok(Some(listener))
}

/// Bootstrap admins get a row (so their changes have an author in the audit log) and the menu
/// that row allows (a deactivated one gets none of an admin's); strangers a menu with /start and
/// /help.
async fn welcome_bootstrap_admins(
    pool: &SqlitePool,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut tx = db::begin_write(pool).await?;
    for admin in &settings.admins {
        if people::ensure_bootstrap_admin(&mut tx, *admin, now).await? {
            tracing::info!(admin, "bootstrap admin added");
        }
        let person = people::by_telegram_id(&mut tx, *admin).await?;
        let role = person.filter(|p| p.active).map(|p| p.role);
        Outgoing::menu(*admin, &commands::menu(role))
            .enqueue(&mut tx, now)
            .await?;
    }
    Outgoing::default_menu(&commands::menu(None))
        .enqueue(&mut tx, now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Completes on SIGINT or SIGTERM, whichever comes first.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("installing the SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
