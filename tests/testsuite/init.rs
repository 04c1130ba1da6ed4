//! `feedfold init`: a new site that builds at once, valid, with both sample channels.

use crate::support::files_under;

#[test]
fn a_new_site_builds_at_once_with_an_arabic_and_an_english_channel_and_nothing_rejected() {
    let dir = tempfile::tempdir().unwrap();
    feedfold::init::create(dir.path(), "Desk").unwrap();
    let config = feedfold::config_file::load(&dir.path().join("config.toml")).unwrap();
    let report = feedfold::commands::build(&config, chrono::Utc::now()).unwrap();
    assert!(report.scan.rejected.is_empty(), "{:?}", report.scan.rejected);
    assert!(report.scan.warnings.is_empty(), "{:?}", report.scan.warnings);
    assert_eq!(report.articles, 3);
    let public = dir.path().join("public");
    for key in ["akhbar/rss.xml", "english/atom.xml", "tags/طقس/feed.json", "index.html"] {
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
