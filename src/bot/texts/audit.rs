//! An audit row's before and after, as an admin reads them: Chinese labels, what changed as
//! "分管范围：未设定 → 一、四类", dates with their year, no JSON and no internal ids.

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::{long_date, long_time};
use crate::domain::role::{AssignmentRole, Role};

/// The fields people read, in the order they read them; ids of rows (person, invite) mean
/// nothing to a reader and are left out.
const ORDER: [&str; 18] = [
    "project",
    "role",
    "unit",
    "scope",
    "digest_chat",
    "active",
    "quiet",
    "mobile",
    "from",
    "to",
    "expires_at",
    "assignments_ended",
    "invites_revoked",
    "pauses",
    "leaves",
    "back_on",
    "open",
    "resolved",
];

/// "起：2024年1月8日；止：2024年1月10日" for a stored JSON object; `None` when nothing in it
/// is for people.
pub fn facts(stored: &str, tz: Tz) -> Option<String> {
    let fields = object(stored)?;
    let shown: Vec<String> = ORDER
        .iter()
        .filter_map(|key| {
            let (label, value) = fact(key, fields.get(*key)?, tz)?;
            Some(format!("{label}：{value}"))
        })
        .collect();
    (!shown.is_empty()).then(|| shown.join("；"))
}

/// A change as people read it, field by field: "分管范围：未设定 → 一、四类" for what changed,
/// "项目：3" for what was only set or only there before, nothing for what stayed the same;
/// "原为 项目：3；身份：牵头" for what was removed. `None` when nothing in it is for people.
pub fn change(before: Option<&str>, after: Option<&str>, tz: Tz) -> Option<String> {
    let (before, after) = match (before.and_then(object), after.and_then(object)) {
        (None, None) => return None,
        (Some(before), None) => {
            return facts(&Value::Object(before).to_string(), tz).map(|f| format!("原为 {f}"));
        }
        (None, Some(after)) => (Map::new(), after),
        (Some(before), Some(after)) => (before, after),
    };
    let shown: Vec<String> = ORDER
        .iter()
        .filter_map(|key| {
            let was = before.get(*key).and_then(|v| fact(key, v, tz));
            let now = after.get(*key).and_then(|v| fact(key, v, tz));
            match (was, now) {
                (Some((label, was)), Some((_, now))) if was != now => {
                    Some(format!("{label}：{was} → {now}"))
                }
                (Some(_), Some(_)) => None,
                (Some((label, value)), None) | (None, Some((label, value))) => {
                    Some(format!("{label}：{value}"))
                }
                (None, None) => None,
            }
        })
        .collect();
    (!shown.is_empty()).then(|| shown.join("；"))
}

/// What an audit row is about, as people read it: an invite by the role it was for ("单位联络员"),
/// never by its row number ("邀请 #4", as rows stored it).
pub fn target(stored: &str, after: Option<&str>) -> String {
    if !stored.starts_with("邀请 #") {
        return stored.to_owned();
    }
    after
        .and_then(object)
        .and_then(|fields| fields.get("role")?.as_str().map(role))
        .unwrap_or_else(|| "邀请链接".to_owned())
}

fn object(stored: &str) -> Option<Map<String, Value>> {
    match serde_json::from_str::<Value>(stored) {
        Ok(Value::Object(fields)) => Some(fields),
        _ => None,
    }
}

fn fact(key: &str, value: &Value, tz: Tz) -> Option<(&'static str, String)> {
    let count = |unit: &str| value.as_i64().map(|n| format!("{n}{unit}"));
    let (label, shown) = match key {
        "role" => ("身份", value.as_str().map(role)?),
        "unit" => ("单位", value.as_str()?.to_owned()),
        "project" => ("项目", value.as_i64()?.to_string()),
        "scope" => (
            "分管范围",
            match value.as_str() {
                Some("") | None => "未设定".to_owned(),
                Some(scope) => scope.to_owned(),
            },
        ),
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
        "mobile" => ("手机号", value.as_str().unwrap_or("未设定").to_owned()),
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
    Some((label, shown))
}

fn role(stored: &str) -> String {
    match Role::from_db(stored) {
        Some(role) => role.title().to_owned(),
        None => AssignmentRole::from_db(stored).label().to_owned(),
    }
}

fn day(stored: &str) -> Option<String> {
    stored.parse::<NaiveDate>().ok().map(long_date)
}

fn instant(stored: &str, tz: Tz) -> Option<String> {
    DateTime::parse_from_rfc3339(stored)
        .ok()
        .map(|at| long_time(at.to_utc(), tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_as_chinese_and_ids_are_left_out() {
        let tz = chrono_tz::Asia::Shanghai;
        assert_eq!(
            facts(r#"{"from":"2024-01-08","to":"2024-01-10"}"#, tz).as_deref(),
            Some("起：2024年1月8日；止：2024年1月10日")
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
            Some("身份：管理员（工作专班）；有效至：2024年3月20日 09:00")
        );
        assert_eq!(facts(r#"{"person":12}"#, tz), None);
        assert_eq!(facts("not json", tz), None);
    }

    #[test]
    fn a_change_reads_as_before_and_after_field_by_field() {
        let tz = chrono_tz::Asia::Shanghai;
        assert_eq!(
            change(
                Some(r#"{"scope":"","digest_chat":null}"#),
                Some(r#"{"scope":"一、四类","digest_chat":null}"#),
                tz
            )
            .as_deref(),
            Some("分管范围：未设定 → 一、四类")
        );
        assert_eq!(
            change(
                Some(r#"{"role":"co"}"#),
                Some(r#"{"project":3,"person":12,"role":"lead"}"#),
                tz
            )
            .as_deref(),
            Some("项目：3；身份：协办 → 牵头")
        );
        assert_eq!(
            change(Some(r#"{"project":3,"person":12,"role":"lead"}"#), None, tz).as_deref(),
            Some("原为 项目：3；身份：牵头")
        );
        assert_eq!(change(None, Some(r#"{"person":12}"#), tz), None);
    }

    #[test]
    fn an_invite_is_named_by_its_role_not_its_row() {
        assert_eq!(
            target("邀请 #4", Some(r#"{"invite":4,"role":"contact"}"#)),
            "单位联络员"
        );
        assert_eq!(target("邀请 #4", None), "邀请链接");
        assert_eq!(target("项目 3 · 张三", None), "项目 3 · 张三");
    }
}
