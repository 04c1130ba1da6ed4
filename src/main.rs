//! The `feedfold` command line: parses it, sets up logging, and runs the command (the
//! one-shot ones from [`feedfold::commands`], `watch` and `serve` from [`feedfold::daemon`]).
//! `completions` and `man` write what clap knows of this command line as a shell's
//! completion script or a man page.

use std::io::{self, IsTerminal};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{ArgAction, CommandFactory, Parser, Subcommand, ValueEnum};

use feedfold::config::Overrides;
use feedfold::config_file::InvalidConfig;
use feedfold::logging::{self, escape_controls};
use feedfold::{commands, daemon, status};

#[derive(Parser)]
#[command(
    name = "feedfold",
    version,
    about = "Keeps RSS, Atom and JSON feeds current for a folder of articles",
    after_help = "Exit codes: 0 success; 1 an article was rejected (check) or the index cannot be \
                  read (status); 2 the configuration or the file system is at fault."
)]
struct Cli {
    /// Configuration file, before or after the command.
    #[arg(
        short = 'c',
        long,
        value_name = "PATH",
        env = "FEEDFOLD_CONFIG",
        default_value = "config.toml",
        global = true
    )]
    config: PathBuf,
    /// Log lines for people (`human`) or for log shippers (`json`).
    #[arg(long, value_enum, default_value_t = LogFormat::Human, global = true)]
    log_format: LogFormat,
    /// More log: `-v` debug, `-vv` trace (`RUST_LOG`, when set, wins).
    #[arg(short, long, action = ArgAction::Count, global = true, conflicts_with = "quiet")]
    verbose: u8,
    /// Less log: `-q` warnings and errors only, `-qq` errors only.
    #[arg(short, long, action = ArgAction::Count, global = true)]
    quiet: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Index every article under the content root and publish the feeds, once.
    Build,
    /// Build, then upload every published file to the configured bucket anew.
    Publish,
    /// Parse every article and report problems; writes nothing.
    Check,
    /// Show what the index says (articles, rejected files, publishes, the bucket); reads
    /// only, also while a daemon runs.
    Status {
        /// One JSON object instead of lines (keys: see `feedfold::status::run`).
        #[arg(long)]
        json: bool,
    },
    /// Build, then keep every feed current as articles come, change and go.
    Watch,
    /// Watch, and serve feeds, article pages and the home page over HTTP (`serve.listen`).
    Serve {
        /// Listen on this address instead of `serve.listen`, e.g. `0.0.0.0:8080` (also after
        /// a configuration reload).
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        /// Preview the site on loopback: links at the listen address, drafts and scheduled
        /// articles shown and marked, pages that reload when an article changes; published
        /// into a folder of its own under the state folder, never mirrored or announced.
        #[arg(long)]
        preview: bool,
    },
    /// Create a working site in DIR (default: here): a commented `config.toml`, sample
    /// Arabic and English channels in `feeds/` and a `.gitignore`; never overwrites.
    Init {
        /// The folder to create the site in.
        #[arg(default_value = ".")]
        dir: std::path::PathBuf,
    },
    /// Print the configuration with every default filled in (TOML) and check it, reading
    /// no article: exit 0 when it is valid, 2 with every problem otherwise.
    Config,
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `feedfold man > feedfold.1`, or write it and one
    /// page per command (`feedfold-serve.1`...) into a folder.
    Man {
        /// Write every page into this folder instead, e.g. `/usr/local/share/man/man1`.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let style = match cli.log_format {
        LogFormat::Human => logging::Style::Human {
            colour: logging::use_colour(
                io::stderr().is_terminal(),
                std::env::var_os("NO_COLOR").as_deref(),
            ),
        },
        LogFormat::Json => logging::Style::Json,
    };
    logging::init(style, logging::filter(cli.verbose, cli.quiet));
    feedfold::progress::init(feedfold::progress::mode_for(
        cli.quiet > 0,
        cli.log_format == LogFormat::Json,
        io::stderr().is_terminal(),
    ));
    let config = &cli.config;
    let result = match cli.command {
        Command::Build => commands::run_build(config, false),
        Command::Publish => commands::run_build(config, true),
        Command::Check => commands::run_check(config),
        Command::Status { json } => status::run(config, json),
        Command::Watch => daemon::watch(config).map(|()| ExitCode::SUCCESS),
        Command::Serve { listen, preview } => {
            let overrides = Overrides {
                listen: listen.map(|addr| addr.to_string()),
                preview,
            };
            daemon::serve(config, overrides).map(|()| ExitCode::SUCCESS)
        }
        Command::Config => commands::run_config(config),
        Command::Init { dir } => feedfold::init::run(&dir),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "feedfold", &mut io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { dir } => man(dir.as_deref()).map(|()| ExitCode::SUCCESS),
    };
    result.unwrap_or_else(|e| {
        report(&e);
        ExitCode::from(2)
    })
}

/// `feedfold man`: the page to standard output, or every page into `dir`.
fn man(dir: Option<&Path>) -> anyhow::Result<()> {
    let Some(dir) = dir else {
        clap_mangen::Man::new(Cli::command()).render(&mut io::stdout())?;
        return Ok(());
    };
    clap_mangen::generate_to(Cli::command(), dir)
        .with_context(|| format!("cannot write the man pages into {}", dir.display()))
}

/// Writes `error` to standard error, escaped: one line, or, for a configuration with
/// several problems, a line that says so and one line per problem, in file order.
fn report(error: &anyhow::Error) {
    let mut context = Vec::new();
    for cause in error.chain() {
        if let Some(invalid) = cause.downcast_ref::<InvalidConfig>()
            && invalid.problems.len() > 1
        {
            context.push(format!(
                "invalid config file {}: {} problems",
                invalid.path.display(),
                invalid.problems.len()
            ));
            eprintln!(
                "{}",
                escape_controls(&format!("error: {}", context.join(": ")))
            );
            for problem in invalid.problems.iter() {
                eprintln!("{}", escape_controls(&format!("  {problem}")));
            }
            return;
        }
        context.push(cause.to_string());
    }
    eprintln!("{}", escape_controls(&format!("error: {error:#}")));
}
