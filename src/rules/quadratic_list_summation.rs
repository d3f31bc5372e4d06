#![doc = include_str!("../../rules/MEM205.md")]

use ruff_python_ast::{self as ast, Expr, Operator, Stmt};
use ruff_text_size::Ranged;

use super::common::{ValueKind, value_kind};
use super::list_comprehension_in_call::element_count;
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{Iterations, Length, ListSummation, Scenario, Severity};
use crate::semantic::{BindingKind, Context, ScopeId};

pub const META: RuleMeta = RuleMeta {
    code: "MEM205",
    name: "quadratic-list-summation",
    summary: "lists added up with `sum(..., [])` or `reduce(operator.add, ...)`",
    documentation: include_str!("../../rules/MEM205.md"),
    severity_floor: Severity::Info,
    same_as: &["RUF017"],
};

/// A call that adds lists up one `+` at a time.
struct Summation<'a> {
    /// `sum` or `reduce`, for the message.
    function: &'static str,
    /// What yields the lists.
    lists: &'a Expr,
    /// A start list is given, so the first list is copied too.
    start: bool,
}

/// Whether `call` has the shape of a summation this rule reports, judged from the call alone:
/// `sum(x, [])`, or `reduce(f, [comprehension], [initial])` with a list somewhere. Calls are the
/// commonest node with arguments, and the recorder keeps only those that pass.
pub fn may_report(call: &ast::ExprCall) -> bool {
    let arguments = &call.arguments;
    if !(2..=3).contains(&arguments.len()) {
        return false;
    }
    let sum_shape = arguments.len() == 2
        && arguments
            .find_argument_value("start", 1)
            .is_some_and(Expr::is_list_expr);
    let reduce_shape = arguments.find_positional(0).is_some_and(|function| {
        matches!(
            function,
            Expr::Lambda(_) | Expr::Name(_) | Expr::Attribute(_)
        )
    }) && (arguments.find_positional(1).is_some_and(|lists| {
        matches!(
            lists,
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::Generator(_)
        )
    }) || arguments
        .find_argument_value("initial", 2)
        .is_some_and(Expr::is_list_expr));
    sum_shape || reduce_shape
}

pub fn check<'a>(checker: &mut Checker<'a>, context: &Context<'a>, call: &'a ast::ExprCall) {
    let arguments = &call.arguments;
    if arguments.args.iter().any(Expr::is_starred_expr)
        || arguments
            .keywords
            .iter()
            .any(|keyword| keyword.arg.is_none())
    {
        return;
    }
    let scope = context.scope();
    let Some(summation) =
        sum_of_lists(checker, scope, call).or_else(|| reduce_of_lists(checker, scope, call))
    else {
        return;
    };
    if is_fixed_display(summation.lists) {
        return;
    }
    let (count, items_per_list) = sizes(checker, scope, summation.lists);
    let iterations = count.repeated_by(checker.iterations(context.loop_id(), call.range()));
    // A comprehension spelled inside another one reads badly: name it only when it is a name.
    let lists = match summation.lists {
        Expr::Name(_) | Expr::Attribute(_) => checker.short_text(summation.lists),
        _ => None,
    }
    .unwrap_or("lists");
    let function = summation.function;
    checker.report(
        Rule::QuadraticListSummation,
        call.range(),
        format!("`{function}()` adds lists one by one, copying the growing result every time"),
        format!(
            "Flatten in one pass: `[x for xs in {lists} for x in xs]` or `list(itertools.chain.from_iterable({lists}))`"
        ),
        Scenario::ListSummation(ListSummation {
            items_per_list,
            start: summation.start,
        }),
        iterations,
    );
}

/// `sum(lists, [])` or `sum(lists, start=[])`: with a list to start from, every item must be
/// a list, and `sum` adds them with `+`.
fn sum_of_lists<'a>(
    checker: &Checker<'a>,
    scope: ScopeId,
    call: &'a ast::ExprCall,
) -> Option<Summation<'a>> {
    if checker.model.builtin_callee(scope, call) != Some("sum") {
        return None;
    }
    let arguments = &call.arguments;
    let lists = arguments.find_positional(0)?;
    let start = arguments.find_argument_value("start", 1)?;
    (arguments.len() == 2 && start.is_list_expr()).then_some(Summation {
        function: "sum",
        lists,
        start: true,
    })
}

/// `functools.reduce(operator.add, lists, [])`, or `reduce(lambda a, b: a + b, lists)` over
/// something that evidently yields lists.
fn reduce_of_lists<'a>(
    checker: &Checker<'a>,
    scope: ScopeId,
    call: &'a ast::ExprCall,
) -> Option<Summation<'a>> {
    if !refers_to(checker, scope, &call.func, "functools", "reduce") {
        return None;
    }
    let arguments = &call.arguments;
    let function = arguments.find_positional(0)?;
    let lists = arguments.find_positional(1)?;
    let initial = arguments.find_argument_value("initial", 2);
    let expected = 2 + usize::from(initial.is_some());
    if arguments.len() != expected || !adds(checker, scope, function) {
        return None;
    }
    let yields_lists = match lists {
        Expr::ListComp(ast::ExprListComp { elt, .. })
        | Expr::SetComp(ast::ExprSetComp { elt, .. })
        | Expr::Generator(ast::ExprGenerator { elt, .. }) => {
            value_kind(checker, scope, elt) == ValueKind::List
        }
        _ => false,
    };
    // `+` of numbers or strings is no list summation: a list must show, in the start or the
    // items.
    (yields_lists || initial.is_some_and(Expr::is_list_expr)).then_some(Summation {
        function: "reduce",
        lists,
        start: initial.is_some(),
    })
}

