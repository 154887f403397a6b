//! Command arguments as admins type them, parsed before anything is looked up.

use crate::domain::role::Role;
use crate::error::UserError;

/// A role as typed: English or Chinese.
pub fn parse_role(text: &str) -> Option<Role> {
    match text.trim().to_lowercase().as_str() {
        "contact" | "联络员" => Some(Role::Contact),
        "leader" | "领导" | "分管领导" => Some(Role::Leader),
        "admin" | "管理员" => Some(Role::Admin),
        _ => None,
    }
}

/// A project number, 1 … 9999.
pub fn parse_project_no(text: &str) -> Option<i64> {
    let no: i64 = text.trim().trim_start_matches('#').parse().ok()?;
    (1..=9999).contains(&no).then_some(no)
}

/// How a person is named in a command: @username, a Telegram id, or (part of) their name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonRef {
    Username(String),
    TelegramId(i64),
    Name(String),
}

impl PersonRef {
    pub fn parse(text: &str) -> Result<Self, UserError> {
        let text = text.trim();
        if let Some(name) = text.strip_prefix('@') {
            let valid = (3..=32).contains(&name.len())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            return if valid {
                Ok(Self::Username(name.to_owned()))
            } else {
                Err(UserError::NoSuchPerson(text.to_owned()))
            };
        }
        if text.chars().all(|c| c.is_ascii_digit()) {
            return match text.parse::<i64>() {
                Ok(id) if id > 0 => Ok(Self::TelegramId(id)),
                _ => Err(UserError::NoSuchPerson(text.to_owned())),
            };
        }
        if text.is_empty() || text.chars().any(|c| c.is_ascii_digit()) {
            return Err(UserError::NoSuchPerson(text.to_owned()));
        }
        Ok(Self::Name(text.to_owned()))
    }
}

/// A leader's scope as typed: category numerals (一,三) and project numbers (3,12), separated by
/// commas (either width), 、 or spaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSpec {
    pub categories: Vec<String>,
    pub projects: Vec<i64>,
}

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

impl ScopeSpec {
    pub fn parse(text: &str) -> Result<Self, UserError> {
        let mut spec = Self::default();
        for part in text
            .split([',', '，', '、', ' ', ';', '；'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let part = part.trim_end_matches('类');
            if NUMERALS.contains(&part) {
                if !spec.categories.iter().any(|c| c == part) {
                    spec.categories.push(part.to_owned());
                }
            } else if let Some(no) = parse_project_no(part) {
                if !spec.projects.contains(&no) {
                    spec.projects.push(no);
                }
            } else {
                return Err(UserError::Usage(format!(
                    "看不懂分管范围中的“{part}”。请用类别序号（一、三）和/或项目序号（3,12），例如：/leader @zhang 一,三,12"
                )));
            }
        }
        if spec.categories.is_empty() && spec.projects.is_empty() {
            return Err(UserError::Usage(
                "请写明分管范围，例如：/leader @zhang 一,三,12".to_owned(),
            ));
        }
        Ok(spec)
    }
}

/// Splits a command's argument text into words (spaces of either width).
pub fn words(text: &str) -> Vec<&str> {
    text.split([' ', '\u{3000}', '\t', '\n'])
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_in_english_and_chinese() {
        assert_eq!(parse_role("contact"), Some(Role::Contact));
        assert_eq!(parse_role("联络员"), Some(Role::Contact));
        assert_eq!(parse_role("领导"), Some(Role::Leader));
        assert_eq!(parse_role("Admin"), Some(Role::Admin));
        assert_eq!(parse_role("boss"), None);
    }

    #[test]
    fn project_numbers_are_positive_integers() {
        assert_eq!(parse_project_no("3"), Some(3));
        assert_eq!(parse_project_no("#12"), Some(12));
        assert_eq!(parse_project_no("0"), None);
        assert_eq!(parse_project_no("三"), None);
        assert_eq!(parse_project_no("3.5"), None);
    }

    #[test]
    fn people_are_named_by_username_id_or_name() {
        assert_eq!(
            PersonRef::parse("@zhang_san"),
            Ok(PersonRef::Username("zhang_san".to_owned()))
        );
        assert_eq!(
            PersonRef::parse("123456789"),
            Ok(PersonRef::TelegramId(123_456_789))
        );
        assert_eq!(
            PersonRef::parse("张三"),
            Ok(PersonRef::Name("张三".to_owned()))
        );
        assert!(PersonRef::parse("12ab").is_err(), "a malformed id");
        assert!(PersonRef::parse("@x").is_err());
        assert!(PersonRef::parse("99999999999999999999").is_err());
    }

    #[test]
    fn scopes_mix_categories_and_projects() {
        let spec = ScopeSpec::parse("一,三，12、3 三").unwrap();
        assert_eq!(spec.categories, vec!["一", "三"]);
        assert_eq!(spec.projects, vec![12, 3]);
        assert!(ScopeSpec::parse("一,甲").is_err());
        assert!(ScopeSpec::parse("  ").is_err());
    }
}

/// A date as typed: 2024-03-18, 3-18, 3/18 or 3月18日 (the last three in `year`).
pub fn parse_date(text: &str, year: i32) -> Option<chrono::NaiveDate> {
    let text = text.trim().trim_end_matches('日');
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date);
    }
    let (month, day) = text.split_once(['-', '/', '月'])?;
    chrono::NaiveDate::from_ymd_opt(year, month.trim().parse().ok()?, day.trim().parse().ok()?)
}

/// `<from> <to>` as typed, in order.
pub fn parse_date_range(text: &str, year: i32) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let [from, to] = words(text)[..] else {
        return None;
    };
    let (from, to) = (parse_date(from, year)?, parse_date(to, year)?);
    (from <= to).then_some((from, to))
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn dates_read_in_the_forms_people_type() {
        let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(parse_date("2024-03-18", 2030), Some(d(2024, 3, 18)));
        assert_eq!(parse_date("3-18", 2024), Some(d(2024, 3, 18)));
        assert_eq!(parse_date("3月18日", 2024), Some(d(2024, 3, 18)));
        assert_eq!(parse_date("2/30", 2024), None);
        assert_eq!(
            parse_date_range("3-18 3-22", 2024),
            Some((d(2024, 3, 18), d(2024, 3, 22)))
        );
        assert_eq!(parse_date_range("3-22 3-18", 2024), None, "backwards");
        assert_eq!(parse_date_range("3-22", 2024), None);
    }
}
