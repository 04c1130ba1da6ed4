//! The pictures of an article, found when it is scanned: its lead image (front-matter
//! `image` when that names a file in the content folder, else a sidecar with the same
//! stem, else the first image of its body) and its body images. Each file is read through
//! [`crate::confine`] (never outside the content root), at most `feed.max_image_bytes`, and
//! checked from its bytes ([`crate::media::prepare`]); a file that fails is reported with
//! the reason and the article is published without it.

use std::path::Path;

use super::analyze::ChannelContext;
use crate::article::{Article, Meta, limits};
use crate::media::{self, EXTENSIONS, Picture, Prepared};

/// One picture file an article names, found or not, and the published name it got: the
/// scan reads the article again when the file changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    /// The file, under the content root.
    pub path: String,
    /// Its published key, when it was published.
    pub key: Option<String>,
    /// Its thumbnail's key, for a lead picture that has one.
    pub thumb: Option<String>,
}

/// What looking for one file found.
enum Found {
    /// No such file: the reference stays a URL.
    Missing,
    /// A file that cannot be published, and why.
    Refused(String),
    /// A picture.
    Image(Box<Prepared>),
}

/// Finds, reads and checks the pictures of `article` (at `path`, beneath the real content
/// root `root`): fills in its lead and body pictures, and reports what it could not use in
/// its warnings. Returns every picture file it named.
pub fn attach(root: &Path, path: &str, article: &mut Article, ctx: &ChannelContext) -> Vec<Ref> {
    let mut finder = Finder {
        root,
        path,
        ctx,
        refs: Vec::new(),
        warnings: Vec::new(),
    };
    let sources = article.document.image_sources();
    let meta = &mut article.meta;
    let mut lead = finder.given_lead(&mut meta.image);
    let pictures = finder.body(&sources, &mut lead, meta);
    meta.lead = lead;
    meta.pictures = pictures;
    article.warnings.append(&mut finder.warnings);
    finder.refs
}

/// Sets `alt` as the lead's text alternative when front matter gave none.
fn describe(meta: &mut Meta, alt: &str) {
    if meta.image_text.alt.is_none() && !alt.trim().is_empty() {
        let alt = crate::article::text::collapse_whitespace(alt);
        meta.image_text.alt = Some(crate::article::text::truncate_words(&alt, 500));
    }
}

/// True for a reference that looks like a local file (relative, with a picture's name).
fn is_local_name(src: &str) -> bool {
    media::local_path("x/y", src).is_ok_and(|p| p.is_some()) && media::is_image_name(src)
}

struct Finder<'a> {
    root: &'a Path,
    path: &'a str,
    ctx: &'a ChannelContext,
    refs: Vec<Ref>,
    warnings: Vec<String>,
}

