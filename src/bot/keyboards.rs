//! Inline keyboards and their callback data. Callback data is written by the client and can be
//! forged: every press is parsed here and authorised again against the database.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::db::assignments::Assignment;
use crate::db::plan::{MetricRow, UnitRow};
use crate::domain::metric::format_number;
use crate::domain::report::Status;
use crate::domain::role::Role;

/// What a button press asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Press {
    /// /invite without arguments: the role was chosen.
    InviteRole(Role),
    /// …and for a contact, the unit.
    InviteUnit(i64),
}

impl Press {
    pub fn data(&self) -> String {
        match self {
            Self::InviteRole(role) => format!("inv:{}", role.as_str()),
            Self::InviteUnit(unit) => format!("inv:contact:{unit}"),
        }
    }

    pub fn parse(data: &str) -> Option<Self> {
        let parts: Vec<&str> = data.split(':').collect();
        match parts.as_slice() {
            ["inv", "contact", unit] => {
                unit.parse().ok().filter(|id| *id > 0).map(Self::InviteUnit)
            }
            ["inv", role] => Role::from_db(role).map(Self::InviteRole),
            _ => None,
        }
    }
}

fn button(text: &str, press: Press) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text.to_owned(), press.data())
}

pub fn invite_roles() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        button("联络员", Press::InviteRole(Role::Contact)),
        button("分管领导", Press::InviteRole(Role::Leader)),
        button("管理员", Press::InviteRole(Role::Admin)),
    ]])
}

/// Two units a row: long Chinese names fit a phone that way.
pub fn invite_units(units: &[UnitRow]) -> InlineKeyboardMarkup {
    let buttons: Vec<InlineKeyboardButton> = units
        .iter()
        .map(|u| button(&u.name, Press::InviteUnit(u.id)))
        .collect();
    InlineKeyboardMarkup::new(buttons.chunks(2).map(<[InlineKeyboardButton]>::to_vec))
}

/// A button of the report conversation. Presses are checked against the current step: one from
/// an old message is answered as expired.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReportPress {
    Project(i64),
    /// 与上周相同 on a weekly prompt: last week's report of the project, shown to confirm.
    SameAsLast(i64),
    Status(Status),
    Same,
    YesNo(bool),
    /// A figure in doubt (a drop, or past 1.5 × target) kept as typed…
    KeepDecrease,
    /// …or typed again.
    RetypeDecrease,
    Nothing,
    /// 跳过 of the evidence step that is gone; a press from an old message leads to the summary.
    Skip,
    Submit,
    Edit,
    Cancel,
    EditStatus,
    EditMetric(usize),
    EditProgress,
    EditDifficulties,
    /// 删除佐证材料 in the edit menu (the press of the old 佐证材料 button too).
    EditEvidence,
    BackToSummary,
    /// The answer to a question about plain words: its option by position, or none of them.
    Place(usize),
    PlaceNone,
    /// 保留前2000字 under an over-long text.
    KeepFirst,
}

impl ReportPress {
    pub fn data(&self) -> String {
        match self {
            Self::Project(no) => format!("r:p:{no}"),
            Self::SameAsLast(no) => format!("r:same:{no}"),
            Self::Status(status) => format!("r:s:{}", status.as_str()),
            Self::Same => "r:same".to_owned(),
            Self::YesNo(yes) => format!("r:yn:{}", u8::from(*yes)),
            Self::KeepDecrease => "r:dec:keep".to_owned(),
            Self::RetypeDecrease => "r:dec:retype".to_owned(),
            Self::Nothing => "r:none".to_owned(),
            Self::Skip => "r:skip".to_owned(),
            Self::Submit => "r:submit".to_owned(),
            Self::Edit => "r:edit".to_owned(),
            Self::Cancel => "r:cancel".to_owned(),
            Self::EditStatus => "r:e:status".to_owned(),
            Self::EditMetric(index) => format!("r:e:m:{index}"),
            Self::EditProgress => "r:e:progress".to_owned(),
            Self::EditDifficulties => "r:e:difficulties".to_owned(),
            Self::EditEvidence => "r:e:evidence".to_owned(),
            Self::BackToSummary => "r:e:back".to_owned(),
            Self::Place(option) => format!("r:pl:{option}"),
            Self::PlaceNone => "r:pl:none".to_owned(),
            Self::KeepFirst => "r:cut".to_owned(),
        }
    }

