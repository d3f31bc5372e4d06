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

mod iteration;
pub mod runtime;

use std::fmt;

use serde::{Serialize, Serializer};

use ruff_text_size::TextRange;

use crate::config::TargetVersion;
pub use iteration::IterationCopy;
pub use runtime::{KeysReuse, ListDisplay, ListFill, Runtime, Store, StrKind};

/// The length assumed for a string piece whose length the source does not show.
pub const ASSUMED_PIECE_LENGTH: u64 = 10;

/// A count the source does not show, and what it counts: priced at `--assume-iterations`
/// and named in the output as an assumption.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unshown {
    /// What is counted, for a person: "the loop over `rows`", "the lines of the file".
    pub what: String,
    pub place: Place,
    /// The source bounds the count without showing it: a loop over a function's `*args`
    /// runs once per argument its callers write out. A quadratic habit over it is not one
    /// over data the code does not bound.
    pub bounded: bool,
}

impl Unshown {
    /// A count the source neither shows nor bounds, at `range` in the finding's file.
    pub fn at(what: String, range: TextRange) -> Unshown {
        Unshown {
            what,
            place: Place::Range(range),
            bounded: false,
        }
    }
}

/// Where something the output names is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// In the finding's own file, not yet given a line.
    Range(TextRange),
    /// On `line` of `file`, or of the finding's own file when `file` is `None`.
    Line { file: Option<String>, line: usize },
}

/// How many times the flagged code runs, as far as the source shows it.
///
/// `count` is the *n* that sizes the habit: the iterations of the loops a string keeps
/// growing across, the items of a list, the evaluations of an expression. `runs` is how often
/// that whole thing is repeated by loops around it (an accumulator re-initialised in an outer
/// loop, a list built inside a loop): bytes and allocations scale with it, the peak does not.
///
/// Both are products of the counts the source shows: `range(2**18)`, a literal list, a name
/// bound once to a constant. A factor it does not show is listed instead. The model prices
/// the unknown factors of `count` together at one assumed count, and leaves those of `runs`
/// out (the figures are then per run); the severity is judged on what the source shows alone.
#[derive(Clone, Debug, PartialEq)]
pub struct Iterations {
    /// The product of the counts the source shows for *n* (1 when it shows none).
    pub count: u64,
    pub unshown_count: Vec<Unshown>,
    /// How many times per pass of its loops the code runs: 1/2 inside an `if` without
    /// `else`, 1/4 in one arm of `if/elif/elif/else`, multiplied through the levels; 2 for two
    /// statements growing the same string in sequence. Applied to `count`, and to the assumed
    /// count alike.
    pub weight: f64,
    /// How often loops around repeat the whole, as the source shows (their shares applied).
    pub runs: u64,
    pub unshown_runs: Vec<Unshown>,
}

/// `count` times `weight`, rounded to the nearest; at least 1 when `count` is.
fn weighted(count: u64, weight: f64) -> u64 {
    if count == 0 || weight == 1.0 {
        return count;
    }
    ((count as f64 * weight).round() as u64).max(1)
}

/// Where a finding's *n* comes from, for the machine formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IterationsSource {
    /// Not in a loop: the code runs once each time its block runs.
    Single,
    /// Every count comes from the source: `range(...)` of constants, literal collections.
    Shown,
    /// At least one count the source does not show was assumed.
    Assumed,
}

impl Iterations {
    pub const SINGLE: Iterations = Iterations {
        count: 1,
        unshown_count: Vec::new(),
        weight: 1.0,
        runs: 1,
        unshown_runs: Vec::new(),
    };

    /// `count` times, as the source shows.
    pub fn shown(count: u64) -> Iterations {
        Iterations {
            count,
            ..Iterations::SINGLE
        }
    }

    /// A number of times the source does not show.
    pub fn unshown(unshown: Unshown) -> Iterations {
        Iterations {
            unshown_count: vec![unshown],
            ..Iterations::SINGLE
        }
    }

    /// These iterations with one more factor: `Some(count)` shown, or unknown.
    pub fn times(mut self, factor: Result<u64, Unshown>) -> Iterations {
        match factor {
            Ok(count) => self.count = self.count.saturating_mul(count),
            Err(unshown) => self.unshown_count.push(unshown),
        }
        self
    }

    /// These iterations, the whole of them repeated by `outer` (whose own runs are folded in).
    pub fn repeated_by(mut self, outer: Iterations) -> Iterations {
        self.runs = self
            .runs
            .saturating_mul(outer.shown_count())
            .saturating_mul(outer.runs);
        self.unshown_runs.extend(outer.unshown_count);
        self.unshown_runs.extend(outer.unshown_runs);
        self
    }

    /// The *n* the source shows: `count`, its weight applied.
    pub fn shown_count(&self) -> u64 {
        weighted(self.count, self.weight)
    }

    /// The *n* the habit is priced at: `count`, with the factors the source does not show
    /// together taken as `assumed`, its weight applied.
    pub fn priced_count(&self, assumed: u64) -> u64 {
        if self.unshown_count.is_empty() {
            self.shown_count()
        } else {
            weighted(self.count.saturating_mul(assumed), self.weight)
        }
    }

    /// How many branches the code shares its loops' iterations with (1 when none).
    pub fn shared_by(&self) -> u64 {
        if self.weight < 1.0 {
            (1.0 / self.weight).round() as u64
        } else {
            1
        }
    }

    /// These iterations with every count the source does not show placed on its line, from
    /// `line_of` an offset in their file: for a finding made after that file's source is gone.
    pub fn placed(mut self, line_of: impl Fn(ruff_text_size::TextSize) -> usize) -> Iterations {
        for unshown in self.unshown_count.iter_mut().chain(&mut self.unshown_runs) {
            if let Place::Range(range) = unshown.place {
                unshown.place = Place::Line {
                    file: None,
                    line: line_of(range.start()),
                };
            }
        }
        self
    }

    /// These iterations with every count the source does not show said to be in `file`.
    pub fn in_file(mut self, file: &str) -> Iterations {
        for unshown in self.unshown_count.iter_mut().chain(&mut self.unshown_runs) {
            if let Place::Line { file: in_file, .. } = &mut unshown.place {
                *in_file = Some(file.to_string());
            }
        }
        self
    }

    pub fn source(&self) -> IterationsSource {
        if !self.unshown_count.is_empty() || !self.unshown_runs.is_empty() {
            IterationsSource::Assumed
        } else if self.count == 1 && self.runs == 1 && self.weight == 1.0 {
            IterationsSource::Single
        } else {
            IterationsSource::Shown
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

/// Below these a figure is within what a measurement can tell from noise: the calibration
/// tests hold the model to measurement only where a figure reaches them.
pub const MATERIAL_BYTES: i64 = 4096;
pub const MATERIAL_ALLOCATIONS: i64 = 50;

/// From these, at the counts the source shows, a habit is worth a warning: a mebibyte
/// allocated or held beyond the alternative, ten thousand allocator calls (about a
/// millisecond of `malloc` and `free` in CPython), or a millisecond of lookups. Below them a
/// habit costs microseconds and kilobytes, which no maintainer would change code for.
const WARNING_BYTES: i64 = 1 << 20;
const WARNING_ALLOCATIONS: i64 = 10_000;
const WARNING_TIME_NS: u64 = 1_000_000;
/// Excess bytes allocated by a quadratic habit from which it is an error: 16 MiB, a thousand
/// iterations copying a string of a few dozen kilobytes.
const QUADRATIC_ERROR_BYTES: i64 = 16 << 20;
/// Excess bytes allocated or held from which any habit is an error.
const LINEAR_ERROR_BYTES: i64 = 64 << 20;

/// How much a finding matters, judged from the cost the source shows.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Costs nothing material at the counts the source shows.
    Info,
    /// A material cost at the counts the source shows (1 MiB or more allocated or held,
    /// 10,000 or more allocator calls for more bytes, or 1 ms of lookups), or a quadratic
    /// habit over data whose size the source does not bound.
    Warning,
    /// A quadratic habit past 16 MiB, or any habit past 64 MiB, at the counts the source
    /// shows.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// The severity `shown`, the excess at the counts the source shows, calls for. A figure
    /// resting on an assumed count never decides it: an unknown count raises a finding only
    /// through its growth, a quadratic habit over data the code does not bound being worth a
    /// warning at the sizes a user may feed it.
    fn judge(shown: &Excess, growth: Growth, unbounded: bool) -> Severity {
        let bytes = shown.allocated_bytes.max(shown.peak_bytes);
        let figures = if (growth == Growth::Quadratic
            && shown.allocated_bytes >= QUADRATIC_ERROR_BYTES)
            || bytes >= LINEAR_ERROR_BYTES
        {
            Severity::Error
        } else if bytes >= WARNING_BYTES
            // More calls for fewer bytes (a str resized in place) is not worth a warning.
            || (shown.allocations >= WARNING_ALLOCATIONS && shown.allocated_bytes > 0)
            || shown.extra_time_ns.is_some_and(|ns| ns >= WARNING_TIME_NS)
        {
            Severity::Warning
        } else {
            Severity::Info
        };
        if growth == Growth::Quadratic && unbounded {
            figures.max(Severity::Warning)
        } else {
            figures
        }
    }
}

/// One way of doing the work, in the units of [`Cost`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub allocations: u64,
    pub allocated_bytes: u64,
    pub peak_bytes: u64,
}

/// What the habit costs beyond its alternative.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Excess {
    /// Calls to malloc, calloc and realloc beyond the alternative's; negative when the habit
    /// makes fewer.
    pub allocations: i64,
    /// Bytes requested from the allocator (for a realloc, its growth) beyond the
    /// alternative's; negative when the habit asks for less.
    pub allocated_bytes: i64,
    /// How much higher the high-water mark of live bytes is than the alternative's.
    pub peak_bytes: i64,
    /// Extra interpreter time, for habits that cost time and not memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_time_ns: Option<u64>,
    /// The counts passed what the model can price ([`MAX_PRICED_COUNT`]) or a figure passed
    /// what it can hold: the real excess is more than these figures.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub at_least: bool,
}

