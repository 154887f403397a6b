//! What a contact reports, parsed from what they type (SPEC.md §4).

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// Longest free text we keep (progress, difficulties).
pub const MAX_TEXT: usize = 2000;

/// How long after 提交 a photo or a file sent on its own still joins the report just sent.
pub const EVIDENCE_AFTER_MINUTES: i64 = 10;

/// Whether a file sent at `now` joins a report submitted at `submitted`.
pub fn joins_report(submitted: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let since = now - submitted;
    since >= TimeDelta::zero() && since <= TimeDelta::minutes(EVIDENCE_AFTER_MINUTES)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    OnTrack,
    Behind,
    Done,
    Difficult,
}

impl Status {
    pub const ALL: [Self; 4] = [Self::OnTrack, Self::Behind, Self::Done, Self::Difficult];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnTrack => "on_track",
            Self::Behind => "behind",
            Self::Done => "done",
            Self::Difficult => "difficult",
        }
    }

    /// The status as people call it.
    pub fn label(self) -> &'static str {
        match self {
            Self::OnTrack => "正常推进",
            Self::Behind => "进度滞后",
            Self::Done => "已完成",
            Self::Difficult => "存在困难",
        }
    }

    pub fn from_db(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// As typed: the full label or a short form (滞后, 完成, 困难, 正常).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|s| s.label() == text)
            .or(match text {
                "正常" | "推进" => Some(Self::OnTrack),
                "滞后" => Some(Self::Behind),
                "完成" => Some(Self::Done),
                "困难" => Some(Self::Difficult),
                _ => None,
            })
    }
}

/// Why a typed number was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueError {
    NotANumber,
    Negative,
}

/// A metric's cumulative value as typed: "45", "45个", "９.２", "5%". Full-width digits and
/// thousands separators are read too.
pub fn parse_value(text: &str) -> Result<f64, ValueError> {
    let normal: String = text
        .trim()
        .chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            '．' | '。' => Some('.'),
            '－' | '—' => Some('-'),
            ',' | '，' | ' ' => None,
            c => Some(c),
        })
        .collect();
    let number: String = normal
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    let rest = normal[number.len()..].trim();
    // After the number only a unit may follow (个, 处, 人次, %), never more digits.
    if number.is_empty() || rest.chars().any(|c| c.is_ascii_digit()) {
        return Err(ValueError::NotANumber);
    }
    let value: f64 = number.parse().map_err(|_| ValueError::NotANumber)?;
    if !value.is_finite() {
        return Err(ValueError::NotANumber);
    }
    if value < 0.0 {
        return Err(ValueError::Negative);
    }
    Ok(value)
}

/// 是/否 as typed.
pub fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim() {
        "是" | "已执行" | "已完成" | "yes" | "y" | "1" => Some(true),
        "否" | "未执行" | "未完成" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// Why a figure deserves a second look before it is stored: it fell below the last one (a
/// correction, or a typo), or it runs past half again the target (a typo, or a wrong unit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Doubt {
    Drop { last: f64 },
    OverTarget { target: f64 },
}

/// How far past the target a figure may go before it is asked about.
pub const DOUBT_OVER_TARGET: f64 = 1.5;

/// The one check of a figure, for the step-by-step question and the summary alike. A drop
/// comes first: it is the likelier mistake.
pub fn doubt(value: f64, last: Option<f64>, target: Option<f64>) -> Option<Doubt> {
    if let Some(last) = last.filter(|last| value < *last) {
        return Some(Doubt::Drop { last });
    }
    target
        .filter(|target| *target > 0.0 && value > DOUBT_OVER_TARGET * target)
        .map(|target| Doubt::OverTarget { target })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    TooLong(usize),
    Empty,
}

/// Free text for progress or difficulties; "无" (or a dash) means nothing to say.
pub fn parse_text(text: &str) -> Result<String, TextError> {
    let text = text.trim();
    let length = text.chars().count();
    if length > MAX_TEXT {
        return Err(TextError::TooLong(length));
    }
    if text.is_empty() {
        return Err(TextError::Empty);
    }
    Ok(if ["无", "没有", "暂无", "-", "—"].contains(&text) {
        String::new()
    } else {
        text.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_people_type_them() {
        assert_eq!(parse_value("45"), Ok(45.0));
        assert_eq!(parse_value("45个"), Ok(45.0));
        assert_eq!(parse_value(" ９.２ 公里"), Ok(9.2));
        assert_eq!(parse_value("5%"), Ok(5.0));
        assert_eq!(parse_value("8,700"), Ok(8700.0));
        assert_eq!(parse_value("-3"), Err(ValueError::Negative));
        assert_eq!(parse_value("四十五"), Err(ValueError::NotANumber));
        assert_eq!(parse_value("45到50"), Err(ValueError::NotANumber));
        assert_eq!(parse_value(""), Err(ValueError::NotANumber));
    }

    #[test]
    fn statuses_read_in_full_or_short() {
        assert_eq!(Status::parse("进度滞后"), Some(Status::Behind));
        assert_eq!(Status::parse("完成"), Some(Status::Done));
        assert_eq!(Status::parse("还行"), None);
    }

    #[test]
    fn a_file_joins_the_report_sent_in_the_last_ten_minutes() {
        let sent: DateTime<Utc> = "2024-03-13T02:00:00Z".parse().unwrap();
        assert!(joins_report(sent, sent + TimeDelta::minutes(5)));
        assert!(joins_report(sent, sent + TimeDelta::minutes(10)));
        assert!(!joins_report(sent, sent + TimeDelta::minutes(11)));
        assert!(!joins_report(sent, sent - TimeDelta::minutes(1)));
    }

    #[test]
    fn a_drop_or_half_again_the_target_is_doubted() {
        assert_eq!(doubt(45.0, Some(40.0), Some(100.0)), None);
        assert_eq!(
            doubt(150.0, None, Some(100.0)),
            None,
            "1.5 × target is fine"
        );
        assert_eq!(
            doubt(151.0, Some(40.0), Some(100.0)),
            Some(Doubt::OverTarget { target: 100.0 })
        );
        assert_eq!(
            doubt(4.0, Some(5.0), Some(7.0)),
            Some(Doubt::Drop { last: 5.0 })
        );
        assert_eq!(
            doubt(4.0, Some(50.0), Some(2.0)),
            Some(Doubt::Drop { last: 50.0 }),
            "a drop is named first"
        );
        assert_eq!(doubt(40.0, Some(40.0), None), None, "no target, no ceiling");
        assert_eq!(
            doubt(1.0, None, Some(0.0)),
            None,
            "a zero target is no ceiling"
        );
    }

    #[test]
    fn free_text_has_a_limit_and_none_means_empty() {
        assert_eq!(parse_text("无"), Ok(String::new()));
        assert_eq!(parse_text(" 完成主体施工 "), Ok("完成主体施工".to_owned()));
        assert_eq!(
            parse_text(&"字".repeat(2001)),
            Err(TextError::TooLong(2001))
        );
        assert!(parse_text(&"字".repeat(2000)).is_ok());
    }
}
