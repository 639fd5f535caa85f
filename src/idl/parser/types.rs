//! Types as written: specifiers (base types, names, struct/union/enum, `SAFEARRAY(T)`), the
//! declarators that follow them (pointers, names, array bounds, function pointers), and parameter
//! lists.

use nom::Err;

use super::attrs::opt_attrs;
use super::exprs::expr;
use super::{
    BUILTIN, CALLCONV, CONST, Input, PError, PResult, QUALIFIER, RESERVED, TYPE_WORD, close, enter,
    expect, fail, fail_at, ident, is_reserved, kw, no,
};
use std::borrow::Cow;

use crate::diag::Span;
use crate::idl::ast::{
    ArrayDim, AttrArg, Attribute, BaseType, CaseLabel, EnumDef, EnumValue, Expr, Field,
    FunctionPointer, FunctionType, Ident, Param, PointerLevel, Pointers, StructDef, TypeRef,
    TypeSpec, UnionArm, UnionDef, UnionSwitch,
};
use crate::idl::lexer::P;

/// Calling conventions, written between a return type and a function's name.
pub(crate) const CALLCONVS: &[&str] = &[
    "__stdcall",
    "_stdcall",
    "__cdecl",
    "_cdecl",
    "__fastcall",
    "_fastcall",
    "__pascal",
    "_pascal",
    "__thiscall",
    "__vectorcall",
    "STDMETHODCALLTYPE",
    "STDMETHODVCALLTYPE",
    "STDAPICALLTYPE",
    "STDAPIVCALLTYPE",
    "WINAPI",
    "WINAPIV",
    "APIENTRY",
    "CALLBACK",
    "PASCAL",
    "CDECL",
    "NTAPI",
    "__RPC_API",
    "__RPC_USER",
    "__RPC_CALLEE",
    "__RPC_STUB",
    "RPC_ENTRY",
    "RPC_VAR_ENTRY",
];

/// Words that qualify pointers or types in C headers and old IDL but mean nothing to us.
pub(crate) const IGNORED_QUALIFIERS: &[&str] = &[
    "__RPC_FAR",
    "__RPC_NEAR",
    "__RPC_HUGE",
    "__far",
    "_far",
    "far",
    "FAR",
    "__near",
    "_near",
    "near",
    "NEAR",
    "__huge",
    "_huge",
    "__ptr32",
    "__ptr64",
    "__unaligned",
    "UNALIGNED",
    "__restrict",
    "volatile",
    "__RPC_unique_pointer",
    "__RPC_ref_pointer",
    "__RPC_string",
];

/// Words that make up C's built-in types (`unsigned long int`).
pub(crate) const BUILTIN_WORDS: &[&str] = &[
    "signed",
    "unsigned",
    "void",
    "char",
    "short",
    "int",
    "long",
    "hyper",
    "float",
    "double",
    "boolean",
    "byte",
    "small",
    "wchar_t",
    "__int8",
    "__int16",
    "__int32",
    "__int64",
    "__int3264",
    "handle_t",
    "error_status_t",
];

/// A list of words with the lengths and first bytes of its words, so that most words not in it
/// (type and parameter names, tested several times each) are told so without comparing.
struct Words {
    list: &'static [&'static str],
    /// Bit `n` for a word of length `n` (63: longer).
    lengths: u64,
    /// Bit `b` for a word starting with ASCII byte `b`.
    firsts: u128,
}

impl Words {
    const fn new(list: &'static [&'static str]) -> Words {
        let mut lengths = 0u64;
        let mut firsts = 0u128;
        let mut k = 0;
        while k < list.len() {
            let word = list[k].as_bytes();
            let len = if word.len() < 63 { word.len() } else { 63 };
            lengths |= 1 << len;
            firsts |= 1 << (word[0] & 127);
            k += 1;
        }
        Words {
            list,
            lengths,
            firsts,
        }
    }

    fn contains(&self, word: &str) -> bool {
        let Some(&first) = word.as_bytes().first() else {
            return false;
        };
        first < 128
            && self.firsts & (1 << first) != 0
            && self.lengths & (1 << word.len().min(63)) != 0
            && self.list.contains(&word)
    }
}

