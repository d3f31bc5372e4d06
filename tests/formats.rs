//! The output formats for CI, end to end: each one run on fixtures with an awkward file name
//! (`,`, `:` and `%`), a syntax error and a finding that spans lines, and checked against its
//! schema (`tests/schemas/`) or its exact expected text.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The awkward name: GitHub's property escaping and SARIF's URIs must both survive it.
const WEIRD: &str = "we,ird:na%me.py";
const WEIRD_SOURCE: &str = "\
def f(rows):
    s = ''
    for r in rows:
        s += r
    return s == None


def g(a, b):
    return (a +
            b + 'x')


def h(x, y):
    if x == None:
        return 1
    if x == None:
        return 2
";

fn heaplint(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("heaplint").expect("binary");
    command
        .current_dir(dir)
        .env_remove("HEAPLINT_OUTPUT_FORMAT");
    command
}

/// heaplint `check` showing every finding and failing on any, for tests about findings.
fn every_finding(dir: &Path) -> Command {
    let mut command = heaplint(dir);
    command.args(["check", "--min-severity", "info", "--fail-on", "info"]);
    command
}

/// A tempdir with the fixtures: the awkward name, a syntax error, a clean file.
fn fixtures() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    fs::write(dir.path().join(WEIRD), WEIRD_SOURCE).expect("write");
    fs::write(dir.path().join("bad.py"), "def f(:\n").expect("write");
    fs::write(dir.path().join("clean.py"), "x = 1\n").expect("write");
    dir
}

/// Standard output of `heaplint check --output-format FORMAT .`, which must exit 1.
fn run(dir: &Path, format: &str) -> String {
    let output = every_finding(dir)
        .args(["--output-format", format, "."])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "{format}: {output:?}");
    String::from_utf8(output.stdout).expect("utf-8")
}

fn validate_json(schema_file: &str, instance: &Value) {
    let errors = schema_errors(schema_file, instance);
    assert!(
        errors.is_empty(),
        "{schema_file}: {errors:#?}\n{instance:#}"
    );
}

fn schema_errors(schema_file: &str, instance: &Value) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas")
        .join(schema_file);
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(path).expect("schema")).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator
        .iter_errors(instance)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect()
}

#[test]
fn github_annotations_are_escaped_as_actions_core_does() {
    let dir = fixtures();
    let stdout = run(dir.path(), "github");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "::error file=bad.py,line=1,col=7,endLine=1,endColumn=8,title=heaplint SyntaxError\
         ::SyntaxError: Expected a parameter or the end of the parameter list"
    );
    assert!(lines.contains(
        &"::notice file=we%2Cird%3Ana%25me.py,line=5,col=12,endLine=5,endColumn=21,\
          title=heaplint MEM101 (none-comparison)::Comparison to `None` with `==`\
          %0Acost: no extra allocation, O(1), runs once, CPython 3.12"
    ));
    // The chained concatenation spans lines 9 and 10: no columns.
    let multi_line = lines
        .iter()
        .find(|line| line.contains("MEM202"))
        .expect("MEM202 annotation");
    assert!(
        multi_line.starts_with(
            "::notice file=we%2Cird%3Ana%25me.py,line=9,endLine=10,\
             title=heaplint MEM202 (chained-string-concat)::"
        ),
        "{multi_line}"
    );
    assert!(!multi_line.contains("col="), "{multi_line}");
    // Every line is one command: nothing raw that would end it early.
    assert_eq!(lines.len(), 6, "{stdout}");
    assert!(lines.iter().all(|line| line.starts_with("::")));
}

