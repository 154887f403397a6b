//! An admin's /mobile (a person's number for the robots' mentions) and /robots (the group
//! robots configured, and a test line to one of them).

use chrono::{DateTime, Utc};

use crate::bot::BotContext;
use crate::bot::texts::robots as say;
use crate::bot::turn::Turn;
use crate::db::people::Person;
use crate::db::{instant, robots as queue};
use crate::error::UserError;
use crate::robots::RobotMessage;
use crate::services::people as admin;
use crate::services::robots::{self, mask_mobile};

/// `/mobile <person> <number>` or `/mobile <person> 清除`.
pub(super) async fn mobile(
    turn: &Turn,
    actor: &Person,
    args: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let usage = || UserError::Usage(say::MOBILE_USAGE.to_owned());
    let (who, number) = args
        .trim()
        .split_once(char::is_whitespace)
        .ok_or_else(usage)?;
    let mobile = robots::parse_mobile(number)
        .map_err(|_| UserError::Usage(say::bad_mobile(number.trim())))?;
    let mut conn = turn.conn().await;
    let person = admin::resolve_person(&mut conn, who).await?;
    let before = robots::set_mobile(&mut conn, actor, &person, mobile.as_deref(), now).await?;
    Ok(match mobile {
        Some(mobile) => say::mobile_set(
            &person.display_name,
            before.as_deref(),
            &mask_mobile(&mobile),
        ),
        None => say::mobile_cleared(&person.display_name, before.as_deref()),
    })
}

/// `/robots`: the list; `/robots test <name>`: a test line queued to that robot.
pub(super) async fn robots(
    ctx: &BotContext,
    turn: &Turn,
    args: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let configured = &ctx.settings.robots;
    let args = args.trim();
    if args.is_empty() {
        let views = robots::views(&mut *turn.conn().await, configured).await?;
        return Ok(say::robot_list(&views, ctx.settings.timezone));
    }
    let Some(name) = args
        .strip_prefix("test")
        .map(str::trim)
        .filter(|n| !n.is_empty())
    else {
        return Err(UserError::Usage(say::ROBOTS_USAGE.to_owned()).into());
    };
    if configured.is_empty() {
        return Ok(say::NO_ROBOTS.to_owned());
    }
    let Some(robot) = configured.iter().find(|r| r.name == name) else {
        let names: Vec<&str> = configured.iter().map(|r| r.name.as_str()).collect();
        return Err(UserError::Refused(say::unknown_robot(name, &names)).into());
    };
    let message = RobotMessage::Text {
        text: say::test_line(&robot.name),
        mobiles: Vec::new(),
    };
    // A step of this moment: each test is a message of its own.
    let step = format!("test:{}", instant(now));
    queue::enqueue(
        &mut *turn.conn().await,
        &robot.name,
        "test",
        &step,
        &message,
        now,
    )
    .await?;
    Ok(say::TEST_QUEUED.to_owned())
}
