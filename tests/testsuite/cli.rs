//! The command line as a newcomer meets it: exit codes and messages.

use std::process::Command;

use crate::support::Site;
use crate::support::free_port;

/// Runs the binary with `args` and `--config` on `site`: exit code, stdout, stderr.
pub fn feedfold(site: &Site, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args(args)
        .arg("--config")
        .arg(site.config_path())
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[test]
fn build_prints_a_one_line_summary_and_exits_zero() {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n");
    let (code, stdout, _) = feedfold(&site, &["build"]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("published 1 articles"), "{stdout}");
}

#[test]
fn check_names_each_problem_file_exits_one_and_writes_nothing() {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n")
        .write("news/empty.md", "");
    let (code, stdout, _) = feedfold(&site, &["check"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("news/empty.md: skipped: empty file"),
        "{stdout}"
    );
    assert!(!site.root().join("public").exists());
    assert!(!site.root().join(".feedfold").exists());
}

#[test]
fn check_on_clean_content_exits_zero() {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n");
    assert_eq!(feedfold(&site, &["check"]).0, 0);
}

#[test]
fn an_invalid_config_exits_two_naming_the_key() {
    let site = Site::new();
    site.write_config("[site]\ntitle = \"T\"\nbase_url = \"https://x.org\"\n[feed]\nlimit = 0\n");
    let (code, _, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("feed.limit"), "{stderr}");
}

#[test]
fn an_unknown_config_key_exits_two_naming_it() {
    let site = Site::new();
    site.write_config("[site]\ntitle = \"T\"\nbase_url = \"https://x.org\"\ncolour = \"red\"\n");
    let (code, _, stderr) = feedfold(&site, &["check"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("colour"), "{stderr}");
}

#[test]
fn a_missing_content_folder_is_an_error_not_an_empty_site() {
    let site = Site::new();
    std::fs::remove_dir(site.root().join("feeds")).unwrap();
    let (code, _, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read the content folder"),
        "{stderr}"
    );
}

#[test]
fn a_publish_folder_inside_the_content_folder_is_refused() {
    let site = Site::new();
    site.append_config("[paths]\npublish = \"feeds/public\"\n");
    let (code, _, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("inside paths.feeds"), "{stderr}");
    assert!(!site.root().join("feeds/public").exists());
}

/// Runs the binary in the site's folder with `args` as given (no `--config` added) and
/// `env` set, with none of the variables under test inherited: exit code, stdout, stderr.
fn run(site: &Site, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = bare(site, args, env).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

fn bare(site: &Site, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_feedfold"));
    command
        .args(args)
        .current_dir(site.root())
        .env_remove("FEEDFOLD_CONFIG")
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .envs(env.iter().copied());
    command
}

/// A site whose `config.toml` is elsewhere, so that only `-c`, `--config` or
/// `FEEDFOLD_CONFIG` can find it.
fn site_with_config_at(name: &str) -> (Site, String) {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n");
    let path = site.root().join(name);
    std::fs::rename(site.config_path(), &path).unwrap();
    (site, path.display().to_string())
}

#[test]
fn the_config_flag_goes_before_or_after_the_command_or_in_the_environment() {
    let (site, path) = site_with_config_at("elsewhere.toml");
    for args in [
        vec!["-c", &path, "build"],
        vec!["--config", &path, "build"],
        vec!["build", "-c", &path],
        vec!["build", "--config", &path],
    ] {
        let (code, stdout, stderr) = run(&site, &args, &[]);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(stdout.starts_with("published 1 articles"), "{stdout}");
    }
    let (code, stdout, stderr) = run(&site, &["build"], &[("FEEDFOLD_CONFIG", &path)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("published 1 articles"), "{stdout}");
    // The flag wins over the environment.
    let (code, _, stderr) = run(
        &site,
        &["check", "-c", &path],
        &[("FEEDFOLD_CONFIG", "/nonexistent/config.toml")],
    );
    assert_eq!(code, 0, "{stderr}");
    // Neither: `config.toml` in the current folder, which this site does not have.
    let (code, _, stderr) = run(&site, &["build"], &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read config file config.toml"),
        "{stderr}"
    );
    std::fs::rename(&path, site.config_path()).unwrap();
    assert_eq!(run(&site, &["check"], &[]).0, 0);
}

#[test]
fn config_prints_the_resolved_configuration_and_reads_no_article() {
    let site = Site::new();
    site.write("news/empty.md", "");
    let (code, stdout, stderr) = feedfold(&site, &["config"]);
    assert_eq!(code, 0, "{stderr}");
    let printed: toml::Table = toml::from_str(&stdout).unwrap();
    assert_eq!(printed["site"]["timezone"].as_str(), Some("Asia/Riyadh"));
    assert_eq!(printed["feed"]["limit"].as_integer(), Some(50));
    assert_eq!(printed["serve"]["listen"].as_str(), Some("127.0.0.1:8080"));
    let feeds = site.root().canonicalize().unwrap().join("feeds");
    assert_eq!(
        printed["paths"]["feeds"].as_str(),
        Some(feeds.to_str().unwrap())
    );
    assert!(stderr.contains("the configuration is valid"), "{stderr}");
    assert!(!stderr.contains("empty.md") && !stdout.contains("empty.md"));
    assert!(!site.root().join("public").exists());
    assert!(!site.root().join(".feedfold").exists());
    // What it prints is a configuration file the same site reads as its own.
    site.write_config(&stdout);
    assert_eq!(feedfold(&site, &["config"]).1, stdout);
}

#[test]
fn config_reports_every_problem_in_file_order_with_its_line_and_exits_two() {
    let site = Site::new();
    site.write_config(
        "[site]\ntitle = \"T\"\nbase_url = \"https://x.org\"\ncolour = \"red\"\n\
         [feed]\nlimt = 3\nmax_bytes = \"big\"\n[serve]\nmax_connections = 0\n",
    );
    let (code, stdout, stderr) = feedfold(&site, &["config"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stdout, "");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines[0].starts_with("error: invalid config file ") && lines[0].ends_with(": 4 problems"),
        "{stderr}"
    );
    let expected = [
        "line 4: `site.colour`: unknown key",
        "line 6: `feed.limt`: unknown key; did you mean `limit`?",
        "line 7: `feed.max_bytes`: invalid type: string \"big\", expected usize",
        "line 9: `serve.max_connections`: must be at least 1",
    ];
    assert_eq!(lines.len(), 1 + expected.len(), "{stderr}");
    for (line, start) in lines[1..].iter().zip(expected) {
        assert!(line.trim_start().starts_with(start), "{line}\n{stderr}");
    }
    // Every command reports the same problems.
    let (code, _, build_stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 2);
    assert_eq!(build_stderr, stderr);
}

#[test]
fn config_refuses_a_missing_content_folder() {
    let site = Site::new();
    std::fs::remove_dir(site.root().join("feeds")).unwrap();
    let (code, stdout, stderr) = feedfold(&site, &["config"]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("`paths.feeds`: cannot read the content folder"),
        "{stderr}"
    );
}

#[test]
fn a_front_matter_error_names_the_line_in_the_file() {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n")
        .write(
            "news/broken.md",
            "---\ntitle: T\ndate: 2026-01-02\ntags: [a, b\n---\nBody\n",
        )
        .write(
            "news/bad.txt",
            "+++\ntitle = \"T\"\n\ndraft = maybe\n+++\nTitle\nLede.\n",
        );
    let (code, stdout, stderr) = feedfold(&site, &["check"]);
    assert_eq!(code, 1, "{stderr}");
    let line = |name: &str| {
        stdout
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name}: {stdout}"))
            .to_string()
    };
    let yaml = line("news/broken.md");
    assert!(
        yaml.contains("skipped: unparseable front matter: YAML front matter: "),
        "{yaml}"
    );
    assert!(
        yaml.ends_with("unclosed bracket '[' at line 4, column 7"),
        "{yaml}"
    );
    let toml = line("news/bad.txt");
    assert!(
        toml.contains("unparseable front matter: TOML front matter: ")
            && toml.contains("at line 4, column 9"),
        "{toml}"
    );
}

#[test]
fn publish_without_a_bucket_says_so_and_exits_two() {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n");
    let (code, stdout, stderr) = feedfold(&site, &["publish"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("configures none") && stderr.contains("[publish] target = \"s3\""),
        "{stderr}"
    );
    assert!(!site.root().join("public").exists());
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line_definition() {
    let site = Site::new();
    for shell in ["bash", "zsh", "fish"] {
        let (code, script, stderr) = run(&site, &["completions", shell], &[]);
        assert_eq!(code, 0, "{stderr}");
        for word in ["feedfold", "serve", "listen", "config", "completions"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    let (_, bash, _) = run(&site, &["completions", "bash"], &[]);
    let script = site.root().join("feedfold.bash");
    std::fs::write(&script, bash).unwrap();
    if let Ok(status) = Command::new("bash").arg("-n").arg(&script).status() {
        assert!(status.success(), "bash -n refused the completion script");
    }
    let (code, man, stderr) = run(&site, &["man"], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(man.contains(".TH feedfold 1"), "{man}");
    for word in ["serve", "FEEDFOLD_CONFIG", "completions", "config"] {
        assert!(man.contains(word), "the man page lacks {word}");
    }
    let pages = site.root().join("man1");
    std::fs::create_dir(&pages).unwrap();
    let (code, _, stderr) = run(&site, &["man", "--dir", pages.to_str().unwrap()], &[]);
    assert_eq!(code, 0, "{stderr}");
    for page in ["feedfold.1", "feedfold-serve.1", "feedfold-config.1"] {
        let text = std::fs::read_to_string(pages.join(page)).unwrap();
        assert!(text.contains(".TH feedfold"), "{page}: {text}");
    }
    let serve = std::fs::read_to_string(pages.join("feedfold-serve.1")).unwrap();
    assert!(serve.contains("listen"), "{serve}");
    assert_eq!(run(&site, &["completions", "cmd.exe"], &[]).0, 2);
}

#[test]
fn verbose_shows_debug_events_and_rust_log_still_wins() {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n");
    let config = site.config_path().display().to_string();
    let (code, _, quiet) = run(&site, &["build", "-c", &config], &[]);
    assert_eq!(code, 0, "{quiet}");
    assert!(!quiet.contains("DEBUG"), "{quiet}");
    let (_, _, verbose) = run(&site, &["-v", "build", "-c", &config], &[]);
    assert!(
        verbose.contains("DEBUG") && verbose.contains("scan done"),
        "{verbose}"
    );
    let (_, _, ruled) = run(
        &site,
        &["-v", "build", "-c", &config],
        &[("RUST_LOG", "warn")],
    );
    assert!(!ruled.contains("DEBUG"), "{ruled}");
    let (_, _, ruled) = run(&site, &["build", "-c", &config], &[("RUST_LOG", "debug")]);
    assert!(ruled.contains("scan done"), "{ruled}");
    assert_eq!(run(&site, &["-v", "-q", "build", "-c", &config], &[]).0, 2);
}

/// Starts `feedfold` with `args` in the background, its standard error to a file.
fn spawn(site: &Site, args: &[&str]) -> (std::process::Child, std::path::PathBuf) {
    let log = site.root().join("stderr.log");
    let child = bare(site, args, &[])
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    (child, log)
}

/// SIGTERM, then the exit code.
fn stop(mut child: std::process::Child) -> i32 {
    signal(&child, libc::SIGTERM);
    child.wait().unwrap().code().unwrap_or(-1)
}

fn signal(child: &std::process::Child, signal: i32) {
    // SAFETY: kill only sends a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
}

#[test]
fn quiet_logs_warnings_and_nothing_less() {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n");
    let config = site.config_path().display().to_string();
    let (child, log) = spawn(&site, &["watch", "-q", "--config", &config]);
    crate::daemon_support::wait_for("the first publish", || site.is_published("feed.json"));
    site.write("news/empty.md", "");
    let read = || std::fs::read_to_string(&log).unwrap_or_default();
    crate::daemon_support::wait_for("the warning", || read().contains("empty.md"));
    assert_eq!(stop(child), 0);
    let text = read();
    assert!(
        text.contains("WARN") && text.contains("file skipped"),
        "{text}"
    );
    assert!(!text.contains("INFO"), "{text}");
}

#[test]
fn serve_listen_overrides_the_file_also_after_a_reload() {
    use std::io::{Read, Write};
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n");
    let (file_port, port) = (free_port(), free_port());
    site.append_config(&format!("[serve]\nlisten = \"127.0.0.1:{file_port}\"\n"));
    let config = site.config_path().display().to_string();
    let listen = format!("127.0.0.1:{port}");
    let (child, log) = spawn(&site, &["serve", "--listen", &listen, "-c", &config]);
    let read = || std::fs::read_to_string(&log).unwrap_or_default();
    crate::daemon_support::wait_for("serving", || {
        read().contains(&format!("serving http://{listen}/"))
    });
    let get_feed = || {
        let mut stream = std::net::TcpStream::connect(&listen).unwrap();
        stream
            .write_all(b"GET /feed.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    };
    crate::daemon_support::wait_for("the feed on the --listen address", || {
        get_feed().starts_with("HTTP/1.1 200")
    });
    assert!(std::net::TcpStream::connect(("127.0.0.1", file_port)).is_err());
    // The operator page on the address `--listen` took: with the override applied again
    // at the reload, the two collide and the new configuration is refused (without it,
    // the file's own `listen` would make it acceptable).
    site.append_config(&format!("admin_listen = \"{listen}\"\n"));
    signal(&child, libc::SIGHUP);
    crate::daemon_support::wait_for("the reload to be refused", || {
        let text = read();
        text.contains("new configuration rejected")
            && text.contains("must differ from serve.listen")
    });
    assert_eq!(stop(child), 0);
}

#[test]
fn serve_listen_must_be_an_address() {
    let site = Site::new();
    let (code, _, stderr) = feedfold(&site, &["serve", "--listen", "localhost"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--listen"), "{stderr}");
}

/// A `feedfold` process whose standard error is a new terminal (a pseudo-terminal), and
/// what it wrote there so far.
struct OnATerminal {
    child: std::process::Child,
    output: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Drop for OnATerminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl OnATerminal {
    fn start(site: &Site, args: &[&str], env: &[(&str, &str)]) -> OnATerminal {
        use std::io::Read;
        use std::os::fd::{FromRawFd, OwnedFd};
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty writes two new descriptors, which are owned below.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors were just opened and are owned by nothing else.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let child = bare(site, args, env)
            .stdout(std::process::Stdio::null())
            .stderr(slave)
            .spawn()
            .unwrap();
        let output = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = output.clone();
        let reader = std::thread::spawn(move || {
            let mut terminal = std::fs::File::from(master);
            let mut buf = [0; 4096];
            // Reading ends with EIO once the child, the terminal's last user, has exited.
            while let Ok(n @ 1..) = terminal.read(&mut buf) {
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        OnATerminal {
            child,
            output,
            reader: Some(reader),
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Waits for the process to exit: all it wrote.
    fn wait(mut self) -> String {
        self.child.wait().unwrap();
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        self.text()
    }
}

/// Runs `feedfold` to its end with its standard error on a new terminal: what it wrote.
fn on_a_terminal(site: &Site, args: &[&str], env: &[(&str, &str)]) -> String {
    OnATerminal::start(site, args, env).wait()
}

#[test]
fn colours_only_on_a_terminal_and_never_with_no_color() {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n");
    let config = site.config_path().display().to_string();
    let args = ["-v", "build", "-c", &config];
    let (_, _, piped) = run(&site, &args, &[]);
    assert!(piped.contains("scan done"), "{piped}");
    assert!(!piped.contains('\u{1b}'), "{piped:?}");
    let coloured = on_a_terminal(&site, &args, &[]);
    assert!(coloured.contains("scan done"), "{coloured:?}");
    assert!(
        coloured.contains("\u{1b}["),
        "no colour on a terminal: {coloured:?}"
    );
    let plain = on_a_terminal(&site, &args, &[("NO_COLOR", "1")]);
    assert!(plain.contains("scan done"), "{plain:?}");
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
}

#[test]
fn escapes_from_data_are_shown_not_obeyed_in_coloured_lines() {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n");
    let config = site.config_path().display().to_string();
    let daemon = OnATerminal::start(&site, &["watch", "-c", &config], &[]);
    crate::daemon_support::wait_for("watching", || daemon.text().contains("watching"));
    // An empty file, skipped and logged with its name: a title and a screen clear in it.
    site.write("news/a\u{1b}]0;owned\u{7}\u{1b}[2J.md", "");
    crate::daemon_support::wait_for("the file to be skipped", || {
        daemon.text().contains("file skipped")
    });
    signal(&daemon.child, libc::SIGTERM);
    let coloured = daemon.wait();
    assert!(coloured.contains("\u{1b}["), "no colour: {coloured:?}");
    assert!(
        coloured.contains("a\\u{1b}]0;owned\\u{7}\\u{1b}[2J.md"),
        "{coloured:?}"
    );
    assert!(!coloured.contains("\u{1b}]0") && !coloured.contains("\u{1b}[2J"));
}

#[test]
fn no_progress_bar_reaches_a_log_that_is_not_a_terminal() {
    let site = Site::new();
    for i in 0..300 {
        site.write(
            &format!("news/{i:03}.md"),
            format!("# Story {i}\n\nText.\n"),
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args(["build", "--config"])
        .arg(site.config_path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains('\r') && !err.contains("\u{1b}[") && !err.contains("[="),
        "{err}"
    );
}
