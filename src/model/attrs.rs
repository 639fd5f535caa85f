//! Reading attribute lists (`[object, uuid(...), dual]`) by name.

use super::Guid;
use crate::idl::ast::{AttrArg, Attribute, Expr};

/// A view over one declaration's attributes.
#[derive(Clone, Copy)]
pub struct Attrs<'a>(pub &'a [Attribute]);

/// The attributes a method or parameter is resolved by, found in one pass over its list
/// ([`Attrs::flags`]) rather than one search each: methods and parameters are most of what a
/// large file declares.
#[derive(Clone, Copy, Default)]
pub struct Flags(u32);

impl Flags {
    pub const IN: u32 = 1;
    pub const OUT: u32 = 1 << 1;
    pub const RETVAL: u32 = 1 << 2;
    pub const LCID: u32 = 1 << 3;
    pub const OPTIONAL: u32 = 1 << 4;
    pub const DEFAULTVALUE: u32 = 1 << 5;
    /// `size_is`, `length_is`, `max_is`, `first_is`, `last_is`, `iid_is`, `string`.
    pub const SIZED: u32 = 1 << 6;
    pub const PROPGET: u32 = 1 << 7;
    pub const PROPPUT: u32 = 1 << 8;
    pub const PROPPUTREF: u32 = 1 << 9;
    pub const ID: u32 = 1 << 10;
    pub const RESTRICTED: u32 = 1 << 11;
    pub const HIDDEN: u32 = 1 << 12;
    pub const LOCAL: u32 = 1 << 13;
    pub const VARARG: u32 = 1 << 14;
    pub const CALL_AS: u32 = 1 << 15;
    pub const HELPSTRING: u32 = 1 << 16;

    fn of(name: &str) -> u32 {
        // By first letter, then by name: a few short comparisons, not one per name.
        let candidates: &[(&str, u32)] = match name.as_bytes().first() {
            Some(b'i') => &[
                ("in", Flags::IN),
                ("id", Flags::ID),
                ("iid_is", Flags::SIZED),
            ],
            Some(b'o') => &[("out", Flags::OUT), ("optional", Flags::OPTIONAL)],
            Some(b'r') => &[("retval", Flags::RETVAL), ("restricted", Flags::RESTRICTED)],
            Some(b'l') => &[
                ("lcid", Flags::LCID),
                ("local", Flags::LOCAL),
                ("length_is", Flags::SIZED),
                ("last_is", Flags::SIZED),
            ],
            Some(b'd') => &[("defaultvalue", Flags::DEFAULTVALUE)],
            Some(b's') => &[("size_is", Flags::SIZED), ("string", Flags::SIZED)],
            Some(b'm') => &[("max_is", Flags::SIZED)],
            Some(b'f') => &[("first_is", Flags::SIZED)],
            Some(b'p') => &[
                ("propget", Flags::PROPGET),
                ("propput", Flags::PROPPUT),
                ("propputref", Flags::PROPPUTREF),
            ],
            Some(b'h') => &[("hidden", Flags::HIDDEN), ("helpstring", Flags::HELPSTRING)],
            Some(b'v') => &[("vararg", Flags::VARARG)],
            Some(b'c') => &[("call_as", Flags::CALL_AS)],
            _ => &[],
        };
        candidates
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0, |&(_, flag)| flag)
    }

    pub fn has(self, flag: u32) -> bool {
        self.0 & flag != 0
    }
}

impl<'a> Attrs<'a> {
    /// The [`Flags`] attributes present.
    pub fn flags(self) -> Flags {
        Flags(self.0.iter().fold(0, |f, a| f | Flags::of(&a.name.name)))
    }

    pub fn get(self, name: &str) -> Option<&'a Attribute> {
        self.0.iter().find(|a| a.name.name == name)
    }

    pub fn has(self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn names(self) -> Vec<String> {
        self.0
            .iter()
            .map(|a| String::from(a.name.name.as_str()))
            .collect()
    }

    pub fn uuid(self) -> Option<Guid> {
        match self.get("uuid")?.args.first()? {
            AttrArg::Uuid(u) => Some(Guid {
                data1: u.data1,
                data2: u.data2,
                data3: u.data3,
                data4: u.data4,
            }),
            _ => None,
        }
    }

    pub fn string(self, name: &str) -> Option<String> {
        match self.get(name)?.args.first()? {
            AttrArg::Str(s) => Some(s.value.clone()),
            AttrArg::Expr(Expr::Str(s)) => Some(s.value.clone()),
            _ => None,
        }
    }

    /// The first argument as an expression (`id(5)`, `defaultvalue(-1)`, `lcid(0x409)`).
    pub fn expr(self, name: &str) -> Option<&'a Expr> {
        match self.get(name)?.args.first()? {
            AttrArg::Expr(e) => Some(e),
            _ => None,
        }
    }

    /// The first argument as a bare name (`call_as(Next)`).
    pub fn ident(self, name: &str) -> Option<String> {
        match self.get(name)?.args.first()? {
            AttrArg::Expr(Expr::Name(id)) => Some(String::from(id.name.as_str())),
            AttrArg::Type(t) => match &t.spec {
                crate::idl::ast::TypeSpec::Named(id) => Some(String::from(id.name.as_str())),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn version(self) -> Option<(u16, u16)> {
        match self.get("version")?.args.first()? {
            AttrArg::Version { major, minor, .. } => Some((*major, *minor)),
            AttrArg::Expr(Expr::Int(v, _)) => Some((u16::try_from(*v).ok()?, 0)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Flags;

    /// Every name a flag stands for, and none other (`idl` is not `id`, `inout` not `in`).
    #[test]
    fn flags_of_names() {
        let named = [
            ("in", Flags::IN),
            ("out", Flags::OUT),
            ("retval", Flags::RETVAL),
            ("lcid", Flags::LCID),
            ("optional", Flags::OPTIONAL),
            ("defaultvalue", Flags::DEFAULTVALUE),
            ("size_is", Flags::SIZED),
            ("length_is", Flags::SIZED),
            ("max_is", Flags::SIZED),
            ("first_is", Flags::SIZED),
            ("last_is", Flags::SIZED),
            ("iid_is", Flags::SIZED),
            ("string", Flags::SIZED),
            ("propget", Flags::PROPGET),
            ("propput", Flags::PROPPUT),
            ("propputref", Flags::PROPPUTREF),
            ("id", Flags::ID),
            ("restricted", Flags::RESTRICTED),
            ("hidden", Flags::HIDDEN),
            ("local", Flags::LOCAL),
            ("vararg", Flags::VARARG),
            ("call_as", Flags::CALL_AS),
            ("helpstring", Flags::HELPSTRING),
        ];
        for (name, flag) in named {
            assert_eq!(Flags::of(name), flag, "{name}");
        }
        for other in [
            "",
            "idl",
            "inout",
            "i",
            "uuid",
            "Propget",
            "helpcontext",
            "source",
        ] {
            assert_eq!(Flags::of(other), 0, "{other}");
        }
    }
}
