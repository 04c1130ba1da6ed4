//! `[paths]`: the content root, the publish folder, the state folder and the templates
//! folder, and the rules that keep them apart. Pure: the rules compare paths; the shell runs
//! them twice, on the paths as written (resolved against the configuration file's folder)
//! and as the file system resolves them (symbolic links followed).

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{ConfigError, invalid};

/// `[paths]`: folders, relative to the configuration file's folder.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Paths {
    /// Content root: one sub-folder per channel.
    pub feeds: PathBuf,
    /// Where feeds are written (generated; keep it out of version control).
    pub publish: PathBuf,
    /// Where the index lives.
    pub state: PathBuf,
    /// The site's page templates and stylesheet (`templates/*.html`, `templates/style.css`);
    /// inside the configuration file's folder. Missing: the built-in templates alone.
    pub templates: PathBuf,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            feeds: "feeds".into(),
            publish: "public".into(),
            state: ".feedfold".into(),
            templates: "templates".into(),
        }
    }
}

impl Paths {
    /// Makes every path absolute against `dir` and removes `.` and `..` from it.
    pub(super) fn resolve(&mut self, dir: &Path) {
        for path in [
            &mut self.feeds,
            &mut self.publish,
            &mut self.state,
            &mut self.templates,
        ] {
            *path = normalize(&dir.join(&*path));
        }
    }
}

