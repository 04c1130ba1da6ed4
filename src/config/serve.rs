//! `[serve]` and `[websub]`: how `feedfold serve` listens and which WebSub hubs hear of
//! new content.

use std::net::SocketAddr;

use serde::Deserialize;
use url::Url;

use super::{ConfigError, invalid};

/// `[serve]`: the HTTP server of `feedfold serve`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
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
}

impl Default for ServeSettings {
    fn default() -> Self {
        ServeSettings {
            listen: "127.0.0.1:8080".into(),
            max_connections: 1024,
            header_timeout_secs: 10,
            idle_timeout_secs: 60,
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

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        self.addr()?;
        if self.max_connections == 0 {
            return Err(invalid("serve.max_connections", "must be at least 1"));
        }
        if !(1..=300).contains(&self.header_timeout_secs) {
            return Err(invalid("serve.header_timeout_secs", "must be 1 to 300"));
        }
        if !(1..=3600).contains(&self.idle_timeout_secs) {
            return Err(invalid("serve.idle_timeout_secs", "must be 1 to 3600"));
        }
        Ok(())
    }
}

/// `[websub]`: hubs announced in every feed and pinged after each publish.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WebSubSettings {
    /// Hub URLs, e.g. `https://pubsubhubbub.appspot.com/`.
    pub hubs: Vec<String>,
}

impl WebSubSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        for hub in &self.hubs {
            let ok = Url::parse(hub)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
            if !ok {
                return Err(invalid(
                    "websub.hubs",
                    format!("{hub:?} is not an http(s) URL"),
                ));
            }
        }
        Ok(())
    }
}
