//! The `feedfold` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand, ValueEnum};
use tracing_subscriber::EnvFilter;

use feedfold::daemon;
use feedfold::logging::{Escaping, escape_controls};

#[derive(Parser)]
#[command(
    version,
    about = "Keeps RSS, Atom and JSON feeds current for a folder of articles"
)]
struct Cli {
    /// Log lines for people (`human`) or for log shippers (`json`).
    #[arg(long, value_enum, default_value_t = LogFormat::Human, global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Index every article under the content root and publish the feeds, once.
    Build {
        /// Configuration file.
        #[arg(long, default_value = "config.toml")]
        config: PathBuf,
    },
    /// Build, then upload every published file to the configured bucket anew.
    Publish {
        #[arg(long, default_value = "config.toml")]
        config: PathBuf,
    },
    /// Parse every article and report problems; writes nothing.
    Check {
        #[arg(long, default_value = "config.toml")]
        config: PathBuf,
    },
    /// Build, then keep every feed current as articles come, change and go.
    Watch {
        #[arg(long, default_value = "config.toml")]
        config: PathBuf,
    },
    /// Watch, and serve feeds, article pages and the home page over HTTP (`serve.listen`).
    Serve {
        #[arg(long, default_value = "config.toml")]
        config: PathBuf,
    },
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_target(false)
        .with_env_filter(filter);
    match format {
        // Colours would be escapes too: plain lines, each escaped as a whole.
        LogFormat::Human => builder
            .with_ansi(false)
            .with_writer(|| Escaping(std::io::stderr()))
            .init(),
        LogFormat::Json => builder.with_writer(std::io::stderr).json().init(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let result = match cli.command {
        Command::Build { config } => build(&config, false),
        Command::Publish { config } => build(&config, true),
        Command::Check { config } => check(&config),
        Command::Watch { config } => daemon::watch(&config).map(|()| ExitCode::SUCCESS),
        Command::Serve { config } => daemon::serve(&config).map(|()| ExitCode::SUCCESS),
    };
    result.unwrap_or_else(|e| {
        eprintln!("{}", escape_controls(&format!("error: {e:#}")));
        ExitCode::from(2)
    })
}

fn build(config_path: &Path, upload_again: bool) -> anyhow::Result<ExitCode> {
    let config = daemon::load_config(config_path)?;
    let report = daemon::build(&config, Utc::now())?;
    eprint!("{}", daemon::problem_lines(&config, &report.scan));
    println!("{}", daemon::summary(&report));
    let started = std::time::Instant::now();
    if let Some((bucket, r)) = daemon::mirror_once(&config, upload_again)? {
        println!(
            "mirrored to {bucket}: {} uploaded, {} deleted ({} bytes) in {:.3}s",
            r.puts,
            r.deletes,
            r.bytes,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn check(config_path: &Path) -> anyhow::Result<ExitCode> {
    let config = daemon::load_config(config_path)?;
    let report = feedfold::index::check(&config)?;
    print!("{}", daemon::problem_lines(&config, &report));
    if let Some(probe) = daemon::probe(&config) {
        match probe {
            Ok(line) => println!("publish target: {line}"),
            Err(e) => {
                println!("publish target: unreachable: {e:#}");
                return Ok(ExitCode::from(2));
            }
        }
    }
    let rejected = report.rejected.len();
    println!(
        "checked {} articles: {rejected} rejected",
        report.added + rejected
    );
    Ok(if rejected == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
