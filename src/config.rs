//! Typed, layered settings: `config/default.toml` (built into the binary) → the file given with
//! `--config` or `MINSHENG_CONFIG` → environment variables. The token is a [`Secret`].

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::{NaiveTime, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::robots::{self, Robot};

mod env_names;
pub use env_names::unknown_env_warnings;

/// The repository's `config/default.toml`, so the binary runs from any directory.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

pub const TOKEN_VAR: &str = "TELOXIDE_TOKEN";
pub const API_URL_VAR: &str = "TELOXIDE_API_URL";
pub const CONFIG_VAR: &str = "MINSHENG_CONFIG";
pub const ADMINS_VAR: &str = "MINSHENG_ADMINS";
const ENV_PREFIX: &str = "MINSHENG";

/// A value that must never reach a log line: its `Debug` and `Display` are redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: PathBuf,
    pub seeds: PathBuf,
    pub timezone: Tz,
    pub admins: Vec<i64>,
    pub telegram: TelegramSettings,
    pub cycle: CycleSettings,
    pub digest: DigestSettings,
    pub colours: ColourSettings,
    pub invites: InviteSettings,
    pub retention: RetentionSettings,
    pub network: NetworkSettings,
    pub web: WebSettings,
    /// Group robots of WeCom, DingTalk and Feishu (`[[robots]]` in the `--config` file only).
    pub robots: Vec<Robot>,
}

#[derive(Debug, Clone)]
pub struct TelegramSettings {
    pub api_url: String,
    pub poll_timeout_secs: u32,
    /// Only ever from `TELOXIDE_TOKEN`; `None` when unset, which `run` refuses.
    pub token: Option<Secret>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleSettings {
    pub deadline_weekday: Weekday,
    pub deadline_time: NaiveTime,
    pub prompt_offset: i32,
    pub reminder_offset: i32,
    pub escalation_offset: i32,
    pub step_time: NaiveTime,
    pub min_working_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestSettings {
    pub days: Vec<u32>,
    pub time: NaiveTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColourSettings {
    pub yellow_behind: f64,
    pub red_behind: f64,
    pub stagnant_weeks: u32,
    pub red_missed_weeks: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteSettings {
    pub expiry_days: u32,
}

/// How outgoing calls reach the internet (the proxy itself comes from `HTTPS_PROXY`/`ALL_PROXY`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    /// Trust the system's root certificates besides the built-in ones.
    pub system_roots: bool,
}

/// The read-only web view (`[web]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSettings {
    /// Where to listen (`host:port`); `None` keeps the web view off.
    pub listen: Option<String>,
    /// The address people open, without a trailing slash. When it is not configured,
    /// [`crate::app::App::build`] fills it from the address it bound.
    pub public_url: Option<String>,
}

impl WebSettings {
    /// Whether the session cookie must be `Secure`: the public address is https.
    pub fn secure(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }
}

/// How long the daily prune keeps what it may forget, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    pub inbox_days: u32,
    pub quarantined_days: u32,
    pub outbox_payload_days: u32,
    pub exports_days: u32,
}

impl Settings {
    /// Reads the layers from the process: the `--config` file (or `MINSHENG_CONFIG`) and the
    /// environment.
    pub fn load(config_file: Option<&Path>) -> anyhow::Result<Self> {
        let env: HashMap<String, String> = std::env::vars().collect();
        let file = config_file
            .map(Path::to_path_buf)
            .or_else(|| env.get(CONFIG_VAR).map(PathBuf::from));
        let overlay = match &file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .with_context(|| format!("读取配置文件 {} 失败", path.display()))?,
            ),
            None => None,
        };
        Self::from_layers(overlay.as_deref(), &env).with_context(|| match &file {
            Some(path) => format!("配置有误（{}）", path.display()),
            None => "配置有误".to_owned(),
        })
    }

    /// The pure part of [`Settings::load`], for tests: the overlay file's text and the
    /// environment as a map.
    pub fn from_layers(
        overlay: Option<&str>,
        env: &HashMap<String, String>,
    ) -> anyhow::Result<Self> {
        let mut table: toml::Table = toml::from_str(DEFAULT_TOML).context("默认配置无法解析")?;
        let mut robots = Vec::new();
        if let Some(text) = overlay {
            let mut overlay: toml::Table = toml::from_str(text)?;
            // Read from the file's own text, so that a mistake names its line.
            if overlay.remove("robots").is_some() {
                robots = robots::config::parse(text)?;
            }
            merge(&mut table, overlay, "")?;
        }
        apply_env(&mut table, ENV_PREFIX, env)?;
        if let Some(url) = env.get(API_URL_VAR) {
            let telegram = table
                .get_mut("telegram")
                .and_then(toml::Value::as_table_mut)
                .expect("default.toml has [telegram]");
            telegram.insert("api_url".to_owned(), toml::Value::String(url.clone()));
        }
        let raw: RawSettings = toml::Value::Table(table).try_into()?;
        let mut settings = raw.into_settings(
            env.get(TOKEN_VAR)
                .filter(|t| !t.is_empty())
                .map(Secret::new),
        )?;
        settings.robots = robots;
        Ok(settings)
    }
}

