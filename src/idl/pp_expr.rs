//! `#if` expressions, evaluated with C's preprocessor arithmetic: 64-bit signed values unless a
//! constant is unsigned (a `U` suffix, or too large for signed, like `0xFFFFFFFFFFFFFFFF`), in which
//! case the operation is unsigned. Names left after macro expansion are 0.

use super::IdlError;
use super::lexer::{self, Interner, P, Tok, Token};
use crate::diag::Span;

/// Parentheses and unary operators nested deeper than this are reported, not recursed into.
const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, Copy)]
struct Value {
    bits: u64,
    unsigned: bool,
}

impl Value {
    fn signed(v: i64) -> Value {
        Value {
            bits: v as u64,
            unsigned: false,
        }
    }

    fn truth(b: bool) -> Value {
        Value::signed(i64::from(b))
    }

    fn is_true(self) -> bool {
        self.bits != 0
    }
}

/// Evaluates the tokens of an `#if` (macros expanded, `defined` resolved) to true or false.
pub(crate) fn evaluate(at: Span, tokens: &[Token], names: &Interner) -> Result<bool, IdlError> {
    if tokens.is_empty() {
        return Err(IdlError::new(at, "expected an expression after `#if`"));
    }
    let mut e = Eval {
        tokens,
        names,
        pos: 0,
        at,
        depth: 0,
    };
    let v = e.conditional(true)?;
    if let Some(t) = tokens.get(e.pos) {
        return Err(IdlError::new(
            t.span,
            format!(
                "expected an operator or the end of the `#if` line, found {}",
                t.describe(names)
            ),
        ));
    }
    Ok(v.is_true())
}

struct Eval<'t> {
    tokens: &'t [Token],
    names: &'t Interner,
    pos: usize,
    /// The directive, for errors at the end of the line.
    at: Span,
    depth: usize,
}

fn binary_op(p: P) -> Option<u8> {
    // C's precedence, loosest first.
    Some(match p {
        P::OrOr => 1,
        P::AndAnd => 2,
        P::Pipe => 3,
        P::Caret => 4,
        P::Amp => 5,
        P::EqEq | P::Ne => 6,
        P::Lt | P::Gt | P::Le | P::Ge => 7,
        P::Shl | P::Shr => 8,
        P::Plus | P::Minus => 9,
        P::Star | P::Slash | P::Percent => 10,
        _ => return None,
    })
}

