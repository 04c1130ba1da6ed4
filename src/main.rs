//! The `feedfold` command line: parses it, sets up logging, and runs the command (the
//! one-shot ones from [`feedfold::commands`], `watch` and `serve` from [`feedfold::daemon`]).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use tracing_subscriber::EnvFilter;

use feedfold::logging::{Escaping, escape_controls};
use feedfold::{commands, daemon, status};

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
    /// Show what the index says (articles, rejected files, publishes, the bucket); reads
    /// only, also while a daemon runs.
    Status {
        #[arg(long, default_value = "config.toml")]
        config: PathBuf,
        /// One JSON object instead of lines (keys: see `feedfold::status::run`).
        #[arg(long)]
        json: bool,
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
        Command::Build { config } => commands::run_build(&config, false),
        Command::Publish { config } => commands::run_build(&config, true),
        Command::Check { config } => commands::run_check(&config),
        Command::Status { config, json } => status::run(&config, json),
        Command::Watch { config } => daemon::watch(&config).map(|()| ExitCode::SUCCESS),
        Command::Serve { config } => daemon::serve(&config).map(|()| ExitCode::SUCCESS),
    };
    result.unwrap_or_else(|e| {
        eprintln!("{}", escape_controls(&format!("error: {e:#}")));
        ExitCode::from(2)
    })
}
