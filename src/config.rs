//! Settings for one run: which rules are on, which CPython the costs are for, and the loop
//! assumptions of the cost model.
//!
//! [`crate::resolve`] builds a [`Settings`] per configuration file (from [`Options`] and the
//! command line's overrides); everything downstream reads it and nothing writes it back.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::Severity;
use crate::rules::Rule;

/// The CPython minor version whose behaviour the semantic model (builtins) and the cost model
/// (object sizes, in-place optimisations) follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TargetVersion {
    minor: u8,
}

impl TargetVersion {
    pub const OLDEST: TargetVersion = TargetVersion { minor: 8 };
    pub const NEWEST: TargetVersion = TargetVersion { minor: 14 };
    pub const DEFAULT: TargetVersion = TargetVersion { minor: 12 };

    /// The 3.x minor version, e.g. 12 for CPython 3.12.
    pub const fn minor(self) -> u8 {
        self.minor
    }

    /// Every supported version, oldest first.
    pub fn all() -> impl Iterator<Item = TargetVersion> {
        (Self::OLDEST.minor..=Self::NEWEST.minor).map(|minor| TargetVersion { minor })
    }

    /// `"3.12"`: the form the cost model reports.
    pub fn dotted(self) -> String {
        format!("3.{}", self.minor)
    }
}

impl Default for TargetVersion {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for TargetVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "py3{}", self.minor)
    }
}

impl FromStr for TargetVersion {
    type Err = String;

