//! The recording proxy every Chromium run goes through: it writes down the host of each request
//! (absolute-form `GET http://host/…` and `CONNECT host:443`), carries the requests for the
//! page's own host and port to it, and refuses everything else with a 502. So a page that asks
//! a CDN for a font is both caught (the host is in the list) and kept off the network.

use std::io;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// A request head longer than this is not a browser's: refuse it rather than buffer on.
const MAX_HEAD: usize = 64 * 1024;

const REFUSED: &[u8] =
    b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// Headers that speak about the hop to the proxy, not about the request: each forwarded request
/// gets `Connection: close` instead, so one connection carries one request and its answer ends
/// where the upstream closes.
const HOP_HEADERS: [&str; 3] = ["connection", "proxy-connection", "keep-alive"];

pub struct Proxy {
    pub port: u16,
    hosts: Arc<Mutex<Vec<String>>>,
    accepting: JoinHandle<()>,
}

impl Proxy {
    /// Listens on 127.0.0.1 (a free port) and forwards to `own` ("127.0.0.1:8080") only.
    pub async fn start(own: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let hosts = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&hosts);
        let accepting = tokio::spawn(async move {
            // Connections live in the set, so dropping the proxy ends them too.
            let mut connections = JoinSet::new();
            while let Ok((client, _)) = listener.accept().await {
                let (own, seen) = (own.clone(), Arc::clone(&seen));
                connections.spawn(async move {
                    let _ = serve(client, &own, &seen).await;
                });
            }
        });
        Self {
            port,
            hosts,
            accepting,
        }
    }

    /// Every `host:port` asked for so far, in the order first asked, each once.
    pub fn hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = Vec::new();
        for host in self.hosts.lock().unwrap().iter() {
            if !hosts.contains(host) {
                hosts.push(host.clone());
            }
        }
        hosts
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

/// One client connection: one request, recorded, then relayed to `own` or refused.
async fn serve(mut client: TcpStream, own: &str, seen: &Mutex<Vec<String>>) -> io::Result<()> {
    let (head, body_start) = read_head(&mut client).await?;
    let request = Request::parse(&head);
    seen.lock().unwrap().push(request.authority.clone());
    if request.authority != own || request.forward.is_none() {
        return client.write_all(REFUSED).await;
    }
    let mut upstream = TcpStream::connect(own).await?;
    match &request.forward {
        Some(Forward::Tunnel) => {
            client
                .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                .await?;
        }
        Some(Forward::Head(head)) => upstream.write_all(head.as_bytes()).await?,
        None => unreachable!("refused above"),
    }
    upstream.write_all(&body_start).await?;
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}

/// Reads up to the blank line that ends a request head: the head as text, and whatever bytes
/// of the body came with it.
async fn read_head(client: &mut TcpStream) -> io::Result<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Ok((String::from_utf8_lossy(&buf).into_owned(), rest));
        }
        let n = client.read(&mut chunk).await?;
        if n == 0 || buf.len() > MAX_HEAD {
            return Err(io::ErrorKind::InvalidData.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// What the proxy understood of a request head.
struct Request {
    /// `host:port`, lower case; for a head it cannot read, its first line as it came.
    authority: String,
    /// How to carry it if it is for the page's own host; `None` when it cannot be carried.
    forward: Option<Forward>,
}

enum Forward {
    /// `CONNECT`: answer 200 and relay the bytes both ways.
    Tunnel,
    /// Absolute-form request: this head, in origin form, goes upstream.
    Head(String),
}

impl Request {
    fn parse(head: &str) -> Self {
        let mut lines = head.split("\r\n");
        let first = lines.next().unwrap_or_default();
        let unreadable = || Self {
            authority: first.to_owned(),
            forward: None,
        };
        let [method, target, version] = first.split(' ').collect::<Vec<_>>()[..] else {
            return unreadable();
        };
        if method == "CONNECT" {
            return Self {
                authority: target.to_ascii_lowercase(),
                forward: Some(Forward::Tunnel),
            };
        }
        let Some((scheme, rest)) = target.split_once("://") else {
            return unreadable();
        };
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(split);
        let path = match path {
            "" => "/".to_owned(),
            p if p.starts_with('?') => format!("/{p}"),
            p => p.to_owned(),
        };
        let mut forwarded = format!("{method} {path} {version}\r\n");
        for line in lines.filter(|l| !l.is_empty()) {
            let name = line.split(':').next().unwrap_or_default().trim();
            if !HOP_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)) {
                forwarded.push_str(line);
                forwarded.push_str("\r\n");
            }
        }
        forwarded.push_str("Connection: close\r\n\r\n");
        Self {
            authority: with_port(authority, scheme),
            forward: Some(Forward::Head(forwarded)),
        }
    }
}

/// `cdn.example.com` asked over http is `cdn.example.com:80`: one spelling per host and port.
fn with_port(authority: &str, scheme: &str) -> String {
    let authority = authority.to_ascii_lowercase();
    let has_port = authority
        .rsplit_once(':')
        .is_some_and(|(_, port)| port.parse::<u16>().is_ok());
    if has_port {
        return authority;
    }
    let port = if matches!(scheme, "https" | "wss") {
        443
    } else {
        80
    };
    format!("{authority}:{port}")
}

#[test]
fn a_proxy_request_is_named_by_host_and_port_and_forwarded_in_origin_form() {
    let head = "GET http://127.0.0.1:4000/projects/3?x=1 HTTP/1.1\r\nHost: 127.0.0.1:4000\r\n\
                Proxy-Connection: keep-alive\r\nCookie: minsheng_session=abc\r\n\r\n";
    let request = Request::parse(head);
    assert_eq!(request.authority, "127.0.0.1:4000");
    let Some(Forward::Head(forwarded)) = request.forward else {
        panic!("an absolute-form GET is carried");
    };
    assert_eq!(
        forwarded,
        "GET /projects/3?x=1 HTTP/1.1\r\nHost: 127.0.0.1:4000\r\n\
         Cookie: minsheng_session=abc\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(
        Request::parse("GET http://CDN.example.com HTTP/1.1\r\n\r\n").authority,
        "cdn.example.com:80"
    );
    assert_eq!(
        Request::parse("CONNECT fonts.example.net:443 HTTP/1.1\r\n\r\n").authority,
        "fonts.example.net:443"
    );
    assert_eq!(Request::parse("nonsense\r\n\r\n").authority, "nonsense");
}
