//! feedfold's functional core: values in, values out (no files, clock, threads, database
//! or network; the `feedfold` package, the shell, does that and calls this crate).
//!
//! - [`config`]: what `config.toml` may say, its defaults and validation;
//! - [`article`]: reading an article file, its metadata and its content HTML;
//! - [`identity`]: ids, slugs, first-seen dates and the choice of an article's dates;
//! - [`lifecycle`]: whether an article shows at a moment (scheduled, live, expired,
//!   retracted, removed), and how;
//! - [`layout`]: where each file lives in the publish folder, and its media type;
//! - [`feed`]: which feeds exist and their RSS, Atom, JSON Feed and OPML text;
//! - [`media`]: pictures: type and size from their bytes, metadata removed, thumbnails;
//! - [`page`]: the HTML pages for visitors;
//! - [`sitemap`]: the sitemaps and `robots.txt`, for search engines.

pub mod article;
pub mod config;
pub mod feed;
pub mod identity;
pub mod layout;
pub mod lifecycle;
pub mod media;
pub mod page;
pub mod sitemap;

#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
