//! The bot's loops as single steps, for a caller that drives them itself instead of running
//! them in the background: fetch the updates waiting at Telegram, handle what is due, send what
//! is due. Tests drain them and then check that nothing more comes, without waiting on real time
//! to show it; the heartbeat's steps are the services' `run_due` functions, called the same way.

use std::sync::Arc;
use std::time::Duration;

use teloxide::dispatching::UpdateHandler;
use tokio::sync::{Mutex, Notify, watch};

use crate::bot::BotContext;
use crate::runtime::evidence::{EvidenceKeeper, EvidenceOutcome};
use crate::runtime::lock::InstanceLock;
use crate::runtime::processor::{Handled, Processor};
use crate::runtime::robots::{RobotOutcome, RobotSender};
use crate::runtime::sender::{SendOutcome, Sender};
use crate::runtime::telegram::TelegramClient;
use crate::runtime::{listener, recover_at_start, wait_for_telegram};

pub struct Steps {
    ctx: BotContext,
    client: TelegramClient,
    processor: Processor,
    sender: Sender,
    robots: RobotSender,
    keeper: EvidenceKeeper,
    /// The offset that confirms what was fetched so far, as the listener keeps it.
    offset: Mutex<Option<i64>>,
    _lock: InstanceLock,
}

/// What one [`Steps::drain`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Drained {
    pub handled: usize,
    pub tried: usize,
    /// Group robot messages tried.
    pub robot_tried: usize,
}

impl Steps {
    /// Puts right what a stop left behind and asks Telegram who the bot is, as a start does;
    /// nothing runs until the caller steps.
    pub async fn start(
        ctx: BotContext,
        client: TelegramClient,
        handler: UpdateHandler<anyhow::Error>,
        lock: InstanceLock,
    ) -> anyhow::Result<Self> {
        recover_at_start(&ctx).await?;
        let robots = RobotSender::new(ctx.pool.clone(), ctx.clock.clone(), ctx.settings.clone())?;
        robots.start().await?;
        let (_never, mut running) = watch::channel(false);
        let me = wait_for_telegram(&client, &mut running)
            .await?
            .ok_or_else(|| anyhow::anyhow!("stopped while asking Telegram who the bot is"))?;
        let processor = Processor::new(
            ctx.clone(),
            Arc::new(handler),
            me,
            client.clone(),
            // Nobody listens: the caller sends when it steps.
            Arc::new(Notify::new()),
        );
        let sender = Sender::new(
            ctx.pool.clone(),
            client.clone(),
            ctx.clock.clone(),
            ctx.settings.clone(),
        );
        let keeper = EvidenceKeeper::new(
            ctx.pool.clone(),
            client.clone(),
            ctx.clock.clone(),
            ctx.settings.clone(),
        );
        Ok(Self {
            keeper,
            ctx,
            client,
            processor,
            sender,
            robots,
            offset: Mutex::new(None),
            _lock: lock,
        })
    }

    /// One `getUpdates` that does not wait: stores and confirms what Telegram holds. Whether
    /// anything came.
    pub async fn fetch(&self) -> anyhow::Result<bool> {
        let mut offset = self.offset.lock().await;
        let next = listener::fetch_once(
            &self.client,
            &self.ctx.pool,
            &self.ctx.clock,
            *offset,
            Duration::ZERO,
        )
        .await?;
        let fetched = next != *offset;
        *offset = next;
        Ok(fetched)
    }

    /// Handles the oldest due update, if any.
    pub async fn handle_next(&self) -> anyhow::Result<Option<Handled>> {
        self.processor.handle_next().await
    }

    /// Sends at most one message.
    pub async fn send_next(&self) -> anyhow::Result<SendOutcome> {
        self.sender.try_send_next().await
    }

    /// Sends at most one group robot message.
    pub async fn send_robot_next(&self) -> anyhow::Result<RobotOutcome> {
        self.robots.try_send_next().await
    }

    /// Downloads at most one report's evidence due by the clock.
    pub async fn keep_evidence_next(&self) -> anyhow::Result<EvidenceOutcome> {
        self.keeper.keep_next().await
    }

    /// Fetches, handles and sends until nothing more is due by the clock: afterwards, whatever
    /// was going to happen by now has happened (but for answers to button presses, which go
    /// straight to Telegram after their update's commit).
    pub async fn drain(&self) -> anyhow::Result<Drained> {
        let mut drained = Drained::default();
        loop {
            let fetched = self.fetch().await?;
            let mut handled = 0;
            while self.handle_next().await?.is_some() {
                handled += 1;
            }
            // Robots first: a broken one queues its notice for the Telegram sender.
            let robot_sent = self.robots.send_due().await?;
            let sent = self.sender.send_due().await?;
            drained.handled += handled;
            drained.tried += sent;
            drained.robot_tried += robot_sent;
            if !fetched && handled == 0 && sent == 0 && robot_sent == 0 {
                return Ok(drained);
            }
        }
    }

    pub fn context(&self) -> &BotContext {
        &self.ctx
    }

    /// Closes the database; the instance lock goes with `self`.
    pub async fn stop(self) {
        self.ctx.pool.close().await;
    }
}
