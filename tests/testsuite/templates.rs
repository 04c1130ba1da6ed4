//! A site's own templates and stylesheet (`templates/`): on every page it builds and serves,
//! refused with the file and line when broken (at `build`, and on reload under a running
//! `serve`, which keeps the pages it had), and every page rewritten once when they change.

use std::fs;
use std::process::Command;

use crate::daemon_support::{Daemon, wait_for};
use crate::support::free_port;
use crate::support::{BASE_URL, Site, files_under};

/// An article page of the site's own: the built-in one, with the site's logo in the header
/// and its footer.
const ARTICLE: &str = r#"{% extends "builtin/article.html" %}
{% block header %}
<header class="site brand"><a href="{{ site.base_url }}/"><img class="logo" src="https://cdn.example.org/daily-fold.svg" alt="{{ site.title }}"></a></header>
{% endblock %}
{% block footer %}
<footer class="brand">© The Daily Fold · {{ channel.title }}</footer>
{% endblock %}
"#;

const LOGO: &str =
    "<img class=\"logo\" src=\"https://cdn.example.org/daily-fold.svg\" alt=\"Test News\">";
const FOOTER: &str = "<footer class=\"brand\">© The Daily Fold · Test News — world</footer>";

fn article(title: &str) -> String {
    format!("{title}\nA first paragraph that says what happened.\nA second paragraph.\n")
}

fn write_template(site: &Site, name: &str, text: &str) {
    let dir = site.root().join("templates");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(name), text).unwrap();
}

/// A site with three articles in two channels.
fn site() -> Site {
    let site = Site::new();
    site.write("world/first.txt", article("First report from the coast"));
    site.write("world/second.txt", article("Second report from the hills"));
    site.write("economy/third.txt", article("Markets open higher"));
    site
}

/// The keys of every article page published (`{channel}/{slug}/index.html`).
fn article_pages(site: &Site) -> Vec<String> {
    let public = site.root().join("public");
    files_under(&public)
        .into_iter()
        .map(|p| p.strip_prefix(&public).unwrap().display().to_string())
        .filter(|k| k.ends_with("/index.html") && k.matches('/').count() == 2)
        .filter(|k| {
            !["tags/", "lang/", "authors/"]
                .iter()
                .any(|d| k.starts_with(d))
        })
        .collect()
}

/// GET: status, `Content-Type` and body.
fn fetch(url: &str) -> (u16, String, String) {
    let mut response = ureq::get(url).call().unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    (status, kind, body)
}

/// `feedfold build` on the site: exit code and standard error.
fn build_command(site: &Site) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args(["build", "--config"])
        .arg(site.config_path())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_article_template_puts_the_logo_and_footer_on_every_article_page_built_and_served() {
    let site = site();
    write_template(&site, "article.html", ARTICLE);
    let report = site.build();
    let pages = article_pages(&site);
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert_eq!(report.publish.written_pages.len(), 3);
    for key in &pages {
        let html = site.published(key);
        assert!(html.contains(LOGO), "{key}: {html}");
        assert!(
            html.contains("<footer class=\"brand\">© The Daily Fold · "),
            "{key}"
        );
        // The rest of the built-in page stays: its content and subscribe box.
        assert!(
            html.contains("<p>A first paragraph that says what happened.</p>"),
            "{key}"
        );
        assert!(html.contains("<section class=\"box\">"), "{key}");
        assert!(!html.contains("published automatically by"), "{key}");
    }
    // Listing pages keep the built-in template.
    let home = site.published("index.html");
    assert!(!home.contains(LOGO) && home.contains("published automatically by"));

    let port = free_port();
    site.append_config(&format!("[serve]\nlisten = \"127.0.0.1:{port}\"\n"));
    let daemon = Daemon::start_command(&site, "serve", &[]);
    for key in &pages {
        let path = key.trim_end_matches("index.html");
        let url = format!(
            "http://127.0.0.1:{port}/{}",
            feedfold::layout::encode_path(path)
        );
        let (status, kind, html) = fetch(&url);
        assert_eq!(status, 200, "{url}");
        assert_eq!(kind, "text/html; charset=utf-8");
        assert!(html.contains(LOGO), "{url}: {html}");
    }
    let (_, _, html) = fetch(&format!(
        "http://127.0.0.1:{port}/world/first-report-from-the-coast/"
    ));
    assert!(html.contains(FOOTER), "{html}");
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_site_stylesheet_is_published_and_linked_from_every_page() {
    let site = site();
    let css = ":root{--accent:#b00020;--bg:#fffdf8}\nheader.site img.logo{height:2.5rem}\n";
    write_template(&site, "style.css", css);
    site.build();
    assert_eq!(site.published("_/site.css"), css);
    let version = &blake3::hash(css.as_bytes()).to_hex()[..12];
    let link = format!("<link rel=\"stylesheet\" href=\"{BASE_URL}/_/site.css?v={version}\">");
    let mut pages = article_pages(&site);
    pages.extend(["index.html", "world/index.html", "economy/index.html"].map(String::from));
    for key in &pages {
        let html = site.published(key);
        // After the built-in style, so that the site's rules win.
        assert!(
            html.contains(&format!(".css\">\n{link}\n</head>")),
            "{key}: {html}"
        );
    }

    let port = free_port();
    site.append_config(&format!("[serve]\nlisten = \"127.0.0.1:{port}\"\n"));
    let daemon = Daemon::start_command(&site, "serve", &[]);
    let (status, kind, body) = fetch(&format!("http://127.0.0.1:{port}/_/site.css?v={version}"));
    assert_eq!(
        (status, kind.as_str(), body.as_str()),
        (200, "text/css; charset=utf-8", css)
    );
    assert_eq!(daemon.stop(), 0);

    // Without a stylesheet, it is removed and no page links it.
    fs::remove_file(site.root().join("templates/style.css")).unwrap();
    site.build();
    assert!(!site.is_published("_/site.css"));
    assert!(!site.published("index.html").contains("site.css"));
}

#[test]
fn a_template_with_a_syntax_error_is_refused_at_build_naming_the_file_and_line() {
    let site = site();
    let broken = ARTICLE.replace("{{ channel.title }}", "{{ channel.title }");
    write_template(&site, "article.html", &broken);
    let (code, stderr) = build_command(&site);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("invalid templates: templates/article.html line 6: syntax error"),
        "{stderr}"
    );
    assert!(!site.is_published("index.html"), "nothing is published");
    // An unknown variable is refused the same way, before any page is written.
    write_template(
        &site,
        "article.html",
        &ARTICLE.replace("channel.title", "chanel.title"),
    );
    let (code, stderr) = build_command(&site);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("templates/article.html line 6: undefined value"),
        "{stderr}"
    );
    // `check` and `config` refuse it too.
    for command in ["check", "config"] {
        let out = Command::new(env!("CARGO_BIN_EXE_feedfold"))
            .args([command, "--config"])
            .arg(site.config_path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
        assert!(
            stderr.contains("templates/article.html line 6"),
            "{command}: {stderr}"
        );
    }
}

