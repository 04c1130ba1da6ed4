//! HTTP benchmark: `feedfold serve` side by side with nginx serving the same publish folder,
//! on loopback, driven by wrk; then a slowloris run against feedfold.
//!
//! `cargo bench --bench serve -- --n 10000` (corpus as in the build bench: run it first).
//! Paths measured on the 50-item channel feed: the 304 path (`If-None-Match` with the current
//! tag) and the full 200 path with gzip. nginx runs twice: with `gzip_static` (a `.gz` made
//! once, like feedfold) and compressing on the fly (its common configuration). Runs are
//! interleaved so that machine noise hits every server alike; wrk runs on one core and the
//! servers on the other (`taskset`, when there are two), and each figure is the best of
//! the rounds (the median beside it).

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const FEEDFOLD_PORT: u16 = 18081;
const NGINX_STATIC_PORT: u16 = 18082;
const NGINX_FLY_PORT: u16 = 18083;
const FEED: &str = "/news/rss.xml";

struct Args {
    n: usize,
    secs: u64,
    rounds: usize,
    conns: usize,
    slow: usize,
}

fn parse_args() -> Args {
    let mut args = Args {
        n: 10_000,
        secs: 8,
        rounds: 3,
        conns: 32,
        slow: 1000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().and_then(|v| v.parse().ok()).expect("a number");
        match arg.as_str() {
            "--n" => args.n = value(),
            "--secs" => args.secs = value() as u64,
            "--rounds" => args.rounds = value(),
            "--conns" => args.conns = value(),
            "--slow" => args.slow = value(),
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

/// Lets this process (and the servers it starts) hold a few thousand sockets.
fn raise_fd_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max.min(65536);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// One raw HTTP/1.1 GET; returns the response head.
fn head_of(port: u16, path: &str, extra: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("server up");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: b\r\n{extra}Connection: close\r\n\r\n"
    )
    .expect("send");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out);
    text.split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string()
}

fn header(head: &str, name: &str) -> String {
    head.lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
        .unwrap_or_default()
}

fn wait_up(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The core wrk runs on, and the core the servers run on.
const CLIENT_CORE: &str = "0";
const SERVER_CORE: &str = "1";

/// `program`, pinned to `core` by `taskset` when the machine has two cores and taskset is
/// there (else as it is).
fn pinned(program: &str, core: &str) -> Command {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let taskset = Command::new("taskset").arg("-V").output().is_ok();
    if cores >= 2 && taskset {
        let mut cmd = Command::new("taskset");
        cmd.args(["-c", core, program]);
        cmd
    } else {
        Command::new(program)
    }
}

fn start_feedfold(site: &Path) -> Child {
    let config = site.join("serve.toml");
    let base = std::fs::read_to_string(site.join("config.toml")).expect("corpus config");
    std::fs::write(
        &config,
        format!("{base}\n[serve]\nlisten = \"127.0.0.1:{FEEDFOLD_PORT}\"\n"),
    )
    .expect("config");
    let feedfold = env!("CARGO_BIN_EXE_feedfold");
    let ok = Command::new(feedfold)
        .arg("build")
        .arg("--config")
        .arg(&config)
        .status();
    assert!(ok.is_ok_and(|s| s.success()), "build failed");
    let child = pinned(feedfold, SERVER_CORE)
        .arg("serve")
        .arg("--config")
        .arg(&config)
        .stderr(std::fs::File::create(site.join("../serve-bench.log")).expect("log"))
        .spawn()
        .expect("feedfold starts");
    wait_up(FEEDFOLD_PORT);
    child
}

fn start_nginx(work: &Path, public: &Path) -> Child {
    std::fs::create_dir_all(work).expect("nginx dir");
    let conf = work.join("nginx.conf");
    let server = |port: u16, gzip_static: &str| {
        format!(
            "server {{ listen 127.0.0.1:{port}; root {}; gzip_static {gzip_static}; }}\n",
            public.display()
        )
    };
    let text = format!(
        "worker_processes 2; daemon off; pid {w}/nginx.pid; error_log {w}/error.log;\n\
         events {{ worker_connections 8192; }}\n\
         http {{ include /etc/nginx/mime.types; types {{ application/rss+xml xml; }}\n\
         access_log off; sendfile on; tcp_nodelay on; keepalive_requests 1000000;\n\
         client_body_temp_path {w}; proxy_temp_path {w}; fastcgi_temp_path {w};\n\
         uwsgi_temp_path {w}; scgi_temp_path {w};\n\
         gzip on; gzip_types application/rss+xml; gzip_vary on;\n{}{}}}\n",
        server(NGINX_STATIC_PORT, "on"),
        server(NGINX_FLY_PORT, "off"),
        w = work.display()
    );
    std::fs::write(&conf, text).expect("nginx.conf");
    let child = pinned("nginx", SERVER_CORE)
        .arg("-c")
        .arg(&conf)
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts (apt-get install nginx-light)");
    wait_up(NGINX_STATIC_PORT);
    child
}

/// What one wrk run reported.
#[derive(Clone, Copy, Default)]
struct Run {
    rps: f64,
    p99_ms: f64,
    errors: u64,
}

fn wrk(port: u16, header_line: &str, args: &Args) -> Run {
    let out = pinned("wrk", CLIENT_CORE)
        .args([
            "-t1",
            &format!("-c{}", args.conns),
            &format!("-d{}s", args.secs),
            "--latency",
        ])
        .args(["-H", header_line])
        .arg(format!("http://127.0.0.1:{port}{FEED}"))
        .output()
        .expect("wrk runs (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut run = Run::default();
    for line in text.lines().map(str::trim) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            ["Requests/sec:", v] => run.rps = v.parse().unwrap_or(0.0),
            ["99%", v] => run.p99_ms = millis(v),
            ["Non-2xx", "or", "3xx", "responses:", n] => run.errors += n.parse().unwrap_or(0),
            ["Socket", "errors:", rest @ ..] => {
                run.errors += rest
                    .iter()
                    .filter_map(|f| f.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>()
            }
            _ => {}
        }
    }
    run
}

fn millis(v: &str) -> f64 {
    let (num, factor) = if let Some(n) = v.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (v, 1.0)
    };
    num.parse::<f64>().unwrap_or(f64::NAN) * factor
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

#[path = "serve/slowloris.rs"]
mod slowloris;

fn main() {
    let args = parse_args();
    raise_fd_limit();
    let site = PathBuf::from(format!("/tmp/feedfold-bench/n{}/site", args.n));
    assert!(
        site.join("feeds").exists(),
        "no corpus at {}: run the build bench first",
        site.display()
    );
    let public = site.join("public");
    let mut feedfold = start_feedfold(&site);
    // A gzip made once, for nginx's gzip_static (feedfold does not serve it: not published).
    let gz = public.join("news/rss.xml.gz");
    let raw = std::fs::read(public.join("news/rss.xml")).expect("feed");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    enc.write_all(&raw).expect("gzip");
    std::fs::write(&gz, enc.finish().expect("gzip")).expect("write .gz");
    let mut nginx = start_nginx(&site.join("../nginx"), &public);
    let servers = [
        ("feedfold", FEEDFOLD_PORT),
        ("nginx gzip_static", NGINX_STATIC_PORT),
        ("nginx gzip on the fly", NGINX_FLY_PORT),
    ];
    let tags: Vec<String> = servers
        .iter()
        .map(|(_, p)| header(&head_of(*p, FEED, ""), "etag"))
        .collect();
    println!(
        "feed {FEED}: {} bytes; wrk -t1 -c{} -d{}s on core {CLIENT_CORE}, servers on core \
         {SERVER_CORE}; {} interleaved rounds: best (median)",
        raw.len(),
        args.conns,
        args.secs,
        args.rounds
    );
    let rss_before = rss_mb(feedfold.id());
    let paths = ["304 (If-None-Match)", "200 gzip"];
    let mut results = vec![vec![Vec::new(); servers.len()]; paths.len()];
    for _ in 0..args.rounds {
        for (p, _) in paths.iter().enumerate() {
            for (s, (_, port)) in servers.iter().enumerate() {
                let line = if p == 0 {
                    format!("If-None-Match: {}", tags[s])
                } else {
                    "Accept-Encoding: gzip".into()
                };
                results[p][s].push(wrk(*port, &line, &args));
            }
        }
    }
    let rss_after = rss_mb(feedfold.id());
    for (p, path) in paths.iter().enumerate() {
        println!("\n{path}");
        let best = |s: usize| results[p][s].iter().map(|r| r.rps).fold(0.0, f64::max);
        let base = best(0);
        for (s, (name, _)) in servers.iter().enumerate() {
            let runs = &results[p][s];
            let rps = best(s);
            let mid = median(runs.iter().map(|r| r.rps).collect());
            let p99 = median(runs.iter().map(|r| r.p99_ms).collect());
            let errors: u64 = runs.iter().map(|r| r.errors).sum();
            println!(
                "  {name:<22} {rps:>10.0} req/s ({mid:.0})  p99 {p99:>7.2} ms  errors {errors}  \
                 (feedfold/this {:.2}x best, {:.2}x median)",
                base / rps,
                median(results[p][0].iter().map(|r| r.rps).collect()) / mid
            );
        }
    }
    println!("\nfeedfold RSS before / after the load: {rss_before:.1} MB / {rss_after:.1} MB");
    let _ = std::fs::remove_file(&gz);
    let _ = nginx.kill();
    let _ = nginx.wait();
    slowloris::run(FEEDFOLD_PORT, FEED, args.slow, &tags[0]);
    let _ = feedfold.kill();
    let _ = feedfold.wait();
}