impl Excess {
    /// True when the habit costs more than its alternative on some figure.
    pub fn any_positive(&self) -> bool {
        self.allocations > 0
            || self.allocated_bytes > 0
            || self.peak_bytes > 0
            || self.extra_time_ns.is_some_and(|ns| ns > 0)
    }
}

/// Whether an assumption stands for part of *n* or for the loops that repeat it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Part of *n*: priced at the assumed count.
    Count,
    /// A loop around that repeats the whole an unknown number of times: the figures are per
    /// run of it.
    Runs,
}

/// A count the source does not show, as the output names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assumption {
    pub what: String,
    /// The file it is in, when that is not the finding's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Its line; 0 until the finding is placed in its file.
    pub line: usize,
    #[serde(skip)]
    range: Option<TextRange>,
    pub role: Role,
}

impl Assumption {
    /// Gives the assumption its line, from `line_of` an offset in the finding's file.
    fn place(&mut self, line_of: impl Fn(ruff_text_size::TextSize) -> usize) {
        if let Some(range) = self.range.take() {
            self.line = line_of(range.start());
        }
    }
}

/// The most iterations the model prices: past it, figures are those of this many and say
/// "more than". Linear figures of this many items fit a `u64`; quadratic ones saturate,
/// which the model sees and reports the same way.
pub const MAX_PRICED_COUNT: u64 = 1 << 32;

/// What a finding costs: the habit's figures minus its alternative's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cost {
    /// The CPython version the figures are for, e.g. `"3.12"`.
    pub python: String,
    /// The *n* the figures are for, assumed counts included (see [`Iterations`]).
    pub iterations: u64,
    /// How often loops around the habit repeat it, as far as the source shows.
    pub runs: u64,
    pub iterations_source: IterationsSource,
    /// The count each factor of *n* the source does not show was taken as, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumed: Option<u64>,
    /// How many branches the code shares its loops' iterations with (see [`Iterations`]).
    #[serde(skip_serializing_if = "is_one")]
    pub shared_by: u64,
    #[serde(flatten)]
    pub excess: Excess,
    pub growth: Growth,
    pub severity: Severity,
    pub habit: Figures,
    pub alternative: Figures,
    /// The excess at the counts the source shows, each unknown count taken as once: what
    /// the severity is judged on and what `--statistics` adds up.
    pub shown: Excess,
    /// The counts the source does not show, one per loop or collection.
    pub assumptions: Vec<Assumption>,
    /// One sentence a person can act on.
    pub summary: String,
    /// How the figures were reached, a formula per line, for `--show-derivation`.
    #[serde(skip)]
    pub derivation: Vec<String>,
    /// Whether what the advice gains shows in the figures: false for correctness and
    /// lifetime habits, which are reported whatever they cost.
    #[serde(skip)]
    pub judged_by_figures: bool,
}

impl Cost {
    /// Gives each assumption its line, from `line_of` an offset in the finding's file, and
    /// lists them in the order of the source.
    pub fn place_assumptions(&mut self, line_of: impl Fn(ruff_text_size::TextSize) -> usize) {
        for assumption in &mut self.assumptions {
            assumption.place(&line_of);
        }
        self.assumptions
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    }

    /// False when the figures are all the advice is about and the alternative is no better
    /// on any of them: such a finding is not worth reporting.
    pub fn worth_reporting(&self) -> bool {
        !self.judged_by_figures || self.excess.any_positive()
    }
}

/// The kinds of sequence grown by concatenation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sequence {
    Str,
    Bytes,
    Tuple,
    /// `lst = lst + piece`: a new list each time (`lst += piece` extends in place and is not
    /// this scenario).
    List,
}

/// A length as far as the source shows it: characters (or items) written out in literals,
/// plus operands whose length it does not show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Length {
    pub known: u64,
    /// Operands of unknown length, each assumed to be [`ASSUMED_PIECE_LENGTH`] long.
    pub unknown: u64,
}

impl Length {
    pub const UNKNOWN: Length = Length {
        known: 0,
        unknown: 1,
    };

    pub fn known(length: u64) -> Length {
        Length {
            known: length,
            unknown: 0,
        }
    }

    pub fn plus(self, other: Length) -> Length {
        Length {
            known: self.known.saturating_add(other.known),
            unknown: self.unknown.saturating_add(other.unknown),
        }
    }

    fn or_assumed(self) -> u64 {
        self.known
            .saturating_add(self.unknown.saturating_mul(ASSUMED_PIECE_LENGTH))
    }

    fn is_assumed(self) -> bool {
        self.unknown > 0
    }
}

/// Where the items of a materialised list come from, which decides the lazy alternative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Producer {
    /// A list comprehension; the alternative is a generator expression.
    Comprehension,
    /// `.append()` in a loop; the alternative is a generator function.
    AppendLoop,
    /// A list comprehension only counted by `len()`; the alternative, `sum(1 for ...)`, is a
    /// generator expression that never computes the items.
    Count,
}

/// What a materialised collection is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    List,
    /// A set comprehension: a hash table instead of an array, its items assumed distinct.
    Set,
}

/// The ints CPython caches and never allocates (`_PY_NSMALLNEGINTS`, `_PY_NSMALLPOSINTS` in
/// `Include/internal/pycore_global_objects.h`; the same on 3.8 to 3.14).
pub const SMALL_INTS: std::ops::RangeInclusive<i128> = -5..=256;

/// Ints a list would hold, by size: how many are cached small ints and how many of the rest
/// take 1, 2, 3, or 4 and more 30-bit digits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IntValues {
    pub cached: u64,
    pub fresh_by_digits: [u64; 4],
}

impl IntValues {
    pub fn add(&mut self, value: i128) {
        if SMALL_INTS.contains(&value) {
            self.cached += 1;
            return;
        }
        let bits = 128 - value.unsigned_abs().leading_zeros();
        let digits = bits.div_ceil(30).clamp(1, 4) as usize;
        self.fresh_by_digits[digits - 1] += 1;
    }

    pub fn fresh(&self) -> u64 {
        self.fresh_by_digits
            .iter()
            .fold(0u64, |sum, count| sum.saturating_add(*count))
    }

    /// These counts multiplied by `factor` (rounded), for ranges too long to evaluate whole.
    pub fn scaled(self, factor: f64) -> IntValues {
        let scale = |count: u64| (count as f64 * factor).round() as u64;
        IntValues {
            cached: scale(self.cached),
            fresh_by_digits: self.fresh_by_digits.map(scale),
        }
    }
}

/// The objects a materialised list holds, as far as the source shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elements {
    /// References to objects that exist anyway: `True`, `False`, `None`, cached small ints.
    Existing,
    /// Ints computed from a `range` with literal bounds, counted exactly.
    Ints(IntValues),
    /// One new float per item.
    Floats,
    /// Not known from the source: only the list's own pointers are counted.
    Unknown,
}

/// A sequence grown by concatenation once per iteration: `s += piece`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accumulation {
    pub sequence: Sequence,
    pub store: Store,
    /// `s += x` or `s = s + x`, the only shapes CPython can resize in place.
    pub resizable: bool,
    /// Another reference to the value is kept across iterations (`t = s`,
    /// `parts.append(s)`), so CPython cannot resize it in place.
    pub aliased: bool,
    /// Characters (str), bytes (bytes) or items (tuple, list) added per iteration.
    pub piece: Length,
    /// The widest kind of character the string holds, for a str.
    pub kind: StrKind,
    /// Each piece is a new object (`row + "\n"`), not one that exists anyway (a name, a
    /// literal): the alternative's list keeps all of them alive until the join. For a list,
    /// the piece is a list display built every iteration.
    pub fresh_pieces: bool,
    /// For a module-level (or class-body) target, how many names its namespace holds while
    /// the loop runs.
    pub namespace_names: u64,
}

impl Accumulation {
    /// A plain local `s += piece` of ASCII text or items that exist anyway.
    pub fn new(sequence: Sequence, store: Store, piece: Length) -> Accumulation {
        Accumulation {
            sequence,
            store,
            resizable: true,
            aliased: false,
            piece,
            kind: StrKind::Ascii,
            fresh_pieces: false,
            namespace_names: 0,
        }
    }
}

/// The names every module's namespace holds besides its own: `__name__`, `__doc__`,
/// `__package__`, `__loader__`, `__spec__`, `__file__`, `__cached__` and `__builtins__`.
pub const MODULE_DUNDERS: u64 = 8;

/// What the flagged code does, in terms the model can price.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// `x == None`-style: rich comparison dispatch where `is` compares pointers. No allocation.
    EqualityDispatch,
    /// `x is "literal"`: an identity test whose answer depends on interning. No allocation.
    IdentityOfValue,
    /// A sequence grown by concatenation once per iteration: `s += piece`.
    Accumulation(Accumulation),
    /// `a + b + c` over strings where one f-string builds the result once.
    ConcatChain { operands: Vec<Length> },
    /// A list filled item by item and then only iterated once, where an iterator would do.
    MaterialisedList {
        producer: Producer,
        container: Container,
        elements: Elements,
        /// The consumer keeps every item (`tuple`, `set`, `frozenset`, `sorted`): the
        /// alternative saves the list, not the items, which live on in the result.
        kept: bool,
    },
    /// Loads of a module global or builtin where a local would do, `per_iteration` times
    /// each iteration. No allocation.
    GlobalLookup { builtin: bool, per_iteration: u64 },
    /// An attribute chain on a module looked up each time. No allocation.
    ModuleAttributeLookup { attributes: u64 },
    /// `sum(lists, [])` or `reduce(operator.add, lists)`: a new list for every list added.
    ListSummation(ListSummation),
    /// A copy (a slice, a concatenation, `list(x)`, `readlines()`) made only to be iterated
    /// once, where iterating its source would do.
    IterationCopy(IterationCopy),
    /// A mutable default argument the function changes or hands out. No allocation per call.
    SharedMutableDefault,
    /// A display of constants built on every iteration of a loop and only read, where a
    /// constant tuple or frozenset, or a container built once, would do.
    ConstantDisplay(ConstantDisplay),
    /// `functools.cache` or `lru_cache` on a method: each distinct call keeps an entry, and
    /// through its key the instance, for as long as the class exists (`maxsize: None`), or
    /// until evicted.
    MethodCache { maxsize: Option<u64> },
    /// Two objects referring to each other with strong references. No allocation.
    ReferenceCycle,
    /// One instance of a class with `attributes` instance attributes and no `__slots__` per
    /// iteration, each kept: its `__dict__` (or managed values) against slots.
    InstanceDict { attributes: u64 },
}

