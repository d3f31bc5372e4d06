//! Helpers more than one rule needs.

use ruff_python_ast::{self as ast, CmpOp, Expr, Operator, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use ruff_python_ast::helpers::{any_over_body, any_over_expr};

use crate::checker::{Checker, iterations_of};
use crate::model::{Iterations, Length, MODULE_DUNDERS, Store, StrKind};
use crate::semantic::{
    Binding, BindingKind, Context, LoopId, LoopNode, Node, Resolution, ScopeClass, ScopeId,
    ScopeNode, blocks,
};

/// Each `left op right` link of a comparison, so `a == b == c` yields `a == b` and `b == c`.
pub fn comparison_pairs(compare: &ast::ExprCompare) -> impl Iterator<Item = (&Expr, CmpOp, &Expr)> {
    let lefts = std::iter::once(compare.left.as_ref()).chain(compare.comparators.iter());
    lefts
        .zip(compare.ops.iter().copied())
        .zip(compare.comparators.iter())
        .map(|((left, op), right)| (left, op, right))
}

/// The range of one comparison link, from its left operand to its right.
pub fn pair_range(left: &Expr, right: &Expr) -> TextRange {
    TextRange::new(left.start(), right.end())
}

/// True when the statement at `site`, in `body`, is under an `if` whose test (or an `elif`'s)
/// `reads`.
fn gated_in(body: &[Stmt], site: TextRange, reads: &impl Fn(&Expr) -> bool) -> bool {
    let Some(around) = body
        .iter()
        .find(|statement| statement.range().contains_range(site))
    else {
        return false;
    };
    if let Stmt::If(statement) = around {
        let mut tests = std::iter::once(statement.test.as_ref()).chain(
            statement
                .elif_else_clauses
                .iter()
                .filter_map(|clause| clause.test.as_ref()),
        );
        if tests.any(reads) {
            return true;
        }
    }
    blocks(around)
        .into_iter()
        .any(|block| gated_in(block, site, reads))
}

/// The name `statement` grows by concatenating a string or bytes literal to it: `name +=
/// "_"`, `name = "_" + name`, `name = name + b"-"`.
fn grown_string(statement: &Stmt) -> Option<&str> {
    let is_literal = |expr: &Expr| {
        matches!(
            expr,
            Expr::StringLiteral(_) | Expr::BytesLiteral(_) | Expr::FString(_)
        )
    };
    match statement {
        Stmt::AugAssign(ast::StmtAugAssign {
            target,
            op: Operator::Add,
            value,
            ..
        }) if is_literal(value) => target.as_name_expr().map(|name| name.id.as_str()),
        Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
            let [Expr::Name(name)] = targets.as_slice() else {
                return None;
            };
            let operands = add_operands(value);
            let grows = operands.len() > 1
                && operands
                    .iter()
                    .any(|operand| matches!(operand, Expr::Name(own) if own.id == name.id))
                && operands.iter().any(|operand| is_literal(operand));
            grows.then_some(name.id.as_str())
        }
        _ => None,
    }
}

/// The operands of a `+` chain, left to right: `a + (b + c) + d` gives `a, b, c, d`.
/// Iterative, because a generated chain can be thousands of operands deep.
pub fn add_operands(expr: &Expr) -> Vec<&Expr> {
    add_operands_except(expr, |_| false)
}

/// Like [`add_operands`], but a `+` for which `keep_whole` holds is one operand.
pub fn add_operands_except(expr: &Expr, keep_whole: impl Fn(&Expr) -> bool) -> Vec<&Expr> {
    let mut operands = Vec::new();
    let mut pending = vec![expr];
    while let Some(next) = pending.pop() {
        match next {
            Expr::BinOp(ast::ExprBinOp {
                left,
                op: Operator::Add,
                right,
                ..
            }) if !keep_whole(next) => {
                pending.push(right);
                pending.push(left);
            }
            other => operands.push(other),
        }
    }
    operands
}

/// The largest `str * int` result CPython's AST optimiser folds into a constant (`MAX_STR_SIZE`
/// in `Python/ast_opt.c`; measured the same on 3.8, 3.12 and 3.13). `+` of constants folds
/// whatever the size.
const MAX_FOLDED_REPEAT: u64 = 4096;

/// The `str` expressions of a `+`/`*` tree whose length the source shows, and which of them
/// the compiler folds into one constant. Computed bottom-up in one pass, so a chain of
/// thousands of operands costs linear time and no recursion.
pub struct Folding {
    /// Length, and whether the compiler folds the expression into a constant.
    known: FxHashMap<TextRange, (u64, bool)>,
}