/// True for `operator.add`, `operator.concat` (however imported) and `lambda a, b: a + b`.
fn adds(checker: &Checker, scope: ScopeId, function: &Expr) -> bool {
    if let Expr::Lambda(lambda) = function {
        return adds_its_parameters(lambda);
    }
    ["add", "concat"]
        .iter()
        .any(|name| refers_to(checker, scope, function, "operator", name))
}

/// `lambda a, b: a + b` (or `b + a`): two plain parameters, their sum.
fn adds_its_parameters(lambda: &ast::ExprLambda) -> bool {
    let Some(parameters) = &lambda.parameters else {
        return false;
    };
    let names: Vec<&str> = parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .map(|parameter| parameter.name().as_str())
        .collect();
    let [first, second] = names.as_slice() else {
        return false;
    };
    if parameters.vararg.is_some() || parameters.kwarg.is_some() || first == second {
        return false;
    }
    let Expr::BinOp(ast::ExprBinOp {
        left,
        op: Operator::Add,
        right,
        ..
    }) = lambda.body.as_ref()
    else {
        return false;
    };
    matches!(
        (name_of(left), name_of(right)),
        (Some(a), Some(b)) if (a, b) == (*first, *second) || (a, b) == (*second, *first)
    )
}

fn name_of(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        _ => None,
    }
}

/// True if `expr`, evaluated in `scope`, is `module.attribute`: `module.attribute` with
/// `import module` (or `import module as m`), or a name from `from module import attribute`.
/// Any other binding of the name in the scope it resolves to makes it something else.
fn refers_to(
    checker: &Checker,
    scope: ScopeId,
    expr: &Expr,
    module: &str,
    attribute: &str,
) -> bool {
    match expr {
        Expr::Name(name) => {
            imported(checker, scope, name.id.as_str()) == Some((module, Some(attribute)))
        }
        Expr::Attribute(ast::ExprAttribute { value, attr, .. }) => {
            attr.as_str() == attribute
                && matches!(value.as_ref(), Expr::Name(base)
                    if imported(checker, scope, base.id.as_str()) == Some((module, None)))
        }
        _ => false,
    }
}

/// What `name`, loaded in `scope`, was imported as: `(module, None)` for `import module`,
/// `(module, Some(attribute))` for `from module import attribute`. `None` unless every binding
/// of the name where it resolves is that same import.
fn imported<'a>(
    checker: &Checker<'a>,
    scope: ScopeId,
    name: &str,
) -> Option<(&'a str, Option<&'a str>)> {
    let owner = checker.model.owner(scope, name)?;
    let mut imports = checker
        .model
        .scope(owner)
        .bindings_of(name)
        .iter()
        .map(|binding| match (binding.kind, binding.statement) {
            (BindingKind::Import { module }, _) => Some((module, None)),
            (BindingKind::FromImport, Some(Stmt::ImportFrom(from))) => from_import(from, name),
            _ => None,
        });
    let first = imports.next()??;
    imports.all(|other| other == Some(first)).then_some(first)
}

/// The module and name `from module import name as bound` binds to `bound`; relative imports
/// are the project's own modules.
fn from_import<'a>(
    from: &'a ast::StmtImportFrom,
    bound: &str,
) -> Option<(&'a str, Option<&'a str>)> {
    if from.level != 0 {
        return None;
    }
    let module = from.module.as_ref()?.as_str();
    from.names.iter().find_map(|alias| {
        let binds = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
        (binds == bound).then_some((module, Some(alias.name.as_str())))
    })
}

/// How many lists are added, and how many items each has, as far as the source shows.
fn sizes(checker: &Checker, scope: ScopeId, lists: &Expr) -> (Iterations, Length) {
    let (_, element) = match lists {
        Expr::ListComp(ast::ExprListComp {
            generators, elt, ..
        })
        | Expr::Generator(ast::ExprGenerator {
            generators, elt, ..
        }) => (generators, elt),
        _ => return (checker.items_of(scope, lists), Length::UNKNOWN),
    };
    let items = display_length(element).map_or(Length::UNKNOWN, Length::known);
    (element_count(checker, lists), items)
}

/// `sum([a, b, c], [])`: a display without `*` adds a fixed number of lists, so the copying
/// grows with their lengths, linearly, not with the square of a count.
fn is_fixed_display(lists: &Expr) -> bool {
    match lists {
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            !elts.iter().any(Expr::is_starred_expr)
        }
        _ => false,
    }
}

/// The number of items of a list display without `*` unpacking.
fn display_length(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::List(ast::ExprList { elts, .. }) if !elts.iter().any(Expr::is_starred_expr) => {
            Some(elts.len() as u64)
        }
        _ => None,
    }
}
