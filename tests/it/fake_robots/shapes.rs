//! Each platform's request body checked as the platform checks it, and decoded.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::{Digest, Md5};
use serde_json::Value;

use super::{Answer, Got, Inner, Kind, error, refusal};

/// The message a request carries, checked as the platform checks it.
pub(super) fn read(inner: &Inner, kind: Kind, json: &Value) -> Result<Got, (Answer, String)> {
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|m| m.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let bad = |why: &str| refusal(kind, why);
    match kind {
        Kind::Wecom => match json["msgtype"].as_str() {
            Some("markdown") => {
                let content =
                    text(&json["markdown"]["content"]).ok_or_else(|| bad("no content"))?;
                if content.len() > 4096 {
                    return Err((
                        error(kind, 40058, "markdown.content exceed max length 4096"),
                        "markdown over 4096 bytes".to_owned(),
                    ));
                }
                Ok(Got::Markdown {
                    title: String::new(),
                    text: content,
                })
            }
            Some("text") => {
                let content = text(&json["text"]["content"]).ok_or_else(|| bad("no content"))?;
                if content.len() > 2048 {
                    return Err((
                        error(kind, 40058, "text.content exceed max length 2048"),
                        "text over 2048 bytes".to_owned(),
                    ));
                }
                Ok(Got::Text {
                    text: content,
                    mobiles: strings(&json["text"]["mentioned_mobile_list"]),
                })
            }
            Some("image") => {
                let bytes = json["image"]["base64"]
                    .as_str()
                    .and_then(|b| STANDARD.decode(b).ok())
                    .ok_or_else(|| bad("image.base64 unreadable"))?;
                let md5: String = Md5::digest(&bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                if json["image"]["md5"].as_str() != Some(md5.as_str()) {
                    return Err((
                        error(kind, 40009, "invalid image md5"),
                        "image md5 does not match".to_owned(),
                    ));
                }
                if bytes.len() > 2 * 1024 * 1024 {
                    return Err((
                        error(kind, 40009, "invalid image size"),
                        "image over 2 MB".to_owned(),
                    ));
                }
                Ok(Got::Image {
                    md5,
                    size: bytes.len(),
                })
            }
            Some("file") => {
                let id = json["file"]["media_id"].as_str().unwrap_or_default();
                let (name, bytes) = inner.media.get(id).cloned().ok_or_else(|| {
                    (
                        error(kind, 40007, "invalid media_id"),
                        "unknown media_id".to_owned(),
                    )
                })?;
                Ok(Got::File { name, bytes })
            }
            _ => Err(bad("invalid message type")),
        },
        Kind::Dingtalk => match json["msgtype"].as_str() {
            Some("markdown") => Ok(Got::Markdown {
                title: text(&json["markdown"]["title"]).ok_or_else(|| bad("no markdown.title"))?,
                text: text(&json["markdown"]["text"]).ok_or_else(|| bad("no markdown.text"))?,
            }),
            Some("text") => {
                let content =
                    text(&json["text"]["content"]).ok_or_else(|| bad("no text.content"))?;
                // DingTalk shows a mention only where the text says "@<mobile>".
                let mobiles = strings(&json["at"]["atMobiles"])
                    .into_iter()
                    .filter(|m| content.contains(&format!("@{m}")))
                    .collect();
                Ok(Got::Text {
                    text: content,
                    mobiles,
                })
            }
            _ => Err(bad("不支持的消息类型")),
        },
        Kind::Feishu => match json["msg_type"].as_str() {
            Some("interactive") => {
                let card = &json["card"];
                let element = &card["elements"][0];
                if element["tag"] != "markdown" {
                    return Err(bad("card element is not markdown"));
                }
                Ok(Got::Markdown {
                    title: text(&card["header"]["title"]["content"])
                        .ok_or_else(|| bad("no header title"))?,
                    text: text(&element["content"]).ok_or_else(|| bad("no markdown content"))?,
                })
            }
            Some("text") => Ok(Got::Text {
                text: text(&json["content"]["text"]).ok_or_else(|| bad("no content.text"))?,
                mobiles: Vec::new(),
            }),
            _ => Err(bad("invalid msg_type")),
        },
    }
}
