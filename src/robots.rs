//! Group robots of the apps Chinese offices read (issue 14): 企业微信 (and 政务微信), 钉钉 and
//! 飞书. A robot is an HTTPS webhook that posts into one group; what the bot sends there goes
//! through the outbox like every Telegram send.
//!
//! - [`config`]: the `[[robots]]` of the configuration file, refused with the line at fault.
//! - [`sign`]: DingTalk's and Feishu's 加签.
//! - [`message`]: what is queued for a robot, and markdown split under the platform's limit.
//! - [`send`]: a queued message as each platform's request, and its answer as a verdict.

pub mod config;
pub mod message;
pub mod send;
pub mod sign;

pub use config::{Audience, Platform, Robot, Sends};
pub use message::RobotMessage;