#[test]
fn a_template_that_leads_outside_the_site_folder_is_refused() {
    let site = site();
    let elsewhere = tempfile::tempdir().unwrap();
    let secret = elsewhere.path().join("secret.html");
    fs::write(&secret, "not for the pages").unwrap();
    fs::create_dir_all(site.root().join("templates")).unwrap();
    std::os::unix::fs::symlink(&secret, site.root().join("templates/article.html")).unwrap();
    let (code, stderr) = build_command(&site);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("templates/article.html: leads outside"),
        "{stderr}"
    );
    // The whole folder, linked from elsewhere, likewise.
    fs::remove_dir_all(site.root().join("templates")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.root().join("templates")).unwrap();
    let (code, stderr) = build_command(&site);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("not a folder inside the site folder"),
        "{stderr}"
    );
    assert!(!site.is_published("index.html"));
}

#[test]
fn changing_a_template_rewrites_every_page_once_and_an_unchanged_one_nothing() {
    let site = site();
    site.build();
    let first = site.build();
    assert!(first.publish.written.is_empty() && first.publish.written_pages.is_empty());
    let base = "{% extends \"builtin/base.html\" %}\n\
                {% block footer %}<footer class=\"brand\">© The Daily Fold</footer>\n{% endblock %}\n";
    write_template(&site, "base.html", base);
    let branded = site.build();
    assert_eq!(branded.publish.written_pages.len(), 3);
    // Every listing page too (home, two channels, a language feed's...), and no feed.
    assert!(branded.publish.written.contains(&"index.html".to_string()));
    assert!(
        branded
            .publish
            .written
            .contains(&"world/index.html".to_string())
    );
    assert!(
        branded.publish.written.iter().all(|k| k.ends_with(".html")),
        "{:?}",
        branded.publish.written
    );
    let again = site.build();
    assert!(again.publish.written.is_empty() && again.publish.written_pages.is_empty());
    // Back to the built-ins: every page as it was.
    fs::remove_dir_all(site.root().join("templates")).unwrap();
    let plain = site.build();
    assert_eq!(plain.publish.written_pages.len(), 3);
    assert!(
        site.published("index.html")
            .contains("published automatically by")
    );
}

#[test]
fn under_serve_a_broken_template_is_refused_and_the_pages_stay_until_it_is_fixed() {
    let site = site();
    write_template(&site, "article.html", ARTICLE);
    let port = free_port();
    site.append_config(&format!("[serve]\nlisten = \"127.0.0.1:{port}\"\n"));
    let daemon = Daemon::start_command(&site, "serve", &[]);
    let url = format!("http://127.0.0.1:{port}/world/first-report-from-the-coast/");
    let (status, _, before) = fetch(&url);
    assert_eq!(status, 200);
    assert!(before.contains(FOOTER), "{before}");
    let key = "world/first-report-from-the-coast/index.html";
    let on_disk = site.published(key);

    // Broken: refused, logged with the file and line; the pages stay as they were.
    write_template(
        &site,
        "article.html",
        &ARTICLE.replace(
            "{% endblock %}\n{% block footer",
            "{% endblok %}\n{% block footer",
        ),
    );
    wait_for("the broken template to be refused", || {
        let log = daemon.log();
        log.contains("new configuration rejected") && log.contains("templates/article.html line 4")
    });
    assert_eq!(fetch(&url).2, before);
    assert_eq!(site.published(key), on_disk);

    // Fixed, with a new footer: every article page is rewritten and served.
    write_template(
        &site,
        "article.html",
        &ARTICLE.replace("© The Daily Fold", "© The Daily Fold 2026"),
    );
    wait_for("the fixed template to be served", || {
        fetch(&url)
            .2
            .contains("© The Daily Fold 2026 · Test News — world")
    });
    for key in article_pages(&site) {
        assert!(
            site.published(&key).contains("© The Daily Fold 2026"),
            "{key}"
        );
    }
    assert_eq!(daemon.stop(), 0);
}
