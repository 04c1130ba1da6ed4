//! The page templates: the built-in ones (`templates/*.html` beside this file, embedded),
//! and a site's own from its `templates/` folder, which replace the built-ins of the same
//! name or add partials of their own. Pure: the sources come in as a value (the shell,
//! the shell's `templates_file`, reads them), are compiled and tried on sample pages here, and
//! pages come out as text.
//!
//! minijinja renders them with HTML autoescape on, in `SemiStrict` mode (printing or
//! iterating an undefined variable is an error, testing one is not), with `trim_blocks` and
//! `lstrip_blocks`, and a template's last newline kept. Text is escaped as every other
//! feedfold output is (`& < > " '`); the article content, already sanitised, is passed as
//! safe; `none` prints as nothing. README's "Templates and branding" lists every variable.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Datelike, Utc};
use minijinja::value::{Enumerator, Object, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior, context};
use serde::Serialize;

use super::{CSS, Labels, dir, format_name, labels};
use crate::feed::{FeedMeta, Item};
use crate::media::brand::{Mark, Marks};

/// The built-in templates, by name: what a site's `templates/` folder may replace.
pub const BUILTIN: [(&str, &str); 5] = [
    ("base.html", include_str!("templates/base.html")),
    ("article.html", include_str!("templates/article.html")),
    ("listing.html", include_str!("templates/listing.html")),
    ("notice.html", include_str!("templates/notice.html")),
    ("subscribe.html", include_str!("templates/subscribe.html")),
];

/// The built-in templates stay reachable under this prefix (`builtin/base.html`), whatever
/// a site replaces.
pub const BUILTIN_PREFIX: &str = "builtin/";

/// The most instructions one page may take to render (the built-in listing of 10,000
/// items is well within it): a template that loops without end is refused, not left running.
pub const MAX_FUEL: u64 = 20_000_000;

/// At most this many templates in a site's folder (built-ins aside).
pub const MAX_TEMPLATES: usize = 64;

/// What a site brings: its templates and its stylesheet, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateSources {
    /// `*.html` by file name (`article.html`): each replaces the built-in of that name, or
    /// is a partial of the site's own, for `{% include %}`, `{% extends %}` or `{% import %}`.
    pub pages: BTreeMap<String, String>,
    /// `style.css`: published at [`crate::layout::SITE_STYLESHEET`], linked from every page
    /// after the built-in style, so that its rules win.
    pub stylesheet: Option<String>,
    /// Whether pages are a preview's (`serve --preview`): marked `noindex`, with a banner
    /// and the reload script (see `preview`). Not read from the folder.
    pub preview: bool,
}

/// One thing wrong with a template: the file (its name in the templates folder), the line,
/// and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    /// The template's file name (`article.html`).
    pub file: String,
    /// The line (from 1), when the engine knows it.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl TemplateProblem {
    fn of(error: &minijinja::Error, rendering: &str) -> TemplateProblem {
        // An error in an included template wraps it: name the innermost one.
        let mut error = error;
        while let Some(inner) =
            std::error::Error::source(error).and_then(|e| e.downcast_ref::<minijinja::Error>())
        {
            error = inner;
        }
        let reason = match error.detail() {
            Some(detail) => format!("{}: {detail}", error.kind()),
            None => error.kind().to_string(),
        };
        TemplateProblem {
            file: error.name().unwrap_or(rendering).to_string(),
            line: error.line(),
            reason,
        }
    }
}

impl fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// The compiled templates pages are rendered with: cheap to clone, shared by every worker.
/// Two are equal when their sources are.
#[derive(Clone)]
pub struct Templates(Arc<Compiled>);

struct Compiled {
    sources: TemplateSources,
    /// Of the sources; `None` for the built-ins alone.
    digest: Option<[u8; 32]>,
    /// A short hash of the stylesheet, so that browsers fetch a changed one at once.
    stylesheet_version: Option<String>,
    env: Environment<'static>,
}

/// The built-in stylesheet, as templates get it (`css`).
static STYLE: LazyLock<Value> = LazyLock::new(|| Value::from_safe_string(CSS.to_string()));

