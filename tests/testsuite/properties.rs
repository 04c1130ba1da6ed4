//! Property tests: no input makes the date parser, the article parser or the renderers
//! panic, every date they accept can be written in every format, and every article renders
//! to feeds that parse back. Case counts are bounded so that `cargo test` stays fast.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use feedfold::article::{self, Defaults, Document, Kind, date};
use feedfold::config::Format;
use feedfold::feed::{self, FeedMeta, Item};
use feedfold::identity::Record;
use feedfold::lifecycle::Stage;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

const BASE: &str = "https://news.example.org";

fn zone() -> impl Strategy<Value = Tz> {
    select(vec![
        chrono_tz::UTC,
        chrono_tz::Asia::Riyadh,
        chrono_tz::Pacific::Kiritimati,
        chrono_tz::Pacific::Pago_Pago,
        chrono_tz::America::St_Johns,
        chrono_tz::Europe::London,
    ])
}

/// Anything, things shaped like dates, and real dates near and beyond the valid range.
fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[+-]?[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,10})?)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?",
        (year(), 1u32..=12, 1u32..=31, 0u32..=23, -14i32..=14, 0..3).prop_map(
            |(y, m, d, h, off, style)| match style {
                0 => format!("{y:04}-{m:02}-{d:02}T{h:02}:59:59.999999{off:+03}:00"),
                1 => format!("{y:04}-{m:02}-{d:02}"),
                _ => format!("{y:04}-{m:02}-{d:02} {h:02}:30"),
            }
        ),
    ]
}

/// Years, most of them at the edges of the valid range.
fn year() -> impl Strategy<Value = i32> {
    prop_oneof![-2i32..=2, 9_998i32..=10_001, 1i32..=9_999]
}

/// Any date chrono can hold, as an old index or a wild clock might give it.
fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
    prop_oneof![
        (min.timestamp()..=max.timestamp()),
        (date::EARLIEST.timestamp() - 86_400..date::EARLIEST.timestamp() + 86_400),
        (date::LATEST.timestamp() - 86_400..date::LATEST.timestamp() + 86_400),
    ]
    .prop_flat_map(|secs| (Just(secs), 0u32..1_000_000_000))
    .prop_map(move |(secs, nanos)| DateTime::from_timestamp(secs, nanos).unwrap_or(min))
}

/// A front-matter value: quoted text, a date, a list, or raw (maybe broken) syntax.
fn value() -> impl Strategy<Value = String> {
    let quoted = |s: String| serde_json::to_string(&s).unwrap_or_default();
    prop_oneof![
        any::<String>().prop_map(quoted),
        date_text().prop_map(quoted),
        date_text(),
        vec(any::<String>(), 0..3).prop_map(|v| serde_json::to_string(&v).unwrap_or_default()),
        "[^\n]{0,24}",
        Just("true".to_string()),
    ]
}

/// A Markdown article with YAML or TOML front matter of known and unknown keys.
fn front_matter_article() -> impl Strategy<Value = Vec<u8>> {
    let keys = "title date updated author authors tags categories summary description lang \
        slug id draft image link";
    let key = prop_oneof![
        select(keys.split_whitespace().collect::<Vec<_>>()).prop_map(String::from),
        "[a-z_]{1,8}"
    ];
    (vec((key, value()), 0..8), any::<bool>(), any::<String>()).prop_map(|(pairs, yaml, body)| {
        let (fence, sep) = if yaml { ("---", ": ") } else { ("+++", " = ") };
        let lines: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}{sep}{v}")).collect();
        format!("{fence}\n{}\n{fence}\n{body}", lines.join("\n")).into_bytes()
    })
}

/// Article bytes of every kind: random bytes, random text, front matter, plain text.
fn article_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        vec(any::<u8>(), 0..300),
        any::<String>().prop_map(String::into_bytes),
        front_matter_article(),
        "[^\n]{1,40}\n[^\n]{0,80}\n[^\n]{0,80}".prop_map(String::into_bytes),
    ]
}

