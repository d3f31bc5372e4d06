//! The rules, run over what the one walk found.
//!
//! A module is walked once. While the semantic builder walks it, a [`Recorder`] rides along
//! ([`Observer`]) and keeps, with a copy of the walk's context, each node some enabled rule may
//! report on. Most rules need the finished model (is this name a global? how many times does
//! this loop run?), so they run afterwards, over the recorded nodes in walk order: the
//! [`Checker`] hands each to the rules that care about that kind of node, and they report
//! [`Finding`]s back through [`Checker::report`].

use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashSet;

use crate::config::Settings;
use crate::model::{Iterations, Scenario, Unshown};
use crate::project;
use crate::rules::{self, Finding, Rule};
use crate::semantic::walk::{Context, Node, Observer, ScopeClass, Snapshots};
use crate::semantic::{LoopId, LoopNode, ScopeId, SemanticModel};

/// Notes, during the builder's walk, the nodes the enabled rules will look at.
pub struct Recorder<'a> {
    settings: &'a Settings,
    /// The nodes, and the walk's context at each, in the same order.
    events: Vec<At<'a>>,
    contexts: Snapshots<'a>,
    /// Calls of names the repository-wide pass may resolve to another module's function or
    /// class, when one of its rules is enabled.
    calls: Vec<RecordedCall<'a>>,
    repository_rules: bool,
    /// Code handed to a query function that may translate it rather than run it; whether
    /// one does is known once the module's imports are (see [`rules::translated`]).
    translated: Vec<TextRange>,
}

/// A call and where its result goes, for the repository-wide pass.
#[derive(Clone, Copy)]
pub struct RecordedCall<'a> {
    pub call: &'a ast::ExprCall,
    /// The node the call's result is handed to, and the one above that.
    pub parent: Option<Node<'a>>,
    pub grandparent: Option<Node<'a>>,
    pub scope: ScopeId,
    pub loop_id: Option<LoopId>,
}

/// A node (or a scope's end) some rule looks at.
enum At<'a> {
    Stmt(&'a Stmt),
    Expr(&'a Expr),
    LeaveScope,
}

impl<'a> Recorder<'a> {
    pub fn new(settings: &'a Settings) -> Self {
        Recorder {
            settings,
            events: Vec::new(),
            contexts: Snapshots::default(),
            calls: Vec::new(),
            translated: Vec::new(),
            repository_rules: settings.rules.is_enabled(Rule::ListReturnedForOnePass)
                || settings.rules.is_enabled(Rule::MissingSlots),
        }
    }

    /// Makes room for the calls of a module of `source_length` bytes, about one call per
    /// 100 bytes of Python (the standard library's ratio), so that recording them does not
    /// keep moving a growing vector.
    pub fn expect_source_length(&mut self, source_length: usize) {
        if self.repository_rules {
            self.calls.reserve(source_length / 100);
        }
    }

    /// The calls kept for the repository-wide pass, leaving the rest to [`check_module`].
    pub fn take_calls(&mut self) -> Vec<RecordedCall<'a>> {
        std::mem::take(&mut self.calls)
    }

    /// Kept out of line, like the builder's `record_load`: `expr` runs at every node.
    #[inline(never)]
    fn record_call(&mut self, context: &Context<'a>, call: &'a ast::ExprCall) {
        if !project::facts::may_resolve(&call.func) {
            return;
        }
        let mut parents = context.parents().iter().rev();
        self.calls.push(RecordedCall {
            call,
            parent: parents.next().copied(),
            grandparent: parents.next().copied(),
            scope: context.scope(),
            loop_id: context.loop_id(),
        });
    }

    fn enabled(&self, rule: Rule) -> bool {
        self.settings.rules.is_enabled(rule)
    }

    fn record(&mut self, at: At<'a>, context: &Context<'a>) {
        self.events.push(at);
        self.contexts.take(context);
    }

    /// True for a loop's iterable the copy rules (MEM303 to MEM306) look at: a call, slice,
    /// `+` or `[*x]` display, or for MEM303 a name (`lines` of `lines = f.readlines()`).
    fn iterated_copy(&self, context: &Context<'a>, expr: &Expr) -> bool {
        let shape = match expr {
            Expr::Call(_) | Expr::List(_) => {
                self.enabled(Rule::ReadlinesMaterialised)
                    || self.enabled(Rule::NeedlessMaterialisation)
            }
            Expr::Subscript(_) => self.enabled(Rule::SliceCopyInIteration),
            Expr::BinOp(_) => self.enabled(Rule::ConcatenationForIteration),
            Expr::Name(_) => self.enabled(Rule::ReadlinesMaterialised),
            _ => false,
        };
        shape && rules::iterable::may_be_iterated(context, expr)
    }

    /// Loads only matter to the hot-loop rules, which look at loops inside functions, off the
    /// exit path. Every name and attribute is a load, so this filter keeps the recording small.
    fn in_function_loop(context: &Context<'a>) -> bool {
        context.loop_id().is_some()
            && context.frame_class() == ScopeClass::Function
            && !context.in_exit_path()
    }

    /// A name the current scope already binds resolves locally, whatever follows, so no
    /// hot-loop rule will report it. Most loads in loops are such locals: loop variables,
    /// parameters, `self`.
    fn bound_here(context: &Context<'a>, model: &SemanticModel<'a>, name: &str) -> bool {
        model.scope(context.scope()).binds(name)
    }

    /// A module attribute chain (`os.path.join`, whole, not its `os.path` part) whose root
    /// name is not already a local: the only attribute loads MEM402 can report.
    fn may_be_module_chain(
        context: &Context<'a>,
        model: &SemanticModel<'a>,
        attribute: &ast::ExprAttribute,
    ) -> bool {
        if matches!(context.parent_expr(), Some(Expr::Attribute(_))) {
            return false;
        }
        let mut value = attribute.value.as_ref();
        while let Expr::Attribute(inner) = value {
            value = &inner.value;
        }
        matches!(value, Expr::Name(root) if !Self::bound_here(context, model, root.id.as_str()))
    }
}

