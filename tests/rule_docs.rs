//! `heaplint rule`: one page, every page (`--all`), the list, and their JSON form.

use assert_cmd::Command;

use heaplint::rules::Rule;

fn heaplint_rule(args: &[&str]) -> (i32, String) {
    let output = Command::cargo_bin("heaplint")
        .expect("binary")
        .arg("rule")
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    (output.status.code().unwrap_or(-1), stdout)
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, stdout) = heaplint_rule(args);
    assert_eq!(code, 0, "heaplint rule {args:?}");
    serde_json::from_str(&stdout).expect("valid JSON")
}

fn expected_object(rule: Rule) -> serde_json::Value {
    let meta = rule.meta();
    serde_json::json!({
        "code": meta.code,
        "name": meta.name,
        "summary": meta.summary,
        "documentation": meta.documentation,
    })
}

#[test]
fn one_page_by_code_or_name() {
    for rule in Rule::ALL {
        assert_eq!(
            heaplint_rule(&[rule.code()]),
            (0, rule.documentation().into())
        );
        assert_eq!(
            heaplint_rule(&[rule.name()]),
            (0, rule.documentation().into())
        );
    }
    let (code, stdout) = heaplint_rule(&["MEM999"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
}

#[test]
fn all_prints_every_page_in_code_order() {
    let (code, stdout) = heaplint_rule(&["--all"]);
    assert_eq!(code, 0);
    let pages: Vec<&str> = Rule::ALL.iter().map(|rule| rule.documentation()).collect();
    assert_eq!(stdout, pages.join("\n"));
    let titles: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("# "))
        .collect();
    assert_eq!(titles.len(), Rule::ALL.len());
    for (title, rule) in titles.iter().zip(Rule::ALL) {
        assert!(title.starts_with(&format!("# {} ", rule.code())), "{title}");
    }
}

#[test]
fn all_and_one_rule_are_exclusive() {
    let (code, stdout) = heaplint_rule(&["--all", "MEM101"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
}

#[test]
fn list_without_arguments() {
    let (code, stdout) = heaplint_rule(&[]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), Rule::ALL.len());
    for (line, rule) in stdout.lines().zip(Rule::ALL) {
        assert!(line.starts_with(rule.code()), "{line}");
        assert!(line.contains(rule.name()), "{line}");
        assert!(line.ends_with(rule.meta().summary), "{line}");
    }
}

#[test]
fn json_for_one_rule_is_an_object() {
    for rule in Rule::ALL {
        let value = json(&[rule.code(), "--output-format", "json"]);
        assert_eq!(value, expected_object(*rule));
    }
}

#[test]
fn json_for_all_rules_is_an_array() {
    let expected: Vec<_> = Rule::ALL
        .iter()
        .map(|&rule| expected_object(rule))
        .collect();
    let expected = serde_json::Value::Array(expected);
    assert_eq!(json(&["--all", "--output-format", "json"]), expected);
    assert_eq!(json(&["--output-format", "json"]), expected);
}
