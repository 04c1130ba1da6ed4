//! The byte budget: a feed file never exceeds `max_bytes`. Items too large on their own
//! are published with their summary; an item too large even so is left out (and named, for
//! the caller to report); then the oldest items are dropped until the feed fits.

use super::Item;

/// A feed rendered within its byte budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// The rendered feed: within the byte budget, unless even the feed without items is not.
    pub text: String,
    /// Ids of the items left out because they do not fit even alone as a summary.
    pub skipped: Vec<String>,
}

/// Renders as many of `items` (newest first) as fit in `max_bytes`.
pub fn fit(items: &[Item], max_bytes: usize, render: impl Fn(&[Item]) -> String) -> Fitted {
    if !clearly_over(items, max_bytes) {
        let full = render(items);
        if full.len() <= max_bytes || items.is_empty() {
            return Fitted {
                text: full,
                skipped: Vec::new(),
            };
        }
    }
    let (kept, _, skipped) = shrink_each(items, max_bytes, &render);
    // Largest prefix that fits: binary search over the item count.
    let (mut lo, mut hi) = (0usize, kept.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if render(&kept[..mid]).len() <= max_bytes {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Fitted {
        text: render(&kept[..lo]),
        skipped,
    }
}

/// True when `items` cannot fit in `max_bytes` in any format: their titles and contents,
/// which every format carries at least once (escaped, so no shorter), are over twice the
/// budget. Spares rendering a whole archive month only to find it too large; the half
/// leaves room for characters a writer strips.
fn clearly_over(items: &[Item], max_bytes: usize) -> bool {
    let least: usize = (items.iter())
        .map(|i| i.title.len() + i.content_html.as_ref().map_or(0, String::len))
        .sum();
    least / 2 > max_bytes
}

/// Each of `items` whole if it fits `max_bytes` alone, else as its summary, with the size
/// of the document holding it alone; the ids of those that fit neither way.
fn shrink_each(
    items: &[Item],
    max_bytes: usize,
    render: &impl Fn(&[Item]) -> String,
) -> (Vec<Item>, Vec<usize>, Vec<String>) {
    let mut skipped = Vec::new();
    let mut kept = Vec::with_capacity(items.len());
    let mut sizes = Vec::with_capacity(items.len());
    for item in items {
        match shrunk(item, max_bytes, render) {
            Some((item, size)) => {
                kept.push(item);
                sizes.push(size);
            }
            None => skipped.push(item.id.clone()),
        }
    }
    (kept, sizes, skipped)
}

/// Items split into documents that each fit a byte budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The parts, in order (the newest items first), each non-empty unless there is one.
    pub parts: Vec<Vec<Item>>,
    /// Ids of the items left out because they do not fit even alone as a summary.
    pub skipped: Vec<String>,
}

/// Splits `items` (newest first) into consecutive parts, each filled while it fits in
/// `max_bytes`, every item in exactly one: whole, else as its summary, else left out (and
/// named).
/// `render` must be the largest a part can be (its links to its neighbours included).
pub fn split(items: &[Item], max_bytes: usize, render: impl Fn(&[Item]) -> String) -> Split {
    if items.is_empty() || (!clearly_over(items, max_bytes) && render(items).len() <= max_bytes) {
        return Split {
            parts: vec![items.to_vec()],
            skipped: Vec::new(),
        };
    }
    let (kept, sizes, skipped) = shrink_each(items, max_bytes, &render);
    let fits = |part: &[Item]| render(part).len() <= max_bytes;
    // What an item adds to a document: its size alone, less the empty document's. Shared
    // declarations (a namespace) are counted with every item, so the sum over-estimates a
    // part, and each part is rendered once to check it rather than searched for by renders.
    let empty = render(&[]).len();
    let mut parts = Vec::new();
    let mut start = 0;
    while start < kept.len() {
        let mut total = empty;
        let mut end = start;
        while end < kept.len()
            && (end == start || total + sizes[end].saturating_sub(empty) <= max_bytes)
        {
            total += sizes[end].saturating_sub(empty);
            end += 1;
        }
        while end > start + 1 && !fits(&kept[start..end]) {
            end -= 1;
        }
        parts.push(kept[start..end].to_vec());
        start = end;
    }
    if parts.is_empty() {
        parts.push(Vec::new());
    }
    Split { parts, skipped }
}

/// The item as it can appear alone within `max_bytes`: whole, else as its summary, else
/// `None`.
fn shrunk(
    item: &Item,
    max_bytes: usize,
    render: impl Fn(&[Item]) -> String,
) -> Option<(Item, usize)> {
    let alone = |item: &Item| render(std::slice::from_ref(item)).len();
    let whole = alone(item);
    if whole <= max_bytes {
        return Some((item.clone(), whole));
    }
    let summary = item.summary_only();
    let size = alone(&summary);
    (item.content_html.is_some() && size <= max_bytes).then_some((summary, size))
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn item(id: &str, title_bytes: usize, content_bytes: usize) -> Item {
        let date = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        Item {
            id: id.into(),
            title: "t".repeat(title_bytes),
            link: format!("https://e.org/{id}/"),
            summary: "s".into(),
            content_html: Some("c".repeat(content_bytes)),
            lang: "en".into(),
            published: date,
            updated: date,
            authors: vec![],
            categories: vec![],
            tags: vec![],
            image: None,
            lead: None,
            removal: None,
            translations: vec![],
        }
    }

    /// A stand-in format: every field's bytes, one line per item.
    fn render(items: &[Item]) -> String {
        items
            .iter()
            .map(|i| {
                format!(
                    "{} {} {}\n",
                    i.id,
                    i.title,
                    i.content_html.as_deref().unwrap_or("")
                )
            })
            .collect()
    }

    #[test]
    fn a_feed_within_budget_is_rendered_whole() {
        let items = [item("a", 5, 5), item("b", 5, 5)];
        let fitted = fit(&items, 100, render);
        assert_eq!(fitted.text, render(&items));
        assert!(fitted.skipped.is_empty());
    }

    #[test]
    fn an_item_too_large_even_as_a_summary_is_skipped_not_the_feed_cut() {
        let items = [
            item("new", 5, 5),
            item("huge", 2_000_000, 0),
            item("old", 5, 5),
        ];
        let fitted = fit(&items, 1000, render);
        assert_eq!(fitted.skipped, ["huge"]);
        assert_eq!(fitted.text, render(&[items[0].clone(), items[2].clone()]));
    }

    #[test]
    fn an_item_too_large_with_its_content_is_published_as_its_summary() {
        let items = [item("a", 5, 5), item("big", 5, 5000)];
        let fitted = fit(&items, 1000, render);
        assert!(fitted.skipped.is_empty());
        assert_eq!(
            fitted.text,
            render(&[items[0].clone(), items[1].summary_only()])
        );
    }

    #[test]
    fn a_split_keeps_every_item_once_in_parts_within_budget() {
        let items: Vec<Item> = (0..23).map(|i| item(&i.to_string(), 90, 0)).collect();
        let split = split(&items, 500, render);
        assert!(split.parts.iter().all(|p| render(p).len() <= 500));
        assert!(split.parts.iter().all(|p| !p.is_empty()));
        let flat: Vec<Item> = split.parts.concat();
        assert_eq!(flat, items);
        assert_eq!(split.parts.len(), 5);
    }

    #[test]
    fn a_split_that_fits_whole_is_one_part_and_a_huge_item_is_named() {
        let items = [item("a", 5, 5), item("huge", 2_000, 0), item("b", 5, 5)];
        assert_eq!(split(&items[..1], 100, render).parts, [items[..1].to_vec()]);
        let split = split(&items, 100, render);
        assert_eq!(split.skipped, ["huge"]);
        assert_eq!(split.parts, [vec![items[0].clone(), items[2].clone()]]);
    }

    #[test]
    fn items_clearly_over_the_budget_are_split_without_rendering_them_all_at_once() {
        let items: Vec<Item> = (0..40).map(|i| item(&i.to_string(), 10, 90)).collect();
        let wholes = std::cell::Cell::new(0);
        let counting = |part: &[Item]| {
            if part.len() == items.len() {
                wholes.set(wholes.get() + 1);
            }
            render(part)
        };
        let split = split(&items, 1000, counting);
        assert_eq!(
            wholes.get(),
            0,
            "the whole set, 4,000 bytes of content, is never rendered"
        );
        assert_eq!(split.parts.concat(), items);
        assert!(split.parts.iter().all(|p| render(p).len() <= 1000));
        let fitted = fit(&items, 1000, counting);
        assert_eq!(wholes.get(), 0);
        assert_eq!(fitted.text, render(&items[..9]));
    }

    #[test]
    fn the_oldest_items_are_dropped_to_fit_and_are_not_reported() {
        let items: Vec<Item> = (0..10).map(|i| item(&i.to_string(), 90, 0)).collect();
        let fitted = fit(&items, 500, render);
        assert_eq!(fitted.text, render(&items[..5]));
        assert!(fitted.skipped.is_empty());
    }
}
