//! What one CPython version allocates, as data: the handful of object sizes and interpreter
//! behaviours the estimates need, per minor version, for 64-bit Linux default builds.
//!
//! Sizes are *requested* bytes (what `PyObject_Malloc` is asked for, what tracemalloc counts),
//! including the 16-byte GC header of GC-tracked types. Sources: CPython's headers and
//! `Objects/*.c` of each version, checked against interpreters measured with an allocator hook
//! (`tools/measure`, results in `tools/measure/results/`). `../shared/cpython-memory-facts.md`
//! has the derivations.

use crate::config::TargetVersion;

/// How `list.append` over-allocates (`Objects/listobject.c`, `list_resize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListGrowth {
    /// 3.8: `new = n + (n >> 3) + (n < 9 ? 3 : 6)`.
    Py38,
    /// 3.9+: `new = (n + (n >> 3) + 6) & ~3`.
    Py39,
}

/// Where a `+=` stores its result, which decides whether CPython can resize a `str` in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    /// A function local (`STORE_FAST`).
    Local,
    /// A closure variable (`STORE_DEREF`).
    Closure,
    /// Module-level or class-body code (`STORE_NAME`).
    Name,
    /// `global s` in a function (`STORE_GLOBAL`).
    Global,
    /// `obj.attr += ...` (`STORE_ATTR`).
    Attribute,
    /// `container[key] += ...` (`STORE_SUBSCR`).
    Subscript,
}

/// The figures of one CPython version.
#[derive(Clone, Copy, Debug)]
pub struct Runtime {
    pub version: TargetVersion,
    /// Requested bytes of an ASCII `str` of length 0, terminating NUL included; a string of n
    /// ASCII characters requests this plus n. `PyASCIIObject` lost `wstr` in 3.12 (PEP 623).
    pub str_base: u64,
    /// Requested bytes of an empty `bytes`, NUL included (`PyBytesObject`).
    pub bytes_base: u64,
    /// Requested bytes of a tuple before its items (8 bytes each); 3.14 caches the hash in it.
    pub tuple_base: u64,
    /// Tuples of up to this many items come from a free list, not the allocator. Measured
    /// (`scenarios.py --trace tuple_concat_local`): a 20-item tuple is malloc'd on 3.8 to 3.12
    /// and served from the free list on 3.13.
    pub tuple_free_list_max_len: u64,
    pub list_growth: ListGrowth,
    /// A `list_iterator`, created by `for x in some_list` and by builtins iterating a list.
    pub list_iterator: u64,
    /// A generator object (`gen_sizeof`; on 3.8 to 3.10 its frame is recycled when warm).
    pub generator: u64,
    /// The function object `MAKE_FUNCTION` creates for a generator expression, and on 3.8 to
    /// 3.11 for a list comprehension too (PEP 709 inlined comprehensions in 3.12).
    pub function: u64,
    pub comprehension_makes_function: bool,
    /// `bytes.join` of more than this many parts borrows a `Py_buffer` per part.
    pub bytes_join_static_buffers: u64,
    pub bytes_join_buffer_per_part: u64,
    /// `LOAD_GLOBAL` is specialised to a guarded cache hit (3.11+): a global costs little more
    /// than a local, but still more.
    pub specialised_globals: bool,
    /// `a + b + c` with str operands: on 3.8 to 3.10 the interpreter appends to the unshared
    /// temporary in place, on 3.11+ every `+` allocates a fresh string.
    pub chain_temporaries_in_place: bool,
}

impl Runtime {
    pub fn for_version(version: TargetVersion) -> Runtime {
        let minor = version.minor();
        Runtime {
            version,
            str_base: if minor >= 12 { 41 } else { 49 },
            bytes_base: 33,
            tuple_base: if minor >= 14 { 48 } else { 40 },
            tuple_free_list_max_len: if minor >= 13 { 20 } else { 19 },
            list_growth: if minor >= 9 {
                ListGrowth::Py39
            } else {
                ListGrowth::Py38
            },
            list_iterator: 48,
            generator: match minor {
                8 | 9 => 112,
                10 => 104,
                11 | 14 => 200,
                _ => 192,
            },
            function: match minor {
                8 | 9 => 136,
                10 => 144,
                11 => 152,
                12 | 13 => 160,
                _ => 168,
            },
            comprehension_makes_function: minor <= 11,
            bytes_join_static_buffers: 10,
            bytes_join_buffer_per_part: 80,
            specialised_globals: minor >= 11,
            chain_temporaries_in_place: minor <= 10,
        }
    }

