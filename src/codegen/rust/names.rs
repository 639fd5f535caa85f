//! Rust spellings of IDL names: snake_case through heck for methods and parameters, COM names
//! kept for types, keywords made raw identifiers.

use heck::{ToShoutySnakeCase, ToSnakeCase};

/// Rust's strict and reserved keywords (edition 2024), which need `r#` to be identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers either; they get a trailing underscore.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Whether `name` is a Rust keyword (strict, reserved or path root), which a plain identifier
/// cannot be.
pub fn is_keyword(name: &str) -> bool {
    could_be_keyword(name) && (KEYWORDS.contains(&name) || NOT_RAW.contains(&name))
}

/// Whether `name` is short enough and starts as a keyword does (lower case, `Self`, `_`): most
/// names (COM types, long method names) are settled here rather than against each keyword.
fn could_be_keyword(name: &str) -> bool {
    name.len() <= 8
        && name
            .as_bytes()
            .first()
            .is_some_and(|&b| b.is_ascii_lowercase() || b == b'S' || b == b'_')
}

/// Makes `name` a valid Rust identifier: `type` becomes `r#type`, `self` becomes `self_`.
pub fn rust_ident(name: &str) -> String {
    if !could_be_keyword(name) {
        name.to_string()
    } else if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// `GetRequestProperty` -> `get_request_property`; `strPropertyName` -> `str_property_name`.
pub fn snake(name: &str) -> String {
    cased(Case::Snake, name)
}

/// The spellings made of IDL names: the two heck makes, and methods' Rust names.
#[derive(Clone, Copy)]
enum Case {
    Snake = 0,
    Shouty = 1,
    Method = 2,
}

/// `name` in `case`, kept per thread: an interface's method names are asked for again for each
/// interface that derives from it, and heck's word splitting costs ~3,500 instructions a name
/// (a twentieth of mshtml.idl's generation before).
fn cased(case: Case, name: &str) -> String {
    use std::cell::RefCell;
    use std::collections::HashMap;
    /// Names kept per case, at most (the map then starts over).
    const MAX_KEPT: usize = 1 << 16;
    // Keyed by the front end's name hash (as its interner is): SipHash was a third of a
    // lookup here.
    type Seen = [HashMap<Box<str>, Box<str>, crate::idl::FastHash>; 3];
    thread_local! {
        static SEEN: RefCell<Seen> = RefCell::new(Default::default());
    }
    if let Some(done) = SEEN.with(|seen| {
        seen.borrow()[case as usize]
            .get(name)
            .map(|d| d.to_string())
    }) {
        return done;
    }
    // Made with the map released: a method's name asks for its snake case.
    let done = match case {
        Case::Snake => name.to_snake_case(),
        Case::Shouty => name.to_shouty_snake_case(),
        Case::Method => method_name_of(name),
    };
    SEEN.with(|seen| {
        let seen = &mut seen.borrow_mut()[case as usize];
        if seen.len() >= MAX_KEPT {
            seen.clear();
        }
        seen.insert(name.into(), done.as_str().into());
    });
    done
}

/// The Rust name of a snake_case item (method, parameter), keyword-safe.
pub fn method_name(name: &str) -> String {
    cased(Case::Method, name)
}

/// [`method_name`], made (a function of `name` alone, so [`cased`] keeps it).
fn method_name_of(name: &str) -> String {
    // Trailing underscores tell overloads apart (`GetPropertyValues__`); snake case drops them.
    let underscores = name.len() - name.trim_end_matches('_').len();
    let snake = snake(name);
    // An inherent `clone` would shadow `Clone::clone` of the interface pointer (IEnumX::Clone,
    // IStream::Clone): `e.clone()` would make a COM call instead of an AddRef.
    let suffix = if SHADOWING.contains(&snake.as_str()) {
        1
    } else {
        0
    };
    rust_ident(&format!("{snake}{}", "_".repeat(underscores + suffix)))
}

/// The Rust names of one interface's methods, in order: [`method_name`]s, each made unique
/// with trailing underscores where two IDL names fold to one (EventSys.Idl's `_NewEnum` and
/// `NewEnum` are both `get_new_enum`: the second is `get_new_enum_`).
pub fn method_names<'a>(
    methods: impl IntoIterator<Item = &'a crate::model::Method>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in methods {
        let mut name = method_name(&m.vtable_name());
        while out.contains(&name) {
            name = match name.strip_prefix("r#") {
                Some(bare) => format!("{bare}_"),
                None => format!("{name}_"),
            };
        }
        out.push(name);
    }
    out
}

/// Methods of the traits every interface struct implements (`Clone`, `PartialEq`, `Deref`,
/// `Debug`), which a generated method of the same name would shadow.
const SHADOWING: &[&str] = &["clone", "clone_from", "eq", "ne", "deref", "fmt"];

/// Type names keep their COM spelling (`ICertServerExit`), keyword-safe.
pub fn type_name(name: &str) -> String {
    rust_ident(name)
}

/// The name of a constant (`const`, enum value, `#define`), keyword-safe; names of the prelude's
/// values (`None`, `Some`, `Ok`, `Err`: xamlom.idl has an enum value `None`) get a trailing
/// underscore, or the generated code's own `None`s would name the constant.
pub fn value_name(name: &str) -> String {
    if matches!(name, "None" | "Some" | "Ok" | "Err") {
        format!("{name}_")
    } else {
        rust_ident(name)
    }
}

/// `SetContext` -> `SET_CONTEXT`, for associated constants.
pub fn shouty(name: &str) -> String {
    cased(Case::Shouty, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_rust_conventions() {
        assert_eq!(method_name("GetRequestProperty"), "get_request_property");
        assert_eq!(method_name("strPropertyName"), "str_property_name");
        assert_eq!(method_name("Type"), "r#type");
        assert_eq!(method_name("get_Name"), "get_name");
        assert_eq!(rust_ident("self"), "self_");
        assert_eq!(shouty("SetContext"), "SET_CONTEXT");
        assert_eq!(
            shouty("GetCertificateExtensionFlags"),
            "GET_CERTIFICATE_EXTENSION_FLAGS"
        );
    }

    /// The quick check lets every keyword through (else one would reach the output bare).
    #[test]
    fn the_quick_check_passes_every_keyword() {
        for k in KEYWORDS.iter().chain(NOT_RAW) {
            assert!(could_be_keyword(k), "{k}");
        }
        assert_eq!(rust_ident("type"), "r#type");
        assert_eq!(rust_ident("Self"), "Self_");
        assert_eq!(rust_ident("ICertServerExit"), "ICertServerExit");
        assert_eq!(rust_ident("get_request_property"), "get_request_property");
    }
}
