//! What the source shows about sizes: the value of an int expression the code fixes, and how
//! many items an iterable yields when the code makes that plain.
//!
//! A loop's trip count is the size of what it iterates, and most loops in real code run over
//! something the source does show: `range(2**18)`, `range(l_max)` with `l_max = 3` above,
//! `for solver in ["full", "lu", "cg"]`, `enumerate(pairs)` of a tuple of pairs. Only what the
//! code makes certain counts: a name is followed to its value only when it is bound exactly
//! once in the scope that owns it, and a mutable collection only when nothing in the module
//! may change it. Anything else is unknown, and the cost model says it assumed a count.

use ruff_python_ast::{self as ast, Expr, Operator, Stmt, UnaryOp};
use ruff_text_size::{Ranged, TextRange};

use super::{BindingKind, LoopId, LoopNode, ScopeId, SemanticModel, Usage, blocks};

/// How many names, calls and nested expressions one evaluation follows: `a = b`, `b = c`, ...
/// chains end there, and a self-referential `n = n + 1` cannot loop.
const MAX_DEPTH: u8 = 8;

/// The largest exponent evaluated: `2**64` still fits an `i128`, and no trip count needs more.
const MAX_EXPONENT: u32 = 100;

/// Builtins that yield as many items as their first argument (`sorted`, `list`, ...) or no
/// more (`set`, `dict`), and change nothing.
const SAME_SIZE_BUILTINS: &[&str] = &[
    "enumerate",
    "reversed",
    "sorted",
    "list",
    "tuple",
    "set",
    "frozenset",
    "dict",
    "iter",
];

/// Builtins that read an argument without changing it: a collection passed to them keeps its
/// size.
const READING_BUILTINS: &[&str] = &[
    "len",
    "enumerate",
    "zip",
    "reversed",
    "sorted",
    "list",
    "tuple",
    "set",
    "frozenset",
    "dict",
    "iter",
    "sum",
    "min",
    "max",
    "any",
    "all",
    "print",
    "str",
    "repr",
    "isinstance",
    "hash",
    "id",
    "map",
    "filter",
];

/// Methods that read a list, set or dict without changing it.
pub const READING_METHODS: &[&str] = &[
    "copy",
    "count",
    "index",
    "get",
    "keys",
    "values",
    "items",
    "issubset",
    "issuperset",
    "isdisjoint",
    "union",
    "intersection",
    "difference",
    "symmetric_difference",
    "__contains__",
    "__getitem__",
    "__len__",
    "__iter__",
];

/// Methods that iterate their receiver's items: `d.items()` yields as many as `d` holds.
const ITEM_VIEWS: &[&str] = &["keys", "values", "items", "copy"];

impl<'a> SemanticModel<'a> {
    /// The value of the int expression `expr`, evaluated in `scope`, when the source fixes it:
    /// literals, arithmetic on them, names bound once to such a value, and `len()` of
    /// something whose size the source shows.
    pub fn int_value(&self, scope: ScopeId, expr: &Expr) -> Option<i128> {
        self.int_at(scope, expr, 0)
    }

    /// How many items iterating `expr`, evaluated in `scope`, yields, when the source shows
    /// it. For `zip` of several iterables, a comprehension with an `if` and a `set` of items
    /// that may repeat, this is the most it can yield (a comprehension's `if` keeps half,
    /// as a branch does in [`SemanticModel::branch_share`]).
    pub fn size_of(&self, scope: ScopeId, expr: &Expr) -> Option<u64> {
        self.size_at(scope, expr, 0)
    }

