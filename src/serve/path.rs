//! Request paths to publish-folder keys, strictly: a path is percent-decoded exactly once
//! and must then be clean UTF-8 with no dot segments, empty segments, backslashes or control
//! characters. Anything else is a bad request; a clean path that names no published file
//! is simply not found, because only keys of the published set are ever looked up.

/// Why a path was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Malformed: bad escapes, invalid or overlong UTF-8, NUL/control bytes, `..`, `\`.
    BadRequest,
}

/// The key a request path names: `/` is `index.html`, a path ending in `/` names the
/// `index.html` inside it.
pub fn key_of(path: &str) -> Result<String, Refused> {
    let rest = path.strip_prefix('/').ok_or(Refused::BadRequest)?;
    let bytes = decode(rest.as_bytes())?;
    let text = String::from_utf8(bytes).map_err(|_| Refused::BadRequest)?;
    if text.chars().any(|c| c.is_control() || c == '\\') {
        return Err(Refused::BadRequest);
    }
    let (dir, file) = match text.rsplit_once('/') {
        Some((dir, file)) => (Some(dir), file),
        None => (None, text.as_str()),
    };
    if let Some(dir) = dir
        && dir
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err(Refused::BadRequest);
    }
    if file == "." || file == ".." {
        return Err(Refused::BadRequest);
    }
    Ok(if file.is_empty() {
        format!("{text}{}", crate::layout::INDEX)
    } else {
        text
    })
}

/// Percent-decodes once; a `%` not followed by two hex digits is refused.
fn decode(input: &[u8]) -> Result<Vec<u8>, Refused> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' {
            let hex = input.get(i + 1..i + 3).ok_or(Refused::BadRequest)?;
            let hex = std::str::from_utf8(hex).map_err(|_| Refused::BadRequest)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| Refused::BadRequest)?);
            i += 3;
        } else {
            out.push(input[i]);
            i += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_and_folders_name_their_index_page() {
        assert_eq!(key_of("/").unwrap(), "index.html");
        assert_eq!(key_of("/world/").unwrap(), "world/index.html");
        assert_eq!(key_of("/world/rss.xml").unwrap(), "world/rss.xml");
    }

    #[test]
    fn arabic_slugs_are_decoded_once() {
        assert_eq!(
            key_of("/world/%D8%B3%D9%84%D8%A7%D9%85/").unwrap(),
            "world/سلام/index.html"
        );
        assert_eq!(key_of("/a%252e%252e/").unwrap(), "a%2e%2e/index.html");
    }

    #[test]
    fn traversal_and_malformed_paths_are_bad_requests() {
        for path in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/world/..%2fsecret",
            "/world%5c..%5csecret",
            "/world/%00",
            "/%c0%ae%c0%ae/",
            "/%zz",
            "/%",
            "//etc/passwd",
            "/world/./rss.xml",
            "relative",
        ] {
            assert_eq!(key_of(path), Err(Refused::BadRequest), "{path}");
        }
    }
}