impl Folding {
    pub fn of(expr: &Expr) -> Folding {
        let mut known = FxHashMap::default();
        let mut pending = vec![(expr, false)];
        while let Some((node, children_done)) = pending.pop() {
            let Expr::BinOp(binop) = node else {
                if let Expr::StringLiteral(literal) = node {
                    known.insert(node.range(), (literal.value.chars().count() as u64, true));
                }
                continue;
            };
            if !children_done {
                pending.push((node, true));
                pending.push((&binop.right, false));
                pending.push((&binop.left, false));
                continue;
            }
            let left = known.get(&binop.left.range()).copied();
            let right = known.get(&binop.right.range()).copied();
            let result = match (binop.op, left, right) {
                (Operator::Add, Some((left, left_constant)), Some((right, right_constant))) => {
                    Some((left.saturating_add(right), left_constant && right_constant))
                }
                (Operator::Mult, Some(text), None) => repeated(text, &binop.right),
                (Operator::Mult, None, Some(text)) => repeated(text, &binop.left),
                _ => None,
            };
            if let Some(result) = result {
                known.insert(node.range(), result);
            }
        }
        Folding { known }
    }

    /// The length of the string `expr` evaluates to, when the source shows it.
    pub fn length(&self, expr: &Expr) -> Option<u64> {
        self.known.get(&expr.range()).map(|(length, _)| *length)
    }

    /// True if the compiler folds `expr` into one constant.
    pub fn is_constant(&self, expr: &Expr) -> bool {
        self.known
            .get(&expr.range())
            .is_some_and(|(_, constant)| *constant)
    }
}

/// `text * count` with an int literal count: its length, and whether the compiler folds it
/// (only a constant `text` and a result small enough).
fn repeated((text, constant): (u64, bool), count: &Expr) -> Option<(u64, bool)> {
    let Expr::NumberLiteral(ast::ExprNumberLiteral {
        value: ast::Number::Int(count),
        ..
    }) = count
    else {
        return None;
    };
    let length = text.saturating_mul(count.as_u64()?);
    Some((length, constant && length <= MAX_FOLDED_REPEAT))
}

/// What a value evidently is, from its syntax alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Str,
    Bytes,
    /// A mutable byte buffer: `+=` on it is the linear way to build bytes.
    ByteArray,
    Tuple,
    List,
    Number,
    Dict,
    Set,
    Unknown,
}

/// Builtins whose result kind is fixed.
fn builtin_result(name: &str) -> ValueKind {
    match name {
        "str" | "repr" | "format" | "chr" | "ascii" | "hex" | "oct" | "bin" | "input" => {
            ValueKind::Str
        }
        "bytes" => ValueKind::Bytes,
        "bytearray" => ValueKind::ByteArray,
        "tuple" => ValueKind::Tuple,
        "list" | "sorted" => ValueKind::List,
        "int" | "float" | "complex" | "len" | "abs" | "round" | "ord" | "hash" | "id" => {
            ValueKind::Number
        }
        "dict" => ValueKind::Dict,
        "set" | "frozenset" => ValueKind::Set,
        _ => ValueKind::Unknown,
    }
}

/// `str` methods whose result is a `str` when called on a string literal.
const STR_METHODS: &[&str] = &[
    "join", "format", "strip", "lstrip", "rstrip", "upper", "lower", "replace", "decode",
];

/// Classifies `expr` evaluated in `scope` by its syntax: literals, displays, well-known builtins
/// (when not shadowed) and string methods.
pub fn value_kind(checker: &Checker, scope: ScopeId, expr: &Expr) -> ValueKind {
    match expr {
        Expr::StringLiteral(_) | Expr::FString(_) => ValueKind::Str,
        Expr::BytesLiteral(_) => ValueKind::Bytes,
        Expr::Tuple(_) => ValueKind::Tuple,
        Expr::List(_) | Expr::ListComp(_) => ValueKind::List,
        Expr::NumberLiteral(_) | Expr::BooleanLiteral(_) => ValueKind::Number,
        Expr::Dict(_) | Expr::DictComp(_) => ValueKind::Dict,
        Expr::Set(_) | Expr::SetComp(_) => ValueKind::Set,
        Expr::Call(call) => call_kind(checker, scope, call),
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: Operator::Mod,
            ..
        }) => match left.as_ref() {
            Expr::StringLiteral(_) => ValueKind::Str,
            Expr::BytesLiteral(_) => ValueKind::Bytes,
            _ => ValueKind::Unknown,
        },
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: Operator::Mult,
            right,
            ..
        }) => match (
            value_kind(checker, scope, left),
            value_kind(checker, scope, right),
        ) {
            (ValueKind::Number, kind) | (kind, ValueKind::Number) => kind,
            _ => ValueKind::Unknown,
        },
        Expr::BinOp(ast::ExprBinOp {
            op: Operator::Add, ..
        }) => add_operands(expr)
            .into_iter()
            .map(|operand| value_kind(checker, scope, operand))
            .find(|kind| *kind != ValueKind::Unknown)
            .unwrap_or(ValueKind::Unknown),
        Expr::If(ast::ExprIf { body, orelse, .. }) => {
            let kind = value_kind(checker, scope, body);
            if kind == value_kind(checker, scope, orelse) {
                kind
            } else {
                ValueKind::Unknown
            }
        }
        _ => ValueKind::Unknown,
    }
}