/// Whether `name` starts `DDDD-DD-DD` then `-`, `_`, space or `.`.
fn date_shaped(name: &str) -> bool {
    let shape = name
        .bytes()
        .zip("DDDD-DD-DDs".bytes())
        .all(|(b, p)| match p {
            b'D' => b.is_ascii_digit(),
            b's' => matches!(b, b'-' | b'_' | b' ' | b'.'),
            _ => b == p,
        });
    name.len() > 10 && shape
}

/// Articles that mostly make it into a feed: a heading and any text, or front matter.
fn publishable_article() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        ("\\PC{1,40}", any::<String>()).prop_map(|(t, b)| format!("# {t}\n\n{b}").into_bytes()),
        front_matter_article(),
    ]
}

fn defaults(tz: Tz) -> Defaults<'static> {
    Defaults {
        channel: "world",
        channel_language: None,
        site_language: "en",
        author: Some("Desk"),
        timezone: tz,
        summary_chars: 80,
        max_tags: 20,
        max_authors: 10,
    }
}

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(1024)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_parsed_date_can_always_be_written_as_rfc_2822_and_rfc_3339(
        text in date_text(), tz in zone()
    ) {
        if let Ok(d) = article::parse_date(&text, tz) {
            prop_assert!(date::is_valid(d), "{text} gave {d:?}");
            let rss = DateTime::parse_from_rfc2822(&d.to_rfc2822());
            prop_assert_eq!(rss.map(|r| r.timestamp()), Ok(d.timestamp()));
            prop_assert_eq!(DateTime::parse_from_rfc3339(&date::rfc3339(d)), Ok(d.fixed_offset()));
        }
    }

    #[test]
    fn a_file_name_shaped_like_a_date_is_dated_validly_or_rejected(
        prefix in prop_oneof![date_text(), "[0-9]{4}-[0-9]{2}-[0-9]{2}"],
        sep in "[-_ .x]",
        tz in zone(),
    ) {
        let name = format!("{prefix}{sep}story.txt");
        let shaped = date_shaped(&name);
        match date::from_file_name(&name, tz) {
            Ok(Some(d)) => prop_assert!(shaped && date::is_valid(d), "{name} gave {d:?}"),
            Ok(None) => prop_assert!(!shaped, "{name} was taken as undated"),
            Err(_) => prop_assert!(shaped, "{name} was rejected"),
        }
    }

    #[test]
    fn any_bytes_parse_and_extract_without_panicking(
        bytes in article_bytes(), markdown in any::<bool>(), tz in zone()
    ) {
        let kind = if markdown { Kind::Markdown } else { Kind::Text };
        if let Ok(doc) = Document::parse(&bytes, kind)
            && let Ok((meta, _)) = article::extract(&doc, &defaults(tz))
        {
            prop_assert!(!meta.title.is_empty());
            prop_assert!(meta.date.is_none_or(date::is_valid));
            prop_assert!(meta.updated.is_none_or(date::is_valid));
            let link = url::Url::parse(BASE).map_err(|e| TestCaseError::fail(e.to_string()))?;
            doc.content_html(&link, &meta.lang, &meta.title);
        }
    }
}

fn context() -> feed::item::Context<'static> {
    feed::item::Context {
        base_url: BASE,
        timezone: chrono_tz::UTC,
        summary_chars: 280,
    }
}

/// The item an article becomes, or `None` when it is rejected.
fn item_of(bytes: &[u8], n: usize, dates: (DateTime<Utc>, DateTime<Utc>)) -> Option<Item> {
    let doc = Document::parse(bytes, Kind::Markdown).ok()?;
    let (meta, _) = article::extract(&doc, &defaults(chrono_tz::UTC)).ok()?;
    let record = Record {
        rowid: n as i64 + 1,
        path: format!("world/{n}.md"),
        channel: "world".into(),
        size: bytes.len() as u64,
        mtime_ns: 0,
        hash: [0; 32],
        extract_key: [0; 32],
        id: format!("urn:uuid:{n}"),
        slug: n.to_string(),
        first_seen: dates.0,
        changed: Some(dates.1),
        deleted_at: None,
        draft: false,
        retracted_at: None,
    };
    let link = url::Url::parse(BASE).ok()?;
    let html = doc.content_html(&link, &meta.lang, &meta.title);
    let mut item = feed::item::build(
        &context(),
        &record,
        &meta,
        Some(html),
        Stage::Live,
        Vec::new(),
    );
    // As an index written by an older version may hold them: the renderers must cope.
    (item.published, item.updated) = dates;
    Some(item)
}

