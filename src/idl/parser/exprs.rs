//! Constant expressions with C's operators and precedence (enum values, `const`, array bounds,
//! attribute arguments such as `size_is(*pcb)`).
//!
//! An operation on integer literals is folded into the literal it gives as it is built (see
//! [`Expr`]): the DISPID macros of files like mshtml.idl give thousands of `((0x80010000+500)+1)`,
//! which then cost one node each instead of a tree to allocate, evaluate and drop.

use nom::Err;

use super::types;
use super::{Input, PError, PResult, enter, fail, ident, no, string};
use crate::diag::Span;
use crate::idl::ast::{BinaryOp, Expr, UnaryOp, truth};
use crate::idl::lexer::{self, P, Tok, Token};

/// An expression; backtracks if the first token cannot start one.
pub(crate) fn expr(i: Input<'_>) -> PResult<'_, Expr> {
    conditional(i)
}

fn conditional(i: Input<'_>) -> PResult<'_, Expr> {
    let (i, cond) = binary(i, 1)?;
    if !i.is_punct(P::Question) {
        return Ok((i, cond));
    }
    let _d = enter(i)?;
    let (i, yes) = after_operator(i.advance(1), "`?`", expr)?;
    let (i, _) = super::close(P::Colon, "in `?:` expression", i)?;
    let (i, no) = after_operator(i, "`:`", conditional)?;
    let span = cond.span().to(no.span());
    Ok((i, ternary(cond, yes, no, span)))
}

/// `cond ? yes : no`, folded into the chosen literal where all three are integer literals.
fn ternary(cond: Expr, yes: Expr, no: Expr, span: Span) -> Expr {
    if let (Expr::Int(c, _), Expr::Int(y, _), Expr::Int(n, _)) = (&cond, &yes, &no) {
        return Expr::Int(if truth(*c) { *y } else { *n }, span);
    }
    Expr::Ternary(Box::new(cond), Box::new(yes), Box::new(no), span)
}

/// `a op b`, folded into its value where both are integer literals and the operator has one for
/// them; otherwise as written, so that evaluation reports the overflow or division by zero there.
fn binary_node(op: BinaryOp, a: Expr, b: Expr, span: Span) -> Expr {
    if let (Expr::Int(x, _), Expr::Int(y, _)) = (&a, &b)
        && let Ok(v) = op.apply(*x, *y)
    {
        return Expr::Int(v, span);
    }
    Expr::Binary(op, Box::new(a), Box::new(b), span)
}

/// `op e`, folded as [`binary_node`] folds (`*` and `&` have no value: never folded).
fn unary_node(op: UnaryOp, e: Expr, span: Span) -> Expr {
    if let Expr::Int(v, _) = e
        && let Ok(v) = op.apply(v)
    {
        return Expr::Int(v, span);
    }
    Expr::Unary(op, Box::new(e), span)
}

/// The operand after an operator is required.
fn after_operator<'a>(
    i: Input<'a>,
    op: &str,
    p: impl FnOnce(Input<'a>) -> PResult<'a, Expr>,
) -> PResult<'a, Expr> {
    match p(i) {
        Err(Err::Error(_)) => fail(i, &format!("an expression after {op}")),
        other => other,
    }
}

/// [`after_operator`] for the operator token just before `i`, described only if the operand is
/// missing (most operands are there: describing every operator would cost a `String` each).
fn after_token<'a>(
    i: Input<'a>,
    op: &Token,
    p: impl FnOnce(Input<'a>) -> PResult<'a, Expr>,
) -> PResult<'a, Expr> {
    match p(i) {
        Err(Err::Error(_)) => fail(i, &format!("an expression after {}", i.describe(op))),
        other => other,
    }
}

fn binary_op(p: P) -> Option<(BinaryOp, u8)> {
    // C's precedence, loosest first.
    Some(match p {
        P::OrOr => (BinaryOp::Or, 1),
        P::AndAnd => (BinaryOp::And, 2),
        P::Pipe => (BinaryOp::BitOr, 3),
        P::Caret => (BinaryOp::BitXor, 4),
        P::Amp => (BinaryOp::BitAnd, 5),
        P::EqEq => (BinaryOp::Eq, 6),
        P::Ne => (BinaryOp::Ne, 6),
        P::Lt => (BinaryOp::Lt, 7),
        P::Gt => (BinaryOp::Gt, 7),
        P::Le => (BinaryOp::Le, 7),
        P::Ge => (BinaryOp::Ge, 7),
        P::Shl => (BinaryOp::Shl, 8),
        P::Shr => (BinaryOp::Shr, 8),
        P::Plus => (BinaryOp::Add, 9),
        P::Minus => (BinaryOp::Sub, 9),
        P::Star => (BinaryOp::Mul, 10),
        P::Slash => (BinaryOp::Div, 10),
        P::Percent => (BinaryOp::Rem, 10),
        _ => return None,
    })
}

