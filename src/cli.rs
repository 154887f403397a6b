//! The `minsheng` command line.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};

use crate::app::{self, App};
use crate::bot::texts;
use crate::clock::{Clock, OffsetClock, SharedClock, SystemClock};
use crate::config::Settings;
use crate::db;
use crate::jobs;
use crate::services::{ledger, plan, schedule, seeding, status};

#[derive(Debug, Parser)]
#[command(
    name = "minsheng",
    version,
    about = "重点民生实事调度机器人：周报催报、逾期督办、每旬调度与台账"
)]
pub struct Cli {
    /// A configuration file laid over config/default.toml (also MINSHENG_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The SQLite database file, before or after the subcommand (overrides MINSHENG_DATABASE
    /// and the configuration).
    #[arg(long, global = true, value_name = "PATH")]
    pub database: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the bot: open, migrate and (if empty) seed the database, then poll Telegram.
    Run {
        #[command(flatten)]
        db: DatabaseArg,
        /// Start the clock at this RFC 3339 instant (it then runs at normal speed).
        #[arg(long, value_name = "INSTANT")]
        now: Option<DateTime<chrono::FixedOffset>>,
    },
    /// Load a plan from a seed file (default: every file in seeds/); running it twice changes nothing.
    Seed {
        #[command(flatten)]
        db: DatabaseArg,
        /// The seed file; without it, every *.toml in the configured seeds folder.
        file: Option<PathBuf>,
    },
    /// Print a plan as a table: number, category, title, lead unit, metrics with targets.
    Projects {
        #[command(flatten)]
        db: DatabaseArg,
        /// The plan's year (default: the newest).
        #[arg(long, value_name = "YEAR")]
        plan: Option<i32>,
    },
    /// Print a year's weekly steps (prompt, reminder, deadline, escalation) on the working calendar;
    /// `calendar set DATE work|off` sets a day by hand.
    #[command(subcommand_negates_reqs = true)]
    Calendar {
        #[command(flatten)]
        db: DatabaseArg,
        /// The year to print.
        #[arg(long, value_name = "YEAR", required = true)]
        year: Option<i32>,
        #[command(subcommand)]
        set: Option<CalendarSet>,
    },
    /// Print a digest (每旬调度) to stdout, as it would be sent.
    Digest {
        #[command(flatten)]
        db: DatabaseArg,
        /// Print it instead of sending it: the only mode, so it may be left out.
        #[arg(long)]
        preview: bool,
        /// As on this day at the digest time (default: now); on a digest day, the 旬 just ended.
        #[arg(long, value_name = "DATE")]
        date: Option<chrono::NaiveDate>,
        /// In this leader's scope (their Telegram id); default: the whole plan.
        #[arg(long, value_name = "ID")]
        leader: Option<i64>,
        /// The summary of the quarter that ended before DATE (每季度专题), not the ten-day digest.
        #[arg(long)]
        quarter: bool,
    },
    /// Write the ledger (台账) workbook: the plan with its progress, every report, every missed deadline.
    Export {
        #[command(flatten)]
        db: DatabaseArg,
        /// The .xlsx file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The plan's year (default: the plan in force today).
        #[arg(long, value_name = "YEAR")]
        plan: Option<i32>,
    },
    /// Inbox and outbox by state, the last update received and message sent, unreachable people.
    Status {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Copy the database, consistent while the bot runs, to a new file, and the evidence
    /// folder beside it to `<file>.evidence/`.
    Backup {
        #[command(flatten)]
        db: DatabaseArg,
        /// The file to write; it must not exist yet.
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarSet {
    /// Set a day as a working day (work) or a day off (off), over the official calendar.
    Set {
        #[command(flatten)]
        db: DatabaseArg,
        /// The day, as 2025-10-11.
        date: chrono::NaiveDate,
        #[arg(value_enum)]
        kind: DayKindArg,
        /// Why (调休上班, 临时放假 …), kept with the day and in the audit log.
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DayKindArg {
    Work,
    Off,
}

#[derive(Debug, Args)]
pub struct DatabaseArg {
    /// The SQLite database file (overrides MINSHENG_DATABASE and the configuration).
    #[arg(long, value_name = "PATH")]
    database: Option<PathBuf>,
}

impl DatabaseArg {
    fn apply(&self, settings: &mut Settings) {
        if let Some(path) = &self.database {
            settings.database = path.clone();
        }
    }
}

/// The bot waits on Telegram and one SQLite writer, never on the CPU for long: two workers
/// serve it on any machine, and each extra idle worker costs a stack and a malloc arena.
fn worker_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(2))
}

pub fn execute(cli: Cli) -> anyhow::Result<()> {
    let mut settings = Settings::load(cli.config.as_deref())?;
    if let Some(path) = &cli.database {
        settings.database = path.clone();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(worker_threads())
        // Only DNS look-ups block; the default of 512 threads would never be needed.
        .max_blocking_threads(4)
        .enable_all()
        .build()?;
    match cli.command {
        Command::Run { db, now } => {
            db.apply(&mut settings);
            let clock: SharedClock = match now {
                Some(start) => Arc::new(OffsetClock::starting_at(start.with_timezone(&Utc))),
                None => Arc::new(SystemClock),
            };
            runtime.block_on(async {
                let app = App::build(settings, clock).await?;
                app.run_until_stopped(app::shutdown_signal()).await
            })
        }
        Command::Seed { db, file } => {
            db.apply(&mut settings);
            let files = match file {
                Some(file) => vec![file],
                None => seeding::files_in(&settings.seeds)?,
            };
            if files.is_empty() {
                bail!("种子目录 {} 中没有 .toml 文件", settings.seeds.display());
            }
            // Every file is checked before anything is written.
            let seeds = files
                .iter()
                .map(|f| seeding::read_file(f))
                .collect::<anyhow::Result<Vec<_>>>()?;
            runtime.block_on(async {
                let pool = db::connect(&settings.database).await?;
                for seed in &seeds {
                    let outcome = seeding::load(&pool, seed, SystemClock.now()).await?;
                    println!(
                        "{}年计划：{} 个项目，{} 处变更",
                        outcome.year, outcome.projects, outcome.changes
                    );
                }
                pool.close().await;
                Ok(())
            })
        }
        Command::Projects { db, plan: year } => {
            db.apply(&mut settings);
            runtime.block_on(async {
                let pool = db::connect(&settings.database).await?;
                let (year, projects) = plan::overview(&pool, year).await?;
                print!("{}", plan::render_table(year, &projects));
                pool.close().await;
                Ok(())
            })
        }
        Command::Calendar {
            set:
                Some(CalendarSet::Set {
                    db,
                    date,
                    kind,
                    note,
                }),
            ..
        } => {
            db.apply(&mut settings);
            let working = matches!(kind, DayKindArg::Work);
            let set = crate::domain::calendar::DayOverride {
                day: date,
                working,
                note,
            };
            runtime.block_on(async {
                let pool = db::connect(&settings.database).await?;
                let by = crate::services::calendar::SetBy {
                    person_id: None,
                    label: "命令行",
                };
                let mut conn = pool.acquire().await?;
                let before =
                    crate::services::calendar::set_day(&mut conn, &set, by, SystemClock.now())
                        .await?;
                drop(conn);
                println!("{}", texts::calendar::day_set(&set, before.as_ref()));
                pool.close().await;
                Ok(())
            })
        }
        Command::Calendar { db, year, .. } => {
            let year = year.context("缺少 --year")?;
            db.apply(&mut settings);
            runtime.block_on(async {
                let pool = db::connect(&settings.database).await?;
                let calendar = schedule::calendar_of_year(&pool, year).await?;
                print!(
                    "{}",
                    schedule::render_year(&calendar, &settings.cycle, year)
                );
                pool.close().await;
                Ok(())
            })
        }
        Command::Digest {
            db,
            preview: _,
            date,
            leader,
            quarter,
        } => {
            db.apply(&mut settings);
            runtime.block_on(async {
                let pool = db::connect(&settings.database).await?;
                let text = jobs::digest::preview(
                    &pool,
                    &settings,
                    date,
                    leader,
                    quarter,
                    SystemClock.now(),
                )
                .await?;
                println!("{text}");
                pool.close().await;
                Ok(())
            })
        }
        Command::Export {
            db,
            out,
            plan: year,
        } => {
            db.apply(&mut settings);
            runtime.block_on(async {
                let pool = db::connect(&settings.database).await?;
                let mut conn = pool.acquire().await?;
                let now = SystemClock.now();
                let plan = ledger::plan_for(&mut conn, &settings, year, now).await?;
                let mut book =
                    crate::export::ledger::LedgerBook::new(&plan.name, settings.timezone)?;
                let counts =
                    ledger::write(&mut conn, &settings, &plan, None, now, &mut book).await?;
                drop(conn);
                book.save(&out)
                    .with_context(|| format!("无法写入 {}", out.display()))?;
                println!(
                    "已导出 {} 台账：{}（{} 个项目，{} 条报送记录，{} 条未按时报送）",
                    plan.year,
                    out.display(),
                    counts.projects,
                    counts.reports,
                    counts.missed
                );
                pool.close().await;
                Ok(())
            })
        }
        Command::Status { db } => {
            db.apply(&mut settings);
            runtime.block_on(async {
                let pool = db::connect(&settings.database).await?;
                let health = status::health(&pool).await?;
                print!("{}", texts::status::health(&health, settings.timezone));
                pool.close().await;
                Ok(())
            })
        }
        Command::Backup { db, out } => {
            db.apply(&mut settings);
            if out.exists() {
                bail!("{} 已存在，不会覆盖", out.display());
            }
            runtime.block_on(async {
                let pool = db::connect(&settings.database).await?;
                db::backup(&pool, &out)
                    .await
                    .with_context(|| format!("备份到 {} 失败", out.display()))?;
                println!("已备份到 {}", out.display());
                pool.close().await;
                // The evidence photos and files beside the database, into `<out>.evidence/`.
                let to = crate::services::evidence::backup_evidence_dir(&out);
                let from = crate::services::evidence::evidence_dir(&settings);
                let files = crate::services::evidence::copy_tree(&from, &to)
                    .with_context(|| format!("复制佐证材料到 {} 失败", to.display()))?;
                println!("佐证材料 {files} 个文件已复制到 {}", to.display());
                Ok(())
            })
        }
    }
}
