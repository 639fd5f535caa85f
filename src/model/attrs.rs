//! Reading attribute lists (`[object, uuid(...), dual]`) by name.

use super::Guid;
use crate::idl::ast::{AttrArg, Attribute, Expr};

/// A view over one declaration's attributes.
#[derive(Clone, Copy)]
pub struct Attrs<'a>(pub &'a [Attribute]);

impl<'a> Attrs<'a> {
    pub fn get(self, name: &str) -> Option<&'a Attribute> {
        self.0.iter().find(|a| a.name.name == name)
    }

    pub fn has(self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn names(self) -> Vec<String> {
        self.0.iter().map(|a| a.name.name.clone()).collect()
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
            AttrArg::Expr(Expr::Name(id)) => Some(id.name.clone()),
            AttrArg::Type(t) => match &t.spec {
                crate::idl::ast::TypeSpec::Named(id) => Some(id.name.clone()),
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
