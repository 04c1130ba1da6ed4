//! Counters the server exposes at `/metrics` in the Prometheus text format.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// HTTP status codes counted one by one; others are counted by class.
const CODES: [u16; 11] = [200, 301, 304, 308, 400, 404, 405, 410, 500, 503, 0];

/// Upper bounds, in seconds, of the buckets of how late scheduled articles went out.
const DELAY_BUCKETS: [f64; 10] = [0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 30.0, 300.0];

/// Request and publish counters, shared by every connection.
#[derive(Default)]
pub struct Metrics {
    requests: [AtomicU64; CODES.len()],
    publishes: AtomicU64,
    publish_micros: AtomicU64,
    /// Scheduled articles that went out, by the first bucket their delay fits (the last
    /// slot: later than every bucket).
    delays: [AtomicU64; DELAY_BUCKETS.len() + 1],
    delay_micros: AtomicU64,
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

    /// Counts a scheduled article that went out `micros` after its moment.
    pub fn count_release(&self, micros: i64) {
        let micros = micros.max(0);
        let seconds = micros as f64 / 1e6;
        let slot = DELAY_BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(DELAY_BUCKETS.len());
        self.delays[slot].fetch_add(1, Relaxed);
        self.delay_micros.fetch_add(micros as u64, Relaxed);
    }

    /// The histogram of how late scheduled articles went out, in the Prometheus format.
    fn render_delays(&self, out: &mut String) {
        let name = "feedfold_scheduled_publish_delay_seconds";
        let _ = write!(
            out,
            "# HELP {name} How long after its moment a scheduled article went out.
             # TYPE {name} histogram
"
        );
        let mut total = 0;
        for (i, count) in self.delays.iter().enumerate() {
            total += count.load(Relaxed);
            let bound = DELAY_BUCKETS
                .get(i)
                .map_or("+Inf".to_string(), |b| b.to_string());
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {total}");
        }
        let sum = self.delay_micros.load(Relaxed) as f64 / 1e6;
        let _ = write!(out, "{name}_sum {sum}\n{name}_count {total}\n");
    }

    /// The Prometheus text exposition, with the gauges `status` knows and whether the first
    /// publish is done (`ready`).
    pub fn render(&self, status: &super::Status, ready: bool) -> String {
        let (articles, rejected) = (status.articles, status.rejected);
        let last_publish = status.last_publish.map(|t| t.timestamp());
        let mut out = String::new();
        let mut gauge = |name: &str, help: &str, kind: &str, value: String| {
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
            );
        };
        gauge(
            "feedfold_ready",
            "1 once the first publish is done (see /readyz), 0 before.",
            "gauge",
            u8::from(ready).to_string(),
        );
        gauge(
            "feedfold_articles",
            "Articles published.",
            "gauge",
            articles.to_string(),
        );
        gauge(
            "feedfold_scheduled_articles",
            "Articles scheduled: indexed, and published by themselves at their moment.",
            "gauge",
            status.scheduled.to_string(),
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
        self.render_delays(&mut out);
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
        m.count_release(30_000);
        m.count_release(700_000);
        let status = super::super::Status {
            articles: 7,
            rejected: 1,
            scheduled: 2,
            last_publish: None,
        };
        let text = m.render(&status, true);
        assert!(text.contains("feedfold_ready 1"), "{text}");
        assert!(text.contains("feedfold_scheduled_articles 2"), "{text}");
        assert!(text.contains("feedfold_scheduled_publish_delay_seconds_bucket{le=\"0.05\"} 1"));
        assert!(text.contains("feedfold_scheduled_publish_delay_seconds_bucket{le=\"1\"} 2"));
        assert!(text.contains("feedfold_scheduled_publish_delay_seconds_count 2"));
        assert!(text.contains("feedfold_http_requests_total{status=\"304\"} 2"));
        assert!(text.contains("feedfold_http_requests_total{status=\"other\"} 1"));
        assert!(text.contains("feedfold_articles 7"));
    }
}
