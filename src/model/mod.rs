//! The cost model: what a habit costs in allocations and bytes on one CPython version.
//!
//! Rules describe what the code does as a [`Scenario`] (a string grown by `+=` in a loop, a
//! list built where an iterator would do, ...) without knowing anything about costs. This
//! module prices the scenario twice, as written (the *habit*) and as the rule suggests (the
//! *alternative*), with the figures of the target version in [`runtime`], and reports the
//! excess of the one over the other as a [`Cost`].
//!
//! What is counted, per [`Footprint`]: calls to the allocator (reallocations included), bytes
//! obtained from it (new blocks, plus the growth of reallocated ones), and the peak of live
//! bytes. Objects CPython serves from free lists in warm code (list objects, short tuples,
//! floats) are not counted, as an allocator hook does not see them. The figures are checked
//! against CPython 3.8 to 3.13 measured with an allocator hook (`tools/measure`).

pub mod runtime;

use std::fmt;

use serde::{Serialize, Serializer};

use crate::config::TargetVersion;
pub use runtime::{Runtime, Store};

/// The length assumed for a string piece whose length the source does not show.
pub const ASSUMED_PIECE_LENGTH: u64 = 10;

/// How many times the flagged code runs, and how we know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Iterations {
    pub count: u64,
    pub source: IterationsSource,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IterationsSource {
    /// A loop whose trip count cannot be seen: `--assume-iterations`.
    Assumed,
    /// A loop over `range(...)` with literal arguments.
    RangeLiteral,
    /// Not in a loop: the code runs once each time its block runs.
    Single,
}

impl Iterations {
    pub const SINGLE: Iterations = Iterations {
        count: 1,
        source: IterationsSource::Single,
    };

    pub fn assumed(count: u64) -> Iterations {
        Iterations {
            count,
            source: IterationsSource::Assumed,
        }
    }
}

/// How the excess grows with the number of iterations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Growth {
    Constant,
    Linear,
    Quadratic,
}

impl Growth {
    pub fn as_str(self) -> &'static str {
        match self {
            Growth::Constant => "O(1)",
            Growth::Linear => "O(n)",
            Growth::Quadratic => "O(n^2)",
        }
    }
}

impl Serialize for Growth {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What a finding costs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cost {
    /// The CPython version the figures are for, e.g. `"3.12"`.
    pub python: String,
    pub iterations: u64,
    pub iterations_source: IterationsSource,
    /// Calls to the allocator beyond the alternative's, reallocations included.
    pub allocations: u64,
    /// Bytes obtained from the allocator beyond the alternative's.
    pub allocated_bytes: u64,
    /// How much higher the peak of live bytes is than the alternative's.
    pub peak_bytes: u64,
    pub growth: Growth,
    /// One sentence a person can act on.
    pub summary: String,
}

/// The kinds of sequence grown by concatenation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sequence {
    Str,
    Bytes,
    Tuple,
}

/// A length the source shows, or one it does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Length {
    Known(u64),
    Unknown,
}

impl Length {
    fn or_assumed(self) -> u64 {
        match self {
            Length::Known(length) => length,
            Length::Unknown => ASSUMED_PIECE_LENGTH,
        }
    }
}

/// Where the items of a materialised list come from, which decides the lazy alternative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Producer {
    /// A list comprehension; the alternative is a generator expression.
    Comprehension,
    /// `.append()` in a loop; the alternative is a generator function.
    AppendLoop,
}

/// What the flagged code does, in terms the model can price.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// `x == None`-style: rich comparison dispatch where `is` compares pointers. No allocation.
    EqualityDispatch,
    /// `x is "literal"`: an identity test whose answer depends on interning. No allocation.
    IdentityOfValue,
    /// A sequence grown by concatenation once per iteration: `s += piece`.
    Accumulation {
        sequence: Sequence,
        store: Store,
        /// `s += x` or `s = s + x`, the only shapes CPython can resize in place.
        resizable: bool,
        /// Characters (str), bytes (bytes) or items (tuple) added per iteration.
        piece: Length,
    },
    /// `a + b + c` over strings where one f-string builds the result once.
    ConcatChain { operands: Vec<Length> },
    /// A list filled item by item and then only iterated once, where an iterator would do.
    MaterialisedList { producer: Producer },
    /// Loads of module globals or builtins where a local would do. No allocation.
    GlobalLookup { builtin: bool },
    /// An attribute chain on a module looked up each time. No allocation.
    ModuleAttributeLookup { attributes: u64 },
}