static CALLCONV_WORDS: Words = Words::new(CALLCONVS);
static QUALIFIER_WORDS: Words = Words::new(IGNORED_QUALIFIERS);
static BUILTIN_TYPE_WORDS: Words = Words::new(BUILTIN_WORDS);

pub(crate) fn is_callconv(name: &str) -> bool {
    CALLCONV_WORDS.contains(name)
}

pub(crate) fn is_qualifier(name: &str) -> bool {
    QUALIFIER_WORDS.contains(name)
}

/// Whether a word is one of C's built-in type words (`unsigned`, `long`, `__int64`...).
pub(crate) fn is_builtin_word(name: &str) -> bool {
    BUILTIN_TYPE_WORDS.contains(name)
}

/// The class bits of the words that begin a type that needs no declaration (for telling casts
/// from parentheses): built-in type words, `struct`, `union`, `enum`, `const`, `SAFEARRAY`.
pub(crate) const STARTS_BUILTIN_TYPE: u8 = BUILTIN | TYPE_WORD | CONST;

/// Whether a word can start a type specifier.
pub(crate) fn starts_type(i: Input<'_>) -> bool {
    match i.class_at(0) {
        Some(c) => c & RESERVED == 0 || c & (STARTS_BUILTIN_TYPE | QUALIFIER) != 0,
        None => false,
    }
}