static BUILTINS: LazyLock<Templates> = LazyLock::new(|| {
    Templates::compile(TemplateSources::default()).expect("the built-in templates compile")
});

impl Default for Templates {
    /// The built-in templates.
    fn default() -> Templates {
        Templates::builtin().clone()
    }
}

impl PartialEq for Templates {
    fn eq(&self, other: &Templates) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.sources == other.0.sources
    }
}

impl fmt::Debug for Templates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&String> = self.0.sources.pages.keys().collect();
        f.debug_struct("Templates")
            .field("pages", &names)
            .field("stylesheet", &self.0.sources.stylesheet.is_some())
            .finish()
    }
}

/// The environment every set of templates starts from: the built-ins, and the rules above.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_fuel(Some(MAX_FUEL));
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        if value.is_none() {
            return Ok(());
        }
        if state.auto_escape() == AutoEscape::Html
            && !value.is_safe()
            && let Some(text) = value.as_str()
        {
            // As every other page and feed escapes (minijinja's own escapes `/` as well).
            return out
                .write_str(&crate::article::escape_html(text))
                .map_err(minijinja::Error::from);
        }
        minijinja::escape_formatter(out, state, value)
    });
    for (name, source) in BUILTIN {
        // Under its own name, which a site's template replaces, and under `builtin/`, which
        // stays: a site's `base.html` may extend `builtin/base.html`.
        for name in [name.to_string(), format!("{BUILTIN_PREFIX}{name}")] {
            env.add_template_owned(name, source)
                .expect("the built-in templates parse");
        }
    }
    env
}