/// What one way of doing the work allocates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Footprint {
    /// Calls to malloc, calloc and realloc.
    pub allocations: u64,
    /// Bytes requested by malloc and calloc.
    pub malloc_bytes: u64,
    /// Bytes by which reallocations grew their blocks.
    pub growth_bytes: u64,
    /// The most bytes live at once.
    pub peak: u64,
}

impl Footprint {
    /// Everything obtained from the allocator.
    pub fn bytes(self) -> u64 {
        self.malloc_bytes.saturating_add(self.growth_bytes)
    }

    fn times(self, n: u64) -> Footprint {
        Footprint {
            allocations: self.allocations.saturating_mul(n),
            malloc_bytes: self.malloc_bytes.saturating_mul(n),
            growth_bytes: self.growth_bytes.saturating_mul(n),
            peak: self.peak,
        }
    }
}

/// A habit and its alternative, priced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub habit: Footprint,
    pub alternative: Footprint,
    pub growth: Growth,
    pub summary: String,
}

impl Comparison {
    fn free(summary: String) -> Comparison {
        Comparison {
            habit: Footprint::default(),
            alternative: Footprint::default(),
            growth: Growth::Constant,
            summary,
        }
    }
}

/// Prices `scenario` run `iterations` times on `version`: the excess of the habit over the
/// alternative.
pub fn estimate(scenario: &Scenario, iterations: Iterations, version: TargetVersion) -> Cost {
    let comparison = compare(scenario, iterations.count, version);
    let (habit, alternative) = (comparison.habit, comparison.alternative);
    Cost {
        python: version.dotted(),
        iterations: iterations.count,
        iterations_source: iterations.source,
        allocations: habit.allocations.saturating_sub(alternative.allocations),
        allocated_bytes: habit.bytes().saturating_sub(alternative.bytes()),
        peak_bytes: habit.peak.saturating_sub(alternative.peak),
        growth: comparison.growth,
        summary: comparison.summary,
    }
}

/// Prices the habit and its alternative separately, for `n` iterations.
pub fn compare(scenario: &Scenario, n: u64, version: TargetVersion) -> Comparison {
    let runtime = Runtime::for_version(version);
    match scenario {
        Scenario::EqualityDispatch => Comparison::free(
            "No allocation: `==` goes through rich comparison and the operands' `__eq__`, \
             where `is` compares two pointers"
                .to_string(),
        ),
        Scenario::IdentityOfValue => Comparison::free(
            "No allocation, but the result depends on CPython's caching and interning of \
             constants, which differs between versions and between compiled and computed values"
                .to_string(),
        ),
        Scenario::Accumulation {
            sequence,
            store,
            resizable,
            piece,
        } => {
            let in_place =
                *sequence == Sequence::Str && *resizable && runtime.str_concat_in_place(*store);
            accumulation(&runtime, *sequence, *store, in_place, *piece, n)
        }
        Scenario::ConcatChain { operands } => concat_chain(&runtime, operands, n),
        Scenario::MaterialisedList { producer } => materialised_list(&runtime, *producer, n),
        Scenario::GlobalLookup { builtin } => lookups(&runtime, n, *builtin),
        Scenario::ModuleAttributeLookup { attributes } => {
            attribute_lookups(&runtime, n, *attributes)
        }
    }
}

/// Requested bytes of a sequence grown by concatenation, after `i` iterations.
struct Sizes {
    base: u64,
    per_iteration: u64,
}

impl Sizes {
    fn after(&self, i: u64) -> u64 {
        self.base
            .saturating_add(self.per_iteration.saturating_mul(i))
    }

    /// Total bytes of the values after iterations `first..=last`, without overflow.
    fn sum(&self, first: u64, last: u64) -> u64 {
        if first > last {
            return 0;
        }
        let count = u128::from(last - first + 1);
        // first + last < 2^65 and count < 2^64, so the product fits in a u128.
        let indices = (u128::from(first) + u128::from(last)) * count / 2;
        let total = (u128::from(self.base) * count)
            .saturating_add(u128::from(self.per_iteration).saturating_mul(indices));
        u64::try_from(total).unwrap_or(u64::MAX)
    }
}