/// A type specifier with its qualifiers (`const VARIANT`, `VARIANT const`, `unsigned long`),
/// without any declarator; backtracks if the first token cannot start a type.
pub(crate) fn type_spec(i: Input<'_>) -> PResult<'_, TypeRef> {
    let start = i.here();
    let mut is_const = false;
    let mut cur = i;
    while let Some(class) = cur.class_at(0) {
        if class & CONST != 0 {
            is_const = true;
        } else if class & QUALIFIER == 0 {
            break;
        }
        cur = cur.advance(1);
    }
    let (mut cur, spec) = match base_spec(cur) {
        Err(Err::Error(_)) if cur.pos != i.pos => return fail(cur, "a type"),
        other => other?,
    };
    // `BSTR const strX`, `VARIANT const *p`: a const after the name qualifies the same type.
    while let Some(class) = cur.class_at(0) {
        if class & CONST != 0 {
            is_const = true;
        } else if class & QUALIFIER == 0 {
            break;
        }
        cur = cur.advance(1);
    }
    let span = start.to(cur.prev_span());
    Ok((
        cur,
        TypeRef {
            is_const,
            spec,
            pointers: Pointers::default(),
            arrays: Vec::new(),
            span,
        },
    ))
}

/// A type with pointers but no name: `SAFEARRAY(BSTR *)`, `sizeof(GUID)`, casts.
pub(crate) fn abstract_type(i: Input<'_>) -> PResult<'_, TypeRef> {
    let (i, mut ty) = type_spec(i)?;
    let (i, ptrs) = pointers(i)?;
    ty.pointers = ptrs;
    ty.span = ty.span.to(i.prev_span());
    Ok((i, ty))
}

fn base_spec(i: Input<'_>) -> PResult<'_, TypeSpec> {
    let Some(word) = i.ident_at(0) else {
        return no(i);
    };
    if i.class_at(0) == Some(0) {
        // Most types are named (`HRESULT`, `REFIID`): no keyword to tell apart.
        let (i, name) = ident(i)?;
        return Ok((i, TypeSpec::Named(name)));
    }
    match word {
        "struct" => struct_spec(i),
        "union" => union_spec(i),
        "enum" => enum_spec(i),
        "SAFEARRAY" if i.peek_at(1).is_some_and(|t| t.is_punct(P::LParen)) => safearray(i),
        _ if is_builtin_word(word) => builtin(i),
        _ if is_reserved(word) => no(i),
        _ => {
            let (i, name) = ident(i)?;
            Ok((i, TypeSpec::Named(name)))
        }
    }
}

fn builtin(i: Input<'_>) -> PResult<'_, TypeSpec> {
    let start = i.here();
    let mut sign: Option<bool> = None;
    let mut words: Vec<&str> = Vec::new();
    let mut cur = i;
    while let Some(word) = cur.word_of_class(0, BUILTIN) {
        match word {
            "signed" | "unsigned" if sign.is_some() => {
                return fail_at(cur.here(), format!("`{word}` given twice in one type"));
            }
            "signed" => sign = Some(false),
            "unsigned" => sign = Some(true),
            _ => words.push(word),
        }
        cur = cur.advance(1);
    }
    match base_type(sign, &words) {
        Some(b) => Ok((cur, TypeSpec::Base(b))),
        None => {
            let mut written: Vec<&str> = Vec::new();
            if let Some(u) = sign {
                written.push(if u { "unsigned" } else { "signed" });
            }
            written.extend(&words);
            fail_at(
                start.to(cur.prev_span()),
                format!("`{}` is not a valid type", written.join(" ")),
            )
        }
    }
}

/// The built-in type that a `signed`/`unsigned` flag and the other words name.
fn base_type(sign: Option<bool>, words: &[&str]) -> Option<BaseType> {
    use BaseType::*;
    let u = sign == Some(true);
    let pick = |s: BaseType, us: BaseType| Some(if u { us } else { s });
    // `short int`, `long int`, `unsigned long long int`: a trailing `int` adds nothing.
    let core: &[&str] = match words {
        [rest @ .., "int"] if !rest.is_empty() => rest,
        w => w,
    };
    match core {
        [] if sign.is_some() => pick(Int, UInt),
        ["char"] => Some(match sign {
            None => Char,
            Some(false) => SChar,
            Some(true) => UChar,
        }),
        ["small"] | ["__int8"] => pick(SChar, UChar),
        ["short"] | ["__int16"] => pick(Short, UShort),
        ["int"] => pick(Int, UInt),
        ["long"] => pick(Long, ULong),
        ["long", "long"] | ["__int64"] => pick(Int64, UInt64),
        ["hyper"] => pick(Hyper, UHyper),
        ["__int32"] => pick(Int32, UInt32),
        ["__int3264"] => pick(Int3264, UInt3264),
        _ if sign.is_some() => None,
        ["void"] => Some(Void),
        ["float"] => Some(Float),
        ["double"] => Some(Double),
        ["boolean"] => Some(Boolean),
        ["byte"] => Some(Byte),
        ["wchar_t"] => Some(WChar),
        ["handle_t"] => Some(HandleT),
        ["error_status_t"] => Some(ErrorStatusT),
        _ => None,
    }
}

/// `*`, `* const`, with `__RPC_FAR` and the like skipped; innermost first.
pub(crate) fn pointers(i: Input<'_>) -> PResult<'_, Pointers> {
    let mut ptrs = Pointers::default();
    let mut cur = i;
    loop {
        if cur.is_punct(P::Star) {
            ptrs.push(PointerLevel { is_const: false });
        } else if cur.class_at(0).is_some_and(|c| c & CONST != 0) && !ptrs.is_empty() {
            ptrs.set_last_const();
        } else if cur.class_at(0).is_some_and(|c| c & QUALIFIER != 0) {
        } else if cur.is_punct(P::Amp) {
            return fail_at(
                cur.here(),
                "C++ references (`&`) are not allowed in IDL; use `*`",
            );
        } else {
            return Ok((cur, ptrs));
        }
        cur = cur.advance(1);
    }
}

/// Whether a declarator's name is required, optional (parameters) or absent.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Names {
    Required,
    Optional,
}

/// What follows a type specifier: its pointers, name, array bounds or function-pointer shape.
pub(crate) struct Decl {
    pub name: Option<Ident>,
    /// The full type (for a function pointer, its return type).
    pub ty: TypeRef,
    pub function: Option<FunctionPointer>,
}

/// What `(` here opens: a function pointer declarator `(*name)`, `(__stdcall *name)`; a function
/// type `(__stdcall NAME)(` (C headers' `typedef HRESULT (CERTBCLI_CALL FNX)(...)`); or neither.
fn at_function_declarator(i: Input<'_>) -> Option<bool> {
    if !i.is_punct(P::LParen) {
        return None;
    }
    let mut n = 1;
    while i
        .class_at(n)
        .is_some_and(|c| c & (CALLCONV | QUALIFIER) != 0)
    {
        n += 1;
    }
    if i.peek_at(n).is_some_and(|t| t.is_punct(P::Star)) {
        return Some(true);
    }
    let function_type = i.ident_at(n).is_some()
        && i.peek_at(n + 1).is_some_and(|t| t.is_punct(P::RParen))
        && i.peek_at(n + 2).is_some_and(|t| t.is_punct(P::LParen));
    function_type.then_some(false)
}

/// A declarator after `base`. `allow_function` admits `(CALLCONV *name)(params)` (typedefs),
/// with the calling convention also before the parenthesis (`HRESULT __stdcall (*PFN)(...)`),
/// and a function type `(CALLCONV NAME)(params)`.
/// `base` is owned where the caller has no further use for it (a parameter's type), to save a
/// copy.
pub(crate) fn declarator<'a>(
    i: Input<'a>,
    base: Cow<'_, TypeRef>,
    names: Names,
    allow_function: bool,
) -> PResult<'a, Decl> {
    let mut ty = base.into_owned();
    let (mut i, ptrs) = pointers(i)?;
    if ty.pointers.is_empty() {
        ty.pointers = ptrs;
    } else {
        ty.pointers.extend(&ptrs);
    }
    // `RET __stdcall (*NAME)(...)`: the convention before the parenthesis.
    let mut outer_callconv = None;
    if allow_function
        && let Some(word) = i.word_of_class(0, CALLCONV)
        && at_function_declarator(i.advance(1)).is_some()
    {
        outer_callconv = i.peek().map(|t| Ident {
            name: word.into(),
            span: t.span,
        });
        i = i.advance(1);
    }
    let function = at_function_declarator(i);
    if function == Some(true) || (allow_function && function == Some(false)) {
        if !allow_function {
            return fail_at(
                i.here(),
                "a function pointer is only supported in a typedef; declare \
                 `typedef RET (*NAME)(PARAMS);` and use NAME here",
            );
        }
        let pointer = function == Some(true);
        let _d = enter(i)?;
        let mut cur = i.advance(1);
        let mut callconv = outer_callconv;
        while let Some(word) = cur.ident_at(0) {
            if is_callconv(word) && callconv.is_none() {
                callconv = cur.peek().map(|t| Ident {
                    name: word.into(),
                    span: t.span,
                });
            } else if !is_qualifier(word) && !is_callconv(word) {
                break;
            }
            cur = cur.advance(1);
        }
        if pointer {
            let (next, _) = close(P::Star, "in a function pointer declarator", cur)?;
            let (next, extra) = pointers(next)?;
            if !extra.is_empty() {
                return fail_at(
                    next.prev_span(),
                    "a pointer to a function pointer is not supported; use a typedef of the function pointer",
                );
            }
            cur = next;
        }
        let (cur, name) = expect("a name for the function pointer", ident)(cur)?;
        let (cur, _) = close(P::RParen, "after the function pointer's name", cur)?;
        if !cur.is_punct(P::LParen) {
            return fail(cur, "`(` and the function pointer's parameters");
        }
        let (cur, (params, _variadic)) = params(cur)?;
        ty.span = ty.span.to(cur.prev_span());
        return Ok((
            cur,
            Decl {
                name: Some(name),
                ty,
                function: Some(FunctionPointer {
                    callconv,
                    params,
                    pointer,
                }),
            },
        ));
    }
    let (mut i, name) = match names {
        Names::Required => {
            let (i, n) = expect("a name", ident)(i)?;
            (i, Some(n))
        }
        Names::Optional => match ident(i) {
            Ok((i, n)) => (i, Some(n)),
            Err(Err::Error(_)) => (i, None),
            Err(e) => return Err(e),
        },
    };
    i = array_dims(i, &mut ty.arrays)?.0;
    ty.span = ty.span.to(i.prev_span());
    Ok((
        i,
        Decl {
            name,
            ty,
            function: None,
        },
    ))
}

/// A declarator in a parameter or field: a function pointer there (`BOOL (*pfn)(ULONG)`) is
/// a pointer to a [`TypeSpec::Function`].
fn value_declarator<'a>(i: Input<'a>, base: Cow<'_, TypeRef>, names: Names) -> PResult<'a, Decl> {
    let (i, mut d) = declarator(i, base, names, true)?;
    if let Some(f) = d.function.take() {
        let span = d.ty.span;
        d.ty = TypeRef {
            is_const: false,
            spec: TypeSpec::Function(Box::new(FunctionType {
                ret: d.ty,
                callconv: f.callconv,
                params: f.params,
            })),
            pointers: Pointers::one(),
            arrays: Vec::new(),
            span,
        };
    }
    Ok((i, d))
}

/// `( params )`: `()` and `(void)` are empty. The input is at the `(`.
/// A parameter list, and whether it ends in C's `...` (callobj.idl's `[local]`
/// `ICallFrame::Invoke([in] void* pvReceiver, ...)`), which must follow a named parameter.
pub(crate) fn params(i: Input<'_>) -> PResult<'_, (Vec<Param>, bool)> {
    let (mut i, _) = close(P::LParen, "to open the parameter list", i)?;
    if i.is_punct(P::RParen) {
        return Ok((i.advance(1), (Vec::new(), false)));
    }
    if i.is_ident("void") && i.peek_at(1).is_some_and(|t| t.is_punct(P::RParen)) {
        return Ok((i.advance(2), (Vec::new(), false)));
    }
    let mut out = Vec::new();
    loop {
        if i.is_punct(P::Ellipsis) {
            if out.is_empty() {
                return fail_at(
                    i.here(),
                    "a variable argument list (`...`) needs a parameter before it",
                );
            }
            let (rest, _) = close(
                P::RParen,
                "after `...`: it ends the parameter list",
                i.advance(1),
            )?;
            return Ok((rest, (out, true)));
        }
        let start = i.here();
        let (rest, attrs) = opt_attrs(i)?;
        let (rest, base) = expect("a parameter type", type_spec)(rest)?;
        let (rest, d) = value_declarator(rest, Cow::Owned(base), Names::Optional)?;
        out.push(Param {
            attrs,
            ty: d.ty,
            name: d.name,
            span: start.to(rest.prev_span()),
        });
        if rest.is_punct(P::Comma) {
            i = rest.advance(1);
            continue;
        }
        if !rest.is_punct(P::RParen) {
            let after = match out.last().and_then(|p: &Param| p.name.as_ref()) {
                Some(n) => format!("after parameter `{}`", n.name),
                None => "after the parameter".to_string(),
            };
            return Err(Err::Failure(
                PError::new(
                    rest.after_prev(),
                    format!("expected `,` or `)` {after}, found {}", rest.found()),
                )
                .label("expected `,` or `)` here"),
            ));
        }
        return Ok((rest.advance(1), (out, false)));
    }
}

fn struct_spec(i: Input<'_>) -> PResult<'_, TypeSpec> {
    let (i, start) = kw("struct")(i)?;
    let (i, tag) = opt_ident(i)?;
    if !i.is_punct(P::LBrace) {
        if tag.is_none() {
            return fail(i, "a struct tag or `{` after `struct`");
        }
        let span = start.to(i.prev_span());
        return Ok((
            i,
            TypeSpec::Struct(std::sync::Arc::new(StructDef {
                tag,
                fields: None,
                span,
            })),
        ));
    }
    let _d = enter(i)?;
    let what = describe_body("struct", &tag);
    let (i, fields) = fields(i.advance(1), &what)?;
    let span = start.to(i.prev_span());
    Ok((
        i,
        TypeSpec::Struct(std::sync::Arc::new(StructDef {
            tag,
            fields: Some(fields),
            span,
        })),
    ))
}

/// A struct, union or enum body as errors name it ("struct `S`", "the union"), spelled out
/// only for an error.
struct Body<'t> {
    kind: &'static str,
    tag: &'t Option<Ident>,
}

impl std::fmt::Display for Body<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.tag {
            Some(t) => write!(f, "{} `{}`", self.kind, t.name),
            None => write!(f, "the {}", self.kind),
        }
    }
}

fn describe_body<'t>(kind: &'static str, tag: &'t Option<Ident>) -> Body<'t> {
    Body { kind, tag }
}

fn opt_ident(i: Input<'_>) -> PResult<'_, Option<Ident>> {
    match ident(i) {
        Ok((i, n)) => Ok((i, Some(n))),
        Err(Err::Error(_)) => Ok((i, None)),
        Err(e) => Err(e),
    }
}

/// Fields up to and including the closing `}` (the `{` is consumed).
fn fields<'a>(mut i: Input<'a>, what: &Body<'_>) -> PResult<'a, Vec<Field>> {
    let mut out = Vec::new();
    loop {
        if i.is_punct(P::RBrace) {
            return Ok((i.advance(1), out));
        }
        if i.at_eof() {
            return fail(i, &format!("`}}` to close {what}"));
        }
        if i.is_punct(P::Semi) {
            i = i.advance(1);
            continue;
        }
        let start = i.here();
        let (rest, attrs) = opt_attrs(i)?;
        if attrs.is_empty() && !starts_type(rest) {
            return fail(
                rest,
                &format!("a field declaration or `}}` to close {what}"),
            );
        }
        i = field_decl_into(rest, attrs, start, &mut out)?.0;
    }
}

/// `TYPE declarator (, declarator)* [: bits] ;` after the attributes; a struct or union with no
/// declarator is an anonymous member.
fn field_decl<'a>(i: Input<'a>, attrs: Vec<Attribute>, start: Span) -> PResult<'a, Vec<Field>> {
    let mut out = Vec::new();
    let (i, ()) = field_decl_into(i, attrs, start, &mut out)?;
    Ok((i, out))
}