/// Overlays `from` onto `into`, refusing keys the default file does not have (a typo would
/// otherwise be silently ignored).
fn merge(into: &mut toml::Table, from: toml::Table, path: &str) -> anyhow::Result<()> {
    for (key, value) in from {
        let full = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        match (into.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(value)) => {
                merge(inner, value, &full)?
            }
            (Some(slot), value) => *slot = value,
            (None, _) => bail!("未知的配置项 `{full}`"),
        }
    }
    Ok(())
}

/// Every key of the default file can be set by `MINSHENG_<PATH>`; the value is read with the
/// type the default has, and lists take commas.
fn apply_env(
    table: &mut toml::Table,
    prefix: &str,
    env: &HashMap<String, String>,
) -> anyhow::Result<()> {
    for (key, slot) in table.iter_mut() {
        let name = format!("{prefix}_{}", key.to_uppercase());
        if let toml::Value::Table(inner) = slot {
            apply_env(inner, &name, env)?;
            continue;
        }
        let Some(text) = env.get(&name) else { continue };
        *slot =
            parse_like(slot, text).with_context(|| format!("环境变量 {name}={text} 无法解析"))?;
    }
    Ok(())
}

fn parse_like(template: &toml::Value, text: &str) -> anyhow::Result<toml::Value> {
    use toml::Value;
    let text = text.trim();
    Ok(match template {
        Value::String(_) => Value::String(text.to_owned()),
        Value::Integer(_) => Value::Integer(text.parse()?),
        Value::Float(_) => Value::Float(text.parse()?),
        Value::Boolean(_) => Value::Boolean(text.parse()?),
        Value::Array(items) => {
            // An empty default list ([] admins) holds integers: user ids.
            let element = items.first().cloned().unwrap_or(Value::Integer(0));
            let parts = text.split(',').map(str::trim).filter(|p| !p.is_empty());
            Value::Array(
                parts
                    .map(|p| parse_like(&element, p))
                    .collect::<Result<_, _>>()?,
            )
        }
        other => bail!("类型 {} 不能由环境变量设置", other.type_str()),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    database: PathBuf,
    seeds: PathBuf,
    timezone: String,
    admins: Vec<i64>,
    telegram: RawTelegram,
    cycle: RawCycle,
    digest: RawDigest,
    colours: ColourSettings,
    invites: InviteSettings,
    retention: RetentionSettings,
    network: NetworkSettings,
    web: RawWeb,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeb {
    listen: String,
    public_url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTelegram {
    api_url: String,
    poll_timeout_secs: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCycle {
    deadline_weekday: String,
    deadline_time: String,
    prompt_offset: i32,
    reminder_offset: i32,
    escalation_offset: i32,
    step_time: String,
    min_working_days: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDigest {
    days: Vec<u32>,
    time: String,
}

impl RawSettings {
    fn into_settings(self, token: Option<Secret>) -> anyhow::Result<Settings> {
        let timezone: Tz = self
            .timezone
            .parse()
            .map_err(|_| anyhow::anyhow!("timezone `{}` 不是有效的时区名", self.timezone))?;
        let cycle = CycleSettings {
            deadline_weekday: self.cycle.deadline_weekday.parse().map_err(|_| {
                anyhow::anyhow!(
                    "cycle.deadline_weekday `{}` 应为 Mon…Sun",
                    self.cycle.deadline_weekday
                )
            })?,
            deadline_time: parse_time("cycle.deadline_time", &self.cycle.deadline_time)?,
            prompt_offset: self.cycle.prompt_offset,
            reminder_offset: self.cycle.reminder_offset,
            escalation_offset: self.cycle.escalation_offset,
            step_time: parse_time("cycle.step_time", &self.cycle.step_time)?,
            min_working_days: self.cycle.min_working_days,
        };
        if !(cycle.prompt_offset < cycle.reminder_offset
            && cycle.reminder_offset < 0
            && cycle.escalation_offset > 0)
        {
            bail!(
                "cycle 的步骤应为：提醒在催报之后、截止之前，督办在截止之后（prompt_offset < reminder_offset < 0 < escalation_offset）"
            );
        }
        if self.digest.days.is_empty() || self.digest.days.iter().any(|d| !(1..=28).contains(d)) {
            bail!("digest.days 应为 1 到 28 之间的日期");
        }
        if !(0.0 <= self.colours.yellow_behind
            && self.colours.yellow_behind <= self.colours.red_behind)
        {
            bail!("colours：应有 0 ≤ yellow_behind ≤ red_behind");
        }
        if self.invites.expiry_days == 0 {
            bail!("invites.expiry_days 至少为 1");
        }
        let r = self.retention;
        // Telegram replays an unconfirmed update for up to 24 hours: forgetting a handled one
        // sooner would let a replay through twice.
        if r.inbox_days == 0
            || r.quarantined_days == 0
            || r.outbox_payload_days == 0
            || r.exports_days == 0
        {
            bail!("retention 的各项天数至少为 1");
        }
        let api_url = self.telegram.api_url.trim_end_matches('/').to_owned();
        if !(api_url.starts_with("http://") || api_url.starts_with("https://")) {
            bail!("telegram.api_url `{api_url}` 应以 http:// 或 https:// 开头");
        }
        let web = self.web.into_settings()?;
        Ok(Settings {
            database: self.database,
            seeds: self.seeds,
            timezone,
            admins: self.admins,
            telegram: TelegramSettings {
                api_url,
                poll_timeout_secs: self.telegram.poll_timeout_secs,
                token,
            },
            cycle,
            digest: DigestSettings {
                days: self.digest.days,
                time: parse_time("digest.time", &self.digest.time)?,
            },
            colours: self.colours,
            invites: self.invites,
            retention: self.retention,
            network: self.network,
            web,
            robots: Vec::new(),
        })
    }
}

impl RawWeb {
    fn into_settings(self) -> anyhow::Result<WebSettings> {
        let listen = Some(self.listen.trim().to_owned()).filter(|l| !l.is_empty());
        let public_url = self.public_url.trim().trim_end_matches('/');
        let public_url = Some(public_url.to_owned()).filter(|u| !u.is_empty());
        if let Some(url) = &public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            bail!("web.public_url `{url}` 应以 http:// 或 https:// 开头");
        }
        if let Some(listen) = &listen
            && !listen.contains(':')
        {
            bail!("web.listen `{listen}` 应为 地址:端口，例如 127.0.0.1:8080");
        }
        Ok(WebSettings { listen, public_url })
    }
}

fn parse_time(key: &str, text: &str) -> anyhow::Result<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M").with_context(|| format!("{key} `{text}` 应为 HH:MM"))
}

#[cfg(test)]
mod tests;
