//! The known attributes (MIDL's, plus those widl and real SDK files use) and the argument form
//! each takes. The parser reads an attribute's arguments by its form, so `uuid(...)` may be
//! unquoted, `helpstring` must be a string, and an unknown name is an error.

use std::collections::HashMap;

use super::FastHash;

/// What goes between an attribute's parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// No arguments: `[in]`, `[dual]`.
    Flag,
    /// Either nothing or one expression: `[lcid]` on a parameter, `lcid(0x409)` on a library.
    OptExpr,
    /// A uuid, unquoted or quoted: `uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c)`.
    Uuid,
    /// One string: `helpstring("...")`.
    Str,
    /// One or more strings: `endpoint("ncacn_np:[\\pipe\\x]", "ncalrpc:[x]")`.
    Strs,
    /// One integer constant expression: `id(5)`, `helpcontext(0x10)`.
    Expr,
    /// Expressions separated by commas, any of them empty: `size_is(, *pcb)`, `case(1, 2)`.
    Exprs,
    /// Exactly two expressions: `range(0, 16384)`.
    Range,
    /// One value of any kind, strings included: `defaultvalue("x")`, `defaultvalue(-1)`.
    Value,
    /// `version(1.0)`.
    Version,
    /// One type: `switch_type(unsigned short)`, `wire_marshal(wireBSTR)`.
    Type,
    /// One name, from the list if the list is not empty: `pointer_default(unique)`.
    Name(&'static [&'static str]),
    /// Names separated by commas: `allocate(all_nodes, dont_free)`.
    Names,
    /// `custom(GUID, value)`.
    Custom,
    /// A string or an expression: `entry("Name")` or `entry(12)`.
    StrOrExpr,
    /// `implicit_handle(handle_t hBinding)`: a type and a name.
    TypeAndName,
}

impl Form {
    /// How the form reads in "attribute `x` takes ..." messages.
    pub fn describe(self) -> &'static str {
        match self {
            Form::Flag => "no arguments",
            Form::OptExpr => "an optional integer expression",
            Form::Uuid => "a uuid like `00000000-0000-0000-C000-000000000046`",
            Form::Str => "a string",
            Form::Strs => "one or more strings",
            Form::Expr => "an integer expression",
            Form::Exprs => "expressions separated by commas",
            Form::Range => "two expressions, the lowest and highest value",
            Form::Value => "a constant value",
            Form::Version => "a version like `1.0`",
            Form::Type => "a type",
            Form::Name(_) => "a name",
            Form::Names => "names separated by commas",
            Form::Custom => "a uuid and a value",
            Form::StrOrExpr => "a string or an integer expression",
            Form::TypeAndName => "a type and a name",
        }
    }
}

use Form::*;

const POINTER_KINDS: &[&str] = &["ref", "unique", "ptr"];
const THREADING: &[&str] = &["apartment", "neutral", "single", "free", "both", "mta"];
const MARSHALING: &[&str] = &["agile", "none", "standard"];

