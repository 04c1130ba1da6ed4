//! The local publish folder: atomic, confined, all-or-nothing writes.

use super::*;

#[test]
fn unchanged_bytes_are_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let target = DirTarget::new(dir.path()).unwrap();
    assert!(target.put("a/rss.xml", b"x").unwrap());
    assert!(!target.put("a/rss.xml", b"x").unwrap());
    assert!(target.put("a/rss.xml", b"y").unwrap());
    assert_eq!(fs::read(dir.path().join("a/rss.xml")).unwrap(), b"y");
}

#[test]
fn temp_files_left_by_a_crash_are_removed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join(".tmp")).unwrap();
    fs::create_dir_all(dir.path().join("a")).unwrap();
    fs::write(dir.path().join(".tmp/.rss.xml.tmp-123-0"), b"half").unwrap();
    fs::write(dir.path().join("a/rss.xml"), b"whole").unwrap();
    DirTarget::new(dir.path()).unwrap();
    assert!(!dir.path().join(".tmp/.rss.xml.tmp-123-0").exists());
    assert!(dir.path().join("a/rss.xml").exists());
}

#[test]
fn a_publish_folder_removed_under_the_target_is_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("public");
    let target = DirTarget::new(&root).unwrap();
    fs::remove_dir_all(&root).unwrap();
    assert!(target.put("world/a/index.html", b"x").unwrap());
    assert_eq!(fs::read(root.join("world/a/index.html")).unwrap(), b"x");
}

#[test]
fn keys_cannot_escape_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let target = DirTarget::new(dir.path()).unwrap();
    assert!(target.put("../evil", b"x").is_err());
    assert!(target.put("/etc/evil", b"x").is_err());
}

#[test]
fn a_folder_replaced_by_a_link_outside_is_neither_written_nor_emptied_through() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("index.html"), b"theirs").unwrap();
    let target = DirTarget::new(dir.path()).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("world")).unwrap();
    assert!(target.put("world/index.html", b"ours").is_err());
    assert!(target.remove("world/index.html").is_err());
    assert_eq!(
        fs::read(outside.path().join("index.html")).unwrap(),
        b"theirs"
    );
}

#[test]
fn a_feed_whose_formats_cannot_all_be_written_keeps_all_its_old_formats() {
    let dir = tempfile::tempdir().unwrap();
    let target = DirTarget::new(dir.path()).unwrap();
    let old: [(&str, &[u8]); 3] = [("rss.xml", b"1"), ("atom.xml", b"1"), ("feed.json", b"1")];
    target.put_all(&old).unwrap();
    // The third cannot be written (its folder would be a file): as with a full disk,
    // the first two must not be renamed into place either.
    let new: [(&str, &[u8]); 3] = [("rss.xml", b"2"), ("atom.xml", b"2"), ("feed.json/x", b"2")];
    assert!(target.put_all(&new).is_err());
    assert_eq!(fs::read(dir.path().join("rss.xml")).unwrap(), b"1");
    assert_eq!(fs::read(dir.path().join("atom.xml")).unwrap(), b"1");
    assert_eq!(fs::read_dir(dir.path().join(".tmp")).unwrap().count(), 0);
}

#[test]
fn removing_the_last_file_removes_its_empty_folders() {
    let dir = tempfile::tempdir().unwrap();
    let target = DirTarget::new(dir.path()).unwrap();
    target.put("tags/x/rss.xml", b"x").unwrap();
    target.remove("tags/x/rss.xml").unwrap();
    assert!(!dir.path().join("tags").exists());
    assert!(dir.path().exists());
}
