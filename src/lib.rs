//! feedfold: keeps RSS 2.0, Atom 1.0 and JSON Feed files current for a folder of articles.
//!
//! Functional core, pure (values in, values out: no files, clock, threads or database):
//! the [`feedfold_core`] crate (`crates/feedfold-core`), whose modules are re-exported
//! here: [`config`], [`article`], [`identity`], [`lifecycle`], [`layout`], [`feed`],
//! [`media`], [`page`], [`sitemap`]. It depends on no crate of the shell.
//!
//! Imperative shell, this crate: [`init`] (a new site), [`config_file`] (loading the configuration, and
//! with it [`templates_file`], the site's page templates),
//! [`index`] (the SQLite store and the scan), [`publish`], [`engine`] (the one scan→publish sequence),
//! [`commands`] (`build`, `publish`, `check`), [`status`] (`status`: the index, read only),
//! [`watch`] (notifications; the pure [`watch::classify()`] decides what they ask for),
//! [`daemon`] (`watch`, `serve`), [`journal`] (what its workers tell the operator),
//! [`serve`] and [`mirror`]; [`progress`] shows long steps on a terminal.

pub use feedfold_core::{article, config, feed, identity, layout, lifecycle, media, page, sitemap};

pub mod brand_file;
pub mod commands;
pub mod config_file;
pub mod confine;
pub mod daemon;
pub mod engine;
pub mod index;
pub mod init;
pub mod journal;
pub mod logging;
pub mod mirror;
pub mod progress;
pub mod publish;
pub mod serve;
pub mod status;
pub mod templates_file;
pub mod watch;
pub mod workers;
