//! The names in `builtins` for each target version: what a load that is bound nowhere else
//! finds at run time.
//!
//! Read off the interpreters themselves (`sorted(dir(builtins))` on CPython 3.8.18 to 3.13.0,
//! with the `site` module's additions such as `exit` and `help`); 3.14 adds no builtin names.

use crate::config::TargetVersion;

/// Present on every supported version (CPython 3.8's `dir(builtins)`), sorted.
const SINCE_3_8: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EnvironmentError",
    "Exception",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "__build_class__",
    "__debug__",
    "__doc__",
    "__import__",
    "__loader__",
    "__name__",
    "__package__",
    "__spec__",
    "abs",
    "all",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

const SINCE_3_10: &[&str] = &["EncodingWarning", "aiter", "anext"];
const SINCE_3_11: &[&str] = &["BaseExceptionGroup", "ExceptionGroup"];
const SINCE_3_13: &[&str] = &["PythonFinalizationError", "_IncompleteInputError"];

/// True if `name` is a builtin on `target`.
pub fn is_builtin(name: &str, target: TargetVersion) -> bool {
    SINCE_3_8.binary_search(&name).is_ok()
        || (target.minor() >= 10 && SINCE_3_10.contains(&name))
        || (target.minor() >= 11 && SINCE_3_11.contains(&name))
        || (target.minor() >= 13 && SINCE_3_13.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(minor: &str) -> TargetVersion {
        minor.parse().unwrap()
    }

    #[test]
    fn base_list_is_sorted_for_binary_search() {
        assert!(SINCE_3_8.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn builtins_follow_the_target_version() {
        assert!(is_builtin("len", version("py38")));
        assert!(!is_builtin("anext", version("py39")));
        assert!(is_builtin("anext", version("py310")));
        assert!(!is_builtin("ExceptionGroup", version("py310")));
        assert!(is_builtin("PythonFinalizationError", version("py314")));
        assert!(!is_builtin("math", version("py312")));
    }
}
