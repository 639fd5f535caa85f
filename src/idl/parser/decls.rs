//! Declarations: the file's items, interfaces and their methods, dispinterfaces, coclasses,
//! libraries, modules, typedefs, constants, imports and the pass-through items (`cpp_quote`,
//! `midl_pragma`, `#pragma midl_echo`).

use std::borrow::Cow;

use nom::Parser;
use nom::multi::separated_list1;

use super::attrs::opt_attrs;
use super::exprs::expr;
use super::types::{self, Names, declarator, params, pointers, starts_type, type_spec};
use super::{CALLCONV, Input, PResult, close, enter, expect, fail, ident, kw, punct};
use crate::diag::Span;
use crate::idl::ast::{
    Attribute, Attributed, Coclass, CoclassMember, Const, Declarator, Dispinterface,
    DispinterfaceBody, Extern, Forward, ForwardKind, Ident, Interface, InterfaceMember, Item,
    Library, Method, Module, StrLit, TypeRef, Typedef,
};
use crate::idl::lexer::{P, Tok};

/// Where an item stands, which decides what may appear and how errors read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    File,
    Library,
    Interface,
    Module,
}

impl Scope {
    fn expected(self) -> &'static str {
        match self {
            Scope::File => "a declaration",
            Scope::Library => "a declaration or `}`",
            Scope::Interface => "a method declaration or `}`",
            Scope::Module => "a function, a constant or `}`",
        }
    }
}

/// The whole file: items to the end of input.
pub(crate) fn file(i: Input<'_>) -> PResult<'_, Vec<Item>> {
    items(i, Scope::File, "")
}

/// Items up to the end of input (file scope) or up to and including `}` (`what` names the body).
fn items<'a>(mut i: Input<'a>, scope: Scope, what: &str) -> PResult<'a, Vec<Item>> {
    // Grown as needed: counting a body's members ahead (a scan of all its tokens) cost more
    // than the few regrowths of a typical interface's.
    let mut out = Vec::new();
    loop {
        if scope != Scope::File && i.is_punct(P::RBrace) {
            return Ok((i.advance(1), out));
        }
        if i.at_eof() {
            if scope == Scope::File {
                return Ok((i, out));
            }
            return fail(i, &format!("`}}` to close {what}"));
        }
        let (rest, item) = item(i, scope)?;
        out.extend(item);
        i = rest;
    }
}

