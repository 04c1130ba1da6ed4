//! The order archive months are published in, a chunk at a time: newest month first (a
//! month's `next-archive` names the parts of the newer month, which must be settled
//! before it), cut into chunks of about a budget of items, so that a publish holds one
//! chunk's items in memory, never the whole archive's.

use crate::layout::Month;

/// The indices of units given as (month, items), newest month first, cut into chunks of
/// about `budget` items (a unit is never cut). A unit's next month is newer: it comes
/// earlier.
pub fn newest_first_chunks(units: &[(Month, usize)], budget: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(units[i].0));
    let mut chunks = Vec::new();
    let mut chunk = Vec::new();
    let mut items = 0;
    for i in order {
        chunk.push(i);
        items += units[i].1;
        if items >= budget {
            chunks.push(std::mem::take(&mut chunk));
            items = 0;
        }
    }
    if !chunk.is_empty() {
        chunks.push(chunk);
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(year: i32, month: u32) -> Month {
        Month { year, month }
    }

    #[test]
    fn chunks_take_the_newest_months_first_and_never_cut_a_unit() {
        let units = [
            (month(2024, 1), 3),
            (month(2024, 3), 2),
            (month(2023, 12), 5),
            (month(2024, 3), 4),
            (month(2024, 2), 1),
        ];
        let chunks = newest_first_chunks(&units, 5);
        assert_eq!(chunks, [vec![1, 3], vec![4, 0, 2]]);
    }

    #[test]
    fn every_unit_is_in_one_chunk_after_every_newer_one() {
        let units: Vec<(Month, usize)> = (0..60)
            .map(|i| {
                (
                    month(2020 + i / 12, 1 + (i * 7 % 12) as u32),
                    1 + (i as usize % 5),
                )
            })
            .collect();
        let chunks = newest_first_chunks(&units, 7);
        let order: Vec<usize> = chunks.iter().flatten().copied().collect();
        let mut seen = order.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..60).collect::<Vec<_>>());
        assert!(order.windows(2).all(|w| units[w[0]].0 >= units[w[1]].0));
        assert!(chunks.iter().all(|c| {
            let items: usize = c.iter().map(|&i| units[i].1).sum();
            items < 7 + 5
        }));
    }
}