    /// Accepts ruff's spelling (`py312`) and the dotted one (`3.12`).
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let minor = value
            .strip_prefix("py3")
            .or_else(|| value.strip_prefix("3."))
            .and_then(|minor| minor.parse::<u8>().ok());
        match minor {
            Some(minor) if (Self::OLDEST.minor..=Self::NEWEST.minor).contains(&minor) => {
                Ok(TargetVersion { minor })
            }
            _ => Err(format!(
                "unsupported target version `{value}`: expected one of {}",
                Self::all()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

impl TryFrom<String> for TargetVersion {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<TargetVersion> for String {
    fn from(version: TargetVersion) -> Self {
        version.to_string()
    }
}

/// When a loop counts as hot for the lookup rules (MEM401, MEM402).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotLoop {
    /// A load this many loops deep (counting the loop it sits in) is hot.
    pub min_depth: usize,
    /// A load in a loop whose trip count is known to be at least this is hot.
    pub min_trip_count: u64,
}

impl Default for HotLoop {
    fn default() -> Self {
        HotLoop {
            min_depth: 2,
            min_trip_count: 1000,
        }
    }
}

/// The options of a configuration file: `[tool.heaplint]` in `pyproject.toml`, or the top level
/// of `heaplint.toml` / `.heaplint.toml`. Every key is optional; unknown keys are an error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    pub select: Option<Vec<String>>,
    pub extend_select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    /// Glob (relative to the configuration file's directory, or a file name anywhere when it
    /// has no `/`) to the codes or prefixes ignored in the files it matches.
    pub per_file_ignores: Option<std::collections::BTreeMap<String, Vec<String>>>,
    /// Replaces the default exclusions.
    pub exclude: Option<Vec<String>>,
    /// Added to the exclusions.
    pub extend_exclude: Option<Vec<String>>,
    pub respect_gitignore: Option<bool>,
    pub target_version: Option<TargetVersion>,
    pub assume_iterations: Option<u64>,
    pub hot_loop: Option<HotLoopOptions>,
    pub min_severity: Option<Severity>,
    pub fail_on: Option<Severity>,
    /// Globs of the files that are test code, replacing pytest's naming; `[]` for none.
    pub test_code: Option<Vec<String>>,
}

/// `[tool.heaplint.hot-loop]`: the thresholds of [`HotLoop`], each optional.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HotLoopOptions {
    pub min_depth: Option<usize>,
    pub min_trip_count: Option<u64>,
}

impl HotLoop {
    /// These thresholds with the ones `options` sets replaced.
    pub fn with(self, options: HotLoopOptions) -> HotLoop {
        HotLoop {
            min_depth: options.min_depth.unwrap_or(self.min_depth),
            min_trip_count: options.min_trip_count.unwrap_or(self.min_trip_count),
        }
    }
}

/// The lowest supported CPython version a `requires-python` specifier (PEP 440) allows, as
/// ruff derives `target-version` from it: `>=3.10` and `~=3.10` give 3.10, `==3.11.*` gives
/// 3.11, `>=3.8.1` still 3.8. A specifier allowing nothing supported is clamped to the
/// supported range: `>=2.7` gives 3.8 (the oldest supported version it allows), `>=3.20`
/// gives 3.14. `Err` names what is wrong with a specifier that does not parse.
pub fn minimum_python(specifier: &str) -> Result<TargetVersion, String> {
    let specifiers = pep440_rs::VersionSpecifiers::from_str(specifier)
        .map_err(|error| error.to_string().trim().to_string())?;
    // Patch releases go far higher in practice, but a bound on one past this is rare.
    const PATCHES: u64 = 50;
    let allows = |minor: u64| {
        (0..=PATCHES).any(|patch| specifiers.contains(&pep440_rs::Version::new([3, minor, patch])))
    };
    let supported = TargetVersion::OLDEST.minor..=TargetVersion::NEWEST.minor;
    if let Some(minor) = supported.clone().find(|minor| allows(u64::from(*minor))) {
        return Ok(TargetVersion { minor });
    }
    // Nothing supported is allowed: the project is newer than heaplint knows, or older.
    let newer = (u64::from(TargetVersion::NEWEST.minor) + 1..100).any(allows);
    Ok(if newer {
        TargetVersion::NEWEST
    } else {
        TargetVersion::OLDEST
    })
}

/// The lowest supported CPython version a Poetry constraint on `python` allows
/// (`[tool.poetry.dependencies] python = "^3.9"`), for projects that state it there instead of
/// in `requires-python`: `^3.9` and `~3.9` give 3.9, alternatives joined by `||` the lowest of
/// them. `Err` names what is wrong with a constraint that does not parse.
pub fn minimum_poetry_python(constraint: &str) -> Result<TargetVersion, String> {
    constraint
        .split("||")
        .map(|alternative| minimum_python(&poetry_to_pep440(alternative)))
        .try_fold(None, |lowest: Option<TargetVersion>, version| {
            let version = version?;
            Ok::<_, String>(Some(lowest.map_or(version, |lowest| lowest.min(version))))
        })?
        .ok_or_else(|| "an empty constraint".to_string())
}

/// One alternative of a Poetry constraint as a PEP 440 specifier: `^3.9` and `~3.9` are
/// `>=3.9` (their upper bounds do not matter for the lowest version), `3.9` is `==3.9`, `*` is
/// anything.
fn poetry_to_pep440(alternative: &str) -> String {
    alternative
        .split([',', ' '])
        .map(str::trim)
        .filter(|clause| !clause.is_empty())
        .map(|clause| {
            if let Some(version) = clause
                .strip_prefix('^')
                .or_else(|| clause.strip_prefix("~="))
                .or_else(|| clause.strip_prefix('~'))
            {
                format!(">={version}")
            } else if clause == "*" {
                ">=0".to_string()
            } else if clause.starts_with(|c: char| c.is_ascii_digit()) {
                format!("=={clause}")
            } else {
                clause.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Everything a run needs to know besides the paths.
#[derive(Clone, Debug)]
pub struct Settings {
    pub rules: RuleSelection,
    pub target: TargetVersion,
    /// The trip count the cost model uses for a loop whose count it cannot see.
    pub assume_iterations: u64,
    pub hot_loop: HotLoop,
    /// Keep the text of files with diagnostics for the report (the text format draws
    /// snippets; the machine formats need only positions).
    pub retain_sources: bool,
    pub thresholds: Thresholds,
    /// The file is test code (by `test-code`, or else [`crate::discover::is_test_code`]): it
    /// runs on inputs it writes itself, and what it costs is paid by the test run rather than by users, so its
    /// findings are `info` unless their rule's floor says more.
    pub test_code: bool,
}

/// Which findings a run shows, and which of those fail it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// The least severity reported (`--min-severity`).
    pub show: Severity,
    /// The least severity, among the findings reported, that makes the run exit 1
    /// (`--fail-on`).
    pub fail: Severity,
}

impl Thresholds {
    /// The defaults: a first run shows, and fails on, the findings that cost something
    /// material at the counts the source shows, and quadratic habits over data the code does
    /// not bound. Zero-cost hints (`== None`) and costs resting on assumed counts are `info`,
    /// shown with `--min-severity info`.
    pub const DEFAULT: Thresholds = Thresholds {
        show: Severity::Warning,
        fail: Severity::Warning,
    };
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds::DEFAULT
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rules: RuleSelection::all(),
            target: TargetVersion::DEFAULT,
            assume_iterations: 100,
            hot_loop: HotLoop::default(),
            retain_sources: true,
            thresholds: Thresholds::DEFAULT,
            test_code: false,
        }
    }
}

/// The set of enabled rules, one bit per rule: the checker asks at every node it visits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSelection {
    enabled: u128,
}

const _: () = assert!(Rule::ALL.len() <= 128, "RuleSelection holds 128 rules");

fn bit(rule: Rule) -> u128 {
    1 << (rule as u32)
}

impl FromIterator<Rule> for RuleSelection {
    fn from_iter<I: IntoIterator<Item = Rule>>(rules: I) -> Self {
        RuleSelection {
            enabled: rules.into_iter().fold(0, |bits, rule| bits | bit(rule)),
        }
    }
}

/// A `--select`/`--ignore` value that names no rule.
#[derive(Debug, PartialEq, Eq)]
pub struct UnknownSelector(pub String);

impl fmt::Display for UnknownSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown rule selector `{}`: expected a rule code or a prefix of one (e.g. `MEM2`, `MEM201`) or `ALL`",
            self.0
        )
    }
}

