#![doc = include_str!("../../rules/MEM303.md")]

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use super::iterable::{self, IteratedBy, Source};
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{IterationCopy, Iterations, Length, Scenario, Severity, Unshown};
use crate::semantic::{BindingKind, Context, ScopeClass};

pub const META: RuleMeta = RuleMeta {
    code: "MEM303",
    name: "readlines-materialised",
    summary: "`f.readlines()` or `f.read().splitlines()` read whole only to be iterated once",
    documentation: include_str!("../../rules/MEM303.md"),
    severity_floor: Severity::Info,
    same_as: &["FURB129"],
};

/// How the whole file is read.
struct WholeRead<'a> {
    /// The `readlines()` or `read()` call, where the finding is reported.
    call: &'a ast::ExprCall,
    /// The file object the call reads.
    file: &'a Expr,
    /// `read().splitlines()` or `read().split("\n")`, rather than `readlines()`.
    split: bool,
}

/// `f.readlines()`, `f.read().splitlines()`, `f.read().split("\n")`, all without a size.
fn whole_read(expr: &Expr) -> Option<WholeRead<'_>> {
    let (receiver, method, call) = method_call(expr)?;
    match method {
        "readlines" if call.arguments.is_empty() => Some(WholeRead {
            call,
            file: receiver,
            split: false,
        }),
        "splitlines" | "split" if splits_lines(method, call) => {
            let (file, "read", read) = method_call(receiver)? else {
                return None;
            };
            read.arguments.is_empty().then_some(WholeRead {
                call: read,
                file,
                split: true,
            })
        }
        _ => None,
    }
}

/// `receiver.method(...)`.
fn method_call(expr: &Expr) -> Option<(&Expr, &str, &ast::ExprCall)> {
    let Expr::Call(call) = expr else {
        return None;
    };
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return None;
    };
    Some((&attribute.value, attribute.attr.as_str(), call))
}

/// `splitlines()` (with or without `keepends`) or `split("\n")`.
fn splits_lines(method: &str, call: &ast::ExprCall) -> bool {
    let arguments = &call.arguments;
    if method == "splitlines" {
        return arguments.len() <= 1;
    }
    let newline = match arguments.args.as_ref() {
        [Expr::StringLiteral(separator)] => separator.value.to_str() == "\n",
        [Expr::BytesLiteral(separator)] => separator.value.bytes().eq([b'\n']),
        _ => false,
    };
    newline && arguments.keywords.is_empty()
}

pub fn check<'a>(
    checker: &mut Checker<'a>,
    context: &Context<'a>,
    expr: &'a Expr,
    iterator: IteratedBy<'a>,
) {
    let (read, stored) = match expr {
        Expr::Name(name) => match stored_read(checker, context, name) {
            Some(read) => (read, Some(name.id.as_str())),
            None => return,
        },
        _ => match whole_read(expr) {
            Some(read) => (read, None),
            None => return,
        },
    };
    // `for line in f.readlines(): f.write(...)` needs every line read before the first write.
    let file = Source::of(read.file);
    if file
        .as_ref()
        .is_some_and(|file| iterable::loop_may_change(iterator, std::slice::from_ref(file)))
    {
        return;
    }
    let call_text = checker.text(read.call.range());
    let shown = if call_text.len() <= 40 && !call_text.contains('\n') {
        format!("`{call_text}`")
    } else if read.split {
        "`read()`".to_string()
    } else {
        "`readlines()`".to_string()
    };
    let message = match (stored, read.split) {
        (Some(name), false) => {
            format!("{shown} reads every line into `{name}`, which is only iterated once")
        }
        (Some(name), true) => format!(
            "{shown} reads the whole file and splits it into `{name}`, which is only iterated once"
        ),
        (None, false) => format!("{shown} reads every line into a list only to iterate it once"),
        (None, true) => {
            format!("{shown} reads the whole file and splits it only to iterate the lines once")
        }
    };
    let mut help = if read.split {
        "Iterate the file object itself (`for line in f:`), which reads one line at a time, and strip the newline with `line.rstrip(\"\\n\")`".to_string()
    } else {
        "Iterate the file object itself (`for line in f:`), which reads one line at a time"
            .to_string()
    };
    if stored.is_some() {
        help.push_str(", moving the loop to where the file is still open");
    }
    checker.report(
        Rule::ReadlinesMaterialised,
        read.call.range(),
        message,
        help,
        Scenario::IterationCopy(IterationCopy::ReadLines {
            line: Length::UNKNOWN,
            split: read.split,
        }),
        iterable::copy_iterations(
            checker,
            context,
            expr,
            Iterations::unshown(Unshown::at(
                "the lines of the file".to_string(),
                read.call.range(),
            )),
        ),
    );
}

/// For `for line in lines`, where `lines` is a function's local bound once, by
/// `lines = f.readlines()` (or a split `read()`), and this is its only use, in the same loop
/// as the assignment: the read whole.
fn stored_read<'a>(
    checker: &Checker<'a>,
    context: &Context<'a>,
    name: &'a ast::ExprName,
) -> Option<WholeRead<'a>> {
    if context.scope_class() != ScopeClass::Function {
        return None;
    }
    let scope_id = context.scope();
    let scope = checker.model.scope(scope_id);
    let variable = name.id.as_str();
    let [binding] = scope.bindings_of(variable) else {
        return None;
    };
    let BindingKind::Assignment(value) = binding.kind else {
        return None;
    };
    let single_target = matches!(
        binding.statement,
        Some(Stmt::Assign(ast::StmtAssign { targets, .. })) if targets.len() == 1
    );
    let uses = scope
        .references()
        .iter()
        .filter(|reference| reference.name == variable)
        .count();
    let plain_local = single_target
        && uses == 1
        && binding.loop_id == context.loop_id()
        && binding.range.start() < name.start()
        && !scope.declares_global(variable)
        && !scope.declares_nonlocal(variable)
        && !checker.model.is_captured(scope_id, variable);
    if !plain_local {
        return None;
    }
    whole_read(value)
}
