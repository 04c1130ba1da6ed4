//! One run of the `publish.on_change` command: `sh -c` in a process group of its own, the
//! URLs written to its standard input, its output captured (truncated), and the whole group
//! killed at its timeout or soon after shutdown begins.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Bytes of the command's stdout, and of its stderr, kept for the log.
const OUTPUT_LIMIT: u64 = 2048;
/// What a running command gets once shutdown begins (the daemon waits 2 s in all).
const STOP_GRACE: Duration = Duration::from_millis(1500);
const POLL: Duration = Duration::from_millis(20);

/// How a run went: why it failed (`None`: it succeeded), and what it printed (truncated).
pub(super) struct Outcome {
    pub(super) failure: Option<String>,
    pub(super) stdout: String,
    pub(super) stderr: String,
}

/// Runs `command` with `input` on its standard input, killing its process group at its
/// timeout (or soon after `stop`).
pub(super) fn run(command: &str, input: String, timeout: Duration, stop: &AtomicBool) -> Outcome {
    let spawned = Command::new("sh")
        .arg("-c")
        .arg(command)
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start `sh`");
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            let (stdout, stderr) = (String::new(), String::new());
            let failure = Some(format!("{e:#}"));
            return Outcome {
                failure,
                stdout,
                stderr,
            };
        }
    };
    let stdout = capture(child.stdout.take());
    let stderr = capture(child.stderr.take());
    let status = feed(child.stdin.take(), input).and_then(|()| wait(&mut child, timeout, stop));
    let failure = match status {
        Ok(status) if status.success() => None,
        Ok(status) => Some(status.to_string()),
        Err(e) => {
            kill_group(&mut child);
            Some(format!("{e:#}"))
        }
    };
    let collect = |rx: Receiver<String>| {
        rx.recv_timeout(Duration::from_millis(500))
            .unwrap_or_default()
    };
    Outcome {
        failure,
        stdout: collect(stdout),
        stderr: collect(stderr),
    }
}

/// Writes `input` from a thread of its own, so that a command that does not read it cannot
/// hold up its timeout.
fn feed(stdin: Option<ChildStdin>, input: String) -> Result<()> {
    let Some(mut stdin) = stdin else {
        return Ok(());
    };
    std::thread::Builder::new()
        .name("feedfold-on-change-stdin".into())
        .spawn(move || {
            // A command that exits without reading it all is its own business.
            let _ = stdin.write_all(input.as_bytes());
        })
        .context("cannot start a thread to write the URLs")?;
    Ok(())
}

/// Reads a pipe to its end from a thread of its own, keeping the first [`OUTPUT_LIMIT`]
/// bytes, and sends them when done.
fn capture(pipe: Option<impl Read + Send + 'static>) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let Some(mut pipe) = pipe else {
        return rx;
    };
    let _ = std::thread::Builder::new()
        .name("feedfold-on-change-output".into())
        .spawn(move || {
            let mut kept = Vec::new();
            let _ = (&mut pipe).take(OUTPUT_LIMIT).read_to_end(&mut kept);
            let more = std::io::copy(&mut pipe, &mut std::io::sink()).unwrap_or(0);
            let mut text = String::from_utf8_lossy(&kept).trim_end().to_string();
            if more > 0 {
                text.push_str(&format!("… ({more} more bytes)"));
            }
            let _ = tx.send(text);
        });
    rx
}

/// Waits for the command's exit; an error at its timeout or at shutdown.
fn wait(child: &mut Child, timeout: Duration, stop: &AtomicBool) -> Result<ExitStatus> {
    let mut deadline = Instant::now() + timeout;
    let mut stopping = false;
    loop {
        if let Some(status) = child.try_wait().context("cannot wait for the command")? {
            return Ok(status);
        }
        if !stopping && stop.load(Ordering::Relaxed) {
            stopping = true;
            deadline = deadline.min(Instant::now() + STOP_GRACE);
        }
        if Instant::now() >= deadline && stopping {
            bail!("still running at shutdown; its process group was killed");
        }
        if Instant::now() >= deadline {
            bail!("timed out after {timeout:?}; its process group was killed");
        }
        std::thread::sleep(POLL);
    }
}

/// Kills the command's whole process group (its id is the shell's: `process_group(0)`),
/// then reaps the shell.
fn kill_group(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) only sends a signal. The shell is not reaped yet, so its id (the
        // group's) cannot have been reused.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_sh(command: &str, input: &str, timeout_ms: u64) -> Outcome {
        let timeout = Duration::from_millis(timeout_ms);
        run(command, input.into(), timeout, &AtomicBool::new(false))
    }

    #[test]
    fn the_on_change_command_reads_the_urls_and_its_output_is_kept() {
        let outcome = run_sh("tr a-z A-Z; echo oops >&2", "https://x/a\n", 10_000);
        assert_eq!(outcome.failure, None);
        assert_eq!(
            (outcome.stdout.as_str(), outcome.stderr.as_str()),
            ("HTTPS://X/A", "oops")
        );
    }

    #[test]
    fn an_on_change_command_that_fails_says_how() {
        let outcome = run_sh("exit 3", "", 10_000);
        assert_eq!(outcome.failure.as_deref(), Some("exit status: 3"));
    }

    #[test]
    fn an_on_change_command_past_its_timeout_is_killed_with_its_process_group() {
        let outcome = run_sh("sleep 600 & echo $!; sleep 600", "", 300);
        let failure = outcome.failure.unwrap_or_default();
        assert!(failure.contains("timed out after 300ms"), "{failure}");
        // The background `sleep` is gone too (or a zombie no one reaped yet).
        let stat = format!("/proc/{}/stat", outcome.stdout);
        let deadline = Instant::now() + Duration::from_secs(5);
        let alive = || {
            let text = std::fs::read_to_string(&stat).unwrap_or_default();
            let state = text.rsplit(") ").next().and_then(|t| t.chars().next());
            state.is_some_and(|c| c != 'Z' && c != 'X')
        };
        while alive() && Instant::now() < deadline {
            std::thread::sleep(POLL);
        }
        assert!(!alive(), "{stat} still running");
    }
}