impl Templates {
    /// The built-in templates alone.
    pub fn builtin() -> &'static Templates {
        &BUILTINS
    }

    /// Compiles a site's templates over the built-ins, then renders every page kind with
    /// sample values so that what would fail on every page (an unknown variable or filter,
    /// a missing parent) is refused now. Every problem at once, by file.
    pub fn compile(sources: TemplateSources) -> Result<Templates, Vec<TemplateProblem>> {
        let mut env = environment();
        let mut problems = Vec::new();
        if sources.pages.len() > MAX_TEMPLATES {
            problems.push(TemplateProblem {
                file: String::new(),
                line: None,
                reason: format!("more than {MAX_TEMPLATES} templates"),
            });
        }
        for (name, source) in &sources.pages {
            if !name.ends_with(".html") || name.contains(['/', '\\']) {
                problems.push(TemplateProblem {
                    file: name.clone(),
                    line: None,
                    reason: "a template is a `.html` file directly in the templates folder".into(),
                });
                continue;
            }
            if let Err(e) = env.add_template_owned(name.clone(), source.clone()) {
                problems.push(TemplateProblem::of(&e, name));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let builtin = sources == TemplateSources::default();
        let digest = (!builtin).then(|| digest(&sources));
        let stylesheet_version = sources
            .stylesheet
            .as_ref()
            .map(|css| blake3::hash(css.as_bytes()).to_hex()[..12].to_string());
        let templates = Templates(Arc::new(Compiled {
            sources,
            digest,
            stylesheet_version,
            env,
        }));
        if !builtin {
            templates.try_samples()?;
        }
        Ok(templates)
    }

    /// True for the built-in templates alone (no site template, no stylesheet).
    pub fn is_builtin(&self) -> bool {
        self.0.digest.is_none()
    }

    /// A digest of the site's templates and stylesheet; `None` for the built-ins alone.
    /// Part of what every page's signature depends on.
    pub fn digest(&self) -> Option<[u8; 32]> {
        self.0.digest
    }

    /// The sources as given.
    pub fn sources(&self) -> &TemplateSources {
        &self.0.sources
    }

    /// The site's stylesheet, if it has one.
    pub fn stylesheet(&self) -> Option<&str> {
        self.0.sources.stylesheet.as_deref()
    }

    /// The URL pages link the site's stylesheet at, if it has one: its key under
    /// `base_url`, with a version so that a changed one is fetched at once.
    pub fn stylesheet_url(&self, base_url: &str) -> Option<String> {
        self.0.stylesheet_version.as_ref().map(|v| {
            format!(
                "{base_url}/{}?v={v}",
                crate::layout::encode_path(crate::layout::SITE_STYLESHEET)
            )
        })
    }

    /// Renders template `name` with `ctx`.
    pub(super) fn render(&self, name: &str, ctx: Value) -> Result<String, TemplateProblem> {
        self.0
            .env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map(|html| {
                if self.0.sources.preview && name.ends_with(".html") {
                    super::preview::mark(html)
                } else {
                    html
                }
            })
            .map_err(|e| TemplateProblem::of(&e, name))
    }

    /// These templates for a preview's pages (see [`TemplateSources::preview`]).
    pub fn for_preview(&self) -> Result<Templates, Vec<TemplateProblem>> {
        let mut sources = self.0.sources.clone();
        sources.preview = true;
        Templates::compile(sources)
    }

    /// Renders each page kind from sample values; every distinct problem.
    fn try_samples(&self) -> Result<(), Vec<TemplateProblem>> {
        let mut problems: Vec<TemplateProblem> = Vec::new();
        for result in super::samples::render_all(self) {
            if let Err(problem) = result
                && !problems.contains(&problem)
            {
                problems.push(problem);
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

fn digest(sources: &TemplateSources) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"feedfold-templates-1");
    let mut field = |bytes: &[u8]| {
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    for (name, source) in &sources.pages {
        field(name.as_bytes());
        field(source.as_bytes());
    }
    if let Some(css) = &sources.stylesheet {
        field(b"style.css");
        field(css.as_bytes());
    }
    if sources.preview {
        field(b"preview");
    }
    *hasher.finalize().as_bytes()
}

/// A moment as templates see it, in the site time zone; each field is computed when a
/// template asks for it (pages show one or two of the many moments they are given).
#[derive(Debug)]
struct Moment {
    at: DateTime<Utc>,
    tz: chrono_tz::Tz,
}

impl Moment {
    const FIELDS: &'static [&'static str] = &["iso", "date", "time", "year", "month", "day", "utc"];
}

impl Object for Moment {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let local = self.at.with_timezone(&self.tz);
        Some(match key.as_str()? {
            // RFC 3339 with the site's offset: `2026-11-25T09:30:00+03:00`.
            "iso" => Value::from(local.to_rfc3339()),
            "date" => Value::from(local.format("%Y-%m-%d").to_string()),
            "time" => Value::from(local.format("%H:%M").to_string()),
            "year" => Value::from(local.year()),
            "month" => Value::from(local.month()),
            "day" => Value::from(local.day()),
            "utc" => Value::from(self.at.to_rfc3339()),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(Self::FIELDS)
    }

    /// Printed whole, a moment is its `iso`.
    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result
    where
        Self: Sized + 'static,
    {
        f.write_str(&self.at.with_timezone(&self.tz).to_rfc3339())
    }
}

fn moment(date: DateTime<Utc>, tz: chrono_tz::Tz) -> Value {
    Value::from_object(Moment {
        at: crate::article::date::clamp(date),
        tz,
    })
}

#[derive(Serialize)]
struct FeedLink<'a> {
    /// `RSS`, `Atom` or `JSON Feed`.
    format: &'static str,
    media_type: &'static str,
    url: &'a str,
}

/// A feed as templates see it.
#[derive(Serialize)]
struct FeedVars<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    home_url: &'a str,
    links: Vec<FeedLink<'a>>,
    updated: Value,
}

fn feed_vars<'a>(feed: &'a FeedMeta, tz: chrono_tz::Tz) -> FeedVars<'a> {
    FeedVars {
        title: &feed.title,
        description: &feed.description,
        language: &feed.language,
        home_url: &feed.home_url,
        links: feed
            .self_urls
            .iter()
            .map(|(format, url)| FeedLink {
                format: format_name(*format),
                media_type: format.media_type(),
                url,
            })
            .collect(),
        updated: moment(feed.updated, tz),
    }
}

