//! Constant expressions: enum values, `const` declarations, `[id(n)]`, `[defaultvalue(x)]`.
//!
//! The integer operators themselves are [`BinaryOp::apply`] and [`UnaryOp::apply`], which the
//! parser also uses to fold operations on literals; what is left here is what needs names, types
//! or the words of an error: constants, floating values, strings, casts, and where errors point.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::diag::Span;
use crate::diag::{Diagnostic, SourceMap};
use crate::idl::ast::{
    BaseType, BinaryOp, Expr, Ident, IntError, TypeRef, TypeSpec, UnaryOp, truth,
};

/// An evaluated constant.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    Int(i128),
    Float(f64),
    Str(String),
}

impl Value {
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Int(v) => write!(f, "{v}"),
            Value::Float(v) => write!(f, "{v}"),
            Value::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// Evaluates `expr` with `names` giving the values of constants and enum values seen so far.
/// `sizes`: the size of each `sizeof(TYPE)` in `expr`, by its span, as the resolver works them
/// out (see [`sizeofs`]); a `sizeof` not among them is an error.
pub fn eval(
    expr: &Expr,
    names: &IndexMap<Arc<str>, Value, super::NameHash>,
    sizes: &[(Span, u64)],
    sources: &SourceMap,
) -> Result<Value, Diagnostic> {
    eval_depth(
        expr,
        &Ctx {
            names,
            sizes,
            sources,
        },
        0,
    )
}

struct Ctx<'a> {
    names: &'a IndexMap<Arc<str>, Value, super::NameHash>,
    sizes: &'a [(Span, u64)],
    sources: &'a SourceMap,
}

/// Every `sizeof(TYPE)` in an expression, with its span.
pub fn sizeofs<'e>(e: &'e Expr, out: &mut Vec<(&'e TypeRef, Span)>) {
    match e {
        Expr::Int(..) | Expr::Float(..) | Expr::Str(_) | Expr::Name(_) => {}
        Expr::SizeOf(ty, span) => out.push((ty, *span)),
        Expr::Unary(_, a, _) | Expr::Cast(_, a, _) | Expr::Member(a, _, _) => sizeofs(a, out),
        Expr::Binary(_, a, b, _) => {
            sizeofs(a, out);
            sizeofs(b, out);
        }
        Expr::Ternary(a, b, c, _) => {
            sizeofs(a, out);
            sizeofs(b, out);
            sizeofs(c, out);
        }
    }
}

const MAX_DEPTH: u32 = 256;

fn eval_depth(expr: &Expr, cx: &Ctx<'_>, depth: u32) -> Result<Value, Diagnostic> {
    let (names, sources) = (cx.names, cx.sources);
    if depth > MAX_DEPTH {
        return Err(sources.error(expr.span(), "constant expression nested too deeply"));
    }
    let int = |e: &Expr| -> Result<i128, Diagnostic> {
        match eval_depth(e, cx, depth + 1)? {
            Value::Int(v) => Ok(v),
            Value::Float(v) => Ok(v as i128),
            Value::Str(_) => Err(sources
                .error(e.span(), "expected an integer expression, found a string")
                .with_label("expected an integer")),
        }
    };
    let overflow = || {
        sources
            .error(expr.span(), "constant expression overflows")
            .with_label("out of range")
    };
    Ok(match expr {
        Expr::Int(v, _) => Value::Int(*v),
        Expr::Float(v, _) => Value::Float(*v),
        Expr::Str(s) => Value::Str(s.value.clone()),
        // `TRUE`, `FALSE` and `NULL` are words of the language to MIDL and widl (unless
        // declared as constants).
        Expr::Name(id) if !names.contains_key(id.name.as_str()) && id.name == "TRUE" => {
            Value::Int(1)
        }
        Expr::Name(id)
            if !names.contains_key(id.name.as_str())
                && (id.name == "FALSE" || id.name == "NULL") =>
        {
            Value::Int(0)
        }
        Expr::Name(id) => names.get(id.name.as_str()).cloned().ok_or_else(|| {
            sources
                .error(id.span, format!("unknown constant `{}`", id.name))
                .with_label("not a constant or enum value declared before this point")
        })?,
        Expr::Unary(op, e, _) => {
            if let (UnaryOp::Neg, Value::Float(f)) = (op, eval_depth(e, cx, depth + 1)?) {
                return Ok(Value::Float(-f));
            }
            Value::Int(op.apply(int(e)?).map_err(|err| {
                match err {
                    IntError::NotConstant => sources
                        .error(expr.span(), "pointer operator in a constant expression")
                        .with_label("not a constant"),
                    IntError::Overflow | IntError::DivisionByZero => overflow(),
                }
            })?)
        }
        Expr::Binary(op, a, b, _) => {
            let (x, y) = (int(a)?, int(b)?);
            Value::Int(op.apply(x, y).map_err(|err| {
                match err {
                    IntError::DivisionByZero => sources
                        .error(b.span(), "division by zero in constant expression")
                        .with_label("this is zero"),
                    IntError::Overflow | IntError::NotConstant => overflow(),
                }
            })?)
        }
        Expr::Ternary(c, a, b, _) => {
            if truth(int(c)?) {
                eval_depth(a, cx, depth + 1)?
            } else {
                eval_depth(b, cx, depth + 1)?
            }
        }
        // `(NAME)-1` parses as a cast; where NAME is a constant, it was `NAME - 1`.
        Expr::Cast(ty, e, span) if constant_in_parens(ty, e, names).is_some() => {
            let Some((name, op, rhs)) = constant_in_parens(ty, e, names) else {
                return Err(sources.error(*span, "unsupported cast"));
            };
            let as_binary = Expr::Binary(op, Box::new(Expr::Name(name)), Box::new(rhs), *span);
            eval_depth(&as_binary, cx, depth + 1)?
        }
        // A cast to a base type converts as C does (`(int)0x80000000` is -2147483648); a cast
        // to a typedef name keeps the value, and the declared type of the constant decides.
        Expr::Cast(ty, e, _) => {
            let v = eval_depth(e, cx, depth + 1)?;
            match &ty.spec {
                TypeSpec::Base(b) if ty.pointers.is_empty() => convert(v, *b),
                _ => v,
            }
        }
        Expr::SizeOf(_, span) if cx.sizes.iter().any(|(s, _)| s == span) => Value::Int(
            cx.sizes
                .iter()
                .find(|(s, _)| s == span)
                .map_or(0, |&(_, n)| i128::from(n)),
        ),
        Expr::SizeOf(_, span) | Expr::Member(_, _, span) => {
            return Err(sources
                .error(*span, "this expression is not supported in a constant")
                .with_label("expected an integer, string or named constant"));
        }
    })
}

