//! A queued [`RobotMessage`] as each platform's request, and the platform's answer as what
//! becomes of the row. The request is made at the moment of sending: a signature is good for
//! an hour only, and WeCom's file is uploaded first. Nothing here logs or returns the webhook
//! URL: errors carry the platform's code and words, or reqwest's error without its URL.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::robots::{Platform, Robot, RobotMessage, sign};

/// WeCom takes an image of at most 2 MB before base64.
pub const IMAGE_LIMIT: usize = 2 * 1024 * 1024;
/// How long a robot waits after its platform's per-minute limit answered.
pub const RATE_LIMIT_PAUSE: Duration = Duration::from_secs(60);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What became of one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The platform took it (errcode / code 0).
    Delivered,
    /// The platform's rate limit: that robot waits `wait`, nothing else does.
    RateLimited { wait: Duration, error: String },
    /// No answer, or a 5xx: tried again with backoff.
    Retry(String),
    /// The key or the signature was refused: the robot is broken until its webhook changes.
    Broken(String),
    /// The platform refused this message for good (its shape, its size): not tried again.
    Refused(String),
}

/// The platform's answer to a request, as a verdict. `body` is the answer's text.
pub fn classify(platform: Platform, status: u16, body: &str) -> Verdict {
    let answer: Option<Value> = serde_json::from_str(body).ok();
    let code = answer.as_ref().and_then(|a| {
        ["errcode", "code", "StatusCode"]
            .iter()
            .find_map(|field| a[*field].as_i64())
    });
    let words = answer
        .as_ref()
        .and_then(|a| {
            ["errmsg", "msg", "StatusMessage"]
                .iter()
                .find_map(|f| a[*f].as_str())
        })
        .unwrap_or(body);
    let error = |what: &str| -> String {
        let code = code.map_or_else(|| format!("HTTP {status}"), |c| c.to_string());
        format!(
            "{what} {code} {}",
            words.chars().take(160).collect::<String>()
        )
        .trim_end()
        .to_owned()
    };
    if status == 429 || code.is_some_and(|c| rate_limited(platform, c)) {
        return Verdict::RateLimited {
            wait: RATE_LIMIT_PAUSE,
            error: error("rate limited"),
        };
    }
    if status >= 500 {
        return Verdict::Retry(error("server error"));
    }
    if let Some(code) = code
        && broken(platform, code)
    {
        return Verdict::Broken(error("key or signature refused"));
    }
    match code {
        Some(0) if (200..300).contains(&status) => Verdict::Delivered,
        _ => Verdict::Refused(error("refused")),
    }
}

fn rate_limited(platform: Platform, code: i64) -> bool {
    match platform {
        Platform::Wecom => code == 45009,
        Platform::Dingtalk => code == 130_101,
        Platform::Feishu => code == 11232,
    }
}

fn broken(platform: Platform, code: i64) -> bool {
    match platform {
        Platform::Wecom => code == 93000,
        Platform::Dingtalk => matches!(code, 310_000 | 300_001),
        Platform::Feishu => matches!(code, 19001 | 19021 | 19022 | 19024),
    }
}

/// The JSON body of a message that needs no upload first. An image is read from disk here;
/// a file is [`file_body`] after its upload; DingTalk and Feishu take neither.
pub fn body(platform: Platform, message: &RobotMessage) -> Result<Value, String> {
    match (platform, message) {
        (Platform::Wecom, RobotMessage::Markdown { text, .. }) => {
            Ok(json!({"msgtype": "markdown", "markdown": {"content": text}}))
        }
        (Platform::Wecom, RobotMessage::Text { text, mobiles }) => Ok(json!({
            "msgtype": "text",
            "text": {"content": text, "mentioned_mobile_list": mobiles},
        })),
        (Platform::Wecom, RobotMessage::Image { path }) => {
            let bytes = std::fs::read(path).map_err(|e| format!("the image is gone: {e}"))?;
            if bytes.len() >= IMAGE_LIMIT {
                return Err(format!("the image is {} bytes, over 2 MB", bytes.len()));
            }
            Ok(json!({
                "msgtype": "image",
                "image": {"base64": STANDARD.encode(&bytes), "md5": md5_hex(&bytes)},
            }))
        }
        (Platform::Dingtalk, RobotMessage::Markdown { title, text }) => Ok(json!({
            "msgtype": "markdown",
            "markdown": {"title": title, "text": text},
        })),
        (Platform::Dingtalk, RobotMessage::Text { text, mobiles }) => {
            // DingTalk shows a mention only where the text itself says "@<mobile>".
            let mut content = text.clone();
            for mobile in mobiles {
                content.push_str(&format!(" @{mobile}"));
            }
            Ok(json!({
                "msgtype": "text",
                "text": {"content": content},
                "at": {"atMobiles": mobiles, "isAtAll": false},
            }))
        }
        (Platform::Feishu, RobotMessage::Markdown { title, text }) => Ok(json!({
            "msg_type": "interactive",
            "card": {
                "elements": [{"tag": "markdown", "content": text}],
                "header": {"title": {"tag": "plain_text", "content": title}},
            },
        })),
        (Platform::Feishu, RobotMessage::Text { text, .. }) => {
            Ok(json!({"msg_type": "text", "content": {"text": text}}))
        }
        (_, RobotMessage::File { .. }) if platform.takes_files() => {
            Err("a file is sent by its media id after the upload".to_owned())
        }
        (platform, _) => Err(format!(
            "{} robots take no images or files",
            platform.as_str()
        )),
    }
}