fn call_kind(checker: &Checker, scope: ScopeId, call: &ast::ExprCall) -> ValueKind {
    if let Some(builtin) = checker.model.builtin_callee(scope, call) {
        return builtin_result(builtin);
    }
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return ValueKind::Unknown;
    };
    let method = attribute.attr.as_str();
    match (attribute.value.as_ref(), method) {
        // `.format()` is `str.format` in practice, whatever the receiver.
        (_, "format") => ValueKind::Str,
        (_, "encode") => ValueKind::Bytes,
        (Expr::StringLiteral(_), _) if STR_METHODS.contains(&method) => ValueKind::Str,
        (Expr::BytesLiteral(_), "join") => ValueKind::Bytes,
        _ => ValueKind::Unknown,
    }
}

fn known(kinds: impl Iterator<Item = ValueKind>) -> Vec<ValueKind> {
    kinds.filter(|kind| *kind != ValueKind::Unknown).collect()
}

/// What a concatenation in a loop grows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    Name(&'a str),
    /// `base.attribute`, where `base` is a plain name (`self.parts`).
    Attribute {
        base: &'a str,
        attribute: &'a str,
    },
    /// `base["key"]`, where `base` is a plain name and the key a string literal: the same item
    /// on every iteration.
    Subscript {
        base: &'a str,
        key: &'a str,
    },
}

impl<'a> Target<'a> {
    fn of(expr: &'a Expr) -> Option<Target<'a>> {
        match expr {
            Expr::Name(name) => Some(Target::Name(name.id.as_str())),
            Expr::Attribute(ast::ExprAttribute { value, attr, .. }) => match value.as_ref() {
                Expr::Name(base) => Some(Target::Attribute {
                    base: base.id.as_str(),
                    attribute: attr.as_str(),
                }),
                _ => None,
            },
            Expr::Subscript(ast::ExprSubscript { value, slice, .. }) => {
                match (value.as_ref(), slice.as_ref()) {
                    (Expr::Name(base), Expr::StringLiteral(key)) => Some(Target::Subscript {
                        base: base.id.as_str(),
                        key: key.value.to_str(),
                    }),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The plain name the target is, or is an attribute or item of.
    fn base(self) -> &'a str {
        match self {
            Target::Name(name) => name,
            Target::Attribute { base, .. } | Target::Subscript { base, .. } => base,
        }
    }

    /// True if `expr` is this same target.
    pub fn is(self, expr: &Expr) -> bool {
        Target::of(expr) == Some(self)
    }
}

impl std::fmt::Display for Target<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Name(name) => f.write_str(name),
            Target::Attribute { base, attribute } => write!(f, "{base}.{attribute}"),
            Target::Subscript { base, key } => write!(f, "{base}[{key:?}]"),
        }
    }
}

/// Where an accumulation puts what it adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// `s += x`, `s = s + x`.
    End,
    /// `s = x + s`.
    Front,
    /// `s = a + s + b`.
    Both,
}

/// The loops an accumulation grows across.
pub struct GrowthLoops<'a> {
    /// `count`: how many times the target grows in those loops together; `runs`: how often
    /// loops further out start the accumulation afresh.
    pub iterations: Iterations,
    /// The outermost of them.
    pub outermost: LoopId,
    /// The statements in the innermost loop that grow the target, in source order: reported as
    /// one.
    pub sites: Vec<&'a Stmt>,
}

impl GrowthLoops<'_> {
    /// ` (by 3 statements in the loop)` when several statements grow the target, for the
    /// message of the one finding that stands for them all.
    pub fn statements(&self) -> String {
        if self.sites.len() > 1 {
            format!(" (by {} statements in the loop)", self.sites.len())
        } else {
            String::new()
        }
    }
}

/// `target += piece` or `target = target + piece` inside a loop.
pub struct Accumulation<'a> {
    pub target: Target<'a>,
    pub statement: &'a Stmt,
    /// What is added on each iteration.
    pub pieces: Vec<&'a Expr>,
    /// The innermost loop the statement runs in.
    pub loop_id: LoopId,
    /// True for `target += x` and `target = target + x`: the only shapes CPython can resize in
    /// place (a prepend, or `target = target + a + b`, copies the target first).
    pub resizable: bool,
}

