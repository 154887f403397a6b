//! The `minsheng` command line.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::app::{self, App};
use crate::bot::texts;
use crate::clock::{Clock, OffsetClock, SharedClock, SystemClock};
use crate::config::Settings;
use crate::db;
use crate::jobs;
use crate::services::{ledger, plan, schedule, seeding, status};

/// The help's frame in Chinese, like the rest of the product (clap's own is English).
const HELP: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

#[derive(Debug, Parser)]
#[command(
    name = "minsheng",
    version,
    about = "重点民生实事调度机器人：周报催报、逾期督办、每旬调度与台账",
    help_template = HELP,
    next_help_heading = "选项",
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "示例：\n  minsheng --database /var/lib/minsheng/minsheng.db status\n  minsheng 命令 --help    查看某个命令的说明和示例"
)]
pub struct Cli {
    /// 配置文件，叠加在内置默认配置之上
    #[arg(long, global = true, value_name = "文件", env = "MINSHENG_CONFIG")]
    pub config: Option<PathBuf>,
    /// SQLite 数据库文件，可写在命令之前或之后，优先于配置文件
    #[arg(long, global = true, value_name = "路径", env = "MINSHENG_DATABASE")]
    pub database: Option<PathBuf>,
    /// 显示帮助
    #[arg(short, long, global = true, action = clap::ArgAction::Help)]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long, action = clap::ArgAction::Version)]
    version: Option<bool>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 启动机器人：打开并升级数据库（为空时载入计划），然后接收 Telegram 消息
    #[command(help_template = HELP, next_help_heading = "选项",
        after_help = "示例：\n  TELOXIDE_TOKEN=… MINSHENG_ADMINS=123456789 minsheng run")]
    Run {
        #[command(flatten)]
        db: DatabaseArg,
        /// 从这一时刻起计时（RFC 3339，此后按正常速度走），用于演练
        #[arg(long, value_name = "时刻")]
        now: Option<DateTime<chrono::FixedOffset>>,
    },
    /// 载入计划文件（默认 seeds/ 下全部文件）；重复执行不会重复载入
    #[command(help_template = HELP, next_help_heading = "选项",
        after_help = "示例：\n  minsheng seed seeds/2024.toml")]
    Seed {
        #[command(flatten)]
        db: DatabaseArg,
        /// 计划文件；不写则载入计划文件夹中的全部 *.toml
        #[arg(value_name = "文件", help_heading = "参数")]
        file: Option<PathBuf>,
    },
    /// 列出计划的项目：序号、类别、事项、牵头单位、量化指标及目标
    #[command(help_template = HELP, next_help_heading = "选项",
        after_help = "示例：\n  minsheng projects --plan 2024")]
    Projects {
        #[command(flatten)]
        db: DatabaseArg,
        /// 计划年度（默认最新的计划）
        #[arg(long, value_name = "年份")]
        plan: Option<i32>,
    },
    /// 按工作日历列出一年各周的催报、提醒、截止、督办时间；calendar set 手工设定某天
    #[command(subcommand_negates_reqs = true, help_template = HELP, next_help_heading = "选项",
        subcommand_help_heading = "命令", subcommand_value_name = "命令",
        after_help = "示例：\n  minsheng calendar --year 2025\n  minsheng calendar set 2025-10-11 work --note 国庆调休上班")]
    Calendar {
        #[command(flatten)]
        db: DatabaseArg,
        /// 要列出的年份
        #[arg(long, value_name = "年份", required = true)]
        year: Option<i32>,
        #[command(subcommand)]
        set: Option<CalendarSet>,
    },
    /// 打印每旬调度（与发送的内容相同）
    #[command(help_template = HELP, next_help_heading = "选项",
        after_help = "示例：\n  minsheng digest --date 2024-03-11\n  minsheng digest --quarter --date 2024-04-01")]
    Digest {
        #[command(flatten)]
        db: DatabaseArg,
        /// 仅打印不发送（唯一的方式，可省略）
        #[arg(long)]
        preview: bool,
        /// 按这一天的调度时间计算（默认现在）；逢调度日为刚结束的一旬
        #[arg(long, value_name = "日期")]
        date: Option<chrono::NaiveDate>,
        /// 只含这位领导分管的项目（其 Telegram 用户 ID）；默认全部项目
        #[arg(long, value_name = "ID")]
        leader: Option<i64>,
        /// 打印日期之前结束的季度专题，而不是每旬调度
        #[arg(long)]
        quarter: bool,
    },
    /// 导出台账（Excel）：台账、报送记录、未按时报送三张表
    #[command(help_template = HELP, next_help_heading = "选项",
        after_help = "示例：\n  minsheng export --out 台账.xlsx --plan 2024")]
    Export {
        #[command(flatten)]
        db: DatabaseArg,
        /// 要写入的 .xlsx 文件
        #[arg(long, value_name = "文件")]
        out: PathBuf,
        /// 计划年度（默认今天执行中的计划）
        #[arg(long, value_name = "年份")]
        plan: Option<i32>,
    },
    /// 运行状况：收发队列、最近一次收到和发出消息的时间、无法送达的人员
    #[command(help_template = HELP, next_help_heading = "选项",
        after_help = "示例：\n  minsheng status")]
    Status {
        #[command(flatten)]
        db: DatabaseArg,
        /// 只做检查：正常时退出码 0，否则退出码 1，每个问题一行（供定时器或监控调用）
        #[arg(long)]
        check: bool,
    },
    /// 备份数据库（运行中也一致）到新文件，并把佐证材料文件夹复制到“<文件>.evidence/”
    #[command(help_template = HELP, next_help_heading = "选项",
        after_help = "示例：\n  minsheng backup /var/backups/minsheng/2025-01-01.db")]
    Backup {
        #[command(flatten)]
        db: DatabaseArg,
        /// 备份文件，不能已存在
        #[arg(value_name = "文件", help_heading = "参数")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarSet {
    /// 把某天设为工作日（work）或休息日（off），优先于法定节假日数据；记入变更记录
    #[command(help_template = HELP, next_help_heading = "选项",
        after_help = "示例：\n  minsheng calendar set 2025-10-11 work --note 国庆调休上班\n  minsheng calendar set 2025-10-08 off")]
    Set {
        #[command(flatten)]
        db: DatabaseArg,
        /// 日期，如 2025-10-11
        #[arg(value_name = "日期", help_heading = "参数")]
        date: chrono::NaiveDate,
        /// work：工作日；off：休息日
        #[arg(
            value_enum,
            value_name = "类型",
            help_heading = "参数",
            hide_possible_values = true
        )]
        kind: DayKindArg,
        /// 说明（调休上班、临时放假等）
        #[arg(
            long,
            default_value = "",
            hide_default_value = true,
            value_name = "说明"
        )]
        note: String,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DayKindArg {
    Work,
    Off,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "选项")]
