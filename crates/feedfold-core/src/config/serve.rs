//! `[serve]` and `[websub]`: how `feedfold serve` listens and which WebSub hubs hear of
//! new content.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};
use url::Url;

use super::{ConfigError, invalid};

/// `[serve]`: the HTTP server of `feedfold serve`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ServeSettings {
    /// Address and port to listen on.
    pub listen: String,
    /// Most connections open at once; more wait in the kernel's accept queue.
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers before it is disconnected.
    pub header_timeout_secs: u64,
    /// Seconds a keep-alive connection may stay silent before it is closed.
    pub idle_timeout_secs: u64,
    /// Most connections one client address may hold at once; 0 (the default) means no
    /// limit, since a CDN or a newsroom's NAT is one address.
    pub max_connections_per_address: usize,
    /// Address of the operator's page (what `feedfold status` shows); off by default. It
    /// lists internal paths, so it is never on the public listener, and only a loopback
    /// address is accepted unless `admin_public` says otherwise.
    pub admin_listen: Option<String>,
    /// Allow `admin_listen` on an address other than loopback (behind a firewall or VPN).
    pub admin_public: bool,
    /// Log one line per request (combined log format, or JSON fields with `--log-format
    /// json`) to the log, target `access`; off by default.
    pub access_log: bool,
}

impl Default for ServeSettings {
    fn default() -> Self {
        ServeSettings {
            listen: "127.0.0.1:8080".into(),
            max_connections: 1024,
            header_timeout_secs: 10,
            idle_timeout_secs: 60,
            max_connections_per_address: 0,
            admin_listen: None,
            admin_public: false,
            access_log: false,
        }
    }
}

impl ServeSettings {
    /// The listen address (validated at parse time).
    pub fn addr(&self) -> Result<SocketAddr, ConfigError> {
        self.listen
            .parse()
            .map_err(|_| invalid("serve.listen", "must be an address like `127.0.0.1:8080`"))
    }

    /// The operator page's address, if one is configured (validated at parse time): a
    /// loopback address unless `admin_public`, and never the public listener's.
    pub fn admin_addr(&self) -> Result<Option<SocketAddr>, ConfigError> {
        let Some(text) = &self.admin_listen else {
            return Ok(None);
        };
        let key = "serve.admin_listen";
        let addr: SocketAddr = text
            .parse()
            .map_err(|_| invalid(key, "must be an address like `127.0.0.1:8081`"))?;
        if !addr.ip().is_loopback() && !self.admin_public {
            return Err(invalid(
                key,
                "the operator page lists internal paths: use a loopback address such as \
                 `127.0.0.1:8081`, or set `serve.admin_public = true` to expose it on purpose",
            ));
        }
        if Some(addr) == self.addr().ok() {
            return Err(invalid(
                key,
                "must differ from serve.listen (the public listener)",
            ));
        }
        Ok(Some(addr))
    }

    /// Records every value that cannot be used in `problems`.
    pub(super) fn validate(&self, problems: &mut Vec<ConfigError>) {
        let listen = self.addr().err();
        // An unusable listen address makes "must differ from serve.listen" moot.
        let admin = self.admin_addr().err().filter(|_| listen.is_none());
        let rules = [
            (
                self.max_connections == 0,
                "serve.max_connections",
                "must be at least 1",
            ),
            (
                !(1..=300).contains(&self.header_timeout_secs),
                "serve.header_timeout_secs",
                "must be 1 to 300",
            ),
            (
                !(1..=3600).contains(&self.idle_timeout_secs),
                "serve.idle_timeout_secs",
                "must be 1 to 3600",
            ),
            (
                self.max_connections_per_address > self.max_connections,
                "serve.max_connections_per_address",
                "must be 0 (no limit) or at most serve.max_connections",
            ),
        ];
        problems.extend(listen);
        for (broken, key, reason) in rules {
            if broken {
                problems.push(invalid(key, reason));
            }
        }
        problems.extend(admin);
    }
}

/// `[websub]`: hubs announced in every feed and pinged after each publish.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WebSubSettings {
    /// Hub URLs, e.g. `https://pubsubhubbub.appspot.com/`.
    pub hubs: Vec<String>,
}

impl WebSubSettings {
    /// Records every hub that is not an http(s) URL in `problems`.
    pub(super) fn validate(&self, problems: &mut Vec<ConfigError>) {
        for hub in &self.hubs {
            let ok = Url::parse(hub)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
            if !ok {
                problems.push(invalid(
                    "websub.hubs",
                    format!("{hub:?} is not an http(s) URL"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl ServeSettings {
        /// The first problem, as the tests below ask for one.
        fn check(&self) -> Result<(), ConfigError> {
            let mut problems = Vec::new();
            self.validate(&mut problems);
            problems.into_iter().next().map_or(Ok(()), Err)
        }
    }

    #[test]
    fn the_per_address_limit_is_off_by_default_and_bounded_by_the_connection_limit() {
        let defaults = ServeSettings::default();
        assert_eq!(defaults.max_connections_per_address, 0);
        assert!(defaults.check().is_ok());
        let over = ServeSettings {
            max_connections: 8,
            max_connections_per_address: 9,
            ..defaults
        };
        let err = over.check().unwrap_err().to_string();
        assert!(err.contains("serve.max_connections_per_address"), "{err}");
    }

    #[test]
    fn the_operator_page_is_off_by_default_and_loopback_unless_made_public_on_purpose() {
        let defaults = ServeSettings::default();
        assert_eq!(defaults.admin_addr().unwrap(), None);
        let with = |listen: &str, public: bool| ServeSettings {
            admin_listen: Some(listen.into()),
            admin_public: public,
            ..ServeSettings::default()
        };
        assert!(with("127.0.0.1:8081", false).check().is_ok());
        assert!(with("[::1]:8081", false).check().is_ok());
        let err = with("0.0.0.0:8081", false).check().unwrap_err().to_string();
        assert!(err.contains("serve.admin_public"), "{err}");
        assert!(with("0.0.0.0:8081", true).check().is_ok());
        let same = with("127.0.0.1:8080", false)
            .check()
            .unwrap_err()
            .to_string();
        assert!(same.contains("must differ"), "{same}");
    }
}
