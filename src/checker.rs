//! The one walk that runs the rules.
//!
//! The checker follows the same traversal as the semantic model's builder ([`walk`]), so at
//! every node it knows the scope and loop it is in, and hands the node to the rules that care
//! about that kind of node. Rules report [`Finding`]s back through [`Checker::report`].

use ruff_python_ast::{self as ast, Expr, ExprContext, ModModule, Stmt};
use ruff_text_size::TextRange;
use rustc_hash::FxHashSet;

use crate::config::Settings;
use crate::model::{Iterations, Scenario};
use crate::rules::{self, Finding, Rule};
use crate::semantic::walk::{self, Context, Hooks};
use crate::semantic::{LoopId, LoopNode, ScopeId, ScopeNode, SemanticModel};

/// Runs every enabled rule over `module` and returns the findings in source order.
pub fn check_module<'a>(
    module: &'a ModModule,
    model: &'a SemanticModel<'a>,
    source: &'a str,
    settings: &'a Settings,
) -> Vec<Finding> {
    let checker = Checker {
        model,
        source,
        settings,
        findings: Vec::new(),
        reported_hot_loads: FxHashSet::default(),
    };
    let mut findings = walk::walk_module(module, checker).findings;
    findings.sort_by_key(|finding| (finding.range.start(), finding.rule));
    findings
}

/// State the rules share while the walk runs.
pub struct Checker<'a> {
    pub model: &'a SemanticModel<'a>,
    pub settings: &'a Settings,
    source: &'a str,
    findings: Vec<Finding>,
    /// `(outermost loop, name)` pairs already reported by the hot-loop rules, which report a
    /// name once per loop nest rather than at every load.
    reported_hot_loads: FxHashSet<(LoopId, String)>,
}

impl<'a> Checker<'a> {
    pub fn enabled(&self, rule: Rule) -> bool {
        self.settings.rules.is_enabled(rule)
    }

    /// Records a finding whose code runs `iterations` times.
    pub fn report(
        &mut self,
        rule: Rule,
        range: TextRange,
        message: String,
        help: String,
        scenario: Scenario,
        iterations: Iterations,
    ) {
        self.findings.push(Finding {
            rule,
            range,
            message,
            help,
            scenario,
            iterations,
        });
    }

    /// The source text of `range`.
    pub fn text(&self, range: TextRange) -> &'a str {
        self.source.get(range.to_std_range()).unwrap_or_default()
    }

    /// How often code directly in `loop_id` runs per call of its function (or per run of the
    /// module): the trip counts of every loop around it, multiplied.
    pub fn iterations(&self, loop_id: Option<LoopId>) -> Iterations {
        self.iterations_of(self.model.loop_chain(loop_id))
    }

    /// The trip counts of `loops` multiplied; `--assume-iterations` for each one not known.
    pub fn iterations_of(&self, loops: impl IntoIterator<Item = LoopId>) -> Iterations {
        Iterations::of_loops(
            loops.into_iter().map(|id| self.model.trip_count(id)),
            self.settings.assume_iterations,
        )
    }

    /// Why code in `loop_id` is hot, or `None` if it is not: nested deeply enough, or inside a
    /// loop known to run often enough.
    pub fn hotness(&self, loop_id: Option<LoopId>) -> Option<Hotness> {
        let threshold = self.settings.hot_loop;
        let depth = self.model.loop_chain(loop_id).count();
        if depth >= threshold.min_depth && depth > 0 {
            return Some(Hotness::Nested { depth });
        }
        self.model
            .loop_chain(loop_id)
            .filter_map(|id| self.model.trip_count(id))
            .find(|count| *count >= threshold.min_trip_count)
            .map(|count| Hotness::Long { iterations: count })
    }

    /// True the first time `key` is seen in the loop nest around `loop_id`.
    pub fn first_hot_report(&mut self, loop_id: LoopId, key: &str) -> bool {
        let outermost = self.model.outermost_loop(loop_id);
        self.reported_hot_loads.insert((outermost, key.to_string()))
    }
}

/// Why a loop counts as hot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hotness {
    Nested { depth: usize },
    Long { iterations: u64 },
}

impl std::fmt::Display for Hotness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Hotness::Nested { depth: 2 } => f.write_str("a nested loop"),
            Hotness::Nested { depth } => write!(f, "a loop nested {depth} deep"),
            Hotness::Long { iterations } => write!(f, "a loop of {iterations} iterations"),
        }
    }
}

impl<'a> Hooks<'a> for Checker<'a> {
    fn enter_scope(&mut self, node: ScopeNode<'a>, parent: Option<ScopeId>) -> ScopeId {
        // The builder walked the same tree, so the scope is always there.
        self.model
            .scope_id(node)
            .unwrap_or(parent.unwrap_or(ScopeId::MODULE))
    }

    fn enter_loop(&mut self, node: LoopNode<'a>, _context: &Context<'a>) -> Option<LoopId> {
        self.model.loop_id(node)
    }

    fn leave_scope(&mut self, context: &Context<'a>) {
        let scope = context.scope();
        if self.model.scope(scope).is_function() && self.enabled(Rule::ListBuiltForOnePass) {
            rules::list_built_for_one_pass::check(self, scope);
        }
    }

    fn stmt(&mut self, context: &Context<'a>, stmt: &'a Stmt) {
        if matches!(stmt, Stmt::AugAssign(_) | Stmt::Assign(_)) {
            if self.enabled(Rule::StringConcatInLoop) {
                rules::string_concat_in_loop::check(self, context, stmt);
            }
            if self.enabled(Rule::TupleConcatInLoop) {
                rules::tuple_concat_in_loop::check(self, context, stmt);
            }
        }
    }

    fn expr(&mut self, context: &Context<'a>, expr: &'a Expr) {
        if context.in_annotation() {
            return;
        }
        match expr {
            Expr::Compare(compare) => {
                if self.enabled(Rule::NoneComparison) {
                    rules::none_comparison::check(self, context, compare);
                }
                if self.enabled(Rule::SingletonComparison) {
                    rules::singleton_comparison::check(self, context, compare);
                }
                if self.enabled(Rule::LiteralIdentityComparison) {
                    rules::literal_identity_comparison::check(self, context, compare);
                }
            }
            Expr::BinOp(binop)
                if binop.op == ast::Operator::Add && self.enabled(Rule::ChainedStringConcat) =>
            {
                rules::chained_string_concat::check(self, context, expr);
            }
            Expr::ListComp(_) | Expr::SetComp(_) if self.enabled(Rule::ListComprehensionInCall) => {
                rules::list_comprehension_in_call::check(self, context, expr);
            }
            Expr::Name(name)
                if name.ctx == ExprContext::Load && self.enabled(Rule::GlobalLookupInHotLoop) =>
            {
                rules::global_lookup_in_hot_loop::check(self, context, name);
            }
            Expr::Attribute(attribute)
                if attribute.ctx == ExprContext::Load
                    && self.enabled(Rule::ModuleAttributeInHotLoop) =>
            {
                rules::module_attribute_in_hot_loop::check(self, context, attribute);
            }
            _ => {}
        }
    }
}
