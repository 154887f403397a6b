//! The long-running plumbing: the update listener (inbox), the processor that feeds handlers,
//! the paced sender (outbox), the instance lock, and one graceful shutdown for all of them; and
//! the same loops as single steps for a caller that drives them itself ([`steps::Steps`]).

pub mod evidence;
pub mod failure;
pub mod http;
pub mod listener;
pub mod lock;
pub mod pacer;
pub mod processor;
pub mod robots;
pub mod scheduler;
pub mod sender;
pub mod steps;
pub mod telegram;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use teloxide::dispatching::UpdateHandler;
use teloxide::types::Me;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::bot::BotContext;
use crate::db::{inbox, outbox};
use crate::web::{self, WebState};
use processor::Processor;
use robots::RobotSender;
use sender::Sender;
use telegram::{CallError, TelegramClient};

/// `getMe`, retried with backoff while Telegram is unreachable (teloxide's dispatcher would
/// panic instead). `None` when asked to stop first.
pub async fn wait_for_telegram(
    client: &TelegramClient,
    shutdown: &mut watch::Receiver<bool>,
) -> anyhow::Result<Option<Me>> {
    let mut delay = Duration::from_millis(200);
    let no_arguments = serde_json::json!({});
    loop {
        let asked = tokio::select! {
            asked = client.call("getMe", &no_arguments, Duration::from_secs(15)) => asked,
            _ = shutdown.changed() => return Ok(None),
        };
        match asked {
            Ok(me) => {
                let me: Me = serde_json::from_value(me)?;
                tracing::info!(bot = %me.username(), "connected to the Bot API");
                return Ok(Some(me));
            }
            Err(CallError::Api { code: 401, .. }) => {
                anyhow::bail!("Telegram 拒绝了机器人令牌（401）：请检查 TELOXIDE_TOKEN")
            }
            Err(error) => tracing::warn!(%error, retry_in = ?delay, "the Bot API is unreachable"),
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = shutdown.changed() => return Ok(None),
        }
        delay = (delay * 2).min(Duration::from_secs(30));
    }
}

/// Runs listener, processor and sender until `shutdown` completes, then stops them in order:
/// stop fetching, let the handlers in hand finish, flush the outbox, close the pool. `started`
/// turns true once the loops run and, with a heartbeat, the catch-up beat is done. The web
/// view, when its socket is given, is served until the same shutdown.
pub async fn run(
    ctx: BotContext,
    client: TelegramClient,
    handler: UpdateHandler<anyhow::Error>,
    heartbeat: bool,
    started: watch::Sender<bool>,
    web: Option<TcpListener>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (stop, stopped) = watch::channel(false);
    // What /healthz answers: true while the loops run, false from the moment shutdown begins.
    let alive = Arc::new(watch::channel(false).0);
    let alive_at_stop = alive.clone();
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down");
        alive_at_stop.send_replace(false);
        let _ = stop.send(true);
    });

    recover_at_start(&ctx).await?;
    let web_serving = web.map(|listener| serve_web(&ctx, listener, &alive, &stopped));

    // The group robots need no Telegram: they start before it is reached (an office network
    // may reach the robots' hosts only).
    let robot_sender = RobotSender::new(ctx.pool.clone(), ctx.clock.clone(), ctx.settings.clone())?;
    robot_sender.start().await?;
    let robot_sending = tokio::spawn(Arc::new(robot_sender).run(stopped.clone()));

    let mut waiting = stopped.clone();
    let Some(me) = wait_for_telegram(&client, &mut waiting).await? else {
        robot_sending.await?;
        stop_web(web_serving).await?;
        ctx.pool.close().await;
        return Ok(());
    };

    let to_processor = Arc::new(Notify::new());
    let to_sender = Arc::new(Notify::new());
    let sender = Arc::new(Sender::new(
        ctx.pool.clone(),
        client.clone(),
        ctx.clock.clone(),
        ctx.settings.clone(),
    ));
    let processor = Arc::new(Processor::new(
        ctx.clone(),
        Arc::new(handler),
        me,
        client.clone(),
        to_sender.clone(),
    ));
    let poll = Duration::from_secs(ctx.settings.telegram.poll_timeout_secs.into());

    let listening = tokio::spawn(listener::run(
        client.clone(),
        ctx.pool.clone(),
        ctx.clock.clone(),
        poll,
        to_processor.clone(),
        stopped.clone(),
    ));
    let processing = tokio::spawn(processor.run(to_processor, stopped.clone()));
    let sending = tokio::spawn(sender.run(to_sender.clone(), stopped.clone()));
    let keeper = Arc::new(evidence::EvidenceKeeper::new(
        ctx.pool.clone(),
        client.clone(),
        ctx.clock.clone(),
        ctx.settings.clone(),
    ));
    let keeping = tokio::spawn(keeper.run(stopped.clone()));
    // Catch up on what fell due while the bot was down, then beat once a minute.
    let mut scheduler = None;
    if heartbeat {
        scheduler::beat(&ctx.pool, &ctx.settings, &ctx.clock).await;
        to_sender.notify_one();
        scheduler = Some(
            scheduler::start(
                ctx.pool.clone(),
                ctx.settings.clone(),
                ctx.clock.clone(),
                to_sender.clone(),
            )
            .await?,
        );
    }
    tracing::info!("bot started");
    if !*stopped.borrow() {
        alive.send_replace(true);
    }
    let _ = started.send(true);

    listening.await?;
    if let Some(mut scheduler) = scheduler {
        scheduler.shutdown().await?;
    }
    processing.await?;
    sending.await?;
    keeping.await?;
    robot_sending.await?;
    stop_web(web_serving).await?;
    ctx.pool.close().await;
    tracing::info!("bot stopped");
    Ok(())
}

/// Serves the web view in the background until `stopped`.
fn serve_web(
    ctx: &BotContext,
    listener: TcpListener,
    alive: &watch::Sender<bool>,
    stopped: &watch::Receiver<bool>,
) -> JoinHandle<anyhow::Result<()>> {
    let state = WebState {
        ctx: ctx.clone(),
        alive: alive.subscribe(),
    };
    tokio::spawn(web::server::serve(listener, state, stopped.clone()))
}

/// Waits for the web view to finish the requests in hand (shutdown has begun).
async fn stop_web(serving: Option<JoinHandle<anyhow::Result<()>>>) -> anyhow::Result<()> {
    if let Some(serving) = serving {
        serving.await??;
    }
    Ok(())
}

/// What a stop may have left behind, put right before anything runs: rows in flight at the last
/// stop go again, spent secrets are blanked, old handled updates are dropped.
pub async fn recover_at_start(ctx: &BotContext) -> anyhow::Result<()> {
    let mut conn = ctx.pool.acquire().await?;
    let interrupted = outbox::recover_interrupted(&mut conn).await?;
    if interrupted > 0 {
        tracing::warn!(
            interrupted,
            "messages in flight at the last stop will be sent again"
        );
    }
    // Rows whose outcome was stored before their secrets were blanked (an older version).
    sender::forget_spent_secrets(&mut conn).await?;
    // Also pruned daily; at start-up too, since a bot down for a week may meet its
    // `update_id`s again (RELIABILITY.md, fact 4).
    let keep = TimeDelta::days(ctx.settings.retention.inbox_days.into());
    let before = ctx.clock.now() - keep;
    inbox::prune_done(&mut conn, before).await?;
    Ok(())
}
