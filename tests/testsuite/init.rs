//! `feedfold init`: a new site that builds at once, valid, with both sample channels.

use crate::support::files_under;

#[test]
fn a_new_site_builds_at_once_with_an_arabic_and_an_english_channel_and_nothing_rejected() {
    let dir = tempfile::tempdir().unwrap();
    feedfold::init::create(dir.path(), "Desk").unwrap();
    let config = feedfold::config_file::load(&dir.path().join("config.toml")).unwrap();
    let report = feedfold::commands::build(&config, chrono::Utc::now()).unwrap();
    assert!(
        report.scan.rejected.is_empty(),
        "{:?}",
        report.scan.rejected
    );
    assert!(
        report.scan.warnings.is_empty(),
        "{:?}",
        report.scan.warnings
    );
    assert_eq!(report.articles, 3);
    let public = dir.path().join("public");
    for key in [
        "akhbar/rss.xml",
        "english/atom.xml",
        "tags/طقس/feed.json",
        "index.html",
    ] {
        assert!(public.join(key).exists(), "{key}");
    }
    let pages = files_under(&public)
        .into_iter()
        .filter(|p| p.ends_with("index.html"))
        .count();
    assert!(pages >= 6, "{pages} pages");
    let gitignore = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
    assert!(gitignore.contains("/public") && gitignore.contains("/.feedfold"));
}

#[test]
fn init_from_the_command_line_creates_a_site_and_refuses_to_overwrite_it() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("desk");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_feedfold"))
            .arg("init")
            .arg(&site)
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{first:?}");
    assert!(String::from_utf8_lossy(&first.stdout).contains("feedfold serve"));
    std::fs::write(site.join("config.toml"), "edited").unwrap();
    let second = run();
    assert_eq!(second.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&second.stderr).contains("never overwrites"));
    assert_eq!(
        std::fs::read_to_string(site.join("config.toml")).unwrap(),
        "edited"
    );
}
