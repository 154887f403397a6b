//! The group robots as data: the start-up check that each robot's `to` names somebody, a
//! person's mobile number (checked, masked, audited), and what /robots shows of each robot.
//! Worded one layer up, in the bot's robot texts; queued by the robots job.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::SqliteConnection;

use crate::db::people::{self, Person};
use crate::db::{audit, plan, robots as robots_db};
use crate::domain::role::Role;
use crate::error::UserError;
use crate::robots::{Audience, Platform, Robot, Sends};
use crate::services::people::label;

/// Refuses to start when a robot's `to` names nobody: a `leader:<id>` that is not an active
/// leader, or a `unit:<name>` that is no unit of the plan. The message names the robot and the
/// line of its `to`.
pub async fn check_audiences(conn: &mut SqliteConnection, robots: &[Robot]) -> anyhow::Result<()> {
    for robot in robots {
        let at = format!("配置文件第 {} 行：机器人“{}”的 to", robot.line, robot.name);
        match &robot.audience {
            Audience::Admins => {}
            Audience::Leader(id) => {
                if leader(conn, *id).await?.is_none() {
                    anyhow::bail!("{at} = leader:{id} 不是在册的分管领导");
                }
            }
            Audience::Unit(name) => {
                if plan::unit_id(conn, name).await?.is_none() {
                    anyhow::bail!("{at} = unit:{name} 不是计划中的单位");
                }
            }
        }
    }
    Ok(())
}

/// The active leader of a Telegram id.
pub async fn leader(conn: &mut SqliteConnection, telegram_id: i64) -> sqlx::Result<Option<Person>> {
    Ok(people::by_telegram_id(conn, telegram_id)
        .await?
        .filter(|p| p.active && p.role == Role::Leader))
}

/// The word that clears a number in `/mobile <person> 清除`.
pub const CLEAR: &str = "清除";

/// What is not a mainland mobile number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAMobile;

/// A mainland mobile number as people write it ("138 0000 0000", "+86 13800000000"): its 11
/// digits, or `None` for 清除; `Err` when it is not a mobile number.
pub fn parse_mobile(text: &str) -> Result<Option<String>, NotAMobile> {
    let text = text.trim();
    if text == CLEAR {
        return Ok(None);
    }
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '+'))
        .collect();
    let digits = match digits.strip_prefix("86") {
        Some(rest) if digits.len() == 13 => rest.to_owned(),
        _ => digits,
    };
    let valid =
        digits.len() == 11 && digits.starts_with('1') && digits.chars().all(|c| c.is_ascii_digit());
    if valid {
        Ok(Some(digits))
    } else {
        Err(NotAMobile)
    }
}

/// A number as it may be shown or kept in the audit trail: "138****0000".
pub fn mask_mobile(mobile: &str) -> String {
    if mobile.len() < 8 || !mobile.is_ascii() {
        return "****".to_owned();
    }
    format!("{}****{}", &mobile[..3], &mobile[mobile.len() - 4..])
}

/// Sets (or clears) a person's mobile number, audited with the numbers masked. Returns the
/// number before, masked.
pub async fn set_mobile(
    conn: &mut SqliteConnection,
    actor: &Person,
    person: &Person,
    mobile: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<String>> {
    let before = people::mobile_of(conn, person.id).await?;
    if before.as_deref() == mobile {
        return Err(UserError::Refused(match mobile {
            Some(m) => format!("{} 的手机号已是 {}。", person.display_name, mask_mobile(m)),
            None => format!("{} 尚未设定手机号。", person.display_name),
        })
        .into());
    }
    people::set_mobile(conn, person.id, mobile).await?;
    let before = before.as_deref().map(mask_mobile);
    let entry = audit::Entry {
        actor_id: Some(actor.id),
        actor_label: &label(actor),
        action: "mobile",
        target: &label(person),
        before: Some(json!({ "mobile": before })),
        after: Some(json!({ "mobile": mobile.map(mask_mobile) })),
    };
    audit::record(conn, entry, now).await?;
    Ok(before)
}

/// Who a robot's group is, as /robots names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readers {
    Admins,
    /// A leader by name (their Telegram id when no such leader is active any more).
    Leader(Result<String, i64>),
    Unit(String),
}

/// One robot as /robots shows it: never its webhook, only [`Robot::masked`].
#[derive(Debug, Clone)]
pub struct RobotView {
    pub name: String,
    pub platform: Platform,
    pub masked: String,
    pub sends: Vec<Sends>,
    pub readers: Readers,
    /// Its newest delivery, from its health or from the queue.
    pub last_delivery: Option<DateTime<Utc>>,
    pub broken: bool,
}

/// Every configured robot as /robots shows it.
pub async fn views(
    conn: &mut SqliteConnection,
    robots: &[Robot],
) -> anyhow::Result<Vec<RobotView>> {
    let all = robots_db::health(conn).await?;
    let mut views = Vec::with_capacity(robots.len());
    for robot in robots {
        let health = all.iter().find(|h| h.robot == robot.name);
        let readers = match &robot.audience {
            Audience::Admins => Readers::Admins,
            Audience::Leader(id) => {
                Readers::Leader(leader(conn, *id).await?.map(|p| p.display_name).ok_or(*id))
            }
            Audience::Unit(name) => Readers::Unit(name.clone()),
        };
        views.push(RobotView {
            name: robot.name.clone(),
            platform: robot.platform,
            masked: robot.masked(),
            sends: robot.sends.clone(),
            readers,
            last_delivery: health.and_then(|h| h.last_sent_at),
            broken: health.is_some_and(|h| h.broken_at.is_some()),
        });
    }
    Ok(views)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mobile_is_eleven_digits_from_one_and_shows_masked() {
        assert_eq!(
            parse_mobile("13800000000"),
            Ok(Some("13800000000".to_owned()))
        );
        assert_eq!(
            parse_mobile("+86 138-0000-1234"),
            Ok(Some("13800001234".to_owned()))
        );
        assert_eq!(parse_mobile("清除"), Ok(None));
        assert_eq!(parse_mobile("1380000000"), Err(NotAMobile));
        assert_eq!(parse_mobile("23800000000"), Err(NotAMobile));
        assert_eq!(parse_mobile("1380000000a"), Err(NotAMobile));
        assert_eq!(mask_mobile("13800001234"), "138****1234");
    }
}
