//! The rules, one file each, and their registry.
//!
//! A rule is a small function the [`Checker`](crate::checker::Checker) calls at the nodes it
//! cares about. It decides whether the code has the habit, and if so reports a [`Finding`]:
//! where, a message, the better habit, and a [`Scenario`] describing what the code does so the
//! cost model can price it. Rules know nothing of output formats or of costs.
//!
//! Each rule's user documentation, with examples that run as tests, is `rules/<CODE>.md` at the
//! top of the repository.

pub(crate) mod common;
mod elements;
mod equality;
pub(crate) mod iterable;
pub(crate) mod translated;

use ruff_text_size::{Ranged, TextRange};

use crate::model::{Iterations, Scenario, Severity};

/// A rule's identity.
#[derive(Debug)]
pub struct RuleMeta {
    /// `MEM101`: a family digit, then a number within the family.
    pub code: &'static str,
    /// `none-comparison`: kebab-case, as ruff and pylint name their checks.
    pub name: &'static str,
    /// What the rule looks for, in a few words, for `heaplint rule` and the README.
    pub summary: &'static str,
    /// The rule's page, `rules/<CODE>.md`: what, why, examples, and how its cost is modelled.
    pub documentation: &'static str,
    /// The least severity a finding gets whatever its cost: a habit that can change what the
    /// program does (`x is "literal"`) is worth a warning even though it allocates nothing.
    pub severity_floor: Severity,
    /// Codes other linters give the same habit (`E711` for MEM101): a `# noqa` naming one
    /// silences this rule too, so a line already excused for ruff or flake8 is not reported
    /// again.
    pub same_as: &'static [&'static str],
}

/// One occurrence of a habit in a file.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: Rule,
    pub range: TextRange,
    pub message: String,
    /// The better habit, imperative: "Use `x is None`".
    pub help: String,
    pub scenario: Scenario,
    /// How often the flagged code runs, for the cost model.
    pub iterations: Iterations,
}

impl Ranged for Finding {
    fn range(&self) -> TextRange {
        self.range
    }
}

/// Declares the rule modules and the [`Rule`] enum in one place, so a rule cannot be written
/// and then left out of the registry.
macro_rules! declare_rules {
    ($($variant:ident => $module:ident,)*) => {
        $(pub mod $module;)*

        /// Every rule heaplint has.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            pub fn meta(self) -> &'static RuleMeta {
                match self {
                    $(Rule::$variant => &$module::META,)*
                }
            }
        }
    };
}

declare_rules! {
    NoneComparison => none_comparison,
    SingletonComparison => singleton_comparison,
    LiteralIdentityComparison => literal_identity_comparison,
    StringConcatInLoop => string_concat_in_loop,
    ChainedStringConcat => chained_string_concat,
    TupleConcatInLoop => tuple_concat_in_loop,
    ListConcatInLoop => list_concat_in_loop,
    QuadraticListSummation => quadratic_list_summation,
    ListComprehensionInCall => list_comprehension_in_call,
    ListBuiltForOnePass => list_built_for_one_pass,
    ReadlinesMaterialised => readlines_materialised,
    SliceCopyInIteration => slice_copy_in_iteration,
    ConcatenationForIteration => concatenation_for_iteration,
    NeedlessMaterialisation => needless_materialisation,
    ListReturnedForOnePass => list_returned_for_one_pass,
    GlobalLookupInHotLoop => global_lookup_in_hot_loop,
    ModuleAttributeInHotLoop => module_attribute_in_hot_loop,
    LoopInvariantContainer => loop_invariant_container,
    MutableDefaultArgument => mutable_default_argument,
    UnboundedMethodCache => unbounded_method_cache,
    MissingSlots => missing_slots,
    ReferenceCycle => reference_cycle,
}

impl Rule {
    pub fn code(self) -> &'static str {
        self.meta().code
    }

    pub fn name(self) -> &'static str {
        self.meta().name
    }

    pub fn documentation(self) -> &'static str {
        self.meta().documentation
    }

    /// True if `code` names this rule, as its own code or another linter's code for the habit.
    pub fn is_named_by(self, code: &str) -> bool {
        code == self.code() || self.meta().same_as.contains(&code)
    }

    /// Looks a rule up by its code (`MEM101`) or its name (`none-comparison`).
    pub fn find(code_or_name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| {
            rule.code().eq_ignore_ascii_case(code_or_name) || rule.name() == code_or_name
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes: Vec<_> = Rule::ALL.iter().map(|rule| rule.code()).collect();
        let sorted = {
            let mut sorted = codes.clone();
            sorted.sort_unstable();
            sorted
        };
        assert_eq!(codes, sorted, "rules are declared in code order");
        codes.dedup();
        assert_eq!(codes.len(), Rule::ALL.len());
        for rule in Rule::ALL {
            assert!(rule.code().starts_with("MEM") && rule.code().len() == 6);
            assert!(
                rule.name()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-')
            );
            assert_eq!(Rule::find(rule.name()), Some(*rule));
        }
    }
}