fn accumulation(
    runtime: &Runtime,
    sequence: Sequence,
    store: Store,
    in_place: bool,
    piece: Length,
    n: u64,
) -> Comparison {
    let p = piece.or_assumed();
    let sizes = match sequence {
        Sequence::Str => Sizes {
            base: runtime.str_base,
            per_iteration: p,
        },
        Sequence::Bytes => Sizes {
            base: runtime.bytes_base,
            per_iteration: p,
        },
        Sequence::Tuple => Sizes {
            base: runtime.tuple_base,
            per_iteration: 8 * p,
        },
    };
    let habit = if in_place {
        grown_in_place(&sizes, n)
    } else {
        copied_every_iteration(runtime, sequence, &sizes, p, n)
    };
    let alternative = joined(runtime, sequence, &sizes, p, n);
    let version = runtime.version.dotted();
    let assumption = match piece {
        Length::Known(_) => String::new(),
        Length::Unknown => format!(" (assuming {ASSUMED_PIECE_LENGTH}-character pieces)"),
    };
    let fix = match sequence {
        Sequence::Str => "collecting the pieces and calling `''.join()` once",
        Sequence::Bytes => "a `bytearray` or `b''.join()`",
        Sequence::Tuple => "appending to a list and calling `tuple()` once",
    };
    if in_place {
        let aliased = copied_every_iteration(runtime, sequence, &sizes, p, n);
        let namespace = if store == Store::Name {
            " (module-level code also rebuilds the namespace dict every dozen or so iterations)"
        } else {
            ""
        };
        return Comparison {
            habit,
            alternative,
            growth: Growth::Linear,
            summary: format!(
                "CPython {version} resizes this str in place{namespace}: {reallocs} reallocations, \
                 {final_size} in the end{assumption}; any other reference to the string (an \
                 alias, a list holding it) makes every iteration copy it, {quadratic} over {n} \
                 iterations",
                reallocs = habit.allocations,
                final_size = human_bytes(sizes.after(n)),
                quadratic = human_bytes(aliased.bytes()),
            ),
        };
    }
    let why = match (sequence, store) {
        (Sequence::Str, Store::Attribute) => "an attribute is never resized in place",
        (Sequence::Str, Store::Global) => "a `global` is never resized in place",
        (Sequence::Str, Store::Name) if runtime.str_concat_in_place(store) => {
            "only `s += x` and `s = s + x` are resized in place, so the string is copied"
        }
        (Sequence::Str, Store::Closure) if runtime.str_concat_in_place(store) => {
            "only `s += x` and `s = s + x` are resized in place, so the string is copied"
        }
        (Sequence::Str, Store::Name) => "module-level code is not resized in place since 3.11",
        (Sequence::Str, Store::Closure) => "a closure variable is not resized in place since 3.11",
        (Sequence::Str, Store::Local) => {
            "only `s += x` and `s = s + x` are resized in place, so the string is copied"
        }
        (Sequence::Bytes, _) => "bytes are never resized in place",
        (Sequence::Tuple, _) => "tuples are never resized in place",
    };
    let what = match sequence {
        Sequence::Str => "str",
        Sequence::Bytes => "bytes",
        Sequence::Tuple => "tuple",
    };
    Comparison {
        habit,
        alternative,
        growth: Growth::Quadratic,
        summary: format!(
            "Quadratic on CPython {version} ({why}): {n} iterations copy the growing {what}, \
             {total} allocated{assumption}; {fix} allocates {alternative_bytes}",
            total = human_bytes(habit.bytes()),
            alternative_bytes = human_bytes(alternative.bytes()),
        ),
    }
}

/// `s += piece` resized in place: the first iteration returns `piece` itself (`'' + x` is
/// `x`), the second copies it into a new string, every later one reallocates that string.
fn grown_in_place(sizes: &Sizes, n: u64) -> Footprint {
    if n < 2 {
        return Footprint::default();
    }
    Footprint {
        allocations: n - 1,
        malloc_bytes: sizes.after(2),
        growth_bytes: sizes.after(n) - sizes.after(2),
        peak: sizes.after(n),
    }
}