/// WeCom's file message, by the media id its upload answered.
pub fn file_body(media_id: &str) -> Value {
    json!({"msgtype": "file", "file": {"media_id": media_id}})
}

/// The md5 of `bytes` as lowercase hex, as WeCom checks an image.
pub fn md5_hex(bytes: &[u8]) -> String {
    hex(&Md5::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The URL to post to, and the body, signed at `now` where the robot has a secret: DingTalk
/// on the query, Feishu in the body. WeCom signs nothing.
pub fn signed(robot: &Robot, mut body: Value, now: DateTime<Utc>) -> (String, Value) {
    let url = robot.url.expose().to_owned();
    let Some(secret) = robot.secret.as_ref().map(|s| s.expose()) else {
        return (url, body);
    };
    match robot.platform {
        Platform::Wecom => (url, body),
        Platform::Dingtalk => {
            let ms = now.timestamp_millis();
            let sign = sign::dingtalk(secret, ms);
            (format!("{url}&timestamp={ms}&sign={sign}"), body)
        }
        Platform::Feishu => {
            let s = now.timestamp();
            body["timestamp"] = Value::String(s.to_string());
            body["sign"] = Value::String(sign::feishu(secret, s));
            (url, body)
        }
    }
}

/// WeCom's upload URL: the send URL with `send` replaced by `upload_media`, type file.
pub fn upload_url(send_url: &str) -> String {
    format!(
        "{}&type=file",
        send_url.replacen("/webhook/send", "/webhook/upload_media", 1)
    )
}

/// Sends one message to one robot and says what became of it. `now` signs the request.
pub async fn deliver(
    http: &reqwest::Client,
    robot: &Robot,
    message: &RobotMessage,
    now: DateTime<Utc>,
) -> Verdict {
    let body = match message {
        RobotMessage::File { path, name } if robot.platform.takes_files() => {
            match upload(http, robot, path, name).await {
                Ok(media_id) => file_body(&media_id),
                Err(verdict) => return verdict,
            }
        }
        _ => match body(robot.platform, message) {
            Ok(body) => body,
            Err(error) => return Verdict::Refused(error),
        },
    };
    let (url, body) = signed(robot, body, now);
    let sent = http
        .post(url)
        .json(&body)
        .timeout(REQUEST_TIMEOUT)
        .send()
        .await;
    match sent {
        Ok(response) => read(robot.platform, response).await.1,
        Err(error) => Verdict::Retry(network(error)),
    }
}

/// Uploads a file to WeCom's `upload_media`: its media id, or the verdict that stops the send.
async fn upload(
    http: &reqwest::Client,
    robot: &Robot,
    path: &std::path::Path,
    name: &str,
) -> Result<String, Verdict> {
    let bytes =
        std::fs::read(path).map_err(|e| Verdict::Refused(format!("the file is gone: {e}")))?;
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    // The name as it is, in UTF-8: WeCom shows a percent-encoded name as it came.
    let form = reqwest::multipart::Form::new()
        .percent_encode_noop()
        .part("media", part);
    let sent = http
        .post(upload_url(robot.url.expose()))
        .multipart(form)
        .timeout(REQUEST_TIMEOUT)
        .send()
        .await
        .map_err(|error| Verdict::Retry(network(error)))?;
    match read(robot.platform, sent).await {
        (Some(answer), Verdict::Delivered) => answer["media_id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Verdict::Refused("the upload answered no media_id".to_owned())),
        (_, Verdict::Delivered) => Err(Verdict::Refused("unreadable upload answer".to_owned())),
        (_, verdict) => Err(verdict),
    }
}

async fn read(platform: Platform, response: reqwest::Response) -> (Option<Value>, Verdict) {
    let status = response.status().as_u16();
    match response.text().await {
        Ok(text) => (
            serde_json::from_str(&text).ok(),
            classify(platform, status, &text),
        ),
        Err(error) => (None, Verdict::Retry(network(error))),
    }
}

/// reqwest's errors carry the URL, which holds the key: stripped before anything is kept.
fn network(error: reqwest::Error) -> String {
    format!("network error: {}", error.without_url())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_classified_as_each_platform_means_them() {
        let ok = r#"{"errcode":0,"errmsg":"ok"}"#;
        assert_eq!(classify(Platform::Wecom, 200, ok), Verdict::Delivered);
        assert_eq!(
            classify(Platform::Feishu, 200, r#"{"code":0,"msg":"success"}"#),
            Verdict::Delivered
        );
        let limited = classify(Platform::Wecom, 200, r#"{"errcode":45009,"errmsg":"freq"}"#);
        assert!(
            matches!(limited, Verdict::RateLimited { wait, .. } if wait >= Duration::from_secs(60))
        );
        assert!(matches!(
            classify(
                Platform::Dingtalk,
                200,
                r#"{"errcode":130101,"errmsg":"send too fast"}"#
            ),
            Verdict::RateLimited { .. }
        ));
        assert!(matches!(
            classify(Platform::Feishu, 429, ""),
            Verdict::RateLimited { .. }
        ));
        assert!(matches!(
            classify(
                Platform::Feishu,
                200,
                r#"{"code":11232,"msg":"frequency limited"}"#
            ),
            Verdict::RateLimited { .. }
        ));
        assert!(matches!(
            classify(Platform::Wecom, 502, "bad gateway"),
            Verdict::Retry(_)
        ));
        for (platform, answer) in [
            (
                Platform::Wecom,
                r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#,
            ),
            (
                Platform::Dingtalk,
                r#"{"errcode":310000,"errmsg":"sign not match"}"#,
            ),
            (
                Platform::Dingtalk,
                r#"{"errcode":300001,"errmsg":"token is not exist"}"#,
            ),
            (
                Platform::Feishu,
                r#"{"code":19021,"msg":"sign match fail"}"#,
            ),
            (
                Platform::Feishu,
                r#"{"code":19001,"msg":"param invalid: incoming webhook access token invalid"}"#,
            ),
        ] {
            assert!(
                matches!(classify(platform, 200, answer), Verdict::Broken(_)),
                "{answer}"
            );
        }
        let refused = classify(
            Platform::Wecom,
            200,
            r#"{"errcode":40058,"errmsg":"too long"}"#,
        );
        assert_eq!(
            refused,
            Verdict::Refused("refused 40058 too long".to_owned())
        );
        // A WeCom code means nothing special to DingTalk.
        assert!(matches!(
            classify(Platform::Dingtalk, 200, r#"{"errcode":93000,"errmsg":"x"}"#),
            Verdict::Refused(_)
        ));
    }

    #[test]
    fn bodies_take_each_platforms_shape() {
        let text = RobotMessage::Text {
            text: "请今日报送".to_owned(),
            mobiles: vec!["13800000001".to_owned()],
        };
        let wecom = body(Platform::Wecom, &text).unwrap();
        assert_eq!(wecom["text"]["mentioned_mobile_list"][0], "13800000001");
        let dingtalk = body(Platform::Dingtalk, &text).unwrap();
        assert_eq!(dingtalk["text"]["content"], "请今日报送 @13800000001");
        assert_eq!(dingtalk["at"]["atMobiles"][0], "13800000001");
        assert_eq!(dingtalk["at"]["isAtAll"], false);
        let feishu = body(Platform::Feishu, &text).unwrap();
        assert_eq!(feishu["content"]["text"], "请今日报送");
        let image = RobotMessage::Image {
            path: "/nonexistent.png".into(),
        };
        assert!(body(Platform::Dingtalk, &image).is_err());
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.png");
        std::fs::write(&big, vec![0u8; IMAGE_LIMIT]).unwrap();
        let error = body(Platform::Wecom, &RobotMessage::Image { path: big }).unwrap_err();
        assert!(error.contains("over 2 MB"), "{error}");
        assert_eq!(
            upload_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K"),
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/upload_media?key=K&type=file"
        );
    }
}
