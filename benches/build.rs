//! Build benchmark: cold build, no-change rebuild and peak memory over a generated corpus,
//! twice (with archives and sitemaps, the defaults, and without them: the work Hugo does),
//! side by side with Hugo building the same corpus and with the floors: reading every
//! article once, and creating the files the build wrote (same number, sizes and folders).
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
    /// Minutes between two articles' dates (`corpus.py --spacing-minutes`): the corpus
    /// must end before today, or its newest articles are scheduled, not published.
    spacing: u32,
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
        spacing: 0,
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
            "--spacing-minutes" => {
                args.spacing = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--spacing-minutes M")
            }
            "--image-ratio" => {
                args.image_ratio = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--image-ratio R")
            }
            _ => {} // cargo bench passes --bench
        }
    }
    if args.spacing == 0 {
        // Every date in the past: 2019-01-01 plus n times the spacing, well before today.
        args.spacing = if args.n <= 50_000 {
            60
        } else {
            (3_000_000 / args.n).max(1) as u32
        };
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
        "generator {} {hash:016x}\nhugo pages {}\nimage ratio {}\nspacing {}\n",
        args.corpus_py.display(),
        args.hugo_pages,
        args.image_ratio,
        args.spacing
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
        .args(["--n", &args.n.to_string(), "--seed", "1"])
        .args(["--spacing-minutes", &args.spacing.to_string(), "--out"])
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

/// Every file below `dir` (but temporary files), with its size, by path relative to `dir`.
fn files_with_sizes(dir: &Path) -> Vec<(PathBuf, usize)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read folder").flatten() {
            let path = entry.path();
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() && entry.file_name() != ".tmp" {
                stack.push(path);
            } else if kind.is_file() {
                let size = entry.metadata().expect("metadata").len() as usize;
                out.push((path.strip_prefix(dir).expect("below").to_path_buf(), size));
            }
        }
    }
    out
}

/// The write floor: creating the files a build wrote (`files`: the same number, sizes and
/// folders) below `dir`, with nothing to compute and no sync.
fn write_floor(files: &[(PathBuf, usize)], dir: &Path) -> Duration {
    let zeros = vec![b'x'; files.iter().map(|(_, n)| *n).max().unwrap_or(0)];
    let started = Instant::now();
    for (path, size) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(&path, &zeros[..*size]).expect("write");
    }
    started.elapsed()
}

/// One way of building the corpus: its configuration file and what it publishes.
struct Variant {
    name: &'static str,
    config: String,
    public: PathBuf,
    state: PathBuf,
    cold: Vec<Duration>,
    warm: Vec<Duration>,
}

impl Variant {
    /// `extras`: archives and sitemaps on (the defaults), or off (the work Hugo does).
    fn new(site: &Path, extras: bool) -> Variant {
        let (name, tail) = if extras {
            ("feedfold (archives, sitemaps)", "")
        } else {
            ("feedfold (neither)", "-bare")
        };
        let config = site.join(format!("config{tail}.toml"));
        let mut text = format!(
            "[site]\ntitle = \"Bench\"\nbase_url = \"https://bench.example.org\"\n\
             language = \"en\"\n\n[paths]\npublish = \"public{tail}\"\n\
             state = \".feedfold{tail}\"\n"
        );
        if !extras {
            text.push_str("\n[feed]\narchive = false\n\n[publish]\nsitemaps = false\n");
        }
        std::fs::write(&config, text).expect("config");
        Variant {
            name,
            config: config.to_str().expect("utf-8 path").to_string(),
            public: site.join(format!("public{tail}")),
            state: site.join(format!(".feedfold{tail}")),
            cold: Vec::new(),
            warm: Vec::new(),
        }
    }

    fn run(&mut self, feedfold: &Path, trash: &Path) {
        set_aside(&self.public, trash);
        set_aside(&self.state, trash);
        let build =
            || timed(Command::new(feedfold).args(["build", "-q", "--config", &self.config]));
        self.cold.push(build());
        self.warm.push(build());
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn main() {
    let args = parse_args();
    let dir = corpus(&args);
    let feedfold = Path::new(env!("CARGO_BIN_EXE_feedfold"));
    let site = dir.join("site");
    let hugo = args.hugo && Command::new("hugo").arg("version").output().is_ok();
    let trash = dir.join("trash");
    let mut variants = [Variant::new(&site, false), Variant::new(&site, true)];
    let (mut hugo_times, mut floor, mut wfloor) = (vec![], vec![], vec![]);
    for _ in 0..args.runs {
        floor.push(read_floor(&site.join("feeds/news")));
        for variant in &mut variants {
            variant.run(feedfold, &trash);
        }
        let files = files_with_sizes(&variants[0].public);
        let scratch = dir.join("write-floor");
        set_aside(&scratch, &trash);
        wfloor.push((write_floor(&files, &scratch), files.len()));
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
    let files = wfloor.first().map(|(_, n)| *n).unwrap_or(0);
    let wfloor = median(wfloor.into_iter().map(|(d, _)| d).collect());
    let floor = median(floor);
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
        "read floor (read every article once):      {:>8.3} s",
        secs(floor)
    );
    println!(
        "write floor (create the {files} files the bare build wrote, no sync): {:>8.3} s",
        secs(wfloor)
    );
    let floors = secs(floor) + secs(wfloor);
    let hugo_median = hugo.then(|| median(hugo_times));
    for variant in &mut variants {
        let cold = median(std::mem::take(&mut variant.cold));
        let warm = median(std::mem::take(&mut variant.warm));
        println!(
            "{:<30} cold {:>8.3} s ({:.2}x read + write floors){}; no-change {:>7.3} s",
            variant.name,
            secs(cold),
            secs(cold) / floors,
            hugo_median
                .map(|h| format!(", {:.2}x faster than Hugo", secs(h) / secs(cold)))
                .unwrap_or_default(),
            secs(warm)
        );
        set_aside(&variant.public, &trash);
        set_aside(&variant.state, &trash);
        let cold_rss = peak_rss_mb(feedfold, &["build", "-q", "--config", &variant.config]);
        let warm_rss = peak_rss_mb(feedfold, &["build", "-q", "--config", &variant.config]);
        if let (Some(c), Some(w)) = (cold_rss, warm_rss) {
            println!(
                "{:<30} peak RSS cold / no-change: {c:.0} MB / {w:.0} MB",
                ""
            );
        }
    }
    if let Some(h) = hugo_median {
        let kind = if args.hugo_pages {
            "pages and feeds"
        } else {
            "feeds"
        };
        println!("hugo build ({kind}):          {:>8.3} s", secs(h));
    }
    let _ = std::fs::remove_dir_all(&trash);
}
