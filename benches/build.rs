//! Build benchmark: cold build, no-change rebuild and peak memory over a generated corpus,
//! side by side with Hugo building the same corpus and with the bare cost of reading it.
//!
//! `cargo bench --bench build -- --n 10000 --runs 5 [--image-ratio 0.2] [--hugo-pages]
//! [--no-hugo]` (corpus from `benches/corpus.py`, or `--corpus-py PATH`; with
//! `--image-ratio`, that share of the articles has a lead picture beside it).
//! Runs are interleaved (feedfold, Hugo, feedfold, ...) so that machine noise hits both.
//! Output from an earlier run is moved aside, not deleted, until the end: on ext4, creating
//! files right after deleting thousands makes the inode allocator skip every recently freed
//! inode, which slows both tools several times over and is not what a first build meets.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Args {
    n: usize,
    runs: usize,
    work: PathBuf,
    corpus_py: PathBuf,
    hugo: bool,
    /// Hugo builds the whole site (a page per article, listings, feeds), not the feed alone.
    hugo_pages: bool,
    /// Share of the articles with a lead picture (`corpus.py --image-ratio`).
    image_ratio: f64,
}

fn parse_args() -> Args {
    let mut args = Args {
        n: 10_000,
        runs: 5,
        work: PathBuf::from("/tmp/feedfold-bench"),
        corpus_py: Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/corpus.py"),
        hugo: true,
        hugo_pages: false,
        image_ratio: 0.0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--n" => args.n = it.next().and_then(|v| v.parse().ok()).expect("--n N"),
            "--runs" => args.runs = it.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--work" => args.work = it.next().expect("--work DIR").into(),
            "--corpus-py" => args.corpus_py = it.next().expect("--corpus-py PATH").into(),
            "--no-hugo" => args.hugo = false,
            "--hugo-pages" => args.hugo_pages = true,
            "--image-ratio" => {
                args.image_ratio = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--image-ratio R")
            }
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("command starts");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn timed(cmd: &mut Command) -> Duration {
    let started = Instant::now();
    run(cmd);
    started.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Peak resident set of a command, in MB, through /usr/bin/time.
fn peak_rss_mb(program: &Path, args: &[&str]) -> Option<f64> {
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg(program)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    let kb: f64 = text.lines().last()?.trim().parse().ok()?;
    Some(kb / 1024.0)
}

/// What the corpus was made with: the generator (its path and a hash of its text) and the
/// Hugo site kind. A corpus made otherwise, by an older generator say, is made anew.
fn corpus_key(args: &Args) -> String {
    let text = std::fs::read(&args.corpus_py)
        .unwrap_or_else(|e| panic!("corpus generator {}: {e}", args.corpus_py.display()));
    // FNV-1a: stable across Rust versions, unlike the std hasher.
    let hash = text.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!(
        "generator {} {hash:016x}\nhugo pages {}\nimage ratio {}\n",
        args.corpus_py.display(),
        args.hugo_pages,
        args.image_ratio
    )
}

fn corpus(args: &Args) -> PathBuf {
    let dir = if args.image_ratio > 0.0 {
        args.work
            .join(format!("n{}-img{}", args.n, args.image_ratio))
    } else {
        args.work.join(format!("n{}", args.n))
    };
    let key = corpus_key(args);
    if std::fs::read_to_string(dir.join(".ready")).is_ok_and(|made| made == key) {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("site")).expect("work dir");
    let mut generate = Command::new("python3");
    generate
        .arg(&args.corpus_py)
        .args(["--n", &args.n.to_string(), "--seed", "1", "--out"])
        .arg(dir.join("site/feeds/news"))
        .arg("--hugo-out")
        .arg(dir.join("hugo"));
    if args.hugo_pages {
        generate.arg("--hugo-pages");
    }
    if args.image_ratio > 0.0 {
        generate.args(["--image-ratio", &args.image_ratio.to_string()]);
    }
    run(&mut generate);
    std::fs::write(
        dir.join("site/config.toml"),
        "[site]\ntitle = \"Bench\"\nbase_url = \"https://bench.example.org\"\nlanguage = \"en\"\n",
    )
    .expect("config");
    std::fs::write(dir.join(".ready"), key).expect("marker");
    dir
}

/// Moves `path` into the trash folder (emptied at the end of the run).
fn set_aside(path: &Path, trash: &Path) {
    if path.exists() {
        let _ = std::fs::create_dir_all(trash);
        let n = trash.read_dir().map(|d| d.count()).unwrap_or(0);
        std::fs::rename(path, trash.join(n.to_string())).expect("move aside");
    }
}

fn read_floor(feeds: &Path) -> Duration {
    let started = Instant::now();
    let mut bytes = 0;
    for entry in std::fs::read_dir(feeds).expect("feeds") {
        bytes += std::fs::read(entry.expect("entry").path())
            .expect("read")
            .len();
    }
    assert!(bytes > 0);
    started.elapsed()
}

fn main() {
    let args = parse_args();
    let dir = corpus(&args);
    let feedfold = Path::new(env!("CARGO_BIN_EXE_feedfold"));
    let site = dir.join("site");
    let config = site.join("config.toml");
    let config = config.to_str().expect("utf-8 path");
    let hugo = args.hugo && Command::new("hugo").arg("version").output().is_ok();
    let trash = dir.join("trash");
    let clean = || {
        set_aside(&site.join("public"), &trash);
        set_aside(&site.join(".feedfold"), &trash);
    };
    let (mut cold, mut warm, mut hugo_times, mut floor) = (vec![], vec![], vec![], vec![]);
    for _ in 0..args.runs {
        floor.push(read_floor(&site.join("feeds/news")));
        clean();
        cold.push(timed(
            Command::new(feedfold).args(["build", "--config", config]),
        ));
        warm.push(timed(
            Command::new(feedfold).args(["build", "--config", config]),
        ));
        if hugo {
            set_aside(&dir.join("hugo/public"), &trash);
            hugo_times.push(timed(
                Command::new("hugo")
                    .arg("--quiet")
                    .arg("-s")
                    .arg(dir.join("hugo")),
            ));
        }
    }
    clean();
    let cold_rss = peak_rss_mb(feedfold, &["build", "--config", config]);
    let warm_rss = peak_rss_mb(feedfold, &["build", "--config", config]);
    let _ = std::fs::remove_dir_all(&trash);
    let (cold, warm, floor) = (median(cold), median(warm), median(floor));
    println!(
        "corpus: {} articles ({} with a picture), {} runs, medians",
        args.n,
        if args.image_ratio > 0.0 {
            format!("{:.0}%", args.image_ratio * 100.0)
        } else {
            "none".to_string()
        },
        args.runs
    );
    println!(
        "read floor (read every file once): {:>8.3} s",
        floor.as_secs_f64()
    );
    println!(
        "feedfold cold build:               {:>8.3} s  ({:.1}x the read floor)",
        cold.as_secs_f64(),
        cold.as_secs_f64() / floor.as_secs_f64()
    );
    println!(
        "feedfold no-change rebuild:        {:>8.3} s",
        warm.as_secs_f64()
    );
    if let (Some(c), Some(w)) = (cold_rss, warm_rss) {
        println!("feedfold peak RSS cold / no-change: {c:.0} MB / {w:.0} MB");
    }
    if hugo {
        let h = median(hugo_times);
        println!(
            "hugo build:                        {:>8.3} s  (feedfold cold is {:.1}x faster)",
            h.as_secs_f64(),
            h.as_secs_f64() / cold.as_secs_f64()
        );
    }
}