/// [`field_decl`] onto the end of `out` (a struct's fields, made at their size).
fn field_decl_into<'a>(
    i: Input<'a>,
    attrs: Vec<Attribute>,
    start: Span,
    out: &mut Vec<Field>,
) -> PResult<'a, ()> {
    let (mut i, base) = expect("a field type", type_spec)(i)?;
    if i.is_punct(P::Semi) {
        out.push(Field {
            attrs,
            ty: base,
            name: None,
            bits: None,
            span: start.to(i.prev_span()),
        });
        return Ok((i.advance(1), ()));
    }
    loop {
        let (rest, d) = value_declarator(i, Cow::Borrowed(&base), Names::Required)?;
        let (rest, bits) = if rest.is_punct(P::Colon) {
            let (rest, e) = expect("a bit-field width", expr)(rest.advance(1))?;
            (rest, Some(e))
        } else {
            (rest, None)
        };
        out.push(Field {
            attrs: attrs.clone(),
            ty: d.ty,
            name: d.name,
            bits,
            span: start.to(rest.prev_span()),
        });
        if rest.is_punct(P::Comma) {
            i = rest.advance(1);
            continue;
        }
        let (rest, _) = close(P::Semi, "after field declaration", rest)?;
        return Ok((rest, ()));
    }
}

