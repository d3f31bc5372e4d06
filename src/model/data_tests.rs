//! The data file against itself and against real interpreters: `cpython.toml` must parse and
//! cover every version, and every figure `tests/calibration/objects.py` can measure must
//! equal what it measured on CPython 3.8 to 3.13 (`tests/calibration/objects/<version>.json`).

use serde::Deserialize;
use serde_json::Value as Json;

use super::*;

const MEASURED_MINORS: [u8; 6] = [8, 9, 10, 11, 12, 13];

#[derive(Deserialize)]
struct Calibration {
    version: String,
    measured: serde_json::Map<String, Json>,
    cases: Cases,
}

#[derive(Deserialize)]
struct Cases {
    /// (kind, length, requested bytes)
    str_size: Vec<(String, u64, u64)>,
    /// (value as decimal text, requested bytes)
    fresh_int_size: Vec<(String, u64)>,
    /// The capacity after each reallocation while appending to an empty list.
    list_capacities: Vec<u64>,
}

fn calibration(minor: u8) -> Calibration {
    let text = match minor {
        8 => include_str!("../../tests/calibration/objects/3.8.json"),
        9 => include_str!("../../tests/calibration/objects/3.9.json"),
        10 => include_str!("../../tests/calibration/objects/3.10.json"),
        11 => include_str!("../../tests/calibration/objects/3.11.json"),
        12 => include_str!("../../tests/calibration/objects/3.12.json"),
        13 => include_str!("../../tests/calibration/objects/3.13.json"),
        _ => panic!("no calibration for 3.{minor}"),
    };
    let calibration: Calibration = serde_json::from_str(text).expect("calibration JSON parses");
    assert_eq!(calibration.version, format!("3.{minor}"));
    calibration
}

fn version(minor: u8) -> TargetVersion {
    format!("3.{minor}").parse().expect("supported version")
}

/// Every figure of the file as plain TOML: (`section.name`, its table).
fn entries() -> Vec<(String, toml::Table)> {
    let file: toml::Table = toml::from_str(DATA).expect("cpython.toml is TOML");
    let mut entries = Vec::new();
    for (section, tables) in file {
        let tables = tables
            .as_table()
            .unwrap_or_else(|| panic!("`{section}` is not a section of figures"));
        for (name, entry) in tables {
            let entry = entry
                .as_table()
                .unwrap_or_else(|| panic!("`{section}.{name}` is not a table"));
            entries.push((format!("{section}.{name}"), entry.clone()));
        }
    }
    entries
}

/// The value of a plain-TOML figure for 3.`minor`: its line for the newest version up to it.
fn value_at(entry: &toml::Table, minor: u8) -> Option<&toml::Value> {
    entry
        .iter()
        .filter_map(|(key, value)| {
            let since = key.strip_prefix("3.")?.parse::<u8>().ok()?;
            (since <= minor).then_some((since, value))
        })
        .max_by_key(|(since, _)| *since)
        .map(|(_, value)| value)
}

#[test]
fn the_data_file_is_valid_for_every_version() {
    let data = Data::parse(DATA).unwrap_or_else(|error| panic!("{error}"));
    for version in TargetVersion::all() {
        let runtime = data.runtime(version);
        assert_eq!(runtime.version, version);
        assert_eq!(runtime.str_base, runtime.str_size(StrKind::Ascii, 0));
    }

    let entries = entries();
    assert!(entries.len() > 50, "only {} figures", entries.len());
    for (key, entry) in &entries {
        for field in ["source", "source_314"] {
            let text = entry.get(field).and_then(toml::Value::as_str);
            assert!(
                text.is_some_and(|text| text.trim().len() > 10),
                "{key}: no {field}"
            );
        }
        assert!(entry.contains_key("3.8"), "{key}: no value for 3.8");
        let kinds: Vec<&str> = TargetVersion::all()
            .map(|version| {
                value_at(entry, version.minor())
                    .unwrap_or_else(|| panic!("{key}: nothing for {}", version.dotted()))
                    .type_str()
            })
            .collect();
        assert!(
            kinds.windows(2).all(|pair| pair[0] == pair[1]),
            "{key}: values of different types {kinds:?}"
        );
    }
}

