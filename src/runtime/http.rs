//! The one HTTP client every outgoing call is made with (the Bot API, the group robots), so
//! that an office network's settings apply to all of them:
//! - a proxy from `HTTPS_PROXY`, `HTTP_PROXY` or `ALL_PROXY` (`http://` or `socks5://`, with
//!   `NO_PROXY` for exceptions), read from the environment by reqwest;
//! - with `network.system_roots`, the system's root certificates trusted besides the built-in
//!   ones (an office proxy that inspects TLS installs its own root there).

use std::time::Duration;

use crate::config::NetworkSettings;

pub fn client(network: &NetworkSettings) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(60))
        .tls_built_in_native_certs(network.system_roots)
        .build()?)
}

/// The proxy the environment names for HTTPS, without its credentials, for the start-up log
/// line; `None` when there is none.
pub fn proxy_in_use(env: &std::collections::HashMap<String, String>) -> Option<String> {
    let url = [
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "HTTP_PROXY",
        "http_proxy",
    ]
    .iter()
    .find_map(|name| env.get(*name).filter(|v| !v.trim().is_empty()))?;
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    Some(format!("{scheme}://{}", host.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_is_named_without_its_password() {
        let env = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(proxy_in_use(&env(&[])), None);
        assert_eq!(
            proxy_in_use(&env(&[("HTTPS_PROXY", "http://user:pa55@10.1.2.3:3128/")])),
            Some("http://10.1.2.3:3128".to_owned())
        );
        assert_eq!(
            proxy_in_use(&env(&[("ALL_PROXY", "socks5://10.1.2.3:1080")])),
            Some("socks5://10.1.2.3:1080".to_owned())
        );
    }
}
