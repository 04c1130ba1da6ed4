//! Reading `config.toml` so that every problem is found at once.
//!
//! serde stops at the first error, and it visits tables in the order of the parsed map,
//! which is alphabetical: with a typo in `[site]` and one in `[feed]`, only `[feed]`'s was
//! ever reported. So the file is first walked against the keys the schema knows, taken
//! from a [`exemplar`] configuration with every key set and serialized (the same names
//! serde reads, since nothing is renamed): each unknown key is a problem, with the closest
//! known one if any; each known key's value is tried alone in the exemplar, so that each
//! value of the wrong type is a problem of its own; each key the exemplar cannot do without
//! and the file lacks is a problem. Keys at fault are then left out, and the rest is read,
//! so that the values that parse are still checked.

use std::borrow::Cow;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{
    Config, ConfigError, Paths, Problem, PublishSettings, S3Settings, ServeSettings, Site,
    WebSubSettings,
};

/// A configuration with every key the file may hold set (options too), so that its TOML
/// names them all. A key added to a struct with no default shows up here at compile time;
/// one added to an `Option` field must be set here too (the test that every documented key
/// is known catches it).
pub(super) fn exemplar() -> Config {
    Config {
        site: Site {
            title: "T".into(),
            base_url: "https://example.org".into(),
            description: "D".into(),
            language: "en".into(),
            author: Some("A".into()),
            timezone: "UTC".into(),
            icon: Some("icon.png".into()),
            logo: Some("logo.png".into()),
            marks: Default::default(),
        },
        paths: Paths::default(),
        feed: Default::default(),
        watch: Default::default(),
        serve: ServeSettings {
            admin_listen: Some("127.0.0.1:8081".into()),
            ..ServeSettings::default()
        },
        websub: WebSubSettings {
            hubs: vec!["https://hub.example.org/".into()],
        },
        publish: PublishSettings {
            s3: Some(S3Settings {
                bucket: "b".into(),
                prefix: String::new(),
                endpoint: Some("http://127.0.0.1:9000".into()),
                region: "us-east-1".into(),
                allow_http: false,
                lease_seconds: 60,
            }),
            on_change: Some("true".into()),
            ..PublishSettings::default()
        },
        templates: Default::default(),
        preview: false,
    }
}

/// Walks `doc` (the file `text`, parsed) against the schema, recording a problem for each
/// unknown key, value of the wrong type and missing required key, and leaving those keys
/// out of `doc`; then reads what is left. `None` when a required key is missing.
pub(super) fn read(text: &str, doc: &mut DeTable<'_>, found: &mut Vec<Problem>) -> Option<Config> {
    let schema_text = toml::to_string(&exemplar()).expect("the exemplar configuration serializes");
    let schema = DeTable::parse(&schema_text)
        .expect("the exemplar configuration parses back")
        .into_inner();
    let walk = Walk {
        text,
        root: &schema,
    };
    let missing = walk.table(doc, &schema, &mut Vec::new(), None, found);
    if missing {
        return None;
    }
    match deserialize(doc.clone()) {
        Ok(config) => Some(config),
        Err(e) => {
            found.push(Problem {
                key: String::new(),
                line: e.span().map(|span| line_at(text, span.start)),
                reason: e.message().trim().to_string(),
            });
            None
        }
    }
}

fn deserialize(doc: DeTable<'_>) -> Result<Config, toml::de::Error> {
    Config::deserialize(toml::de::Deserializer::from(Spanned::new(0..0, doc)))
}

struct Walk<'a, 's> {
    text: &'a str,
    /// The exemplar, parsed.
    root: &'a DeTable<'s>,
}

impl Walk<'_, '_> {
    /// Checks `table` (at `path`, whose header is on `line`) against `schema`; true when a
    /// required key is missing.
    fn table(
        &self,
        table: &mut DeTable<'_>,
        schema: &DeTable<'_>,
        path: &mut Vec<String>,
        line: Option<usize>,
        found: &mut Vec<Problem>,
    ) -> bool {
        let keys: Vec<(String, usize)> = table
            .keys()
            .map(|k| (k.get_ref().to_string(), line_at(self.text, k.span().start)))
            .collect();
        let mut missing = false;
        for (key, key_line) in keys {
            path.push(key.clone());
            let problem = |reason: String| Problem {
                key: path.join("."),
                line: Some(key_line),
                reason,
            };
            let at_fault = match (schema.get(key.as_str()), table.get_mut(key.as_str())) {
                (None, _) => Some(problem(unknown(&key, schema, &path[..path.len() - 1]))),
                (Some(expected), Some(value)) => match (expected.get_ref(), value.get_mut()) {
                    (DeValue::Table(expected), DeValue::Table(inner)) => {
                        missing |= self.table(inner, expected, path, Some(key_line), found);
                        None
                    }
                    _ => self
                        .fits(path, value.clone())
                        .err()
                        .map(|e| problem(e.message().trim().to_string())),
                },
                (Some(_), None) => None,
            };
            if let Some(problem) = at_fault {
                found.push(problem);
                table.remove(key.as_str());
            }
            path.pop();
        }
        for key in schema.keys() {
            let key = key.get_ref().as_ref();
            if table.contains_key(key) {
                continue;
            }
            path.push(key.to_string());
            if let Some(reason) = self.required(path, schema.get(key)) {
                missing = true;
                found.push(Problem {
                    key: path.join("."),
                    line,
                    reason,
                });
            }
            path.pop();
        }
        missing
    }