#[test]
fn bad_entries_are_rejected() {
    let parse = |text: &str| toml::from_str::<Entry<u64>>(text).map(|_| ());
    let sources = "source = 'Objects/x.c'\nsource_314 = 'facts'\n";
    assert!(parse(&format!("{sources}\"3.8\" = 1\n\"3.11\" = 2")).is_ok());
    let missing_start = parse(&format!("{sources}\"3.9\" = 1"));
    assert!(missing_start.unwrap_err().to_string().contains("3.8"));
    let repeated = parse(&format!("{sources}\"3.8\" = 1\n\"3.12\" = 1"));
    assert!(repeated.unwrap_err().to_string().contains("repeats"));
    let unknown = parse(&format!("{sources}\"3.8\" = 1\n\"3.15\" = 2"));
    assert!(unknown.unwrap_err().to_string().contains("3.15"));
    let typo = parse(&format!("{sources}\"3.8\" = 1\nsorce_note = 2"));
    assert!(typo.unwrap_err().to_string().contains("sorce_note"));
    assert!(parse("source_314 = 'facts'\n\"3.8\" = 1").is_err());
    assert!(parse("source = ''\nsource_314 = 'facts'\n\"3.8\" = 1").is_err());
    assert!(toml::from_str::<Data>("[object.header]\nsource = 'x'").is_err());
}

/// Every figure objects.py measures equals the measurement, on every measured version; sizes
/// exactly, timings only present and positive (they are data, not claims).
#[test]
fn the_data_file_matches_the_measurements() {
    let entries = entries();
    for minor in MEASURED_MINORS {
        let calibration = calibration(minor);
        let mut unchecked: Vec<&String> = calibration.measured.keys().collect();
        for (key, entry) in &entries {
            let expected = entry.get("measured").and_then(toml::Value::as_bool);
            if expected == Some(false) {
                continue;
            }
            unchecked.retain(|measured| *measured != key);
            let claimed = value_at(entry, minor).expect("validated above");
            let measured = calibration
                .measured
                .get(key)
                .unwrap_or_else(|| panic!("3.{minor}: objects.py does not measure {key}"));
            if key.starts_with("lookup_ns.") {
                let positive = |value: Option<f64>| value.is_some_and(|v| v > 0.0);
                assert!(positive(claimed.as_float()), "3.{minor} {key}: {claimed}");
                assert!(positive(measured.as_f64()), "3.{minor} {key}: {measured}");
                continue;
            }
            let claimed = serde_json::to_value(claimed).expect("TOML value to JSON");
            assert_eq!(
                &claimed, measured,
                "3.{minor} {key}: cpython.toml says {claimed}, CPython measured {measured}"
            );
        }
        assert!(
            unchecked.is_empty(),
            "3.{minor}: measured but not in cpython.toml: {unchecked:?}"
        );
    }
}

#[test]
fn str_size_matches_measured_strings() {
    for minor in MEASURED_MINORS {
        let runtime = Runtime::for_version(version(minor));
        for (kind, length, requested) in calibration(minor).cases.str_size {
            let kind = match kind.as_str() {
                "ascii" => StrKind::Ascii,
                "latin1" => StrKind::Latin1,
                "ucs2" => StrKind::Ucs2,
                "ucs4" => StrKind::Ucs4,
                other => panic!("unknown kind {other}"),
            };
            assert_eq!(
                runtime.str_size(kind, length),
                requested,
                "3.{minor}: {kind:?} of length {length}"
            );
        }
        assert_eq!(
            runtime.str_size(StrKind::Ascii, 7),
            runtime.str_base + 7,
            "3.{minor}"
        );
    }
}

#[test]
fn fresh_int_size_matches_measured_ints() {
    for minor in MEASURED_MINORS {
        let runtime = Runtime::for_version(version(minor));
        for (value, requested) in calibration(minor).cases.fresh_int_size {
            let value: i128 = value.parse().expect("an integer");
            assert_eq!(
                runtime.fresh_int_size(value),
                Some(requested),
                "3.{minor}: {value}"
            );
        }
    }
    for version in TargetVersion::all() {
        let runtime = Runtime::for_version(version);
        for cached in [-5, 0, 1, 256] {
            assert_eq!(runtime.fresh_int_size(cached), None, "{cached}");
        }
        assert!(runtime.fresh_int_size(-6).is_some());
        assert!(runtime.fresh_int_size(257).is_some());
        assert_eq!(
            runtime.fresh_int_size((1 << 30) - 1),
            Some(runtime.int.fresh_one_digit)
        );
        assert_eq!(runtime.fresh_int_size(1 << 30), Some(32));
        assert_eq!(runtime.fresh_int_size(i128::MIN), Some(24 + 4 * 5));
    }
}

#[test]
fn list_growth_matches_measured_capacities() {
    for minor in MEASURED_MINORS {
        let runtime = Runtime::for_version(version(minor));
        let mut capacity = 0;
        for measured in calibration(minor).cases.list_capacities {
            capacity = runtime.list_capacity_after_append(capacity);
            assert_eq!(capacity, measured, "3.{minor}");
        }
    }
}