#[test]
fn sarif_validates_and_describes_every_rule() {
    let dir = fixtures();
    let sarif: Value = serde_json::from_str(&run(dir.path(), "sarif")).expect("JSON");
    validate_json("sarif-2.1.0.json", &sarif);
    // The validator does reject what the schema forbids.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!schema_errors("sarif-2.1.0.json", &broken).is_empty());
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let listed = Command::cargo_bin("heaplint")
        .expect("binary")
        .arg("rule")
        .output()
        .expect("runs");
    assert_eq!(
        rules.len(),
        String::from_utf8_lossy(&listed.stdout).lines().count()
    );
    for rule in rules {
        let id = rule["id"].as_str().expect("id");
        assert!(rule["name"].is_string(), "{id}");
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .expect("short")
                .is_empty()
        );
        let full = rule["fullDescription"]["text"].as_str().expect("full");
        assert!(
            !full.is_empty() && full.chars().count() <= 1024,
            "{id}: {full}"
        );
        assert!(
            rule["help"]["text"]
                .as_str()
                .expect("help")
                .starts_with(&format!("# {id}"))
        );
        assert!(rule["help"]["markdown"].is_string());
        assert_eq!(
            rule["helpUri"],
            format!("https://github.com/heaplint/heaplint/blob/main/rules/{id}.md")
        );
        assert!(rule["defaultConfiguration"]["level"].is_string());
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 5);
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(
            result["message"]["text"]
                .as_str()
                .expect("text")
                .contains("\ncost: ")
        );
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "we%2Cird%3Ana%25me.py");
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(location["region"][key].as_u64().expect(key) >= 1);
        }
        assert!(result["properties"]["cost"]["allocations"].is_i64());
        assert!(result["partialFingerprints"]["heaplint/v1"].is_string());
    }
    let multi_line = results
        .iter()
        .find(|result| result["ruleId"] == "MEM202")
        .expect("MEM202");
    let region = &multi_line["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["endLine"].as_u64()),
        (Some(9), Some(10))
    );
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notifications = invocation["toolExecutionNotifications"]
        .as_array()
        .expect("notes");
    assert_eq!(notifications.len(), 1);
    assert_eq!(notifications[0]["level"], "error");
    assert_eq!(
        notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "bad.py"
    );
}

/// `ruleId -> fingerprints` and the start lines of a SARIF run.
fn sarif_fingerprints(dir: &Path) -> Vec<(String, String, u64)> {
    let sarif: Value = serde_json::from_str(&run(dir, "sarif")).expect("JSON");
    sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|result| {
            (
                result["ruleId"].as_str().expect("id").to_string(),
                result["partialFingerprints"]["heaplint/v1"]
                    .as_str()
                    .expect("fingerprint")
                    .to_string(),
                result["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .expect("line"),
            )
        })
        .collect()
}

#[test]
fn sarif_fingerprints_survive_lines_moving() {
    let dir = fixtures();
    let before = sarif_fingerprints(dir.path());
    let unique: std::collections::HashSet<&String> = before.iter().map(|(_, f, _)| f).collect();
    assert_eq!(unique.len(), before.len(), "{before:?}");
    fs::write(dir.path().join(WEIRD), format!("\n\n{WEIRD_SOURCE}")).expect("write");
    let after = sarif_fingerprints(dir.path());
    assert_eq!(before.len(), after.len());
    for ((rule, fingerprint, line), (rule_after, fingerprint_after, line_after)) in
        before.iter().zip(&after)
    {
        assert_eq!(rule, rule_after);
        assert_eq!(line + 2, *line_after);
        assert_eq!(
            fingerprint, fingerprint_after,
            "{rule} moved from line {line}"
        );
    }
}

#[test]
fn gitlab_validates_with_unique_fingerprints() {
    let dir = fixtures();
    let stdout = run(dir.path(), "gitlab");
    assert!(
        stdout.starts_with('['),
        "no byte-order mark or anything else first"
    );
    let report: Value = serde_json::from_str(&stdout).expect("JSON");
    validate_json("gitlab-codequality.schema.json", &report);
    let mut broken = report.clone();
    broken[0]["location"]["path"] = "/absolute.py".into();
    assert!(!schema_errors("gitlab-codequality.schema.json", &broken).is_empty());
    let issues = report.as_array().expect("array");
    assert_eq!(issues.len(), 6);
    let fingerprints: std::collections::HashSet<&str> = issues
        .iter()
        .map(|issue| issue["fingerprint"].as_str().expect("fingerprint"))
        .collect();
    assert_eq!(fingerprints.len(), issues.len(), "{report:#}");
    let by_check = |name: &str| issues.iter().find(|i| i["check_name"] == name).expect(name);
    assert_eq!(by_check("SyntaxError")["location"]["path"], "bad.py");
    assert_eq!(by_check("SyntaxError")["severity"], "major");
    let multi_line = by_check("MEM202");
    assert_eq!(multi_line["location"]["path"], WEIRD);
    assert_eq!(multi_line["location"]["lines"]["begin"], 9);
    assert_eq!(multi_line["location"]["lines"]["end"], 10);
    assert_eq!(multi_line["severity"], "info");
}

