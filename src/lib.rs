//! feedfold: keeps RSS 2.0, Atom 1.0 and JSON Feed files current for a folder of articles.
//!
//! Functional core, pure (values in, values out: no files, clock, threads or database):
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
//!
//! Imperative shell: [`init`] (a new site), [`config_file`] (loading the configuration, and
//! with it [`templates_file`], the site's page templates),
//! [`index`] (the SQLite store and the scan), [`publish`], [`engine`] (the one scan→publish sequence),
//! [`commands`] (`build`, `publish`, `check`), [`status`] (`status`: the index, read only),
//! [`watch`] (notifications; the pure [`watch::classify()`] decides what they ask for),
//! [`daemon`] (`watch`, `serve`), [`journal`] (what its workers tell the operator),
//! [`serve`] and [`mirror`]; [`progress`] shows long steps on a terminal.

pub mod article;
pub mod brand_file;
pub mod commands;
pub mod config;
pub mod config_file;
pub mod confine;
pub mod daemon;
pub mod engine;
pub mod feed;
pub mod identity;
pub mod index;
pub mod init;
pub mod journal;
pub mod layout;
pub mod lifecycle;
pub mod logging;
pub mod media;
pub mod mirror;
pub mod page;
pub mod progress;
pub mod publish;
pub mod serve;
pub mod sitemap;
pub mod status;
pub mod templates_file;
pub mod watch;
pub mod workers;