impl<'a> Accumulation<'a> {
    /// Recognises the statement, when it runs in a loop.
    pub fn of(context: &Context<'a>, statement: &'a Stmt) -> Option<Accumulation<'a>> {
        let loop_id = context.loop_id()?;
        let shape = match statement {
            Stmt::AugAssign(ast::StmtAugAssign {
                target,
                op: Operator::Add,
                value,
                ..
            }) => (Target::of(target)?, vec![value.as_ref()], true),
            Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
                let [target] = targets.as_slice() else {
                    return None;
                };
                let target = Target::of(target)?;
                let operands = add_operands(value);
                let resizable = operands.len() == 2 && target.is(operands[0]);
                let (own, pieces): (Vec<&Expr>, Vec<&Expr>) =
                    operands.into_iter().partition(|operand| target.is(operand));
                if own.len() != 1 || pieces.is_empty() {
                    return None;
                }
                (target, pieces, resizable)
            }
            _ => return None,
        };
        let (target, pieces, resizable) = shape;
        Some(Accumulation {
            target,
            statement,
            pieces,
            loop_id,
            resizable,
        })
    }

    /// Where the statement adds its pieces to the target.
    pub fn side(&self) -> Side {
        let Stmt::Assign(ast::StmtAssign { value, .. }) = self.statement else {
            return Side::End;
        };
        let operands = add_operands(value);
        let first = operands.first().is_some_and(|first| self.target.is(first));
        let last = operands.last().is_some_and(|last| self.target.is(last));
        match (first, last) {
            (true, _) => Side::End,
            (false, true) => Side::Front,
            (false, false) => Side::Both,
        }
    }

    /// What the target evidently holds, from its initialisations in the same scope (or, for
    /// `self.attr`, in the class's `__init__`).
    pub fn initial_kinds(&self, checker: &Checker<'a>, context: &Context<'a>) -> Vec<ValueKind> {
        let scope = context.scope();
        known(
            self.initial_values(checker, context)
                .into_iter()
                .map(|value| value_kind(checker, scope, value)),
        )
    }

    /// What the pieces added to the target evidently are.
    pub fn piece_kinds(&self, checker: &Checker<'a>, context: &Context<'a>) -> Vec<ValueKind> {
        let scope = context.scope();
        known(
            self.pieces
                .iter()
                .map(|piece| value_kind(checker, scope, piece)),
        )
    }

    /// The values the target is assigned outside accumulations: in its own scope, or for a
    /// `global` or `nonlocal` name in the scope that owns the variable.
    fn initial_values(&self, checker: &Checker<'a>, context: &Context<'a>) -> Vec<&'a Expr> {
        let model = checker.model;
        let scope = model.scope(context.scope());
        match self.target {
            Target::Name(name) => [
                Some(context.scope()),
                owner_scope(checker, context.scope(), name),
            ]
            .into_iter()
            .flatten()
            .flat_map(|id| model.scope(id).bindings_of(name))
            .filter_map(|binding| match binding.kind {
                BindingKind::Assignment(value) | BindingKind::NamedExpr(value) => Some(value),
                _ => None,
            })
            .filter(|value| !self.accumulates(value))
            .collect(),
            Target::Attribute { base, attribute } => {
                let mut bodies: Vec<(&'a [Stmt], Target<'a>)> = Vec::new();
                if let ScopeNode::Function(function) = scope.node {
                    bodies.push((&function.body, self.target));
                    if let Some((init, own)) = self.class_init(checker, context, function, base) {
                        let target = Target::Attribute {
                            base: own,
                            attribute,
                        };
                        bodies.push((init, target));
                    }
                }
                self.assigned_values(&bodies)
            }
            Target::Subscript { .. } => match scope.node {
                ScopeNode::Function(function) => {
                    self.assigned_values(&[(&function.body, self.target)])
                }
                _ => Vec::new(),
            },
        }
    }

    /// The values assigned to the targets in the bodies, accumulations left out.
    fn assigned_values(&self, bodies: &[(&'a [Stmt], Target<'a>)]) -> Vec<&'a Expr> {
        let mut values = Vec::new();
        for (body, target) in bodies {
            for_each_statement(body, &mut |statement| {
                values.extend(assignment_to(statement, *target));
            });
        }
        values.retain(|value| !self.accumulates(value));
        values
    }

    /// The body of `__init__` and the name of its `self`, when `base` is the first parameter of
    /// a method.
    fn class_init(
        &self,
        checker: &Checker<'a>,
        context: &Context<'a>,
        method: &'a ast::StmtFunctionDef,
        base: &str,
    ) -> Option<(&'a [Stmt], &'a str)> {
        if first_parameter(method) != Some(base) {
            return None;
        }
        let parent = checker.model.scope(context.scope()).parent?;
        let ScopeNode::Class(class) = checker.model.scope(parent).node else {
            return None;
        };
        class.body.iter().find_map(|statement| match statement {
            Stmt::FunctionDef(init) if init.name.as_str() == "__init__" => {
                Some((init.body.as_slice(), first_parameter(init)?))
            }
            _ => None,
        })
    }

    /// True if `value` is itself an accumulation of the target (`target + x`).
    fn accumulates(&self, value: &Expr) -> bool {
        matches!(
            value,
            Expr::BinOp(ast::ExprBinOp {
                op: Operator::Add,
                ..
            })
        ) && add_operands(value)
            .iter()
            .any(|operand| self.target.is(operand))
    }

    /// How many iterations the target grows across, and how often loops further out start it
    /// afresh. `None` when the innermost loop itself starts it afresh (nothing accumulates),
    /// when the loops read the target to decide whether to go on (a search such as
    /// `while name in taken: name += "_"`, which stops when the value is right, not when the
    /// data runs out), and at every statement growing the target in a loop but the first:
    /// that one reports them all.
    pub fn growth(&self, checker: &Checker<'a>, context: &Context<'a>) -> Option<GrowthLoops<'a>> {
        let chain: Vec<LoopId> = checker.model.loop_chain(Some(self.loop_id)).collect();
        let carried = chain
            .iter()
            .position(|id| self.reinitialised_in(checker, context, *id))
            .unwrap_or(chain.len());
        if carried == 0 {
            return None;
        }
        let outermost = chain[carried - 1];
        if chain[..carried]
            .iter()
            .any(|id| self.decides_whether_to_go_on(checker, *id))
        {
            return None;
        }
        let sites = self.sites(checker);
        if sites
            .first()
            .is_some_and(|first| !std::ptr::eq(*first, self.statement))
            || self.gated_by_itself(&sites, checker)
        {
            return None;
        }
        let mut factors = checker.loop_factors(Some(self.loop_id), self.statement.range());
        // Each statement growing the target takes the share of the loop its branches get;
        // together they grow it that many times per iteration.
        factors[0].weight = sites
            .iter()
            .map(|site| 1.0 / checker.model.branch_share(self.loop_id, site.range()) as f64)
            .sum();
        let (growth, outer) = factors.split_at(carried);
        Some(GrowthLoops {
            iterations: iterations_of(growth).repeated_by(iterations_of(outer)),
            outermost,
            sites,
        })
    }

    /// The statements growing the target directly in the innermost loop, this one included,
    /// in source order.
    fn sites(&self, checker: &Checker<'a>) -> Vec<&'a Stmt> {
        let mut sites = Vec::new();
        let body = checker.model.loop_(self.loop_id).node.body();
        for_each_statement_in_loop(body, &mut |statement| {
            if std::ptr::eq(statement, self.statement) || self.grows(statement) {
                sites.push(statement);
            }
        });
        sites
    }

    /// True if `statement` is another `target += piece` or `target = target + piece`.
    fn grows(&self, statement: &Stmt) -> bool {
        match statement {
            Stmt::AugAssign(ast::StmtAugAssign {
                target,
                op: Operator::Add,
                ..
            }) => self.target.is(target),
            Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
                matches!(targets.as_slice(), [target] if self.target.is(target))
                    && self.accumulates(value)
            }
            _ => false,
        }
    }

    /// True when every statement growing the target sits under an `if`, inside its loop,
    /// that tests the target: the string decides when it grows (`if not text: text +=
    /// first`), so how often it does is no count of the data. A separator added only when
    /// the string is not empty (`if text: text += ", "`) still leaves the pieces growing it.
    fn gated_by_itself(&self, sites: &[&Stmt], checker: &Checker<'a>) -> bool {
        let reads = |expr: &Expr| any_over_expr(expr, &|inner: &Expr| self.target.is(inner));
        let body = checker.model.loop_(self.loop_id).node.body();
        sites
            .iter()
            .all(|site| gated_in(body, site.range(), &reads))
    }

    /// True when `loop_id` reads the target to decide whether to go on: in a `while` test, in
    /// the test of an `if` that leaves the loop, or anywhere in a `while` loop's body besides
    /// growing it (a retry that builds a candidate from the string each time round).
    fn decides_whether_to_go_on(&self, checker: &Checker<'a>, loop_id: LoopId) -> bool {
        let reads = |expr: &Expr| any_over_expr(expr, &|inner: &Expr| self.target.is(inner));
        let node = checker.model.loop_(loop_id).node;
        if let LoopNode::While(ast::StmtWhile { test, body, .. }) = node {
            let mut read = reads(test);
            for_each_statement_in_loop(body, &mut |statement| {
                read |= !self.grows(statement)
                    && !std::ptr::eq(statement, self.statement)
                    && !is_compound(statement)
                    && any_over_stmt_exprs(statement, &reads);
                // `while upper in taken: name = "_" + name; upper = "_" + upper` tests a
                // string grown in step with the target.
                read |= grown_string(statement).is_some_and(|companion| {
                    any_over_expr(test, &|inner: &Expr| {
                        matches!(inner, Expr::Name(name) if name.id.as_str() == companion)
                    })
                });
            });
            if read {
                return true;
            }
        }
        let mut found = false;
        for_each_statement_in_loop(node.body(), &mut |statement| {
            if let Stmt::If(ast::StmtIf { test, body, .. }) = statement {
                found |= reads(test)
                    && body.iter().any(|inner| {
                        matches!(inner, Stmt::Break(_) | Stmt::Return(_) | Stmt::Raise(_))
                    });
            }
        });
        found
    }

    /// True when `loop_id` gives the target a fresh value each iteration, or for `obj.attr` and
    /// `obj["key"]` a fresh `obj`, so nothing accumulates across its iterations. In the
    /// innermost loop only what comes before the concatenation counts; in an outer loop
    /// anything does, since it runs between two passes of the inner loop.
    fn reinitialised_in(
        &self,
        checker: &Checker<'a>,
        context: &Context<'a>,
        loop_id: LoopId,
    ) -> bool {
        let loop_node = checker.model.loop_(loop_id).node;
        let loop_range = loop_node.range();
        let innermost = loop_id == self.loop_id;
        let before = self.statement.start();
        let counts = |at: TextSize| !innermost || at < before;
        let bindings = checker
            .model
            .scope(context.scope())
            .bindings_of(self.target.base());
        let rebinds = |binding: &Binding| {
            loop_range.contains_range(binding.range)
                && counts(binding.range.start())
                && !self.statement.range().contains_range(binding.range)
        };
        match self.target {
            Target::Name(_) => bindings.iter().any(|binding| {
                rebinds(binding)
                    && match binding.kind {
                        BindingKind::AugmentedAssignment { .. } => false,
                        BindingKind::Assignment(value) => !self.accumulates(value),
                        _ => true,
                    }
            }),
            Target::Attribute { .. } | Target::Subscript { .. } => {
                // `for obj in objects: obj.name += "!"` grows a different object each time.
                let mut found = bindings.iter().any(rebinds);
                for_each_statement(loop_node.body(), &mut |statement| {
                    found |= counts(statement.start())
                        && assignment_to(statement, self.target)
                            .is_some_and(|value| !self.accumulates(value));
                });
                found
            }
        }
    }

    /// True when the loops the target grows across keep another reference to a named target
    /// (`t = s`, `parts.append(s)`, `yield s`): CPython resizes a str in place only when the
    /// variable holds its only reference. A reference kept just before the name is given a
    /// fresh value (`items.append(item); item = ""`) holds the old string, not the one that
    /// grows.
    pub fn aliased(&self, checker: &Checker<'a>, growth: &GrowthLoops) -> bool {
        let Target::Name(name) = self.target else {
            return false;
        };
        keeps_growing_value(checker.model.loop_(growth.outermost).node.body(), name)
    }

    /// True when the statement is followed in its block by `break`, `return` or `raise`: it
    /// runs at most once per entry of the loop, so nothing accumulates.
    pub fn ends_the_loop(&self, context: &Context<'a>) -> bool {
        let Some(Node::Stmt(parent)) = context.parents().last() else {
            return false;
        };
        blocks(parent)
            .into_iter()
            .find_map(|block| {
                let at = block
                    .iter()
                    .position(|sibling| std::ptr::eq(sibling, self.statement))?;
                Some(&block[at + 1..])
            })
            .is_some_and(|rest| {
                rest.iter().any(|sibling| {
                    matches!(sibling, Stmt::Break(_) | Stmt::Return(_) | Stmt::Raise(_))
                })
            })
    }

    /// How the result is stored, which decides whether CPython can grow a str in place.
    pub fn store(&self, checker: &Checker<'a>, context: &Context<'a>) -> Store {
        let name = match self.target {
            Target::Name(name) => name,
            Target::Attribute { .. } => return Store::Attribute,
            Target::Subscript { .. } => return Store::Subscript,
        };
        let scope_id = context.scope();
        let scope = checker.model.scope(scope_id);
        match context.frame_class() {
            ScopeClass::Module | ScopeClass::Class => Store::Name,
            _ if scope.declares_global(name) => Store::Global,
            _ if scope.declares_nonlocal(name) || checker.model.is_captured(scope_id, name) => {
                Store::Closure
            }
            _ => Store::Local,
        }
    }

    /// The combined length of the pieces, as far as literals show it: `row + "\n"` is one
    /// character and one operand of unknown length.
    pub fn piece_length(&self, measure: impl Fn(&Expr) -> Option<u64>) -> Length {
        let length_of = |expr: &Expr| measure(expr).map_or(Length::UNKNOWN, Length::known);
        self.pieces.iter().fold(Length::default(), |total, piece| {
            let length = match measure(piece) {
                Some(length) => Length::known(length),
                None => add_operands(piece)
                    .into_iter()
                    .fold(Length::default(), |sum, operand| {
                        sum.plus(length_of(operand))
                    }),
            };
            total.plus(length)
        })
    }

    /// The widest kind of character in the string literals the target starts from or is
    /// given: a str holding one `"é"` stores every character in a byte, one `"€"` in two.
    pub fn str_kind(&self, checker: &Checker<'a>, context: &Context<'a>) -> StrKind {
        let mut kind = StrKind::Ascii;
        let mut widen = |expr: &Expr| {
            for operand in add_operands(expr) {
                if let Expr::StringLiteral(literal) = operand {
                    kind = kind.max(StrKind::of(literal.value.to_str()));
                }
            }
        };
        self.pieces.iter().copied().for_each(&mut widen);
        self.initial_values(checker, context)
            .into_iter()
            .for_each(&mut widen);
        kind
    }

    /// True when a piece is made anew each iteration (`row + "\n"`, `str(n)`), rather than an
    /// object that exists anyway (a variable, an attribute, a literal).
    pub fn fresh_pieces(&self) -> bool {
        self.pieces.iter().any(|piece| {
            !matches!(
                piece,
                Expr::Name(_)
                    | Expr::Attribute(_)
                    | Expr::Subscript(_)
                    | Expr::StringLiteral(_)
                    | Expr::BytesLiteral(_)
                    | Expr::Tuple(_)
            ) && !Folding::of(piece).is_constant(piece)
        })
    }

    /// For a target stored by name in module or class code, how many names that namespace
    /// holds while the loop runs: those bound before the loop ends, plus the dunders every
    /// module (or class) namespace has.
    pub fn namespace_names(
        &self,
        checker: &Checker<'a>,
        context: &Context<'a>,
        growth: &GrowthLoops,
    ) -> u64 {
        let dunders = match context.frame_class() {
            ScopeClass::Module => MODULE_DUNDERS,
            // `__module__` and `__qualname__`.
            ScopeClass::Class => 2,
            _ => return 0,
        };
        let loop_end = checker.model.loop_(growth.outermost).node.range().end();
        let bound = checker
            .model
            .scope(context.scope())
            .bindings()
            .filter(|(_, bindings)| {
                bindings
                    .iter()
                    .any(|binding| binding.range.start() < loop_end)
            })
            .count();
        dunders + bound as u64
    }

    /// The statement's range, for the report.
    pub fn range(&self) -> TextRange {
        self.statement.range()
    }
}

