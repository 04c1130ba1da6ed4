//! The marks of a `serve --preview` page: `noindex`, a banner saying what the reader is
//! looking at, and the one script feedfold ever puts on a page, which reloads it when a
//! publish changed something. Applied to every page a preview renders, built-in or the
//! site's own templates alike; the real site's pages never carry any of it.

use crate::layout::PREVIEW_SCRIPT;

/// The reload script (`_/preview.js`): asks for the publish counter every second and
/// reloads the page when it moves. Same-origin requests only, so the preview's policy is
/// `script-src 'self'; connect-src 'self'`.
pub const RELOAD_SCRIPT: &str = concat!(
    "// feedfold preview: reload this page when a publish changes something.\n",
    "(function () {\n",
    "  var seen = null;\n",
    "  function poll() {\n",
    "    fetch(\"/",
    "_/preview-version",
    "\", { cache: \"no-store\" })\n",
    "      .then(function (r) { return r.ok ? r.text() : seen; })\n",
    "      .then(function (v) {\n",
    "        if (seen !== null && v !== seen) { location.reload(); return; }\n",
    "        seen = v;\n",
    "        setTimeout(poll, 1000);\n",
    "      })\n",
    "      .catch(function () { setTimeout(poll, 1000); });\n",
    "  }\n",
    "  poll();\n",
    "})();\n",
);

/// The banner's words, in both of the desk's languages, each isolated in its own
/// direction so that neither's punctuation lands on the other's side.
const BANNER: &str = "<span lang=\"en\" dir=\"ltr\">Preview: not public. Drafts and \
    scheduled stories are shown.</span> · <span lang=\"ar\" dir=\"rtl\">معاينة: غير منشورة، \
    تظهر فيها المسودات والقصص المجدولة.</span>";

/// `html` with the preview's marks: `noindex` and the script in its head, the banner at
/// the top of its body. A page without those elements is returned as it is.
pub(super) fn mark(html: String) -> String {
    // Root-relative: the page and the script have one origin, the preview's.
    let head = format!(
        "<meta name=\"robots\" content=\"noindex\">\n\
         <script src=\"/{PREVIEW_SCRIPT}\" defer></script>\n"
    );
    let banner = format!(
        "\n<p class=\"preview\" style=\"background:#fff3bf;color:#5c3c00;padding:.5em 1em;\
         margin:0;text-align:center;font:14px/1.4 system-ui,sans-serif\">{BANNER}</p>"
    );
    let mut out = html;
    if let Some(at) = out.find("</head>") {
        out.insert_str(at, &head);
    }
    if let Some(start) = out.find("<body")
        && let Some(end) = out[start..].find('>')
    {
        out.insert_str(start + end + 1, &banner);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::PREVIEW_VERSION;

    #[test]
    fn a_preview_page_says_noindex_loads_the_reload_script_and_shows_the_banner() {
        let page = "<html><head><title>T</title></head><body class=\"x\"><h1>T</h1></body></html>";
        let marked = mark(page.to_string());
        let head_end = marked.find("</head>").unwrap();
        let robots = marked
            .find("<meta name=\"robots\" content=\"noindex\">")
            .unwrap();
        let script = marked
            .find("<script src=\"/_/preview.js\" defer></script>")
            .unwrap();
        assert!(robots < head_end && script < head_end);
        let banner = marked.find("class=\"preview\"").unwrap();
        assert!(banner > marked.find("<body class=\"x\">").unwrap());
        assert!(banner < marked.find("<h1>").unwrap());
    }

    #[test]
    fn the_reload_script_asks_for_the_counter_it_is_served_beside() {
        assert!(RELOAD_SCRIPT.contains(&format!("\"/{PREVIEW_VERSION}\"")));
        assert!(RELOAD_SCRIPT.contains("location.reload()"));
    }

    #[test]
    fn text_that_is_not_a_page_is_left_alone() {
        assert_eq!(mark("plain".into()), "plain");
    }
}