/// An article as templates see it.
#[derive(Serialize)]
struct ItemVars<'a> {
    id: &'a str,
    title: &'a str,
    link: &'a str,
    summary: &'a str,
    /// Sanitised HTML, passed as safe; `none` in summary mode.
    content_html: Option<Value>,
    lang: &'a str,
    dir: &'static str,
    published: Value,
    updated: Value,
    /// True when the update is on a later day (UTC) than the publication: pages say so.
    updated_shown: bool,
    authors: &'a [String],
    /// The authors with their pages.
    author_links: Vec<super::links::AuthorVars<'a>>,
    tags: &'a [String],
    categories: &'a [String],
    image: Option<&'a str>,
    /// The lead image, described.
    picture: Option<PictureVars<'a>>,
    /// The story in other languages.
    translations: Vec<super::links::TranslationVars<'a>>,
}

/// An item's lead image as templates see it.
#[derive(Serialize)]
struct PictureVars<'a> {
    url: &'a str,
    width: Option<u32>,
    height: Option<u32>,
    mime_type: Option<&'a str>,
    alt: Option<&'a str>,
    caption: Option<&'a str>,
    credit: Option<&'a str>,
    thumbnail: Option<ThumbVars<'a>>,
}

/// A thumbnail as templates see it.
#[derive(Serialize)]
struct ThumbVars<'a> {
    url: &'a str,
    width: u32,
    height: u32,
}

fn picture_vars(lead: &crate::feed::Lead) -> PictureVars<'_> {
    PictureVars {
        url: &lead.url,
        width: lead.size.map(|s| s.0),
        height: lead.size.map(|s| s.1),
        mime_type: lead.mime_type,
        alt: lead.text.alt.as_deref(),
        caption: lead.text.caption.as_deref(),
        credit: lead.text.credit.as_deref(),
        thumbnail: lead
            .thumbnail
            .as_ref()
            .map(|(url, width, height)| ThumbVars {
                url,
                width: *width,
                height: *height,
            }),
    }
}

fn item_vars<'a>(item: &'a Item, tz: chrono_tz::Tz, base_url: &str) -> ItemVars<'a> {
    ItemVars {
        id: &item.id,
        title: &item.title,
        link: &item.link,
        summary: &item.summary,
        content_html: item
            .content_html
            .as_ref()
            // Body images load when scrolled to (the HTML is sanitised: `<img ` is a tag).
            .map(|html| Value::from_safe_string(html.replace("<img ", "<img loading=\"lazy\" "))),
        lang: &item.lang,
        dir: dir(&item.lang),
        published: moment(item.published, tz),
        updated: moment(item.updated, tz),
        updated_shown: item.updated.date_naive() != item.published.date_naive(),
        authors: &item.authors,
        author_links: super::links::authors(item, base_url),
        tags: &item.tags,
        categories: &item.categories,
        image: item.image.as_deref(),
        picture: item.lead.as_ref().map(picture_vars),
        translations: super::links::translations(item),
    }
}

/// Where the page sits below the home page.
#[derive(Serialize)]
struct Crumb<'a> {
    title: &'a str,
    url: &'a str,
}

/// What every page gets.
pub(super) struct Common<'a> {
    pub kind: &'static str,
    pub site_title: &'a str,
    pub base_url: &'a str,
    pub lang: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub canonical: &'a str,
    pub feeds: &'a [&'a FeedMeta],
    pub crumb: Option<(&'a str, &'a str)>,
    pub timezone: chrono_tz::Tz,
    /// The site's icon and logo.
    pub marks: &'a Marks,
}

#[derive(Serialize)]
struct CommonVars<'a> {
    page: &'static str,
    site: SiteVars<'a>,
    lang: &'a str,
    dir: &'static str,
    title: &'a str,
    description: &'a str,
    canonical: &'a str,
    feeds: Vec<FeedVars<'a>>,
    crumb: Option<Crumb<'a>>,
    labels: &'static Labels,
    generator: &'static str,
    css: Value,
    css_url: String,
    stylesheet_url: Option<String>,
    timezone: &'static str,
}

#[derive(Serialize)]
struct SiteVars<'a> {
    title: &'a str,
    base_url: &'a str,
    icon: Option<&'a Mark>,
    logo: Option<&'a Mark>,
}