/// Lists added up one by one, each `+` copying everything so far into a new list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListSummation {
    /// Items in each list added.
    pub items_per_list: Length,
    /// A start list is given (`sum(lists, [])`), so the first list is copied too; without one
    /// (`reduce(add, lists)`) the first list is where the sum starts.
    pub start: bool,
}

/// The kinds of container a display builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisplayKind {
    List,
    Set,
    Dict,
}

/// `[...]`, `{...}` or `{k: v, ...}` of constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConstantDisplay {
    pub kind: DisplayKind,
    pub items: u64,
    /// For a dict: every key is a str, which 3.11+ stores in a smaller table.
    pub str_keys: bool,
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

    fn plus(self, other: Footprint) -> Footprint {
        Footprint {
            allocations: self.allocations.saturating_add(other.allocations),
            malloc_bytes: self.malloc_bytes.saturating_add(other.malloc_bytes),
            growth_bytes: self.growth_bytes.saturating_add(other.growth_bytes),
            peak: self.peak.saturating_add(other.peak),
        }
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
    /// How `habit` and `alternative` were reached, one formula per line.
    pub derivation: Vec<String>,
    /// Extra interpreter time, for habits that cost time rather than memory.
    pub extra_time_ns: Option<u64>,
    /// Whether what the alternative gains shows in these figures; false for a habit whose
    /// harm is to correctness or to how long objects live ([`Comparison::free`]).
    pub judged_by_figures: bool,
}

impl Comparison {
    fn free(summary: String, derivation: Vec<String>) -> Comparison {
        Comparison {
            habit: Footprint::default(),
            alternative: Footprint::default(),
            growth: Growth::Constant,
            summary,
            derivation,
            extra_time_ns: None,
            judged_by_figures: false,
        }
    }
}

/// Prices `scenario` on `version`: the excess of the habit over the alternative, each run
/// `iterations.count` times and the whole repeated `iterations.runs` times, the counts the
/// source does not show together taken as `assumed`. The severity is judged on the counts the
/// source shows alone.
pub fn estimate(
    scenario: &Scenario,
    iterations: &Iterations,
    assumed: u64,
    version: TargetVersion,
) -> Cost {
    let count_assumed = !iterations.unshown_count.is_empty();
    let priced = price(
        scenario,
        iterations.priced_count(assumed),
        iterations.runs,
        version,
    );
    let shown = if count_assumed {
        price(scenario, iterations.shown_count(), iterations.runs, version).excess
    } else {
        priced.excess
    };
    let mut comparison = priced.comparison;
    if priced.excess.at_least {
        comparison.summary.push_str(
            "; these figures pass what the model can count and are lower bounds: the real ones are larger",
        );
    }
    let assumptions = iterations
        .unshown_count
        .iter()
        .map(|unshown| (unshown, Role::Count))
        .chain(
            iterations
                .unshown_runs
                .iter()
                .map(|unshown| (unshown, Role::Runs)),
        )
        .map(|(unshown, role)| {
            let (file, line, range) = match &unshown.place {
                Place::Range(range) => (None, 0, Some(*range)),
                Place::Line { file, line } => (file.clone(), *line, None),
            };
            Assumption {
                what: unshown.what.clone(),
                file,
                line,
                range,
                role,
            }
        })
        .collect();
    Cost {
        python: version.dotted(),
        iterations: priced.count,
        runs: priced.runs,
        iterations_source: iterations.source(),
        assumed: count_assumed.then_some(assumed),
        shared_by: iterations.shared_by(),
        severity: Severity::judge(
            &shown,
            comparison.growth,
            iterations
                .unshown_count
                .iter()
                .any(|unshown| !unshown.bounded),
        ),
        excess: priced.excess,
        growth: comparison.growth,
        habit: priced.habit,
        alternative: priced.alternative,
        shown,
        assumptions,
        summary: comparison.summary,
        derivation: priced.derivation,
        judged_by_figures: comparison.judged_by_figures,
    }
}

fn is_one(value: &u64) -> bool {
    *value == 1
}

/// A scenario priced at one count.
struct Priced {
    count: u64,
    runs: u64,
    comparison: Comparison,
    habit: Figures,
    alternative: Figures,
    excess: Excess,
    derivation: Vec<String>,
}

/// Prices `scenario` at `count` iterations repeated `runs` times, both capped at
/// [`MAX_PRICED_COUNT`].
fn price(scenario: &Scenario, count: u64, runs: u64, version: TargetVersion) -> Priced {
    let capped = count > MAX_PRICED_COUNT || runs > MAX_PRICED_COUNT;
    let (count, runs) = (count.min(MAX_PRICED_COUNT), runs.clamp(1, MAX_PRICED_COUNT));
    let comparison = compare(scenario, count, version);
    let (once, instead) = (figures(comparison.habit), figures(comparison.alternative));
    let saturated = [once, instead].iter().any(|figures| {
        [
            figures.allocations,
            figures.allocated_bytes,
            figures.peak_bytes,
        ]
        .contains(&u64::MAX)
    });
    // The excess of one run, then repeated: the habit's and the alternative's totals may
    // each pass what a `u64` holds while their difference does not.
    let mut clamped = false;
    let mut excess = |habit: u64, alternative: u64, repeats: u64| {
        let difference = (i128::from(habit) - i128::from(alternative))
            .checked_mul(i128::from(repeats))
            .unwrap_or(i128::MAX);
        i64::try_from(difference).unwrap_or_else(|_| {
            clamped = true;
            if difference < 0 { i64::MIN } else { i64::MAX }
        })
    };
    let allocations = excess(once.allocations, instead.allocations, runs);
    let allocated_bytes = excess(once.allocated_bytes, instead.allocated_bytes, runs);
    let peak_bytes = excess(once.peak_bytes, instead.peak_bytes, 1);
    let habit = figures(comparison.habit.times(runs));
    let alternative = figures(comparison.alternative.times(runs));
    let extra_time_ns = comparison.extra_time_ns.map(|ns| ns.saturating_mul(runs));
    let mut derivation = comparison.derivation.clone();
    if runs > 1 {
        derivation.push(format!(
            "runs: loops around it repeat all of this {} times: allocations and bytes x {}, peak unchanged",
            grouped(runs),
            grouped(runs),
        ));
    }
    derivation.push(format!(
        "excess = habit - alternative: {} allocations, {} B allocated, {} B peak",
        signed(allocations),
        signed(allocated_bytes),
        signed(peak_bytes),
    ));
    Priced {
        count,
        runs,
        excess: Excess {
            allocations,
            allocated_bytes,
            peak_bytes,
            extra_time_ns,
            at_least: capped || saturated || clamped,
        },
        comparison,
        habit,
        alternative,
        derivation,
    }
}

fn figures(footprint: Footprint) -> Figures {
    Figures {
        allocations: footprint.allocations,
        allocated_bytes: footprint.bytes(),
        peak_bytes: footprint.peak,
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
            vec!["habit and alternative: comparisons allocate nothing".to_string()],
        ),
        Scenario::IdentityOfValue => Comparison::free(
            "No allocation, but the result depends on CPython's caching and interning of \
             constants, which differs between versions and between compiled and computed values"
                .to_string(),
            vec!["habit and alternative: comparisons allocate nothing".to_string()],
        ),
        Scenario::Accumulation(grown) => accumulation(&runtime, grown, n),
        Scenario::ConcatChain { operands } => concat_chain(&runtime, operands, n),
        Scenario::MaterialisedList {
            producer,
            container,
            elements,
            kept,
        } => materialised_list(&runtime, *producer, *container, *elements, *kept, n),
        Scenario::GlobalLookup {
            builtin,
            per_iteration,
        } => lookups(&runtime, n, *builtin, *per_iteration),
        Scenario::ModuleAttributeLookup { attributes } => {
            attribute_lookups(&runtime, n, *attributes)
        }
        Scenario::ListSummation(summation) => list_summation(&runtime, summation, n),
        Scenario::IterationCopy(copy) => iteration::iteration_copy(&runtime, *copy, n),
        Scenario::SharedMutableDefault => Comparison::free(
            "No allocation per call: the default is built once, when `def` runs, and every call \
             that omits the argument shares it; what those calls add to it stays for the life of \
             the function, which the source does not show"
                .to_string(),
            vec![
                "habit: one object, allocated when `def` runs; alternative: a new one per call \
                 that omits the argument; the growth of the shared object is not known"
                    .to_string(),
            ],
        ),
        Scenario::ConstantDisplay(display) => constant_display(&runtime, *display, n),
        Scenario::MethodCache { maxsize } => method_cache(&runtime, *maxsize, n),
        Scenario::ReferenceCycle => Comparison::free(
            "No extra allocation, but the pair is not freed when the last outside reference \
             goes: only the cyclic garbage collector frees it, at the next collection of the \
             generation it has reached (generation 0 runs after a few hundred to a few \
             thousand container allocations, `gc.get_threshold()`; older ones far less often), \
             keeping it and everything it refers to in memory until then"
                .to_string(),
            vec![
                "habit and alternative allocate the same; the habit's objects live until a \
                 garbage collection instead of until their last reference goes"
                    .to_string(),
            ],
        ),
        Scenario::InstanceDict { attributes } => instance_dicts(&runtime, *attributes, n),
    }
}

