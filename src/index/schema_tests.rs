use super::*;

/// A new index file in `dir`, as an earlier version would find it before writing.
fn index_in(dir: &std::path::Path) -> Connection {
    Connection::open(dir.join("index.sqlite")).unwrap()
}

/// The columns version 6 added to `articles`.
const V6_COLUMNS: &str = "ALTER TABLE articles ADD COLUMN expires INTEGER;
    ALTER TABLE articles ADD COLUMN retracted INTEGER;";

fn user_version(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_version_one_index_is_migrated_keeping_ids_and_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let conn = index_in(dir.path());
    conn.execute_batch(
        "CREATE TABLE articles (rowid INTEGER PRIMARY KEY, path TEXT NOT NULL,
            channel TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
            hash BLOB NOT NULL, extract_key BLOB NOT NULL, id TEXT NOT NULL UNIQUE,
            slug TEXT NOT NULL, first_seen INTEGER NOT NULL, changed INTEGER,
            deleted_at INTEGER, meta TEXT NOT NULL, tags TEXT NOT NULL, lang TEXT NOT NULL,
            draft INTEGER NOT NULL, published INTEGER NOT NULL, updated INTEGER NOT NULL,
            version BLOB NOT NULL);
         INSERT INTO articles VALUES (7, 'news/a.md', 'news', 1, 1, x'00', x'00',
            'urn:uuid:kept', 'a', 0, NULL, NULL, '{\"title\":\"A\"}', '', 'en', 0, 0, 0, x'00');
         PRAGMA user_version = 1;",
    )
    .unwrap();
    migrate(&conn).unwrap();
    let id: String = conn
        .query_row("SELECT id FROM articles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(id, "urn:uuid:kept");
    let meta: String = conn
        .query_row("SELECT meta FROM metas WHERE rowid = 7", [], |r| r.get(0))
        .unwrap();
    assert_eq!(meta, "{\"title\":\"A\"}");
    assert_eq!(user_version(&conn), SCHEMA_VERSION);
}

#[test]
fn a_version_five_index_gains_the_lifecycle_columns_and_keeps_every_article() {
    let dir = tempfile::tempdir().unwrap();
    let conn = index_in(dir.path());
    conn.execute_batch(&format!(
        "{SCHEMA}
         INSERT INTO articles VALUES (3, 'news/a.md', 'news', 1, 1, x'00', x'00', 'urn:a',
            'a', 1700000000123456, NULL, NULL, 't', 'ar', 0, 1700000000123456,
            1700000000123456, x'00');
         INSERT INTO metas VALUES (3, '{{\"title\":\"A\"}}');
         PRAGMA user_version = 5;"
    ))
    .unwrap();
    drop(conn);
    let store = super::super::store::Store::open(dir.path()).unwrap();
    let records = store.records().unwrap();
    assert_eq!(
        (records[0].id.as_str(), records[0].retracted_at),
        ("urn:a", None)
    );
    let entries = store
        .entries(&mut crate::identity::Interner::default())
        .unwrap();
    assert_eq!(
        entries[0].published.timestamp_micros(),
        1_700_000_000_123_456
    );
    assert_eq!((entries[0].expires, entries[0].retracted), (None, None));
    assert_eq!(store.history(10).unwrap().len(), 0);
}

#[test]
fn a_version_six_index_gains_the_picture_tables_and_keeps_every_article() {
    let dir = tempfile::tempdir().unwrap();
    let conn = index_in(dir.path());
    conn.execute_batch(&format!(
        "{SCHEMA} {HISTORY}
         ALTER TABLE articles ADD COLUMN expires INTEGER;
         ALTER TABLE articles ADD COLUMN retracted INTEGER;
         INSERT INTO articles VALUES (4, 'news/a.md', 'news', 1, 1, x'00', x'00', 'urn:six',
            'a', 1700000000000000, NULL, NULL, '', 'ar', 0, 1700000000000000,
            1700000000000000, x'00', NULL, NULL);
         INSERT INTO metas VALUES (4, '{{\"title\":\"A\"}}');
         INSERT INTO pages VALUES (4, 'news/a/index.html', x'01', x'02');
         PRAGMA user_version = 6;"
    ))
    .unwrap();
    drop(conn);
    let store = super::super::store::Store::open(dir.path()).unwrap();
    assert_eq!(store.records().unwrap()[0].id, "urn:six");
    assert!(store.media().unwrap().is_empty());
    assert!(store.media_files().unwrap().is_empty());
    assert_eq!(store.page_keys().unwrap().len(), 1);
    assert_eq!(user_version(&store.conn), SCHEMA_VERSION);
}

