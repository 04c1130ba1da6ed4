//! Golden output: the fixture site in `tests/fixtures/site` builds to exactly the files in
//! `tests/fixtures/site/expected`. Run with `UPDATE_EXPECTED=1` to accept new output.

use std::fs;
use std::path::{Path, PathBuf};

use feedfold::{commands, config_file};

use crate::support::{files_under, now};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site")
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn files(root: &Path) -> Vec<(String, String)> {
    files_under(root)
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            (rel, fs::read_to_string(&path).unwrap())
        })
        .collect()
}

#[test]
fn the_fixture_site_builds_to_the_expected_files() {
    let work = tempfile::tempdir().unwrap();
    fs::copy(
        fixture().join("config.toml"),
        work.path().join("config.toml"),
    )
    .unwrap();
    copy_tree(&fixture().join("feeds"), &work.path().join("feeds"));
    let config = config_file::load(&work.path().join("config.toml")).unwrap();
    commands::build(&config, now()).unwrap();
    let expected_dir = fixture().join("expected");
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        let _ = fs::remove_dir_all(&expected_dir);
        copy_tree(&work.path().join("public"), &expected_dir);
    }
    let got = files(&work.path().join("public"));
    let expected = files(&expected_dir);
    let names = |v: &[(String, String)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&expected));
    for ((name, got), (_, want)) in got.iter().zip(&expected) {
        assert_eq!(got, want, "{name} differs from expected");
    }
}
