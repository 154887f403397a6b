//! A fake of the three group-robot webhook APIs (WeCom, DingTalk, Feishu) on 127.0.0.1. It
//! checks each request as the platform does (the JSON's shape, WeCom's byte limits, the image's
//! md5, DingTalk's and Feishu's signatures against the configured secret and the clock), answers
//! with the platform's error codes when told to, enforces the rate limits by the test's clock,
//! and records what each robot got, decoded.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, KeyInit, Mac};
use minsheng::clock::{Clock, ManualClock};
use serde_json::{Value, json};
use sha2::Sha256;

mod shapes;
use shapes::read;

/// What a robot's group got, as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Got {
    Markdown {
        title: String,
        text: String,
    },
    /// `mobiles`: the people mentioned where the platform shows it.
    Text {
        text: String,
        mobiles: Vec<String>,
    },
    Image {
        md5: String,
        size: usize,
    },
    File {
        name: String,
        bytes: Vec<u8>,
    },
}

/// A fault the fake plays for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// The platform's rate-limit answer, once.
    RateLimitOnce,
    /// A 502, once.
    ServerErrorOnce,
    /// The key is invalid (the robot was removed from its group), from now on.
    InvalidKey,
}

#[derive(Default)]
struct Inner {
    secrets: HashMap<String, String>,
    once: HashMap<String, VecDeque<Trouble>>,
    invalid: HashSet<String>,
    got: HashMap<String, Vec<Got>>,
    hits: HashMap<String, Vec<DateTime<Utc>>>,
    media: HashMap<String, (String, Vec<u8>)>,
    refusals: Vec<String>,
}

struct Shared {
    inner: Mutex<Inner>,
    clock: Arc<ManualClock>,
}

pub struct FakeRobots {
    pub url: String,
    shared: Arc<Shared>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Wecom,
    Dingtalk,
    Feishu,
}

type Answer = (StatusCode, String);

impl FakeRobots {
    /// The platforms' clock is the test's: signatures and rate limits are checked by it.
    pub async fn start(clock: Arc<ManualClock>) -> Self {
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner::default()),
            clock,
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake robots");
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("serving the fake robots")
        });
        Self { url, shared }
    }

    pub fn wecom_url(&self, key: &str) -> String {
        format!("{}/cgi-bin/webhook/send?key={key}", self.url)
    }

    pub fn dingtalk_url(&self, token: &str) -> String {
        format!("{}/robot/send?access_token={token}", self.url)
    }

    pub fn feishu_url(&self, key: &str) -> String {
        format!("{}/open-apis/bot/v2/hook/{key}", self.url)
    }

    /// The robot of `key` was added with 加签: requests must carry its signature.
    pub fn signs(&self, key: &str, secret: &str) {
        let mut inner = self.shared.inner.lock().unwrap();
        inner.secrets.insert(key.to_owned(), secret.to_owned());
    }

    pub fn trouble(&self, key: &str, trouble: Trouble) {
        let mut inner = self.shared.inner.lock().unwrap();
        match trouble {
            Trouble::InvalidKey => {
                inner.invalid.insert(key.to_owned());
            }
            once => inner
                .once
                .entry(key.to_owned())
                .or_default()
                .push_back(once),
        }
    }

    /// What the robot of `key` posted into its group, in order.
    pub fn got(&self, key: &str) -> Vec<Got> {
        let inner = self.shared.inner.lock().unwrap();
        inner.got.get(key).cloned().unwrap_or_default()
    }

    /// How many requests came for `key`, answered or not (uploads included).
    pub fn requests(&self, key: &str) -> usize {
        let inner = self.shared.inner.lock().unwrap();
        inner.hits.get(key).map_or(0, Vec::len)
    }

    /// Every request refused for its shape or signature, with why.
    pub fn refusals(&self) -> Vec<String> {
        self.shared.inner.lock().unwrap().refusals.clone()
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let path = uri.path();
    let query = query(uri.query().unwrap_or(""));
    let param = |name: &str| query.get(name).cloned().unwrap_or_default();
    let now = shared.clock.now();
    let mut inner = shared.inner.lock().unwrap();
    let (kind, key) = match path {
        "/cgi-bin/webhook/send" | "/cgi-bin/webhook/upload_media" => (Kind::Wecom, param("key")),
        "/robot/send" => (Kind::Dingtalk, param("access_token")),
        _ => match path.strip_prefix("/open-apis/bot/v2/hook/") {
            Some(key) => (Kind::Feishu, key.to_owned()),
            None => return (StatusCode::NOT_FOUND, "no such route".to_owned()),
        },
    };
    if let Some(answer) = gate(&mut inner, kind, &key, now) {
        return answer;
    }
    let outcome = if path == "/cgi-bin/webhook/upload_media" {
        upload(&mut inner, &param("type"), &headers, &body)
    } else {
        serde_json::from_slice::<Value>(&body)
            .map_err(|_| refusal(kind, "body is not JSON"))
            .and_then(|json| {
                check_signature(&inner, kind, &key, &query, &json, now)?;
                read(&inner, kind, &json)
            })
            .map(|got| {
                inner.got.entry(key.clone()).or_default().push(got);
                ok(kind)
            })
    };
    match outcome {
        Ok(answer) => answer,
        Err((answer, why)) => {
            inner.refusals.push(format!("{key}: {why}"));
            answer
        }
    }
}