    /// How many ways the iterations of `loop_id` are shared at `point`, code in its body: each
    /// `if` on the way to it splits them evenly among its branches (an `if` without `else`
    /// has two, its body and nothing), and so does each `case` of a `match`; a comprehension's
    /// `if` keeps half. Sibling branches then share the loop's iterations instead of each
    /// taking all of them. 1 when nothing branches.
    pub fn branch_share(&self, loop_id: LoopId, point: TextRange) -> u64 {
        match self.loop_(loop_id).node {
            LoopNode::Comprehension(clause) => {
                let in_clause = clause.iter.range().contains_range(point)
                    || clause
                        .ifs
                        .iter()
                        .any(|test| test.range().contains_range(point));
                if in_clause {
                    1
                } else {
                    1u64.checked_shl(clause.ifs.len() as u32)
                        .unwrap_or(u64::MAX)
                }
            }
            node => share_in(node.body(), point),
        }
    }

    /// `(start, stop, step)` of a call of the builtin `range` whose arguments the source fixes.
    pub fn range_bounds(&self, scope: ScopeId, call: &ast::ExprCall) -> Option<(i128, i128, i128)> {
        self.range_at(scope, call, 0)
    }

    fn int_at(&self, scope: ScopeId, expr: &Expr, depth: u8) -> Option<i128> {
        if depth > MAX_DEPTH {
            return None;
        }
        let deeper = depth + 1;
        match expr {
            Expr::NumberLiteral(ast::ExprNumberLiteral {
                value: ast::Number::Int(value),
                ..
            }) => value.as_i64().map(i128::from),
            Expr::UnaryOp(ast::ExprUnaryOp { op, operand, .. }) => {
                let value = self.int_at(scope, operand, deeper)?;
                match op {
                    UnaryOp::USub => value.checked_neg(),
                    UnaryOp::UAdd => Some(value),
                    UnaryOp::Invert => Some(!value),
                    UnaryOp::Not => None,
                }
            }
            Expr::BinOp(ast::ExprBinOp {
                left, op, right, ..
            }) => {
                let left = self.int_at(scope, left, deeper)?;
                let right = self.int_at(scope, right, deeper)?;
                arithmetic(left, *op, right)
            }
            Expr::Name(name) => {
                let (owner, value) = self.single_assignment(scope, name.id.as_str())?;
                self.int_at(owner, value, deeper)
            }
            Expr::Call(call) if self.is_builtin_call(scope, call, "len") => {
                let [argument] = positional(call)? else {
                    return None;
                };
                self.size_at(scope, argument, deeper).map(i128::from)
            }
            _ => None,
        }
    }

    fn range_at(
        &self,
        scope: ScopeId,
        call: &ast::ExprCall,
        depth: u8,
    ) -> Option<(i128, i128, i128)> {
        if !self.is_builtin_call(scope, call, "range") {
            return None;
        }
        let mut values = positional(call)?
            .iter()
            .map(|argument| self.int_at(scope, argument, depth));
        match (values.next(), values.next(), values.next(), values.next()) {
            (Some(stop), None, None, None) => Some((0, stop?, 1)),
            (Some(start), Some(stop), None, None) => Some((start?, stop?, 1)),
            (Some(start), Some(stop), Some(step), None) => {
                let step = step.filter(|step| *step != 0)?;
                Some((start?, stop?, step))
            }
            _ => None,
        }
    }