/// A field declaration as MIDL writes it in dispinterface `properties:` sections.
pub(crate) fn property<'a>(i: Input<'a>) -> PResult<'a, Vec<Field>> {
    let start = i.here();
    let (i, attrs) = opt_attrs(i)?;
    if attrs.is_empty() && !starts_type(i) {
        return no(i);
    }
    field_decl(i, attrs, start)
}

fn union_spec(i: Input<'_>) -> PResult<'_, TypeSpec> {
    let (i, start) = kw("union")(i)?;
    let (mut i, tag) = opt_ident(i)?;
    let mut switch = None;
    if i.is_ident("switch") {
        let (rest, _) = close(P::LParen, "after `switch`", i.advance(1))?;
        let (rest, ty) = expect("the discriminant's type", type_spec)(rest)?;
        let (rest, d) = declarator(rest, Cow::Borrowed(&ty), Names::Required, false)?;
        let (rest, _) = close(P::RParen, "to close `switch (`", rest)?;
        let (rest, union_name) = opt_ident(rest)?;
        switch = Some(UnionSwitch {
            ty: Box::new(d.ty),
            discriminant: d.name.unwrap_or_else(|| Ident {
                name: crate::idl::ast::Name::default(),
                span: start,
            }),
            union_name,
        });
        i = rest;
    }
    if !i.is_punct(P::LBrace) {
        if tag.is_none() || switch.is_some() {
            return fail(i, "`{` to open the union's body");
        }
        let span = start.to(i.prev_span());
        return Ok((
            i,
            TypeSpec::Union(std::sync::Arc::new(UnionDef {
                tag,
                switch,
                arms: None,
                span,
            })),
        ));
    }
    let _d = enter(i)?;
    let what = describe_body("union", &tag);
    let (i, arms) = arms(i.advance(1), &what)?;
    let span = start.to(i.prev_span());
    Ok((
        i,
        TypeSpec::Union(std::sync::Arc::new(UnionDef {
            tag,
            switch,
            arms: Some(arms),
            span,
        })),
    ))
}

/// Union arms up to and including `}`: `case 1: LONG l;`, `default: ;`, `[case(2)] BSTR s;`,
/// `[default] ;`, or plain C fields.
fn arms<'a>(mut i: Input<'a>, what: &Body<'_>) -> PResult<'a, Vec<UnionArm>> {
    let mut out = Vec::new();
    loop {
        if i.is_punct(P::RBrace) {
            return Ok((i.advance(1), out));
        }
        if i.at_eof() {
            return fail(i, &format!("`}}` to close {what}"));
        }
        let mut cases = Vec::new();
        while i.is_ident("case") || i.is_ident("default") {
            if i.is_ident("default") {
                let (rest, _) = close(P::Colon, "after `default`", i.advance(1))?;
                cases.push(CaseLabel::Default);
                i = rest;
            } else {
                let (rest, e) = expect("a case value", expr)(i.advance(1))?;
                let (rest, _) = close(P::Colon, "after the case value", rest)?;
                cases.push(CaseLabel::Case(e));
                i = rest;
            }
        }
        let start = i.here();
        let (rest, attrs) = opt_attrs(i)?;
        if rest.is_punct(P::Semi) {
            // An empty arm: its `[case(...)]`/`[default]` attributes become its labels.
            if cases.is_empty() && attrs.is_empty() {
                i = rest.advance(1);
                continue;
            }
            cases.extend(labels_from_attrs(&attrs));
            out.push(UnionArm { cases, field: None });
            i = rest.advance(1);
            continue;
        }
        if attrs.is_empty() && !starts_type(rest) {
            return fail(rest, &format!("a union arm or `}}` to close {what}"));
        }
        let (rest, fields) = field_decl(rest, attrs, start)?;
        for (n, field) in fields.into_iter().enumerate() {
            let cases = if n == 0 {
                std::mem::take(&mut cases)
            } else {
                Vec::new()
            };
            out.push(UnionArm {
                cases,
                field: Some(field),
            });
        }
        i = rest;
    }
}

fn labels_from_attrs(attrs: &[Attribute]) -> Vec<CaseLabel> {
    let mut labels = Vec::new();
    for a in attrs {
        match a.name.name.as_str() {
            "default" => labels.push(CaseLabel::Default),
            "case" => {
                for arg in &a.args {
                    if let AttrArg::Expr(e) = arg {
                        labels.push(CaseLabel::Case(e.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    labels
}

fn enum_spec(i: Input<'_>) -> PResult<'_, TypeSpec> {
    let (i, start) = kw("enum")(i)?;
    let (i, tag) = opt_ident(i)?;
    if !i.is_punct(P::LBrace) {
        if tag.is_none() {
            return fail(i, "an enum tag or `{` after `enum`");
        }
        let span = start.to(i.prev_span());
        return Ok((
            i,
            TypeSpec::Enum(std::sync::Arc::new(EnumDef {
                tag,
                values: None,
                span,
            })),
        ));
    }
    let what = describe_body("enum", &tag);
    let mut cur = i.advance(1);
    let mut values = Vec::new();
    loop {
        if cur.is_punct(P::RBrace) {
            cur = cur.advance(1);
            break;
        }
        let (rest, attrs) = opt_attrs(cur)?;
        let (rest, name) = match ident(rest) {
            Ok(ok) => ok,
            Err(Err::Error(_)) => {
                return fail(rest, &format!("an enumerator name or `}}` to close {what}"));
            }
            Err(e) => return Err(e),
        };
        let (rest, value) = if rest.is_punct(P::Assign) {
            let (rest, e) = expect("a value after `=`", expr)(rest.advance(1))?;
            (rest, Some(e))
        } else {
            (rest, None)
        };
        i.declare_constant(&name.name);
        values.push(EnumValue { attrs, name, value });
        if rest.is_punct(P::Comma) {
            cur = rest.advance(1);
        } else if rest.is_punct(P::RBrace) {
            cur = rest.advance(1);
            break;
        } else {
            let last = values
                .last()
                .map(|v| v.name.name.clone())
                .unwrap_or_default();
            return Err(Err::Failure(
                PError::new(
                    rest.after_prev(),
                    format!(
                        "expected `,` or `}}` after enumerator `{last}`, found {}",
                        rest.found()
                    ),
                )
                .label("expected `,` here"),
            ));
        }
    }
    let span = start.to(cur.prev_span());
    Ok((
        cur,
        TypeSpec::Enum(std::sync::Arc::new(EnumDef {
            tag,
            values: Some(values),
            span,
        })),
    ))
}

fn safearray(i: Input<'_>) -> PResult<'_, TypeSpec> {
    let (i, _) = kw("SAFEARRAY")(i)?;
    let _d = enter(i)?;
    let (i, _) = close(P::LParen, "after `SAFEARRAY`", i)?;
    let (i, ty) = expect("the array's element type", abstract_type)(i)?;
    let (i, _) = close(P::RParen, "to close `SAFEARRAY(`", i)?;
    Ok((i, TypeSpec::SafeArray(Box::new(ty))))
}

/// Whether an expression is a bare string (for attribute argument checks).
pub(crate) fn is_string(e: &Expr) -> bool {
    matches!(e, Expr::Str(_))
}

/// A declarator's array bounds, `[]`, `[*]` or `[N]`, any number of them, added to `arrays`.
pub(super) fn array_dims<'a>(mut i: Input<'a>, arrays: &mut Vec<ArrayDim>) -> PResult<'a, ()> {
    while i.is_punct(P::LBracket) {
        let inner = i.advance(1);
        let (rest, dim) = if inner.is_punct(P::RBracket) {
            (inner, ArrayDim::Open)
        } else if inner.is_punct(P::Star)
            && inner.peek_at(1).is_some_and(|t| t.is_punct(P::RBracket))
        {
            (inner.advance(1), ArrayDim::Star)
        } else {
            let (rest, e) = expect("an array bound", expr)(inner)?;
            (rest, ArrayDim::Fixed(e))
        };
        let (rest, _) = close(P::RBracket, "to close the array bound", rest)?;
        arrays.push(dim);
        i = rest;
    }
    Ok((i, ()))
}

#[cfg(test)]
mod word_tests {
    use super::*;

    /// The quick rejections never reject a word of the list.
    #[test]
    fn word_sets_hold_their_words() {
        for (set, list) in [
            (&CALLCONV_WORDS, CALLCONVS),
            (&QUALIFIER_WORDS, IGNORED_QUALIFIERS),
            (&BUILTIN_TYPE_WORDS, BUILTIN_WORDS),
        ] {
            for w in list {
                assert!(set.contains(w), "{w}");
            }
            for w in ["", "HRESULT", "x", "__stdcal", "unsigned_", "é"] {
                assert_eq!(set.contains(w), list.contains(&w), "{w}");
            }
        }
    }
}