fn feed_meta(title: String, updated: DateTime<Utc>) -> FeedMeta {
    FeedMeta {
        title,
        description: "وصف & <b>".into(),
        language: "ar".into(),
        home_url: format!("{BASE}/world/"),
        self_urls: [Format::Rss, Format::Atom, Format::Json]
            .map(|f| (f, format!("{BASE}/world/{}", f.file_name())))
            .to_vec(),
        updated,
        author: None,
        ttl_minutes: 30,
        hubs: vec![],
        stylesheet: Some("../feed.xsl".into()),
        history: None,
        marks: Default::default(),
    }
}

/// The text of every `name` element that is a child of an `item` or `entry` element.
fn item_texts(xml: &roxmltree::Document, name: &str) -> Vec<String> {
    xml.descendants()
        .filter(|n| matches!(n.tag_name().name(), "item" | "entry"))
        .filter_map(|n| n.children().find(|c| c.tag_name().name() == name))
        .map(|c| c.text().unwrap_or_default().to_string())
        .collect()
}

/// An RSS or Atom feed parses as XML, with the items' titles and their publication dates
/// (clamped into the valid range; whole seconds in RSS) under `date_tag`.
fn check_xml(text: &str, items: &[Item], date_tag: &str) -> Result<(), TestCaseError> {
    let xml = roxmltree::Document::parse(text).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let titles: Vec<_> = items.iter().map(|i| i.title.clone()).collect();
    prop_assert_eq!(item_texts(&xml, "title"), titles);
    let got: Vec<_> = item_texts(&xml, date_tag)
        .iter()
        .map(|t| match date_tag {
            "pubDate" => DateTime::parse_from_rfc2822(t).map(|d| d.timestamp_micros()),
            _ => DateTime::parse_from_rfc3339(t).map(|d| d.timestamp_micros()),
        })
        .collect();
    let want: Vec<_> = items
        .iter()
        .map(|i| match date_tag {
            "pubDate" => Ok(date::clamp(i.published).timestamp() * 1_000_000),
            _ => Ok(date::clamp(i.published).timestamp_micros()),
        })
        .collect();
    prop_assert_eq!(got, want);
    Ok(())
}

fn check_json(text: &str, items: &[Item]) -> Result<(), TestCaseError> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let got = json["items"].as_array().cloned().unwrap_or_default();
    prop_assert_eq!(got.len(), items.len());
    for (got, item) in got.iter().zip(items) {
        prop_assert_eq!(got["title"].as_str(), Some(item.title.as_str()));
        let published = got["date_published"].as_str().unwrap_or_default();
        let back = DateTime::parse_from_rfc3339(published).map(|d| d.to_utc());
        prop_assert_eq!(back, Ok(date::clamp(item.published)));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_article_renders_to_feeds_that_parse_back(
        articles in vec((publishable_article(), any_instant(), any_instant()), 0..4),
        title in "\\PC{1,30}",
        updated in any_instant(),
    ) {
        let items: Vec<Item> = articles
            .iter()
            .enumerate()
            .filter_map(|(n, (bytes, p, u))| item_of(bytes, n, (*p, *u)))
            .collect();
        let meta = feed_meta(title, updated);
        let rss = feed::render(Format::Rss, &meta, &items);
        check_xml(&rss, &items, "pubDate")?;
        let parsed = feed_rs::parser::parse(rss.as_bytes());
        prop_assert_eq!(parsed.map(|f| f.entries.len()).ok(), Some(items.len()));
        let atom = feed::render(Format::Atom, &meta, &items);
        check_xml(&atom, &items, "published")?;
        let parsed = feed_rs::parser::parse(atom.as_bytes());
        prop_assert_eq!(parsed.map(|f| f.entries.len()).ok(), Some(items.len()));
        check_json(&feed::render(Format::Json, &meta, &items), &items)?;
    }
}