/// The figures the model used before they moved to the data file, unchanged.
#[test]
fn the_runtime_keeps_its_former_figures() {
    for version in TargetVersion::all() {
        let minor = version.minor();
        let r = Runtime::for_version(version);
        assert_eq!(r.str_base, if minor >= 12 { 41 } else { 49 });
        assert_eq!(r.bytes_base, 33);
        assert_eq!(r.tuple_base, if minor >= 14 { 48 } else { 40 });
        assert_eq!(r.tuple_free_list_max_len, if minor >= 13 { 20 } else { 19 });
        let growth = if minor >= 9 {
            ListGrowth::Py39
        } else {
            ListGrowth::Py38
        };
        assert_eq!(r.list_growth, growth);
        assert_eq!(r.list_iterator, 48);
        let generator = match minor {
            8 | 9 => 112,
            10 => 104,
            11 | 14 => 200,
            _ => 192,
        };
        assert_eq!(r.generator, generator);
        let function = match minor {
            8 | 9 => 136,
            10 => 144,
            11 => 152,
            12 | 13 => 160,
            _ => 168,
        };
        assert_eq!(r.function, function);
        assert_eq!(r.comprehension_makes_function, minor <= 11);
        assert_eq!(r.bytes_join_static_buffers, 10);
        assert_eq!(r.bytes_join_buffer_per_part, 80);
        assert_eq!(r.specialised_globals, minor >= 11);
        assert_eq!(r.chain_temporaries_in_place, minor <= 10);
        assert!(r.str_concat_in_place(Store::Local));
        assert_eq!(r.str_concat_in_place(Store::Closure), minor <= 10);
        assert_eq!(r.str_concat_in_place(Store::Name), minor <= 10);
        assert!(!r.str_concat_in_place(Store::Global));
        assert!(!r.str_concat_in_place(Store::Attribute));
        assert!(!r.str_concat.subscript);
    }
}

#[test]
fn str_kind_follows_the_widest_code_point() {
    assert_eq!(StrKind::of(""), StrKind::Ascii);
    assert_eq!(StrKind::of("hello\x7f"), StrKind::Ascii);
    assert_eq!(StrKind::of("caf\u{e9}"), StrKind::Latin1);
    assert_eq!(StrKind::of("\u{ff}"), StrKind::Latin1);
    assert_eq!(StrKind::of("\u{100}"), StrKind::Ucs2);
    assert_eq!(StrKind::of("a\u{3b1}\u{e9}"), StrKind::Ucs2);
    assert_eq!(StrKind::of("\u{ffff}"), StrKind::Ucs2);
    assert_eq!(StrKind::of("\u{10000}"), StrKind::Ucs4);
    assert_eq!(StrKind::of("x\u{1f600}"), StrKind::Ucs4);
    assert_eq!(StrKind::Ascii.max(StrKind::Ucs2), StrKind::Ucs2);
    assert_eq!(StrKind::Ucs4.max(StrKind::Latin1), StrKind::Ucs4);
    let widths = [
        StrKind::Ascii,
        StrKind::Latin1,
        StrKind::Ucs2,
        StrKind::Ucs4,
    ]
    .map(StrKind::width);
    assert_eq!(widths, [1, 1, 2, 4]);
}

#[test]
fn version_specific_figures() {
    let r = |minor| Runtime::for_version(version(minor));
    assert_eq!(r(14).int_free_list, 100);
    assert_eq!(r(13).int_free_list, 0);
    assert_eq!(r(8).float_free_list, 100);
    assert_eq!(r(9).pymalloc.pool_size, 4096);
    assert_eq!(r(10).pymalloc.arena_size, 1 << 20);
    assert_eq!(r(11).headers.managed_pre_header, 16);
    assert_eq!(r(10).headers.managed_pre_header, 0);
    assert_eq!(r(12).instance.plain, [72, 88, 136]);
    assert_eq!(r(14).instance.slots, [40, 56, 96]);
    assert_eq!(r(14).lookup_ns, r(13).lookup_ns);
    assert!(r(10).lookup_ns.global > r(10).lookup_ns.local);
}

#[test]
fn pymalloc_rounds_small_requests_to_their_size_class() {
    let pymalloc = Runtime::for_version(version(12)).pymalloc;
    assert_eq!(pymalloc.block_size(1), 16);
    assert_eq!(pymalloc.block_size(28), 32);
    assert_eq!(pymalloc.block_size(41), 48);
    assert_eq!(pymalloc.block_size(512), 512);
    assert_eq!(pymalloc.block_size(513), 513);
}