    /// Whether `value` may stand at `path`: the exemplar with it there still reads.
    fn fits(&self, path: &[String], value: Spanned<DeValue<'_>>) -> Result<(), toml::de::Error> {
        let mut doc = self.root.clone();
        if let Some((last, parents)) = path.split_last()
            && let Some(parent) = table_at(&mut doc, parents)
        {
            parent.insert(Spanned::new(0..0, Cow::Owned(last.clone())), value);
        }
        deserialize(doc).map(drop)
    }

    /// Why the key at `path` may not be left out (its schema value `expected`), if it may not:
    /// the exemplar without it does not read.
    fn required(&self, path: &[String], expected: Option<&Spanned<DeValue<'_>>>) -> Option<String> {
        let mut doc = self.root.clone();
        if let Some((last, parents)) = path.split_last()
            && let Some(parent) = table_at(&mut doc, parents)
        {
            parent.remove(last.as_str());
        }
        deserialize(doc).err()?;
        Some(match expected.map(Spanned::get_ref) {
            Some(DeValue::Table(inner)) => {
                let needs: Vec<String> = inner
                    .keys()
                    .map(|k| k.get_ref().to_string())
                    .filter(|k| {
                        let mut inner_path = path.to_vec();
                        inner_path.push(k.clone());
                        self.required(&inner_path, None).is_some()
                    })
                    .map(|k| format!("`{k}`"))
                    .collect();
                format!(
                    "missing: add a [{}] table with {}",
                    path.join("."),
                    needs.join(" and ")
                )
            }
            _ => "missing: this key is required".to_string(),
        })
    }
}

/// The table at `path` in `doc`, if every step is one.
fn table_at<'d, 'i>(doc: &'d mut DeTable<'i>, path: &[String]) -> Option<&'d mut DeTable<'i>> {
    let mut table = doc;
    for part in path {
        match table.get_mut(part.as_str()).map(Spanned::get_mut) {
            Some(DeValue::Table(inner)) => table = inner,
            _ => return None,
        }
    }
    Some(table)
}

/// Why `key` (in the table at `parent`, whose known keys `schema` has) is refused.
fn unknown(key: &str, schema: &DeTable<'_>, parent: &[String]) -> String {
    let known: Vec<&str> = schema.keys().map(|k| k.get_ref().as_ref()).collect();
    if let Some(close) = closest(key, &known) {
        return format!("unknown key; did you mean `{close}`?");
    }
    let listed = known.join(", ");
    if parent.is_empty() {
        format!("unknown table or key; the file has the tables {listed}")
    } else {
        format!("unknown key; [{}] takes {listed}", parent.join("."))
    }
}

/// The known key a typo most likely meant: at most two edits away, and fewer than half
/// its letters.
fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(key, k), *k))
        .filter(|(d, k)| *d <= 2 && *d * 2 < k.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// The line (from 1) of byte `offset` in `text`.
pub(super) fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// `error` as a problem, on the line of its key in `doc` (the file `text`, parsed), or of
/// the nearest table holding it when the key is not in the file.
pub(super) fn locate(text: &str, doc: &DeTable<'_>, error: ConfigError) -> Problem {
    match error {
        ConfigError::Syntax(reason) => Problem {
            key: String::new(),
            line: None,
            reason,
        },
        ConfigError::Invalid { key, reason } => {
            let mut table = doc;
            let mut line = None;
            for part in key.split('.') {
                let Some((k, v)) = table.get_key_value(part) else {
                    break;
                };
                line = Some(line_at(text, k.span().start));
                match v.get_ref() {
                    DeValue::Table(inner) => table = inner,
                    _ => break,
                }
            }
            Problem {
                key: key.to_string(),
                line,
                reason,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exemplar_reads_back_as_itself() {
        let text = toml::to_string(&exemplar()).unwrap();
        let back: Config = toml::from_str(&text).unwrap();
        assert_eq!(back, exemplar());
    }

    #[test]
    fn typos_find_their_key() {
        let known = ["limit", "max_bytes", "content", "formats"];
        assert_eq!(closest("limt", &known), Some("limit"));
        assert_eq!(closest("max-bytes", &known), Some("max_bytes"));
        assert_eq!(closest("colour", &known), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn lines_count_from_one() {
        assert_eq!(line_at("a\nb\nc", 0), 1);
        assert_eq!(line_at("a\nb\nc", 2), 2);
        assert_eq!(line_at("a\nb\nc", 99), 3);
    }
}