impl Common<'_> {
    fn vars(&self, templates: &Templates) -> Value {
        Value::from_serialize(CommonVars {
            page: self.kind,
            site: SiteVars {
                title: self.site_title,
                base_url: self.base_url,
                icon: self.marks.icon.as_ref(),
                logo: self.marks.logo.as_ref(),
            },
            lang: self.lang,
            dir: dir(self.lang),
            title: self.title,
            description: self.description,
            canonical: self.canonical,
            feeds: self
                .feeds
                .iter()
                .map(|f| feed_vars(f, self.timezone))
                .collect(),
            crumb: self.crumb.map(|(title, url)| Crumb { title, url }),
            labels: labels(self.lang),
            generator: crate::feed::GENERATOR,
            css: STYLE.clone(),
            css_url: crate::layout::key_url(self.base_url, &super::PAGE_STYLE),
            stylesheet_url: templates.stylesheet_url(self.base_url),
            timezone: self.timezone.name(),
        })
    }
}

/// `article.html`: `item`, `channel`, `site_feed`, and `subscribe` (the channel).
pub(super) fn article(
    templates: &Templates,
    common: &Common,
    item: &Item,
    channel: &FeedMeta,
    site: &FeedMeta,
) -> Result<String, TemplateProblem> {
    let tz = common.timezone;
    let channel = Value::from_serialize(feed_vars(channel, tz));
    let publisher = super::structured::Publisher {
        name: common.site_title,
        base_url: common.base_url,
        marks: common.marks,
    };
    let json_ld = super::structured::news_article(item, &publisher);
    let ctx = context! {
        item => Value::from_serialize(item_vars(item, tz, common.base_url)),
        og_locale => super::structured::og_locale(&item.lang),
        json_ld => Value::from_safe_string(json_ld),
        channel => channel.clone(),
        site_feed => Value::from_serialize(feed_vars(site, tz)),
        subscribe => channel,
        ..common.vars(templates)
    };
    templates.render("article.html", ctx)
}

/// What a notice page shows: nothing of the article but, unless it was taken down, its
/// title.
pub(super) struct Notice<'a> {
    pub title: &'a str,
    pub text: &'a str,
    pub at: DateTime<Utc>,
    pub retracted: bool,
    pub link: &'a str,
}

/// `notice.html`: `notice`, `channel` and `site_feed`; no `item`.
pub(super) fn notice(
    templates: &Templates,
    common: &Common,
    notice: &Notice,
    channel: &FeedMeta,
    site: &FeedMeta,
) -> Result<String, TemplateProblem> {
    let tz = common.timezone;
    let ctx = context! {
        notice => context! {
            title => notice.title,
            text => notice.text,
            at => moment(notice.at, tz),
            retracted => notice.retracted,
            link => notice.link,
        },
        channel => Value::from_serialize(feed_vars(channel, tz)),
        site_feed => Value::from_serialize(feed_vars(site, tz)),
        ..common.vars(templates)
    };
    templates.render("notice.html", ctx)
}

/// `listing.html`: `feed`, `home`, `items`, `channels`, and `subscribe` (the feed).
pub(super) fn listing(
    templates: &Templates,
    common: &Common,
    feed: &FeedMeta,
    home: bool,
    items: &[&Item],
    channels: &[&FeedMeta],
) -> Result<String, TemplateProblem> {
    let tz = common.timezone;
    let base = common.base_url;
    let items: Vec<ItemVars> = items.iter().map(|i| item_vars(i, tz, base)).collect();
    let channels: Vec<FeedVars> = channels.iter().map(|c| feed_vars(c, tz)).collect();
    let feed = Value::from_serialize(feed_vars(feed, tz));
    let ctx = context! {
        feed => feed.clone(),
        home => home,
        items => Value::from_serialize(items),
        channels => Value::from_serialize(channels),
        subscribe => feed,
        ..common.vars(templates)
    };
    templates.render("listing.html", ctx)
}

#[cfg(test)]
mod tests {
    use super::super::samples::render_all;
    use super::*;