impl<'a> Observer<'a> for Recorder<'a> {
    fn stmt(&mut self, context: &Context<'a>, stmt: &'a Stmt) {
        let accumulates = matches!(stmt, Stmt::AugAssign(_) | Stmt::Assign(_))
            && context.loop_id().is_some()
            && (self.enabled(Rule::StringConcatInLoop)
                || self.enabled(Rule::TupleConcatInLoop)
                || self.enabled(Rule::ListConcatInLoop));
        let method = matches!(stmt, Stmt::FunctionDef(_))
            && context.scope_class() == ScopeClass::Class
            && (self.enabled(Rule::UnboundedMethodCache) || self.enabled(Rule::ReferenceCycle));
        if accumulates || method {
            self.record(At::Stmt(stmt), context);
        }
    }

    fn expr(&mut self, context: &Context<'a>, model: &SemanticModel<'a>, expr: &'a Expr) {
        if context.in_annotation() {
            return;
        }
        if let Expr::Call(call) = expr {
            if self.repository_rules {
                self.record_call(context, call);
            }
            if let Some(region) = rules::translated::translated_region(call) {
                self.translated.push(region);
            }
        }
        let wanted = match expr {
            Expr::Compare(_) => {
                self.enabled(Rule::NoneComparison)
                    || self.enabled(Rule::SingletonComparison)
                    || self.enabled(Rule::LiteralIdentityComparison)
            }
            Expr::BinOp(binop) => {
                binop.op == ast::Operator::Add && self.enabled(Rule::ChainedStringConcat)
            }
            Expr::ListComp(_) | Expr::SetComp(_) => self.enabled(Rule::ListComprehensionInCall),
            Expr::Call(call) => {
                self.enabled(Rule::QuadraticListSummation)
                    && rules::quadratic_list_summation::may_report(call)
            }
            Expr::List(_) | Expr::Set(_) | Expr::Dict(_) => {
                self.enabled(Rule::LoopInvariantContainer)
                    && context.loop_id().is_some()
                    && rules::loop_invariant_container::may_report(expr)
            }
            Expr::Name(name) => {
                name.ctx == ExprContext::Load
                    && self.enabled(Rule::GlobalLookupInHotLoop)
                    && Self::in_function_loop(context)
                    && !Self::bound_here(context, model, name.id.as_str())
            }
            Expr::Attribute(attribute) => {
                attribute.ctx == ExprContext::Load
                    && self.enabled(Rule::ModuleAttributeInHotLoop)
                    && Self::in_function_loop(context)
                    && Self::may_be_module_chain(context, model, attribute)
            }
            _ => false,
        };
        if wanted || self.iterated_copy(context, expr) {
            self.record(At::Expr(expr), context);
        }
    }

    fn leave_scope(&mut self, context: &Context<'a>) {
        if context.scope_class() == ScopeClass::Function
            && (self.enabled(Rule::ListBuiltForOnePass)
                || self.enabled(Rule::MutableDefaultArgument))
        {
            self.record(At::LeaveScope, context);
        }
    }
}