    pub fn parse(data: &str) -> Option<Self> {
        let parts: Vec<&str> = data.split(':').collect();
        Some(match parts.as_slice() {
            ["r", "p", no] => Self::Project(no.parse().ok()?),
            ["r", "same", no] => Self::SameAsLast(no.parse().ok()?),
            ["r", "s", status] => Self::Status(Status::from_db(status)?),
            ["r", "same"] => Self::Same,
            ["r", "yn", yes] => Self::YesNo(match *yes {
                "1" => true,
                "0" => false,
                _ => return None,
            }),
            ["r", "dec", "keep"] => Self::KeepDecrease,
            ["r", "dec", "retype"] => Self::RetypeDecrease,
            ["r", "none"] => Self::Nothing,
            ["r", "skip"] => Self::Skip,
            ["r", "submit"] => Self::Submit,
            ["r", "edit"] => Self::Edit,
            ["r", "cancel"] => Self::Cancel,
            ["r", "e", "status"] => Self::EditStatus,
            ["r", "e", "m", index] => Self::EditMetric(index.parse().ok()?),
            ["r", "e", "progress"] => Self::EditProgress,
            ["r", "e", "difficulties"] => Self::EditDifficulties,
            ["r", "e", "evidence"] => Self::EditEvidence,
            ["r", "e", "back"] => Self::BackToSummary,
            ["r", "pl", "none"] => Self::PlaceNone,
            ["r", "pl", option] => Self::Place(option.parse().ok()?),
            ["r", "cut"] => Self::KeepFirst,
            _ => return None,
        })
    }
}

fn report_button(text: impl Into<String>, press: ReportPress) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text.into(), press.data())
}

/// The button on a weekly prompt: it starts the report for its project.
pub fn report_prompt(no: i64) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[report_button(
        format!("填写项目 {no} 本周进展"),
        ReportPress::Project(no),
    )]])
}

/// The weekly prompt's buttons: per project a row, "填写项目 12" (step by step) and
/// "12 与上周相同" (last week's report shown to confirm).
pub fn weekly_prompt(nos: &[i64]) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(nos.iter().map(|no| {
        vec![
            report_button(format!("填写项目 {no}"), ReportPress::Project(*no)),
            report_button(format!("{no} 与上周相同"), ReportPress::SameAsLast(*no)),
        ]
    }))
}

/// One project a row: "12. 新建公共充电桩".
pub fn report_projects(mine: &[Assignment]) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(mine.iter().map(|a| {
        vec![report_button(
            format!("{}. {}", a.project_no, a.title),
            ReportPress::Project(a.project_no),
        )]
    }))
}

pub fn report_statuses() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(Status::ALL.chunks(2).map(|pair| {
        pair.iter()
            .map(|s| report_button(s.label(), ReportPress::Status(*s)))
            .collect::<Vec<_>>()
    }))
}

/// 是/否 for a yes/no metric; otherwise 不变 when there is a last figure to keep, else none.
pub fn report_metric(yes_no: bool, last: Option<f64>) -> InlineKeyboardMarkup {
    if yes_no {
        InlineKeyboardMarkup::new([[
            report_button("是", ReportPress::YesNo(true)),
            report_button("否", ReportPress::YesNo(false)),
        ]])
    } else if let Some(last) = last {
        InlineKeyboardMarkup::new([[report_button(
            format!("不变（{}）", format_number(last)),
            ReportPress::Same,
        )]])
    } else {
        InlineKeyboardMarkup::new(Vec::<Vec<InlineKeyboardButton>>::new())
    }
}

pub fn report_decrease(value: f64) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        report_button(
            format!("是，更正为 {}", format_number(value)),
            ReportPress::KeepDecrease,
        ),
        report_button("重新填写", ReportPress::RetypeDecrease),
    ]])
}

/// 无, under the progress and difficulties questions.
pub fn report_nothing() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[report_button("无", ReportPress::Nothing)]])
}

