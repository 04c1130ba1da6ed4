//! The one worker pool: a function over a slice on every core, the items claimed from a
//! shared counter in chunks. [`map`] collects the results in input order; [`stream`] hands
//! them to the calling thread in input order as they come, so that the caller uses each
//! result (and may stop) while the workers go on; [`sort_unstable_by`] sorts a long list
//! on two cores.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Workers for `len` items: one per core, never more than the items.
fn workers_for(len: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(len)
}

/// The indices not claimed yet, handed out `chunk` at a time.
struct Claims {
    next: AtomicUsize,
    len: usize,
    chunk: usize,
}

impl Claims {
    fn new(len: usize, chunk: usize) -> Claims {
        Claims {
            next: AtomicUsize::new(0),
            len,
            chunk: chunk.max(1),
        }
    }

    /// The next indices to work on, never empty; `None` once every index is claimed.
    fn claim(&self) -> Option<Range<usize>> {
        let start = self.next.fetch_add(self.chunk, Ordering::Relaxed);
        (start < self.len).then(|| start..(start + self.chunk).min(self.len))
    }
}

/// Maps `f` over `items` on up to `available_parallelism` threads; results keep input order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = workers_for(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    // One item per claim: the items are few and uneven (feeds), or cheap and many (stats),
    // and each worker keeps its results until the end.
    let claims = Claims::new(items.len(), 1);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    while let Some(range) = claims.claim() {
                        out.extend(range.map(|i| (i, f(&items[i]))));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Maps `f` (given each item's index) over `items` on every core, `chunk` items per claim,
/// and hands each result to `apply` on the calling thread, in input order, while the
/// workers go on. An error from `apply` stops the workers (each finishes the chunk in hand)
/// and is returned. At least one worker runs however few the cores, so that `apply` and
/// `f` overlap.
pub fn stream<T: Sync, R: Send, E>(
    items: &[T],
    chunk: usize,
    f: impl Fn(usize, &T) -> R + Sync,
    mut apply: impl FnMut(usize, R) -> Result<(), E>,
) -> Result<(), E> {
    let workers = workers_for(items.len());
    let claims = Claims::new(items.len(), chunk);
    let (claims, f) = (&claims, &f);
    std::thread::scope(|scope| {
        // Bounded: workers stay a few chunks ahead of `apply`, so memory stays flat.
        let (tx, rx) = mpsc::sync_channel::<(usize, Vec<R>)>(workers * 4);
        for _ in 0..workers {
            let tx = tx.clone();
            scope.spawn(move || {
                while let Some(range) = claims.claim() {
                    let start = range.start;
                    let results = range.map(|i| f(i, &items[i])).collect();
                    if tx.send((start, results)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut want = 0;
        for (start, results) in rx {
            pending.insert(start, results);
            while let Some(results) = pending.remove(&want) {
                let len = results.len();
                for (offset, result) in results.into_iter().enumerate() {
                    apply(want + offset, result)?;
                }
                want += len;
            }
        }
        Ok(())
    })
}

/// Fewer items than this are sorted on the calling thread alone.
const PARALLEL_SORT: usize = 1 << 16;

/// Sorts `items` by `cmp` as [`slice::sort_unstable_by`] does; a long list on two cores
/// when there are two: each half sorted on its own thread, then the halves merged.
pub fn sort_unstable_by<T: Send>(
    items: &mut Vec<T>,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Sync,
) {
    if items.len() < PARALLEL_SORT || workers_for(2) < 2 {
        return items.sort_unstable_by(cmp);
    }
    let mut right = items.split_off(items.len() / 2);
    let mut left = std::mem::take(items);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| right.sort_unstable_by(&cmp));
        left.sort_unstable_by(&cmp);
        other
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    });
    items.reserve(left.len() + right.len());
    let (mut left, mut right) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(l), Some(r)) = (left.peek(), right.peek()) {
        let side = if cmp(l, r).is_gt() {
            &mut right
        } else {
            &mut left
        };
        items.extend(side.next());
    }
    items.extend(left);
    items.extend(right);
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_back_in_input_order() {
        let input: Vec<u32> = (0..1000).collect();
        assert_eq!(
            super::map(&input, |n| n * 2),
            input.iter().map(|n| n * 2).collect::<Vec<_>>()
        );
    }

    #[test]
    fn streamed_results_are_applied_in_input_order() {
        let input: Vec<u32> = (0..1000).collect();
        let mut seen = Vec::new();
        let result: Result<(), ()> = super::stream(
            &input,
            7,
            |i, n| (i, n * 2),
            |i, (j, doubled)| {
                assert_eq!(i, j);
                seen.push(doubled);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(seen, input.iter().map(|n| n * 2).collect::<Vec<_>>());
    }

    #[test]
    fn an_error_from_apply_stops_the_stream() {
        let input: Vec<u32> = (0..10_000).collect();
        let mut applied = 0;
        let result = super::stream(
            &input,
            32,
            |_, n| *n,
            |i, _| {
                applied += 1;
                if i == 100 { Err("stop") } else { Ok(()) }
            },
        );
        assert_eq!(result, Err("stop"));
        assert_eq!(applied, 101);
    }

    #[test]
    fn a_long_list_sorted_on_two_cores_is_sorted_as_on_one() {
        for len in [0, 10, super::PARALLEL_SORT + 7] {
            // A scramble with repeats: 7919 is prime.
            let mut items: Vec<u64> = (0..len as u64).map(|i| i * 7919 % 1000).collect();
            let mut expected = items.clone();
            expected.sort_unstable();
            super::sort_unstable_by(&mut items, |a, b| a.cmp(b));
            assert_eq!(items, expected, "{len} items");
        }
    }

    #[test]
    fn an_empty_stream_applies_nothing() {
        let result: Result<(), ()> =
            super::stream(&[] as &[u8], 32, |_, n| *n, |_, _| panic!("applied"));
        assert_eq!(result, Ok(()));
    }
}