/// Runs the enabled rules over what `recorder` kept and returns the findings in source order.
pub fn check_module<'a>(
    model: &'a SemanticModel<'a>,
    recorder: Recorder<'a>,
    source: &'a str,
    settings: &'a Settings,
) -> Vec<Finding> {
    let mut checker = Checker {
        model,
        source,
        settings,
        findings: Vec::new(),
        reported_hot_loads: FxHashSet::default(),
    };
    recorder
        .contexts
        .replay(|index, context| match recorder.events[index] {
            At::Stmt(stmt) => checker.stmt(context, stmt),
            At::Expr(expr) => checker.expr(context, expr),
            At::LeaveScope => checker.leave_scope(context),
        });
    let mut findings = checker.findings;
    if !recorder.translated.is_empty()
        && model.imports_any(rules::translated::TRANSLATING_LIBRARIES)
    {
        findings.retain(|finding| {
            !recorder
                .translated
                .iter()
                .any(|region| region.contains_range(finding.range))
        });
    }
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

    /// How often code at `at`, directly in `loop_id`, runs per call of its function (or per
    /// run of the module): the counts of every loop around it multiplied, each loop's share
    /// of its branches applied.
    pub fn iterations(&self, loop_id: Option<LoopId>, at: TextRange) -> Iterations {
        iterations_of(&self.loop_factors(loop_id, at))
    }

    /// How many items iterating `expr`, evaluated in `scope`, yields: the size the source
    /// shows, or a count it does not show, named after the expression.
    pub fn items_of(&self, scope: ScopeId, expr: &Expr) -> Iterations {
        match self.model.size_of(scope, expr) {
            Some(items) => Iterations::shown(items),
            None => {
                let what = match self.short_text(expr) {
                    Some(text) => format!("the items of `{text}`"),
                    None => "the items iterated".to_string(),
                };
                let bound = program_bound(self.model, scope, expr);
                Iterations::unshown(Unshown {
                    bounded: bound.is_some(),
                    ..Unshown::at(
                        match bound {
                            Some(bound) => format!("{what}, {bound}"),
                            None => what,
                        },
                        expr.range(),
                    )
                })
            }
        }
    }

    /// The source text of `expr` for a message, or `None` when it is too long or spans lines.
    pub fn short_text(&self, expr: &Expr) -> Option<&'a str> {
        short_text(self.source, expr.range())
    }

    /// What each loop around code at `at` contributes to how often it runs, innermost first.
    pub fn loop_factors(&self, loop_id: Option<LoopId>, at: TextRange) -> Vec<LoopFactor> {
        loop_factors(self.model, self.source, loop_id, at)
    }

    /// Why code in `loop_id` is hot, or `None` if it is not: nested deeply enough, or inside a
    /// loop known to run often enough. A loop that awaits or yields on its passes is not hot:
    /// each hands control to I/O or to its consumer, which outweighs a lookup.
    pub fn hotness(&self, loop_id: Option<LoopId>) -> Option<Hotness> {
        if loop_id.is_some_and(|id| self.model.suspends(id)) {
            return None;
        }
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

/// One loop's part in how often code inside it runs.
#[derive(Clone, Debug)]
pub struct LoopFactor {
    pub loop_id: LoopId,
    /// Its trip count, when the source shows it, else what the output calls it.
    pub trips: Result<u64, Unshown>,
    /// How many times the code runs per iteration of the loop: 1 for code every iteration
    /// runs, 1/3 in one arm of `if/elif/else` (see [`SemanticModel::branch_share`]), 2 for
    /// two statements doing the same thing.
    pub weight: f64,
}

/// The factors of the loops around code at `at`, in `loop_id` and out, innermost first: each
/// loop's trip count and the share of its iterations the code (or the next loop in) gets.
pub fn loop_factors(
    model: &SemanticModel,
    source: &str,
    loop_id: Option<LoopId>,
    at: TextRange,
) -> Vec<LoopFactor> {
    let mut point = at;
    model
        .loop_chain(loop_id)
        .map(|id| {
            let share = model.branch_share(id, point);
            let node = model.loop_(id).node;
            point = node.range();
            let trips = model
                .trip_count(id)
                .ok_or_else(|| unshown_loop(model, source, id));
            LoopFactor {
                loop_id: id,
                trips,
                weight: 1.0 / share as f64,
            }
        })
        .collect()
}

/// How often the code the factors are for runs: their counts multiplied, weights applied.
pub fn iterations_of(factors: &[LoopFactor]) -> Iterations {
    let mut iterations = Iterations::SINGLE;
    for factor in factors {
        iterations.weight *= factor.weight;
        match &factor.trips {
            Ok(count) => iterations.count = iterations.count.saturating_mul(*count),
            Err(unshown) => iterations.unshown_count.push(unshown.clone()),
        }
    }
    iterations
}

/// A loop whose count the source does not show, as the output names it.
fn unshown_loop(model: &SemanticModel, source: &str, id: LoopId) -> Unshown {
    let loop_ = model.loop_(id);
    let node = loop_.node;
    let iterable = node.iterable();
    let range = iterable.map_or_else(|| node.range(), Ranged::range);
    let text = iterable.and_then(|iterable| short_text(source, iterable.range()));
    let what = match (node, text) {
        (LoopNode::While(_), _) => "the `while` loop".to_string(),
        (LoopNode::For(_), Some(text)) => format!("the loop over `{text}`"),
        (LoopNode::For(_), None) => "the `for` loop".to_string(),
        (LoopNode::Comprehension(_), Some(text)) => format!("the comprehension over `{text}`"),
        (LoopNode::Comprehension(_), None) => "the comprehension".to_string(),
    };
    let bound = iterable.and_then(|iterable| program_bound(model, loop_.scope, iterable));
    let what = match bound {
        Some(bound) => format!("{what}, {bound}"),
        None => what,
    };
    Unshown {
        bounded: bound.is_some(),
        ..Unshown::at(what, range)
    }
}

/// The text at `range` in `source` for a message, or `None` when it is too long or spans
/// lines.
fn short_text(source: &str, range: TextRange) -> Option<&str> {
    source
        .get(range.to_std_range())
        .filter(|text| text.len() <= 40 && !text.contains(['\n', '\r']))
}

/// How the program's own text bounds the items of `expr`, evaluated in `scope`, when their
/// number does not depend on the data it runs on: a function's `*args` (or `**kwargs`) hold
/// as many items as its call sites write out, a class's `__mro__` the classes of a hierarchy
/// the program defines (so does the `bases` a metaclass is handed), a namedtuple's `_fields`
/// or a dataclass's `fields()` the fields its definition lists. Wrappers that keep the size
/// (`list(args)`, `enumerate(cls.__mro__)`, `kwargs.items()`) keep the bound.
fn program_bound(model: &SemanticModel, scope: ScopeId, expr: &Expr) -> Option<&'static str> {
    const ARGUMENTS: &str = "as many as its callers write out";
    const HIERARCHY: &str = "as many as the classes of a hierarchy the program defines";
    const RECORD: &str = "as many as the fields of a record type the program defines";
    match expr {
        Expr::Name(name) if model.is_variadic_parameter(scope, name.id.as_str()) => Some(ARGUMENTS),
        Expr::Name(name) => model
            .is_metaclass_bases(scope, name.id.as_str())
            .then_some(HIERARCHY),
        Expr::Attribute(attribute) => match attribute.attr.as_str() {
            "__mro__" | "__bases__" => Some(HIERARCHY),
            "_fields" | "__slots__" | "__dataclass_fields__" | "__match_args__" => Some(RECORD),
            // A structured NumPy dtype's `names` and `fields`.
            "names" | "fields" => matches!(
                attribute.value.as_ref(),
                Expr::Attribute(owner) if owner.attr.as_str() == "dtype"
            )
            .then_some(RECORD),
            _ => None,
        },
        Expr::Call(call) => {
            let callee = match call.func.as_ref() {
                Expr::Attribute(method) => Some(method.attr.as_str()),
                Expr::Name(name) => Some(name.id.as_str()),
                _ => None,
            };
            match callee {
                Some("mro") if call.arguments.is_empty() => Some(HIERARCHY),
                Some("getmro") if call.arguments.len() == 1 => Some(HIERARCHY),
                Some("fields") if call.arguments.len() == 1 => Some(RECORD),
                _ => same_size_inner(model, scope, call)
                    .and_then(|inner| program_bound(model, scope, inner)),
            }
        }
        _ => None,
    }
}