/// Every attribute we accept, alphabetically.
static ATTRIBUTES: &[(&str, Form)] = &[
    ("aggregatable", Flag),
    ("allocate", Names),
    ("annotation", Strs),
    ("appobject", Flag),
    ("async", Flag),
    ("async_uuid", Uuid),
    ("auto_handle", Flag),
    ("bindable", Flag),
    ("broadcast", Flag),
    ("byte_count", Expr),
    ("call_as", Name(&[])),
    ("callback", Flag),
    ("case", Exprs),
    ("code", Flag),
    ("comm_status", Flag),
    ("context_handle", Flag),
    ("context_handle_noserialize", Flag),
    ("context_handle_serialize", Flag),
    ("control", Flag),
    ("cs_char", Type),
    ("cs_drtag", Flag),
    ("cs_rtag", Flag),
    ("cs_stag", Flag),
    ("cs_tag_rtn", Name(&[])),
    ("custom", Custom),
    ("decode", Flag),
    ("default", Flag),
    ("defaultbind", Flag),
    ("defaultcollelem", Flag),
    ("defaultvalue", Value),
    ("defaultvtable", Flag),
    ("disable_consistency_check", Flag),
    ("dispinterface", Flag),
    ("displaybind", Flag),
    ("dllname", Str),
    ("dual", Flag),
    ("enable_allocate", Flag),
    ("encode", Flag),
    ("endpoint", Strs),
    ("entry", StrOrExpr),
    ("explicit_handle", Flag),
    ("fault_status", Flag),
    ("first_is", Exprs),
    ("force_allocate", Flag),
    ("handle", Flag),
    ("helpcontext", Expr),
    ("helpfile", Str),
    ("helpstring", Str),
    ("helpstringcontext", Expr),
    ("helpstringdll", Str),
    ("hidden", Flag),
    ("id", Expr),
    ("idempotent", Flag),
    ("ignore", Flag),
    ("iid_is", Expr),
    ("immediatebind", Flag),
    ("implicit_handle", TypeAndName),
    ("in", Flag),
    ("input_sync", Flag),
    ("last_is", Exprs),
    ("lcid", OptExpr),
    ("length_is", Exprs),
    ("licensed", Flag),
    ("local", Flag),
    ("marshaling_behavior", Name(MARSHALING)),
    ("max_is", Exprs),
    ("maybe", Flag),
    ("message", Flag),
    ("min_is", Exprs),
    ("ms_union", Flag),
    ("nocode", Flag),
    ("nonbrowsable", Flag),
    ("noncreatable", Flag),
    ("nonextensible", Flag),
    ("notify", Flag),
    ("notify_flag", Flag),
    ("object", Flag),
    ("odl", Flag),
    ("oleautomation", Flag),
    ("optimize", Str),
    ("optional", Flag),
    ("out", Flag),
    ("partial_ignore", Flag),
    ("pointer_default", Name(POINTER_KINDS)),
    ("predeclid", Flag),
    ("progid", Str),
    ("propget", Flag),
    ("propput", Flag),
    ("propputref", Flag),
    ("proxy", Flag),
    ("ptr", Flag),
    ("public", Flag),
    ("range", Range),
    ("readonly", Flag),
    ("ref", Flag),
    ("replaceable", Flag),
    ("represent_as", Type),
    ("requestedit", Flag),
    ("restricted", Flag),
    ("retval", Flag),
    ("size_is", Exprs),
    ("source", Flag),
    ("strict_context_handle", Flag),
    ("string", Flag),
    ("switch_is", Expr),
    ("switch_type", Type),
    ("system_handle", Exprs),
    ("threading", Name(THREADING)),
    ("transmit_as", Type),
    ("uidefault", Flag),
    ("unique", Flag),
    ("user_marshal", Type),
    ("usesgetlasterror", Flag),
    ("uuid", Uuid),
    ("v1_enum", Flag),
    ("vararg", Flag),
    ("version", Version),
    ("vi_progid", Str),
    ("wire_marshal", Type),
];

/// Where an attribute stands in the table (its form: [`form_at`]), or `None` for an unknown
/// one.
pub(crate) fn index(name: &str) -> Option<usize> {
    // Hashed once, not a binary search's ~8 string compares: mshtml.idl alone has ~90K
    // attributes.
    static TABLE: std::sync::LazyLock<HashMap<&str, usize, FastHash>> =
        std::sync::LazyLock::new(|| {
            (ATTRIBUTES.iter().enumerate())
                .map(|(k, a)| (a.0, k))
                .collect()
        });
    TABLE.get(name).copied()
}

/// The form of the attribute at `index` in the table.
pub(crate) fn form_at(index: usize) -> Option<Form> {
    ATTRIBUTES.get(index).map(|a| a.1)
}

/// A known attribute close to an unknown name, for "did you mean".
pub(crate) fn suggest(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if let Some(&(n, _)) = ATTRIBUTES.iter().find(|(n, _)| *n == lower) {
        return Some(n);
    }
    ATTRIBUTES
        .iter()
        .map(|(n, _)| (edit_distance(&lower, n), *n))
        .filter(|(d, n)| *d <= 2 && *d < n.len() / 2 + 1)
        .min()
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(ATTRIBUTES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn suggests_near_names() {
        assert_eq!(suggest("helpstrin"), Some("helpstring"));
        assert_eq!(suggest("fooo"), None);
        assert_eq!(suggest("UUID"), Some("uuid"));
    }
}
