//! Metrics (量化指标): what a project's goals count, and how a target reads.

use std::fmt;

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricKind {
    /// A count or a measure with a unit label (个, 人次, 公里).
    Number,
    /// A percentage (救助标准提高 5%).
    Percent,
    /// Done or not (执行市级收费标准).
    YesNo,
}

impl MetricKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Number => "number",
            Self::Percent => "percent",
            Self::YesNo => "yesno",
        }
    }

    pub fn from_db(text: &str) -> Option<Self> {
        [Self::Number, Self::Percent, Self::YesNo]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// How the document words a target: reached (新建6处), at least (500个以上, 不少于4场) or about
/// (约9.2公里).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Reach,
    AtLeast,
    About,
}

impl Comparison {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reach => "reach",
            Self::AtLeast => "at_least",
            Self::About => "about",
        }
    }

    pub fn from_db(text: &str) -> Option<Self> {
        [Self::Reach, Self::AtLeast, Self::About]
            .into_iter()
            .find(|c| c.as_str() == text)
    }
}

/// A metric's target as a person reads it: "500个以上", "约9.2公里", "5%以上", "是/否".
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub kind: MetricKind,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub comparison: Option<Comparison>,
    pub baseline: Option<f64>,
}

/// Prints 9.2 as "9.2" and 500.0 as "500".
pub fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// A metric's figure as a person reads it, beside its name: value/target with the unit
/// ("4/6处"), 是/否 for a yes/no, 未填 when nothing was reported.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub name: String,
    pub kind: MetricKind,
    pub target: Option<f64>,
    pub unit: Option<String>,
    pub value: Option<f64>,
    /// The value in percent of the target (a yes/no is 0 or 100); `None` when not reported.
    pub percent: Option<f64>,
}

impl Figure {
    /// The figure's own words: "46/60台", "是", "未填".
    pub fn shown(&self) -> String {
        match self.value {
            None => "未填".to_owned(),
            Some(v) if self.kind == MetricKind::YesNo => {
                (if v > 0.0 { "是" } else { "否" }).to_owned()
            }
            Some(v) => format!(
                "{}/{}{}",
                format_number(v),
                format_number(self.target.unwrap_or_default()),
                self.unit.as_deref().unwrap_or("")
            ),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(value) = self.value else {
            return f.write_str("是/否");
        };
        let unit = self.unit.as_deref().unwrap_or("");
        let number = format!("{}{unit}", format_number(value));
        match self.comparison {
            Some(Comparison::AtLeast) => write!(f, "{number}以上")?,
            Some(Comparison::About) => write!(f, "约{number}")?,
            _ => f.write_str(&number)?,
        }
        if let Some(baseline) = self.baseline {
            write!(f, "（现有{}{unit}）", format_number(baseline))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(
        value: Option<f64>,
        unit: &str,
        comparison: Option<Comparison>,
        baseline: Option<f64>,
    ) -> Target {
        let kind = if value.is_some() {
            MetricKind::Number
        } else {
            MetricKind::YesNo
        };
        Target {
            kind,
            value,
            unit: Some(unit.to_owned()).filter(|u| !u.is_empty()),
            comparison,
            baseline,
        }
    }

    #[test]
    fn targets_read_as_the_document_words_them() {
        assert_eq!(
            target(Some(500.0), "个", Some(Comparison::AtLeast), None).to_string(),
            "500个以上"
        );
        assert_eq!(
            target(Some(9.2), "公里", Some(Comparison::About), None).to_string(),
            "约9.2公里"
        );
        assert_eq!(
            target(Some(6.0), "处", Some(Comparison::Reach), Some(10.0)).to_string(),
            "6处（现有10处）"
        );
        assert_eq!(
            target(Some(5.0), "%", Some(Comparison::AtLeast), None).to_string(),
            "5%以上"
        );
        assert_eq!(target(None, "", None, None).to_string(), "是/否");
    }

    fn figure(kind: MetricKind, value: Option<f64>) -> Figure {
        Figure {
            name: "改造老旧小区".to_owned(),
            kind,
            target: Some(60.0),
            unit: Some("台".to_owned()),
            value,
            percent: None,
        }
    }

    #[test]
    fn a_figure_reads_as_value_over_target_yes_no_or_not_filled() {
        assert_eq!(figure(MetricKind::Number, Some(46.0)).shown(), "46/60台");
        assert_eq!(figure(MetricKind::Percent, Some(2.5)).shown(), "2.5/60台");
        assert_eq!(figure(MetricKind::YesNo, Some(1.0)).shown(), "是");
        assert_eq!(figure(MetricKind::YesNo, Some(0.0)).shown(), "否");
        assert_eq!(figure(MetricKind::Number, None).shown(), "未填");
    }

    #[test]
    fn numbers_print_without_needless_decimals() {
        assert_eq!(format_number(8700.0), "8700");
        assert_eq!(format_number(9.2), "9.2");
        assert_eq!(format_number(0.25), "0.25");
    }
}
