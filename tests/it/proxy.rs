//! Reaching Telegram from an office network (issue 14): the real process behind an `http://`
//! proxy and a `socks5h://` one. The Bot API's host does not resolve here: only a proxy that
//! carries the calls can get them to the fake Bot API.

use std::process::Stdio;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::Command;

use crate::fake_api::FakeApi;
use crate::helpers::{ADMIN_ID, PATIENCE, TOKEN, seeds_dir};

/// A proxy on 127.0.0.1 that relays every connection to the fake Bot API and keeps what each
/// client asked for: an HTTP request line, or a SOCKS5 destination.
struct Proxy {
    port: u16,
    asked: Arc<Mutex<Vec<String>>>,
}

#[derive(Clone, Copy)]
enum Kind {
    Http,
    Socks5,
}

impl Proxy {
    async fn start(kind: Kind, upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&asked);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (upstream, seen) = (upstream.clone(), Arc::clone(&seen));
                tokio::spawn(async move {
                    let _ = relay(kind, client, &upstream, &seen).await;
                });
            }
        });
        Self { port, asked }
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

async fn relay(
    kind: Kind,
    mut client: TcpStream,
    upstream: &str,
    seen: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut first = Vec::new();
    match kind {
        Kind::Http => {
            // The request line, e.g. "POST http://telegram.invalid/bot…/getUpdates HTTP/1.1",
            // is forwarded as it is: the fake Bot API takes the absolute form.
            let mut buf = [0u8; 4096];
            let n = client.read(&mut buf).await?;
            first.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&first);
            let line = text.lines().next().unwrap_or_default();
            let method_and_host: Vec<&str> = line.split('/').take(3).collect();
            seen.lock().unwrap().push(method_and_host.join("/"));
        }
        Kind::Socks5 => {
            let mut greeting = [0u8; 2];
            client.read_exact(&mut greeting).await?;
            let mut methods = vec![0u8; usize::from(greeting[1])];
            client.read_exact(&mut methods).await?;
            client.write_all(&[5, 0]).await?;
            let mut head = [0u8; 4];
            client.read_exact(&mut head).await?;
            let destination = match head[3] {
                3 => {
                    let mut len = [0u8; 1];
                    client.read_exact(&mut len).await?;
                    let mut name = vec![0u8; usize::from(len[0])];
                    client.read_exact(&mut name).await?;
                    String::from_utf8_lossy(&name).into_owned()
                }
                1 => {
                    let mut ip = [0u8; 4];
                    client.read_exact(&mut ip).await?;
                    format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3])
                }
                _ => return Ok(()),
            };
            let mut port = [0u8; 2];
            client.read_exact(&mut port).await?;
            seen.lock()
                .unwrap()
                .push(format!("{destination}:{}", u16::from_be_bytes(port)));
            client.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
        }
    }
    let mut server = TcpStream::connect(upstream).await?;
    server.write_all(&first).await?;
    tokio::io::copy_bidirectional(&mut client, &mut server).await?;
    Ok(())
}

/// The bot started with `proxy_var=proxy_url` and a Bot API URL that only the proxy can reach;
/// true once the fake Bot API has had a `getUpdates` through it.
async fn polls_through(proxy_var: &str, proxy_url: &str, api: &FakeApi) -> String {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_minsheng"))
        .args(["run", "--database"])
        .arg(dir.path().join("m.db"))
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", "http://telegram.invalid")
        .env("MINSHENG_SEEDS", seeds_dir())
        .env("MINSHENG_ADMINS", ADMIN_ID.to_string())
        .env("MINSHENG_TELEGRAM_POLL_TIMEOUT_SECS", "1")
        .env("RUST_LOG", "info")
        .env(proxy_var, proxy_url)
        .env_remove("MINSHENG_CONFIG")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let polled = api.first_call_of("getUpdates", PATIENCE).await.is_some();
    child.kill().await.unwrap();
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        polled,
        "the bot reached the Bot API through the proxy:\n{log}"
    );
    log
}

fn upstream(api: &FakeApi) -> String {
    api.url.trim_start_matches("http://").to_owned()
}

#[tokio::test]
async fn the_bot_reaches_telegram_through_an_http_proxy() {
    let api = FakeApi::start().await;
    let proxy = Proxy::start(Kind::Http, upstream(&api)).await;
    let log = polls_through(
        "HTTP_PROXY",
        &format!("http://office:secret@127.0.0.1:{}", proxy.port),
        &api,
    )
    .await;
    assert!(
        proxy
            .asked()
            .iter()
            .any(|line| line.starts_with("POST http://telegram.invalid")),
        "{:?}",
        proxy.asked()
    );
    assert!(
        !log.contains("secret"),
        "the proxy's password stays out of the log:\n{log}"
    );
}

#[tokio::test]
async fn the_bot_reaches_telegram_through_a_socks5_proxy() {
    let api = FakeApi::start().await;
    let proxy = Proxy::start(Kind::Socks5, upstream(&api)).await;
    let log = polls_through(
        "ALL_PROXY",
        &format!("socks5h://127.0.0.1:{}", proxy.port),
        &api,
    )
    .await;
    assert!(
        proxy.asked().contains(&"telegram.invalid:80".to_owned()),
        "the proxy resolves the name: {:?}",
        proxy.asked()
    );
    assert!(
        log.contains(&format!("socks5h://127.0.0.1:{}", proxy.port)),
        "the start-up line names the proxy in use:\n{log}"
    );
}