/// What `call` yields as many items of as: the receiver of `.items()`, `.keys()` or
/// `.values()`, the argument of `list`, `tuple`, `enumerate`, `reversed`, `sorted`, `iter`.
fn same_size_inner<'e>(
    model: &SemanticModel,
    scope: ScopeId,
    call: &'e ast::ExprCall,
) -> Option<&'e Expr> {
    match call.func.as_ref() {
        Expr::Attribute(method) if matches!(method.attr.as_str(), "items" | "keys" | "values") => {
            Some(method.value.as_ref())
        }
        _ if matches!(
            model.builtin_callee(scope, call),
            Some("list" | "tuple" | "enumerate" | "reversed" | "sorted" | "iter")
        ) =>
        {
            call.arguments.args.first()
        }
        _ => None,
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

impl<'a> Checker<'a> {
    fn leave_scope(&mut self, context: &Context<'a>) {
        let scope = context.scope();
        if self.model.scope(scope).is_function() && self.enabled(Rule::ListBuiltForOnePass) {
            rules::list_built_for_one_pass::check(self, scope);
        }
        if self.enabled(Rule::MutableDefaultArgument) {
            rules::mutable_default_argument::check(self, scope);
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
            if self.enabled(Rule::ListConcatInLoop) {
                rules::list_concat_in_loop::check(self, context, stmt);
            }
        }
        if let Stmt::FunctionDef(method) = stmt {
            if self.enabled(Rule::UnboundedMethodCache) {
                rules::unbounded_method_cache::check(self, context, method);
            }
            if self.enabled(Rule::ReferenceCycle) {
                rules::reference_cycle::check(self, context, method);
            }
        }
    }

    fn expr(&mut self, context: &Context<'a>, expr: &'a Expr) {
        self.iterated_copy(context, expr);
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
            Expr::Call(call) if self.enabled(Rule::QuadraticListSummation) => {
                rules::quadratic_list_summation::check(self, context, call);
            }
            Expr::List(_) | Expr::Set(_) | Expr::Dict(_)
                if self.enabled(Rule::LoopInvariantContainer) =>
            {
                rules::loop_invariant_container::check(self, context, expr);
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

    /// The rules about a copy made only to be iterated once, at a loop's iterable.
    fn iterated_copy(&mut self, context: &Context<'a>, expr: &'a Expr) {
        let Some(iterator) = rules::iterable::iterated_by(self, context, expr) else {
            return;
        };
        if self.enabled(Rule::ReadlinesMaterialised) {
            rules::readlines_materialised::check(self, context, expr, iterator);
        }
        if self.enabled(Rule::SliceCopyInIteration) {
            rules::slice_copy_in_iteration::check(self, context, expr, iterator);
        }
        if self.enabled(Rule::ConcatenationForIteration) {
            rules::concatenation_for_iteration::check(self, context, expr, iterator);
        }
        if self.enabled(Rule::NeedlessMaterialisation) {
            rules::needless_materialisation::check(self, context, expr, iterator);
        }
    }
}
