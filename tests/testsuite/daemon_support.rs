//! A running `feedfold watch` process over a throwaway site, and waiting on conditions.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::Site;

/// Waits until `cond` holds, up to a generous limit; panics with `what` otherwise.
pub fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if cond() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for: {what}");
}

pub struct Daemon {
    pub child: Child,
    log: std::path::PathBuf,
}

impl Daemon {
    /// Starts `feedfold watch` and waits for its first publish.
    pub fn start(site: &Site) -> Daemon {
        Daemon::start_with(site, &[])
    }

    pub fn start_with(site: &Site, env: &[(&str, &str)]) -> Daemon {
        Daemon::start_command(site, "watch", env)
    }

    /// Starts `feedfold {command}` (`watch` or `serve`) and waits for its first publish.
    pub fn start_command(site: &Site, command: &str, env: &[(&str, &str)]) -> Daemon {
        let log = site.root().join(format!(
            "daemon-{}.log",
            Instant::now().elapsed().as_nanos()
        ));
        let log = uniquify(log);
        let child = Command::new(env!("CARGO_BIN_EXE_feedfold"))
            .args([command, "--config"])
            .arg(site.config_path())
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let daemon = Daemon { child, log };
        wait_for(
            "the daemon to start watching (or waiting for its folder)",
            || {
                let log = daemon.log();
                log.contains("watching") || log.contains("waiting for")
            },
        );
        daemon
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends a signal by number.
    pub fn signal(&self, signal: i32) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// SIGTERM, then the exit code.
    pub fn stop(mut self) -> i32 {
        self.signal(15);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "daemon did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uniquify(path: std::path::PathBuf) -> std::path::PathBuf {
    let mut n = 0;
    loop {
        let candidate = path.with_extension(format!("{n}.log"));
        if !candidate.exists() {
            return candidate;
        }
        n += 1;
    }
}

/// The items of a published JSON feed as (id, title).
pub fn items(site: &Site, key: &str) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(site.root().join("public").join(key)) else {
        return Vec::new();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    json["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    (
                        i["id"].as_str().unwrap_or("").into(),
                        i["title"].as_str().unwrap_or("").into(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn titles(site: &Site) -> Vec<String> {
    items(site, "feed.json")
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

pub fn has_title(site: &Site, title: &str) -> bool {
    titles(site).iter().any(|t| t == title)
}

pub fn id_of(site: &Site, title: &str) -> Option<String> {
    items(site, "feed.json")
        .into_iter()
        .find(|(_, t)| t == title)
        .map(|(id, _)| id)
}

/// GET `url` with `headers`: the status, the headers (names lowercased) and the body.
pub fn http_get(url: &str, headers: &[(&str, &str)]) -> (u16, Vec<(String, String)>, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut request = agent.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.call().unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap().to_string()))
        .collect();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    (status, headers, body)
}