/// Precedence climbing: operators binding at least as tightly as `min`.
fn binary(i: Input<'_>, min: u8) -> PResult<'_, Expr> {
    let (mut i, mut lhs) = unary(i)?;
    loop {
        let Some((op, prec)) = i
            .peek()
            .and_then(|t| match t.tok {
                Tok::Punct(p) => binary_op(p),
                _ => None,
            })
            .filter(|(_, prec)| *prec >= min)
        else {
            return Ok((i, lhs));
        };
        let Some(op_tok) = i.peek() else {
            return Ok((i, lhs));
        };
        let (rest, rhs) = after_token(i.advance(1), op_tok, |i| binary(i, prec + 1))?;
        let span = lhs.span().to(rhs.span());
        lhs = binary_node(op, lhs, rhs, span);
        i = rest;
    }
}

fn unary(i: Input<'_>) -> PResult<'_, Expr> {
    unary_folding(i, true)
}

/// [`unary`]; with `fold` false, a prefix operator is kept even before a literal: the operand of
/// a cast, since `(NAME)-1` is `NAME - 1` where NAME is in fact a constant (model::eval), and
/// `(NAME)1` is not.
fn unary_folding(i: Input<'_>, fold: bool) -> PResult<'_, Expr> {
    let _d = enter(i)?;
    let Some(t) = i.peek() else {
        return no(i);
    };
    let op = match t.tok {
        Tok::Punct(P::Minus) => Some(UnaryOp::Neg),
        Tok::Punct(P::Plus) => Some(UnaryOp::Plus),
        Tok::Punct(P::Bang) => Some(UnaryOp::Not),
        Tok::Punct(P::Tilde) => Some(UnaryOp::BitNot),
        Tok::Punct(P::Star) => Some(UnaryOp::Deref),
        Tok::Punct(P::Amp) => Some(UnaryOp::AddrOf),
        _ => None,
    };
    if let Some(op) = op {
        let (i, e) = after_token(i.advance(1), t, unary)?;
        let span = t.span.to(e.span());
        let e = if fold {
            unary_node(op, e, span)
        } else {
            Expr::Unary(op, Box::new(e), span)
        };
        return Ok((i, e));
    }
    if i.is_ident("sizeof") {
        let (i, _) = super::close(P::LParen, "after `sizeof`", i.advance(1))?;
        let (i, ty) = super::expect("a type", types::abstract_type)(i)?;
        let (i, end) = super::close(P::RParen, "to close `sizeof(`", i)?;
        return Ok((i, Expr::SizeOf(Box::new(ty), t.span.to(end))));
    }
    if t.is_punct(P::LParen) && is_cast(i) {
        let (i, ty) = super::expect("a type", types::abstract_type)(i.advance(1))?;
        let (i, _) = super::close(P::RParen, "to close the cast", i)?;
        let (i, e) = after_operator(i, "a cast", |i| unary_folding(i, false))?;
        let span = t.span.to(e.span());
        return Ok((i, Expr::Cast(Box::new(ty), Box::new(e), span)));
    }
    postfix(i)
}

/// Whether `(` starts a cast. Without a symbol table, `(NAME)` is a cast when what follows can only
/// start an operand (`(DWORD)0x80000000`, `(HRESULT)E_FAIL`), and `(NAME *)` always is.
fn is_cast(i: Input<'_>) -> bool {
    let (Some(first), Some(class)) = (i.ident_at(1), i.class_at(1)) else {
        return false;
    };
    if class & types::STARTS_BUILTIN_TYPE != 0 {
        return true;
    }
    if class & super::RESERVED != 0 {
        return false;
    }
    let mut n = 2;
    while i.peek_at(n).is_some_and(|t| t.is_punct(P::Star)) {
        n += 1;
    }
    if !i.peek_at(n).is_some_and(|t| t.is_punct(P::RParen)) {
        return false;
    }
    if n > 2 {
        return true;
    }
    // `(DWORD)-1`, `(HBODY)-1`: before a sign, `(NAME)` is read as a cast unless NAME is a
    // constant of this file; if NAME turns out to be a constant of another file, evaluation
    // takes it as `NAME - 1` (model::eval), as C would.
    if !i.is_constant(first)
        && i.peek_at(n + 1)
            .is_some_and(|t| t.is_punct(P::Minus) || t.is_punct(P::Plus))
    {
        return true;
    }
    i.peek_at(n + 1).is_some_and(|t| {
        matches!(
            t.tok,
            Tok::Ident(_)
                | Tok::Number(_)
                | Tok::Char(_)
                | Tok::Str { .. }
                | Tok::Punct(P::LParen | P::Tilde | P::Bang)
        )
    })
}

fn postfix(i: Input<'_>) -> PResult<'_, Expr> {
    let (mut i, mut e) = primary(i)?;
    while i.is_punct(P::Dot) || i.is_punct(P::Arrow) {
        let (rest, member) = super::expect("a member name", ident)(i.advance(1))?;
        let span = e.span().to(member.span);
        e = Expr::Member(Box::new(e), member, span);
        i = rest;
    }
    Ok((i, e))
}

fn primary(i: Input<'_>) -> PResult<'_, Expr> {
    let Some(t) = i.peek() else {
        return no(i);
    };
    match t.tok {
        Tok::Number(s) => {
            let e = number(i.text(s), t.span).map_err(Err::Failure)?;
            Ok((i.advance(1), e))
        }
        Tok::Char(v) => Ok((i.advance(1), Expr::Int(i128::from(v), t.span))),
        Tok::Str { .. } => {
            let (i, s) = string(i)?;
            Ok((i, Expr::Str(s)))
        }
        Tok::Ident(_) => {
            let (i, name) = ident(i)?;
            Ok((i, Expr::Name(name)))
        }
        Tok::Punct(P::LParen) => {
            let _d = enter(i)?;
            let (i, e) = after_operator(i.advance(1), "`(`", expr)?;
            let (i, _) = super::close(P::RParen, "to close `(`", i)?;
            Ok((i, e))
        }
        _ => no(i),
    }
}

/// Decodes a number token into an expression.
pub(crate) fn number(s: &str, span: Span) -> Result<Expr, PError> {
    if lexer::is_float(s) {
        return lexer::float_value(s)
            .map(|v| Expr::Float(v, span))
            .map_err(|m| PError::new(span, m));
    }
    lexer::int_value(s)
        .map(|lit| Expr::Int(i128::from(lit.value), span))
        .map_err(|m| PError::new(span, m))
}
