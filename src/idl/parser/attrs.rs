//! Attribute lists: `[object, uuid(...), helpstring("..."), pointer_default(unique)]`. Each
//! attribute's arguments are read by the form the table in `attributes.rs` gives it.

use std::borrow::Cow;

use nom::Err;

use super::exprs::expr;
use super::types::{abstract_type, is_string};
use super::{Input, PError, PResult, close, fail, fail_at, ident, no, string};
use crate::diag::Span;
use crate::idl::ast::{AttrArg, AttrArgs, Attribute, Expr, Ident, Uuid};
use crate::idl::attributes::{self, Form};
use crate::idl::lexer::{P, Tok};

/// One or more `[...]` lists, joined; backtracks if there is no `[`.
pub(crate) fn attr_lists(i: Input<'_>) -> PResult<'_, Vec<Attribute>> {
    if !i.is_punct(P::LBracket) {
        return no(i);
    }
    let mut out = Vec::new();
    let mut cur = i;
    while cur.is_punct(P::LBracket) {
        cur = cur.advance(1);
        loop {
            // Empty entries are tolerated, as widl and MIDL do: `[]`, `[, object]`, a trailing
            // comma, and what a macro that expands to nothing leaves (`[threading(both), ...]`
            // where `threading(x)` is defined empty).
            if cur.is_punct(P::RBracket) {
                break;
            }
            if cur.is_punct(P::Comma) {
                cur = cur.advance(1);
                continue;
            }
            let (rest, a) = attribute(cur)?;
            out.push(a);
            if rest.is_punct(P::Comma) {
                cur = rest.advance(1);
                continue;
            }
            cur = rest;
            break;
        }
        if !cur.is_punct(P::RBracket) {
            return Err(Err::Failure(
                PError::new(
                    cur.after_prev(),
                    format!(
                        "expected `,` or `]` in attribute list, found {}",
                        cur.found()
                    ),
                )
                .label("expected `]` here"),
            ));
        }
        cur = cur.advance(1);
    }
    Ok((cur, out))
}

/// Attributes if there are any, else an empty list.
pub(crate) fn opt_attrs(i: Input<'_>) -> PResult<'_, Vec<Attribute>> {
    // Most declarations have none: no backtracking error made and dropped for them.
    if !i.is_punct(P::LBracket) {
        return Ok((i, Vec::new()));
    }
    match attr_lists(i) {
        Err(Err::Error(_)) => Ok((i, Vec::new())),
        other => other,
    }
}

fn attribute(i: Input<'_>) -> PResult<'_, Attribute> {
    let Some(t) = i.peek() else {
        return fail(i, "an attribute");
    };
    let Tok::Ident(name) = t.tok else {
        return fail(i, "an attribute name");
    };
    let sym = name;
    let name = Ident {
        // The token's text, shared: no copy.
        name: i.name(name),
        span: t.span,
    };
    let form = (i.attribute_index(sym, &name.name)).and_then(attributes::form_at);
    let Some(form) = form else {
        let mut e = PError::new(name.span, format!("unknown attribute `{}`", name.name))
            .label("not a MIDL attribute");
        if let Some(s) = attributes::suggest(&name.name) {
            e = e.note(format!("did you mean `{s}`?"));
        }
        return Err(Err::Failure(e));
    };
    let i = i.advance(1);
    let has_args = i.is_punct(P::LParen);
    let (i, args) = match (form, has_args) {
        (Form::Flag, false) | (Form::OptExpr, false) => (i, AttrArgs::None),
        (Form::Flag, true) => {
            return fail_at(
                i.here(),
                format!("attribute `{}` takes no arguments", name.name),
            );
        }
        (_, false) => {
            return Err(Err::Failure(
                PError::new(
                    i.after_prev(),
                    format!(
                        "attribute `{}` needs an argument: {}",
                        name.name,
                        form.describe()
                    ),
                )
                .label("expected `(` here"),
            ));
        }
        (_, true) => {
            let (i, args) = arguments(i.advance(1), &name, form)?;
            let (i, _) = close(
                P::RParen,
                format_args!("to close the arguments of `{}`", name.name),
                i,
            )?;
            (i, args)
        }
    };
    let span = name.span.to(i.prev_span());
    Ok((i, Attribute { name, args, span }))
}

/// The arguments between the parentheses, by form.
fn arguments<'a>(i: Input<'a>, name: &Ident, form: Form) -> PResult<'a, AttrArgs> {
    let bad = |i: Input<'a>| -> PResult<'a, AttrArgs> {
        fail_at(
            i.here(),
            format!(
                "attribute `{}` takes {}, found {}",
                name.name,
                form.describe(),
                i.found()
            ),
        )
    };
    match form {
        Form::Flag => Ok((i, AttrArgs::None)),
        Form::Uuid => {
            let (i, u) = uuid(i)?;
            Ok((i, AttrArgs::One(AttrArg::Uuid(u))))
        }
        Form::Str => match string(i) {
            Ok((i, s)) => Ok((i, AttrArgs::One(AttrArg::Str(s)))),
            Err(Err::Error(_)) => bad(i),
            Err(e) => Err(e),
        },
        Form::Strs => {
            let mut out = AttrArgs::None;
            let mut cur = i;
            loop {
                match string(cur) {
                    Ok((rest, s)) => {
                        out.push(AttrArg::Str(s));
                        cur = rest;
                    }
                    Err(Err::Error(_)) => return bad(cur),
                    Err(e) => return Err(e),
                }
                if !cur.is_punct(P::Comma) {
                    return Ok((cur, out));
                }
                cur = cur.advance(1);
            }
        }
        Form::Expr | Form::OptExpr => {
            let (i, e) = integer_expr(i, name, form)?;
            Ok((i, AttrArgs::One(AttrArg::Expr(e))))
        }
        Form::Value => match expr(i) {
            Ok((i, e)) => Ok((i, AttrArgs::One(AttrArg::Expr(e)))),
            Err(Err::Error(_)) => bad(i),
            Err(e) => Err(e),
        },
        Form::Exprs => {
            let mut out = AttrArgs::None;
            let mut cur = i;
            loop {
                if cur.is_punct(P::Comma) || cur.is_punct(P::RParen) {
                    // `size_is(, n)`: an omitted dimension.
                    out.push(AttrArg::Empty(cur.here()));
                } else {
                    let (rest, e) = integer_expr(cur, name, form)?;
                    out.push(AttrArg::Expr(e));
                    cur = rest;
                }
                if !cur.is_punct(P::Comma) {
                    return Ok((cur, out));
                }
                cur = cur.advance(1);
            }
        }
        Form::Range => {
            let (i, lo) = integer_expr(i, name, form)?;
            let (i, _) = close(
                P::Comma,
                "between the lowest and highest value of `range`",
                i,
            )?;
            let (i, hi) = integer_expr(i, name, form)?;
            Ok((
                i,
                AttrArgs::Many(vec![AttrArg::Expr(lo), AttrArg::Expr(hi)]),
            ))
        }
        Form::Version => {
            let (i, v) = version(i)?;
            Ok((i, AttrArgs::One(v)))
        }
        Form::Type => match abstract_type(i) {
            Ok((i, ty)) => Ok((i, AttrArgs::One(AttrArg::Type(Box::new(ty))))),
            Err(Err::Error(_)) => bad(i),
            Err(e) => Err(e),
        },
        Form::Name(allowed) => {
            let (rest, n) = match ident(i) {
                Ok(ok) => ok,
                Err(Err::Error(_)) => return bad(i),
                Err(e) => return Err(e),
            };
            if !allowed.is_empty() && !allowed.contains(&n.name.as_str()) {
                let list: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
                return fail_at(
                    n.span,
                    format!(
                        "`{}` is not a valid argument of `{}`: expected one of {}",
                        n.name,
                        name.name,
                        list.join(", ")
                    ),
                );
            }
            Ok((rest, AttrArgs::One(AttrArg::Expr(Expr::Name(n)))))
        }
        Form::Names => {
            let mut out = AttrArgs::None;
            let mut cur = i;
            loop {
                let (rest, n) = match ident(cur) {
                    Ok(ok) => ok,
                    Err(Err::Error(_)) => return bad(cur),
                    Err(e) => return Err(e),
                };
                out.push(AttrArg::Expr(Expr::Name(n)));
                if !rest.is_punct(P::Comma) {
                    return Ok((rest, out));
                }
                cur = rest.advance(1);
            }
        }
        Form::Custom => {
            let (i, u) = uuid(i)?;
            let (i, _) = close(P::Comma, "between the uuid and the value of `custom`", i)?;
            let (i, value) = match expr(i) {
                Ok((i, Expr::Str(s))) => (i, AttrArg::Str(s)),
                Ok((i, e)) => (i, AttrArg::Expr(e)),
                Err(Err::Error(_)) => return fail(i, "a value for `custom`"),
                Err(e) => return Err(e),
            };
            Ok((i, AttrArgs::Many(vec![AttrArg::Uuid(u), value])))
        }
        Form::StrOrExpr => match expr(i) {
            Ok((i, Expr::Str(s))) => Ok((i, AttrArgs::One(AttrArg::Str(s)))),
            Ok((i, e)) => Ok((i, AttrArgs::One(AttrArg::Expr(e)))),
            Err(Err::Error(_)) => bad(i),
            Err(e) => Err(e),
        },
        Form::TypeAndName => {
            let (rest, ty) = match abstract_type(i) {
                Ok(ok) => ok,
                Err(Err::Error(_)) => return bad(i),
                Err(e) => return Err(e),
            };
            let (rest, n) = super::expect("a handle name", ident)(rest)?;
            Ok((
                rest,
                AttrArgs::Many(vec![
                    AttrArg::Type(Box::new(ty)),
                    AttrArg::Expr(Expr::Name(n)),
                ]),
            ))
        }
    }
}

/// An expression that must not be a string or a floating-point number.
fn integer_expr<'a>(i: Input<'a>, name: &Ident, form: Form) -> PResult<'a, Expr> {
    let (rest, e) = match expr(i) {
        Ok(ok) => ok,
        Err(Err::Error(_)) => {
            return fail_at(
                i.here(),
                format!(
                    "attribute `{}` takes {}, found {}",
                    name.name,
                    form.describe(),
                    i.found()
                ),
            );
        }
        Err(e) => return Err(e),
    };
    if is_string(&e) || matches!(e, Expr::Float(..)) {
        return fail_at(
            e.span(),
            format!(
                "attribute `{}` takes {}, found {}",
                name.name,
                form.describe(),
                i.found()
            ),
        );
    }
    Ok((rest, e))
}