/// The scope a `global` or `nonlocal` declaration in `scope` refers `name` to.
fn owner_scope(checker: &Checker, scope: ScopeId, name: &str) -> Option<ScopeId> {
    let declared = checker.model.scope(scope);
    if declared.declares_global(name) {
        return Some(ScopeId::MODULE);
    }
    match checker.model.resolve(scope, name) {
        Resolution::Enclosing(owner) if declared.declares_nonlocal(name) => Some(owner),
        _ => None,
    }
}

/// Builtins that consume any iterable once and keep nothing of it but their result: a list
/// built only to be passed to them is thrown away.
pub const ONE_PASS_CONSUMERS: &[&str] = &[
    "sum",
    "any",
    "all",
    "min",
    "max",
    "sorted",
    "tuple",
    "set",
    "frozenset",
];

/// Of [`ONE_PASS_CONSUMERS`], those whose result keeps every item: handing them a generator
/// instead of a list saves the list, not the items.
pub const KEEPING_CONSUMERS: &[&str] = &["sorted", "tuple", "set", "frozenset"];

/// The name of a function's first parameter: `self` (or `cls`) of a method.
pub fn first_parameter(function: &ast::StmtFunctionDef) -> Option<&str> {
    let parameters = &function.parameters;
    parameters
        .posonlyargs
        .first()
        .or_else(|| parameters.args.first())
        .map(|parameter| parameter.name().as_str())
}

