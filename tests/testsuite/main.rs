//! feedfold's integration tests: one binary, real files in temporary folders.

mod cli;
mod crash;
mod daemon;
mod daemon_support;
mod encodings;
mod golden;
mod identity;
mod parse_back;
mod rejections;
mod s3;
mod serve_e2e;
mod serve_http;
mod support;
