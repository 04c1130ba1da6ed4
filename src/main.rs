//! The `feedfold` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand};

use feedfold::daemon;

#[derive(Parser)]
#[command(
    version,
    about = "Keeps RSS, Atom and JSON feeds current for a folder of articles"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Index every article under the content root and publish the feeds.
    Build {
        /// Configuration file.
        #[arg(long, default_value = "config.toml")]
        config: PathBuf,
    },
    /// Parse every article and report problems; writes nothing.
    Check {
        #[arg(long, default_value = "config.toml")]
        config: PathBuf,
    },
}

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_env_filter(filter)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build { config } => build(&config),
        Command::Check { config } => check(&config),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::from(2)
    })
}

fn build(config_path: &std::path::Path) -> anyhow::Result<ExitCode> {
    let config = daemon::load_config(config_path)?;
    let report = daemon::build(&config, Utc::now())?;
    eprint!("{}", daemon::problem_lines(&config, &report.scan));
    println!("{}", daemon::summary(&report));
    Ok(ExitCode::SUCCESS)
}

fn check(config_path: &std::path::Path) -> anyhow::Result<ExitCode> {
    let config = daemon::load_config(config_path)?;
    let report = feedfold::index::check(&config)?;
    print!("{}", daemon::problem_lines(&config, &report));
    println!(
        "checked {} articles: {} rejected",
        report.added + report.rejected.len(),
        report.rejected.len()
    );
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
