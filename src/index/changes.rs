//! What a scan found changed on disk: the files present, the live articles and rejections
//! whose files are gone, and the paths refused without reading; collected for a path scan
//! from what is at and below each changed path and what the index had there.

use std::collections::HashSet;
use std::path::Path;

use super::catalog::Catalog;
use super::walk::{Tree, walk_path};
use crate::article::Kind;
use crate::identity::FileStat;

/// What a scan found changed on disk.
#[derive(Default)]
pub(super) struct Changes {
    pub present: Vec<FileStat>,
    /// Live articles whose file is gone.
    pub missing: Vec<String>,
    /// Rejected files that are gone.
    pub stale_rejections: Vec<String>,
    /// Paths refused without reading (links out, FIFOs, unreadable folders), with the reason.
    pub refused: Vec<(String, String)>,
    /// Articles to read again whatever their stat says: a picture they use changed.
    pub forced: HashSet<String>,
    /// The picture files a full scan saw, when they differ from what the index holds.
    pub images: Option<Vec<FileStat>>,
}

impl Changes {
    /// Adds what is at and below `rel` now, and what the index had there.
    pub fn collect(
        &mut self,
        real_root: &Path,
        root: &Path,
        rel: &str,
        channel: &str,
        catalog: &Catalog,
    ) {
        let path = root.join(rel);
        let mut tree = Tree::default();
        walk_path(real_root, &path, rel, channel, &mut tree);
        let found = std::mem::take(&mut tree.files);
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let maybe_folder = path.is_dir() || (!path.exists() && Kind::of_file_name(name).is_none());
        if !maybe_folder {
            // A file: look it up, rather than through every article.
            let here = found.iter().any(|f| f.path == rel) || tree.holds(rel);
            let known = |p: Option<&String>| p.filter(|_| !here).cloned();
            self.missing
                .extend(known(catalog.live_at(rel).map(|r| &r.path)));
            self.stale_rejections
                .extend(known(catalog.rejected.get_key_value(rel).map(|(k, _)| k)));
            self.present.extend(found);
            self.refused.append(&mut tree.misplaced);
            return;
        }
        let here: HashSet<&str> = found.iter().map(|f| f.path.as_str()).collect();
        let prefix = format!("{rel}/");
        let gone = |p: &&String| {
            (*p == rel || p.starts_with(&prefix)) && !here.contains(p.as_str()) && !tree.holds(p)
        };
        self.missing
            .extend(catalog.live_paths().filter(gone).cloned());
        self.stale_rejections
            .extend(catalog.rejected.keys().filter(gone).cloned());
        self.present.extend(found);
        self.refused.append(&mut tree.misplaced);
    }
}
