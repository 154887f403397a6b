//! A yearly plan as a person writes it in `seeds/*.toml`, parsed and checked before anything
//! touches the database. Every refusal names the file, the line and the reason.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use crate::domain::metric::{Comparison, MetricKind, Target};

#[derive(Debug, Clone, PartialEq)]
pub struct PlanSeed {
    pub plan: PlanInfo,
    pub units: Vec<UnitSeed>,
    pub categories: Vec<CategorySeed>,
    pub projects: Vec<ProjectSeed>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanInfo {
    pub year: i32,
    pub name: String,
    pub document: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub timezone: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    Department,
    Street,
    Enterprise,
    /// Stands for its members: 各街道 is every street office.
    Group,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Department => "department",
            Self::Street => "street",
            Self::Enterprise => "enterprise",
            Self::Group => "group",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSeed {
    pub name: String,
    pub kind: UnitKind,
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategorySeed {
    pub numeral: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectSeed {
    pub no: u32,
    /// The numeral of its category (一 … 十).
    pub category: String,
    pub title: String,
    pub summary: String,
    pub goals: String,
    /// Lead unit first, then the co-units, in the document's order.
    pub units: Vec<String>,
    pub deadline: NaiveDate,
    pub metrics: Vec<MetricSeed>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricSeed {
    pub name: String,
    pub target: Target,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

impl std::error::Error for SeedError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeed {
    plan: Spanned<RawPlan>,
    #[serde(default)]
    units: Vec<Spanned<RawUnit>>,
    #[serde(default)]
    categories: Vec<Spanned<RawCategory>>,
    #[serde(default)]
    projects: Vec<Spanned<RawProject>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    year: i32,
    name: String,
    document: Option<String>,
    issued_on: Option<String>,
    starts_on: String,
    ends_on: String,
    timezone: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    name: String,
    kind: UnitKind,
    group: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    numeral: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    no: u32,
    category: String,
    title: String,
    summary: String,
    goals: String,
    units: Vec<String>,
    deadline: Option<String>,
    #[serde(default)]
    metrics: Vec<Spanned<RawMetric>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    name: String,
    kind: MetricKind,
    target: Option<f64>,
    unit: Option<String>,
    comparison: Option<Comparison>,
    baseline: Option<f64>,
}

/// Parses and checks one seed file. `file` is only used to name it in errors.
pub fn parse(text: &str, file: &str) -> Result<PlanSeed, SeedError> {
    let at = |offset: usize, reason: String| SeedError {
        file: file.to_owned(),
        line: text[..offset.min(text.len())].matches('\n').count() + 1,
        reason,
    };
    let raw: RawSeed = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |span| span.start);
        at(offset, e.message().trim().to_owned())
    })?;

    let plan_at = raw.plan.span().start;
    let plan = raw.plan.into_inner();
    let date = |text: &str, what: &str, offset: usize| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            at(
                offset,
                format!("{what} “{text}” 不是 YYYY-MM-DD 格式的日期"),
            )
        })
    };
    let starts_on = date(&plan.starts_on, "plan.starts_on", plan_at)?;
    let ends_on = date(&plan.ends_on, "plan.ends_on", plan_at)?;
    if starts_on > ends_on {
        return Err(at(plan_at, "plan.starts_on 晚于 plan.ends_on".to_owned()));
    }
    if plan.name.trim().is_empty() {
        return Err(at(plan_at, "plan.name 不能为空".to_owned()));
    }
    if plan.timezone.parse::<chrono_tz::Tz>().is_err() {
        return Err(at(
            plan_at,
            format!("plan.timezone “{}” 不是有效的时区名", plan.timezone),
        ));
    }
    let issued_on = plan
        .issued_on
        .as_deref()
        .map(|d| date(d, "plan.issued_on", plan_at))
        .transpose()?;
    let info = PlanInfo {
        year: plan.year,
        name: plan.name,
        document: plan.document,
        issued_on,
        starts_on,
        ends_on,
        timezone: plan.timezone,
    };

    let mut units = Vec::new();
    let mut unit_kinds = HashMap::new();
    for unit in &raw.units {
        let offset = unit.span().start;
        let unit = unit.get_ref();
        one_line(&unit.name, "单位名称", offset, &at)?;
        if unit_kinds.insert(unit.name.clone(), unit.kind).is_some() {
            return Err(at(offset, format!("单位“{}”重复列出", unit.name)));
        }
    }
    for unit in raw.units {
        let offset = unit.span().start;
        let unit = unit.into_inner();
        match (&unit.group, unit.kind) {
            (Some(_), UnitKind::Group) => {
                return Err(at(offset, format!("单位组“{}”不能再属于别的组", unit.name)));
            }
            (Some(group), _) if unit_kinds.get(group) != Some(&UnitKind::Group) => {
                return Err(at(
                    offset,
                    format!("单位“{}”的 group “{group}”不是已列出的单位组", unit.name),
                ));
            }
            _ => {}
        }
        units.push(UnitSeed {
            name: unit.name,
            kind: unit.kind,
            group: unit.group,
        });
    }