const MALFORMED_UUID: &str = "malformed uuid: expected 8-4-4-4-12 hex digits";

/// A uuid: the lexer's unquoted form, a string, or (after macro expansion) numbers, names and
/// dashes that spell one.
fn uuid(i: Input<'_>) -> PResult<'_, Uuid> {
    let Some(t) = i.peek() else {
        return fail(i, "a uuid");
    };
    // The token's text where one token spells the uuid (nearly always): no copy.
    let (rest, text, span) = match t.tok {
        Tok::Uuid(s) => (i.advance(1), Cow::Borrowed(i.text(s)), t.span),
        Tok::Str { value, .. } => (i.advance(1), Cow::Borrowed(i.text(value)), t.span),
        Tok::Number(_) | Tok::Ident(_) => {
            let mut text = String::new();
            let mut cur = i;
            while let Some(t) = cur.peek() {
                match t.tok {
                    Tok::Number(s) | Tok::Ident(s) => text.push_str(i.text(s)),
                    Tok::Punct(P::Minus) => text.push('-'),
                    _ => break,
                }
                cur = cur.advance(1);
            }
            (cur, Cow::Owned(text), t.span.to(cur.prev_span()))
        }
        _ => return fail(i, "a uuid like `00000000-0000-0000-C000-000000000046`"),
    };
    match parse_uuid(&text, span) {
        Some(u) => Ok((rest, u)),
        None => Err(Err::Failure(
            PError::new(span, MALFORMED_UUID)
                .label("not a uuid")
                .note(format!("found `{text}`")),
        )),
    }
}

/// `4ba9eb90-732c-11d0-8816-00a0c903b83c` into its fields (read in place: every interface has
/// one).
pub(crate) fn parse_uuid(text: &str, span: Span) -> Option<Uuid> {
    let b = text.as_bytes();
    if b.len() != 36 || [8, 13, 18, 23].iter().any(|&k| b[k] != b'-') {
        return None;
    }
    let hex = |from: usize, to: usize| -> Option<u64> {
        b[from..to].iter().try_fold(0u64, |v, &c| {
            let d = (c as char).to_digit(16)?;
            Some(v << 4 | u64::from(d))
        })
    };
    let data1 = u32::try_from(hex(0, 8)?).ok()?;
    let data2 = u16::try_from(hex(9, 13)?).ok()?;
    let data3 = u16::try_from(hex(14, 18)?).ok()?;
    let tail = hex(19, 23)? << 48 | hex(24, 36)?;
    let data4 = tail.to_be_bytes();
    Some(Uuid {
        data1,
        data2,
        data3,
        data4,
        span,
    })
}

/// `version(1.0)` or `version(1)`: major and minor, each at most 65535.
fn version(i: Input<'_>) -> PResult<'_, AttrArg> {
    let Some(t) = i.peek() else {
        return fail(i, "a version like `1.0`");
    };
    let Tok::Number(s) = t.tok else {
        return fail(i, "a version like `1.0`");
    };
    let s = i.text(s);
    let mut parts = s.splitn(2, '.');
    let major = parts.next().and_then(|p| p.parse::<u16>().ok());
    let minor = match parts.next() {
        Some(p) => p.parse::<u16>().ok(),
        None => Some(0),
    };
    match (major, minor) {
        (Some(major), Some(minor)) => Ok((
            i.advance(1),
            AttrArg::Version {
                major,
                minor,
                span: t.span,
            },
        )),
        _ => fail_at(
            t.span,
            format!("malformed version `{s}`: expected MAJOR.MINOR, each at most 65535"),
        ),
    }
}