    fn size_at(&self, scope: ScopeId, expr: &Expr, depth: u8) -> Option<u64> {
        if depth > MAX_DEPTH {
            return None;
        }
        let deeper = depth + 1;
        match expr {
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                if elts.iter().any(Expr::is_starred_expr) {
                    return None;
                }
                Some(elts.len() as u64)
            }
            Expr::Dict(ast::ExprDict { items, .. }) => {
                if items.iter().any(|item| item.key.is_none()) {
                    return None;
                }
                Some(items.len() as u64)
            }
            Expr::StringLiteral(literal) => Some(literal.value.chars().count() as u64),
            Expr::BytesLiteral(literal) => Some(literal.value.bytes().count() as u64),
            Expr::ListComp(ast::ExprListComp { generators, .. })
            | Expr::SetComp(ast::ExprSetComp { generators, .. })
            | Expr::DictComp(ast::ExprDictComp { generators, .. })
            | Expr::Generator(ast::ExprGenerator { generators, .. }) => {
                self.comprehension_size(scope, generators, deeper)
            }
            Expr::BinOp(ast::ExprBinOp {
                left,
                op: Operator::Mult,
                right,
                ..
            }) => {
                let (sequence, times) = match self.int_at(scope, right, deeper) {
                    Some(times) => (left, times),
                    None => (right, self.int_at(scope, left, deeper)?),
                };
                let size = self.size_at(scope, sequence, deeper)?;
                Some(size.saturating_mul(u64::try_from(times.max(0)).unwrap_or(u64::MAX)))
            }
            Expr::BinOp(ast::ExprBinOp {
                left,
                op: Operator::Add,
                right,
                ..
            }) => Some(
                self.size_at(scope, left, deeper)?
                    .saturating_add(self.size_at(scope, right, deeper)?),
            ),
            Expr::Call(call) => self.call_size(scope, call, deeper),
            // `inputs = (a,) if short else (a, b)`: at most the larger.
            Expr::If(ast::ExprIf { body, orelse, .. }) => Some(
                self.size_at(scope, body, deeper)?
                    .max(self.size_at(scope, orelse, deeper)?),
            ),
            Expr::Name(name) => self.name_size(scope, name, deeper),
            _ => None,
        }
    }

    /// The size of what `name` holds: the size of the value it is bound to, or the largest of
    /// them when each branch binds it to one (`options = ("a", "b")` in one, `("a",)` in the
    /// other).
    fn name_size(&self, scope: ScopeId, name: &ast::ExprName, depth: u8) -> Option<u64> {
        let id = name.id.as_str();
        let (owner, values) = self.assignments(scope, id)?;
        if let [value] = values.as_slice()
            && self.is_empty_list(owner, value)
        {
            return self.appended_size(owner, name);
        }
        values.iter().try_fold(0u64, |most, value| {
            if self.is_empty_list(owner, value)
                || (!is_immutable(value) && self.may_change_size(id))
            {
                return None;
            }
            Some(most.max(self.size_at(owner, value, depth)?))
        })
    }

    fn call_size(&self, scope: ScopeId, call: &ast::ExprCall, depth: u8) -> Option<u64> {
        if let Some(builtin) = self.builtin_callee(scope, call) {
            return match builtin {
                "range" => {
                    let (start, stop, step) = self.range_at(scope, call, depth)?;
                    Some(range_length(start, stop, step))
                }
                "zip" => positional(call)?
                    .iter()
                    .filter_map(|argument| self.size_at(scope, argument, depth))
                    .min(),
                _ if SAME_SIZE_BUILTINS.contains(&builtin) => {
                    let first = positional(call)?.first()?;
                    self.size_at(scope, first, depth)
                }
                _ => None,
            };
        }
        let Expr::Attribute(method) = call.func.as_ref() else {
            return None;
        };
        let receiver = method.value.as_ref();
        match method.attr.as_str() {
            view if ITEM_VIEWS.contains(&view) && call.arguments.is_empty() => {
                self.size_at(scope, receiver, depth)
            }
            "split" => split_size(receiver, call),
            _ => None,
        }
    }

    /// The items of a comprehension: the product of its clauses' sizes, half of them kept by
    /// each `if`.
    fn comprehension_size(
        &self,
        scope: ScopeId,
        generators: &[ast::Comprehension],
        depth: u8,
    ) -> Option<u64> {
        generators.iter().try_fold(1u64, |size, clause| {
            let items = self.size_at(scope, &clause.iter, depth)?;
            let kept = clause.ifs.iter().fold(items, |kept, _| kept.div_ceil(2));
            Some(size.saturating_mul(kept))
        })
    }

    /// True for `[]` or `list()`.
    fn is_empty_list(&self, scope: ScopeId, value: &Expr) -> bool {
        match value {
            Expr::List(list) => list.elts.is_empty(),
            Expr::Call(call) => {
                call.arguments.is_empty() && self.is_builtin_call(scope, call, "list")
            }
            _ => false,
        }
    }

    /// The size of a list made empty and then filled, before `name` loads it, by `.append()`
    /// statements that run a number of times the source shows: in no branch, in loops whose
    /// trip counts it shows (`result = []`, `for p in PATTERNS: for op in OPS:
    /// result.append(...)`). `None` when anything else may change it, or an append runs after.
    fn appended_size(&self, owner: ScopeId, name: &ast::ExprName) -> Option<u64> {
        let id = name.id.as_str();
        let [binding] = self.scope(owner).bindings_of(id) else {
            return None;
        };
        let mut size = 0u64;
        for (index, scope) in self.scopes.iter().enumerate() {
            let here = ScopeId(u32::try_from(index).unwrap_or(u32::MAX));
            for reference in scope
                .references()
                .iter()
                .filter(|reference| reference.name == id)
            {
                match reference.usage {
                    Usage::Attribute {
                        attribute,
                        call: Some(call),
                        statement: true,
                    } if attribute.attr.as_str() == "append" => {
                        let before = reference.range.end() <= name.range.start();
                        if here != owner || !before || call.arguments.args.len() != 1 {
                            return None;
                        }
                        size = size.saturating_add(self.runs_between(
                            reference.loop_id,
                            binding.loop_id,
                            call.range(),
                        )?);
                    }
                    Usage::Attribute { attribute, .. }
                        if !READING_METHODS.contains(&attribute.attr.as_str()) =>
                    {
                        return None;
                    }
                    Usage::ItemAssignment | Usage::AugmentedAssignment => return None,
                    Usage::Argument { call, .. }
                        if !self
                            .builtin_callee(here, call)
                            .is_some_and(|builtin| READING_BUILTINS.contains(&builtin)) =>
                    {
                        return None;
                    }
                    _ => {}
                }
            }
        }
        Some(size)
    }

    /// How many times code at `at`, in `innermost` and the loops around it up to `outer`
    /// (which runs it afresh), runs, when the source shows every count and no branch is on
    /// the way.
    fn runs_between(
        &self,
        innermost: Option<LoopId>,
        outer: Option<LoopId>,
        at: TextRange,
    ) -> Option<u64> {
        let mut point = at;
        let mut runs = 1u64;
        for id in self
            .loop_chain(innermost)
            .take_while(|id| Some(*id) != outer)
        {
            if self.branch_share(id, point) != 1 {
                return None;
            }
            runs = runs.saturating_mul(self.trip_count(id)?);
            point = self.loop_(id).node.range();
        }
        Some(runs)
    }

    /// The value of `name` as the scope owning it binds it, when that is one plain assignment
    /// (`n = 3`, `solvers: list[str] = [...]`), with the scope the value is evaluated in.
    fn single_assignment(&self, scope: ScopeId, name: &str) -> Option<(ScopeId, &'a Expr)> {
        let (owner, values) = self.assignments(scope, name)?;
        match values.as_slice() {
            [value] => Some((owner, *value)),
            _ => None,
        }
    }

    /// The values of `name` as the scope owning it binds it, when every binding is a plain
    /// assignment, with the scope they are evaluated in.
    fn assignments(&self, scope: ScopeId, name: &str) -> Option<(ScopeId, Vec<&'a Expr>)> {
        let owner = self.owner(scope, name)?;
        let values = self
            .scope(owner)
            .bindings_of(name)
            .iter()
            .map(|binding| match binding.kind {
                BindingKind::Assignment(value) => Some(value),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        (!values.is_empty() && !self.rebound_elsewhere(owner, name)).then_some((owner, values))
    }

    /// True when a scope other than `owner` rebinds `name` through `global` or `nonlocal`:
    /// those bindings are recorded where they are written, not in `owner`.
    fn rebound_elsewhere(&self, owner: ScopeId, name: &str) -> bool {
        self.scopes.iter().enumerate().any(|(index, scope)| {
            index != owner.index()
                && scope.binds(name)
                && ((owner == ScopeId::MODULE && scope.declares_global(name))
                    || scope.declares_nonlocal(name))
        })
    }

    /// True when some load of `name`, anywhere in the module, may change the size of what it
    /// holds: a method that is not a known reader, an item assignment, `+=`, or being passed
    /// to a call that is not a known reading builtin. Names are not told apart by scope, so
    /// a same-named variable elsewhere counts too: the answer errs towards "may change".
    fn may_change_size(&self, name: &str) -> bool {
        if let Some(known) = self.size_changes.borrow().get(name) {
            return *known;
        }
        let changes = self.scopes.iter().enumerate().any(|(index, scope)| {
            let id = ScopeId(u32::try_from(index).unwrap_or(u32::MAX));
            scope
                .references()
                .iter()
                .filter(|reference| reference.name == name)
                .any(|reference| match reference.usage {
                    Usage::Attribute { attribute, .. } => {
                        !READING_METHODS.contains(&attribute.attr.as_str())
                    }
                    Usage::ItemAssignment | Usage::AugmentedAssignment => true,
                    Usage::Argument { call, .. } => !self
                        .builtin_callee(id, call)
                        .is_some_and(|builtin| READING_BUILTINS.contains(&builtin)),
                    Usage::ForIterable(_) | Usage::ComprehensionIterable | Usage::Other => false,
                })
        });
        self.size_changes
            .borrow_mut()
            .insert(name.to_string(), changes);
        changes
    }
}

/// The share of [`SemanticModel::branch_share`] for `point` inside `body`, down to the
/// statement holding it or to a nested loop, which shares its own iterations.
fn share_in(mut body: &[Stmt], point: TextRange) -> u64 {
    let mut share = 1u64;
    loop {
        let Some(at) = body
            .iter()
            .position(|statement| statement.range().contains_range(point))
        else {
            return share;
        };
        // `if escape: ...; continue` before: what follows is that `if`'s implicit `else`.
        share = body[..at]
            .iter()
            .filter_map(jumps_away)
            .fold(share, u64::saturating_mul);
        let statement = &body[at];
        // The ways the statement splits the iterations between the blocks it holds.
        let arms = match statement {
            Stmt::If(ast::StmtIf {
                elif_else_clauses, ..
            }) => {
                let implicit_else = elif_else_clauses
                    .last()
                    .is_none_or(|clause| clause.test.is_some());
                1 + elif_else_clauses.len() as u64 + u64::from(implicit_else)
            }
            Stmt::Match(ast::StmtMatch { cases, .. }) => cases.len() as u64,
            Stmt::With(_) | Stmt::Try(_) => 1,
            // A nested loop shares its own iterations.
            _ => return share,
        };
        let Some(inner) = blocks(statement).into_iter().find(|block| {
            block
                .iter()
                .any(|statement| statement.range().contains_range(point))
        }) else {
            // In a test or a subject, which runs whichever branch is taken.
            return share;
        };
        share = share.saturating_mul(arms);
        body = inner;
    }
}

/// For an `if` without `else` each of whose branches ends by leaving the iteration
/// (`continue`, `break`, `return`, `raise`), the number of ways it splits the iterations: its
/// branches and the implicit `else`, which is the rest of the block.
fn jumps_away(statement: &Stmt) -> Option<u64> {
    let Stmt::If(ast::StmtIf {
        body,
        elif_else_clauses,
        ..
    }) = statement
    else {
        return None;
    };
    let leaves = |block: &[Stmt]| {
        matches!(
            block.last(),
            Some(Stmt::Continue(_) | Stmt::Break(_) | Stmt::Return(_) | Stmt::Raise(_))
        )
    };
    let all_leave = leaves(body)
        && elif_else_clauses
            .iter()
            .all(|clause| clause.test.is_some() && leaves(&clause.body));
    all_leave.then_some(2 + elif_else_clauses.len() as u64)
}

/// The positional arguments of a call with no keywords and no `*` unpacking.
fn positional(call: &ast::ExprCall) -> Option<&[Expr]> {
    let arguments = &call.arguments;
    (arguments.keywords.is_empty() && !arguments.args.iter().any(Expr::is_starred_expr))
        .then_some(&arguments.args[..])
}

/// `left op right` on ints as Python computes it, or `None` where it would not be an int the
/// model can use (a true division, a negative exponent, an overflow).
fn arithmetic(left: i128, op: Operator, right: i128) -> Option<i128> {
    match op {
        Operator::Add => left.checked_add(right),
        Operator::Sub => left.checked_sub(right),
        Operator::Mult => left.checked_mul(right),
        // Python floors; Rust truncates towards zero.
        Operator::FloorDiv => {
            let quotient = left.checked_div(right)?;
            let floored = (left % right != 0) && ((left < 0) != (right < 0));
            Some(if floored { quotient - 1 } else { quotient })
        }
        Operator::Mod => {
            let remainder = left.checked_rem(right)?;
            Some(if remainder != 0 && (remainder < 0) != (right < 0) {
                remainder + right
            } else {
                remainder
            })
        }
        Operator::Pow => {
            let exponent = u32::try_from(right).ok().filter(|e| *e <= MAX_EXPONENT)?;
            left.checked_pow(exponent)
        }
        Operator::LShift => {
            let shift = u32::try_from(right).ok().filter(|s| *s < 127)?;
            left.checked_mul(1i128 << shift)
        }
        Operator::RShift => Some(left >> u32::try_from(right).ok()?.min(127)),
        _ => None,
    }
}

/// How many numbers `range(start, stop, step)` yields, as a count the model can hold (past a
/// `u64`, the most it can).
fn range_length(start: i128, stop: i128, step: i128) -> u64 {
    let span = if step > 0 {
        stop.saturating_sub(start)
    } else {
        start.saturating_sub(stop)
    };
    let step = step.saturating_abs();
    let count = if span <= 0 {
        0
    } else {
        span / step + i128::from(span % step != 0)
    };
    u64::try_from(count).unwrap_or(u64::MAX)
}

/// `"a b c".split()` and `"a,b".split(",")`: the pieces of a literal split by a literal.
fn split_size(receiver: &Expr, call: &ast::ExprCall) -> Option<u64> {
    let Expr::StringLiteral(text) = receiver else {
        return None;
    };
    let text = text.value.to_str();
    match positional(call)? {
        [] => Some(text.split_whitespace().count() as u64),
        [Expr::StringLiteral(separator)] => {
            let separator = separator.value.to_str();
            (!separator.is_empty()).then(|| text.split(separator).count() as u64)
        }
        _ => None,
    }
}

/// Values whose size cannot change once made: tuples, strings, bytes, `range`s, frozensets.
fn is_immutable(value: &Expr) -> bool {
    match value {
        Expr::Tuple(_) | Expr::StringLiteral(_) | Expr::BytesLiteral(_) => true,
        Expr::Call(call) => matches!(call.func.as_ref(), Expr::Name(name)
            if matches!(name.id.as_str(), "range" | "tuple" | "frozenset")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use ruff_python_parser::parse_module;

    use super::*;
    use crate::config::TargetVersion;
    use crate::semantic::LoopId;

    /// The trip count of every loop in `source`, in the order the loops open.
    fn trip_counts(source: &str) -> Vec<Option<u64>> {
        let parsed = parse_module(source).expect("test source parses");
        let model = SemanticModel::build(parsed.syntax(), TargetVersion::DEFAULT);
        (0..model.loops.len())
            .map(|index| model.trip_count(LoopId(index as u32)))
            .collect()
    }

    #[test]
    fn constant_arithmetic_and_names_bound_once() {
        let source = "\
L_MAX = 3
STEP = 2
def f(n):
    depth = L_MAX * 2
    for a in range(2**18): pass
    for b in range(L_MAX): pass
    for c in range(1, depth + 1, STEP): pass
    for d in range(n): pass
    for e in range(-7 // 2, 1 << 3): pass
    for g in range(10**30): pass
";
        assert_eq!(
            trip_counts(source),
            [
                Some(262_144),
                Some(3),
                Some(3),
                None,
                Some(12),
                Some(u64::MAX)
            ]
        );
    }

    #[test]
    fn a_name_bound_twice_or_as_a_parameter_is_unknown() {
        let source = "\
N = 5
N = 6
def f(m=4):
    k = 2
    k += 1
    for a in range(N): pass
    for b in range(m): pass
    for c in range(k): pass
def g():
    global M
    M = 9
M = 3
for d in range(M): pass
x = x + 1
for e in range(x): pass
";
        assert_eq!(trip_counts(source), [None, None, None, None, None]);
    }

    #[test]
    fn literal_collections_and_the_builtins_over_them() {
        let source = "\
SOLVERS = ('full', 'lu', 'cg')
NAMES = ['a', 'b']
for solver in ['full', 'lu', 'cg']: pass
for i, s in enumerate(SOLVERS): pass
for a, b in zip(SOLVERS, NAMES): pass
for k in {'x': 1, 'y': 2}.items(): pass
for ch in 'abcd': pass
for word in 'one two three'.split(): pass
for i in range(len(SOLVERS)): pass
for x in [0] * 16: pass
for y in [i * i for i in range(10) if i % 2]: pass
for z in reversed(NAMES): pass
";
        assert_eq!(
            trip_counts(source),
            [
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(4),
                Some(3),
                Some(3),
                Some(16),
                Some(10),
                Some(5),
                Some(2)
            ]
        );
    }

    #[test]
    fn a_list_filled_above_by_counted_appends_has_their_count() {
        let source = "\
PATTERNS = ['a', 'b', 'c', 'd', 'e']
OPS = ('and', 'or')
def generate():
    result = []
    for pattern in PATTERNS:
        for op1 in OPS:
            for op2 in OPS:
                result.append(pattern)
    result.append('last')
    for res in result: pass
    partial = []
    for pattern in PATTERNS:
        if pattern:
            partial.append(pattern)
    for res in partial: pass
    late = []
    for res in late:
        late.append(res)
    unknown = []
    for item in items():
        unknown.append(item)
    for res in unknown: pass
";
        let counts = trip_counts(source);
        // The loops in order: three filling `result`, its consumer, the filling and the
        // consuming loop of `partial`, `late`'s, then `unknown`'s two.
        assert_eq!(
            counts,
            [
                Some(5),
                Some(2),
                Some(2),
                Some(21),
                Some(5),
                None,
                None,
                None,
                None
            ]
        );
    }

    #[test]
    fn a_name_bound_in_each_branch_holds_at_most_the_largest() {
        let source = "\
def f(p, binary, rows):
    inputs = (p[1],) if len(p) == 3 else (p[1], p[3])
    for unit in inputs: pass
    if binary:
        options = ('micro', 'macro', 'weighted')
    else:
        options = ('micro', 'macro', 'weighted', 'samples')
    for average in options: pass
    if rows:
        mixed = rows
    else:
        mixed = ('a',)
    for m in mixed: pass
    grown = ['a']
    if binary:
        grown = ['a', 'b']
    grown.append('c')
    for g in grown: pass
";
        assert_eq!(trip_counts(source), [Some(2), Some(4), None, None]);
    }

    /// A loop over a name bound in turn to a list the same loop appends to: its count
    /// depends on itself, and is unknown rather than a recursion without end.
    #[test]
    fn a_count_that_depends_on_itself_is_unknown() {
        let source = "\
def f():
    found = []
    names = ['a']
    for row in names:
        found.append(row)
    names = found
    return names
";
        assert_eq!(trip_counts(source), [None]);
    }

    #[test]
    fn a_list_that_may_grow_has_no_size() {
        let source = "\
PENDING = ['a', 'b']
def add(name):
    PENDING.append(name)
FIXED = ['x', 'y', 'z']
def check():
    for name in PENDING: pass
    for name in FIXED: pass
    return FIXED.index('x')
SHUFFLED = [1, 2, 3]
shuffle(SHUFFLED)
for n in SHUFFLED: pass
";
        assert_eq!(trip_counts(source), [None, Some(3), None]);
    }

    #[test]
    fn shadowed_builtins_are_not_followed() {
        let source = "\
def f(range, len):
    for a in range(10): pass
    for b in [1] * len('ab'): pass
";
        assert_eq!(trip_counts(source), [None, None]);
    }

    /// The share of its loop's iterations of each statement `pass  # here` marks.
    fn shares(source: &str) -> Vec<u64> {
        let parsed = parse_module(source).expect("test source parses");
        let model = SemanticModel::build(parsed.syntax(), TargetVersion::DEFAULT);
        let mut found = Vec::new();
        let mut offset = 0;
        while let Some(at) = source[offset..].find("pass  # here") {
            let start = ruff_text_size::TextSize::try_from(offset + at).expect("small");
            let point = TextRange::at(start, ruff_text_size::TextSize::from(4));
            found.push(model.branch_share(LoopId(0), point));
            offset += at + 1;
        }
        found
    }

    #[test]
    fn sibling_branches_share_their_loop() {
        let source = "\
for c in text:
    pass  # here
    if c == '<':
        pass  # here
    elif c == '>':
        pass  # here
    else:
        if c:
            pass  # here
        with open(c) as f:
            try:
                pass  # here
            except OSError:
                pass  # here
    match c:
        case 'a':
            pass  # here
        case _:
            pass  # here
";
        assert_eq!(shares(source), [1, 3, 3, 6, 3, 3, 2, 2]);
    }

    #[test]
    fn an_if_that_leaves_the_iteration_splits_what_follows() {
        let source = "\
for char in value:
    if escape:
        pass  # here
        continue
    if quote:
        pass  # here
        continue
    pass  # here
    if char == ',':
        break
    elif char == ';':
        return
    pass  # here
";
        assert_eq!(shares(source), [2, 4, 4, 12]);
    }

    #[test]
    fn a_comprehension_keeps_half_its_items_per_if() {
        let source = "[element for x in y if x if test]";
        let parsed = parse_module(source).expect("test source parses");
        let model = SemanticModel::build(parsed.syntax(), TargetVersion::DEFAULT);
        let at = |text: &str| {
            let start = ruff_text_size::TextSize::try_from(source.find(text).expect("in source"))
                .expect("small");
            TextRange::at(
                start,
                ruff_text_size::TextSize::try_from(text.len()).expect("small"),
            )
        };
        assert_eq!(model.branch_share(LoopId(0), at("element")), 4);
        assert_eq!(model.branch_share(LoopId(0), at("test")), 1);
    }

    #[test]
    fn python_floor_division_and_modulo() {
        assert_eq!(arithmetic(-7, Operator::FloorDiv, 2), Some(-4));
        assert_eq!(arithmetic(7, Operator::FloorDiv, -2), Some(-4));
        assert_eq!(arithmetic(-7, Operator::Mod, 3), Some(2));
        assert_eq!(arithmetic(7, Operator::Mod, -3), Some(-2));
        assert_eq!(arithmetic(1, Operator::FloorDiv, 0), None);
        assert_eq!(arithmetic(2, Operator::Pow, -1), None);
        assert_eq!(arithmetic(i128::MIN, Operator::FloorDiv, -1), None);
    }

    #[test]
    fn ranges_past_what_an_int_holds_saturate() {
        assert_eq!(range_length(-(1 << 126), 1 << 126, 1), u64::MAX);
        assert!(range_length(i128::MAX, i128::MIN, i128::MIN) >= 1);
        assert_eq!(range_length(10, 0, -3), 4);
        assert_eq!(range_length(0, 10, 3), 4);
        assert_eq!(range_length(5, 5, 1), 0);
    }
}