/// `(NAME) - x` read as a cast of `-x` to a type NAME, where NAME is in fact a constant: the
/// name, the operator (`-` or `+`) and `x`.
fn constant_in_parens(
    ty: &TypeRef,
    e: &Expr,
    names: &IndexMap<Arc<str>, Value, super::NameHash>,
) -> Option<(Ident, BinaryOp, Expr)> {
    let TypeSpec::Named(n) = &ty.spec else {
        return None;
    };
    if !ty.pointers.is_empty() || !names.contains_key(n.name.as_str()) {
        return None;
    }
    match e {
        Expr::Unary(UnaryOp::Neg, x, _) => Some((n.clone(), BinaryOp::Sub, (**x).clone())),
        Expr::Unary(UnaryOp::Plus, x, _) => Some((n.clone(), BinaryOp::Add, (**x).clone())),
        _ => None,
    }
}

/// `value` converted to base type `b` as a C cast or an initialisation converts it: integers wrap
/// to the type's width and signedness (MIDL targets: `long` is 32 bits, `__int3264` 64 on x64),
/// floating values truncate towards zero; `char` (whose sign MIDL leaves to `/char`), `void` and
/// handles keep the value.
pub fn convert(value: Value, b: BaseType) -> Value {
    let Some((bits, signed)) = integer_width(b) else {
        return match (b, value) {
            (BaseType::Float | BaseType::Double, Value::Int(v)) => Value::Float(v as f64),
            (_, v) => v,
        };
    };
    let v = match value {
        Value::Int(v) => v,
        Value::Float(f) => f as i128,
        s @ Value::Str(_) => return s,
    };
    let mask = (1u128 << bits) - 1;
    let low = (v as u128) & mask;
    Value::Int(if signed && low >> (bits - 1) == 1 {
        low as i128 - (1i128 << bits)
    } else {
        low as i128
    })
}

/// Width in bits and signedness of an integer base type.
fn integer_width(b: BaseType) -> Option<(u32, bool)> {
    Some(match b {
        BaseType::SChar => (8, true),
        BaseType::UChar | BaseType::Byte | BaseType::Boolean => (8, false),
        BaseType::Short => (16, true),
        BaseType::UShort | BaseType::WChar => (16, false),
        BaseType::Int | BaseType::Long | BaseType::Int32 => (32, true),
        BaseType::UInt | BaseType::ULong | BaseType::UInt32 | BaseType::ErrorStatusT => (32, false),
        BaseType::Hyper | BaseType::Int64 | BaseType::Int3264 => (64, true),
        BaseType::UHyper | BaseType::UInt64 | BaseType::UInt3264 => (64, false),
        BaseType::Void
        | BaseType::Char
        | BaseType::Float
        | BaseType::Double
        | BaseType::HandleT => return None,
    })
}
