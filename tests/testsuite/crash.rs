//! kill -9 at random moments during regeneration: the published files are always whole, and
//! a restart leaves no temp file and loses or duplicates no item.

use std::collections::HashSet;
use std::fs;
use std::time::Duration;

use crate::daemon_support::{Daemon, items};
use crate::support::{Site, files_under};

/// A small deterministic generator, so that a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn assert_all_whole(site: &Site) {
    for path in files_under(&site.root().join("public")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.contains(".tmp-") {
            continue; // a write in progress when killed; removed at the next start
        }
        let text = fs::read_to_string(&path).unwrap();
        if name.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        } else if name.ends_with(".html") {
            assert!(text.ends_with("</html>\n"), "{}: cut short", path.display());
        } else if name.ends_with(".css") {
            assert!(text.ends_with("}\n"), "{}: cut short", path.display());
        } else if name.ends_with(".txt") {
            assert!(text.ends_with('\n'), "{}: cut short", path.display());
        } else {
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

#[test]
fn two_hundred_kill_minus_nine_runs_never_leave_a_broken_or_duplicated_feed() {
    let site = Site::new();
    site.append_config("[feed]\nlimit = 1000\n");
    for i in 0..20 {
        site.write(
            &format!("news/seed-{i}.md"),
            format!("# Seed {i}\n\n{}\n", "Text. ".repeat(200)),
        );
    }
    let mut rng = Lcg(7);
    let mut written = 20;
    for run in 0..200 {
        let mut daemon = Daemon::start(&site);
        let leftovers = files_under(&site.root().join("public"));
        assert!(
            leftovers
                .iter()
                .all(|p| !p.to_string_lossy().contains(".tmp-")),
            "run {run}: temp file after restart"
        );
        site.write(
            &format!("news/run-{run}.md"),
            format!("# Run {run}\n\n{}\n", "Body. ".repeat(300)),
        );
        written += 1;
        std::thread::sleep(Duration::from_millis(rng.below(250)));
        daemon.child.kill().unwrap();
        daemon.child.wait().unwrap();
        assert_all_whole(&site);
    }
    let daemon = Daemon::start(&site);
    crate::daemon_support::wait_for("every article", || {
        items(&site, "feed.json").len() == written
    });
    let ids: Vec<String> = items(&site, "feed.json")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        written,
        "duplicated ids"
    );
    assert_eq!(daemon.stop(), 0);
}
