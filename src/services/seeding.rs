//! Loading a yearly plan from `seeds/` into the database.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use crate::db::{self, plan};
use crate::domain::seed::{self, PlanSeed};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedOutcome {
    pub year: i32,
    pub projects: usize,
    /// Rows inserted, updated or deleted; 0 when the database already held this seed.
    pub changes: u64,
}

/// The repository's 2024 plan, for a binary started where there is no `seeds/` folder.
const BUILT_IN: &str = include_str!("../../seeds/2024.toml");

/// Reads and checks a seed file; nothing is written when it is refused.
pub fn read_file(path: &Path) -> anyhow::Result<PlanSeed> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取种子文件 {}", path.display()))?;
    Ok(seed::parse(&text, &path.display().to_string())?)
}

/// Every `*.toml` in a folder, in name order.
pub fn files_in(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("无法读取种子目录 {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Loads a plan in one transaction: all of it or none of it.
pub async fn load(
    pool: &SqlitePool,
    seed: &PlanSeed,
    now: DateTime<Utc>,
) -> anyhow::Result<SeedOutcome> {
    let mut tx = db::begin_write(pool).await?;
    let mut changes = plan::upsert_plan(&mut tx, &seed.plan, now).await?;
    let plan_id = plan::plan_id_by_year(&mut tx, seed.plan.year)
        .await?
        .expect("plan row just written");

    // Groups first, so that street offices can point at them.
    let (groups, members): (Vec<_>, Vec<_>) = seed.units.iter().partition(|u| u.group.is_none());
    for unit in groups.into_iter().chain(members) {
        let group_id = match &unit.group {
            Some(group) => plan::unit_id(&mut tx, group).await?,
            None => None,
        };
        changes += plan::upsert_unit(&mut tx, &unit.name, unit.kind, group_id).await?;
    }

    for (index, category) in seed.categories.iter().enumerate() {
        changes += plan::upsert_category(&mut tx, plan_id, index as i64 + 1, category).await?;
    }

    for project in &seed.projects {
        let category_id = plan::category_id(&mut tx, plan_id, &project.category).await?;
        changes += plan::upsert_project(&mut tx, plan_id, category_id, project).await?;
        let project_id = plan::project_id(&mut tx, plan_id, project.no).await?;
        if plan::project_unit_names(&mut tx, project_id).await? != project.units {
            changes += plan::clear_project_units(&mut tx, project_id).await?;
            for (index, name) in project.units.iter().enumerate() {
                let unit_id = plan::unit_id(&mut tx, name)
                    .await?
                    .expect("seed units are checked on parse");
                changes +=
                    plan::insert_project_unit(&mut tx, project_id, unit_id, index as i64 + 1)
                        .await?;
            }
        }
        for (index, metric) in project.metrics.iter().enumerate() {
            changes += plan::upsert_metric(&mut tx, project_id, index as i64 + 1, metric).await?;
        }
        changes += plan::delete_metrics_after(&mut tx, project_id, project.metrics.len() as i64)
            .await
            .with_context(|| format!("项目 {} 删去的指标已有报送数据，不能删除", project.no))?;
    }
    tx.commit().await?;
    Ok(SeedOutcome {
        year: seed.plan.year,
        projects: seed.projects.len(),
        changes,
    })
}

/// The plan the binary was built with, for a machine without the seeds folder.
pub fn built_in() -> anyhow::Result<PlanSeed> {
    Ok(seed::parse(BUILT_IN, "seeds/2024.toml (built in)")?)
}

/// First start: an empty database gets every plan in the seeds folder.
pub async fn load_if_empty(
    pool: &SqlitePool,
    dir: &Path,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<SeedOutcome>> {
    let mut conn = pool.acquire().await?;
    if plan::plan_count(&mut conn).await? > 0 {
        return Ok(Vec::new());
    }
    drop(conn);
    let seeds = if dir.is_dir() {
        files_in(dir)?
            .iter()
            .map(|file| read_file(file))
            .collect::<anyhow::Result<Vec<_>>>()?
    } else {
        // Started away from the repository: the plan the binary was built with.
        tracing::warn!(dir = %dir.display(), "no seeds folder here; loading the built-in 2024 plan");
        vec![built_in()?]
    };
    let mut outcomes = Vec::new();
    for seed in &seeds {
        outcomes.push(load(pool, seed, now).await?);
    }
    Ok(outcomes)
}