/// What evaluating a display of constants allocates once the loop is warm: the list and dict
/// objects come from their free lists, the set object does not; the item array, hash table or
/// keys table is requested anew (except a small dict's keys table where the keys free list
/// serves it).
fn display_footprint(runtime: &Runtime, display: ConstantDisplay) -> (Footprint, String) {
    let n = display.items;
    let blocks = |sizes: &[u64]| {
        let bytes = sizes
            .iter()
            .fold(0u64, |sum, size| sum.saturating_add(*size));
        Footprint {
            allocations: sizes.len() as u64,
            malloc_bytes: bytes,
            growth_bytes: 0,
            peak: bytes,
        }
    };
    match display.kind {
        DisplayKind::List => {
            let capacity = list_display_capacity(runtime.display.list_capacity, n);
            let bytes = capacity.saturating_mul(runtime.list_item);
            (
                blocks(&[bytes]),
                format!(
                    "a list of {n} constants: an item array of {capacity} slots x {} = {bytes} B \
                     (the list object comes from the free list)",
                    runtime.list_item
                ),
            )
        }
        DisplayKind::Set => {
            let tables = set_display_tables(runtime, n);
            let mut sizes = vec![runtime.set.empty];
            sizes.extend(&tables);
            (
                blocks(&sizes),
                format!(
                    "a set of {n} constants: the {} B set object (sets have no free list) and \
                     hash tables of {tables:?} B",
                    runtime.set.empty
                ),
            )
        }
        DisplayKind::Dict => {
            let tables = dict_display_tables(runtime, n, display.str_keys);
            (
                blocks(&tables),
                format!(
                    "a dict of {n} constant {keys} keys: keys tables of {tables:?} B (the dict \
                     object, and a small str-keyed table where CPython {} keeps one, come from free lists)",
                    runtime.version.dotted(),
                    keys = if display.str_keys { "str" } else { "non-str" },
                ),
            )
        }
    }
}

fn list_display_capacity(sizing: ListDisplay, n: u64) -> u64 {
    match sizing {
        _ if n < 3 => n,
        ListDisplay::Exact => n,
        ListDisplay::Py39 => {
            let wanted = n.saturating_add(n >> 3).saturating_add(6) & !3;
            if n > wanted.saturating_sub(n) {
                n.saturating_add(3) & !3
            } else {
                wanted
            }
        }
        ListDisplay::Even => n.saturating_add(n & 1),
    }
}

/// The hash tables a set display of `n` constants allocates beyond its inline 8 slots.
fn set_display_tables(runtime: &Runtime, n: u64) -> Vec<u64> {
    if n <= runtime.set.inline_items {
        return Vec::new();
    }
    if runtime.display.set_from_frozenset {
        // `set_merge` sizes the empty set for twice the items at once.
        let slot_bytes = runtime.set.table_5 / 32;
        let mut slots: u64 = 8;
        while slots <= n.saturating_mul(2) && slots < 1 << 62 {
            slots <<= 1;
        }
        return vec![slots.saturating_mul(slot_bytes)];
    }
    set_tables(runtime, n)
}

/// Bytes of a combined dict's keys table of `slots` slots, from the measured 8- and 16-slot
/// tables of `figures` (`dict.*_keys_table`): a header, one index per slot and an entry per
/// usable slot.
fn keys_table(figures: [u64; 3], slots: u64) -> u64 {
    let (eight, sixteen) = (figures[1], figures[2]);
    // 8 more index bytes and 5 more entries from 8 to 16 slots.
    let entry = sixteen.saturating_sub(eight).saturating_sub(8) / 5;
    let header = eight.saturating_sub(8).saturating_sub(5 * entry);
    let index = match slots {
        0..=128 => 1,
        129..=32_768 => 2,
        32_769..=2_147_483_648 => 4,
        _ => 8,
    };
    header
        .saturating_add(slots.saturating_mul(index))
        .saturating_add(usable_slots(slots).saturating_mul(entry))
}

/// The smallest power of two of at least 8 slots that is at least `minimum`.
fn dict_slots(minimum: u64) -> u64 {
    minimum
        .max(8)
        .checked_next_power_of_two()
        .unwrap_or(u64::MAX)
}

/// The keys tables a dict display of `n` constant keys allocates.
fn dict_display_tables(runtime: &Runtime, n: u64, str_keys: bool) -> Vec<u64> {
    let figures = if str_keys {
        runtime.dict.str_keys_table
    } else {
        runtime.dict.other_keys_table
    };
    let small_reused = match runtime.display.small_keys_reused {
        KeysReuse::Any => true,
        KeysReuse::Str => str_keys,
    };
    let small = if small_reused {
        Vec::new()
    } else {
        vec![keys_table(figures, 8)]
    };
    if n <= usable_slots(8) {
        return small;
    }
    if n <= runtime.display.dict_presized_max {
        // `_PyDict_NewPresized`: room for n keys at once (ESTIMATE_SIZE).
        return vec![keys_table(
            figures,
            dict_slots(n.saturating_mul(3).saturating_add(1) / 2),
        )];
    }
    let mut tables = small;
    tables.extend(dict_resizes(figures, n));
    tables
}

/// The keys tables a dict filled by insertion allocates after its first 8-slot table: each
/// time the table is full it is rebuilt for three times the keys.
fn dict_resizes(figures: [u64; 3], n: u64) -> Vec<u64> {
    let mut tables = Vec::new();
    let mut slots = 8;
    while usable_slots(slots) < n {
        slots = dict_slots(usable_slots(slots).saturating_mul(3));
        tables.push(keys_table(figures, slots));
    }
    tables
}

/// What a method cache keeps after `n` distinct calls. With `maxsize=None` the key of an
/// entry is the call's argument tuple `(self, argument)` (`lru_cache_make_key`), stored in one
/// dict that grows by insertion and is never emptied; the alternative (a cache that dies with
/// its instance) keeps nothing once the instances are gone. A bounded cache's memory is capped
/// by the `maxsize` its author chose: no excess is priced, only the delay it puts on freeing
/// instances.
fn method_cache(runtime: &Runtime, maxsize: Option<u64>, n: u64) -> Comparison {
    let version = runtime.version.dotted();
    if let Some(maxsize) = maxsize {
        return Comparison::free(
            format!(
                "A bounded cache: at most {maxsize} entries, each holding the instance it was \
                 called on until it is evicted; on CPython {version} that delays freeing \
                 instances rather than growing without limit"
            ),
            vec![format!(
                "habit and alternative: at most {maxsize} entries either way; no excess priced"
            )],
        );
    }
    let key = runtime.tuple_base.saturating_add(2 * runtime.tuple_item);
    let figures = runtime.dict.other_keys_table;
    // The table sizes the cache dict goes through, from its first 8 slots.
    let mut slots = vec![8u64];
    let mut current = 8;
    while usable_slots(current) < n {
        current = dict_slots(usable_slots(current).saturating_mul(3));
        slots.push(current);
    }
    let tables: Vec<u64> = slots
        .iter()
        .map(|size| keys_table(figures, *size))
        .collect();
    let table_bytes = tables
        .iter()
        .fold(0u64, |sum, table| sum.saturating_add(*table));
    let last_table = tables.last().copied().unwrap_or_default();
    let keys = n.saturating_mul(key);
    // The last resize holds the full old table and the new one at once, with one more key
    // than the old table holds.
    let resize_peak = match (slots.as_slice(), tables.as_slice()) {
        ([.., previous_slots, _], [.., previous, last]) => (usable_slots(*previous_slots) + 1)
            .saturating_mul(key)
            .saturating_add(*previous)
            .saturating_add(*last),
        _ => 0,
    };
    let habit = Footprint {
        allocations: n.saturating_add(tables.len() as u64),
        malloc_bytes: keys.saturating_add(table_bytes),
        growth_bytes: 0,
        peak: keys.saturating_add(last_table).max(resize_peak),
    };
    Comparison {
        habit,
        alternative: Footprint::default(),
        growth: Growth::Linear,
        summary: format!(
            "After {n} distinct calls the cache holds {n} entries, {held} on CPython {version} \
             for the keys and the table alone, never freed, and with them every instance and \
             argument (and result) they refer to",
            held = human_bytes(habit.peak),
        ),
        derivation: vec![
            format!(
                "habit: {n} distinct calls, each keeping its argument tuple (self, argument) of {key} B \
                 as the key: {} B",
                grouped(keys)
            ),
            format!(
                "the cache dict grows by insertion through keys tables of {tables:?} B; the last, \
                 {last_table} B, stays"
            ),
            "alternative: a cache that dies with its instance keeps nothing once the instance is gone".to_string(),
        ],
        extra_time_ns: None,
        judged_by_figures: true,
    }
}

fn constant_display(runtime: &Runtime, display: ConstantDisplay, n: u64) -> Comparison {
    let (each, explained) = display_footprint(runtime, display);
    let habit = each.times(n);
    let version = runtime.version.dotted();
    let (what, fix) = match display.kind {
        DisplayKind::List => (
            "list",
            "a tuple of constants, which the compiler makes once",
        ),
        DisplayKind::Set => ("set", "a frozenset built once before the loop"),
        DisplayKind::Dict => ("dict", "the dict built once before the loop"),
    };
    let summary = if each.allocations == 0 {
        format!(
            "No allocation on CPython {version}: this small {what} takes its object and keys \
             table from free lists, though it is still built and filled on each of the {n} \
             iterations; {fix} is not"
        )
    } else {
        format!(
            "Builds the same {what} on each of {n} iterations: {allocations} allocations, {bytes} \
             on CPython {version}; {fix} allocates nothing per iteration",
            allocations = habit.allocations,
            bytes = human_bytes(habit.bytes()),
        )
    };
    Comparison {
        habit,
        alternative: Footprint::default(),
        growth: Growth::Linear,
        summary,
        derivation: vec![
            format!(
                "per iteration: {explained}: {} calls, {} B",
                each.allocations,
                each.bytes()
            ),
            format!(
                "habit: {n} iterations: {} calls, {} B, peak one {what}: {} B; alternative: nothing per iteration",
                habit.allocations,
                grouped(habit.bytes()),
                grouped(habit.peak),
            ),
        ],
        extra_time_ns: None,
        judged_by_figures: true,
    }
}

