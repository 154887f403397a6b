//! A thin Bot API client over reqwest. We own the HTTP so that the outbox sees every status
//! code and `retry_after` as Telegram gave it: teloxide's client sleeps 10 s inside any request
//! that met a 5xx, which would stall every chat behind one bad answer.

use std::time::Duration;

use serde_json::Value;

use crate::config::{NetworkSettings, Secret};

#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// 429: wait this many seconds.
    RetryAfter(u64),
    /// 400: the group was upgraded to a supergroup, which has this new chat id.
    Migrated { to: i64 },
    /// A refusal with Telegram's code and description (400, 403 …).
    Api { code: u16, description: String },
    /// 5xx: Telegram is having trouble; the request may or may not have had effect.
    Server { code: u16 },
    /// No answer. `maybe_delivered` is false only when the connection was never made.
    Network {
        maybe_delivered: bool,
        error: String,
    },
}

impl CallError {
    /// The person blocked the bot, left, or never was: retrying will not help.
    pub fn is_unreachable(&self) -> bool {
        match self {
            Self::Api { code: 403, .. } => true,
            Self::Api {
                code: 400,
                description,
            } => {
                let d = description.to_lowercase();
                d.contains("chat not found")
                    || d.contains("user not found")
                    || d.contains("peer_id_invalid")
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::RetryAfter(secs) => write!(f, "429 retry after {secs}s"),
            Self::Migrated { to } => write!(f, "400 group upgraded to supergroup {to}"),
            Self::Api { code, description } => write!(f, "{code} {description}"),
            Self::Server { code } => write!(f, "{code} server error"),
            Self::Network {
                maybe_delivered,
                error,
            } => write!(
                f,
                "network error (maybe delivered: {maybe_delivered}): {error}"
            ),
        }
    }
}

impl std::error::Error for CallError {}

#[derive(Clone)]
pub struct TelegramClient {
    http: reqwest::Client,
    /// `{api_url}/bot{token}/`: a secret, since it holds the token.
    base: Secret,
    /// `{api_url}/file/bot{token}/`, where files are downloaded from: a secret too.
    files: Secret,
}

impl std::fmt::Debug for TelegramClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramClient").finish_non_exhaustive()
    }
}

impl TelegramClient {
    pub fn new(api_url: &str, token: &Secret, network: &NetworkSettings) -> anyhow::Result<Self> {
        let http = crate::runtime::http::client(network)?;
        let api_url = api_url.trim_end_matches('/');
        let base = Secret::new(format!("{api_url}/bot{}/", token.expose()));
        let files = Secret::new(format!("{api_url}/file/bot{}/", token.expose()));
        Ok(Self { http, base, files })
    }

    /// Calls a Bot API method with a JSON body. `timeout` bounds the whole exchange; a long poll
    /// passes its own poll time plus a margin.
    pub async fn call(
        &self,
        method: &str,
        body: &Value,
        timeout: Duration,
    ) -> Result<Value, CallError> {
        let url = format!("{}{method}", self.base.expose());
        let response = self
            .http
            .post(url)
            .json(body)
            .timeout(timeout)
            .send()
            .await
            .map_err(network)?;
        answer(response).await
    }
}

/// Reads the Bot API's answer: the result, or what went wrong.
async fn answer(response: reqwest::Response) -> Result<Value, CallError> {
    let status = response.status().as_u16();
    let text = response.text().await.map_err(network)?;
    let answer: Value = match serde_json::from_str(&text) {
        Ok(answer) => answer,
        Err(_) if status >= 500 => return Err(CallError::Server { code: status }),
        Err(_) => {
            return Err(CallError::Api {
                code: status,
                description: text.chars().take(200).collect(),
            });
        }
    };
    if answer["ok"].as_bool() == Some(true) {
        return Ok(answer["result"].clone());
    }
    if let Some(secs) = answer["parameters"]["retry_after"].as_u64() {
        return Err(CallError::RetryAfter(secs));
    }
    if let Some(to) = answer["parameters"]["migrate_to_chat_id"].as_i64() {
        return Err(CallError::Migrated { to });
    }
    let code = answer["error_code"].as_u64().map_or(status, |c| c as u16);
    if code >= 500 {
        return Err(CallError::Server { code });
    }
    Err(CallError::Api {
        code,
        description: answer["description"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    })
}

/// A file to upload with a call (sendDocument, sendPhoto): its form field, name and bytes.
pub struct Upload {
    pub field: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

impl TelegramClient {
    /// Calls a method as multipart/form-data: the body's fields as text, and one file.
    pub async fn call_with_file(
        &self,
        method: &str,
        body: &Value,
        upload: Upload,
        timeout: Duration,
    ) -> Result<Value, CallError> {
        let mut form = reqwest::multipart::Form::new();
        if let Some(fields) = body.as_object() {
            for (key, value) in fields {
                let text = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                form = form.text(key.clone(), text);
            }
        }
        form = form.part(
            upload.field,
            reqwest::multipart::Part::bytes(upload.bytes).file_name(upload.name),
        );
        let url = format!("{}{method}", self.base.expose());
        let response = self
            .http
            .post(url)
            .multipart(form)
            .timeout(timeout)
            .send()
            .await
            .map_err(network)?;
        answer(response).await
    }
}

/// A download that could not be had.
#[derive(Debug, Clone, PartialEq)]
pub enum DownloadError {
    /// Larger than the limit: never tried again.
    TooBig,
    /// The answer's status (404 …): the file path may have expired.
    Status(u16),
    Network(String),
}

impl std::fmt::Display for DownloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooBig => write!(f, "file too big"),
            Self::Status(code) => write!(f, "download answered {code}"),
            Self::Network(error) => write!(f, "download failed: {error}"),
        }
    }
}

impl TelegramClient {
    /// Downloads a file `getFile` named, stopping as soon as it passes `limit` bytes.
    pub async fn download(
        &self,
        file_path: &str,
        limit: u64,
        timeout: Duration,
    ) -> Result<Vec<u8>, DownloadError> {
        let url = format!("{}{file_path}", self.files.expose());
        let failed =
            |error: reqwest::Error| DownloadError::Network(error.without_url().to_string());
        let mut response = self
            .http
            .get(url)
            .timeout(timeout)
            .send()
            .await
            .map_err(failed)?;
        if !response.status().is_success() {
            return Err(DownloadError::Status(response.status().as_u16()));
        }
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(DownloadError::TooBig);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > limit {
                return Err(DownloadError::TooBig);
            }
        }
        Ok(bytes)
    }
}

/// reqwest's errors carry the URL, and ours holds the token: strip it before anything is shown.
fn network(error: reqwest::Error) -> CallError {
    let maybe_delivered = !error.is_connect();
    CallError::Network {
        maybe_delivered,
        error: error.without_url().to_string(),
    }
}