/// `path` without `.` components, each `..` taking away the component before it.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Refuses folder layouts that would publish or destroy what must not be: the publish
/// folder at the file-system root, inside the content root or holding it; the index
/// inside the publish folder (downloadable) or the content root (feedfold never writes
/// there); the configuration file's folder inside the publish folder. The first broken
/// rule; [`layout_problems`] gives them all.
pub fn check_layout(
    feeds: &Path,
    publish: &Path,
    state: &Path,
    config_dir: &Path,
) -> Result<(), ConfigError> {
    match layout_problems(feeds, publish, state, config_dir)
        .into_iter()
        .next()
    {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Every rule of [`check_layout`] the layout breaks.
pub fn layout_problems(
    feeds: &Path,
    publish: &Path,
    state: &Path,
    config_dir: &Path,
) -> Vec<ConfigError> {
    if publish.parent().is_none() {
        let reason = format!(
            "{} is the root of the file system; name a folder of its own, such as \"public\"",
            publish.display()
        );
        return vec![invalid("paths.publish", reason)];
    }
    let mut problems = Vec::new();
    const NEVER_WRITES: &str =
        "feedfold never writes inside the content folder: use a folder beside it";
    // (key at fault, the path, the folder it must not be inside, its name, why)
    let rules = [
        ("paths.publish", publish, feeds, "paths.feeds", NEVER_WRITES),
        (
            "paths.feeds",
            feeds,
            publish,
            "paths.publish",
            "drafts and embargoed articles would be served: keep them apart",
        ),
        (
            "paths.state",
            state,
            publish,
            "paths.publish",
            "the index would be downloadable: use a folder outside it, such as \".feedfold\"",
        ),
        ("paths.state", state, feeds, "paths.feeds", NEVER_WRITES),
        (
            "paths.publish",
            config_dir,
            publish,
            "paths.publish",
            "the configuration file would be published: use a folder of its own, such as \"public\"",
        ),
    ];
    for (key, inner, outer, outer_name, why) in rules {
        if inner.starts_with(outer) {
            let reason = format!(
                "{} is inside {outer_name} ({}); {why}",
                inner.display(),
                outer.display()
            );
            problems.push(invalid(key, reason));
        }
    }
    problems
}

/// Refuses a templates folder that overlaps the content or publish folder (holds one, or lies
/// inside one): it would be scanned as a channel, or mixed with what feedfold generates. That it lies inside the site folder is the shell's check, on the
/// folder as it is (the shell's `config_file`), since the file may be read from elsewhere.
pub fn templates_problems(paths: &Paths) -> Vec<ConfigError> {
    let templates = &paths.templates;
    let mut problems = Vec::new();
    for (name, other) in [
        ("paths.feeds", &paths.feeds),
        ("paths.publish", &paths.publish),
    ] {
        if templates.starts_with(other) || other.starts_with(templates) {
            let reason = format!(
                "{} overlaps {name} ({}): use a folder of its own, such as \"templates\"",
                templates.display(),
                other.display()
            );
            problems.push(invalid("paths.templates", reason));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(feeds: &str, publish: &str, state: &str) -> Result<(), String> {
        let p = Path::new;
        check_layout(p(feeds), p(publish), p(state), p("/srv/site")).map_err(|e| e.to_string())
    }

    #[test]
    fn the_default_layout_is_accepted() {
        assert_eq!(
            check("/srv/site/feeds", "/srv/site/public", "/srv/site/.feedfold"),
            Ok(())
        );
    }

    #[test]
    fn a_publish_folder_at_the_file_system_root_is_refused() {
        let err = check("/srv/site/feeds", "/", "/srv/site/.feedfold").unwrap_err();
        assert!(
            err.contains("paths.publish") && err.contains("root"),
            "{err}"
        );
    }

    #[test]
    fn an_index_inside_the_publish_folder_is_refused_as_downloadable() {
        let err = check("/srv/site/feeds", "/srv/site/public", "/srv/site/public/.x").unwrap_err();
        assert!(
            err.contains("paths.state") && err.contains("downloadable"),
            "{err}"
        );
    }

    #[test]
    fn an_index_inside_the_content_folder_is_refused() {
        let err = check("/srv/site/feeds", "/srv/site/public", "/srv/site/feeds/.x").unwrap_err();
        assert!(err.contains("paths.state"), "{err}");
    }

    #[test]
    fn a_content_folder_holding_the_publish_folder_is_refused_either_way() {
        let err = check("/srv/site", "/srv/site/public", "/var/lib/ff").unwrap_err();
        assert!(err.contains("paths.publish"), "{err}");
        let err = check("/srv/site/public/feeds", "/srv/site/public", "/var/lib/ff").unwrap_err();
        assert!(err.contains("paths.feeds"), "{err}");
    }

    #[test]
    fn a_publish_folder_holding_the_config_file_is_refused() {
        let err = check("/srv/feeds", "/srv/site", "/var/lib/ff").unwrap_err();
        assert!(err.contains("configuration file"), "{err}");
    }

    #[test]
    fn dot_dot_is_resolved_before_the_rules_compare_paths() {
        let mut paths = Paths {
            feeds: "feeds".into(),
            publish: "feeds/../feeds/out".into(),
            state: "./.feedfold".into(),
            templates: "brand/./templates".into(),
        };
        paths.resolve(Path::new("/srv/site"));
        assert_eq!(paths.publish, Path::new("/srv/site/feeds/out"));
        assert_eq!(paths.state, Path::new("/srv/site/.feedfold"));
        assert_eq!(paths.templates, Path::new("/srv/site/brand/templates"));
    }

    #[test]
    fn the_templates_folder_is_kept_apart_from_the_other_folders() {
        let dir = Path::new("/srv/site");
        let mut paths = Paths::default();
        paths.resolve(dir);
        assert!(templates_problems(&paths).is_empty());
        for (templates, expected) in [
            (".", "overlaps paths.feeds"),
            ("public/templates", "overlaps paths.publish"),
            ("feeds/templates", "overlaps paths.feeds"),
        ] {
            let mut paths = Paths {
                templates: templates.into(),
                ..Paths::default()
            };
            paths.resolve(dir);
            let found: Vec<String> = templates_problems(&paths)
                .iter()
                .map(ToString::to_string)
                .collect();
            assert!(
                found
                    .iter()
                    .any(|p| p.contains("paths.templates") && p.contains(expected)),
                "{templates}: {found:?}"
            );
        }
    }
}
