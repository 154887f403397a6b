//! What is queued for a robot, as data: the platform's own request body is made from it when it
//! is sent (a signature is good for an hour only; a file is uploaded first). Stored as JSON in
//! `robot_outbox.payload`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::robots::Platform;

/// One robot message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RobotMessage {
    /// Markdown under the platform's limit ([`Platform::markdown_limit`]): a digest's part, the
    /// quarter, an escalation. `title` is DingTalk's notification line.
    Markdown { title: String, text: String },
    /// Plain text that @-mentions people by mobile number (WeCom `mentioned_mobile_list`,
    /// DingTalk `at.atMobiles`; Feishu cannot mention by number and shows the text only).
    Text { text: String, mobiles: Vec<String> },
    /// A PNG (the chart), sent as WeCom's image message: base64 and md5, under 2 MB.
    Image { path: PathBuf },
    /// A file (the ledger), uploaded to WeCom's `upload_media` first, then sent by its media id.
    File { path: PathBuf, name: String },
}

impl Platform {
    /// The most bytes of UTF-8 one markdown message may carry. WeCom's is documented (4,096);
    /// DingTalk's and Feishu's are kept well under their 20 KB request bodies.
    pub fn markdown_limit(self) -> usize {
        match self {
            Self::Wecom => 4096,
            Self::Dingtalk | Self::Feishu => 16_000,
        }
    }

    /// The most bytes of UTF-8 a text message may carry (WeCom: 2,048).
    pub fn text_limit(self) -> usize {
        match self {
            Self::Wecom => 2048,
            Self::Dingtalk | Self::Feishu => 16_000,
        }
    }

    /// Whether the platform's robot takes images and files (WeCom only).
    pub fn takes_files(self) -> bool {
        self == Self::Wecom
    }

    /// The most messages one robot may send in a minute, and in a second.
    pub fn pace(self) -> (u32, u32) {
        match self {
            Self::Wecom | Self::Dingtalk => (20, 20),
            Self::Feishu => (100, 5),
        }
    }
}

/// `text` in parts of at most `limit` bytes, cut between lines (a line longer than the limit
/// is cut between characters). Every part but the first starts with `continued` (e.g.
/// "（续）") so a reader scrolling the group sees where it carries on.
pub fn split(text: &str, limit: usize, continued: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in text.split('\n') {
        for piece in pieces(line, limit.saturating_sub(continued.len() + 1).max(4)) {
            let extra = usize::from(!current.is_empty()) + piece.len();
            if !current.is_empty() && current.len() + extra > limit {
                parts.push(std::mem::take(&mut current));
            }
            if current.is_empty() && !parts.is_empty() {
                current.push_str(continued);
                current.push('\n');
            } else if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(piece);
        }
    }
    if !current.is_empty() || parts.is_empty() {
        parts.push(current);
    }
    parts
}

/// A line in pieces of at most `limit` bytes, cut at character boundaries.
fn pieces(line: &str, limit: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while rest.len() > limit {
        let mut at = limit;
        while !rest.is_char_boundary(at) {
            at -= 1;
        }
        out.push(&rest[..at]);
        rest = &rest[at..];
    }
    out.push(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_briefing_splits_between_lines_under_the_byte_limit() {
        let line = "· 12. 新能源智慧充电站及智慧停车场项目：45/100台（45%）";
        let text = vec![line; 200].join("\n");
        let parts = split(&text, 4096, "（续）");
        assert!(parts.len() > 1);
        for part in &parts {
            assert!(part.len() <= 4096, "{}", part.len());
        }
        assert!(parts[1].starts_with("（续）\n· 12."));
        let again: Vec<&str> = parts
            .iter()
            .flat_map(|p| p.split('\n'))
            .filter(|l| *l != "（续）")
            .collect();
        assert_eq!(again.len(), 200, "no line lost or cut");
    }

    #[test]
    fn a_line_longer_than_the_limit_is_cut_between_characters() {
        let text = "困".repeat(3000);
        let parts = split(&text, 4096, "（续）");
        assert!(parts.iter().all(|p| p.len() <= 4096));
        let joined: String = parts
            .iter()
            .map(|p| p.trim_start_matches("（续）\n"))
            .collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn a_message_reads_back_from_its_stored_json() {
        let message = RobotMessage::Text {
            text: "⏰ 提醒".to_owned(),
            mobiles: vec!["13800000000".to_owned()],
        };
        let json = serde_json::to_string(&message).unwrap();
        assert!(json.contains("\"kind\":\"text\""), "{json}");
        assert_eq!(
            serde_json::from_str::<RobotMessage>(&json).unwrap(),
            message
        );
    }
}