/// Every iteration from the second allocates a new value of the grown size; tuples short
/// enough for the free list never reach the allocator.
fn copied_every_iteration(
    runtime: &Runtime,
    sequence: Sequence,
    sizes: &Sizes,
    p: u64,
    n: u64,
) -> Footprint {
    let first_allocated = match sequence {
        Sequence::Tuple => (runtime.tuple_free_list_max_len / p.max(1) + 1).max(2),
        Sequence::Str | Sequence::Bytes => 2,
    };
    if n < first_allocated {
        return Footprint::default();
    }
    let last_two = if n > first_allocated {
        sizes.after(n - 1).saturating_add(sizes.after(n))
    } else {
        sizes.after(n)
    };
    Footprint {
        allocations: n - first_allocated + 1,
        malloc_bytes: sizes.sum(first_allocated, n),
        growth_bytes: 0,
        peak: last_two,
    }
}

/// The linear alternative: a list of references grown by appends, then one object of the
/// final size (`''.join`, `b''.join` or `tuple()`).
fn joined(runtime: &Runtime, sequence: Sequence, sizes: &Sizes, p: u64, n: u64) -> Footprint {
    let references = match sequence {
        Sequence::Tuple => n.saturating_mul(p),
        Sequence::Str | Sequence::Bytes => n,
    };
    let fill = runtime.list_appends(references);
    // `tuple(parts)` of a short list comes from the tuple free list.
    let final_size = match sequence {
        Sequence::Tuple if references <= runtime.tuple_free_list_max_len => 0,
        _ => sizes.after(n),
    };
    let buffers = if sequence == Sequence::Bytes && n > runtime.bytes_join_static_buffers {
        runtime.bytes_join_buffer_per_part.saturating_mul(n)
    } else {
        0
    };
    let malloc_bytes = final_size.saturating_add(buffers);
    Footprint {
        allocations: fill.resizes + u64::from(final_size > 0) + u64::from(buffers > 0),
        malloc_bytes,
        growth_bytes: fill.array_bytes(),
        peak: fill.array_bytes().saturating_add(malloc_bytes),
    }
}

fn concat_chain(runtime: &Runtime, operands: &[Length], n: u64) -> Comparison {
    let lengths: Vec<u64> = operands.iter().map(|length| length.or_assumed()).collect();
    // The running totals a + b, a + b + c, ..., up to the whole.
    let prefixes: Vec<u64> = lengths
        .iter()
        .scan(0u64, |sum, length| {
            *sum = sum.saturating_add(*length);
            Some(*sum)
        })
        .skip(1)
        .collect();
    let total = prefixes.last().copied().unwrap_or_default();
    let string = |length: u64| runtime.str_base.saturating_add(length);
    let intermediates = &prefixes[..prefixes.len().saturating_sub(1)];
    let per_evaluation = if runtime.chain_temporaries_in_place {
        // The first `+` allocates, the later ones reallocate the unshared temporary.
        Footprint {
            allocations: prefixes.len() as u64,
            malloc_bytes: string(prefixes.first().copied().unwrap_or_default()),
            growth_bytes: total - prefixes.first().copied().unwrap_or_default(),
            peak: string(total),
        }
    } else {
        Footprint {
            allocations: prefixes.len() as u64,
            malloc_bytes: prefixes
                .iter()
                .fold(0u64, |sum, length| sum.saturating_add(string(*length))),
            growth_bytes: 0,
            peak: intermediates
                .last()
                .map_or(0, |last| string(*last))
                .saturating_add(string(total)),
        }
    };
    let fstring = Footprint {
        allocations: 1,
        malloc_bytes: string(total),
        growth_bytes: 0,
        peak: string(total),
    };
    // In a loop the previous result stays alive until the new one is stored over it.
    let (mut habit, mut alternative) = (per_evaluation.times(n), fstring.times(n));
    if n > 1 {
        habit.peak = habit.peak.saturating_add(string(total));
        alternative.peak = alternative.peak.saturating_add(string(total));
    }
    let version = runtime.version.dotted();
    let assumption = if operands.contains(&Length::Unknown) {
        format!(" (assuming {ASSUMED_PIECE_LENGTH} characters per operand not written out)")
    } else {
        String::new()
    };
    let summary = if runtime.chain_temporaries_in_place {
        format!(
            "CPython {version} appends to the unshared temporary in place: {extra} extra \
             reallocations per evaluation but no extra bytes; from 3.11 on each `+` allocates a \
             new string",
            extra = intermediates.len(),
        )
    } else {
        format!(
            "Each evaluation builds {count} ({bytes}) before the {result} \
             result{assumption}; an f-string allocates only the result",
            count = match intermediates.len() {
                1 => "1 intermediate string".to_string(),
                count => format!("{count} intermediate strings"),
            },
            bytes = human_bytes(
                intermediates
                    .iter()
                    .fold(0u64, |sum, length| sum.saturating_add(string(*length)))
            ),
            result = human_bytes(string(total)),
        )
    };
    Comparison {
        habit,
        alternative,
        growth: if n > 1 {
            Growth::Linear
        } else {
            Growth::Constant
        },
        summary,
    }
}

