//! The site's templates folder (`paths.templates`), read from disk: the shell around the pure
//! [`Templates::compile`]. Reads `*.html` and `style.css` directly in the folder (not in
//! sub-folders; names starting with `.`, such as editors' swap files, are left alone), each
//! through [`crate::confine`] beneath the site folder (a symbolic link leading outside it is
//! refused), each at most [`MAX_FILE_BYTES`], UTF-8 (a leading byte-order mark is dropped).
//! A missing folder means the built-in templates alone.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::confine;
use crate::page::{MAX_TEMPLATES, TemplateSources, Templates};

/// The largest template or stylesheet read.
pub const MAX_FILE_BYTES: u64 = 256 * 1024;

/// The stylesheet's file name in the templates folder.
pub const STYLESHEET: &str = "style.css";

/// Templates that cannot be used, with every problem, each naming the file (as the site
/// folder sees it: `templates/article.html`) and, when known, the line.
#[derive(Debug, Error)]
#[error("invalid templates: {}", problems.join("; "))]
pub struct InvalidTemplates {
    /// The folder, as configured.
    pub folder: PathBuf,
    /// `templates/article.html line 12: syntax error: ...`, in file order.
    pub problems: Vec<String>,
}

/// Reads and compiles the templates in `folder`; `site` is the site folder (the
/// configuration file's, canonical), beneath which they must really lie.
pub fn load(folder: &Path, site: &Path) -> Result<Templates, InvalidTemplates> {
    let shown = folder
        .strip_prefix(site)
        .unwrap_or(folder)
        .display()
        .to_string();
    let fail = |problems: Vec<String>| InvalidTemplates {
        folder: folder.to_path_buf(),
        problems,
    };
    let one = |reason: String| fail(vec![format!("{shown}: {reason}")]);
    match std::fs::metadata(folder) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Templates::builtin().clone());
        }
        Err(e) => return Err(one(format!("cannot read the folder: {e}"))),
        Ok(meta) if !meta.is_dir() => return Err(one("not a folder".into())),
        Ok(_) => {}
    }
    let site_real = site.canonicalize().unwrap_or_else(|_| site.to_path_buf());
    let real = folder
        .canonicalize()
        .map_err(|e| one(format!("cannot resolve the folder: {e}")))?;
    if !real.starts_with(&site_real) || real == site_real {
        return Err(one(format!(
            "leads to {}, not a folder inside the site folder ({}): templates are read from \
             there only",
            real.display(),
            site_real.display()
        )));
    }
    let mut names = Vec::new();
    let entries =
        std::fs::read_dir(folder).map_err(|e| one(format!("cannot read the folder: {e}")))?;
    for entry in entries {
        let entry = entry.map_err(|e| one(format!("cannot read the folder: {e}")))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if name.starts_with('.') || !(name.ends_with(".html") || name == STYLESHEET) {
            continue;
        }
        names.push(name.to_string());
    }
    names.sort();
    if names.len() > MAX_TEMPLATES + 1 {
        return Err(one(format!(
            "holds {} templates; at most {MAX_TEMPLATES} are read",
            names.len()
        )));
    }
    let mut sources = TemplateSources::default();
    let mut problems = Vec::new();
    for name in names {
        let path = folder.join(&name);
        let text = confine::read(&site_real, &path, MAX_FILE_BYTES, 0)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                String::from_utf8(bytes).map_err(|_| "not UTF-8 text: save it as UTF-8".into())
            });
        let text = match text {
            Ok(text) => text
                .strip_prefix('\u{feff}')
                .map(str::to_string)
                .unwrap_or(text),
            Err(reason) => {
                problems.push(format!("{shown}/{name}: {reason}"));
                continue;
            }
        };
        if name == STYLESHEET {
            sources.stylesheet = Some(text);
        } else {
            sources.pages.insert(name, text);
        }
    }
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    Templates::compile(sources).map_err(|found| {
        fail(
            found
                .iter()
                .map(|p| {
                    if p.file.is_empty() {
                        format!("{shown}: {}", p.reason)
                    } else {
                        format!("{shown}/{p}")
                    }
                })
                .collect(),
        )
    })
}