#[test]
fn a_version_seven_index_gains_the_author_and_translation_columns_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let conn = index_in(dir.path());
    conn.execute_batch(&format!(
        "{SCHEMA} {HISTORY} {PICTURES} {V6_COLUMNS}
         INSERT INTO articles VALUES (5, 'news/a.md', 'news', 1, 1, x'00', x'00',
            'urn:seven', 'a', 1700000000000000, NULL, NULL, 'x', 'ar', 0,
            1700000000000000, 1700000000000000, x'00', NULL, NULL);
         INSERT INTO metas VALUES (5, '{{\"title\":\"A\"}}');
         INSERT INTO pages VALUES (5, 'news/a/index.html', x'01', x'02');
         INSERT INTO media VALUES ('_/media/p.jpg', x'03');
         PRAGMA user_version = 7;"
    ))
    .unwrap();
    drop(conn);
    let store = super::super::store::Store::open(dir.path()).unwrap();
    let entries = store
        .entries(&mut crate::identity::Interner::default())
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(&*entries[0].tags, [std::sync::Arc::from("x")]);
    assert!(entries[0].authors.is_empty());
    assert_eq!(entries[0].translation_key, None);
    assert_eq!(store.records().unwrap()[0].id, "urn:seven");
    // The page and the picture published are kept.
    assert_eq!(store.page_keys().unwrap().len(), 2);
    assert_eq!(store.media().unwrap().len(), 1);
    let columns: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM pragma_table_info('articles')
             WHERE name IN ('authors', 'translation_key')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(columns, 2);
    assert_eq!(user_version(&store.conn), SCHEMA_VERSION);
    // Opening it again changes nothing.
    drop(store);
    super::super::store::Store::open(dir.path()).unwrap();
}

#[test]
fn a_version_eight_index_gains_the_live_listing_in_path_order_and_keeps_every_article() {
    let dir = tempfile::tempdir().unwrap();
    let conn = index_in(dir.path());
    conn.execute_batch(&format!(
        "{SCHEMA} {HISTORY} {PICTURES} {V6_COLUMNS}
         ALTER TABLE articles ADD COLUMN authors TEXT NOT NULL DEFAULT '';
         ALTER TABLE articles ADD COLUMN translation_key TEXT;
         INSERT INTO articles VALUES (1, 'news/b.md', 'news', 2, 20, x'00', x'0b', 'urn:b',
            'b', 0, NULL, NULL, '', 'ar', 0, 0, 0, x'00', NULL, NULL, 'Huda', 'k');
         INSERT INTO articles VALUES (2, 'news/a.md', 'news', 1, 10, x'00', x'0a', 'urn:a',
            'a', 0, NULL, NULL, '', 'ar', 0, 0, 0, x'00', NULL, NULL, '', NULL);
         INSERT INTO articles VALUES (3, 'news/0.md', 'news', 1, 10, x'00', x'00', 'urn:0',
            '0', 0, NULL, 5, '', 'ar', 0, 0, 0, x'00', NULL, NULL, '', NULL);
         INSERT INTO metas VALUES (1, '{{}}'), (2, '{{}}'), (3, '{{}}');
         PRAGMA user_version = 8;"
    ))
    .unwrap();
    drop(conn);
    let store = super::super::store::Store::open(dir.path()).unwrap();
    let mut listed = Vec::new();
    store
        .each_live_stat(|path, size, mtime_ns, key| {
            listed.push((path.to_string(), size, mtime_ns, key[0]));
            true
        })
        .unwrap();
    assert_eq!(
        listed,
        [
            ("news/a.md".into(), 1, 10, 0x0a),
            ("news/b.md".into(), 2, 20, 0x0b)
        ]
    );
    let plan: Vec<String> = store
        .conn
        .prepare(&format!(
            "EXPLAIN QUERY PLAN {}",
            super::super::unchanged::LIVE_STATS
        ))
        .unwrap()
        .query_map([], |r| r.get(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        plan,
        ["SCAN articles USING COVERING INDEX articles_live_stat"]
    );
    let mut ids: Vec<String> = store.records().unwrap().into_iter().map(|r| r.id).collect();
    ids.sort();
    assert_eq!(ids, ["urn:0", "urn:a", "urn:b"]);
    drop(store);
    super::super::store::Store::open(dir.path()).unwrap();
}

/// A version-four index: today's tables, times in milliseconds.
fn version_four_index(dir: &std::path::Path, rows: &str) {
    let conn = Connection::open(dir.join("index.sqlite")).unwrap();
    conn.execute_batch(&format!("{SCHEMA} {rows} PRAGMA user_version = 4;"))
        .unwrap();
}

#[test]
fn a_version_four_index_keeps_its_dates_to_the_millisecond() {
    let dir = tempfile::tempdir().unwrap();
    version_four_index(
        dir.path(),
        "INSERT INTO articles VALUES (1, 'news/a.md', 'news', 1, 1, x'00', x'00', 'urn:a',
            'a', 1700000000123, 1700000100456, NULL, '', 'en', 0, 1700000000123,
            1700000100456, x'00');
         INSERT INTO articles VALUES (2, 'news/b.md', 'news', 1, 1, x'00', x'00', 'urn:b',
            'b', -5, NULL, 1700000200789, '', 'en', 0, -5, -5, x'00');
         INSERT INTO metas VALUES (1, '{}'), (2, '{}');",
    );
    let store = super::super::store::Store::open(dir.path()).unwrap();
    let at = |millis| chrono::DateTime::from_timestamp_millis(millis).unwrap();
    let records = store.records().unwrap();
    assert_eq!(records[0].first_seen, at(1_700_000_000_123));
    assert_eq!(records[0].changed, Some(at(1_700_000_100_456)));
    assert_eq!(records[0].deleted_at, None);
    assert_eq!(records[1].first_seen, at(-5));
    assert_eq!(records[1].deleted_at, Some(at(1_700_000_200_789)));
    let entries = store
        .entries(&mut crate::identity::Interner::default())
        .unwrap();
    let live: Vec<_> = entries.iter().filter(|e| e.removed.is_none()).collect();
    assert_eq!(live.len(), 1);
    assert_eq!(entries[0].published, at(1_700_000_000_123));
    assert_eq!(entries[0].updated, at(1_700_000_100_456));
}

