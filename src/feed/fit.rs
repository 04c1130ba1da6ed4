//! The byte budget: a feed file never exceeds `max_bytes`. Items too large on their own
//! are published with their summary; then the oldest items are dropped until it fits.

use super::Item;

/// Renders as many of `items` (newest first) as fit in `max_bytes`.
pub fn fit(items: &[Item], max_bytes: usize, render: impl Fn(&[Item]) -> String) -> String {
    let full = render(items);
    if full.len() <= max_bytes || items.is_empty() {
        return full;
    }
    let items: Vec<Item> = items
        .iter()
        .map(|item| {
            let alone = render(std::slice::from_ref(item)).len();
            if alone > max_bytes && item.content_html.is_some() {
                item.summary_only()
            } else {
                item.clone()
            }
        })
        .collect();
    // Largest prefix that fits: binary search over the item count.
    let (mut lo, mut hi) = (0usize, items.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if render(&items[..mid]).len() <= max_bytes {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    render(&items[..lo])
}
