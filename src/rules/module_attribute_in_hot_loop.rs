#![doc = include_str!("../../rules/MEM402.md")]

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{Scenario, Severity};
use crate::semantic::{Context, Resolution, ScopeClass};

pub const META: RuleMeta = RuleMeta {
    code: "MEM402",
    name: "module-attribute-in-hot-loop",
    summary: "an attribute chain on an imported module looked up on every iteration of a hot loop",
    documentation: include_str!("../../rules/MEM402.md"),
    severity_floor: Severity::Info,
    same_as: &[],
};

pub fn check<'a>(
    checker: &mut Checker<'a>,
    context: &Context<'a>,
    attribute: &'a ast::ExprAttribute,
) {
    // Only the whole chain: in `os.path.join`, `os.path` is part of it.
    if matches!(context.parent_expr(), Some(Expr::Attribute(_)))
        || context.frame_class() != ScopeClass::Function
        || context.in_exit_path()
    {
        return;
    }
    let Some(loop_id) = context.loop_id() else {
        return;
    };
    // Most loops are not hot; that is the cheapest thing to rule out.
    let Some(hotness) = checker.hotness(Some(loop_id)) else {
        return;
    };
    let Some((module_name, attributes)) = module_chain(attribute) else {
        return;
    };
    if checker.model.resolve(context.scope(), module_name)
        != (Resolution::Global { declared: false })
        || checker.model.imported_module(module_name).is_none()
    {
        return;
    }
    let chain = std::iter::once(module_name)
        .chain(attributes.iter().copied())
        .collect::<Vec<_>>()
        .join(".");
    if !checker.first_hot_report(loop_id, &chain) {
        return;
    }
    let last = attribute.attr.as_str();
    // `from m import attr` is only sure to work one level down from the module itself:
    // `sys.stdout.write` or `pydoc.html.escape` have no module to import from.
    let help = match (
        attributes.as_slice(),
        checker.model.imported_module(module_name),
    ) {
        ([_], Some(module)) => format!(
            "Look it up once before the loop (`{last} = {chain}`) or import it directly (`from {module} import {last}`)"
        ),
        _ => format!("Look it up once before the loop (`{last} = {chain}`)"),
    };
    checker.report(
        Rule::ModuleAttributeInHotLoop,
        attribute.range(),
        format!("`{chain}` is looked up on every iteration of {hotness}"),
        help,
        Scenario::ModuleAttributeLookup {
            attributes: attributes.len() as u64,
        },
        checker.iterations(Some(loop_id), attribute.range()),
    );
}

/// The name at the head of a plain attribute chain and the attributes after it, in order:
/// `("os", ["path", "join"])` for `os.path.join`.
fn module_chain(attribute: &ast::ExprAttribute) -> Option<(&str, Vec<&str>)> {
    let mut attributes = vec![attribute.attr.as_str()];
    let mut value = attribute.value.as_ref();
    loop {
        match value {
            Expr::Attribute(inner) => {
                attributes.push(inner.attr.as_str());
                value = &inner.value;
            }
            Expr::Name(name) => {
                attributes.reverse();
                return Some((name.id.as_str(), attributes));
            }
            _ => return None,
        }
    }
}
