//! Group robots as the configuration file names them (`[[robots]]`). They are read from the
//! `--config` file's own text, not from the merged layers, so that a mistake is reported with
//! the line it is on, and so that the `to` of each robot keeps its line for the check against
//! the database at start.

use std::fmt;

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::config::Secret;

/// Which app's robot API a robot speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// 企业微信, and 政务微信 which speaks the same robot API.
    Wecom,
    /// 钉钉.
    Dingtalk,
    /// 飞书.
    Feishu,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wecom => "wecom",
            Self::Dingtalk => "dingtalk",
            Self::Feishu => "feishu",
        }
    }

    /// The app's name as people in an office say it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Wecom => "企业微信",
            Self::Dingtalk => "钉钉",
            Self::Feishu => "飞书",
        }
    }
}

/// Who reads the group a robot posts into: what it may be sent follows from it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Audience {
    /// The task force: everything, as the admins see it.
    Admins,
    /// One leader's group: that leader's scope only, by Telegram id.
    Leader(i64),
    /// A unit's group: the reminders of that unit's contacts.
    Unit(String),
}

impl TryFrom<String> for Audience {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        let text = text.trim();
        if text == "admins" {
            return Ok(Self::Admins);
        }
        if let Some(id) = text.strip_prefix("leader:") {
            return id.trim().parse().map(Self::Leader).map_err(|_| {
                format!("to = \"{text}\"：leader: 后应为分管领导的 Telegram 数字 ID")
            });
        }
        if let Some(unit) = text.strip_prefix("unit:").map(str::trim)
            && !unit.is_empty()
        {
            return Ok(Self::Unit(unit.to_owned()));
        }
        Err(format!(
            "to = \"{text}\" 无法识别：应为 admins、leader:<Telegram ID> 或 unit:<单位名称>"
        ))
    }
}

/// What a robot is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sends {
    /// The 旬 digest (with the chart and the ledger where the platform takes files).
    Digest,
    /// The quarterly summary.
    Quarter,
    /// The T+2 escalation.
    Escalation,
    /// The T−1 reminder, mentioning the silent contacts.
    Reminder,
}

/// One configured robot. Its webhook URL carries the key and is a [`Secret`], as is the
/// signing secret.
#[derive(Clone, PartialEq)]
pub struct Robot {
    pub name: String,
    pub platform: Platform,
    pub url: Secret,
    pub secret: Option<Secret>,
    pub audience: Audience,
    pub sends: Vec<Sends>,
    /// The line of its `to` in the configuration file, for the check at start.
    pub line: usize,
}

impl fmt::Debug for Robot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Robot")
            .field("name", &self.name)
            .field("platform", &self.platform)
            .field("webhook", &self.masked())
            .field("audience", &self.audience)
            .field("sends", &self.sends)
            .finish_non_exhaustive()
    }
}

impl Robot {
    pub fn sends(&self, what: Sends) -> bool {
        self.sends.contains(&what)
    }

    /// The webhook as it may be shown: its host and the key's last 4 characters,
    /// "qyapi.weixin.qq.com（…a5aa）".
    pub fn masked(&self) -> String {
        let url = self.url.expose();
        let host = host(url).unwrap_or("?");
        let key = key_of(self.platform, url);
        let tail: String = key
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("{host}（…{tail}）")
    }
}

/// The host of a URL: between "://" and the next "/", ":" or "?".
fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    rest.split(['/', '?', ':']).next()
}

/// The part of a webhook that is its key: WeCom's `key=`, DingTalk's `access_token=`, or
/// Feishu's path after `/hook/`. Empty when the URL has none.
fn key_of(platform: Platform, url: &str) -> &str {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .unwrap_or("")
    };
    match platform {
        Platform::Wecom => param("key"),
        Platform::Dingtalk => param("access_token"),
        Platform::Feishu => path.split_once("/hook/").map_or("", |(_, key)| key),
    }
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    robots: Vec<Raw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: String,
    kind: Platform,
    url: String,
    #[serde(default)]
    secret: String,
    to: toml::Spanned<Audience>,
    sends: Vec<Sends>,
}

/// The robots of a configuration file's text (none without `[[robots]]`). An unknown key or
/// kind, a `to` that cannot be read, a URL that is not a webhook, or two robots of one name
/// is refused with its line.
pub fn parse(text: &str) -> anyhow::Result<Vec<Robot>> {
    let file: File = toml::from_str(text).context("[[robots]] 配置有误")?;
    let mut robots: Vec<Robot> = Vec::with_capacity(file.robots.len());
    for raw in file.robots {
        let line = line_of(text, raw.to.span().start);
        let at = |what: String| anyhow::anyhow!("第 {line} 行附近，机器人“{}”：{what}", raw.name);
        if raw.name.trim().is_empty() {
            bail!(at("name 不能为空".to_owned()));
        }
        if robots.iter().any(|r| r.name == raw.name) {
            bail!(at("与前面的机器人重名".to_owned()));
        }
        check_url(raw.kind, &raw.url).map_err(at)?;
        if raw.sends.is_empty() {
            bail!(at(
                "sends 不能为空：可选 digest、quarter、escalation、reminder".to_owned()
            ));
        }
        robots.push(Robot {
            name: raw.name,
            platform: raw.kind,
            url: Secret::new(raw.url),
            secret: (!raw.secret.is_empty()).then(|| Secret::new(raw.secret)),
            audience: raw.to.into_inner(),
            sends: raw.sends,
            line,
        });
    }
    Ok(robots)
}

