//! feedfold's integration tests: one binary, real files in temporary folders.

#![allow(clippy::unwrap_used)]

mod archives;
mod archives_live;
mod authors;
mod brand;
mod cli;
mod crash;
mod daemon;
mod daemon_support;
mod dates;
mod encodings;
mod faults;
mod golden;
mod health;
mod hostile_content;
mod hostile_files;
mod identity;
mod images;
mod images_live;
mod init;
mod lifecycle;
mod on_change;
mod pages;
mod parse_back;
mod preview;
mod properties;
mod rejections;
mod s3;
mod serve_e2e;
mod serve_http;
mod serve_limits;
mod sitemaps;
mod status;
mod support;
mod templates;
mod translations;