/// The value of `target = value` (or an annotated form), if `statement` is one.
fn assignment_to<'a>(statement: &'a Stmt, target: Target) -> Option<&'a Expr> {
    match statement {
        Stmt::Assign(ast::StmtAssign { targets, value, .. })
            if targets.iter().any(|each| target.is(each)) =>
        {
            Some(value)
        }
        Stmt::AnnAssign(ast::StmtAnnAssign {
            target: each,
            value: Some(value),
            ..
        }) if target.is(each) => Some(value),
        _ => None,
    }
}

/// True when a statement of `body`, or of a block nested in it, keeps a reference to the
/// value of `name` that is not dropped by a fresh value given to `name` later in the same
/// block.
fn keeps_growing_value(body: &[Stmt], name: &str) -> bool {
    body.iter().enumerate().any(|(at, statement)| {
        let kept = keeps_reference(statement, name)
            && !body[at + 1..]
                .iter()
                .any(|later| reinitialises(later, name));
        kept || blocks(statement)
            .into_iter()
            .any(|block| keeps_growing_value(block, name))
    })
}

/// `name = value` where the value is not built from `name`.
fn reinitialises(statement: &Stmt, name: &str) -> bool {
    let Stmt::Assign(ast::StmtAssign { targets, value, .. }) = statement else {
        return false;
    };
    let is_name = |expr: &Expr| matches!(expr, Expr::Name(target) if target.id.as_str() == name);
    targets.iter().any(is_name) && !any_over_expr(value, &is_name)
}

