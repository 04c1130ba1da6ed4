//! The configuration file, read from disk: the shell around the pure
//! [`Config::parse`](crate::config::Config::parse). Reads the file, resolves relative
//! paths against its folder, and checks the layout rules again with symbolic links
//! resolved. Every command and every reload loads the configuration through [`load`].

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::config::{self, Config};

/// Reads and checks the configuration file.
pub fn load(path: &Path) -> Result<Config> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let config = Config::parse(&text, &dir)
        .with_context(|| format!("invalid config file {}", path.display()))?;
    // The same rules again, through symbolic links: `public` may be a link into `feeds/`.
    let p = &config.paths;
    let real = |path: &Path| real_path(path);
    config::check_layout(&real(&p.feeds), &real(&p.publish), &real(&p.state), &dir)
        .with_context(|| format!("invalid config file {}", path.display()))?;
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
