//! The command line as a newcomer meets it: exit codes and messages.

use std::process::Command;

use crate::support::Site;

/// Runs the binary with `args` and `--config` on `site`: exit code, stdout, stderr.
pub fn feedfold(site: &Site, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args(args)
        .arg("--config")
        .arg(site.config_path())
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[test]
fn build_prints_a_one_line_summary_and_exits_zero() {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n");
    let (code, stdout, _) = feedfold(&site, &["build"]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("published 1 articles"), "{stdout}");
}

#[test]
fn check_names_each_problem_file_exits_one_and_writes_nothing() {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n")
        .write("news/empty.md", "");
    let (code, stdout, _) = feedfold(&site, &["check"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("news/empty.md: skipped: empty file"),
        "{stdout}"
    );
    assert!(!site.root().join("public").exists());
    assert!(!site.root().join(".feedfold").exists());
}

#[test]
fn check_on_clean_content_exits_zero() {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n");
    assert_eq!(feedfold(&site, &["check"]).0, 0);
}

#[test]
fn an_invalid_config_exits_two_naming_the_key() {
    let site = Site::new();
    site.write_config("[site]\ntitle = \"T\"\nbase_url = \"https://x.org\"\n[feed]\nlimit = 0\n");
    let (code, _, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("feed.limit"), "{stderr}");
}

#[test]
fn an_unknown_config_key_exits_two_naming_it() {
    let site = Site::new();
    site.write_config("[site]\ntitle = \"T\"\nbase_url = \"https://x.org\"\ncolour = \"red\"\n");
    let (code, _, stderr) = feedfold(&site, &["check"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("colour"), "{stderr}");
}

#[test]
fn a_missing_content_folder_is_an_error_not_an_empty_site() {
    let site = Site::new();
    std::fs::remove_dir(site.root().join("feeds")).unwrap();
    let (code, _, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read the content folder"),
        "{stderr}"
    );
}

#[test]
fn a_publish_folder_inside_the_content_folder_is_refused() {
    let site = Site::new();
    site.append_config("[paths]\npublish = \"feeds/public\"\n");
    let (code, _, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("inside paths.feeds"), "{stderr}");
    assert!(!site.root().join("feeds/public").exists());
}