/// A webhook is https (http only on this machine, for a local stand-in) and carries a key.
fn check_url(platform: Platform, url: &str) -> Result<(), String> {
    let local = host(url).is_some_and(|h| h == "127.0.0.1" || h == "localhost");
    if !(url.starts_with("https://") || url.starts_with("http://") && local) {
        return Err("url 应以 https:// 开头".to_owned());
    }
    if key_of(platform, url).is_empty() {
        let hint = match platform {
            Platform::Wecom => "…/webhook/send?key=…",
            Platform::Dingtalk => "…/robot/send?access_token=…",
            Platform::Feishu => "…/open-apis/bot/v2/hook/…",
        };
        return Err(format!("url 缺少机器人的 key，应形如 {hint}"));
    }
    Ok(())
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const THREE: &str = r#"
database = "x.db"

[[robots]]
name = "民生实事专班群"
kind = "wecom"
url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
to = "admins"
sends = ["digest", "quarter", "escalation"]

[[robots]]
name = "分管领导群"
kind = "dingtalk"
url = "https://oapi.dingtalk.com/robot/send?access_token=abcdef123456"
secret = "SECxyz"
to = "leader:700001"
sends = ["digest", "escalation"]

[[robots]]
name = "发展改革局工作群"
kind = "feishu"
url = "https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-9f9f"
to = "unit:发展改革局"
sends = ["reminder"]
"#;

    #[test]
    fn three_robots_read_with_their_audiences_and_lines() {
        let robots = parse(THREE).unwrap();
        assert_eq!(robots.len(), 3);
        assert_eq!(robots[0].audience, Audience::Admins);
        assert_eq!(robots[0].line, 8);
        assert_eq!(robots[1].audience, Audience::Leader(700_001));
        assert_eq!(
            robots[1].secret.as_ref().map(Secret::expose),
            Some("SECxyz")
        );
        assert_eq!(robots[2].audience, Audience::Unit("发展改革局".to_owned()));
        assert!(robots[2].sends(Sends::Reminder) && !robots[2].sends(Sends::Digest));
        assert_eq!(parse("database = \"x.db\"").unwrap(), Vec::new());
    }

    #[test]
    fn the_webhook_shows_its_host_and_the_keys_last_four_only() {
        let robots = parse(THREE).unwrap();
        assert_eq!(robots[0].masked(), "qyapi.weixin.qq.com（…5aaa）");
        assert_eq!(robots[1].masked(), "oapi.dingtalk.com（…3456）");
        assert_eq!(robots[2].masked(), "open.feishu.cn（…9f9f）");
        let debug = format!("{robots:?}");
        assert!(
            !debug.contains("693a91f6") && !debug.contains("SECxyz"),
            "{debug}"
        );
    }

    #[test]
    fn a_mistake_is_refused_with_its_line() {
        let unknown_key = THREE.replace(
            "sends = [\"reminder\"]",
            "sends = [\"reminder\"]\nmention = true",
        );
        let error = format!("{:#}", parse(&unknown_key).unwrap_err());
        assert!(
            error.contains("line 25") && error.contains("mention"),
            "{error}"
        );

        let unknown_kind = THREE.replace("kind = \"feishu\"", "kind = \"slack\"");
        let error = format!("{:#}", parse(&unknown_kind).unwrap_err());
        assert!(
            error.contains("line 21") && error.contains("slack"),
            "{error}"
        );

        let bad_to = THREE.replace("to = \"leader:700001\"", "to = \"leader:王局长\"");
        let error = format!("{:#}", parse(&bad_to).unwrap_err());
        assert!(
            error.contains("line 16") && error.contains("Telegram 数字 ID"),
            "{error}"
        );

        let no_key = THREE.replace("?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa", "");
        let error = format!("{:#}", parse(&no_key).unwrap_err());
        assert!(
            error.contains("第 8 行") && error.contains("key"),
            "{error}"
        );

        let twice = THREE.replace("分管领导群", "民生实事专班群");
        let error = format!("{:#}", parse(&twice).unwrap_err());
        assert!(
            error.contains("第 16 行") && error.contains("重名"),
            "{error}"
        );

        let plain_http = THREE.replace("https://open.feishu.cn", "http://open.feishu.cn");
        assert!(parse(&plain_http).is_err());
        let local = THREE.replace("https://open.feishu.cn", "http://127.0.0.1:8080");
        assert!(parse(&local).is_ok());
    }
}