/// `n` instances of a class with `k` attributes, all kept alive: with a `__dict__` (or
/// 3.11+'s managed values) against `__slots__`. On 3.8 to 3.10 the first dict objects come
/// from the dict free list, which warm code keeps full.
fn instance_dicts(runtime: &Runtime, k: u64, n: u64) -> Comparison {
    let (plain, blocks) = runtime.plain_instance(k);
    let slotted = runtime.slotted_instance(k);
    let version = runtime.version.dotted();
    let kept = |size: u64, blocks: u64| Footprint {
        allocations: blocks.saturating_mul(n),
        malloc_bytes: size.saturating_mul(n),
        growth_bytes: 0,
        peak: size.saturating_mul(n),
    };
    let mut habit = kept(plain, blocks);
    let mut derivation = vec![format!(
        "habit: each instance with its attribute values, {plain} B in {blocks} block{bs} on {version}; {} instances kept: {} B",
        grouped(n),
        grouped(plain.saturating_mul(n)),
        bs = if blocks == 1 { "" } else { "s" },
    )];
    if let Some(dict) = runtime.instance_dict_object() {
        let reused = n.min(runtime.dict.free_list);
        let saved = reused.saturating_mul(dict);
        habit.allocations = habit.allocations.saturating_sub(reused);
        habit.malloc_bytes = habit.malloc_bytes.saturating_sub(saved);
        habit.peak = habit.peak.saturating_sub(saved);
        derivation.push(format!(
            "dict free list: {reused} of the {dict} B dict objects are reused, not allocated: - {} B",
            grouped(saved)
        ));
    }
    derivation.push(format!(
        "alternative: each instance with {k} slot{s}, {slotted} B in one block; {} B",
        grouped(slotted.saturating_mul(n)),
        s = if k == 1 { "" } else { "s" },
    ));
    Comparison {
        summary: format!(
            "{} instances of {k} attribute{s} take {} B with a dict and {} B with `__slots__` on {version}",
            grouped(n),
            grouped(habit.malloc_bytes),
            grouped(slotted.saturating_mul(n)),
            s = if k == 1 { "" } else { "s" },
        ),
        habit,
        alternative: kept(slotted, 1),
        growth: Growth::Linear,
        derivation,
        extra_time_ns: None,
        judged_by_figures: true,
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

    fn formula(&self) -> String {
        format!("{} + {}*i B", self.base, self.per_iteration)
    }
}

fn accumulation(runtime: &Runtime, grown: &Accumulation, n: u64) -> Comparison {
    if grown.sequence == Sequence::List {
        return list_accumulation(runtime, grown, n);
    }
    let Accumulation {
        sequence,
        store,
        aliased,
        piece,
        kind,
        ..
    } = *grown;
    let in_place = sequence == Sequence::Str
        && grown.resizable
        && !aliased
        && runtime.str_concat_in_place(store);
    let p = piece.or_assumed();
    let sizes = match sequence {
        Sequence::Str => Sizes {
            base: runtime.str_size(kind, 0),
            per_iteration: p.saturating_mul(kind.width()),
        },
        Sequence::Bytes => Sizes {
            base: runtime.bytes_base,
            per_iteration: p,
        },
        Sequence::Tuple => Sizes {
            base: runtime.tuple_base,
            per_iteration: 8 * p,
        },
        Sequence::List => list_arrays(runtime, p),
    };
    let what = match sequence {
        Sequence::Str => "str",
        Sequence::Bytes => "bytes",
        Sequence::Tuple => "tuple",
        Sequence::List => "list",
    };
    let mut derivation = vec![format!(
        "n = {n} iterations adding {p} {unit} each{assumption}; a {what} after i of them requests {formula}",
        unit = match (sequence, p) {
            (Sequence::Tuple | Sequence::List, 1) => "item",
            (Sequence::Tuple | Sequence::List, _) => "items",
            (_, 1) => "character",
            _ => "characters",
        },
        assumption = if piece.is_assumed() {
            format!(" ({ASSUMED_PIECE_LENGTH} assumed per piece the source does not show)")
        } else {
            String::new()
        },
        formula = sizes.formula(),
    )];
    let mut habit = if in_place {
        let habit = grown_in_place(&sizes, n);
        derivation.push(format!(
            "habit, resized in place: the 2nd iteration allocates {} B, each later one reallocates it {} B larger: {} calls, {} B, peak {} B",
            sizes.after(2.min(n)),
            sizes.per_iteration,
            habit.allocations,
            grouped(habit.bytes()),
            grouped(habit.peak),
        ));
        habit
    } else {
        let (habit, first) = copied_every_iteration(runtime, sequence, &sizes, p, n);
        derivation.push(format!(
            "habit, copied: a new {what} for each i = {first}..{n}, sum of {formula}: {} calls, {} B; peak: the last two, {} B",
            habit.allocations,
            grouped(habit.bytes()),
            grouped(habit.peak),
            formula = sizes.formula(),
        ));
        habit
    };
    // One allocation and then reallocations, before anything else the habit costs.
    let resizes = habit.allocations;
    if in_place && store == Store::Name {
        let (rebuilds, explained) = namespace_rebuilds(grown.namespace_names, n);
        habit = habit.plus(rebuilds);
        derivation.push(explained);
    }
    let (mut alternative, explained) = joined(runtime, sequence, &sizes, p, n);
    derivation.push(explained);
    if grown.fresh_pieces && sequence != Sequence::Tuple {
        let piece_size = match sequence {
            Sequence::Bytes => runtime.bytes_base.saturating_add(p),
            _ => runtime.str_size(kind, p),
        };
        let pieces = Footprint {
            allocations: n,
            malloc_bytes: n.saturating_mul(piece_size),
            growth_bytes: 0,
            peak: 0,
        };
        habit = habit.plus(Footprint {
            peak: piece_size,
            ..pieces
        });
        alternative = alternative.plus(Footprint {
            peak: pieces.malloc_bytes,
            ..pieces
        });
        derivation.push(format!(
            "pieces: each iteration makes a new {piece_size} B piece, in both; the habit frees \
             it at once, the alternative's list keeps all {n} alive until the join: its peak + {} B",
            grouped(pieces.malloc_bytes)
        ));
    }
    let version = runtime.version.dotted();
    let assumption = if piece.is_assumed() {
        let unit = match sequence {
            Sequence::Tuple | Sequence::List => "items",
            Sequence::Str | Sequence::Bytes => "characters",
        };
        format!(
            " (assuming {ASSUMED_PIECE_LENGTH} {unit} per piece where the source does not show them)"
        )
    } else {
        String::new()
    };
    let fix = match sequence {
        Sequence::Str => "collecting the pieces and calling `''.join()` once",
        Sequence::Bytes => "a `bytearray` or `b''.join()`",
        Sequence::Tuple => "appending to a list and calling `tuple()` once",
        Sequence::List => "extending one list in place",
    };
    if in_place {
        let (aliased, _) = copied_every_iteration(runtime, sequence, &sizes, p, n);
        let namespace = if store == Store::Name {
            " (and rebuilds the module's namespace dict every few iterations)"
        } else {
            ""
        };
        let saving = alternative.bytes().saturating_sub(habit.bytes());
        let comparison = if saving > 0 {
            format!(
                "{} fewer bytes than a list of parts and `''.join()`, though {} more allocator calls",
                human_bytes(saving),
                habit.allocations.saturating_sub(alternative.allocations),
            )
        } else {
            format!(
                "{} more bytes than a list of parts and `''.join()`",
                human_bytes(habit.bytes().saturating_sub(alternative.bytes())),
            )
        };
        return Comparison {
            habit,
            alternative,
            growth: Growth::Linear,
            summary: format!(
                "CPython {version} resizes this str in place{namespace}: {reallocs} allocations and reallocations, \
                 {final_size} in the end{assumption}, {comparison}; any other reference to the \
                 string (an alias, a list holding it) makes every iteration copy it, {quadratic} \
                 over {n} iterations",
                reallocs = resizes,
                final_size = human_bytes(sizes.after(n)),
                quadratic = human_bytes(aliased.bytes()),
            ),
            derivation,
            extra_time_ns: None,
            judged_by_figures: true,
        };
    }
    let why = match (sequence, store) {
        (Sequence::Str, Store::Attribute) => "an attribute is never resized in place",
        (Sequence::Str, Store::Subscript) => "a container item is never resized in place",
        (Sequence::Str, Store::Global) => "a `global` is never resized in place",
        (Sequence::Str, _) if aliased => "another reference to the string makes each `+=` copy it",
        (Sequence::Str, Store::Name | Store::Closure | Store::Local)
            if !runtime.str_concat_in_place(store) && store != Store::Local =>
        {
            match store {
                Store::Name => "module-level code is not resized in place since 3.11",
                _ => "a closure variable is not resized in place since 3.11",
            }
        }
        (Sequence::Str, _) => {
            "only `s += x` and `s = s + x` are resized in place, so the string is copied"
        }
        (Sequence::Bytes, _) => "bytes are never resized in place",
        (Sequence::Tuple, _) => "tuples are never resized in place",
        (Sequence::List, _) => "`+` always makes a new list",
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
        derivation,
        extra_time_ns: None,
        judged_by_figures: true,
    }
}

/// Bytes of a 3.8 to 3.10 dict keys table of `size` slots (`new_keys_object`): a 40-byte
/// header, one index of 1, 2, 4 or 8 bytes per slot, and 24-byte entries (hash, key, value)
/// for two thirds of the slots.
fn keys_table_bytes(size: u64) -> u64 {
    let index = match size {
        0..=128 => 1,
        129..=32_768 => 2,
        32_769..=2_147_483_648 => 4,
        _ => 8,
    };
    40u64
        .saturating_add(size.saturating_mul(index))
        .saturating_add(usable_slots(size).saturating_mul(24))
}

/// `USABLE_FRACTION`: a dict fills two thirds of its slots before it is rebuilt.
fn usable_slots(size: u64) -> u64 {
    size.saturating_mul(2) / 3
}

/// On 3.8 to 3.10 module-level `s += x` takes `s` out of the namespace before resizing the
/// string and stores it again (`unicode_concatenate` in `Python/ceval.c`), which uses up one
/// entry of the dict's table per iteration; when none is left the table is rebuilt for three
/// times the names it holds (`insertion_resize`, `GROWTH_RATE`). In the steady state that is
/// one rebuild every `usable - names + 1` iterations.
fn namespace_rebuilds(names: u64, n: u64) -> (Footprint, String) {
    let names = names.max(1);
    let size = names
        .saturating_sub(1)
        .saturating_mul(3)
        .max(8)
        .checked_next_power_of_two()
        .unwrap_or(u64::MAX);
    let period = (usable_slots(size) + 1).saturating_sub(names).max(1);
    let rebuilds = n / period;
    let table = keys_table_bytes(size);
    let footprint = Footprint {
        allocations: rebuilds,
        malloc_bytes: rebuilds.saturating_mul(table),
        growth_bytes: 0,
        peak: 0,
    };
    let explained = format!(
        "namespace: each iteration deletes and re-inserts the name in a dict of {names} names; \
         its {size}-slot table ({table} B) is rebuilt every {period} iterations: {rebuilds} \
         rebuilds, {bytes} B",
        bytes = grouped(footprint.malloc_bytes),
    );
    (footprint, explained)
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
/// enough for the free list never reach the allocator. Also returns the first iteration that
/// allocates.
fn copied_every_iteration(
    runtime: &Runtime,
    sequence: Sequence,
    sizes: &Sizes,
    p: u64,
    n: u64,
) -> (Footprint, u64) {
    let first_allocated = match sequence {
        Sequence::Tuple => (runtime.tuple_free_list_max_len / p.max(1) + 1).max(2),
        Sequence::Str | Sequence::Bytes => 2,
        // `[] + piece` is a new list too.
        Sequence::List => 1,
    };
    (copied_from(sizes, first_allocated, n), first_allocated)
}

/// A new value of the grown size allocated for each of iterations `first..=n`, each freed
/// once the next exists: the peak is the last two.
fn copied_from(sizes: &Sizes, first: u64, n: u64) -> Footprint {
    if n < first {
        return Footprint::default();
    }
    let last_two = if n > first {
        sizes.after(n - 1).saturating_add(sizes.after(n))
    } else {
        sizes.after(n)
    };
    Footprint {
        allocations: n - first + 1,
        malloc_bytes: sizes.sum(first, n),
        growth_bytes: 0,
        peak: last_two,
    }
}

/// The item arrays of lists grown by `p` items at a time; the list objects themselves come
/// from the free list, since the list each `+` replaces goes back to it.
fn list_arrays(runtime: &Runtime, p: u64) -> Sizes {
    Sizes {
        base: 0,
        per_iteration: runtime.list_item.saturating_mul(p),
    }
}

/// A list grown in place by `n` extends of `p` items (appends when `p` is 1): one
/// reallocation per resize of its item array.
fn extended_in_place(runtime: &Runtime, n: u64, p: u64) -> (Footprint, ListFill) {
    let fill = runtime.list_extends(n, p);
    let footprint = Footprint {
        allocations: fill.resizes,
        malloc_bytes: 0,
        growth_bytes: fill.array_bytes(),
        peak: fill.array_bytes(),
    };
    (footprint, fill)
}

/// `lst = lst + piece` in a loop: `list_concat` makes a new list of the combined size every
/// iteration and copies every reference into it. The alternative grows one list in place:
/// `append` for a one-item display (no piece is built), `extend` or `+=` otherwise.
fn list_accumulation(runtime: &Runtime, grown: &Accumulation, n: u64) -> Comparison {
    let piece = grown.piece;
    let p = piece.or_assumed();
    let sizes = list_arrays(runtime, p);
    let copies = copied_from(&sizes, 1, n);
    let display_bytes = runtime.list_item.saturating_mul(p);
    let displays = if grown.fresh_pieces {
        Footprint {
            allocations: n,
            malloc_bytes: n.saturating_mul(display_bytes),
            growth_bytes: 0,
            peak: display_bytes,
        }
    } else {
        Footprint::default()
    };
    let habit = copies.plus(displays);
    let appended = grown.fresh_pieces && !piece.is_assumed() && p == 1;
    let (extended, fill) = extended_in_place(runtime, n, p);
    let alternative = if appended {
        extended
    } else {
        extended.plus(displays)
    };
    let assumed = if piece.is_assumed() {
        format!(" ({ASSUMED_PIECE_LENGTH} assumed per piece the source does not show)")
    } else {
        String::new()
    };
    let displays_text = if grown.fresh_pieces {
        format!("; each iteration also builds the {display_bytes} B item array of the list display")
    } else {
        String::new()
    };
    let how = if appended { "appends" } else { "extends" };
    let derivation = vec![
        format!(
            "n = {n} iterations adding {p} {unit} each{assumed}; a list after i of them has an item array of {formula}",
            unit = if p == 1 { "item" } else { "items" },
            formula = sizes.formula(),
        ),
        format!(
            "habit, copied: a new item array for each i = 1..{n}{displays_text}: {} calls, {} B; peak: the last two arrays, {} B",
            habit.allocations,
            grouped(habit.bytes()),
            grouped(habit.peak),
        ),
        format!(
            "alternative: {n} {how} grow one array in {resizes} reallocations to {capacity} slots x {item} = {array} B{also}: {} calls, {} B, peak {} B",
            alternative.allocations,
            grouped(alternative.bytes()),
            grouped(alternative.peak),
            resizes = fill.resizes,
            capacity = grouped(fill.capacity),
            item = runtime.list_item,
            array = grouped(fill.array_bytes()),
            also = if appended { "" } else { displays_text.as_str() },
        ),
    ];
    let assumption = if piece.is_assumed() {
        format!(
            " (assuming {ASSUMED_PIECE_LENGTH} items per piece where the source does not show them)"
        )
    } else {
        String::new()
    };
    Comparison {
        habit,
        alternative,
        growth: Growth::Quadratic,
        summary: format!(
            "Quadratic on CPython {version} (`+` always makes a new list): {n} iterations copy \
             the growing list, {total} allocated{assumption}; extending one list in place \
             allocates {alternative_bytes}",
            version = runtime.version.dotted(),
            total = human_bytes(habit.bytes()),
            alternative_bytes = human_bytes(alternative.bytes()),
        ),
        derivation,
        extra_time_ns: None,
        judged_by_figures: true,
    }
}

/// `sum(lists, [])` and `reduce(operator.add, lists)`: each `+` makes a new list holding
/// everything so far. The alternative is one comprehension, `[x for xs in lists for x in xs]`:
/// one list grown by appends, one `list_iterator` per list, and on 3.8 to 3.11 the
/// comprehension's function object.
fn list_summation(runtime: &Runtime, summation: &ListSummation, n: u64) -> Comparison {
    let piece = summation.items_per_list;
    let p = piece.or_assumed();
    let sizes = list_arrays(runtime, p);
    let first = if summation.start { 1 } else { 2 };
    let habit = copied_from(&sizes, first, n);
    let (appended, fill) = extended_in_place(runtime, n.saturating_mul(p), 1);
    let iterators = Footprint {
        allocations: n,
        malloc_bytes: n.saturating_mul(runtime.list_iterator),
        growth_bytes: 0,
        peak: runtime.list_iterator,
    };
    let function = if runtime.comprehension_makes_function {
        runtime.function
    } else {
        0
    };
    let alternative = appended.plus(iterators).plus(Footprint {
        allocations: u64::from(function > 0),
        malloc_bytes: function,
        growth_bytes: 0,
        peak: function,
    });
    let assumed = if piece.is_assumed() {
        format!(" ({ASSUMED_PIECE_LENGTH} assumed: the source does not show them)")
    } else {
        String::new()
    };
    let function_text = if function > 0 {
        format!(", and the comprehension's {function} B function object")
    } else {
        String::new()
    };
    let derivation = vec![
        format!(
            "n = {n} lists of {p} items each{assumed}; the sum after i of them has an item array of {formula}",
            formula = sizes.formula(),
        ),
        format!(
            "habit: a new list for each i = {first}..{n}, copying everything so far: {} calls, {} B; peak: the last two arrays, {} B",
            habit.allocations,
            grouped(habit.bytes()),
            grouped(habit.peak),
        ),
        format!(
            "alternative: a comprehension appends {items} items to one list ({resizes} reallocations to {capacity} slots x 8 = {array} B), with a {iterator} B list_iterator per list{function_text}: {} calls, {} B, peak {} B",
            alternative.allocations,
            grouped(alternative.bytes()),
            grouped(alternative.peak),
            items = grouped(n.saturating_mul(p)),
            resizes = fill.resizes,
            capacity = grouped(fill.capacity),
            array = grouped(fill.array_bytes()),
            iterator = runtime.list_iterator,
        ),
    ];
    let assumption = if piece.is_assumed() {
        format!(
            " (assuming {ASSUMED_PIECE_LENGTH} items per list where the source does not show them)"
        )
    } else {
        String::new()
    };
    Comparison {
        habit,
        alternative,
        growth: Growth::Quadratic,
        summary: format!(
            "Quadratic on CPython {version}: adding {n} lists one by one copies the growing \
             result each time, {total} allocated{assumption}; one comprehension or \
             `itertools.chain.from_iterable` allocates {alternative_bytes}",
            version = runtime.version.dotted(),
            total = human_bytes(habit.bytes()),
            alternative_bytes = human_bytes(alternative.bytes()),
        ),
        derivation,
        extra_time_ns: None,
        judged_by_figures: true,
    }
}

/// The linear alternative: a list of references grown by appends, then one object of the
/// final size (`''.join`, `b''.join` or `tuple()`).
fn joined(
    runtime: &Runtime,
    sequence: Sequence,
    sizes: &Sizes,
    p: u64,
    n: u64,
) -> (Footprint, String) {
    let references = match sequence {
        Sequence::Tuple | Sequence::List => n.saturating_mul(p),
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
    let footprint = Footprint {
        allocations: fill.resizes + u64::from(final_size > 0) + u64::from(buffers > 0),
        malloc_bytes,
        growth_bytes: fill.array_bytes(),
        peak: fill.array_bytes().saturating_add(malloc_bytes),
    };
    let (call, result) = match sequence {
        Sequence::Str => ("''.join", "str"),
        Sequence::Bytes => ("b''.join", "bytes"),
        Sequence::Tuple => ("tuple()", "tuple"),
        Sequence::List => ("list.extend", "list"),
    };
    let buffers_text = if buffers > 0 {
        format!(
            ", plus {} B of buffer views for more than {} parts",
            grouped(buffers),
            runtime.bytes_join_static_buffers
        )
    } else {
        String::new()
    };
    let explained = format!(
        "alternative: a list of {references} references grown by append ({resizes} reallocations \
         to {capacity} slots x 8 = {array} B), then {call} makes one {result} of {final_size} B{buffers_text}: \
         {calls} calls, {bytes} B, peak {peak} B",
        resizes = fill.resizes,
        capacity = grouped(fill.capacity),
        array = grouped(fill.array_bytes()),
        final_size = grouped(final_size),
        calls = footprint.allocations,
        bytes = grouped(footprint.bytes()),
        peak = grouped(footprint.peak),
    );
    (footprint, explained)
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
    let first = prefixes.first().copied().unwrap_or_default();
    let assumed = operands.iter().any(|length| length.is_assumed());
    let mut derivation = vec![format!(
        "operands of {lengths:?} characters{assumption}; a str of c characters requests {} + c B",
        runtime.str_base,
        assumption = if assumed {
            format!(" ({ASSUMED_PIECE_LENGTH} assumed for each one the source does not show)")
        } else {
            String::new()
        },
    )];
    let per_evaluation = if runtime.chain_temporaries_in_place {
        // The first `+` allocates, the later ones reallocate the unshared temporary.
        derivation.push(format!(
            "habit: the first `+` allocates {} B, the {} later ones grow that unshared temporary \
             in place to {} B; x {n} evaluations",
            string(first),
            intermediates.len(),
            string(total),
        ));
        Footprint {
            allocations: prefixes.len() as u64,
            malloc_bytes: string(first),
            growth_bytes: total - first,
            peak: string(total),
        }
    } else {
        let sizes: Vec<u64> = prefixes.iter().map(|length| string(*length)).collect();
        derivation.push(format!(
            "habit: each `+` allocates a new str, {sizes:?} B per evaluation; x {n} evaluations; \
             peak: the last intermediate and the result"
        ));
        Footprint {
            allocations: prefixes.len() as u64,
            malloc_bytes: sizes
                .iter()
                .fold(0u64, |sum, size| sum.saturating_add(*size)),
            growth_bytes: 0,
            peak: intermediates
                .last()
                .map_or(0, |last| string(*last))
                .saturating_add(string(total)),
        }
    };
    derivation.push(format!(
        "alternative: the f-string allocates its result once, {} B per evaluation; x {n} evaluations",
        string(total)
    ));
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
        derivation.push(format!(
            "in a loop the previous result is alive while the next is built: both peaks + {} B",
            string(total)
        ));
    }
    let version = runtime.version.dotted();
    let assumption = if assumed {
        format!(" (assuming {ASSUMED_PIECE_LENGTH} characters per operand not written out)")
    } else {
        String::new()
    };
    let summary = if runtime.chain_temporaries_in_place {
        format!(
            "No extra bytes on CPython {version}: it appends to the unshared temporary in place, \
             {extra} extra reallocations per evaluation; from 3.11 on each `+` allocates a new \
             string",
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
        derivation,
        extra_time_ns: None,
        judged_by_figures: true,
    }
}

/// What the items themselves add, kept all alive by a list or one at a time by a generator.
struct ItemObjects {
    /// In the list: allocations and bytes, all alive at the peak.
    list: Footprint,
    /// In the generator: each item freed before the next is made.
    generator: Footprint,
    explained: String,
}

fn item_objects(runtime: &Runtime, elements: Elements, n: u64) -> ItemObjects {
    // Items freed one at a time go to the type's free list and come back from it, so a
    // generator allocates none when there is one; a list holding them all drains it once.
    let objects = |count: u64, bytes: u64, largest: u64, free_list: u64, what: &str| {
        let drawn = free_list.min(count);
        let average = bytes.checked_div(count).unwrap_or_default();
        let list = Footprint {
            allocations: count - drawn,
            malloc_bytes: bytes.saturating_sub(drawn.saturating_mul(average)),
            growth_bytes: 0,
            peak: bytes,
        };
        let generator = if free_list > 0 {
            Footprint {
                peak: largest,
                ..Footprint::default()
            }
        } else {
            Footprint {
                allocations: count,
                malloc_bytes: bytes,
                growth_bytes: 0,
                peak: largest,
            }
        };
        let explained = format!(
            "items: {count} {what}, {bytes} B, all alive in the list{reuse}; the generator holds one at a time",
            bytes = grouped(bytes),
            reuse = if free_list > 0 {
                format!(" ({drawn} of them from the free list of {free_list})")
            } else {
                String::new()
            },
        );
        ItemObjects {
            list,
            generator,
            explained,
        }
    };
    match elements {
        Elements::Ints(values) => {
            let sizes = [1u32, 2, 3, 4].map(|digits| {
                runtime
                    .fresh_int_size(1i128 << (30 * (digits - 1) + 9))
                    .unwrap_or_default()
            });
            let bytes = values
                .fresh_by_digits
                .iter()
                .zip(sizes)
                .fold(0u64, |sum, (count, size)| {
                    sum.saturating_add(count.saturating_mul(size))
                });
            let largest = values
                .fresh_by_digits
                .iter()
                .zip(sizes)
                .filter(|(count, _)| **count > 0)
                .map(|(_, size)| size)
                .max()
                .unwrap_or_default();
            let what = format!("new ints ({} more are cached small ints)", values.cached);
            objects(values.fresh(), bytes, largest, runtime.int_free_list, &what)
        }
        Elements::Floats => objects(
            n,
            n.saturating_mul(runtime.float_size),
            runtime.float_size,
            runtime.float_free_list,
            &format!("floats of {} B", runtime.float_size),
        ),
        Elements::Existing => ItemObjects {
            list: Footprint::default(),
            generator: Footprint::default(),
            explained:
                "items: objects that exist anyway (True, False, None, cached ints), no allocation"
                    .to_string(),
        },
        Elements::Unknown => ItemObjects {
            list: Footprint::default(),
            generator: Footprint::default(),
            explained: "items: not known from the source, so only the list's pointers are counted"
                .to_string(),
        },
    }
}

/// The tables a set of `n` distinct items allocates as it fills (`set_add_entry`: resize when
/// `fill * 5 >= mask * 3`, to the first power of two above four times the items, twice above
/// 50,000), each freed when the next replaces it; the first 8 slots are inside the object.
fn set_tables(runtime: &Runtime, n: u64) -> Vec<u64> {
    // `table_5` is the 32-slot table the fifth item brings.
    let slot_bytes = runtime.set.table_5 / 32;
    let mut tables = Vec::new();
    let mut mask: u64 = 7;
    let mut used: u64 = 0;
    while used < n {
        // Jump to the next item that triggers a resize: the first with `used * 5 >= mask * 3`.
        used = mask.saturating_mul(3).div_ceil(5).max(used + 1);
        if used > n {
            break;
        }
        let wanted = used.saturating_mul(if used > 50_000 { 2 } else { 4 });
        let size = wanted
            .saturating_add(1)
            .max(8)
            .checked_next_power_of_two()
            .unwrap_or(u64::MAX);
        if size <= mask.saturating_add(1) {
            // No real set gets here: at 2^63 slots the table cannot grow further.
            break;
        }
        tables.push(size.saturating_mul(slot_bytes));
        mask = size - 1;
    }
    tables
}

/// What building the collection itself allocates, and the peak it reaches, without items.
fn collection(runtime: &Runtime, container: Container, n: u64) -> (Footprint, String) {
    match container {
        Container::List => {
            let fill = runtime.list_appends(n);
            let footprint = Footprint {
                allocations: fill.resizes + 1,
                malloc_bytes: runtime.list_iterator,
                growth_bytes: fill.array_bytes(),
                peak: fill.array_bytes(),
            };
            let explained = format!(
                "habit: {n} appends grow the item array in {resizes} reallocations to {capacity} slots x 8 = {array} B, \
                 and iterating it creates a {iterator} B list_iterator",
                resizes = fill.resizes,
                capacity = grouped(fill.capacity),
                array = grouped(fill.array_bytes()),
                iterator = runtime.list_iterator,
            );
            (footprint, explained)
        }
        Container::Set => {
            let tables = set_tables(runtime, n);
            let total = |tables: &[u64]| tables.iter().fold(0u64, |sum, t| sum.saturating_add(*t));
            let last_two = total(&tables[tables.len().saturating_sub(2)..]);
            let footprint = Footprint {
                allocations: 2 + tables.len() as u64,
                malloc_bytes: (runtime.set.empty + runtime.set.iterator)
                    .saturating_add(total(&tables)),
                growth_bytes: 0,
                peak: runtime.set.empty.saturating_add(last_two),
            };
            let explained = format!(
                "habit: a {empty} B set whose table is replaced {count} times as {n} distinct items \
                 arrive ({tables:?} B), and a {iterator} B set_iterator; the peak holds the last two tables",
                empty = runtime.set.empty,
                count = tables.len(),
                iterator = runtime.set.iterator,
            );
            (footprint, explained)
        }
    }
}

fn materialised_list(
    runtime: &Runtime,
    producer: Producer,
    container: Container,
    elements: Elements,
    kept: bool,
    n: u64,
) -> Comparison {
    let function = match producer {
        Producer::Comprehension | Producer::Count if runtime.comprehension_makes_function => {
            runtime.function
        }
        _ => 0,
    };
    let counted = producer == Producer::Count;
    let mut items = item_objects(runtime, elements, n);
    let (mut built, mut built_explained) = collection(runtime, container, n);
    if counted {
        // `len` reads the size: nothing iterates the list, and `sum(1 for ...)` computes no
        // item at all.
        built.allocations = built.allocations.saturating_sub(1);
        built.malloc_bytes = built.malloc_bytes.saturating_sub(runtime.list_iterator);
        built_explained.push_str(", except that `len` creates no iterator");
        items.generator = Footprint::default();
        items
            .explained
            .push_str("; `sum(1 for ...)` computes none of them");
    }
    if kept {
        // The result holds every item either way.
        items.generator = items.list;
        items
            .explained
            .push_str("; the consumer's result keeps them all either way");
    }
    let list = Footprint {
        allocations: built
            .allocations
            .saturating_add(u64::from(function > 0))
            .saturating_add(items.list.allocations),
        malloc_bytes: built
            .malloc_bytes
            .saturating_add(function)
            .saturating_add(items.list.malloc_bytes),
        growth_bytes: built.growth_bytes,
        peak: built
            .peak
            .saturating_add(function)
            .saturating_add(items.list.peak),
    };
    let lazy_function = match producer {
        Producer::Comprehension | Producer::Count => runtime.function,
        Producer::AppendLoop => 0,
    };
    let generator = Footprint {
        allocations: (1 + u64::from(lazy_function > 0)).saturating_add(items.generator.allocations),
        malloc_bytes: (runtime.generator + lazy_function)
            .saturating_add(items.generator.malloc_bytes),
        growth_bytes: 0,
        peak: (runtime.generator + lazy_function).saturating_add(items.generator.peak),
    };
    let function_text = |bytes: u64| {
        if bytes > 0 {
            format!(", plus the {bytes} B function object of the comprehension")
        } else {
            String::new()
        }
    };
    let derivation = vec![
        format!("{built_explained}{}", function_text(function)),
        format!(
            "alternative: one {generator} B generator{function}",
            generator = runtime.generator,
            function = function_text(lazy_function),
        ),
        items.explained,
        totals(list, generator),
    ];
    let version = runtime.version.dotted();
    let unknown_items = if elements == Elements::Unknown {
        " (the items' own size is not known from the source and not counted)"
    } else {
        ""
    };
    let what = match container {
        Container::List => "list",
        Container::Set => "set",
    };
    let summary = if kept {
        format!(
            "Builds a {n}-item {what} ({list_bytes} at its peak, in {allocations} allocations) \
             only to hand its items to a result that keeps them all; a generator hands them \
             over one at a time in {generator_bytes} on CPython {version}{unknown_items}",
            list_bytes = human_bytes(list.peak),
            allocations = list.allocations,
            generator_bytes = human_bytes(generator.peak),
        )
    } else if list.peak <= generator.peak {
        format!(
            "At {n} items the {what} ({list_bytes}) is no bigger than a generator ({generator_bytes}) \
             on CPython {version}; the saving appears as it grows, and it keeps every item alive \
             at once{unknown_items}",
            list_bytes = human_bytes(list.peak),
            generator_bytes = human_bytes(generator.peak),
        )
    } else {
        format!(
            "Builds a {n}-item {what} ({list_bytes} at its peak, in {allocations} allocations) that \
             is {used} and dropped, keeping every item alive at once{unknown_items}; a \
             generator holds one item at a time in {generator_bytes} on CPython {version}",
            used = if counted { "counted" } else { "iterated once" },
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
        derivation,
        extra_time_ns: None,
        judged_by_figures: true,
    }
}

/// Extra nanoseconds of `count` lookups at `slow` ns each where a local costs `fast`: the
/// measured difference, never below zero (on 3.11+ the two are within the noise).
fn extra_ns(count: u64, slow: f64, fast: f64) -> u64 {
    (count as f64 * (slow - fast).max(0.0)).round() as u64
}

/// `count` loads of a global or builtin against as many of a local. From 3.11 on the load is
/// specialised (`LOAD_GLOBAL_MODULE`, `LOAD_GLOBAL_BUILTIN`: two dict-version checks and a
/// cached index), and the measured differences from a local, -1.2 to +3.3 ns across 3.11 to
/// 3.13, are of both signs and within the timings' noise: the model prices them at nothing,
/// and such a finding is not reported.
fn lookups(runtime: &Runtime, n: u64, builtin: bool, per_iteration: u64) -> Comparison {
    let version = runtime.version.dotted();
    let (what, slow) = if builtin {
        ("builtins", runtime.lookup_ns.builtin)
    } else {
        ("module globals", runtime.lookup_ns.global)
    };
    let fast = runtime.lookup_ns.local;
    let count = n.saturating_mul(per_iteration.max(1));
    let extra = if runtime.specialised_globals {
        0
    } else {
        extra_ns(count, slow, fast)
    };
    let detail = if runtime.specialised_globals {
        format!(
            "CPython {version} specialises the load into a cached `LOAD_GLOBAL_{kind}`, as fast \
             as a local within what can be measured",
            kind = if builtin { "BUILTIN" } else { "MODULE" },
        )
    } else {
        format!(
            "on CPython {version} each `LOAD_GLOBAL` probes the globals dict{also}, about \
             {slow:.0} ns against {fast:.0} ns for a local",
            also = if builtin {
                " and then the builtins dict"
            } else {
                ""
            },
        )
    };
    let per = if per_iteration > 1 {
        format!(" ({per_iteration} per iteration)")
    } else {
        String::new()
    };
    let timing = if runtime.specialised_globals {
        format!(
            "measured {slow:.2} ns against {fast:.2} ns for a `LOAD_FAST` on CPython {version}, \
             a difference within the timings' noise: priced at nothing"
        )
    } else {
        format!(
            "alternative: {count} `LOAD_FAST` at {fast:.2} ns (measured on CPython {version}); \
             extra time {extra} ns"
        )
    };
    let mut comparison = Comparison::free(
        format!(
            "No allocation: {count} loads from the {what}{per} where a local would be a \
             `LOAD_FAST`; {detail}: {time}",
            time = time_in_all(extra),
        ),
        vec![format!(
            "habit: {n} iterations x {per_iteration} `LOAD_GLOBAL` = {count} at {slow:.2} ns; \
             {timing}; neither allocates"
        )],
    );
    comparison.extra_time_ns = Some(extra);
    comparison.judged_by_figures = true;
    comparison
}

fn attribute_lookups(runtime: &Runtime, n: u64, attributes: u64) -> Comparison {
    let per_iteration = if attributes == 1 {
        "one global and one attribute lookup".to_string()
    } else {
        format!("one global and {attributes} attribute lookups")
    };
    let lookups = n.saturating_mul(attributes + 1);
    let timing = runtime.lookup_ns;
    // The measured `module.attr` is one global and one attribute; each further dot adds
    // another attribute lookup.
    let attribute = (timing.module_attribute - timing.global).max(0.0);
    let chain = timing.global + attribute * attributes as f64;
    let extra = extra_ns(n, chain, timing.local);
    let version = runtime.version.dotted();
    let mut comparison = Comparison::free(
        format!(
            "No allocation: {lookups} lookups ({n} iterations x {per_iteration}) where binding \
             the target to a local pays them once; CPython {version} {cache}: {time}",
            cache = if runtime.specialised_globals {
                "caches each lookup, so the saving is mostly interpreter overhead"
            } else {
                "does a dictionary lookup for each"
            },
            time = time_in_all(extra),
        ),
        vec![format!(
            "habit: {n} x ({per_iteration}) = {lookups} lookups, {chain:.2} ns per iteration; \
             alternative: {n} `LOAD_FAST` at {local:.2} ns (measured on CPython {version}); \
             extra time {extra} ns; neither allocates",
            local = timing.local,
        )],
    );
    comparison.extra_time_ns = Some(extra);
    comparison.judged_by_figures = true;
    comparison
}

fn time_in_all(ns: u64) -> String {
    if ns == 0 {
        "no measurable extra time".to_string()
    } else {
        format!("about {} in all", human_duration(ns))
    }
}

/// `850 ns`, `1.2 us`, `3.4 ms`, `1.0 s`.
pub fn human_duration(ns: u64) -> String {
    match ns {
        0..1_000 => format!("{ns} ns"),
        1_000..1_000_000 => format!("{:.1} us", ns as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} ms", ns as f64 / 1e6),
        _ => format!("{:.1} s", ns as f64 / 1e9),
    }
}

/// `+1,234`, `-56`, `0`: an excess with its sign.
pub fn signed(value: i64) -> String {
    match value {
        0 => "0".to_string(),
        v if v > 0 => format!("+{}", grouped(v.unsigned_abs())),
        v => format!("-{}", grouped(v.unsigned_abs())),
    }
}

/// `1234567` as `1,234,567`, for derivations people check by hand.
/// The derivation's closing line: calls, bytes and peak of the habit and of the alternative.
fn totals(habit: Footprint, alternative: Footprint) -> String {
    format!(
        "habit: {} calls, {} B, peak {} B; alternative: {} calls, {} B, peak {} B",
        habit.allocations,
        grouped(habit.bytes()),
        grouped(habit.peak),
        alternative.allocations,
        grouped(alternative.bytes()),
        grouped(alternative.peak),
    )
}

pub fn grouped(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `1.2 KB`, `340 B`, `5.0 MB`: for summaries, in powers of 1000 like `ls -h --si`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KB", "MB", "GB", "TB", "PB", "EB"];
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