    /// Whether `s += piece` on a `str` stored this way is resized in place.
    ///
    /// 3.8 to 3.10 (`unicode_concatenate` in `Python/ceval.c`) handle `STORE_FAST`,
    /// `STORE_DEREF` and `STORE_NAME`; 3.11+ (`BINARY_OP_INPLACE_ADD_UNICODE`) only
    /// `STORE_FAST`. Attributes, items and globals always copy.
    pub fn str_concat_in_place(&self, store: Store) -> bool {
        match store {
            Store::Local => true,
            Store::Closure | Store::Name => self.version.minor() <= 10,
            Store::Global | Store::Attribute | Store::Subscript => false,
        }
    }

    /// Requested bytes of an int made at run time (arithmetic, a `range` iterator), or `None`
    /// for a cached small int. 3.11+ allocates one-digit ints as a whole `PyLongObject` (32
    /// bytes, `_PyLong_FromMedium`); otherwise `_PyLong_New` asks for the header (24) plus 4
    /// bytes per 30-bit digit.
    pub fn fresh_int_size(&self, value: i128) -> Option<u64> {
        if super::SMALL_INTS.contains(&value) {
            return None;
        }
        let digits = u64::from((128 - value.unsigned_abs().leading_zeros()).div_ceil(30)).max(1);
        Some(if self.version.minor() >= 11 && digits == 1 {
            32
        } else {
            24 + 4 * digits
        })
    }

    /// Requested bytes of a float (`PyFloatObject`).
    pub fn float_size(&self) -> u64 {
        24
    }

    /// Floats kept for reuse instead of freed (`PyFloat_MAXFREELIST`, 100 on every version).
    pub fn float_free_list(&self) -> u64 {
        100
    }

    /// Ints kept for reuse instead of freed: none before 3.14.
    pub fn int_free_list(&self) -> u64 {
        if self.version.minor() >= 14 { 100 } else { 0 }
    }

    /// The capacity a list grows to when an append finds it full at `size` items.
    pub fn list_capacity_after_append(&self, size: u64) -> u64 {
        let wanted = size.saturating_add(1);
        let grown = wanted.saturating_add(wanted >> 3);
        match self.list_growth {
            ListGrowth::Py38 => grown.saturating_add(if wanted < 9 { 3 } else { 6 }),
            ListGrowth::Py39 => grown.saturating_add(6) & !3,
        }
    }

    /// The item-array allocations of `n` appends to an empty list: how many, their total
    /// requested bytes, and the final capacity.
    pub fn list_appends(&self, n: u64) -> ListFill {
        let mut fill = ListFill::default();
        while fill.capacity < n {
            let capacity = self.list_capacity_after_append(fill.capacity);
            if capacity <= fill.capacity {
                // Saturated at u64::MAX: no real list gets here.
                break;
            }
            fill.capacity = capacity;
            fill.resizes += 1;
        }
        fill
    }
}

/// What filling a list by appends allocates for its item array: one reallocation per resize,
/// growing the array to `capacity` pointers. The list object itself comes from a free list in
/// warm code and is not counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListFill {
    pub resizes: u64,
    pub capacity: u64,
}

impl ListFill {
    /// Bytes of the item array at its final capacity.
    pub fn array_bytes(self) -> u64 {
        self.capacity.saturating_mul(8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime(version: &str) -> Runtime {
        Runtime::for_version(version.parse().unwrap())
    }

    /// The capacities CPython's own comments and measurements give.
    #[test]
    fn list_growth_matches_cpython() {
        let capacities = |r: Runtime| {
            let mut capacity = 0;
            (0..10)
                .map(|_| {
                    capacity = r.list_capacity_after_append(capacity);
                    capacity
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            capacities(runtime("py312")),
            [4, 8, 16, 24, 32, 40, 52, 64, 76, 92]
        );
        assert_eq!(
            capacities(runtime("py38")),
            [4, 8, 16, 25, 35, 46, 58, 72, 88, 106]
        );
        assert_eq!(runtime("py312").list_appends(1000).capacity, 1100);
        assert_eq!(runtime("py38").list_appends(1000).capacity, 1120);
    }

    #[test]
    fn in_place_concat_follows_the_store_instruction() {
        assert!(runtime("py312").str_concat_in_place(Store::Local));
        assert!(!runtime("py312").str_concat_in_place(Store::Name));
        assert!(runtime("py310").str_concat_in_place(Store::Name));
        assert!(!runtime("py38").str_concat_in_place(Store::Attribute));
    }
}