impl std::error::Error for UnknownSelector {}

impl RuleSelection {
    pub fn all() -> Self {
        Rule::ALL.iter().copied().collect()
    }

    /// Resolves selectors the way ruff does: for each rule the most specific matching selector
    /// wins, so `--select MEM201 --ignore MEM2` keeps MEM201; on a tie `--ignore` wins.
    /// An empty `select` means every rule.
    pub fn from_selectors(select: &[String], ignore: &[String]) -> Result<Self, UnknownSelector> {
        let select = parse_selectors(select)?;
        let ignore = parse_selectors(ignore)?;
        let select_all = [Selector::All];
        let select = if select.is_empty() {
            &select_all[..]
        } else {
            &select[..]
        };
        let enabled = Rule::ALL
            .iter()
            .copied()
            .filter(|rule| {
                let selected = best_match(select, *rule);
                let ignored = best_match(&ignore, *rule);
                match (selected, ignored) {
                    (Some(s), Some(i)) => s > i,
                    (Some(_), None) => true,
                    (None, _) => false,
                }
            })
            .collect();
        Ok(enabled)
    }

    /// Applies one layer of settings on top of `self`, as ruff layers a configuration file and
    /// then the command line: a layer with `select` starts afresh from it (plus its
    /// `extend-select`, minus its `ignore`, the more specific selector winning); a layer
    /// without one changes only the rules its `extend-select` and `ignore` match.
    pub fn with_layer(
        &self,
        select: Option<&[String]>,
        extend_select: &[String],
        ignore: &[String],
    ) -> Result<Self, UnknownSelector> {
        let extend = parse_selectors(extend_select)?;
        let ignore = parse_selectors(ignore)?;
        let select = match select {
            Some(select) => {
                let mut select = parse_selectors(select)?;
                select.extend(extend.iter().cloned());
                Some(select)
            }
            None => None,
        };
        let enabled = Rule::ALL
            .iter()
            .copied()
            .filter(|rule| {
                let ignored = best_match(&ignore, *rule);
                let (selected, previous) = match &select {
                    Some(select) => (best_match(select, *rule), false),
                    None => (best_match(&extend, *rule), self.is_enabled(*rule)),
                };
                match (selected, ignored) {
                    (Some(s), Some(i)) => s > i,
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => previous,
                }
            })
            .collect();
        Ok(enabled)
    }