#[test]
fn articles_an_older_version_dated_out_of_range_are_set_aside_for_rejection() {
    let dir = tempfile::tempdir().unwrap();
    // 0000-12-31T21:00:00Z: `0001-01-01` in Asia/Riyadh, which RSS cannot write.
    version_four_index(
        dir.path(),
        "INSERT INTO articles VALUES (1, 'w/0001-01-01-x.txt', 'w', 1, 1, x'00', x'00',
            'urn:a', 'x', 0, NULL, NULL, '', 'en', 0, -62135607600000, -62135607600000,
            x'00');
         INSERT INTO metas VALUES (1, '{}');",
    );
    let store = super::super::store::Store::open(dir.path()).unwrap();
    assert!(store.records().unwrap()[0].deleted_at.is_some());
    let entries = store
        .entries(&mut crate::identity::Interner::default())
        .unwrap();
    assert!(entries.iter().all(|e| e.removed.is_some()));
}

#[test]
fn recording_or_forgetting_a_page_or_a_picture_drops_the_pages_stamp() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = super::super::store::Store::open(dir.path()).unwrap();
    let stamped = |store: &mut super::super::store::Store| {
        let batch = store.batch().unwrap();
        batch.set_state(PAGES_STAMP, b"stamp").unwrap();
        batch.commit().unwrap();
    };
    let page = super::super::outputs::PageOutput {
        key: "news/a/index.html".into(),
        output: super::super::store::Output {
            content: [1; 32],
            signature: [2; 32],
        },
    };
    type Write<'a> = &'a dyn Fn(&super::super::store::Batch);
    let writes: [(&str, Write); 4] = [
        ("a page recorded", &|b| b.set_page(1, &page).unwrap()),
        ("a page forgotten", &|b| b.remove_page(1).unwrap()),
        ("a picture recorded", &|b| {
            b.set_media("_/media/p.jpg", &[3; 32]).unwrap()
        }),
        ("a picture forgotten", &|b| {
            b.remove_media("_/media/p.jpg").unwrap()
        }),
    ];
    for (what, write) in writes {
        stamped(&mut store);
        assert!(store.state(PAGES_STAMP).unwrap().is_some());
        let batch = store.batch().unwrap();
        write(&batch);
        batch.commit().unwrap();
        assert_eq!(store.state(PAGES_STAMP).unwrap(), None, "{what}");
    }
    // Anything else leaves it.
    stamped(&mut store);
    let batch = store.batch().unwrap();
    batch.set_state("other", b"x").unwrap();
    batch.commit().unwrap();
    assert!(store.state(PAGES_STAMP).unwrap().is_some());
}
