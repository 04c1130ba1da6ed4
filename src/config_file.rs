//! The configuration file, read from disk: the shell around the pure
//! [`Config::parse`](crate::config::Config::parse). Reads the file, resolves relative
//! paths against its folder, and checks the layout rules again with symbolic links
//! resolved, then reads the site's page templates ([`crate::templates_file`]) into it. Every
//! command and every reload loads the configuration through [`load`] (or [`load_with`],
//! with what the command line sets instead of the file); a file that cannot be used is an
//! [`InvalidConfig`], with every problem in it; the site's icon and logo are read too
//! ([`crate::brand_file`]). Templates that cannot be used are an
//! [`InvalidTemplates`](crate::templates_file::InvalidTemplates): a reload keeps the old
//! configuration and templates either way.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use thiserror::Error;

use crate::config::{self, Config, Overrides, Paths, Problems};
use crate::templates_file;

/// A configuration file that cannot be used, and every problem in it, in file order.
#[derive(Debug, Error)]
#[error("invalid config file {}: {problems}", path.display())]
pub struct InvalidConfig {
    /// The file, as given.
    pub path: PathBuf,
    /// What is wrong in it.
    pub problems: Problems,
}

/// Reads and checks the configuration file.
pub fn load(path: &Path) -> Result<Config> {
    load_with(path, &Overrides::default())
}

/// [`load`], with `overrides` applied before the checks.
pub fn load_with(path: &Path, overrides: &Overrides) -> Result<Config> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let invalid = |problems: Problems| InvalidConfig {
        path: path.to_path_buf(),
        problems,
    };
    let mut config = Config::parse_with(&text, &dir, overrides).map_err(invalid)?;
    // The same rules again, through symbolic links: `public` may be a link into `feeds/`.
    let p = &config.paths;
    let real = |path: &Path| real_path(path);
    if let Err(e) = config::check_layout(&real(&p.feeds), &real(&p.publish), &real(&p.state), &dir)
    {
        return Err(invalid(config::located(&text, e).into()).into());
    }
    let real_paths = Paths {
        feeds: real(&p.feeds),
        publish: real(&p.publish),
        state: real(&p.state),
        templates: real(&p.templates),
    };
    if let Some(e) = config::templates_problems(&real_paths).into_iter().next() {
        return Err(invalid(config::located(&text, e).into()).into());
    }
    config.templates = templates_file::load(&config.paths.templates, &dir)?;
    config.site.marks = crate::brand_file::load(&config)?;
    if config.preview {
        config.templates = config.templates.for_preview().map_err(|problems| {
            templates_file::InvalidTemplates {
                folder: config.paths.templates.clone(),
                problems: problems.iter().map(ToString::to_string).collect(),
            }
        })?;
    }
    Ok(config)
}

/// `path` with symbolic links resolved as far as it exists.
fn real_path(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut base = path;
    loop {
        if let Ok(real) = base.canonicalize() {
            return rest.iter().rev().fold(real, |acc, part| acc.join(part));
        }
        match (base.parent(), base.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                base = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}
