//! A throwaway site: a config, a content root and a publish folder in a temp dir.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use feedfold::commands::{self, BuildReport};
use feedfold::config::Config;
use feedfold::config_file;

pub const BASE_URL: &str = "https://news.example.org";

pub struct Site {
    pub dir: tempfile::TempDir,
    config_text: String,
}

/// A fixed "now" so that builds are reproducible.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 12, 0, 0).unwrap()
}

impl Site {
    pub fn new() -> Site {
        Site::with_config(&format!(
            "[site]\ntitle = \"Test News\"\nbase_url = \"{BASE_URL}\"\nlanguage = \"en\"\n\
             timezone = \"Asia/Riyadh\"\nauthor = \"Desk\"\n"
        ))
    }

    pub fn with_config(config_text: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let site = Site {
            dir,
            config_text: config_text.to_string(),
        };
        site.write_config(config_text);
        fs::create_dir_all(site.root().join("feeds")).unwrap();
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn config_path(&self) -> PathBuf {
        self.root().join("config.toml")
    }

    pub fn write_config(&self, text: &str) {
        fs::write(self.config_path(), text).unwrap();
    }

    /// Replaces `from` by `to` in the config file.
    pub fn edit_config(&mut self, from: &str, to: &str) {
        self.config_text = self.config_text.replace(from, to);
        self.write_config(&self.config_text.clone());
    }

    /// Appends TOML (such as a `[feed]` table) to the config file.
    pub fn append_config(&self, text: &str) {
        let mut config = fs::read_to_string(self.config_path()).unwrap();
        config.push_str(text);
        self.write_config(&config);
    }

    pub fn config(&self) -> Config {
        config_file::load(&self.config_path()).unwrap()
    }

    /// Writes an article (or any file) under `feeds/`.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> &Site {
        let path = self.root().join("feeds").join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
        self
    }

    pub fn rename(&self, from: &str, to: &str) {
        let feeds = self.root().join("feeds");
        fs::create_dir_all(feeds.join(to).parent().unwrap()).unwrap();
        fs::rename(feeds.join(from), feeds.join(to)).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.root().join("feeds").join(rel)).unwrap();
    }

    pub fn build(&self) -> BuildReport {
        commands::build(&self.config(), now()).unwrap()
    }

    /// A published file's text.
    pub fn published(&self, key: &str) -> String {
        fs::read_to_string(self.root().join("public").join(key))
            .unwrap_or_else(|e| panic!("{key} not published: {e}"))
    }

    pub fn is_published(&self, key: &str) -> bool {
        self.root().join("public").join(key).exists()
    }
}

/// Builds `site` at [`now`] plus `days`.
pub fn build_at(site: &Site, days: i64) -> BuildReport {
    commands::build(&site.config(), now() + chrono::TimeDelta::days(days)).unwrap()
}

/// The `<updated>` of a published Atom feed, to the second.
pub fn atom_updated(site: &Site, key: &str) -> String {
    let atom = site.published(key);
    let start = atom.find("<updated>").unwrap() + "<updated>".len();
    atom[start..start + 19].to_string()
}

/// Every file below `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The parsed site RSS feed.
pub fn rss(site: &Site, key: &str) -> feed_rs::model::Feed {
    feed_rs::parser::parse(site.published(key).as_bytes()).unwrap()
}

/// The ids in a feed, newest first.
pub fn ids(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.id.clone()).collect()
}

/// The plain-text titles in a feed.
pub fn titles(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect()
}

/// The seed's shape: title, lede, paragraphs, a short subheading, more paragraphs.
pub const ARABIC_TXT: &str = "الحكومة تعلن خطة جديدة لدعم المزارعين\n\
    أعلنت الحكومة اليوم خطة لدعم المزارعين المتضررين من موجة الجفاف الأخيرة.\n\
    وتشمل الخطة قروضا ميسرة وتوزيع بذور محسنة على القرى الأكثر تضررا، بحسب بيان الوزارة.\n\
    \n\
    وقال الوزير إن التنفيذ سيبدأ مطلع الشهر المقبل، وإن الميزانية «كافية للمرحلة الأولى».\n\
    مخاوف المزارعين\n\
    ويخشى مزارعون من تأخر وصول الدعم، كما حدث في مواسم سابقة؛ فهل تنجح الخطة هذه المرة؟\n";

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
