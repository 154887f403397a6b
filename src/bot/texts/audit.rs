//! An audit row's before and after, as an admin reads them: Chinese labels, local dates and
//! times, no JSON and no internal ids.

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use serde_json::Value;

use super::{local_time, short_date};
use crate::domain::role::{AssignmentRole, Role};

/// The fields people read, in the order they read them; ids of rows (person, invite) mean
/// nothing to a reader and are left out.
const ORDER: [&str; 17] = [
    "project",
    "role",
    "unit",
    "scope",
    "digest_chat",
    "active",
    "quiet",
    "from",
    "to",
    "back_on",
    "expires_at",
    "assignments_ended",
    "invites_revoked",
    "pauses",
    "leaves",
    "open",
    "resolved",
];

/// "起：1月8日；止：1月10日" for a stored JSON object; `None` when nothing in it is for people.
pub fn facts(stored: &str, tz: Tz) -> Option<String> {
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(stored) else {
        return None;
    };
    let shown: Vec<String> = ORDER
        .iter()
        .filter_map(|key| fact(key, fields.get(*key)?, tz))
        .collect();
    (!shown.is_empty()).then(|| shown.join("；"))
}

fn fact(key: &str, value: &Value, tz: Tz) -> Option<String> {
    let count = |unit: &str| value.as_i64().map(|n| format!("{n}{unit}"));
    let (label, shown) = match key {
        "role" => ("身份", value.as_str().map(role)?),
        "unit" => ("单位", value.as_str().unwrap_or("—").to_owned()),
        "project" => ("项目", value.as_i64()?.to_string()),
        "scope" => ("分管范围", value.as_str()?.to_owned()),
        "digest_chat" => (
            "调度发送至",
            if value.is_null() {
                "本人私聊"
            } else {
                "群聊"
            }
            .to_owned(),
        ),
        "active" => (
            "账号",
            if value.as_bool()? { "在用" } else { "停用" }.to_owned(),
        ),
        "quiet" => (
            "截止前提醒",
            if value.as_bool()? { "关闭" } else { "开启" }.to_owned(),
        ),
        "expires_at" => ("有效至", instant(value.as_str()?, tz)?),
        "from" => ("起", day(value.as_str()?)?),
        "to" => ("止", day(value.as_str()?)?),
        "back_on" => ("销假日期", day(value.as_str()?)?),
        "assignments_ended" => ("取消指派", count("项")?),
        "invites_revoked" => ("作废邀请链接", count("个")?),
        "pauses" => ("暂停", count("段")?),
        "leaves" => ("请假", count("段")?),
        "open" => ("待协调问题", count("条")?),
        "resolved" => ("已解决", count("条")?),
        _ => return None,
    };
    Some(format!("{label}：{shown}"))
}

fn role(stored: &str) -> String {
    match Role::from_db(stored) {
        Some(role) => role.title().to_owned(),
        None => AssignmentRole::from_db(stored).label().to_owned(),
    }
}

fn day(stored: &str) -> Option<String> {
    stored.parse::<NaiveDate>().ok().map(short_date)
}

fn instant(stored: &str, tz: Tz) -> Option<String> {
    DateTime::parse_from_rfc3339(stored)
        .ok()
        .map(|at| local_time(at.to_utc(), tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_as_chinese_and_ids_are_left_out() {
        let tz = chrono_tz::Asia::Shanghai;
        assert_eq!(
            facts(r#"{"from":"2024-01-08","to":"2024-01-10"}"#, tz).as_deref(),
            Some("起：1月8日；止：1月10日")
        );
        assert_eq!(
            facts(r#"{"project":3,"person":12,"role":"lead"}"#, tz).as_deref(),
            Some("项目：3；身份：牵头")
        );
        assert_eq!(
            facts(
                r#"{"invite":4,"role":"admin","unit":null,"expires_at":"2024-03-20T01:00:00Z"}"#,
                tz
            )
            .as_deref(),
            Some("身份：管理员（工作专班）；单位：—；有效至：3月20日 09:00")
        );
        assert_eq!(facts(r#"{"person":12}"#, tz), None);
        assert_eq!(facts("not json", tz), None);
    }
}