/// A figure past half again its target: kept as typed, or typed again.
pub fn report_over_target(value: f64) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        report_button(
            format!("是，确为 {}", format_number(value)),
            ReportPress::KeepDecrease,
        ),
        report_button("重新填写", ReportPress::RetypeDecrease),
    ]])
}

/// Under an over-long text: keep its first part (typing a shorter one works too).
pub fn report_too_long(max: usize) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[report_button(
        format!("保留前{max}字"),
        ReportPress::KeepFirst,
    )]])
}

pub fn report_summary() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        report_button("提交", ReportPress::Submit),
        report_button("修改", ReportPress::Edit),
        report_button("取消", ReportPress::Cancel),
    ]])
}

/// A question about plain words: one option a row, then "none of them".
pub fn report_place(options: &[String]) -> InlineKeyboardMarkup {
    let mut rows: Vec<Vec<InlineKeyboardButton>> = options
        .iter()
        .enumerate()
        .map(|(i, label)| vec![report_button(label.clone(), ReportPress::Place(i))])
        .collect();
    rows.push(vec![report_button(
        "都不是（不计入）",
        ReportPress::PlaceNone,
    )]);
    InlineKeyboardMarkup::new(rows)
}

/// Which field to change: the status, each metric, the texts; the evidence, when there is one,
/// can be taken off (another is attached by sending it).
pub fn report_edits(metrics: &[MetricRow], evidence: bool) -> InlineKeyboardMarkup {
    let mut rows = vec![vec![report_button("推进状态", ReportPress::EditStatus)]];
    rows.extend(
        metrics
            .iter()
            .enumerate()
            .map(|(i, m)| vec![report_button(m.name.clone(), ReportPress::EditMetric(i))]),
    );
    rows.push(vec![
        report_button("本周进展", ReportPress::EditProgress),
        report_button("困难问题", ReportPress::EditDifficulties),
    ]);
    let mut last = Vec::new();
    if evidence {
        last.push(report_button("删除佐证材料", ReportPress::EditEvidence));
    }
    last.push(report_button("返回", ReportPress::BackToSummary));
    rows.push(last);
    InlineKeyboardMarkup::new(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_data_reads_back_and_forgeries_are_rejected() {
        for press in [Press::InviteRole(Role::Leader), Press::InviteUnit(7)] {
            assert_eq!(Press::parse(&press.data()), Some(press));
        }
        assert_eq!(Press::parse("inv:king"), None);
        assert_eq!(Press::parse("inv:contact:-1"), None);
        assert_eq!(Press::parse("inv:contact:abc"), None);
        assert_eq!(Press::parse("rm:all"), None);
    }

    #[test]
    fn every_report_button_reads_back_and_foreign_data_does_not() {
        let presses = [
            ReportPress::Project(12),
            ReportPress::SameAsLast(12),
            ReportPress::Status(Status::Difficult),
            ReportPress::Same,
            ReportPress::YesNo(false),
            ReportPress::KeepDecrease,
            ReportPress::RetypeDecrease,
            ReportPress::Nothing,
            ReportPress::Skip,
            ReportPress::Submit,
            ReportPress::Edit,
            ReportPress::Cancel,
            ReportPress::EditStatus,
            ReportPress::EditMetric(2),
            ReportPress::EditProgress,
            ReportPress::EditDifficulties,
            ReportPress::EditEvidence,
            ReportPress::BackToSummary,
            ReportPress::Place(3),
            ReportPress::PlaceNone,
            ReportPress::KeepFirst,
        ];
        for press in presses {
            assert!(
                press.data().len() <= 64,
                "Telegram's limit for callback data"
            );
            assert_eq!(ReportPress::parse(&press.data()), Some(press));
        }
        assert_eq!(ReportPress::parse("r:s:great"), None);
        assert_eq!(ReportPress::parse("r:yn:2"), None);
        assert_eq!(ReportPress::parse("r:same"), Some(ReportPress::Same));
        assert_eq!(ReportPress::parse("r:same:x"), None);
        assert_eq!(ReportPress::parse("inv:admin"), None);
    }
}