#[test]
fn gitlab_maps_quadratic_errors_to_critical() {
    let dir = TempDir::new().expect("tempdir");
    fs::write(
        dir.path().join("big.py"),
        "class R:\n    def __init__(self):\n        self.text = ''\n\n    def build(self, rows):\n        for row in range(10000):\n            self.text += str(row)\n",
    )
    .expect("write");
    let report: Value = serde_json::from_str(&run(dir.path(), "gitlab")).expect("JSON");
    validate_json("gitlab-codequality.schema.json", &report);
    assert_eq!(report[0]["check_name"], "MEM201");
    assert_eq!(report[0]["severity"], "critical", "{report:#}");
}

#[test]
fn junit_validates_against_the_xsd() {
    let dir = fixtures();
    // A control character in a file name: invalid in XML 1.0 even as a reference.
    let control = "esc\u{1b}ape.py";
    fs::write(
        dir.path().join(control),
        "def f(x):\n    return x == None\n",
    )
    .expect("write");
    let xml = run(dir.path(), "junit");
    xsd::validate(&xml);
    assert!(!xml.contains('\u{1b}'));
    assert!(xml.contains(r#"<testsuite name="esc\u{1b}ape.py" tests="1" failures="1" errors="0""#));
    assert!(xml.contains(r#"<testsuites name="heaplint" tests="7" failures="6" errors="1">"#));
    assert!(xml.contains(r#"<error type="SyntaxError""#));
    assert!(xml.contains(r#"<testsuite name="we,ird:na%me.py" tests="5" failures="5" errors="0""#));

    let clean = TempDir::new().expect("tempdir");
    fs::write(clean.path().join("ok.py"), "x = 1\n").expect("write");
    let output = every_finding(clean.path())
        .args(["--output-format", "junit", "."])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let xml = String::from_utf8(output.stdout).expect("utf-8");
    xsd::validate(&xml);
    assert!(xml.contains(r#"<testcase name="no findings""#));
}

#[test]
fn json_lines_are_the_json_elements() {
    let dir = fixtures();
    let array: Value = serde_json::from_str(&run(dir.path(), "json")).expect("JSON");
    let stdout = run(dir.path(), "json-lines");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON object per line"))
        .collect();
    assert_eq!(array.as_array().expect("array"), &lines);
    assert_eq!(lines.len(), 6);
}

#[test]
fn pylint_lines() {
    let dir = fixtures();
    assert_eq!(
        run(dir.path(), "pylint"),
        "bad.py:1: [E0001] SyntaxError: Expected a parameter or the end of the parameter list\n\
         we,ird:na%me.py:4: [MEM201] `s` is a str grown by concatenation in a loop\n\
         we,ird:na%me.py:5: [MEM101] Comparison to `None` with `==`\n\
         we,ird:na%me.py:9: [MEM202] String built from 3 operands with `+`: each `+` allocates an intermediate string\n\
         we,ird:na%me.py:14: [MEM101] Comparison to `None` with `==`\n\
         we,ird:na%me.py:16: [MEM101] Comparison to `None` with `==`\n"
    );
}

#[test]
fn output_file_replaces_stdout() {
    let dir = fixtures();
    let target = dir.path().join("report.sarif");
    fs::write(
        &target,
        "old contents that must go, and more than the new report has ".repeat(9999),
    )
    .expect("write");
    let output = every_finding(dir.path())
        .args([
            "--output-format",
            "sarif",
            "--output-file",
            "report.sarif",
            ".",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let sarif: Value =
        serde_json::from_str(&fs::read_to_string(&target).expect("written")).expect("JSON");
    assert_eq!(sarif["version"], "2.1.0");

    let output = every_finding(dir.path())
        .args(["--output-file", "no/such/dir/out.txt", "."])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("heaplint: could not write no/such/dir/out.txt"),
        "{stderr}"
    );
}

#[test]
fn paths_are_relative_to_the_working_directory() {
    let dir = fixtures();
    let absolute = dir.path().canonicalize().expect("canonical").join("bad.py");
    let output = every_finding(dir.path())
        .args(["--output-format", "github"])
        .arg(&absolute)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert!(
        stdout.starts_with("::error file=bad.py,line=1,"),
        "{stdout}"
    );
    let nested = dir.path().join("pkg/sub");
    fs::create_dir_all(&nested).expect("mkdir");
    fs::write(nested.join("m.py"), "def f(x):\n    return x == None\n").expect("write");
    let output = every_finding(dir.path())
        .args(["--output-format", "sarif", "./pkg"])
        .output()
        .expect("runs");
    let sarif: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "pkg/sub/m.py");
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_is_an_error() {
    let dir = fixtures();
    let output = every_finding(dir.path())
        .args([
            "--output-format",
            "sarif",
            "--output-file",
            "/dev/full",
            ".",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("could not write the report"), "{stderr}");
}

#[test]
fn output_format_from_the_environment() {
    let dir = fixtures();
    let output = heaplint(dir.path())
        .env("HEAPLINT_OUTPUT_FORMAT", "pylint")
        .args(["check", "--min-severity", "info", "--fail-on", "info", "."])
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert!(stdout.starts_with("bad.py:1: [E0001] "), "{stdout}");
    // The flag wins over the environment.
    let output = heaplint(dir.path())
        .env("HEAPLINT_OUTPUT_FORMAT", "pylint")
        .args([
            "check",
            "--min-severity",
            "info",
            "--fail-on",
            "info",
            "--output-format",
            "json-lines",
            ".",
        ])
        .output()
        .expect("runs");
    let first = String::from_utf8(output.stdout).expect("utf-8");
    let first = first.lines().next().expect("a line");
    serde_json::from_str::<Value>(first).expect("JSON Lines");
    heaplint(dir.path())
        .env("HEAPLINT_OUTPUT_FORMAT", "yaml")
        .args(["check", "--min-severity", "info", "--fail-on", "info", "."])
        .assert()
        .code(2);
}

/// Validation against the JUnit XSD with libxml2, the library behind `xmllint --schema`,
/// loaded at run time so that building the tests needs no C headers. Debian and most other
/// systems ship it (`libxml2`, which `.ci/run` installs when it is missing); without it the
/// test fails and says so.
mod xsd {
    use std::ffi::{CStr, c_char, c_int, c_void};
    use std::path::Path;

    use libloading::{Library, Symbol};

    const LIBRARIES: &[&str] = &[
        "libxml2.so.2",
        "libxml2.so",
        "libxml2.2.dylib",
        "libxml2.dylib",
    ];
    /// `XML_PARSE_NONET`: never fetch anything while parsing.
    const XML_PARSE_NONET: c_int = 1 << 11;

    type NewMemParserCtxt = unsafe extern "C" fn(*const c_char, c_int) -> *mut c_void;
    type Parse = unsafe extern "C" fn(*mut c_void) -> *mut c_void;
    type ReadMemory = unsafe extern "C" fn(
        *const c_char,
        c_int,
        *const c_char,
        *const c_char,
        c_int,
    ) -> *mut c_void;
    type ValidateDoc = unsafe extern "C" fn(*mut c_void, *mut c_void) -> c_int;
    type Free = unsafe extern "C" fn(*mut c_void);
    /// `xmlStructuredErrorFunc`: `void (*)(void *userData, const xmlError *error)`.
    type ErrorHandler = unsafe extern "C" fn(*mut c_void, *const XmlError);
    type SetStructuredErrors = unsafe extern "C" fn(*mut c_void, ErrorHandler, *mut c_void);
    type SetGlobalStructuredErrors = unsafe extern "C" fn(*mut c_void, ErrorHandler);

    /// The start of libxml2's `xmlError` (xmlerror.h), as far as the fields read here.
    #[repr(C)]
    struct XmlError {
        domain: c_int,
        code: c_int,
        message: *const c_char,
        level: c_int,
        file: *const c_char,
        line: c_int,
    }

    /// Collects libxml2's messages into the `Vec<String>` behind `user_data`.
    unsafe extern "C" fn collect(user_data: *mut c_void, error: *const XmlError) {
        // SAFETY: `user_data` is the `Vec` that `validate` registered and outlives the calls;
        // libxml2 passes a valid error whose message is a C string or null.
        unsafe {
            let messages = &mut *user_data.cast::<Vec<String>>();
            let Some(error) = error.as_ref() else { return };
            let text = if error.message.is_null() {
                format!("error {}", error.code)
            } else {
                CStr::from_ptr(error.message)
                    .to_string_lossy()
                    .trim_end()
                    .to_string()
            };
            messages.push(format!("line {}: {text}", error.line));
        }
    }

    /// Panics, with libxml2's messages, unless `xml` is well-formed and valid against
    /// `tests/schemas/junit-10.xsd`.
    pub fn validate(xml: &str) {
        let library = LIBRARIES
            .iter()
            // SAFETY: loading libxml2 runs only its own initialisers.
            .find_map(|name| unsafe { Library::new(*name) }.ok())
            .unwrap_or_else(|| {
                panic!(
                    "libxml2 is needed to validate JUnit XML against tests/schemas/junit-10.xsd \
                     and was not found (tried {LIBRARIES:?}); install it, e.g. \
                     `apt-get install -y libxml2`"
                )
            });
        let xsd_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/junit-10.xsd");
        let xsd = std::fs::read(xsd_path).expect("the XSD");
        let mut messages: Vec<String> = Vec::new();
        let sink: *mut c_void = (&raw mut messages).cast();
        // SAFETY: the signatures are libxml2's (xmlschemas.h, parser.h, tree.h, xmlerror.h);
        // every pointer passed in outlives the call, `messages` outlives every callback (the
        // global handler is reset before it goes), and each object is freed once, after its
        // last use.
        let (status, well_formed) = unsafe {
            let symbol = |name: &[u8]| -> *const c_void {
                let found: Symbol<*const c_void> = library.get(name).expect("libxml2 symbol");
                *found
            };
            let new_parser: NewMemParserCtxt =
                std::mem::transmute(symbol(b"xmlSchemaNewMemParserCtxt\0"));
            let parse: Parse = std::mem::transmute(symbol(b"xmlSchemaParse\0"));
            let new_valid: Parse = std::mem::transmute(symbol(b"xmlSchemaNewValidCtxt\0"));
            let read: ReadMemory = std::mem::transmute(symbol(b"xmlReadMemory\0"));
            let validate: ValidateDoc = std::mem::transmute(symbol(b"xmlSchemaValidateDoc\0"));
            let free_doc: Free = std::mem::transmute(symbol(b"xmlFreeDoc\0"));
            let free_valid: Free = std::mem::transmute(symbol(b"xmlSchemaFreeValidCtxt\0"));
            let free_schema: Free = std::mem::transmute(symbol(b"xmlSchemaFree\0"));
            let free_parser: Free = std::mem::transmute(symbol(b"xmlSchemaFreeParserCtxt\0"));
            let set_global_errors: SetGlobalStructuredErrors =
                std::mem::transmute(symbol(b"xmlSetStructuredErrorFunc\0"));
            let set_valid_errors: SetStructuredErrors =
                std::mem::transmute(symbol(b"xmlSchemaSetValidStructuredErrors\0"));

            // The handler is per thread in libxml2, and each test runs on its own thread.
            set_global_errors(sink, collect);
            let parser = new_parser(
                xsd.as_ptr().cast(),
                c_int::try_from(xsd.len()).expect("size"),
            );
            assert!(!parser.is_null());
            let schema = parse(parser);
            assert!(!schema.is_null(), "the XSD does not parse: {messages:?}");
            let context = new_valid(schema);
            assert!(!context.is_null());
            set_valid_errors(context, collect, sink);
            let document = read(
                xml.as_ptr().cast(),
                c_int::try_from(xml.len()).expect("size"),
                c"junit.xml".as_ptr(),
                std::ptr::null(),
                XML_PARSE_NONET,
            );
            let result = if document.is_null() {
                (-1, false)
            } else {
                let status = validate(context, document);
                free_doc(document);
                (status, true)
            };
            free_valid(context);
            free_schema(schema);
            free_parser(parser);
            set_global_errors(std::ptr::null_mut(), collect);
            result
        };
        assert!(
            well_formed,
            "not well-formed XML:\n{}\n{xml}",
            messages.join("\n")
        );
        assert_eq!(
            status,
            0,
            "not valid against junit-10.xsd:\n{}\n{xml}",
            messages.join("\n")
        );
    }

    #[test]
    fn the_validator_rejects_what_the_xsd_forbids() {
        let missing_counts =
            r#"<testsuites><testsuite name="x"><testcase name="t"/></testsuite></testsuites>"#;
        let result = std::panic::catch_unwind(|| validate(missing_counts));
        let message = *result
            .expect_err("a testsuite without tests/failures/errors must be rejected")
            .downcast::<String>()
            .expect("a message");
        assert!(message.contains("'tests' is required"), "{message}");
        let raw_control = "<testsuites name=\"\u{1}\"/>";
        assert!(std::panic::catch_unwind(|| validate(raw_control)).is_err());
        validate(
            r#"<testsuites><testsuite name="x" tests="1" failures="0" errors="0"><testcase name="t"/></testsuite></testsuites>"#,
        );
    }
}
