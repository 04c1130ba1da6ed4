use std::collections::HashMap;
use std::path::Path;

use super::*;
use crate::config::{ChannelConfig, Config};

fn stat(path: &str, size: u64, mtime_ns: i64) -> FileStat {
    FileStat {
        path: path.into(),
        channel: path.split('/').next().unwrap_or_default().into(),
        size,
        mtime_ns,
    }
}

const SITE: &str = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org\"\n";

fn contexts() -> HashMap<String, ChannelContext> {
    let config = Config::parse(SITE, Path::new("/s")).unwrap();
    let ctx = ChannelContext::new(&config, "news", &ChannelConfig::default(), "");
    HashMap::from([("news".to_string(), ctx)])
}

fn rejected(path: &str, size: u64, mtime_ns: i64) -> HashMap<String, Rejected> {
    let rejected = Rejected {
        size,
        mtime_ns,
        reason: "not UTF-8".into(),
    };
    HashMap::from([(path.to_string(), rejected)])
}

/// The outcome of a check of `tree` against one indexed article, `news/a.txt` of 10 bytes
/// at time 5 read with today's settings (or with `other_key`), and `rejected`.
fn outcome(
    tree: &Tree,
    other_key: bool,
    rejected: &HashMap<String, Rejected>,
) -> Option<Unchanged> {
    let contexts = contexts();
    let key = if other_key {
        [7; 32]
    } else {
        contexts["news"].key
    };
    let mut check = Check::new(tree, &contexts);
    check.live("news/a.txt", 10, 5, &key);
    check.finish(rejected)
}

fn tree(files: Vec<FileStat>) -> Tree {
    Tree {
        files,
        ..Tree::default()
    }
}

#[test]
fn the_same_files_with_the_same_stats_and_settings_are_unchanged() {
    let same = outcome(
        &tree(vec![stat("news/a.txt", 10, 5)]),
        false,
        &HashMap::new(),
    );
    assert_eq!(
        same,
        Some(Unchanged {
            articles: 1,
            rejected: vec![]
        })
    );
}

#[test]
fn any_difference_between_the_walk_and_the_index_is_a_change() {
    let none = HashMap::new();
    let cases = [
        (
            "a new file",
            vec![stat("news/a.txt", 10, 5), stat("news/b.txt", 3, 1)],
        ),
        ("a gone file", vec![]),
        ("another size", vec![stat("news/a.txt", 11, 5)]),
        ("another time", vec![stat("news/a.txt", 10, 6)]),
    ];
    for (what, files) in cases {
        assert_eq!(outcome(&tree(files), false, &none), None, "{what}");
    }
    let same_file = tree(vec![stat("news/a.txt", 10, 5)]);
    assert_eq!(outcome(&same_file, true, &none), None, "other settings");
}

#[test]
fn a_rejected_file_as_it_was_stays_rejected_and_a_touched_or_gone_one_is_a_change() {
    let files = tree(vec![stat("news/a.txt", 10, 5), stat("news/bad.txt", 4, 2)]);
    let same = outcome(&files, false, &rejected("news/bad.txt", 4, 2));
    assert_eq!(
        same.map(|u| u.rejected),
        Some(vec![("news/bad.txt".to_string(), "not UTF-8".to_string())])
    );
    assert_eq!(
        outcome(&files, false, &rejected("news/bad.txt", 4, 3)),
        None
    );
    let gone = tree(vec![stat("news/a.txt", 10, 5)]);
    assert_eq!(outcome(&gone, false, &rejected("news/bad.txt", 4, 2)), None);
}

#[test]
fn an_article_in_a_folder_that_could_not_be_read_is_kept_not_a_change() {
    let unreadable = Tree {
        unreadable: vec!["news".into()],
        ..Tree::default()
    };
    let kept = outcome(&unreadable, false, &HashMap::new());
    assert_eq!(kept.map(|u| u.articles), Some(0));
}

#[test]
fn an_index_listing_out_of_path_order_is_taken_as_a_change_not_trusted() {
    let contexts = contexts();
    let key = contexts["news"].key;
    let files = tree(vec![stat("news/a.txt", 1, 1), stat("news/b.txt", 2, 2)]);
    let mut in_order = Check::new(&files, &contexts);
    assert!(in_order.live("news/a.txt", 1, 1, &key));
    assert!(in_order.live("news/b.txt", 2, 2, &key));
    assert_eq!(
        in_order.finish(&HashMap::new()).map(|u| u.articles),
        Some(2)
    );
    let mut reversed = Check::new(&files, &contexts);
    assert!(reversed.live("news/b.txt", 2, 2, &key));
    assert!(!reversed.live("news/a.txt", 1, 1, &key));
    assert_eq!(reversed.finish(&HashMap::new()), None);
}
