//! The embedded base set: our own versions of the SDK's core IDL files, written in its style with
//! its names and layouts, found when neither the importing file's directory nor `-I` has them.
//! They appear in the source map as `<builtin>/NAME`.

pub(crate) struct BaseFile {
    pub name: &'static str,
    pub text: &'static str,
}

static FILES: &[BaseFile] = &[
    BaseFile {
        name: "wtypesbase.idl",
        text: include_str!("base/wtypesbase.idl"),
    },
    BaseFile {
        name: "wtypes.idl",
        text: include_str!("base/wtypes.idl"),
    },
    BaseFile {
        name: "unknwn.idl",
        text: include_str!("base/unknwn.idl"),
    },
    BaseFile {
        name: "objidl.idl",
        text: include_str!("base/objidl.idl"),
    },
    BaseFile {
        name: "oaidl.idl",
        text: include_str!("base/oaidl.idl"),
    },
];

/// The embedded file an import or include names, matched on its last path component with case
/// folded (`import "OAIdl.Idl"` and `import "sdk/oaidl.idl"` both find `oaidl.idl`).
pub(crate) fn find(name: &str) -> Option<&'static BaseFile> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    FILES.iter().find(|f| f.name.eq_ignore_ascii_case(last))
}

pub(crate) fn names() -> Vec<&'static str> {
    FILES.iter().map(|f| f.name).collect()
}