/// One item; `None` for a stray `;`. Always consumes input or fails.
fn item(i: Input<'_>, scope: Scope) -> PResult<'_, Option<Item>> {
    let Some(t) = i.peek() else {
        return fail(i, scope.expected());
    };
    match t.tok {
        Tok::Pragma(text) => {
            let value = StrLit {
                value: i.text(text).to_string(),
                span: t.span,
            };
            return Ok((i.advance(1), Some(Item::Pragma(value))));
        }
        Tok::Punct(P::Semi) => return Ok((i.advance(1), None)),
        Tok::Ident(word) => match i.text(word) {
            "import" => return import(i).map(|(i, it)| (i, Some(it))),
            "importlib" => return importlib(i).map(|(i, it)| (i, Some(it))),
            "cpp_quote" => return cpp_quote(i).map(|(i, it)| (i, Some(it))),
            "midl_pragma" => return midl_pragma(i).map(|(i, it)| (i, Some(it))),
            _ => {}
        },
        _ => {}
    }
    let start = i.here();
    let (i, attrs) = opt_attrs(i)?;
    attributed(i, attrs, start, scope).map(|(i, it)| (i, Some(it)))
}

fn attributed(i: Input<'_>, attrs: Vec<Attribute>, start: Span, scope: Scope) -> PResult<'_, Item> {
    let i = skip_declspec(i);
    let word = i.ident_at(0).unwrap_or("");
    let nested = scope == Scope::Interface || scope == Scope::Module;
    match word {
        "interface" | "dispinterface" | "coclass" | "library" | "module" if nested => {
            fail(i, scope.expected())
        }
        "library" if scope == Scope::Library => fail(i, scope.expected()),
        "interface" => interface(i, attrs, start),
        "dispinterface" => dispinterface(i, attrs, start),
        "coclass" => coclass(i, attrs, start),
        "library" => library(i, attrs, start),
        "module" => module(i, attrs, start),
        "typedef" => typedef(i, attrs, start),
        // `const TYPE *Method(...)` in an interface returns a const pointer; otherwise `const`
        // starts a constant.
        // (at file scope too: wincrypt.h's `const void * WINAPI CertCreateContext(...)`).
        "const" if const_method(i) => {
            let (rest, ty) = type_spec(i)?;
            let (rest, m) = function_rest(rest, attrs, ty, start, scope)?;
            Ok((rest, Item::Function(m)))
        }
        "const" | "static" => constant(i, start),
        "extern" => extern_decl(i, start),
        "namespace" | "runtimeclass" | "apicontract" | "delegate" | "declare" => winrt(i, word),
        "struct" | "union" | "enum" => {
            let (rest, ty) = type_spec(i)?;
            if rest.is_punct(P::Semi) {
                let decl = Attributed {
                    attrs,
                    item: ty.spec,
                };
                return Ok((rest.advance(1), Item::TypeDecl(decl)));
            }
            let (rest, m) = function_rest(rest, attrs, ty, start, scope)?;
            Ok((rest, Item::Function(m)))
        }
        _ if starts_type(i) => {
            let (rest, ty) = type_spec(i)?;
            let (rest, m) = function_rest(rest, attrs, ty, start, scope)?;
            Ok((rest, Item::Function(m)))
        }
        _ => fail(i, scope.expected()),
    }
}

/// After a function's return type: `[*] [CALLCONV] NAME ( PARAMS ) ;`.
fn function_rest<'a>(
    i: Input<'a>,
    attrs: Vec<Attribute>,
    mut ret: TypeRef,
    start: Span,
    scope: Scope,
) -> PResult<'a, Method> {
    let kind = if scope == Scope::Interface {
        "method"
    } else {
        "function"
    };
    let (i, ptrs) = pointers(i)?;
    ret.pointers = ptrs;
    ret.span = ret.span.to(i.prev_span());
    // C headers' `HRESULT __declspec(dllimport) __stdcall F(...)`: the storage class and the
    // calling convention, in either order.
    let mut i = skip_declspec(i);
    let mut callconv = None;
    while let Some(t) = i.peek()
        && let Some(word) = i.word_of_class(0, CALLCONV)
    {
        callconv.get_or_insert(Ident {
            name: word.into(),
            span: t.span,
        });
        i = skip_declspec(i.advance(1));
    }
    let (i, name) = match ident(i) {
        Ok(ok) => ok,
        Err(nom::Err::Error(_)) => return fail(i, &format!("a {kind} name")),
        Err(e) => return Err(e),
    };
    if !i.is_punct(P::LParen) {
        let (i, _) = close(
            P::LParen,
            format_args!("after {kind} name `{}`", name.name),
            i,
        )?;
        return fail(i, "a parameter list");
    }
    let (i, (params, variadic)) = params(i)?;
    let span = start.to(i.prev_span());
    let (i, _) = close(P::Semi, format_args!("after {kind} declaration"), i)?;
    Ok((
        i,
        Method {
            attrs,
            ret,
            callconv,
            name,
            params,
            variadic,
            span,
        },
    ))
}