pub struct DatabaseArg {
    /// SQLite 数据库文件（优先于环境变量 MINSHENG_DATABASE 和配置文件）
    #[arg(long, value_name = "路径")]
    database: Option<PathBuf>,
}

/// Parses the command line with every help screen in Chinese ([`command`]).
pub fn parse() -> Cli {
    use clap::error::ErrorKind;
    let parsed = command()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    match parsed {
        Ok(cli) => cli,
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) =>
        {
            error.exit()
        }
        Err(error) => {
            eprintln!("{}", texts::cli::parse_error(&error));
            std::process::exit(2)
        }
    }
}

/// The command tree with clap's own English taken out of each help screen: the usage line's
/// `[OPTIONS]` becomes `[选项]`, and an option's `[env: …]` becomes（环境变量 …）in its help.
pub fn command() -> clap::Command {
    in_chinese(Cli::command(), "")
}

/// `parents`: the words before this command on the line ("minsheng calendar "), which clap
/// leaves out of a subcommand's usage until the whole tree is built.
fn in_chinese(mut command: clap::Command, parents: &str) -> clap::Command {
    let usage = command
        .render_usage()
        .to_string()
        .replace("Usage: ", parents)
        .replace("[OPTIONS]", "[选项]")
        .replace("<COMMAND>", "<命令>")
        .replace(
            &format!("\n       {}", command.get_name()),
            &format!("\n       {parents}{}", command.get_name()),
        );
    let path = format!("{parents}{} ", command.get_name());
    command = command
        .override_usage(usage)
        .mut_args(|arg| match arg.get_env() {
            Some(name) => {
                let help = format!(
                    "{}（环境变量 {}）",
                    arg.get_help().map(ToString::to_string).unwrap_or_default(),
                    name.to_string_lossy()
                );
                arg.hide_env(true).help(help)
            }
            None => arg,
        });
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, |sub| in_chinese(sub, &path));
    }
    command
}

