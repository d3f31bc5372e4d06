//! Pricing a copy made only to be iterated once (MEM303 to MEM306): a slice, a
//! concatenation, `list(x)`, `[*x]` or `f.readlines()`, against iterating the source lazily.
//!
//! Measured with `tests/calibration/calibrate.py` (cases `MEM303-` to `MEM306-`): the copy's
//! item array is the excess, plus the objects each side needs to iterate. Loops over the
//! source create the same iterator on both sides, so it cancels; what differs is counted.

use super::runtime::{ListGrowth, Runtime, StrKind};
use super::{ASSUMED_PIECE_LENGTH, Comparison, Footprint, Growth, Length, human_bytes, totals};

/// The lines of a file are assumed this long, newline included, where nothing shows it.
const ASSUMED_LINE: u64 = ASSUMED_PIECE_LENGTH + 1;

/// `list.extend(iterator)` guesses this many items when the iterator gives no length hint
/// (`PyObject_LengthHint(iterable, 8)` in `list_extend`), as `readlines()` does.
const DEFAULT_LENGTH_HINT: u64 = 8;

/// What copy is made to be iterated once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IterationCopy {
    /// `seq[a:b]`: a new list with an exactly sized item array; `itertools.islice` iterates
    /// the source.
    Slice,
    /// `a + b + ...` of `operands` sequences: one new list; `itertools.chain` iterates each
    /// operand in turn.
    Concatenation { operands: u64 },
    /// `list(x)`: a list object made by a type call (not from the free list), an exactly
    /// sized item array, and inside `list()` the iterator of `x`, which the loop over `x`
    /// makes anyway.
    ListCall,
    /// `[*x]`: an item array resized once to the length of `x` (over-allocated on 3.8).
    Unpacked,
    /// `f.readlines()`: every line alive at once in a list grown from a guess of 8 items;
    /// iterating the file makes the same lines one at a time. `line` is the length of a
    /// line, newline included. `split` for `f.read().splitlines()`, priced the same: the
    /// whole-file string `read()` also holds is not counted.
    ReadLines { line: Length, split: bool },
}

impl IterationCopy {
    fn what(self) -> &'static str {
        match self {
            IterationCopy::Slice => "the slice",
            IterationCopy::Concatenation { .. } => "the concatenation",
            IterationCopy::ListCall => "`list()`",
            IterationCopy::Unpacked => "the unpacked list",
            IterationCopy::ReadLines { split: false, .. } => "`readlines()`",
            IterationCopy::ReadLines { split: true, .. } => "splitting `read()`",
        }
    }
}

/// The item array of `list_resize(list, n)` on an empty list: 3.8 over-allocates; 3.9+
/// allocates `n` rounded up to 4 when the jump is larger than the over-allocation.
fn resized_once(runtime: &Runtime, n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    match runtime.list_growth {
        ListGrowth::Py38 => n
            .saturating_add(n >> 3)
            .saturating_add(if n < 9 { 3 } else { 6 }),
        ListGrowth::Py39 => n.saturating_add(3) & !3,
    }
}

/// The item array of `list.extend(iterator)` on an empty list with `n` items and no length
/// hint: one resize to the default guess, then appends. Returns (allocations, final slots).
fn extended_from_iterator(runtime: &Runtime, n: u64) -> (u64, u64) {
    if n == 0 {
        return (1, resized_once(runtime, DEFAULT_LENGTH_HINT));
    }
    let mut capacity = resized_once(runtime, DEFAULT_LENGTH_HINT);
    let mut allocations = 1;
    while capacity < n {
        let grown = runtime.list_capacity_after_append(capacity);
        if grown <= capacity {
            break;
        }
        capacity = grown;
        allocations += 1;
    }
    (allocations, capacity)
}

fn block(bytes: u64) -> Footprint {
    Footprint {
        allocations: u64::from(bytes > 0),
        malloc_bytes: bytes,
        growth_bytes: 0,
        peak: bytes,
    }
}