/// A string token on its own (no joining of neighbours: `import "a.idl", "b.idl"`).
fn file_name(i: Input<'_>) -> PResult<'_, StrLit> {
    match i.peek() {
        Some(t) => match t.tok {
            Tok::Str { value, .. } => Ok((
                i.advance(1),
                StrLit {
                    value: String::from(i.text(value)),
                    span: t.span,
                },
            )),
            _ => super::no(i),
        },
        None => super::no(i),
    }
}

fn import(i: Input<'_>) -> PResult<'_, Item> {
    let (i, _) = kw("import")(i)?;
    let (i, names) =
        separated_list1(punct(P::Comma), expect("a file name in quotes", file_name)).parse(i)?;
    let (i, _) = close(P::Semi, "after import", i)?;
    Ok((i, Item::Import(names)))
}

fn importlib(i: Input<'_>) -> PResult<'_, Item> {
    let (i, _) = kw("importlib")(i)?;
    let (i, _) = close(P::LParen, "after `importlib`", i)?;
    let (i, name) = expect("a type library file name in quotes", file_name)(i)?;
    let (i, _) = close(P::RParen, "to close `importlib(`", i)?;
    let (i, _) = close(P::Semi, "after importlib", i)?;
    Ok((i, Item::ImportLib(name)))
}

fn cpp_quote(i: Input<'_>) -> PResult<'_, Item> {
    let (i, _) = kw("cpp_quote")(i)?;
    let (i, _) = close(P::LParen, "after `cpp_quote`", i)?;
    let (i, text) = expect("a string", super::string)(i)?;
    let (i, _) = close(P::RParen, "to close `cpp_quote(`", i)?;
    let i = if i.is_punct(P::Semi) { i.advance(1) } else { i };
    Ok((i, Item::CppQuote(text)))
}

/// `midl_pragma warning (disable: 2111)`, kept as its text.
fn midl_pragma(i: Input<'_>) -> PResult<'_, Item> {
    let (i, start) = kw("midl_pragma")(i)?;
    let (mut i, _) = expect("`warning`", kw("warning"))(i)?;
    let (rest, _) = close(P::LParen, "after `midl_pragma warning`", i)?;
    let mut text = String::from("warning(");
    i = rest;
    loop {
        let Some(t) = i.peek() else {
            return fail(i, "`)` to close `midl_pragma warning(`");
        };
        if t.is_punct(P::RParen) {
            text.push(')');
            i = i.advance(1);
            break;
        }
        if t.space_before && !text.ends_with('(') {
            text.push(' ');
        }
        match t.spelling(i.ctx.names) {
            Some(s) => text.push_str(s),
            None => return fail(i, "a warning number or `)`"),
        }
        i = i.advance(1);
    }
    let span = start.to(i.prev_span());
    let i = if i.is_punct(P::Semi) { i.advance(1) } else { i };
    Ok((i, Item::Pragma(StrLit { value: text, span })))
}

fn interface(i: Input<'_>, attrs: Vec<Attribute>, start: Span) -> PResult<'_, Item> {
    let (i, _) = kw("interface")(i)?;
    let (i, name) = expect("an interface name", ident)(i)?;
    if i.is_punct(P::Semi) {
        let kind = ForwardKind::Interface;
        return Ok((i.advance(1), Item::Forward(Forward { kind, name })));
    }
    let (i, base) = if i.is_punct(P::Colon) {
        let (i, b) = expect("a base interface name", ident)(i.advance(1))?;
        (i, Some(b))
    } else {
        (i, None)
    };
    if !i.is_punct(P::LBrace) {
        let what = if base.is_some() {
            "`{`"
        } else {
            "`:`, `{` or `;`"
        };
        return fail(i, &format!("{what} after interface `{}`", name.name));
    }
    let _d = enter(i)?;
    let what = format!("interface `{}`", name.name);
    let (i, members) = items(i.advance(1), Scope::Interface, &what)?;
    let body = members
        .into_iter()
        .map(|it| match it {
            Item::Function(m) => InterfaceMember::Method(m),
            other => InterfaceMember::Item(other),
        })
        .collect();
    let span = start.to(i.prev_span());
    let i = skip_semi(i);
    Ok((
        i,
        Item::Interface(Interface {
            attrs,
            name,
            base,
            body,
            span,
        }),
    ))
}

fn skip_semi(i: Input<'_>) -> Input<'_> {
    if i.is_punct(P::Semi) { i.advance(1) } else { i }
}

/// `NAME:` section headings in a dispinterface.
fn heading(i: Input<'_>, name: &str) -> bool {
    i.is_ident(name) && i.peek_at(1).is_some_and(|t| t.is_punct(P::Colon))
}

fn dispinterface(i: Input<'_>, attrs: Vec<Attribute>, start: Span) -> PResult<'_, Item> {
    let (i, _) = kw("dispinterface")(i)?;
    let (i, name) = expect("a dispinterface name", ident)(i)?;
    if i.is_punct(P::Semi) {
        let kind = ForwardKind::Dispinterface;
        return Ok((i.advance(1), Item::Forward(Forward { kind, name })));
    }
    let (mut i, _) = close(
        P::LBrace,
        format_args!("after dispinterface `{}`", name.name),
        i,
    )?;
    let _d = enter(i)?;
    let body = if i.is_ident("interface") {
        let (rest, iface) = expect("an interface name", ident)(i.advance(1))?;
        let (rest, _) = close(P::Semi, "after the interface name", rest)?;
        i = rest;
        DispinterfaceBody::Interface(iface)
    } else {
        let mut properties = Vec::new();
        let mut methods = Vec::new();
        if heading(i, "properties") {
            i = i.advance(2);
            while !heading(i, "methods") && !i.is_punct(P::RBrace) {
                let (rest, mut fields) = match types::property(i) {
                    Ok(ok) => ok,
                    Err(nom::Err::Error(_)) => {
                        return fail(i, "a property declaration, `methods:` or `}`");
                    }
                    Err(e) => return Err(e),
                };
                properties.append(&mut fields);
                i = rest;
            }
        }
        if heading(i, "methods") {
            i = i.advance(2);
            while !i.is_punct(P::RBrace) {
                let start = i.here();
                let (rest, attrs) = opt_attrs(i)?;
                if !starts_type(rest) {
                    return fail(rest, "a method declaration or `}`");
                }
                let (rest, ret) = type_spec(rest)?;
                let (rest, m) = function_rest(rest, attrs, ret, start, Scope::Interface)?;
                methods.push(m);
                i = rest;
            }
        }
        DispinterfaceBody::Members {
            properties,
            methods,
        }
    };
    let (i, _) = close(
        P::RBrace,
        format_args!("to close dispinterface `{}`", name.name),
        i,
    )?;
    let span = start.to(i.prev_span());
    let i = skip_semi(i);
    Ok((
        i,
        Item::Dispinterface(Dispinterface {
            attrs,
            name,
            body,
            span,
        }),
    ))
}

fn coclass(i: Input<'_>, attrs: Vec<Attribute>, start: Span) -> PResult<'_, Item> {
    let (i, _) = kw("coclass")(i)?;
    let (i, name) = expect("a coclass name", ident)(i)?;
    if i.is_punct(P::Semi) {
        let kind = ForwardKind::Coclass;
        return Ok((i.advance(1), Item::Forward(Forward { kind, name })));
    }
    let (mut i, _) = close(P::LBrace, format_args!("after coclass `{}`", name.name), i)?;
    let mut interfaces = Vec::new();
    while !i.is_punct(P::RBrace) {
        let (rest, member_attrs) = opt_attrs(i)?;
        let is_dispinterface = rest.is_ident("dispinterface");
        if !is_dispinterface && !rest.is_ident("interface") {
            return fail(
                rest,
                &format!(
                    "`interface`, `dispinterface` or `}}` in coclass `{}`",
                    name.name
                ),
            );
        }
        let (rest, member) = expect("an interface name", ident)(rest.advance(1))?;
        let (rest, _) = close(P::Semi, "after coclass member", rest)?;
        interfaces.push(CoclassMember {
            attrs: member_attrs,
            is_dispinterface,
            name: member,
        });
        i = rest;
    }
    let span = start.to(i.here());
    let i = skip_semi(i.advance(1));
    Ok((
        i,
        Item::Coclass(Coclass {
            attrs,
            name,
            interfaces,
            span,
        }),
    ))
}

fn library(i: Input<'_>, attrs: Vec<Attribute>, start: Span) -> PResult<'_, Item> {
    let (i, _) = kw("library")(i)?;
    let (i, name) = expect("a library name", ident)(i)?;
    let (i, _) = close(P::LBrace, format_args!("after library `{}`", name.name), i)?;
    let _d = enter(i)?;
    let what = format!("library `{}`", name.name);
    let (i, items) = items(i, Scope::Library, &what)?;
    let span = start.to(i.prev_span());
    let i = skip_semi(i);
    Ok((
        i,
        Item::Library(Library {
            attrs,
            name,
            items,
            span,
            implicit_imports: false,
        }),
    ))
}

fn module(i: Input<'_>, attrs: Vec<Attribute>, start: Span) -> PResult<'_, Item> {
    let (i, _) = kw("module")(i)?;
    let (i, name) = expect("a module name", ident)(i)?;
    let (i, _) = close(P::LBrace, format_args!("after module `{}`", name.name), i)?;
    let _d = enter(i)?;
    let what = format!("module `{}`", name.name);
    let (i, items) = items(i, Scope::Module, &what)?;
    let span = start.to(i.prev_span());
    let i = skip_semi(i);
    Ok((
        i,
        Item::Module(Module {
            attrs,
            name,
            items,
            span,
        }),
    ))
}

/// `typedef [attrs] TYPE declarator, declarator;` (attributes may also stand before `typedef`).
fn typedef(i: Input<'_>, mut attrs: Vec<Attribute>, start: Span) -> PResult<'_, Item> {
    let (i, _) = kw("typedef")(i)?;
    let (i, mut more) = opt_attrs(i)?;
    attrs.append(&mut more);
    let (mut i, base) = expect("a type", type_spec)(i)?;
    let mut declarators = Vec::new();
    loop {
        let (rest, d) = declarator(i, Cow::Borrowed(&base), Names::Required, true)?;
        if let Some(name) = d.name {
            declarators.push(Declarator {
                name,
                ty: d.ty,
                function: d.function,
            });
        }
        match rest.peek() {
            Some(t) if t.is_punct(P::Comma) => i = rest.advance(1),
            _ => {
                i = rest;
                break;
            }
        }
    }
    let span = start.to(i.prev_span());
    let (i, _) = close(P::Semi, "after typedef", i)?;
    Ok((
        i,
        Item::Typedef(Typedef {
            attrs,
            base,
            declarators,
            span,
        }),
    ))
}

/// Skips Microsoft C's `__declspec(...)` storage classes (`__declspec(dllimport)` in the SDK's
/// C headers' function declarations), which mean nothing to an interface definition.
fn skip_declspec(mut i: Input<'_>) -> Input<'_> {
    while i.ident_at(0) == Some("__declspec") && i.peek_at(1).is_some_and(|t| t.is_punct(P::LParen))
    {
        let mut depth = 0usize;
        let mut n = 1;
        while let Some(t) = i.peek_at(n) {
            n += 1;
            if t.is_punct(P::LParen) {
                depth += 1;
            } else if t.is_punct(P::RParen) {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
        }
        i = i.advance(n);
    }
    i
}

/// Whether `const TYPE [*...] [CALLCONV] NAME (` follows: a function returning a const type.
fn const_method(i: Input<'_>) -> bool {
    let Ok((rest, _)) = type_spec(i) else {
        return false;
    };
    let Ok((rest, _)) = pointers(rest) else {
        return false;
    };
    let mut rest = skip_declspec(rest);
    while rest.word_of_class(0, CALLCONV).is_some() {
        rest = skip_declspec(rest.advance(1));
    }
    rest.ident_at(0).is_some() && rest.peek_at(1).is_some_and(|t| t.is_punct(P::LParen))
}

/// `extern TYPE NAME;` (widl accepts it; Wine's objidl.idl declares FMTIDs so).
fn extern_decl(i: Input<'_>, start: Span) -> PResult<'_, Item> {
    let (i, _) = kw("extern")(i)?;
    let (i, base) = expect("a type", type_spec)(i)?;
    let (i, d) = declarator(i, Cow::Borrowed(&base), Names::Required, false)?;
    let Some(name) = d.name else {
        return fail(i, "a name");
    };
    let span = start.to(i.prev_span());
    let (i, _) = close(P::Semi, "after extern declaration", i)?;
    Ok((
        i,
        Item::Extern(Extern {
            ty: d.ty,
            name,
            span,
        }),
    ))
}

/// The Windows Runtime dialect (MIDL 3 and widl's `winrt` mode) is not supported: one clear
/// error at its first construct.
fn winrt<'a, O>(i: Input<'a>, word: &str) -> PResult<'a, O> {
    let what = match word {
        "namespace" => "a WinRT namespace",
        "runtimeclass" => "a WinRT runtime class",
        "apicontract" => "a WinRT API contract",
        "delegate" => "a WinRT delegate",
        _ => "a WinRT parameterized type declaration",
    };
    Err(nom::Err::Failure(
        super::PError::new(
            i.here(),
            format!("`{word}` is {what} (Windows Runtime IDL), which idlgen does not support"),
        )
        .label("WinRT construct")
        .note(
            "only classic COM IDL is supported: interfaces, dispinterfaces, coclasses, libraries",
        ),
    ))
}

/// `const TYPE NAME = VALUE;`, MIDL's arrays of characters, `const WCHAR NAME[] = L"...";`, and
/// `static TYPE NAME = VALUE;` (MMC.Idl's `static LPOLESTR MMC_CALLBACK = (LPOLESTR)(-1);`),
/// which MIDL takes as a constant too.
fn constant(i: Input<'_>, start: Span) -> PResult<'_, Item> {
    let (i, _) = if i.ident_at(0) == Some("static") {
        kw("static")(i)?
    } else {
        kw("const")(i)?
    };
    let (i, mut ty) = expect("a type", type_spec)(i)?;
    let (i, ptrs) = pointers(i)?;
    ty.pointers = ptrs;
    let (i, name) = expect("a constant name", ident)(i)?;
    let (i, ()) = super::types::array_dims(i, &mut ty.arrays)?;
    ty.span = ty.span.to(i.prev_span());
    let (i, _) = close(P::Assign, "in constant declaration", i)?;
    let (i, value) = expect("a value", expr)(i)?;
    let span = start.to(i.prev_span());
    let (i, _) = close(P::Semi, "after constant declaration", i)?;
    i.declare_constant(&name.name);
    Ok((
        i,
        Item::Const(Const {
            ty,
            name,
            value,
            span,
        }),
    ))
}