impl Finder<'_> {
    /// The lead picture front matter `image` names (a refused one is not published as a
    /// URL either: a relative URL would lead nowhere), else a sidecar.
    fn given_lead(&mut self, image: &mut Option<String>) -> Option<Picture> {
        let Some(src) = image.clone() else {
            return self.sidecar();
        };
        match self.local(&src, true) {
            Ok(Some(picture)) => {
                *image = None;
                Some(picture)
            }
            Ok(None) => None,
            Err(()) => {
                *image = None;
                None
            }
        }
    }

    /// The local pictures of the body (`sources`, with their alt texts), at most
    /// `feed.max_images` with a lead from front matter or a sidecar; the first body image
    /// leads when nothing else does, local or not.
    fn body(
        &mut self,
        sources: &[(String, String)],
        lead: &mut Option<Picture>,
        meta: &mut Meta,
    ) -> Vec<Picture> {
        let mut pictures: Vec<Picture> = Vec::new();
        let mut over = Vec::new();
        let lead_apart = usize::from(lead.is_some());
        for (src, alt) in sources {
            if pictures.iter().any(|p| &p.src == src) {
                continue;
            }
            if pictures.len() + lead_apart >= self.ctx.max_images {
                if self.exists(src) {
                    over.push(src.clone());
                }
                continue;
            }
            let first = lead.is_none() && meta.image.is_none() && pictures.is_empty();
            match self.local(src, first) {
                Ok(Some(picture)) => {
                    if first {
                        *lead = Some(picture.clone());
                        describe(meta, alt);
                    }
                    let thumb = None;
                    pictures.push(Picture { thumb, ..picture });
                }
                Ok(None) if first && limits::is_image_url(src) && !is_local_name(src) => {
                    meta.image = Some(src.clone());
                    describe(meta, alt);
                }
                Ok(None) | Err(()) => {}
            }
        }
        if !over.is_empty() {
            self.warnings.push(format!(
                "{} more local images than feed.max_images ({}) allows, not published: {}",
                over.len(),
                self.ctx.max_images,
                over.join(", ")
            ));
        }
        pictures
    }

    /// The picture `src` names if it is a local file: `Ok(None)` when it is a URL or no
    /// such file (a URL then, warned about when it looks like a missing file), `Err` when
    /// the file cannot be published (reported).
    fn local(&mut self, src: &str, lead: bool) -> Result<Option<Picture>, ()> {
        let file = match media::local_path(self.path, src) {
            Ok(Some(file)) => file,
            Ok(None) => return Ok(None),
            Err(why) => {
                self.warnings
                    .push(format!("image `{src}` {why}: not published"));
                return Err(());
            }
        };
        match self.read(&file) {
            Found::Missing => {
                self.refs.push(Ref {
                    path: file.clone(),
                    key: None,
                    thumb: None,
                });
                if lead && media::is_image_name(src) {
                    self.warnings.push(format!(
                        "image `{src}` is not a file in the content folder (no {file}): \
                         published as a URL"
                    ));
                }
                Ok(None)
            }
            Found::Refused(why) => {
                self.refs.push(Ref {
                    path: file,
                    key: None,
                    thumb: None,
                });
                self.warnings
                    .push(format!("image `{src}`: {why}; not published"));
                Err(())
            }
            Found::Image(prepared) => Ok(Some(self.picture(src, &file, &prepared, lead))),
        }
    }

    /// True when `src` names a file in the content folder.
    fn exists(&self, src: &str) -> bool {
        media::local_path(self.path, src)
            .ok()
            .flatten()
            .is_some_and(|file| std::fs::symlink_metadata(self.root.join(file)).is_ok())
    }

    /// A picture with the article's stem beside it (`story.txt` + `story.jpg`).
    fn sidecar(&mut self) -> Option<Picture> {
        let stem = self
            .path
            .rsplit_once('.')
            .map_or(self.path, |(stem, _)| stem);
        let upper = EXTENSIONS.map(str::to_ascii_uppercase);
        let names = EXTENSIONS
            .iter()
            .copied()
            .chain(upper.iter().map(String::as_str));
        for ext in names {
            let file = format!("{stem}.{ext}");
            match self.read(&file) {
                Found::Missing => continue,
                Found::Refused(why) => {
                    self.refs.push(Ref {
                        path: file.clone(),
                        key: None,
                        thumb: None,
                    });
                    let name = file.rsplit('/').next().unwrap_or(&file);
                    self.warnings
                        .push(format!("image `{name}`: {why}; not published"));
                    return None;
                }
                Found::Image(prepared) => return Some(self.picture("", &file, &prepared, true)),
            }
        }
        None
    }

    fn picture(&mut self, src: &str, file: &str, prepared: &Prepared, lead: bool) -> Picture {
        let picture = Picture::of(src, file, prepared, lead);
        self.refs.push(Ref {
            path: file.to_string(),
            key: Some(picture.key.clone()),
            thumb: picture.thumb.as_ref().map(|t| t.key.clone()),
        });
        picture
    }

    /// Reads and checks the file at `file` (under the content root).
    fn read(&self, file: &str) -> Found {
        let full = self.root.join(file);
        if std::fs::symlink_metadata(&full).is_err() {
            return Found::Missing;
        }
        let max = self.ctx.max_image_bytes;
        match crate::confine::read(self.root, &full, max, 0) {
            Ok(bytes) => match media::prepare(bytes) {
                Ok(prepared) => Found::Image(Box::new(prepared)),
                Err(e) => Found::Refused(e.to_string()),
            },
            Err(crate::confine::Refused::TooLarge { max }) => {
                Found::Refused(format!("over the {max}-byte limit (feed.max_image_bytes)"))
            }
            Err(e) => Found::Refused(e.to_string()),
        }
    }
}