    /// The selection without the rules `ignored` matches.
    pub fn without(&self, ignored: &[Rule]) -> Self {
        self.enabled()
            .filter(|rule| !ignored.contains(rule))
            .collect()
    }

    pub fn is_enabled(&self, rule: Rule) -> bool {
        self.enabled & bit(rule) != 0
    }

    /// The enabled rules, in code order.
    pub fn enabled(&self) -> impl Iterator<Item = Rule> + '_ {
        Rule::ALL
            .iter()
            .copied()
            .filter(|rule| self.is_enabled(*rule))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Selector {
    All,
    Prefix(String),
}

impl Selector {
    /// How specific a match is (longer prefixes are more specific), or `None` for no match.
    fn specificity(&self, rule: Rule) -> Option<usize> {
        match self {
            Selector::All => Some(0),
            Selector::Prefix(prefix) => rule.code().starts_with(prefix).then_some(prefix.len()),
        }
    }
}

fn best_match(selectors: &[Selector], rule: Rule) -> Option<usize> {
    selectors.iter().filter_map(|s| s.specificity(rule)).max()
}

/// The rules a list of selectors (codes, prefixes, `ALL`) matches.
pub fn rules_matching(values: &[String]) -> Result<Vec<Rule>, UnknownSelector> {
    let selectors = parse_selectors(values)?;
    Ok(Rule::ALL
        .iter()
        .copied()
        .filter(|rule| best_match(&selectors, *rule).is_some())
        .collect())
}

/// Splits comma-separated values and rejects selectors that match no rule, as ruff does.
fn parse_selectors(values: &[String]) -> Result<Vec<Selector>, UnknownSelector> {
    values
        .iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(|value| {
            let upper = value.to_ascii_uppercase();
            if upper == "ALL" {
                return Ok(Selector::All);
            }
            let selector = Selector::Prefix(upper);
            if Rule::ALL
                .iter()
                .any(|rule| selector.specificity(*rule).is_some())
            {
                Ok(selector)
            } else {
                Err(UnknownSelector(value.to_string()))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(selection: &RuleSelection) -> Vec<&'static str> {
        selection.enabled().map(|r| r.code()).collect()
    }

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn empty_select_enables_everything() {
        let selection = RuleSelection::from_selectors(&[], &[]).unwrap();
        assert_eq!(selection.enabled().count(), Rule::ALL.len());
    }

    #[test]
    fn prefix_selects_a_family() {
        let selection = RuleSelection::from_selectors(&strings(&["MEM2"]), &[]).unwrap();
        assert_eq!(
            codes(&selection),
            ["MEM201", "MEM202", "MEM203", "MEM204", "MEM205"]
        );
    }

    #[test]
    fn more_specific_selector_wins() {
        let selection =
            RuleSelection::from_selectors(&strings(&["MEM201"]), &strings(&["MEM2"])).unwrap();
        assert_eq!(codes(&selection), ["MEM201"]);
        let selection =
            RuleSelection::from_selectors(&strings(&["MEM2"]), &strings(&["MEM201"])).unwrap();
        assert_eq!(codes(&selection), ["MEM202", "MEM203", "MEM204", "MEM205"]);
    }

    #[test]
    fn ignore_wins_a_tie_and_commas_split() {
        let selection =
            RuleSelection::from_selectors(&strings(&["MEM1,MEM4"]), &strings(&["mem1"])).unwrap();
        assert_eq!(codes(&selection), ["MEM401", "MEM402", "MEM403"]);
    }

    #[test]
    fn unknown_selector_is_an_error() {
        let error = RuleSelection::from_selectors(&strings(&["E501"]), &[]).unwrap_err();
        assert_eq!(error, UnknownSelector("E501".to_string()));
    }

    #[test]
    fn layers_replace_or_extend() {
        let file = RuleSelection::all()
            .with_layer(
                Some(&strings(&["MEM1"])),
                &strings(&["MEM201"]),
                &strings(&["MEM102"]),
            )
            .unwrap();
        assert_eq!(codes(&file), ["MEM101", "MEM103", "MEM201"]);
        let cli = file
            .with_layer(None, &strings(&["MEM4"]), &strings(&["MEM101"]))
            .unwrap();
        assert_eq!(
            codes(&cli),
            ["MEM103", "MEM201", "MEM401", "MEM402", "MEM403"]
        );
        let cli = file
            .with_layer(Some(&strings(&["MEM3"])), &[], &[])
            .unwrap();
        assert_eq!(
            codes(&cli),
            [
                "MEM301", "MEM302", "MEM303", "MEM304", "MEM305", "MEM306", "MEM307"
            ]
        );
    }

    #[test]
    fn requires_python_gives_the_lowest_version() {
        let minor = |spec: &str| minimum_python(spec).map(TargetVersion::minor);
        assert_eq!(minor(">=3.10"), Ok(10));
        assert_eq!(minor(">= 3.9, <4"), Ok(9));
        assert_eq!(minor("~=3.11.2"), Ok(11));
        assert_eq!(minor("==3.13.*"), Ok(13));
        assert_eq!(minor(">3.10"), Ok(10));
        assert_eq!(minor(">=3.8.1"), Ok(8));
        assert_eq!(minor(">3.10.0"), Ok(10));
        assert_eq!(minor(">=3.6"), Ok(8));
        assert_eq!(minor(">=2.7"), Ok(8));
        assert_eq!(
            minor(">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*"),
            Ok(8)
        );
        assert_eq!(minor(">=3.20"), Ok(14));
        assert_eq!(minor("<3.12"), Ok(8));
        assert_eq!(minor("!=3.8.*"), Ok(9));
        assert_eq!(minor("==2.7.*"), Ok(8));
    }

    #[test]
    fn poetry_constraints_give_the_lowest_version() {
        let minor = |constraint: &str| minimum_poetry_python(constraint).map(TargetVersion::minor);
        assert_eq!(minor("^3.9"), Ok(9));
        assert_eq!(minor("~3.10"), Ok(10));
        assert_eq!(minor(">=3.8,<4.0"), Ok(8));
        assert_eq!(minor(">=3.9 <4"), Ok(9));
        assert_eq!(minor("^3.11 || ^3.9"), Ok(9));
        assert_eq!(minor("3.12.*"), Ok(12));
        assert_eq!(minor("*"), Ok(8));
        assert!(minimum_poetry_python("^three").is_err());
    }

    #[test]
    fn a_malformed_requires_python_is_an_error() {
        for malformed in [">=3.10,", "3.10", ">= three", "=>3.8"] {
            let error = minimum_python(malformed).expect_err(malformed);
            assert!(!error.is_empty(), "{malformed}");
        }
    }

    #[test]
    fn options_reject_unknown_keys() {
        let error = toml::from_str::<Options>("selct = []").unwrap_err();
        assert!(error.to_string().contains("selct"), "{error}");
        let options: Options =
            toml::from_str("select = [\"MEM2\"]\n[hot-loop]\nmin-depth = 3\n").unwrap();
        assert_eq!(options.hot_loop.unwrap().min_depth, Some(3));
    }

    #[test]
    fn target_versions_parse_both_spellings() {
        assert_eq!("py38".parse::<TargetVersion>().unwrap().minor(), 8);
        assert_eq!("3.14".parse::<TargetVersion>().unwrap().minor(), 14);
        assert!("py37".parse::<TargetVersion>().is_err());
        assert!("py315".parse::<TargetVersion>().is_err());
        assert_eq!(TargetVersion::DEFAULT.to_string(), "py312");
    }
}