impl Eval<'_> {
    fn peek_punct(&self) -> Option<P> {
        match self.tokens.get(self.pos).map(|t| &t.tok) {
            Some(Tok::Punct(p)) => Some(*p),
            _ => None,
        }
    }

    fn here(&self) -> Span {
        self.tokens.get(self.pos).map_or(self.at, |t| t.span)
    }

    fn found(&self) -> String {
        self.tokens.get(self.pos).map_or_else(
            || "the end of the line".to_string(),
            |t| t.describe(self.names),
        )
    }

    fn expect(&mut self, p: P, context: &str) -> Result<(), IdlError> {
        if self.peek_punct() == Some(p) {
            self.pos += 1;
            return Ok(());
        }
        Err(IdlError::new(
            self.here(),
            format!(
                "expected `{}` {context} in `#if` expression, found {}",
                p.as_str(),
                self.found()
            ),
        ))
    }

    /// `live` is false in the branch that short-circuiting skips: it is parsed, but division by
    /// zero there is no error.
    fn conditional(&mut self, live: bool) -> Result<Value, IdlError> {
        let cond = self.binary(1, live)?;
        if self.peek_punct() != Some(P::Question) {
            return Ok(cond);
        }
        self.pos += 1;
        let yes = self.conditional(live && cond.is_true())?;
        self.expect(P::Colon, "in `?:`")?;
        let no = self.conditional(live && !cond.is_true())?;
        let unsigned = yes.unsigned || no.unsigned;
        let mut v = if cond.is_true() { yes } else { no };
        v.unsigned = unsigned;
        Ok(v)
    }

    fn binary(&mut self, min: u8, live: bool) -> Result<Value, IdlError> {
        let mut lhs = self.unary(live)?;
        loop {
            let Some(op) = self.peek_punct() else {
                return Ok(lhs);
            };
            let Some(prec) = binary_op(op).filter(|p| *p >= min) else {
                return Ok(lhs);
            };
            let op_span = self.here();
            self.pos += 1;
            let rhs_live = match op {
                P::AndAnd => live && lhs.is_true(),
                P::OrOr => live && !lhs.is_true(),
                _ => live,
            };
            let rhs = self.binary(prec + 1, rhs_live)?;
            lhs = apply(op, lhs, rhs, live, op_span)?;
        }
    }

    fn unary(&mut self, live: bool) -> Result<Value, IdlError> {
        if self.depth >= MAX_DEPTH {
            return Err(IdlError::new(
                self.here(),
                format!("`#if` expression nested more than {MAX_DEPTH} deep"),
            ));
        }
        self.depth += 1;
        let v = self.unary_inner(live);
        self.depth -= 1;
        v
    }

    fn unary_inner(&mut self, live: bool) -> Result<Value, IdlError> {
        let Some(t) = self.tokens.get(self.pos) else {
            return Err(IdlError::new(
                self.at,
                "expected a value in `#if` expression, found the end of the line",
            ));
        };
        self.pos += 1;
        match t.tok {
            Tok::Punct(P::Minus) => {
                let v = self.unary(live)?;
                Ok(Value {
                    bits: v.bits.wrapping_neg(),
                    unsigned: v.unsigned,
                })
            }
            Tok::Punct(P::Plus) => self.unary(live),
            Tok::Punct(P::Tilde) => {
                let v = self.unary(live)?;
                Ok(Value {
                    bits: !v.bits,
                    unsigned: v.unsigned,
                })
            }
            Tok::Punct(P::Bang) => {
                let v = self.unary(live)?;
                Ok(Value::truth(!v.is_true()))
            }
            Tok::Punct(P::LParen) => {
                let v = self.conditional(live)?;
                self.expect(P::RParen, "to close `(`")?;
                Ok(v)
            }
            Tok::Number(s) => {
                let s = self.names.text(s);
                if lexer::is_float(s) {
                    return Err(IdlError::new(
                        t.span,
                        format!("floating-point number `{s}` in `#if` expression"),
                    ));
                }
                let lit = lexer::int_value(s).map_err(|m| IdlError::new(t.span, m))?;
                Ok(Value {
                    bits: lit.value,
                    unsigned: lit.unsigned,
                })
            }
            Tok::Char(c) => Ok(Value::signed(i64::from(c))),
            // C: an identifier that is not a macro is 0 in `#if`.
            Tok::Ident(_) => Ok(Value::signed(0)),
            _ => Err(IdlError::new(
                t.span,
                format!(
                    "expected a value in `#if` expression, found {}",
                    t.describe(self.names)
                ),
            )),
        }
    }
}

fn apply(op: P, a: Value, b: Value, live: bool, at: Span) -> Result<Value, IdlError> {
    let unsigned = a.unsigned || b.unsigned;
    let (x, y) = (a.bits, b.bits);
    let (sx, sy) = (x as i64, y as i64);
    let arith = |bits: u64| Value { bits, unsigned };
    Ok(match op {
        P::OrOr => Value::truth(a.is_true() || b.is_true()),
        P::AndAnd => Value::truth(a.is_true() && b.is_true()),
        P::Pipe => arith(x | y),
        P::Caret => arith(x ^ y),
        P::Amp => arith(x & y),
        P::EqEq => Value::truth(x == y),
        P::Ne => Value::truth(x != y),
        P::Lt => Value::truth(if unsigned { x < y } else { sx < sy }),
        P::Gt => Value::truth(if unsigned { x > y } else { sx > sy }),
        P::Le => Value::truth(if unsigned { x <= y } else { sx <= sy }),
        P::Ge => Value::truth(if unsigned { x >= y } else { sx >= sy }),
        // Shifts take the left operand's type; out-of-range counts give 0 rather than C's UB.
        P::Shl => Value {
            bits: u32::try_from(y)
                .ok()
                .and_then(|n| x.checked_shl(n))
                .unwrap_or(0),
            unsigned: a.unsigned,
        },
        P::Shr => Value {
            bits: match u32::try_from(y).ok().filter(|n| *n < 64) {
                Some(n) if a.unsigned => x >> n,
                Some(n) => (sx >> n) as u64,
                None if !a.unsigned && sx < 0 => u64::MAX,
                None => 0,
            },
            unsigned: a.unsigned,
        },
        P::Plus => arith(x.wrapping_add(y)),
        P::Minus => arith(x.wrapping_sub(y)),
        P::Star => arith(x.wrapping_mul(y)),
        P::Slash | P::Percent => {
            if y == 0 {
                if !live {
                    return Ok(arith(0));
                }
                return Err(IdlError::new(at, "division by zero in `#if` expression"));
            }
            let div = op == P::Slash;
            arith(match (unsigned, div) {
                (true, true) => x / y,
                (true, false) => x % y,
                (false, true) => sx.wrapping_div(sy) as u64,
                (false, false) => sx.wrapping_rem(sy) as u64,
            })
        }
        _ => arith(0),
    })
}