impl DatabaseArg {
    fn apply(&self, settings: &mut Settings) {
        if let Some(path) = &self.database {
            settings.database = path.clone();
        }
    }
}

/// Tells systemd the service's state, when it runs under systemd (`NOTIFY_SOCKET`); a no-op
/// elsewhere.
fn tell_systemd(state: sd_notify::NotifyState) {
    if let Err(error) = sd_notify::notify(&[state]) {
        tracing::warn!(%error, "could not tell systemd the service's state");
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
    let env: std::collections::HashMap<String, String> = std::env::vars().collect();
    for warning in crate::config::unknown_env_warnings(&env) {
        eprintln!("minsheng: 警告：{warning}");
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
                // systemd's Type=notify: `systemctl start` returns once the database is open,
                // migrated and seeded, so the next command of an install finds it.
                tell_systemd(sd_notify::NotifyState::Ready);
                app.run_until_stopped(async {
                    app::shutdown_signal().await;
                    tell_systemd(sd_notify::NotifyState::Stopping);
                })
                .await
            })
        }
        Command::Seed { db, file } => {
            db.apply(&mut settings);
            let files = match file {
                Some(file) => vec![file],
                // Away from the repository, as `run` does: the plan built into the binary.
                None if !settings.seeds.is_dir() => Vec::new(),
                None => seeding::files_in(&settings.seeds)?,
            };
            if files.is_empty() && settings.seeds.is_dir() {
                bail!("种子目录 {} 中没有 .toml 文件", settings.seeds.display());
            }
            // Every file is checked before anything is written.
            let mut seeds = files
                .iter()
                .map(|f| seeding::read_file(f))
                .collect::<anyhow::Result<Vec<_>>>()?;
            if files.is_empty() {
                println!(
                    "没有种子目录 {}，载入程序内置的计划",
                    settings.seeds.display()
                );
                seeds.push(seeding::built_in()?);
            }
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
                let pool = db::connect_read_only(&settings.database).await?;
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
                let pool = db::connect_existing(&settings.database).await?;
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
                let pool = db::connect_read_only(&settings.database).await?;
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
                let pool = db::connect_read_only(&settings.database).await?;
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
                let pool = db::connect_read_only(&settings.database).await?;
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
        Command::Status { db, check } => {
            db.apply(&mut settings);
            runtime.block_on(async {
                let pool = db::connect_read_only(&settings.database).await?;
                if !check {
                    let health = status::health(&pool).await?;
                    print!("{}", texts::status::health(&health, settings.timezone));
                    pool.close().await;
                    return Ok(());
                }
                let running = crate::runtime::lock::is_held(&settings.database)?;
                let poll = settings.telegram.poll_timeout_secs;
                let mut conn = pool.acquire().await?;
                let problems = status::check(&mut conn, SystemClock.now(), poll, running).await?;
                drop(conn);
                print!("{}", texts::status::check(&problems, settings.timezone));
                pool.close().await;
                if !problems.is_empty() {
                    bail!("检查未通过：{} 个问题", problems.len());
                }
                Ok(())
            })
        }
        Command::Backup { db, out } => {
            db.apply(&mut settings);
            if out.exists() {
                bail!("{} 已存在，不会覆盖", out.display());
            }
            runtime.block_on(async {
                let pool = db::connect_read_only(&settings.database).await?;
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
