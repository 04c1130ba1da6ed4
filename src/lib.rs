//! feedfold: keeps RSS 2.0, Atom 1.0 and JSON Feed files current for a folder of articles.
//!
//! Functional core ([`config`], [`article`], [`feed`], [`index::model`]) and imperative shell
//! ([`index`] store and scan, [`publish`], [`daemon`]).

pub mod article;
pub mod config;
pub mod confine;
pub mod daemon;
pub mod feed;
pub mod index;
pub mod logging;
pub mod mirror;
pub mod page;
pub mod publish;
pub mod serve;
pub mod watch;
pub mod workers;
