//! Reading a plan back: what `minsheng projects` prints and the bot shows.

use anyhow::anyhow;
use sqlx::SqlitePool;

use crate::db::plan::{self, MetricRow, ProjectRow};
use crate::domain::metric::{Comparison, Target};

#[derive(Debug, Clone)]
pub struct ProjectOverview {
    pub project: ProjectRow,
    pub metrics: Vec<NamedTarget>,
}

/// A metric by its name, with its target.
#[derive(Debug, Clone)]
pub struct NamedTarget {
    pub name: String,
    pub target: Target,
}

impl From<&MetricRow> for NamedTarget {
    fn from(metric: &MetricRow) -> Self {
        Self {
            name: metric.name.clone(),
            target: metric.target(),
        }
    }
}

impl MetricRow {
    pub fn target(&self) -> Target {
        Target {
            kind: self.kind,
            value: self.target,
            unit: self.unit.clone(),
            comparison: self.comparison.as_deref().and_then(Comparison::from_db),
            baseline: self.baseline,
        }
    }
}

/// The projects of a plan (the newest when `year` is `None`), each with its metrics.
pub async fn overview(
    pool: &SqlitePool,
    year: Option<i32>,
) -> anyhow::Result<(i32, Vec<ProjectOverview>)> {
    let mut conn = pool.acquire().await?;
    let year = match year {
        Some(year) => year,
        None => plan::latest_plan_year(&mut conn)
            .await?
            .ok_or_else(|| anyhow!("数据库中还没有任何年度计划，请先运行 minsheng seed"))?,
    };
    let plan_id = plan::plan_id_by_year(&mut conn, year)
        .await?
        .ok_or_else(|| anyhow!("数据库中没有 {year} 年的计划"))?;
    let projects = plan::projects_of_plan(&mut conn, plan_id).await?;
    let metrics = plan::metrics_of_plan(&mut conn, plan_id).await?;
    let overviews = projects
        .into_iter()
        .map(|project| {
            let metrics = metrics
                .iter()
                .filter(|m| m.project_id == project.id)
                .map(NamedTarget::from)
                .collect();
            ProjectOverview { project, metrics }
        })
        .collect();
    Ok((year, overviews))
}

/// Terminal columns a string takes: CJK characters are two wide.
pub fn display_width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
        || matches!(c, '“' | '”' | '、' | '（' | '）')
}

/// The plan as a table for a terminal: number, category, title, lead unit, metrics with targets.
pub fn render_table(year: i32, projects: &[ProjectOverview]) -> String {
    let header = ["序号", "类别", "具体事项", "牵头单位", "量化指标"];
    let rows: Vec<[String; 5]> = projects
        .iter()
        .map(|p| {
            let metrics = if p.metrics.is_empty() {
                "—（按进度跟踪）".to_owned()
            } else {
                p.metrics
                    .iter()
                    .map(|m| format!("{} {}", m.name, m.target))
                    .collect::<Vec<_>>()
                    .join("；")
            };
            [
                p.project.no.to_string(),
                p.project.category_numeral.clone(),
                p.project.title.clone(),
                p.project.lead_unit.clone(),
                metrics,
            ]
        })
        .collect();
    let mut widths = header.map(display_width);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(cell));
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (index, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if index + 1 < cells.len() {
                out.push_str(&" ".repeat(widths[index] - display_width(cell) + 2));
            }
        }
        out.push('\n');
        out
    };
    let mut out = format!("{year}年计划，共 {} 项\n", projects.len());
    out.push_str(&line(&header.map(str::to_owned)));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}