/// True for a statement holding blocks of others (`if`, `for`, `with`...), whose own
/// expressions are only its headers.
fn is_compound(statement: &Stmt) -> bool {
    !blocks(statement).is_empty()
}

/// True when an expression of `statement`, a simple statement, satisfies `test` somewhere.
fn any_over_stmt_exprs(statement: &Stmt, test: &impl Fn(&Expr) -> bool) -> bool {
    any_over_body(std::slice::from_ref(statement), test)
}

/// Methods that store their argument in the container they are called on.
const STORING_METHODS: &[&str] = &["append", "add", "insert", "appendleft", "put", "setdefault"];

/// True if `statement` keeps a reference to the value of `name` beyond itself: an assignment
/// of it, a container method storing it, or a `yield` of it.
fn keeps_reference(statement: &Stmt, name: &str) -> bool {
    let is_name = |expr: &Expr| matches!(expr, Expr::Name(load) if load.id.as_str() == name);
    let holds = |expr: &Expr| match expr {
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            elts.iter().any(is_name)
        }
        other => is_name(other),
    };
    match statement {
        Stmt::Assign(ast::StmtAssign { value, .. }) => holds(value),
        Stmt::AnnAssign(ast::StmtAnnAssign {
            value: Some(value), ..
        }) => holds(value),
        Stmt::Expr(ast::StmtExpr { value, .. }) => match value.as_ref() {
            Expr::Call(call) => {
                matches!(call.func.as_ref(), Expr::Attribute(method)
                    if STORING_METHODS.contains(&method.attr.as_str()))
                    && call.arguments.args.iter().any(is_name)
            }
            Expr::Yield(ast::ExprYield {
                value: Some(value), ..
            }) => holds(value),
            _ => false,
        },
        _ => false,
    }
}

