//! The ledger's cells as a person writes them: local times, weeks by their days, figures
//! with their units. No ISO stamps, no "name=value", no English.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use crate::domain::metric::{Figure, MetricKind, format_number};

/// A month and day: "3月4日".
pub fn day(date: NaiveDate) -> String {
    format!("{}月{}日", date.month(), date.day())
}

/// A plan week by its working days, Monday to Friday: "3月4日—3月8日当周".
pub fn week(monday: NaiveDate) -> String {
    let friday = monday + Days::new(4);
    format!("{}—{}当周", day(monday), day(friday))
}

/// A local time to the minute: "2024-03-06 09:00".
pub fn local_minute(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// A stored instant in the plan's timezone to the minute: "2024-03-06 09:00".
pub fn local_time(at: DateTime<Utc>, tz: Tz) -> String {
    local_minute(at.with_timezone(&tz).naive_local())
}

/// A report's evidence: the file it is kept in (under the data folder), or what it is while
/// its download waits; empty without evidence.
pub fn evidence(kind: Option<&str>, path: Option<&str>) -> String {
    let what = match kind {
        Some("photo") => "照片",
        Some(_) => "文件",
        None => return String::new(),
    };
    match path {
        Some(path) => path.to_owned(),
        None => format!("{what}（尚未下载）"),
    }
}

/// One reported figure: "安装充电桩 46台", "救助标准提高 5%", "执行市级托育费用标准 是".
pub fn reported(figure: &Figure) -> String {
    let Some(value) = figure.value else {
        return format!("{} 未填", figure.name);
    };
    match figure.kind {
        MetricKind::YesNo => format!("{} {}", figure.name, if value > 0.0 { "是" } else { "否" }),
        MetricKind::Percent => format!(
            "{} {}{}",
            figure.name,
            format_number(value),
            figure.unit.as_deref().unwrap_or("%")
        ),
        MetricKind::Number => format!(
            "{} {}{}",
            figure.name,
            format_number(value),
            figure.unit.as_deref().unwrap_or("")
        ),
    }
}

/// A report's figures, one a line.
pub fn reported_all(figures: &[Figure]) -> String {
    figures.iter().map(reported).collect::<Vec<_>>().join("\n")
}

/// The 量化指标进度 cell: each metric as "name：figure（percent%）", one a line.
pub fn progress(figures: &[Figure]) -> String {
    if figures.is_empty() {
        return "—（按进度跟踪）".to_owned();
    }
    figures
        .iter()
        .map(|f| match f.percent {
            Some(percent) => format!("{}：{}（{percent:.0}%）", f.name, f.shown()),
            None => format!("{}：{}", f.name, f.shown()),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A yes-or-no cell: "是" or "否".
pub fn yes_no(yes: bool) -> &'static str {
    if yes { "是" } else { "否" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_week_reads_monday_to_friday() {
        assert_eq!(week(date("2024-03-04")), "3月4日—3月8日当周");
        assert_eq!(week(date("2024-02-26")), "2月26日—3月1日当周");
        assert_eq!(week(date("2024-12-30")), "12月30日—1月3日当周");
    }

    #[test]
    fn an_instant_reads_in_local_time_to_the_minute() {
        let at: DateTime<Utc> = "2024-03-06T01:00:55.399Z".parse().unwrap();
        assert_eq!(
            local_time(at, chrono_tz::Asia::Shanghai),
            "2024-03-06 09:00"
        );
        let late: DateTime<Utc> = "2024-03-05T16:30:00Z".parse().unwrap();
        assert_eq!(
            local_time(late, chrono_tz::Asia::Shanghai),
            "2024-03-06 00:30"
        );
    }

    fn figure(kind: MetricKind, unit: Option<&str>, value: f64) -> Figure {
        Figure {
            name: "安装充电桩".to_owned(),
            kind,
            target: Some(100.0),
            unit: unit.map(str::to_owned),
            value: Some(value),
            percent: None,
        }
    }

    #[test]
    fn a_figure_reads_with_its_unit() {
        assert_eq!(
            reported(&figure(MetricKind::Number, Some("台"), 46.0)),
            "安装充电桩 46台"
        );
        assert_eq!(
            reported(&figure(MetricKind::Number, Some("公里"), 9.25)),
            "安装充电桩 9.25公里"
        );
        assert_eq!(
            reported(&figure(MetricKind::Percent, None, 5.0)),
            "安装充电桩 5%"
        );
        assert_eq!(
            reported(&figure(MetricKind::YesNo, None, 1.0)),
            "安装充电桩 是"
        );
        assert_eq!(
            reported(&figure(MetricKind::YesNo, None, 0.0)),
            "安装充电桩 否"
        );
    }
}