/// Counts the request and plays what the key is set to: invalid, a fault once, or the rate
/// limit (WeCom and DingTalk 20 a minute; Feishu 100 a minute and 5 a second).
fn gate(inner: &mut Inner, kind: Kind, key: &str, now: DateTime<Utc>) -> Option<Answer> {
    let hits = inner.hits.entry(key.to_owned()).or_default();
    let minute = hits
        .iter()
        .filter(|t| **t > now - TimeDelta::minutes(1))
        .count();
    let second = hits
        .iter()
        .filter(|t| **t > now - TimeDelta::seconds(1))
        .count();
    hits.push(now);
    if inner.invalid.contains(key) {
        return Some(match kind {
            Kind::Wecom => error(kind, 93000, "invalid webhook url"),
            Kind::Dingtalk => error(kind, 300001, "token is not exist"),
            Kind::Feishu => error(
                kind,
                19001,
                "param invalid: incoming webhook access token invalid",
            ),
        });
    }
    let too_many = match kind {
        Kind::Wecom | Kind::Dingtalk => minute >= 20,
        Kind::Feishu => minute >= 100 || second >= 5,
    };
    let once = inner.once.get_mut(key).and_then(VecDeque::pop_front);
    if too_many || once == Some(Trouble::RateLimitOnce) {
        return Some(match kind {
            Kind::Wecom => error(kind, 45009, "api freq out of limit"),
            Kind::Dingtalk => error(kind, 130101, "send too fast, exceed 20 times per minute"),
            Kind::Feishu => error(kind, 11232, "frequency limited"),
        });
    }
    if once == Some(Trouble::ServerErrorOnce) {
        return Some((
            StatusCode::BAD_GATEWAY,
            "<html>502 Bad Gateway</html>".to_owned(),
        ));
    }
    None
}

fn ok(kind: Kind) -> Answer {
    error(kind, 0, "ok")
}

fn error(kind: Kind, code: i64, words: &str) -> Answer {
    let body = match kind {
        Kind::Wecom | Kind::Dingtalk => json!({"errcode": code, "errmsg": words}),
        Kind::Feishu => json!({"code": code, "msg": words, "data": {}}),
    };
    (StatusCode::OK, body.to_string())
}

fn refusal(kind: Kind, why: &str) -> (Answer, String) {
    let answer = match kind {
        Kind::Wecom => error(kind, 40008, why),
        Kind::Dingtalk => error(kind, 40035, why),
        Kind::Feishu => error(kind, 9499, why),
    };
    (answer, why.to_owned())
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// DingTalk: `timestamp` (ms) and `sign` on the query; Feishu: in the body (s). Within an hour.
fn check_signature(
    inner: &Inner,
    kind: Kind,
    key: &str,
    query: &HashMap<String, String>,
    json: &Value,
    now: DateTime<Utc>,
) -> Result<(), (Answer, String)> {
    let Some(secret) = inner.secrets.get(key) else {
        return Ok(());
    };
    let within_hour = |at: i64| (now.timestamp() - at).abs() <= 3600;
    let good = match kind {
        Kind::Wecom => true,
        Kind::Dingtalk => {
            let ts = query.get("timestamp").cloned().unwrap_or_default();
            let sign = query.get("sign").cloned().unwrap_or_default();
            let expected = STANDARD.encode(hmac_sha256(
                secret.as_bytes(),
                format!("{ts}\n{secret}").as_bytes(),
            ));
            ts.parse::<i64>().is_ok_and(|ms| within_hour(ms / 1000)) && sign == expected
        }
        Kind::Feishu => {
            let ts = json["timestamp"].as_str().unwrap_or_default();
            let sign = json["sign"].as_str().unwrap_or_default();
            let expected = STANDARD.encode(hmac_sha256(format!("{ts}\n{secret}").as_bytes(), b""));
            ts.parse::<i64>().is_ok_and(within_hour) && sign == expected
        }
    };
    if good {
        return Ok(());
    }
    Err(match kind {
        Kind::Dingtalk => (
            error(kind, 310000, "sign not match"),
            "bad signature".to_owned(),
        ),
        _ => (
            error(
                kind,
                19021,
                "sign match fail or timestamp is not within one hour",
            ),
            "bad signature".to_owned(),
        ),
    })
}

/// WeCom's `upload_media?type=file`: multipart, one part named "media" with a filename.
fn upload(
    inner: &mut Inner,
    kind_of_media: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Answer, (Answer, String)> {
    let bad = |why: &str| (error(Kind::Wecom, 40004, why), why.to_owned());
    if kind_of_media != "file" {
        return Err(bad("type must be file"));
    }
    let boundary = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split("boundary=").nth(1))
        .map(|b| format!("--{}", b.trim_matches('"')))
        .ok_or_else(|| bad("not multipart"))?;
    for part in split_bytes(body, boundary.as_bytes()) {
        let Some(head_end) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..head_end]);
        if !head.contains("name=\"media\"") {
            continue;
        }
        let name = head
            .split("filename=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .ok_or_else(|| bad("media has no filename"))?
            .to_owned();
        let mut bytes = part[head_end + 4..].to_vec();
        if bytes.ends_with(b"\r\n") {
            bytes.truncate(bytes.len() - 2);
        }
        let id = format!("MEDIA{}", inner.media.len() + 1);
        inner.media.insert(id.clone(), (name, bytes));
        let answer = json!({"errcode": 0, "errmsg": "ok", "type": "file", "media_id": id, "created_at": "1380000000"});
        return Ok((StatusCode::OK, answer.to_string()));
    }
    Err(bad("no media part"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split_bytes<'a>(mut body: &'a [u8], boundary: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    while let Some(at) = find(body, boundary) {
        parts.push(&body[..at]);
        body = &body[at + boundary.len()..];
    }
    parts.push(body);
    parts
}

/// A query string's parameters, percent-decoded.
fn query(text: &str) -> HashMap<String, String> {
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), percent_decode(v)))
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