/// The statement right after the one spanning `range` in the block of `body` (at any depth)
/// holding it, if there is one.
pub fn statement_after(body: &[Stmt], range: TextRange) -> Option<&Stmt> {
    if let Some(at) = body.iter().position(|each| each.range() == range) {
        return body.get(at + 1);
    }
    let holder = body
        .iter()
        .find(|each| each.range().contains_range(range))?;
    blocks(holder)
        .into_iter()
        .find_map(|block| statement_after(block, range))
}

/// True when `range` is inside the `finally:` block of a `try` in `body`.
pub fn in_finally(body: &[Stmt], range: TextRange) -> bool {
    let mut found = false;
    for_each_statement(body, &mut |statement| {
        if let Stmt::Try(ast::StmtTry { finalbody, .. }) = statement {
            found |= finalbody
                .iter()
                .any(|inner| inner.range().contains_range(range));
        }
    });
    found
}

/// Calls `visit` on every statement `body`, a loop's body, runs on each of its iterations:
/// those nested in compound statements too, but not those of nested loops, functions or
/// classes.
pub fn for_each_statement_in_loop<'a>(body: &'a [Stmt], visit: &mut impl FnMut(&'a Stmt)) {
    for statement in body {
        visit(statement);
        if !matches!(statement, Stmt::For(_) | Stmt::While(_)) {
            for block in blocks(statement) {
                for_each_statement_in_loop(block, visit);
            }
        }
    }
}

/// Calls `visit` on every statement in `body`, including those nested in compound statements,
/// but not those in nested function or class definitions.
pub fn for_each_statement<'a>(body: &'a [Stmt], visit: &mut impl FnMut(&'a Stmt)) {
    for statement in body {
        visit(statement);
        for block in blocks(statement) {
            for_each_statement(block, visit);
        }
    }
}

/// The `(module, name)` an expression evaluated in `scope` refers to through an import:
/// `module.name` where `module` is bound only by `import module` (or `import module as m`),
/// or a name bound only by `from module import name` (or `... as alias`). `None` for anything
/// else, relative imports included.
pub fn imported_name<'a>(
    checker: &Checker<'a>,
    scope: ScopeId,
    expr: &'a Expr,
) -> Option<(&'a str, &'a str)> {
    match expr {
        Expr::Attribute(ast::ExprAttribute { value, attr, .. }) => {
            let Expr::Name(base) = value.as_ref() else {
                return None;
            };
            let module = match checker.model.resolve(scope, base.id.as_str()) {
                Resolution::Global { declared: false } => {
                    checker.model.imported_module(base.id.as_str())?
                }
                _ => return None,
            };
            Some((module, attr.as_str()))
        }
        Expr::Name(name) => {
            let owner = match checker.model.resolve(scope, name.id.as_str()) {
                Resolution::Local => scope,
                Resolution::Enclosing(owner) => owner,
                Resolution::Global { declared: false } => ScopeId::MODULE,
                _ => return None,
            };
            let bindings = checker.model.scope(owner).bindings_of(name.id.as_str());
            let mut origins = bindings
                .iter()
                .map(|binding| from_import_origin(binding, name.id.as_str()));
            let first = origins.next()??;
            origins.all(|origin| origin == Some(first)).then_some(first)
        }
        _ => None,
    }
}

/// `(module, imported name)` of a `from module import name as bound` binding of `bound`.
fn from_import_origin<'a>(binding: &Binding<'a>, bound: &str) -> Option<(&'a str, &'a str)> {
    let (BindingKind::FromImport, Some(Stmt::ImportFrom(import))) =
        (binding.kind, binding.statement)
    else {
        return None;
    };
    if import.level > 0 {
        return None;
    }
    let module = import.module.as_ref()?.as_str();
    import.names.iter().find_map(|alias| {
        let local = alias.asname.as_ref().unwrap_or(&alias.name);
        (local.as_str() == bound).then_some((module, alias.name.as_str()))
    })
}