    let mut categories = Vec::new();
    let mut numerals = HashSet::new();
    for category in raw.categories {
        let offset = category.span().start;
        let category = category.into_inner();
        one_line(&category.name, "类别名称", offset, &at)?;
        if !numerals.insert(category.numeral.clone()) {
            return Err(at(offset, format!("类别序号“{}”重复", category.numeral)));
        }
        categories.push(CategorySeed {
            numeral: category.numeral,
            name: category.name,
        });
    }

    let mut projects = Vec::new();
    let mut numbers = HashSet::new();
    for project in raw.projects {
        let offset = project.span().start;
        let project = project.into_inner();
        let no = project.no;
        if no == 0 || !numbers.insert(no) {
            return Err(at(offset, format!("项目序号 {no} 为 0 或重复")));
        }
        if !numerals.contains(&project.category) {
            return Err(at(
                offset,
                format!(
                    "项目 {no} 的类别“{}”未在 [[categories]] 中列出",
                    project.category
                ),
            ));
        }
        one_line(
            &project.title,
            &format!("项目 {no} 的具体事项"),
            offset,
            &at,
        )?;
        if project.summary.trim().is_empty() || project.goals.trim().is_empty() {
            return Err(at(
                offset,
                format!("项目 {no} 的内容概述和工作目标不能为空"),
            ));
        }
        if project.units.is_empty() {
            return Err(at(offset, format!("项目 {no} 没有承办单位")));
        }
        let mut seen = HashSet::new();
        for unit in &project.units {
            if !unit_kinds.contains_key(unit) {
                return Err(at(
                    offset,
                    format!("项目 {no} 的承办单位“{unit}”未在 [[units]] 中列出"),
                ));
            }
            if !seen.insert(unit) {
                return Err(at(offset, format!("项目 {no} 的承办单位“{unit}”重复")));
            }
        }
        let deadline = match &project.deadline {
            Some(text) => date(text, &format!("项目 {no} 的 deadline"), offset)?,
            None => ends_on,
        };
        if deadline < starts_on || deadline > ends_on {
            return Err(at(
                offset,
                format!(
                    "项目 {no} 的 deadline {deadline} 不在计划期 {starts_on} 至 {ends_on} 之内"
                ),
            ));
        }
        let mut metrics = Vec::new();
        let mut names = HashSet::new();
        for metric in project.metrics {
            let offset = metric.span().start;
            let metric = metric.into_inner();
            if metric.name.trim().is_empty() || !names.insert(metric.name.clone()) {
                return Err(at(
                    offset,
                    format!("项目 {no} 的指标名称为空或重复：“{}”", metric.name),
                ));
            }
            let target = metric_target(&metric).map_err(|reason| {
                at(offset, format!("项目 {no} 的指标“{}”{reason}", metric.name))
            })?;
            metrics.push(MetricSeed {
                name: metric.name,
                target,
            });
        }
        projects.push(ProjectSeed {
            no,
            category: project.category,
            title: project.title,
            summary: project.summary,
            goals: project.goals,
            units: project.units,
            deadline,
            metrics,
        });
    }
    if projects.is_empty() {
        return Err(at(0, "种子文件中没有任何 [[projects]]".to_owned()));
    }
    projects.sort_by_key(|p| p.no);
    Ok(PlanSeed {
        plan: info,
        units,
        categories,
        projects,
    })
}

/// A line break inside a name is the document's layout leaking in (发展软环境\n保障局).
fn one_line(
    text: &str,
    what: &str,
    offset: usize,
    at: &impl Fn(usize, String) -> SeedError,
) -> Result<(), SeedError> {
    if text.trim().is_empty() {
        return Err(at(offset, format!("{what}不能为空")));
    }
    if text.contains('\n') || text.trim() != text {
        return Err(at(
            offset,
            format!(
                "{what}“{}”含有换行或首尾空白（原文排版的断行应合并）",
                text.trim()
            ),
        ));
    }
    Ok(())
}

fn metric_target(metric: &RawMetric) -> Result<Target, String> {
    let numeric = metric.kind != MetricKind::YesNo;
    if numeric {
        match metric.target {
            Some(t) if t.is_finite() && t > 0.0 => {}
            Some(t) => return Err(format!("的目标值 {t} 应为正数")),
            None => return Err("缺少目标值 target".to_owned()),
        }
        if metric.comparison.is_none() {
            return Err("缺少 comparison（reach / at_least / about）".to_owned());
        }
    } else if metric.target.is_some()
        || metric.comparison.is_some()
        || metric.unit.is_some()
        || metric.baseline.is_some()
    {
        return Err("是是/否指标，不应有 target、unit、comparison 或 baseline".to_owned());
    }
    if let Some(baseline) = metric.baseline
        && !(baseline.is_finite() && baseline >= 0.0)
    {
        return Err(format!("的基数 baseline {baseline} 不能为负"));
    }
    let unit = match metric.kind {
        MetricKind::Percent => Some(metric.unit.clone().unwrap_or_else(|| "%".to_owned())),
        _ => metric.unit.clone(),
    };
    Ok(Target {
        kind: metric.kind,
        value: metric.target,
        unit,
        comparison: metric.comparison,
        baseline: metric.baseline,
    })
}

#[cfg(test)]
mod tests;