    fn sources(pages: &[(&str, &str)]) -> TemplateSources {
        TemplateSources {
            pages: pages
                .iter()
                .map(|(n, s)| (n.to_string(), s.to_string()))
                .collect(),
            stylesheet: None,
            preview: false,
        }
    }

    #[test]
    fn preview_pages_are_marked_whoever_wrote_the_templates() {
        let own = "<!DOCTYPE html><html><head><title>{{ title }}</title></head>\
                   <body>{% block content %}{% endblock %}</body></html>";
        let site = Templates::compile(sources(&[("base.html", own)])).unwrap();
        for templates in [Templates::builtin(), &site] {
            let preview = templates.for_preview().unwrap();
            assert_ne!(preview.digest(), templates.digest());
            for page in render_all(&preview) {
                let page = page.unwrap();
                assert!(page.contains("content=\"noindex\""), "{page}");
                assert!(page.contains("/_/preview.js"));
            }
            for page in render_all(templates) {
                assert!(!page.unwrap().contains("noindex"));
            }
        }
    }

    fn problems(pages: &[(&str, &str)]) -> Vec<String> {
        match Templates::compile(sources(pages)) {
            Ok(_) => Vec::new(),
            Err(found) => found.iter().map(ToString::to_string).collect(),
        }
    }

    /// The sample pages: four articles (full, bare, retracted, removed), home, channel.
    fn pages(templates: &Templates) -> Vec<String> {
        render_all(templates)
            .into_iter()
            .map(|r| r.unwrap())
            .collect()
    }

    const BRANDED: &str = "{% extends \"builtin/base.html\" %}\n\
        {% block header %}<header class=\"site\"><img src=\"{{ site.base_url }}/logo.svg\" alt=\"{{ site.title }}\"></header>\n{% endblock %}\n\
        {% block footer %}<footer>© The Daily Fold</footer>\n{% endblock %}\n";

    #[test]
    fn a_site_template_extends_the_built_in_base_and_replaces_only_its_blocks() {
        let templates = Templates::compile(sources(&[("base.html", BRANDED)])).unwrap();
        let branded = pages(&templates);
        let builtin = pages(Templates::builtin());
        for (page, original) in branded.iter().zip(&builtin) {
            assert!(
                page.contains("<footer>© The Daily Fold</footer>\n"),
                "{page}"
            );
            assert!(
                page.contains(
                    "<img src=\"https://news.example.org/logo.svg\" alt=\"Sample News\">"
                ),
                "{page}"
            );
            assert!(!page.contains(GENERATOR_WORDS), "{page}");
            // The rest is the built-in page's.
            let start = original.find("<article").or_else(|| original.find("<h1>"));
            let end = original.find("<footer>").unwrap();
            let middle = &original[start.unwrap()..end];
            assert!(page.contains(middle), "{page}");
        }
    }

    const GENERATOR_WORDS: &str = "published automatically by";

    #[test]
    fn an_article_template_of_its_own_gets_every_field_escaped_and_the_content_as_is() {
        let article = "{% extends \"base.html\" %}{% block content %}\
            <h1>{{ item.title }}</h1>{{ item.content_html }}|{{ item.image }}|\
            {{ item.authors|join(\", \") }}|{{ item.published.date }} {{ item.published.time }}|\
            {{ item.updated_shown }}|{{ channel.title }}|{{ page }}|{{ timezone }}|\
            {{ item.published }}|{{ item.published.month }}|{{ item.updated.utc }}\
            {% endblock %}";
        let templates = Templates::compile(sources(&[("article.html", article)])).unwrap();
        let [full, bare, retracted, removed, home, _] = &pages(&templates)[..] else {
            panic!("six pages");
        };
        assert!(
            full.contains(
                "<h1>Sample &lt;title&gt; &amp; &quot;quotes&quot;</h1><p>A sample paragraph.</p>|\
                 https://news.example.org/_/media/sample.jpg|Ada, Zaid|2026-11-25 09:30|True|\
                 العالم|article|Asia/Riyadh|2026-11-25T09:30:00+03:00|11|2026-11-27T06:30:00+00:00"
            ),
            "{full}"
        );
        // `none` prints as nothing.
        assert!(
            bare.contains("<h1>Sample &lt;title&gt; &amp; &quot;quotes&quot;</h1>||"),
            "{bare}"
        );
        // Notices and listings keep the built-in templates.
        assert!(
            retracted.contains("<article class=\"notice\" role=\"status\">"),
            "{retracted}"
        );
        assert!(
            removed.contains("<article class=\"notice\" role=\"status\">"),
            "{removed}"
        );
        assert!(home.contains("<ul class=\"items\">"), "{home}");
    }

