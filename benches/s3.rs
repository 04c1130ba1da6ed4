//! Bucket benchmark: publishing the 10,000-article corpus to an empty S3 bucket (moto's
//! server mode on loopback), then one changed article into it: time and requests.
//!
//! `cargo bench --bench s3 -- --n 10000` (corpus from the build bench; needs `moto_server`).
//! Figures come from `feedfold publish`/`build`'s own report line: objects uploaded and
//! deleted, and the time the bucket step took (lease, listing, uploads, deletions).

#![allow(clippy::unwrap_used)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn moto(port: u16) -> std::process::Child {
    let child = Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server (pip install \"moto[server]\")");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    child
}

/// Runs feedfold; returns (objects uploaded, deleted, seconds of the bucket step).
fn run(command: &str, config: &Path) -> (usize, usize, f64) {
    let out = Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args([command, "--config"])
        .arg(config)
        .envs([
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
        ])
        .output()
        .expect("feedfold runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = text
        .lines()
        .find(|l| l.starts_with("mirrored to"))
        .expect("a mirror line");
    let numbers: Vec<f64> = line
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|w| w.trim_end_matches('.').parse().ok())
        .collect();
    // "mirrored to s3://b/p/: P uploaded, D deleted (B bytes) in Ss"
    let n = numbers.len();
    (
        numbers[n - 4] as usize,
        numbers[n - 3] as usize,
        numbers[n - 1],
    )
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let n: usize = std::env::args()
        .skip_while(|a| a != "--n")
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let site = PathBuf::from(format!("/tmp/feedfold-bench/n{n}/site"));
    assert!(
        site.join("feeds").exists(),
        "no corpus at {}: run the build bench first",
        site.display()
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let mut server = moto(port);
    let endpoint = format!("http://127.0.0.1:{port}");
    ureq::put(&format!("{endpoint}/bench"))
        .send_empty()
        .expect("bucket");
    let base = std::fs::read_to_string(site.join("config.toml")).expect("config");
    let config = site.join("s3.toml");
    std::fs::write(
        &config,
        format!("{base}\n[publish]\ntarget = \"s3\"\n[publish.s3]\nbucket = \"bench\"\nprefix = \"bench\"\nendpoint = \"{endpoint}\"\nallow_http = true\n"),
    )
    .expect("config");
    let (full_puts, _, full) = run("publish", &config);
    // New articles dated now: each enters the site feed, its channel's and its language's.
    let (mut one, mut one_puts) = (Vec::new(), Vec::new());
    let date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    for i in 0..5 {
        let article = site.join(format!("feeds/news/bench-new-{i}.md"));
        let text = format!("---\ntitle: Breaking {i}\ndate: {date}\n---\nA new story.\n");
        std::fs::write(&article, text).expect("article");
        let (puts, _, secs) = run("build", &config);
        one.push(secs);
        one_puts.push(puts);
    }
    for i in 0..5 {
        let _ = std::fs::remove_file(site.join(format!("feeds/news/bench-new-{i}.md")));
    }
    // Leave the corpus as it was (a failure here does not change the figures above).
    let _ = Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args(["build", "--config"])
        .arg(&config)
        .envs([
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
        ])
        .output();
    let _ = server.kill();
    let _ = server.wait();
    println!("corpus: {n} articles; moto_server on loopback");
    println!("publish to an empty prefix: {full_puts} objects in {full:.2} s");
    println!(
        "one new article: {:?} objects uploaded per run, bucket step median {:.0} ms",
        one_puts,
        median(one) * 1000.0
    );
}
