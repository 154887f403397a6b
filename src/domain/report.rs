//! What a contact reports, parsed from what they type (SPEC.md §4).

use serde::{Deserialize, Serialize};

/// Longest free text we keep (progress, difficulties).
pub const MAX_TEXT: usize = 2000;

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