    #[test]
    fn a_syntax_error_is_refused_with_the_file_and_line() {
        let broken = "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ item.title }</h1>\n{% endblock %}\n";
        let found = problems(&[("article.html", broken), ("listing.html", "{% if %}")]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("article.html line 3: syntax error"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("listing.html line 1: syntax error"),
            "{found:?}"
        );
    }

    #[test]
    fn what_would_fail_on_every_page_is_refused_with_the_file_and_line() {
        let typo =
            "{% extends \"base.html\" %}\n{% block content %}\n{{ item.titel }}\n{% endblock %}\n";
        let found = problems(&[("article.html", typo)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("article.html line 3: undefined value"),
            "{found:?}"
        );
        let found = problems(&[("notice.html", "{% extends \"nowhere.html\" %}")]);
        assert!(
            found[0].starts_with("notice.html line 1: template not found"),
            "{found:?}"
        );
        let found = problems(&[("base.html", "{{ title|shout }}")]);
        assert!(
            found[0].starts_with("base.html line 1: unknown filter"),
            "{found:?}"
        );
        // A partial of the site's own, included by a page, is found by name.
        let page = "{% extends \"base.html\" %}{% block footer %}{% include \"brand.html\" %}{% endblock %}";
        let brand = "<footer>{{ site.title }} — {{ nope }}</footer>";
        let found = problems(&[
            ("base.html", BRANDED),
            ("article.html", page),
            ("brand.html", brand),
        ]);
        assert!(
            found[0].starts_with("brand.html line 1: undefined value"),
            "{found:?}"
        );
    }

    #[test]
    fn only_html_files_directly_in_the_folder_are_templates() {
        let found = problems(&[("partials/logo.html", "x"), ("article.txt", "x")]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found.iter().all(|p| p.contains("a `.html` file")),
            "{found:?}"
        );
    }

    #[test]
    fn a_stylesheet_is_linked_from_every_page_with_its_version() {
        let css = ":root{--accent:#b00020}\n";
        let with = |css: &str| {
            Templates::compile(TemplateSources {
                stylesheet: Some(css.into()),
                ..TemplateSources::default()
            })
            .unwrap()
        };
        let templates = with(css);
        assert_eq!(templates.stylesheet(), Some(css));
        let url = templates
            .stylesheet_url("https://news.example.org")
            .unwrap();
        assert!(
            url.starts_with("https://news.example.org/_/site.css?v="),
            "{url}"
        );
        for page in pages(&templates) {
            let link = format!(".css\">\n<link rel=\"stylesheet\" href=\"{url}\">\n</head>");
            assert!(page.contains(&link), "{page}");
        }
        assert_ne!(with("a{}").stylesheet_url(""), templates.stylesheet_url(""));
        assert_eq!(Templates::builtin().stylesheet_url(""), None);
    }

    #[test]
    fn the_digest_changes_with_the_sources_and_the_built_ins_have_none() {
        assert!(Templates::builtin().is_builtin());
        assert_eq!(Templates::builtin().digest(), None);
        assert_eq!(Templates::default(), *Templates::builtin());
        let a = Templates::compile(sources(&[("base.html", BRANDED)])).unwrap();
        let again = Templates::compile(sources(&[("base.html", BRANDED)])).unwrap();
        let b = Templates::compile(sources(&[("base.html", &format!("{BRANDED}\n"))])).unwrap();
        assert_eq!(a, again);
        assert_eq!(a.digest(), again.digest());
        assert!(a.digest().is_some());
        assert_ne!(a.digest(), b.digest());
        assert_ne!(a, b);
        assert_ne!(a, *Templates::builtin());
    }
}