fn materialised_list(runtime: &Runtime, producer: Producer, n: u64) -> Comparison {
    let fill = runtime.list_appends(n);
    let function = match producer {
        Producer::Comprehension if runtime.comprehension_makes_function => runtime.function,
        _ => 0,
    };
    // The array grows by reallocation; iterating the list once creates a list iterator.
    let list = Footprint {
        allocations: fill.resizes + 1 + u64::from(function > 0),
        malloc_bytes: runtime.list_iterator + function,
        growth_bytes: fill.array_bytes(),
        peak: fill.array_bytes().saturating_add(function),
    };
    let lazy_function = match producer {
        Producer::Comprehension => runtime.function,
        Producer::AppendLoop => 0,
    };
    let generator = Footprint {
        allocations: 1 + u64::from(lazy_function > 0),
        malloc_bytes: runtime.generator + lazy_function,
        growth_bytes: 0,
        peak: runtime.generator + lazy_function,
    };
    let version = runtime.version.dotted();
    let summary = if list.peak <= generator.peak {
        format!(
            "At {n} items the list ({list_bytes}) is no bigger than a generator ({generator_bytes}) \
             on CPython {version}; the saving appears as the list grows, and the list keeps every \
             item alive at once",
            list_bytes = human_bytes(list.peak),
            generator_bytes = human_bytes(generator.peak),
        )
    } else {
        format!(
            "Builds a {n}-item list ({list_bytes} in {allocations} allocations) that is iterated \
             once and dropped, keeping every item alive at once; a generator holds one item at a \
             time in {generator_bytes} on CPython {version}",
            list_bytes = human_bytes(list.peak),
            allocations = list.allocations,
            generator_bytes = human_bytes(generator.peak),
        )
    };
    Comparison {
        habit: list,
        alternative: generator,
        growth: Growth::Linear,
        summary,
    }
}

fn lookups(runtime: &Runtime, n: u64, builtin: bool) -> Comparison {
    let version = runtime.version.dotted();
    let what = if builtin {
        "builtins"
    } else {
        "module globals"
    };
    let detail = if runtime.specialised_globals {
        format!(
            "CPython {version} specialises the load into a cached `LOAD_GLOBAL_{kind}`, a few \
             nanoseconds slower than a local",
            kind = if builtin { "BUILTIN" } else { "MODULE" },
        )
    } else {
        format!(
            "on CPython {version} each `LOAD_GLOBAL` probes the globals dict{also} unless the \
             opcache has warmed up",
            also = if builtin {
                " and then the builtins dict"
            } else {
                ""
            },
        )
    };
    Comparison::free(format!(
        "No allocation: {n} loads from the {what} where a local would be a `LOAD_FAST`; {detail}"
    ))
}

fn attribute_lookups(runtime: &Runtime, n: u64, attributes: u64) -> Comparison {
    let per_iteration = if attributes == 1 {
        "one global and one attribute lookup".to_string()
    } else {
        format!("one global and {attributes} attribute lookups")
    };
    Comparison::free(format!(
        "No allocation: {lookups} lookups ({n} iterations x {per_iteration}) where binding the \
         target to a local pays them once; CPython {version} {cache}",
        lookups = n.saturating_mul(attributes + 1),
        version = runtime.version.dotted(),
        cache = if runtime.specialised_globals {
            "caches each lookup, so the saving is mostly interpreter overhead"
        } else {
            "does a dictionary lookup for each"
        },
    ))
}

/// `1.2 KB`, `340 B`, `5.0 MB`: for summaries, in powers of 1000 like `ls -h --si`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)
    }
}

#[cfg(test)]
mod tests;
