//! Names used before their declaration, as MIDL resolves them.
//!
//! MIDL reads a whole compilation before it resolves names: an interface may derive from
//! `IUnknown` with the `import "unknwn.idl";` that declares it inside its own body (the SDK's
//! RrasCfg.Idl, CertMod.Idl), and a typedef may name an interface that the file defines further
//! down (`typedef [unique] IMultiQI *LPMULTIQI;` in ObjIdlbase.Idl). idlgen resolves in file
//! order, so only when a name is not (yet) known does it look further:
//! 1. the imports still to come of every file being resolved are resolved now (hoisted);
//! 2. a declaration later in a file being resolved is taken ahead of its place: an interface,
//!    dispinterface or coclass as if forward-declared where it was first used (its definition
//!    fills the item in later, as after `interface IFoo;`), any other declaration (typedef,
//!    struct, union, enum and its values, const) resolved there and then, and skipped when the
//!    walk reaches it.
//!
//! Input that resolves in order is untouched by this: it runs only where the name would
//! otherwise be an error.

use std::collections::HashMap;

use crate::diag::FileId;
use crate::idl::ast;

/// What a later declaration declares a name as.
#[derive(Clone, Copy)]
pub(super) enum Later<'a> {
    /// An interface, dispinterface or coclass: declared forward where it is first used.
    Forward(ast::ForwardKind, &'a ast::Ident),
    /// Anything else: the item that declares it, resolved ahead of its place.
    Item(&'a ast::Item),
}

/// A file's declarations by name, in file order; the first declaration of a name wins.
#[derive(Default)]
pub(super) struct Declarations<'a> {
    pub types: HashMap<&'a str, Later<'a>>,
    pub constants: HashMap<&'a str, &'a ast::Item>,
}

impl<'a> Declarations<'a> {
    pub(super) fn of(file: &'a ast::File) -> Self {
        let mut d = Declarations::default();
        d.items(&file.items);
        d
    }

    fn items(&mut self, items: &'a [ast::Item]) {
        for item in items {
            self.item(item, item);
        }
    }

    /// Records what `item` declares; `top` is the item to resolve for it (the item itself, or
    /// for a declaration nested in an interface body, that declaration).
    fn item(&mut self, item: &'a ast::Item, top: &'a ast::Item) {
        use ast::ForwardKind as K;
        match item {
            ast::Item::Interface(i) => {
                self.forward(K::Interface, &i.name);
                for m in &i.body {
                    if let ast::InterfaceMember::Item(inner) = m {
                        self.item(inner, inner);
                    }
                }
            }
            ast::Item::Dispinterface(d) => self.forward(K::Dispinterface, &d.name),
            ast::Item::Coclass(c) => self.forward(K::Coclass, &c.name),
            ast::Item::Forward(f) => self.forward(f.kind, &f.name),
            ast::Item::Library(l) => self.items(&l.items),
            ast::Item::Typedef(t) => {
                self.spec(&t.base.spec, top);
                for d in &t.declarators {
                    self.types
                        .entry(d.name.name.as_str())
                        .or_insert(Later::Item(top));
                }
            }
            ast::Item::TypeDecl(a) => self.spec(&a.item, top),
            ast::Item::Const(c) => {
                self.constants.entry(c.name.name.as_str()).or_insert(top);
            }
            ast::Item::Import(_)
            | ast::Item::ImportLib(_)
            | ast::Item::CppQuote(_)
            | ast::Item::Pragma(_)
            | ast::Item::Module(_)
            | ast::Item::Function(_)
            | ast::Item::Extern(_) => {}
        }
    }

    /// An enum's values are constants its declaration defines.
    fn spec(&mut self, spec: &'a ast::TypeSpec, top: &'a ast::Item) {
        if let ast::TypeSpec::Enum(e) = spec {
            for v in e.values.iter().flatten() {
                self.constants.entry(v.name.name.as_str()).or_insert(top);
            }
        }
    }

    fn forward(&mut self, kind: ast::ForwardKind, name: &'a ast::Ident) {
        self.types
            .entry(name.name.as_str())
            .or_insert(Later::Forward(kind, name));
    }
}

/// The declarations of files being resolved, indexed once each.
#[derive(Default)]
pub(super) struct Ahead<'a> {
    files: HashMap<FileId, Declarations<'a>>,
    /// Items resolved ahead of their place, by address, with what they declared.
    pub done: HashMap<usize, Option<crate::model::TypeId>>,
    /// Items being resolved ahead right now (a name they need that leads back to them is an
    /// error, as in order).
    pub active: Vec<usize>,
}

impl<'a> Ahead<'a> {
    pub(super) fn declarations(&mut self, id: FileId, file: &'a ast::File) -> &Declarations<'a> {
        self.files
            .entry(id)
            .or_insert_with(|| Declarations::of(file))
    }
}

/// Every name an expression refers to.
pub(super) fn names_in(e: &ast::Expr, out: &mut Vec<ast::Ident>) {
    match e {
        ast::Expr::Int(..) | ast::Expr::Float(..) | ast::Expr::Str(_) | ast::Expr::SizeOf(..) => {}
        ast::Expr::Name(n) => out.push(n.clone()),
        ast::Expr::Unary(_, a, _) | ast::Expr::Cast(_, a, _) | ast::Expr::Member(a, _, _) => {
            names_in(a, out);
        }
        ast::Expr::Binary(_, a, b, _) => {
            names_in(a, out);
            names_in(b, out);
        }
        ast::Expr::Ternary(a, b, c, _) => {
            names_in(a, out);
            names_in(b, out);
            names_in(c, out);
        }
    }
}