/// Prices a copy of `n` items iterated once against iterating its source.
pub fn iteration_copy(runtime: &Runtime, copy: IterationCopy, n: u64) -> Comparison {
    let slot = runtime.list_item;
    let exact = n.saturating_mul(slot);
    let iterator = runtime.list_iterator;
    let (habit, alternative, how) = match copy {
        IterationCopy::Slice => (
            block(exact).plus(block(iterator)),
            block(runtime.islice).plus(block(iterator)),
            format!(
                "habit: an item array of {n} x {slot} = {exact} B and a {iterator} B list_iterator; \
                 alternative: a {} B islice object and the source's {iterator} B list_iterator",
                runtime.islice
            ),
        ),
        IterationCopy::Concatenation { operands } => {
            let iterators = Footprint {
                allocations: operands,
                malloc_bytes: operands.saturating_mul(iterator),
                growth_bytes: 0,
                // One operand is iterated at a time.
                peak: iterator,
            };
            // The chain object and the iterator over its arguments: two blocks.
            let chain = Footprint {
                allocations: 2,
                ..block(runtime.chain)
            };
            (
                block(exact).plus(block(iterator)),
                chain.plus(iterators),
                format!(
                    "habit: an item array of {n} x {slot} = {exact} B and a {iterator} B \
                     list_iterator; alternative: a {} B chain (with the iterator over its \
                     arguments) and a {iterator} B iterator for each of the {operands} operands, \
                     one alive at a time",
                    runtime.chain
                ),
            )
        }
        IterationCopy::ListCall => (
            block(runtime.list_object)
                .plus(block(exact))
                .plus(block(iterator)),
            Footprint::default(),
            format!(
                "habit: a {} B list object, an item array of {n} x {slot} = {exact} B and a \
                 {iterator} B list_iterator; the source's own iterator is made on both sides",
                runtime.list_object
            ),
        ),
        IterationCopy::Unpacked => {
            let slots = resized_once(runtime, n);
            let array = slots.saturating_mul(slot);
            (
                block(array),
                Footprint::default(),
                format!(
                    "habit: an item array resized once to {slots} slots x {slot} = {array} B; \
                     the loop's iterator is made on both sides"
                ),
            )
        }
        IterationCopy::ReadLines { line, split } => {
            let length = if line.is_assumed() {
                ASSUMED_LINE
            } else {
                line.known
            };
            let line_size = runtime.str_size(StrKind::Ascii, length);
            let lines = n.saturating_mul(line_size);
            let (resizes, slots) = extended_from_iterator(runtime, n);
            let array = slots.saturating_mul(slot);
            let habit = Footprint {
                allocations: n.saturating_add(resizes).saturating_add(1),
                malloc_bytes: lines.saturating_add(iterator),
                growth_bytes: array,
                peak: lines.saturating_add(array).saturating_add(iterator),
            };
            let alternative = Footprint {
                allocations: n,
                malloc_bytes: lines,
                growth_bytes: 0,
                peak: line_size,
            };
            (
                habit,
                alternative,
                format!(
                    "habit: {n} lines of {length} characters ({line_size} B each{assumed}) all \
                     alive, an item array grown in {resizes} steps to {slots} slots x {slot} = \
                     {array} B, and a {iterator} B list_iterator; alternative: the same lines \
                     made one at a time by the file's iterator{whole}",
                    assumed = if line.is_assumed() { ", assumed" } else { "" },
                    whole = if split {
                        "; the whole-file string `read()` holds as well is not counted"
                    } else {
                        ""
                    },
                ),
            )
        }
    };
    let version = runtime.version.dotted();
    let items = match copy {
        IterationCopy::ReadLines { .. } => format!("all {n} lines"),
        _ => format!("a copy of {n} references"),
    };
    let what = capitalised(copy.what());
    let summary = if habit.peak > alternative.peak {
        format!(
            "{what} holds {items} at once on CPython {version}, {} more at the peak than \
             iterating the source lazily",
            human_bytes(habit.peak - alternative.peak),
        )
    } else {
        format!(
            "{what} holds {items} on CPython {version}, no more than the iterator objects \
             that avoid it: a copy this short costs nothing material"
        )
    };
    let derivation = vec![how, totals(habit, alternative)];
    Comparison {
        habit,
        alternative,
        growth: Growth::Linear,
        summary,
        derivation,
        extra_time_ns: None,
        judged_by_figures: true,
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TargetVersion;

    fn runtime(minor: &str) -> Runtime {
        Runtime::for_version(
            format!("py3{minor}")
                .parse::<TargetVersion>()
                .expect("version"),
        )
    }

    /// Figures measured by `calibrate.py` (`MEM304-slice-100`, ...) on 3.8 to 3.13.
    #[test]
    fn a_slice_of_100_costs_its_item_array() {
        let priced = iteration_copy(&runtime("12"), IterationCopy::Slice, 100);
        assert_eq!(priced.habit.bytes() - priced.alternative.bytes(), 728);
        assert_eq!(priced.habit.allocations, priced.alternative.allocations);
    }

    #[test]
    fn chain_makes_an_iterator_per_operand() {
        let priced = iteration_copy(
            &runtime("12"),
            IterationCopy::Concatenation { operands: 2 },
            100,
        );
        assert_eq!(priced.habit.bytes() - priced.alternative.bytes(), 656);
        assert_eq!(priced.alternative.allocations - priced.habit.allocations, 2);
    }

    #[test]
    fn unpacking_over_allocates_on_38_only() {
        let on = |minor| iteration_copy(&runtime(minor), IterationCopy::Unpacked, 100).habit;
        assert_eq!(on("8").bytes(), 944);
        assert_eq!(on("9").bytes(), 800);
    }

    #[test]
    fn readlines_grows_from_a_guess_of_eight() {
        // 3.9+: 8, 16, 24, 32, 40, 52, 64, 76, 92, 108 slots.
        assert_eq!(extended_from_iterator(&runtime("12"), 100), (10, 108));
        // 3.8: 12, 20, 29, 39, 51, 64, 79, 96, 115 slots.
        assert_eq!(extended_from_iterator(&runtime("8"), 100), (9, 115));
        let priced = iteration_copy(
            &runtime("12"),
            IterationCopy::ReadLines {
                line: Length::UNKNOWN,
                split: false,
            },
            100,
        );
        assert_eq!(
            priced.habit.allocations - priced.alternative.allocations,
            11
        );
        assert_eq!(priced.habit.bytes() - priced.alternative.bytes(), 912);
    }
}
