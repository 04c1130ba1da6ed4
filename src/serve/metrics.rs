//! Counters the server exposes at `/metrics` in the Prometheus text format.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// HTTP status codes counted one by one; others are counted by class.
const CODES: [u16; 10] = [200, 301, 304, 308, 400, 404, 405, 500, 503, 0];

/// Request and publish counters, shared by every connection.
#[derive(Default)]
pub struct Metrics {
    requests: [AtomicU64; CODES.len()],
    publishes: AtomicU64,
    publish_micros: AtomicU64,
}

impl Metrics {
    pub fn count_request(&self, status: u16) {
        let slot = CODES
            .iter()
            .position(|c| *c == status)
            .unwrap_or(CODES.len() - 1);
        self.requests[slot].fetch_add(1, Relaxed);
    }

    pub fn count_publish(&self, micros: u64) {
        self.publishes.fetch_add(1, Relaxed);
        self.publish_micros.fetch_add(micros, Relaxed);
    }

    /// The Prometheus text exposition, with the gauges the caller knows.
    pub fn render(&self, articles: usize, rejected: usize, last_publish: Option<i64>) -> String {
        let mut out = String::new();
        let mut gauge = |name: &str, help: &str, kind: &str, value: String| {
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
            );
        };
        gauge(
            "feedfold_articles",
            "Articles published.",
            "gauge",
            articles.to_string(),
        );
        gauge(
            "feedfold_rejected_files",
            "Files under the content root that were skipped.",
            "gauge",
            rejected.to_string(),
        );
        gauge(
            "feedfold_publishes_total",
            "Publishes since start.",
            "counter",
            self.publishes.load(Relaxed).to_string(),
        );
        gauge(
            "feedfold_last_publish_timestamp_seconds",
            "When the last publish finished.",
            "gauge",
            last_publish.unwrap_or(0).to_string(),
        );
        let seconds = self.publish_micros.load(Relaxed) as f64 / 1e6;
        let _ = write!(
            out,
            "# HELP feedfold_publish_duration_seconds Time spent scanning and publishing.\n\
             # TYPE feedfold_publish_duration_seconds summary\n\
             feedfold_publish_duration_seconds_sum {seconds}\n\
             feedfold_publish_duration_seconds_count {}\n",
            self.publishes.load(Relaxed)
        );
        out.push_str("# HELP feedfold_http_requests_total HTTP responses by status.\n");
        out.push_str("# TYPE feedfold_http_requests_total counter\n");
        for (code, count) in CODES.iter().zip(&self.requests) {
            let label = if *code == 0 {
                "other".to_string()
            } else {
                code.to_string()
            };
            let _ = writeln!(
                out,
                "feedfold_http_requests_total{{status=\"{label}\"}} {}",
                count.load(Relaxed)
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_status() {
        let m = Metrics::default();
        m.count_request(304);
        m.count_request(304);
        m.count_request(418);
        let text = m.render(7, 1, Some(5));
        assert!(text.contains("feedfold_http_requests_total{status=\"304\"} 2"));
        assert!(text.contains("feedfold_http_requests_total{status=\"other\"} 1"));
        assert!(text.contains("feedfold_articles 7"));
    }
}
