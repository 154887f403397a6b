//! The running bot, built the same way by `minsheng run` and by the tests.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow};
use sqlx::SqlitePool;
use teloxide::dispatching::Dispatcher;
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;
use teloxide::update_listeners::Polling;

use crate::bot::{self, BotContext};
use crate::clock::SharedClock;
use crate::config::{Settings, TOKEN_VAR};
use crate::db;
use crate::services::seeding;

pub struct App {
    ctx: BotContext,
    bot: Bot,
}

impl App {
    /// Checks the token, opens and migrates the database, and seeds it when it is empty.
    pub async fn build(settings: Settings, clock: SharedClock) -> anyhow::Result<Self> {
        let token = settings.telegram.token.clone().ok_or_else(|| {
            anyhow!("没有机器人令牌：请设置环境变量 {TOKEN_VAR}（向 @BotFather 申请）")
        })?;
        let api_url = reqwest_url(&settings.telegram.api_url)?;
        let pool = db::connect(&settings.database).await?;
        for outcome in seeding::load_if_empty(&pool, &settings.seeds, clock.now()).await? {
            tracing::info!(
                year = outcome.year,
                projects = outcome.projects,
                "empty database seeded"
            );
        }
        let bot = Bot::new(token.expose()).set_api_url(api_url);
        let ctx = BotContext {
            pool,
            settings: Arc::new(settings),
            clock,
        };
        Ok(Self { ctx, bot })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.ctx.pool
    }

    /// Polls for updates and answers them until `shutdown` completes.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self { ctx, bot } = self;
        wait_for_telegram(&bot).await;
        let listener = Polling::builder(bot.clone())
            .timeout(Duration::from_secs(
                ctx.settings.telegram.poll_timeout_secs.into(),
            ))
            .delete_webhook()
            .await
            .build();
        let mut dispatcher = Dispatcher::builder(bot, bot::handler_tree())
            .dependencies(dptree::deps![ctx.clone()])
            .default_handler(|_| async {})
            .build();
        let token = dispatcher.shutdown_token();
        tokio::spawn(async move {
            shutdown.await;
            tracing::info!("shutting down");
            // The dispatcher may still be starting; ask again until it listens.
            loop {
                match token.shutdown() {
                    Ok(done) => {
                        done.await;
                        break;
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        });
        tracing::info!("bot started");
        dispatcher
            .dispatch_with_listener(
                listener,
                LoggingErrorHandler::with_custom_text("获取更新失败"),
            )
            .await;
        ctx.pool.close().await;
        tracing::info!("bot stopped");
        Ok(())
    }
}

/// teloxide's dispatcher panics when `getMe` fails at start-up; wait here instead, with backoff,
/// while Telegram is unreachable.
async fn wait_for_telegram(bot: &Bot) {
    let mut delay = Duration::from_millis(200);
    loop {
        match bot.get_me().await {
            Ok(me) => {
                tracing::info!(bot = %me.username(), "connected to the Bot API");
                return;
            }
            Err(error) => {
                tracing::warn!(%error, retry_in = ?delay, "the Bot API is unreachable");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(30));
            }
        }
    }
}

fn reqwest_url(text: &str) -> anyhow::Result<url::Url> {
    // Bot::set_api_url wants the base without a trailing slash.
    url::Url::parse(text).with_context(|| format!("telegram.api_url `{text}` 不是有效的网址"))
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
