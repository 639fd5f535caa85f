//! Layout under rustfmt's default rules (edition 2024 style, `max_width` 100, the default width
//! heuristics), for the syntax in `ast`. Each `rw_*` function answers the text of a node in a
//! shape, or `None` when it cannot fit; callers then try the next layout, as rustfmt does.

use super::ast::*;

pub const MAX_WIDTH: usize = 100;
const TAB: usize = 4;
const FN_CALL_WIDTH: usize = 60;
const ATTR_FN_LIKE_WIDTH: usize = 70;
const STRUCT_LIT_WIDTH: usize = 18;
const ARRAY_WIDTH: usize = 60;
const CHAIN_WIDTH: usize = 60;
const SHORT_ARRAY_ELEMENT_WIDTH: usize = 10;
const SINGLE_LINE_IF_ELSE_WIDTH: usize = 50;

/// Where text goes: the block indent, the column it starts at and the columns left on its first
/// line (rustfmt's `Shape`, with the offset absolute).
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub indent: usize,
    pub offset: usize,
    pub width: usize,
}

impl Shape {
    /// A shape no text overflows (for the one-line form of anything).
    fn unbounded() -> Shape {
        Shape {
            indent: 0,
            offset: 0,
            width: usize::MAX / 4,
        }
    }

    pub fn indented(indent: usize) -> Shape {
        Shape {
            indent,
            offset: indent,
            width: MAX_WIDTH.saturating_sub(indent),
        }
    }

    fn offset_left(self, n: usize) -> Option<Shape> {
        Some(Shape {
            indent: self.indent,
            offset: self.offset + n,
            width: self.width.checked_sub(n)?,
        })
    }

    fn sub_width(self, n: usize) -> Option<Shape> {
        Some(Shape {
            width: self.width.checked_sub(n)?,
            ..self
        })
    }

    /// What the shape keeps free at the right of the line.
    fn rhs_overhead(self) -> usize {
        MAX_WIDTH.saturating_sub(self.offset + self.width)
    }

    /// The shape one block deeper, with the full width (less what this one keeps at the right).
    fn nested(self) -> Shape {
        Shape::indented(self.indent + TAB)
    }

    fn with_width(self, width: usize) -> Shape {
        Shape { width, ..self }
    }
}

/// A rewrite's text: borrowed from the syntax tree where it is the source's text as it stands
/// (paths, literals), else made.
type Txt<'e> = std::borrow::Cow<'e, str>;

/// The parts one after another, in one allocation of the right size.
fn cat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// [`cat`] at the end of `s`, which grows once.
fn push_all(s: &mut String, parts: &[&str]) {
    s.reserve(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
}

/// `n` spaces (a slice of one string for the usual depths).
fn spaces(n: usize) -> std::borrow::Cow<'static, str> {
    const SPACES: &str = match std::str::from_utf8(&[b' '; 256]) {
        Ok(s) => s,
        Err(_) => "",
    };
    match SPACES.get(..n) {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(" ".repeat(n)),
    }
}

fn first_line(s: &str) -> &str {
    match crate::bytes::find_byte(s.as_bytes(), b'\n') {
        Some(at) => &s[..at],
        None => s,
    }
}

fn last_line(s: &str) -> &str {
    match s.as_bytes().iter().rposition(|&b| b == b'\n') {
        Some(at) => &s[at + 1..],
        None => s,
    }
}

fn first_line_width(s: &str) -> usize {
    width(first_line(s))
}

fn last_line_width(s: &str) -> usize {
    width(last_line(s))
}

/// The width in characters (what rustfmt's final checks count).
fn real_width(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// The width rustfmt measures: a turbofish's `::` is not counted (rustfmt's path rewrite
/// leaves it out of the budget), so such lines may run two columns over.
fn width(s: &str) -> usize {
    let bytes = s.as_bytes();
    // Most text is ASCII without `<`: its width is its length. One pass without an early exit
    // tells (eight bytes a step for short text, where a vectorized loop would spend its time
    // in its tail; the compiler vectorizes the loop for long text); the rest is counted in
    // full.
    let plain = if bytes.len() <= 64 {
        plain_short(bytes)
    } else {
        bytes
            .iter()
            .fold(0u8, |acc, &b| acc | (b & 0x80) | u8::from(b == b'<'))
            == 0
    };
    if plain {
        return bytes.len();
    }
    real_width(s) - 2 * turbofish_count(bytes)
}

/// Whether `bytes` are ASCII without `<`, tested eight at a time: a byte is flagged when its
/// high bit is set, or when it is `<` (its xor with `<` is zero, which the borrow of the
/// subtraction shows in the high bit; the test may flag bytes above a zero one too, but flags
/// none where no byte is zero).
fn plain_short(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LT: u64 = ONES * b'<' as u64;
    let flag = |x: u64| {
        let y = x ^ LT;
        x | (y.wrapping_sub(ONES) & !y)
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut flags = 0;
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        flags |= flag(u64::from_le_bytes(word));
    }
    // The rest padded with zero bytes, which are neither flagged nor `<` (put together byte
    // by byte: a copy of a length not known would call memcpy).
    let rest = chunks
        .remainder()
        .iter()
        .rev()
        .fold(0, |w, &b| (w << 8) | u64::from(b));
    flags |= flag(rest);
    flags & HIGH == 0
}

/// How many `::<` `bytes` holds: each `<` found by a word-at-a-time search, and the two bytes
/// before it looked at (a text measured here has a `<` or two, and is often long).
fn turbofish_count(bytes: &[u8]) -> usize {
    let mut n = 0;
    // A `<` before index 2 has no two bytes before it.
    let mut from = 2;
    while let Some(at) = bytes
        .get(from..)
        .and_then(|b| crate::bytes::find_byte(b, b'<'))
    {
        let lt = from + at;
        n += usize::from(bytes.get(lt - 2..lt) == Some(b"::".as_slice()));
        from = lt + 1;
    }
    n
}

/// Whether `s` is at most `w` columns wide; a text never has more columns than bytes, so most
/// are measured by their length alone.
fn fits(s: &str, w: usize) -> bool {
    s.len() <= w || width(s) <= w
}

fn multi(s: &str) -> bool {
    // Most texts asked are short: looked at eight bytes a step without an early exit, which
    // costs less than a memchr's setup (or a vectorized loop's tail).
    match s.as_bytes() {
        b if b.len() < 8 => b.iter().fold(false, |a, &c| a | (c == b'\n')),
        b if b.len() <= 32 => newline_in_words(b),
        b => b.contains(&b'\n'),
    }
}

/// Whether `bytes` (eight or more) hold a `\n`: each eight-byte word, and the last eight
/// bytes (overlapping the words before), tested at once. A byte is flagged when it is `\n`
/// (its xor with `\n` is zero, which the borrow of the subtraction shows in the high bit;
/// bytes above a zero one may be flagged too, but none is where no byte is zero).
fn newline_in_words(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const NL: u64 = ONES * b'\n' as u64;
    let flag = |c: &[u8]| {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        let y = u64::from_le_bytes(word) ^ NL;
        y.wrapping_sub(ONES) & !y & HIGH
    };
    let tail = bytes.len().saturating_sub(8);
    let mut flags = flag(&bytes[tail..]);
    for c in bytes.chunks_exact(8) {
        flags |= flag(c);
    }
    flags != 0
}

/// Whether `s` has more than `n` lines (counting stops there: `s` may be a long block).
fn more_lines_than(s: &str, n: usize) -> bool {
    s.bytes()
        .filter(|b| *b == b'\n')
        .nth(n.saturating_sub(1))
        .is_some()
}

/// The line breaks in `s`, counted in chunks of 255 bytes with a byte-wide sum, which the
/// compiler vectorizes (the texts compared may be whole blocks).
fn count_newlines(s: &str) -> usize {
    s.as_bytes()
        .chunks(255)
        .map(|c| usize::from(c.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'))))
        .sum()
}

/// Whether every line after the first fits the maximum width.
fn rest_fits(s: &str) -> bool {
    let Some(at) = crate::bytes::find_byte(s.as_bytes(), b'\n') else {
        return true;
    };
    s[at + 1..].split('\n').all(|l| fits(l, MAX_WIDTH))
}

/// rustfmt's `wrap_str`: the first line in the shape's width, the others within the maximum.
fn wrap(s: String, sh: Shape) -> Option<String> {
    if first_line_width(&s) <= sh.width && rest_fits(&s) {
        if multi(&s) && last_line_width(&s) > sh.width + sh.offset {
            return None;
        }
        Some(s)
    } else {
        None
    }
}

/// Whether the last line is only closing brackets (what may continue after it).
fn last_line_extendable(s: &str) -> bool {
    let last = last_line(s).trim();
    !last.is_empty()
        && last
            .chars()
            .all(|c| matches!(c, ')' | ']' | '}' | '?' | '>'))
}

// ---------------------------------------------------------------- expressions

fn is_simple(e: &Expr<'_>) -> bool {
    match e {
        Expr::Text(t) => is_simple_text(t),
        Expr::Unary(_, o) | Expr::Field(o, _) | Expr::Cast(o, _) => match o {
            Operand::Path(t) => is_simple_text(t),
            Operand::Expr(x) => is_simple(x),
        },
        Expr::Try(x) => is_simple(x),
        Expr::Index(a, b) => is_simple(a) && is_simple(b),
        _ => false,
    }
}

fn is_nested_call(e: &Expr<'_>) -> bool {
    match e {
        Expr::Call(..) | Expr::Macro(..) => true,
        Expr::Unary(_, o) => o.expr().is_some_and(is_nested_call),
        Expr::Cast(o, _) => o.expr().is_some_and(is_nested_call),
        Expr::Try(x) => is_nested_call(x),
        _ => false,
    }
}

fn is_method_call(e: &Expr<'_>) -> bool {
    matches!(e, Expr::MethodCall(..))
}

fn can_be_overflowed(e: &Expr<'_>, len: usize) -> bool {
    match e {
        Expr::Match(..) | Expr::If(..) => len == 1,
        Expr::Block(..) | Expr::Closure(..) => true,
        Expr::Array(..) | Expr::Struct(..) => len == 1,
        Expr::Macro(..) | Expr::Call(..) | Expr::MethodCall(..) | Expr::Tuple(..) => len == 1,
        Expr::Unary(_, o) => o.expr().is_some_and(|x| can_be_overflowed(x, len)),
        Expr::Cast(o, _) => o.expr().is_some_and(|x| can_be_overflowed(x, len)),
        Expr::Try(x) => can_be_overflowed(x, len),
        _ => false,
    }
}

/// The text of `e` in `sh`.
pub fn rw<'e>(e: &'e Expr<'_>, sh: Shape) -> Option<Txt<'e>> {
    match e {
        Expr::Text(t) => rw_path(t, sh),
        Expr::Jump(kw, None) => (kw.len() <= sh.width).then_some(Txt::Borrowed(kw)),
        _ => rw_made(e, sh).map(Txt::Owned),
    }
}

/// Whether a path or literal is simple (rustfmt's `is_simple_expr` for a path or literal).
fn is_simple_text(t: &str) -> bool {
    !t.contains("::") && !t.starts_with('<') && !t.contains(' ') || t.starts_with('"')
}

/// The text of an operand in `sh`: a path as [`rw`] writes [`Expr::Text`].
fn rw_operand<'e>(o: &'e Operand<'_>, sh: Shape) -> Option<Txt<'e>> {
    match o {
        Operand::Path(t) => rw_path(t, sh),
        Operand::Expr(x) => rw(x, sh),
    }
}

/// [`rw`] for what is not a leaf: text made from the parts' rewrites.
fn rw_made(e: &Expr<'_>, sh: Shape) -> Option<String> {
    match e {
        Expr::Text(t) => rw_path(t, sh).map(Txt::into_owned),
        Expr::Unary(op, x) => {
            let inner = rw_operand(x, sh.offset_left(op.len())?)?;
            Some(cat(&[op, &inner]))
        }
        Expr::Try(_) | Expr::MethodCall(..) | Expr::Field(..) => rw_chain(e, sh),
        Expr::Cast(x, ty) => rw_pair(x, ty, " as ", sh),
        Expr::Binary(..) => rw_binary(e, sh),
        Expr::Assign(l, op, r) => {
            let mut s = cat(&[&rw(l, sh)?, " ", op]);
            push_assign_rhs(&mut s, 0, r, Some(sh)).then_some(s)
        }
        Expr::Call(callee, args) => {
            let c = rw_operand(callee, sh)?;
            rw_list(["", &c], args, "(", ")", sh, FN_CALL_WIDTH, true)
        }
        Expr::Index(x, i) => {
            let base = rw(x, sh)?;
            let idx = rw(i, sh.offset_left(last_line_width(&base) + 1)?.sub_width(1)?)?;
            wrap(cat(&[&base, "[", &idx, "]"]), sh)
        }
        Expr::Macro(path, delim, args) => rw_macro(path, *delim, args, sh),
        Expr::Paren(x) => {
            let inner = rw(x, sh.offset_left(1)?.sub_width(1)?)?;
            Some(cat(&["(", &inner, ")"]))
        }
        Expr::Tuple(items) => {
            if items.len() == 1 {
                let inner = rw(&items[0], sh.offset_left(1)?.sub_width(2)?)?;
                return Some(cat(&["(", &inner, ",)"]));
            }
            rw_list(["", ""], items, "(", ")", sh, FN_CALL_WIDTH, true)
        }
        Expr::Array(items) => rw_list(["", ""], items, "[", "]", sh, ARRAY_WIDTH, true),
        Expr::Repeat(x, n) => {
            let a = rw(x, sh.offset_left(1)?)?;
            let b = rw(n, sh.offset_left(width(&a) + 3)?)?;
            wrap(cat(&["[", &a, "; ", &b, "]"]), sh)
        }
        Expr::Struct(path, fields, base) => rw_struct(path, fields, base.as_deref(), sh),
        Expr::Block(prefix, block) => rw_block_expr(prefix, block, sh, true),
        Expr::If(branches, else_block) => rw_if(branches, else_block.as_deref(), sh, true),
        Expr::Match(scrutinee, arms) => rw_match(scrutinee, arms, sh),
        Expr::Closure(params, ret, body) => rw_closure(params, ret.as_deref(), body, sh),
        Expr::Jump(kw, value) => match value {
            None => (kw.len() <= sh.width).then(|| kw.to_string()),
            Some(v) => {
                let inner = rw(v, sh.offset_left(kw.len() + 1)?)?;
                Some(cat(&[kw, " ", &inner]))
            }
        },
        Expr::Commented(comments, x) => {
            let ind = spaces(sh.indent);
            let inner = rw(x, Shape::indented(sh.indent).with_width(sh.width))?;
            let mut s = String::new();
            for c in comments {
                s.push_str(c.trim_end());
                s.push('\n');
                s.push_str(&ind);
            }
            Some(s + &inner)
        }
        Expr::Range(a, op, b) => {
            let l = match a {
                Some(a) => rw(a, sh)?,
                None => Txt::Borrowed(""),
            };
            let r = match b {
                Some(b) => rw(b, sh.offset_left(last_line_width(&l) + op.len())?)?,
                None => Txt::Borrowed(""),
            };
            wrap(cat(&[&l, op, &r]), sh)
        }
    }
}

/// A path or literal; a path whose last segment has `::<…>` breaks the arguments one a line
/// when the path does not fit but the part before `::<` does.
fn rw_path(t: &str, sh: Shape) -> Option<Txt<'_>> {
    if fits(t, sh.width) {
        return Some(Txt::Borrowed(t));
    }
    let open = t.find("::<")?;
    if !t.ends_with('>') || width(&t[..open]) > sh.width {
        return None;
    }
    let args = split_top_level(&t[open + 3..t.len() - 1]);
    let ind = spaces(sh.indent + TAB);
    let body: Vec<String> = args.iter().map(|a| cat(&[&ind, a, ","])).collect();
    Some(Txt::Owned(cat(&[
        &t[..open],
        "::<\n",
        &body.join("\n"),
        "\n",
        &spaces(sh.indent),
        ">",
    ])))
}

/// The comma-separated parts of `s` outside brackets, trimmed (a trailing comma ends none).
fn split_top_level(s: &str) -> Vec<String> {
    let mut parts: Vec<String> = split_top_level_on(s, ",")
        .into_iter()
        .map(|p| p.trim().to_string())
        .collect();
    if parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
}

/// The one-line text of `e` whatever its width (what rustfmt keeps when nothing fits).
pub fn flat<'e>(e: &'e Expr<'_>) -> Txt<'e> {
    rw(e, Shape::unbounded()).unwrap_or_default()
}

/// rustfmt's `rewrite_pair` with the separator in front (`as`).
fn rw_pair(lhs: &Operand<'_>, rhs: &Type, infix: &str, sh: Shape) -> Option<String> {
    let lhs_shape = sh.with_width(MAX_WIDTH.saturating_sub(sh.offset));
    let l = rw_operand(lhs, lhs_shape)?;
    if let Some(r) = sh
        .offset_left(last_line_width(&l) + infix.len())
        .and_then(|s| rw_type(rhs, s))
    {
        let allow_same_line = width(&l) <= TAB || first_line(&r).ends_with('{');
        if (!multi(&r) || allow_same_line)
            && last_line_width(&l) + infix.len() + first_line_width(&r) <= sh.width
        {
            return Some(cat(&[&l, infix, &r]));
        }
    }
    let overhead = sh.rhs_overhead();
    let rhs_shape = Shape::indented(sh.indent + TAB).sub_width(overhead)?;
    let infix = infix.trim_start();
    let rhs_shape = rhs_shape.offset_left(infix.len())?;
    let r = rw_type(rhs, rhs_shape)?;
    Some(cat(&[&l, "\n", &spaces(rhs_shape.indent), infix, &r]))
}

/// Binary operators: the chain of one operator flattened, then one line or one operand a line.
fn rw_binary(e: &Expr<'_>, sh: Shape) -> Option<String> {
    let Expr::Binary(l, top, r) = e else {
        return None;
    };
    // One operator (the usual case) is a pair: no lists are made for it.
    let (mut operand_list, mut sep_list) = (Vec::new(), Vec::new());
    let pair: [&Operand<'_>; 2];
    let (operands, seps): (&[&Operand<'_>], &[&str]) = match l {
        Operand::Expr(x) if matches!(&**x, Expr::Binary(_, op, _) if op == top) => {
            flatten_binary(e, top, &mut operand_list, &mut sep_list);
            (&operand_list, &sep_list)
        }
        _ => {
            pair = [l, r];
            (&pair, std::slice::from_ref(top))
        }
    };
    // One line (the last operand may run over lines).
    if let Some(s) = binary_one_line(operands, seps, sh) {
        return Some(s);
    }
    let nested = Shape::indented(sh.indent + TAB).sub_width(sh.rhs_overhead())?;
    let mut result = rw_operand(operands[0], sh)?.into_owned();
    for (op, sep) in operands[1..].iter().zip(seps) {
        let offset = if multi(&result) { 0 } else { sh.offset };
        if last_line_width(&result) + offset <= nested.offset
            && let Some(line) =
                sh.offset_left(sep.len() + 2 + last_line_width(&result).min(width(&result)))
            && let Some(r) = rw_operand(op, line)
        {
            push_all(&mut result, &[" ", sep, " ", &r]);
            continue;
        }
        let shape = nested.offset_left(sep.len() + 1)?;
        let r = rw_operand(op, shape)?;
        push_all(&mut result, &["\n", &spaces(nested.indent), sep, " ", &r]);
    }
    Some(result)
}

/// The operands and operators of `e`, a binary expression of the operator `top`, with the
/// left operands of that operator flattened (`a + b + c`: `a`, `b`, `c`).
fn flatten_binary<'e, 'a>(
    e: &'e Expr<'a>,
    top: &str,
    operands: &mut Vec<&'e Operand<'a>>,
    seps: &mut Vec<&'a str>,
) {
    let Expr::Binary(l, op, r) = e else {
        return;
    };
    match l {
        Operand::Expr(x) if matches!(&**x, Expr::Binary(_, lop, _) if *lop == top) => {
            flatten_binary(x, top, operands, seps);
        }
        _ => operands.push(l),
    }
    seps.push(op);
    operands.push(r);
}

fn binary_one_line(operands: &[&Operand<'_>], seps: &[&str], sh: Shape) -> Option<String> {
    let mut result = String::new();
    for (op, sep) in operands.iter().zip(seps) {
        let r = rw_operand(op, sh)?;
        if multi(&r) || width(&result) > sh.width {
            return None;
        }
        if result.capacity() == 0 {
            // Room for a line at once (it is written piece by piece).
            result.reserve(MAX_WIDTH);
        }
        result.push_str(&r);
        result.push(' ');
        result.push_str(sep);
        result.push(' ');
    }
    let prefix_len = width(&result);
    let last = operands.last()?;
    let cur = sh.offset_left(prefix_len)?;
    let last_rw = rw_operand(last, cur)?;
    result.push_str(&last_rw);
    if first_line_width(&result) > sh.width {
        return None;
    }
    if multi(&result) && !last_rw.starts_with('{') && (last_rw.starts_with('(') || prefix_len > TAB)
    {
        return None;
    }
    wrap(result, sh)
}

/// Where a right-hand side goes: after the operator, or on the next line one block deeper.
enum Rhs<'e> {
    Same(Txt<'e>),
    Next(Txt<'e>),
}

/// Writes the right-hand side after its left-hand side (at the end of `out`).
fn push_rhs(out: &mut String, rhs: Rhs<'_>, indent: usize) {
    // Room for it all at once (else the separator and the text may each grow `out`).
    let (Rhs::Same(t) | Rhs::Next(t)) = &rhs;
    out.reserve(1 + indent + TAB + t.len());
    match rhs {
        Rhs::Same(o) => {
            out.push(' ');
            out.push_str(&o);
        }
        Rhs::Next(n) => {
            out.push('\n');
            out.push_str(&spaces(indent + TAB));
            out.push_str(&n);
        }
    }
}

/// `lhs = rhs` and `let pat = rhs` for a left-hand side written already, at `start..` of `out`
/// (it ends with the operator): the rhs on the same line, or on the next one when that is
/// better (rustfmt's `choose_rhs`). False, and `out` as it was, when nothing fits.
fn push_assign_rhs(out: &mut String, start: usize, e: &Expr<'_>, sh: Option<Shape>) -> bool {
    match sh.and_then(|sh| Some((choose_rhs(&out[start..], e, sh)?, sh))) {
        Some((rhs, sh)) => {
            push_rhs(out, rhs, sh.indent);
            true
        }
        None => false,
    }
}

/// Where the right-hand side of [`push_assign_rhs`] goes, and its text.
fn choose_rhs<'e>(lhs: &str, e: &'e Expr<'_>, sh: Shape) -> Option<Rhs<'e>> {
    let lw = if multi(lhs) {
        last_line_width(lhs).saturating_sub(sh.indent)
    } else {
        last_line_width(lhs)
    };
    let orig_shape = sh.offset_left(lw + 1).unwrap_or(Shape {
        width: 0,
        offset: sh.offset + lw + 1,
        indent: sh.indent,
    });
    let orig = rw(e, orig_shape);
    if let Some(o) = &orig
        && !multi(o)
        && real_width(o) <= orig_shape.width
    {
        return orig.map(Rhs::Same);
    }
    let new_shape = Shape::indented(sh.indent + TAB).sub_width(sh.rhs_overhead())?;
    let new = rw(e, new_shape);
    Some(match (orig, new) {
        (Some(o), Some(n)) if !(first_line_width(&n) <= new_shape.width && rest_fits(&n)) => {
            Rhs::Same(o)
        }
        (Some(o), Some(n)) if prefer_next_line(&o, &n) => Rhs::Next(n),
        (None, Some(n)) => Rhs::Next(n),
        (None, None) => return None,
        (Some(o), _) => Rhs::Same(o),
    })
}

fn first_line_ends_with(s: &str, c: char) -> bool {
    first_line(s).ends_with(c)
}

fn prefer_next_line(orig: &str, next: &str) -> bool {
    !multi(next)
        || count_newlines(orig) > count_newlines(next) + 1
        || first_line_ends_with(orig, '(') && !first_line_ends_with(next, '(')
        || first_line_ends_with(orig, '{') && !first_line_ends_with(next, '{')
        || first_line_ends_with(orig, '[') && !first_line_ends_with(next, '[')
}

// ---------------------------------------------------------------- lists (calls, arrays, tuples)

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tactic {
    Horizontal,
    Vertical,
    Mixed,
}

/// `items` by their one-line widths (`None`: missing, or over lines).
fn definitive_tactic(items: impl Iterator<Item = Option<usize>>, limit: usize) -> Tactic {
    let mut total = 0;
    let mut count = 0;
    for i in items {
        match i {
            Some(w) => total += w,
            None => return Tactic::Vertical,
        }
        count += 1;
    }
    total += 2 * usize::saturating_sub(count, 1);
    if total <= limit {
        Tactic::Horizontal
    } else {
        Tactic::Vertical
    }
}

/// The width of a text on one line, `None` if it is over lines.
fn one_line_width(s: &str) -> Option<usize> {
    (!multi(s)).then(|| width(s))
}

/// A list item's rewrite, measured once (a list asks its widths several times).
struct Measured<'e> {
    text: Txt<'e>,
    /// The width when on one line.
    flat: Option<usize>,
}

impl<'e> Measured<'e> {
    fn new(text: Txt<'e>) -> Measured<'e> {
        let flat = one_line_width(&text);
        Measured { text, flat }
    }

    /// The width of the whole text, line breaks included (as rustfmt measures some items).
    fn width(&self) -> usize {
        self.flat.unwrap_or_else(|| width(&self.text))
    }
}

/// The tactic of measured items (`None`: an item that did not fit).
fn tactic_of(items: &[Option<Measured<'_>>], limit: usize) -> Tactic {
    definitive_tactic(items.iter().map(|i| i.as_ref().and_then(|m| m.flat)), limit)
}

/// A call's argument list (rustfmt's `overflow::rewrite_with_parens`): `callee` is written
/// already (its last line is where the list starts), in two parts one after the other (a
/// method's `.` and its name, not joined in a string of their own for this); the first is on
/// one line, and the second starts with no `::<` or `<` that the first would complete.
fn rw_list(
    callee: [&str; 2],
    args: &[Expr<'_>],
    open: &str,
    close: &str,
    sh: Shape,
    item_max_width: usize,
    trailing_comma: bool,
) -> Option<String> {
    let [lead, callee] = callee;
    // The callee counts in full (rustfmt's `extra_offset`), unlike the items.
    let last = last_line(callee);
    let lead_used = if last.len() == callee.len() {
        lead.len()
    } else {
        0
    };
    let used = real_width(last) + lead_used;
    if args.is_empty() {
        return wrap(cat(&[lead, callee, open, close]), sh);
    }
    let one_line_width = sh.width.saturating_sub(used + 2);
    let one_line_shape = sh
        .offset_left(used + 1)
        .and_then(|s| s.sub_width(1))
        .unwrap_or(Shape { width: 0, ..sh });
    let nested = {
        let n = sh.nested();
        n.with_width(n.width.saturating_sub(1))
    };
    let n = args.len();
    let last = &args[n - 1];
    let rw_nested = |a| rw(a, nested).map(Measured::new);
    let mut items: Vec<Option<Measured<'_>>> = take_items(n);
    items.extend(args[..n - 1].iter().map(rw_nested));

    // try_overflow_last_item
    // `fits` of the two parts joined: the first is as wide as it is long.
    let combine_with_callee = n == 1 && fits(callee, (TAB - 1).saturating_sub(lead.len()));
    let overflow_last = combine_with_callee || can_be_overflowed(last, n);
    let placeholder = if overflow_last {
        let shape = if n == 1 && !is_nested_call(last) {
            Some(one_line_shape)
        } else {
            let offset: usize = items[..n - 1]
                .iter()
                .map(|i| 2 + i.as_ref().map_or(0, Measured::width))
                .sum();
            one_line_shape
                .with_width(item_max_width.min(one_line_shape.width))
                .offset_left(offset)
        };
        let force_one_line = !combine_with_callee && is_method_call(last);
        shape.and_then(|s| overflow_item(last, args, s, force_one_line))
    } else {
        None
    };
    let limit = item_max_width.min(one_line_width);
    // The last item in the nested shape, when it is among `items` already.
    let mut last_is_nested = false;
    let mut tactic = match &placeholder {
        // The overflowed item counts by its first line.
        Some(r) => definitive_tactic(
            items
                .iter()
                .map(|i| i.as_ref().and_then(|m| m.flat))
                .chain(std::iter::once(Some(first_line_width(r)))),
            limit,
        ),
        None => {
            items.push(rw_nested(last));
            last_is_nested = true;
            tactic_of(&items, limit)
        }
    };
    match (overflow_last, tactic, placeholder) {
        (true, Tactic::Horizontal, Some(overflowed)) if n == 1 => {
            let one_line = if count_newlines(&overflowed) == 1 {
                rw(last, nested).filter(|s| !multi(s))
            } else {
                None
            };
            items.push(Some(Measured::new(one_line.unwrap_or(overflowed))));
        }
        (true, Tactic::Horizontal, Some(overflowed)) => {
            items.push(Some(Measured::new(overflowed)));
        }
        _ => {
            if !last_is_nested {
                items.push(rw_nested(last));
            }
            if n == 1
                && one_line_width != 0
                && items[0]
                    .as_ref()
                    .and_then(|m| m.flat)
                    .is_some_and(|w| w <= one_line_width)
            {
                tactic = Tactic::Horizontal;
            } else {
                tactic = tactic_of(&items, limit);
                // The widths first: they are measured already, and most lists have a wide
                // item (is_simple searches each argument's text).
                if tactic == Tactic::Vertical
                    && items.iter().all(|i| {
                        i.as_ref()
                            .is_some_and(|m| m.width() <= SHORT_ARRAY_ELEMENT_WIDTH)
                    })
                    && args.iter().all(is_simple)
                {
                    tactic = Tactic::Mixed;
                }
            }
        }
    }
    let items: Vec<Measured<'_>> = items.into_iter().collect::<Option<_>>()?;
    // wrap_items: on the callee's line when the items are and their first line fits.
    let single = tactic == Tactic::Horizontal && joined_first_line_width(&items) < sh.width;
    let text_len: usize = items.iter().map(|i| i.text.len() + 2 + nested.indent).sum();
    let mut s = String::with_capacity(lead.len() + callee.len() + text_len + sh.indent + 8);
    s.push_str(lead);
    s.push_str(callee);
    s.push_str(open);
    if !single {
        s.push('\n');
        s.push_str(&spaces(nested.indent));
    }
    push_list_body(&mut s, &items, tactic, nested, open == "(", trailing_comma);
    give_items(items);
    if !single {
        s.push('\n');
        s.push_str(&spaces(sh.indent));
    }
    s.push_str(close);
    Some(s)
}

thread_local! {
    /// Emptied lists of [`rw_list`]'s items, kept for the next lists: a list is made for every
    /// call, array and tuple, often several times over in different shapes, and taking one
    /// here costs less than allocating and freeing it.
    static ITEMS: std::cell::RefCell<Vec<Vec<Measured<'static>>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// An empty list for `n` items: one kept, else a new one.
fn take_items<'e>(n: usize) -> Vec<Option<Measured<'e>>> {
    let mut items = recycle(ITEMS.with(|p| p.borrow_mut().pop()).unwrap_or_default());
    items.reserve(n);
    items
}

/// Keeps `items`' room for a later [`take_items`] (a list left elsewhere is only freed).
fn give_items(items: Vec<Measured<'_>>) {
    /// Lists kept at most: as deep as lists nest in the generated code, and more.
    const KEPT: usize = 16;
    let items = recycle(items);
    ITEMS.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() < KEPT {
            p.push(items);
        }
    });
}

/// `v` emptied, as a list of items that borrow anything: the same room (collecting an empty
/// vector's iterator into one of a type of the same size keeps its allocation).
fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// The width of the first line of `items` joined by `, `.
fn joined_first_line_width(items: &[Measured<'_>]) -> usize {
    let mut total = 0;
    for (i, item) in items.iter().enumerate() {
        let sep = if i == 0 { 0 } else { 2 };
        match item.flat {
            Some(w) => total += w + sep,
            None => return total + sep + first_line_width(&item.text),
        }
    }
    total
}

/// A list's items laid out by `tactic` (the separators, not the brackets).
fn push_list_body(
    s: &mut String,
    items: &[Measured<'_>],
    tactic: Tactic,
    nested: Shape,
    paren: bool,
    trailing_comma: bool,
) {
    match tactic {
        Tactic::Horizontal => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push_str(&item.text);
            }
        }
        Tactic::Vertical => {
            let ind = spaces(nested.indent);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    s.push_str(",\n");
                    s.push_str(&ind);
                }
                s.push_str(&item.text);
            }
            if trailing_comma {
                s.push(',');
            }
        }
        Tactic::Mixed => {
            let mut line = 0;
            for (i, item) in items.iter().enumerate() {
                let w = item.width();
                if i == 0 {
                    s.push_str(&item.text);
                    line = w + 1;
                } else if line + 2 + w <= nested.width + usize::from(paren) {
                    s.push_str(", ");
                    s.push_str(&item.text);
                    line += 2 + w;
                } else {
                    s.push_str(",\n");
                    s.push_str(&spaces(nested.indent));
                    s.push_str(&item.text);
                    line = w + 1;
                }
            }
            if trailing_comma {
                s.push(',');
            }
        }
    }
}

/// The last argument, written to run over lines after the others (rustfmt's
/// `rewrite_last_item_with_overflow`).
fn overflow_item<'e>(
    last: &'e Expr<'_>,
    args: &[Expr<'_>],
    sh: Shape,
    force_one_line: bool,
) -> Option<Txt<'e>> {
    match last {
        Expr::Closure(params, ret, body) => {
            let closures = args
                .iter()
                .filter(|a| matches!(a, Expr::Closure(..)))
                .count();
            if closures > 1 {
                return None;
            }
            rw_last_closure(params, ret.as_deref(), body, sh).map(Txt::Owned)
        }
        Expr::If(..) | Expr::Match(..) => rw(last, sh),
        _ if force_one_line => rw_chain_forced(last, sh),
        _ => rw(last, sh),
    }
}

fn rw_macro(path: &str, delim: char, args: &MacroArgs<'_>, sh: Shape) -> Option<String> {
    match (delim, args) {
        ('(', MacroArgs::Exprs(list)) => {
            rw_list(["", path], list, "(", ")", sh, FN_CALL_WIDTH, false)
        }
        ('[', MacroArgs::Exprs(list)) => {
            rw_list(["", path], list, "[", "]", sh, ARRAY_WIDTH, false)
        }
        (_, MacroArgs::Exprs(list)) => {
            let texts: Vec<Txt<'_>> = list.iter().map(flat).collect();
            Some(cat(&[path, " { ", &texts.join(", "), " }"]))
        }
        (d, MacroArgs::Text(t)) => {
            let (o, c) = match d {
                '(' => ("(", ")"),
                '[' => ("[", "]"),
                _ => ("{ ", " }"),
            };
            Some(cat(&[path, o, t, c]))
        }
    }
}

// ---------------------------------------------------------------- chains

enum Link<'e, 'a> {
    Method(&'e str, &'e [Expr<'a>]),
    Field(&'e str),
}

struct ChainPart<'e, 'a> {
    link: Link<'e, 'a>,
    tries: usize,
}

/// What a chain starts with: an expression, or a path kept in place as a receiver.
#[derive(Clone, Copy)]
enum Root<'e, 'a> {
    Expr(&'e Expr<'a>),
    Path(&'e str),
}

/// The root and the links of `a.b(x).c?.d`.
fn flatten_chain<'e, 'a>(e: &'e Expr<'a>) -> (Root<'e, 'a>, usize, Vec<ChainPart<'e, 'a>>) {
    let mut parts = Vec::new();
    let mut cur = e;
    let mut tries = 0;
    let receiver = |recv: &'e Operand<'a>| match recv {
        Operand::Path(t) => Err(Root::Path(t)),
        Operand::Expr(x) => Ok(&**x),
    };
    let root = loop {
        let recv = match cur {
            Expr::Try(x) => {
                tries += 1;
                cur = x;
                continue;
            }
            Expr::MethodCall(recv, name, args) => {
                parts.push(ChainPart {
                    link: Link::Method(name, args),
                    tries,
                });
                recv
            }
            Expr::Field(recv, name) => {
                parts.push(ChainPart {
                    link: Link::Field(name),
                    tries,
                });
                recv
            }
            _ => break Root::Expr(cur),
        };
        tries = 0;
        match receiver(recv) {
            Ok(x) => cur = x,
            Err(path) => break path,
        }
    };
    parts.reverse();
    (root, tries, parts)
}

fn rw_link(p: &ChainPart<'_, '_>, sh: Shape) -> Option<String> {
    let sh = sh.sub_width(p.tries)?;
    let mut s = match &p.link {
        Link::Field(name) => {
            let s = cat(&[".", name]);
            fits(&s, sh.width).then_some(s)?
        }
        Link::Method(name, args) => {
            // No width check: a call in too narrow a shape goes vertical (rustfmt's overflow
            // context does not fail on it).
            rw_list([".", name], args, "(", ")", sh, FN_CALL_WIDTH, true)?
        }
    };
    s.extend(std::iter::repeat_n('?', p.tries));
    Some(s)
}

fn is_block_like_text(root: &Expr<'_>, text: &str) -> bool {
    match root {
        Expr::Macro(..)
        | Expr::Call(..)
        | Expr::MethodCall(..)
        | Expr::Array(..)
        | Expr::Struct(..)
        | Expr::If(..)
        | Expr::Block(..)
        | Expr::Match(..) => multi(text),
        Expr::Unary(_, o) => o.expr().is_some_and(|x| is_block_like_text(x, text)),
        Expr::Paren(x) | Expr::Try(x) => is_block_like_text(x, text),
        Expr::Closure(_, _, body) => is_block_like_text(body, text),
        _ => false,
    }
}

thread_local! {
    static FORCE_ONE_LINE_CHAIN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn rw_chain_forced<'e>(e: &'e Expr<'_>, sh: Shape) -> Option<Txt<'e>> {
    let old = FORCE_ONE_LINE_CHAIN.with(|f| f.replace(true));
    let r = rw(e, sh);
    FORCE_ONE_LINE_CHAIN.with(|f| f.set(old));
    r
}

fn rw_chain(e: &Expr<'_>, sh: Shape) -> Option<String> {
    let (root, root_tries, parts) = flatten_chain(e);
    // The root rewritten without the force (it is not part of the chain's lines).
    let old = FORCE_ONE_LINE_CHAIN.with(|f| f.replace(false));
    // A path as `rw` writes `Expr::Text`.
    let root_rw = sh.sub_width(root_tries).and_then(|s| match root {
        Root::Expr(x) => rw(x, s),
        Root::Path(t) => rw_path(t, s),
    });
    FORCE_ONE_LINE_CHAIN.with(|f| f.set(old));
    let mut root_text = root_rw?.into_owned();
    root_text.extend(std::iter::repeat_n('?', root_tries));
    if parts.is_empty() {
        return Some(root_text);
    }
    let mut root_block = match root {
        Root::Expr(x) => is_block_like_text(x, &root_text),
        // As for `Expr::Text`.
        Root::Path(_) => false,
    };
    let tab_width = TAB.saturating_sub(sh.offset - sh.indent);
    let mut rest: &[ChainPart<'_, '_>] = &parts;
    while width(&root_text) <= tab_width && !multi(&root_text) {
        let shape = sh.offset_left(width(&root_text))?;
        match rw_link(&rest[0], shape) {
            Some(r) => root_text.push_str(&r),
            None => break,
        }
        root_block = last_line_extendable(&root_text);
        rest = &rest[1..];
        if rest.is_empty() {
            break;
        }
    }
    if rest.is_empty() {
        return wrap(root_text, sh);
    }
    let child_shape = if root_block {
        Shape::indented(sh.indent)
    } else {
        Shape::indented(sh.indent + TAB)
    };
    // The links between the root and the last (most chains here have none: no list is made);
    // the root's string then takes the links, joined.
    let mut middle = Vec::new();
    for p in &rest[..rest.len() - 1] {
        middle.push(rw_link(p, child_shape)?);
    }
    // format_last_child
    let last = &rest[rest.len() - 1];
    let child_count = rest.len();
    let extendable = last_line_extendable(&root_text);
    let almost_total = if extendable {
        last_line_width(&root_text)
    } else {
        width(&root_text) + middle.iter().map(|r| width(r)).sum::<usize>()
    } + last.tries;
    let budget = if child_count == 1 {
        sh.width
    } else {
        sh.width.min(CHAIN_WIDTH)
    }
    .saturating_sub(almost_total);
    let all_in_one_line = !multi(&root_text) && middle.iter().all(|r| !multi(r)) && budget > 0;
    let last_shape = if all_in_one_line {
        sh.sub_width(last.tries)?
    } else if extendable {
        child_shape.sub_width(last.tries)?
    } else {
        child_shape.sub_width(sh.rhs_overhead() + last.tries)?
    };
    let mut fits_single_line = false;
    let mut last_str = None;
    if (all_in_one_line || extendable)
        && let Some(one) = last_shape.offset_left(almost_total)
        && let Some(r) = rw_link(last, one)
    {
        let lines = count_newlines(&r) + 1;
        let could_fit = first_line_width(&r) <= budget;
        if could_fit && lines >= 5 {
            last_str = Some(r);
            fits_single_line = all_in_one_line;
        } else {
            let own = child_shape.sub_width(sh.rhs_overhead() + last.tries)?;
            match rw_link(last, own) {
                Some(n) if !could_fit => last_str = Some(n),
                Some(n) if count_newlines(&n) + 1 >= lines => {
                    last_str = Some(r);
                    fits_single_line = could_fit && all_in_one_line;
                }
                Some(n) => last_str = Some(n),
                None => {
                    last_str = Some(r);
                    fits_single_line = could_fit && all_in_one_line;
                }
            }
        }
    }
    let last_str = match last_str {
        Some(s) => s,
        None => rw_link(last, last_shape)?,
    };
    let ind = spaces(child_shape.indent);
    let connector = if fits_single_line {
        ["", ""]
    } else {
        if FORCE_ONE_LINE_CHAIN.with(|f| f.get()) {
            return None;
        }
        ["\n", &*ind]
    };
    let mut result = root_text;
    let joined = middle.iter().chain(std::iter::once(&last_str));
    result.reserve(joined.clone().map(|r| r.len() + 1 + ind.len()).sum());
    for r in joined {
        push_all(&mut result, &connector);
        result.push_str(r);
    }
    wrap(result, sh)
}

// ---------------------------------------------------------------- struct literals

fn rw_struct(
    path: &str,
    fields: &[FieldInit<'_>],
    base: Option<&Expr<'_>>,
    sh: Shape,
) -> Option<String> {
    if width(path) + 2 > sh.width {
        return None;
    }
    if fields.is_empty() && base.is_none() {
        return Some(cat(&[path, " {}"]));
    }
    let v_shape = sh.nested();
    let h_width = sh
        .width
        .checked_sub(width(path) + 3 + 2)
        .map(|w| w.min(STRUCT_LIT_WIDTH));
    let has_comments = fields.iter().any(|f| !f.trivia.is_empty());
    let item_shape = v_shape.sub_width(1)?;
    let mut items = Vec::new();
    for f in fields {
        items.push(Some(rw_field(f, item_shape)?));
    }
    if let Some(b) = base {
        items.push(Some(cat(&["..", &rw(b, item_shape.offset_left(2)?)?])));
    }
    let horizontal = !has_comments
        && h_width.is_some_and(|w| {
            definitive_tactic(
                items.iter().map(|i| i.as_deref().and_then(one_line_width)),
                w,
            ) == Tactic::Horizontal
        });
    let items: Vec<String> = items.into_iter().collect::<Option<_>>()?;
    if horizontal {
        let body = items.join(", ");
        if h_width.is_some_and(|w| width(&body) <= w) {
            return Some(cat(&[path, " { ", &body, " }"]));
        }
    }
    let ind = spaces(v_shape.indent);
    let mut s = cat(&[path, " {"]);
    for (i, (f, item)) in fields.iter().zip(&items).enumerate() {
        push_trivia(&mut s, f.trivia, v_shape.indent, i == 0);
        s.push('\n');
        s.push_str(&ind);
        s.push_str(item);
        s.push(',');
    }
    if base.is_some() {
        // `..base` takes no trailing comma.
        s.push('\n');
        s.push_str(&ind);
        s.push_str(items.last().map_or("", |x| x.as_str()));
    }
    s.push('\n');
    s.push_str(&spaces(sh.indent));
    s.push('}');
    Some(s)
}

fn rw_field(f: &FieldInit<'_>, sh: Shape) -> Option<String> {
    let Some(value) = &f.value else {
        return Some(f.name.to_string());
    };
    let overhead = width(&f.name) + 2;
    if let Some(e) = sh.offset_left(overhead).and_then(|s| rw(value, s)) {
        if let Expr::Text(t) = value
            && *t == f.name
        {
            return Some(f.name.to_string());
        }
        return Some(cat(&[&f.name, ": ", &e]));
    }
    let inner = Shape::indented(sh.indent + TAB).sub_width(sh.rhs_overhead())?;
    let e = rw(value, inner)?;
    Some(cat(&[&f.name, ":\n", &spaces(inner.indent), &e]))
}

// ---------------------------------------------------------------- blocks and control flow

fn simple_block_expr<'e, 'a>(b: &'e Block<'a>) -> Option<&'e Expr<'a>> {
    if b.stmts.len() != 1 || !b.trailing.comments.is_empty() {
        return None;
    }
    let s = &b.stmts[0];
    if !s.trivia.comments.is_empty() {
        return None;
    }
    match &s.kind {
        StmtKind::Expr(e, false) => Some(e),
        _ => None,
    }
}

/// A block as an expression: `{}`, `unsafe { e }` on one line when it fits, else one statement
/// a line.
fn rw_block_expr(prefix: &str, b: &Block<'_>, sh: Shape, allow_single: bool) -> Option<String> {
    if b.stmts.is_empty() && b.trailing.comments.is_empty() {
        let s = cat(&[prefix, "{}"]);
        return (width(&s) <= sh.width).then_some(s);
    }
    // Made with the block's room (not grown to it from the prefix's: a copy more).
    let mut full = String::with_capacity(prefix.len() + block_room(b, sh.indent));
    full.push_str(prefix);
    push_block(&mut full, b, sh.indent);
    if allow_single
        && !more_lines_than(&full, 3)
        && let Some(e) = simple_block_expr(b)
        && let Some(inner) = sh.offset_left(prefix.len()).and_then(|s| rw(e, s))
    {
        let r = cat(&[prefix, "{ ", &inner, " }"]);
        if real_width(&r) <= sh.width && !multi(&r) {
            return Some(r);
        }
    }
    Some(full)
}

fn rw_cond<'e>(c: &'e Cond<'_>, sh: Shape) -> Option<Txt<'e>> {
    match c {
        Cond::Expr(e) => rw(e, sh),
        Cond::Let(pat, e) => {
            let mut s = cat(&["let ", pat, " ="]);
            push_assign_rhs(&mut s, 0, e, Some(sh)).then_some(Txt::Owned(s))
        }
    }
}

fn rw_if(
    branches: &[(Cond<'_>, Block<'_>)],
    else_block: Option<&Block<'_>>,
    sh: Shape,
    sub_expression: bool,
) -> Option<String> {
    // `if c { a } else { b }` on one line.
    if sub_expression
        && branches.len() == 1
        && let Some(eb) = else_block
        && let (Some(a), Some(b)) = (simple_block_expr(&branches[0].1), simple_block_expr(eb))
    {
        let wide = Shape::unbounded();
        if let (Some(c), Some(a), Some(b)) =
            (rw_cond(&branches[0].0, wide), rw(a, wide), rw(b, wide))
        {
            let s = cat(&["if ", &c, " { ", &a, " } else { ", &b, " }"]);
            if !multi(&s) && width(&s) <= SINGLE_LINE_IF_ELSE_WIDTH.min(sh.width) {
                return Some(s);
            }
        }
    }
    // Room for the blocks, and a line for each condition: allocated once.
    let room = branches
        .iter()
        .map(|(_, b)| block_room(b, sh.indent) + MAX_WIDTH)
        .sum::<usize>()
        + else_block.map_or(0, |b| block_room(b, sh.indent) + 8);
    let mut s = String::with_capacity(room);
    let mut line_start = sh;
    for (i, (cond, block)) in branches.iter().enumerate() {
        let kw = if i == 0 { "if " } else { " else if " };
        let cond_shape = if i == 0 {
            line_start.offset_left(3)?
        } else {
            Shape::indented(sh.indent).offset_left(7 + 3)?
        };
        let c = rw_cond(cond, cond_shape)?;
        let used = if i == 0 { sh.offset } else { sh.indent + 7 };
        let budget = MAX_WIDTH.saturating_sub(used + 3 + 2);
        let newline_brace = (multi(&c) || real_width(&c) > budget) && !last_line_extendable(&c);
        s.push_str(kw);
        s.push_str(&c);
        if newline_brace {
            s.push('\n');
            s.push_str(&spaces(sh.indent));
        } else {
            s.push(' ');
        }
        push_block(&mut s, block, sh.indent);
        line_start = Shape::indented(sh.indent);
    }
    if let Some(eb) = else_block {
        s.push_str(" else ");
        push_block(&mut s, eb, sh.indent);
    }
    Some(s)
}

fn rw_match(scrutinee: &Expr<'_>, arms: &[Arm<'_>], sh: Shape) -> Option<String> {
    let cond = rw(scrutinee, sh.offset_left(6)?.sub_width(2)?)?;
    let mut s = cat(&["match ", &cond, " {"]);
    if arms.is_empty() {
        s.push('}');
        return Some(s);
    }
    let arm_indent = sh.indent + TAB;
    for (i, arm) in arms.iter().enumerate() {
        push_trivia(&mut s, arm.trivia, arm_indent, i == 0);
        s.push('\n');
        s.push_str(&spaces(arm_indent));
        s.push_str(&rw_arm(arm, Shape::indented(arm_indent))?);
    }
    s.push('\n');
    s.push_str(&spaces(sh.indent));
    s.push('}');
    Some(s)
}

fn rw_arm(arm: &Arm<'_>, sh: Shape) -> Option<String> {
    let mut pats = Txt::Borrowed(&*arm.pat);
    if let Some(g) = &arm.guard {
        let gs = rw(g, sh.offset_left(width(&pats) + 4)?)?;
        pats = cat(&[&pats, " if ", &gs]).into();
    }
    // A block of one expression is the expression (flatten_arm_body).
    let (extend, body): (bool, &Expr<'_>) = match &arm.body {
        Expr::Block("", b) => match simple_block_expr(b) {
            Some(inner) if !matches!(inner, Expr::Block(..)) => (can_flatten(inner), inner),
            _ => (false, &arm.body),
        },
        other => (can_flatten(other), other),
    };
    let is_block = matches!(body, Expr::Block(..));
    let is_empty_block = matches!(body, Expr::Block(_, b) if b.stmts.is_empty());
    let comma = if is_block && !is_empty_block { "" } else { "," };
    let body_rw = |shape: Shape| -> Option<Txt<'_>> {
        match body {
            Expr::Block(p, b) => rw_block_expr(p, b, shape, false).map(Txt::Owned),
            Expr::If(br, eb) => rw_if(br, eb.as_deref(), shape, false).map(Txt::Owned),
            other => rw(other, shape),
        }
    };
    let orig_shape = sh
        .offset_left(last_line_width(&pats) + 4)
        .and_then(|s| s.sub_width(comma.len()));
    let orig = match orig_shape {
        Some(os) => {
            let r = body_rw(os);
            match r {
                Some(b) if is_block || (!multi(&b) && width(&b) <= os.width) => {
                    return Some(cat(&[&pats, " => ", &b, comma]));
                }
                other => other,
            }
        }
        None => None,
    };
    let orig_budget = orig_shape.map_or(0, |s| s.width);
    let next_indent = if !is_block || is_empty_block {
        sh.indent + TAB
    } else {
        sh.indent
    };
    let next = body_rw(Shape::indented(next_indent));
    let combine_next = |b: &str| -> String {
        if is_block {
            cat(&[&pats, " => ", b])
        } else {
            cat(&[
                &pats,
                " => {\n",
                &spaces(next_indent),
                b,
                "\n",
                &spaces(sh.indent),
                "}",
            ])
        }
    };
    match (orig, next) {
        (Some(o), Some(n)) if prefer_next_line(&o, &n) => Some(combine_next(&n)),
        (Some(o), _) if extend && first_line_width(&o) <= orig_budget => {
            Some(cat(&[&pats, " => ", &o, comma]))
        }
        (Some(o), Some(n)) if multi(&o) => Some(combine_next(&n)),
        (None, Some(n)) => Some(combine_next(&n)),
        (None, None) => None,
        (Some(o), _) => Some(cat(&[&pats, " => ", &o, comma])),
    }
}

fn can_flatten(e: &Expr<'_>) -> bool {
    match e {
        Expr::If(..) => false,
        Expr::Match(..)
        | Expr::Block(..)
        | Expr::Closure(..)
        | Expr::Array(..)
        | Expr::Call(..)
        | Expr::MethodCall(..)
        | Expr::Macro(..)
        | Expr::Struct(..)
        | Expr::Tuple(..) => true,
        Expr::Unary(_, o) => o.expr().is_some_and(can_flatten),
        Expr::Cast(o, _) => o.expr().is_some_and(can_flatten),
        Expr::Try(x) | Expr::Index(x, _) => can_flatten(x),
        _ => false,
    }
}

// ---------------------------------------------------------------- closures

fn closure_prefix<'p>(params: &'p str, ret: Option<&Type>) -> Txt<'p> {
    match ret {
        Some(t) => Txt::Owned(cat(&[params, " -> ", &type_text(t)])),
        None => Txt::Borrowed(params),
    }
}

/// A closure's body without braces must be one line unless it is block-like.
fn rw_closure_expr(body: &Expr<'_>, prefix: &str, sh: Shape) -> Option<String> {
    let allow_multi = matches!(body, Expr::Match(..) | Expr::Block(..) | Expr::Struct(..));
    let r = rw(body, sh)?;
    if !allow_multi && multi(&r) {
        return None;
    }
    Some(cat(&[prefix, " ", &r]))
}

fn rw_closure_with_block(body: &Expr<'_>, prefix: &str, sh: Shape) -> Option<String> {
    without_forced_chains(|| rw_closure_with_block_inner(body, prefix, sh))
}

fn rw_closure_with_block_inner(body: &Expr<'_>, prefix: &str, sh: Shape) -> Option<String> {
    let inner = Shape::indented(sh.indent + TAB);
    let e = match body {
        Expr::If(br, eb) => Txt::Owned(rw_if(br, eb.as_deref(), inner, false)?),
        _ => rw(body, inner).unwrap_or_else(|| flat(body)),
    };
    Some(cat(&[
        prefix,
        " {\n",
        &spaces(inner.indent),
        &e,
        "\n",
        &spaces(sh.indent),
        "}",
    ]))
}

fn rw_closure(params: &str, ret: Option<&Type>, body: &Expr<'_>, sh: Shape) -> Option<String> {
    let prefix = closure_prefix(params, ret);
    let body_shape = sh.offset_left(width(&prefix) + 1)?;
    if let Expr::Block("", b) = body {
        if b.stmts.is_empty() && b.trailing.comments.is_empty() {
            return Some(cat(&[&prefix, " {}"]));
        }
        if ret.is_none()
            && let Some(inner) = simple_block_expr(b)
        {
            let r = if matches!(inner, Expr::If(..)) {
                rw_closure_with_block(inner, &prefix, sh)
            } else {
                rw_closure_expr(inner, &prefix, body_shape)
            };
            if r.is_some() {
                return r;
            }
        }
        let mut s = String::with_capacity(prefix.len() + 1 + block_room(b, sh.indent));
        push_all(&mut s, &[&prefix, " "]);
        push_block(&mut s, b, sh.indent);
        return Some(s);
    }
    rw_closure_expr(body, &prefix, body_shape).or_else(|| rw_closure_with_block(body, &prefix, sh))
}

/// A closure as the last argument of a call (rustfmt's `rewrite_last_closure`).
fn rw_last_closure(params: &str, ret: Option<&Type>, body: &Expr<'_>, sh: Shape) -> Option<String> {
    // rustfmt's `rewrite_closure_fn_decl` writes the parameters (and the return type) in the
    // shape less `|| {` (4) and the `|`: what does not fit there goes over lines, and a
    // closure whose parameters do is not overflowed.
    let ret_width = ret.map_or(0, |t| width(&type_text(t)));
    if width(params).saturating_sub(2).max(ret_width) + 5 > sh.width {
        return None;
    }
    let prefix = closure_prefix(params, ret);
    let body = match body {
        Expr::Block("", b) => simple_block_expr(b).unwrap_or(body),
        _ => body,
    };
    let body_shape = sh.offset_left(width(&prefix) + 1)?;
    if matches!(body, Expr::If(..)) {
        let block = rw_closure_with_block(body, &prefix, body_shape)?;
        if ret.is_none()
            && !more_lines_than(&block, 7)
            && let Some(one) = rw_closure_expr(body, &prefix, sh)
            && !multi(&one)
        {
            return Some(one);
        }
        return Some(block);
    }
    // The closure in the usual manner, over the possibly unwrapped body.
    rw_closure(params, ret, body, sh)
}

// ---------------------------------------------------------------- types

/// A type on one line: borrowed when it is text already.
pub fn type_text<'t>(t: &'t Type<'_>) -> Txt<'t> {
    match t {
        Type::Text(s) => Txt::Borrowed(s),
        Type::Fn(f) => {
            let FnType {
                head,
                params,
                variadic,
                ret,
            } = &**f;
            let mut s = cat(&[head, "("]);
            push_fn_params(&mut s, params, *variadic, ", ", "");
            s.push(')');
            if let Some(r) = ret {
                s.push_str(" -> ");
                s.push_str(&type_text(r));
            }
            Txt::Owned(s)
        }
    }
}

/// About the length of a function type's parameters on one line.
fn fn_params_len(params: &[(Option<Str<'_>>, Type<'_>)]) -> usize {
    let ty_len = |t: &Type<'_>| match t {
        Type::Text(s) => s.len(),
        Type::Fn(_) => 64,
    };
    params
        .iter()
        .map(|(n, t)| n.as_ref().map_or(0, |n| n.len() + 2) + ty_len(t) + 2)
        .sum::<usize>()
        + 3
}

/// A function type's parameters (`name: Type`, then `...` if variadic) each after `prefix`,
/// separated by `sep`.
fn push_fn_params(
    s: &mut String,
    params: &[(Option<Str<'_>>, Type<'_>)],
    variadic: bool,
    sep: &str,
    prefix: &str,
) {
    for (i, (name, ty)) in params.iter().enumerate() {
        if i > 0 {
            s.push_str(sep);
        }
        s.push_str(prefix);
        if let Some(n) = name {
            s.push_str(n);
            s.push_str(": ");
        }
        s.push_str(&type_text(ty));
    }
    if variadic {
        if !params.is_empty() {
            s.push_str(sep);
        }
        s.push_str(prefix);
        s.push_str("...");
    }
}

pub fn rw_type<'t>(t: &'t Type<'_>, sh: Shape) -> Option<Txt<'t>> {
    match t {
        Type::Text(s) => (real_width(s) <= sh.width).then_some(Txt::Borrowed(s)),
        Type::Fn(f) => {
            rw_fn_type(&f.head, &f.params, f.variadic, f.ret.as_ref(), sh).map(Txt::Owned)
        }
    }
}

/// A function pointer type (rustfmt's `format_function_type` after the `unsafe extern "C" fn`).
fn rw_fn_type(
    head: &str,
    params: &[(Option<Str<'_>>, Type<'_>)],
    variadic: bool,
    ret: Option<&Type>,
    sh: Shape,
) -> Option<String> {
    let s = sh.offset_left(real_width(head))?;
    // The return type, measured with its ` -> `.
    let out = match ret {
        Some(r) => Some(rw_type(r, s.offset_left(4)?)?),
        None => None,
    };
    let out_width = out.as_deref().map_or(0, |o| 4 + real_width(o));
    let list_indent = sh.indent + TAB;
    // The parameters on one line; written again one a line when they do not fit (room for
    // that at the start: a string grown push by push is copied at each doubling).
    let lines = params.len() + usize::from(variadic);
    let mut text = String::with_capacity(
        head.len() + fn_params_len(params) + lines * (list_indent + 2) + sh.indent + 8,
    );
    text.push_str(head);
    text.push('(');
    let args_at = text.len() - 1;
    push_fn_params(&mut text, params, variadic, ", ", "");
    let horizontal = (params.is_empty() && !variadic)
        || real_width(&text[args_at + 1..]) <= s.width.saturating_sub(2 + out_width);
    if horizontal {
        text.push(')');
    } else {
        text.truncate(args_at + 1);
        text.push('\n');
        push_fn_params(&mut text, params, variadic, ",\n", &spaces(list_indent));
        if !variadic {
            text.push(',');
        }
        text.push('\n');
        text.push_str(&spaces(sh.indent));
        text.push(')');
    }
    let Some(out) = out else {
        return Some(text);
    };
    let args = &text[args_at..];
    let ll = if multi(args) {
        last_line_width(args)
    } else {
        real_width(args)
    };
    if ll + out_width <= s.width {
        text.push_str(" -> ");
    } else {
        text.push('\n');
        text.push_str(&spaces(list_indent));
        text.push_str("-> ");
    }
    text.push_str(&out);
    Some(text)
}

// ---------------------------------------------------------------- statements and items

/// `{`, the statements one block deeper, `}` (at `indent`), written at the end of `s` (a block
/// is the largest part of what holds it: it is not copied there).
fn push_block(s: &mut String, b: &Block<'_>, indent: usize) {
    // rustfmt formats a block's statements in a fresh context: no forced one-line chains.
    without_forced_chains(|| push_block_inner(s, b, indent))
}

fn without_forced_chains<T>(f: impl FnOnce() -> T) -> T {
    let old = FORCE_ONE_LINE_CHAIN.with(|c| c.replace(false));
    let r = f();
    FORCE_ONE_LINE_CHAIN.with(|c| c.set(old));
    r
}

fn push_block_inner(s: &mut String, b: &Block<'_>, indent: usize) {
    let inner = indent + TAB;
    // A block grown push by push is copied at each doubling.
    s.reserve(block_room(b, indent));
    s.push('{');
    let start = s.len();
    for (i, st) in b.stmts.iter().enumerate() {
        push_trivia(s, st.trivia, inner, i == 0);
        s.push('\n');
        s.push_str(&spaces(inner));
        push_stmt(s, st, inner);
    }
    push_trivia_end(s, b.trailing, inner, b.stmts.is_empty());
    if s.len() == start {
        s.push('}');
        return;
    }
    s.push('\n');
    s.push_str(&spaces(indent));
    s.push('}');
}

/// About the room a block at `indent` takes: its statements as written, each on its own
/// indented line.
fn block_room(b: &Block<'_>, indent: usize) -> usize {
    let inner = indent + TAB;
    b.stmts
        .iter()
        .map(|st| st.src.len() + inner + 2)
        .sum::<usize>()
        + indent
        + 2
}

/// Comments and (at most one) blank line before an entry; none at the start of a block.
fn push_trivia(s: &mut String, trivia: Trivia<'_>, indent: usize, first: bool) {
    if push_comments(s, trivia, indent, first) {
        s.push('\n');
    }
}

/// Comments after a block's last entry (a blank line before them is kept, none after).
fn push_trivia_end(s: &mut String, trivia: Trivia<'_>, indent: usize, first: bool) {
    push_comments(s, trivia, indent, first);
}

/// Writes the comments, each after a blank line if one preceded it (not at the start);
/// answers whether a blank line follows the last of them.
fn push_comments(s: &mut String, trivia: Trivia<'_>, indent: usize, first: bool) -> bool {
    let mut at_start = first;
    for c in trivia.comments {
        if c.newlines >= 2 && !at_start {
            s.push('\n');
        }
        at_start = false;
        s.push('\n');
        s.push_str(&spaces(indent));
        s.push_str(c.text.trim_end());
    }
    trivia.blank_after && !at_start
}

/// A statement written at the end of `s`.
fn push_stmt(s: &mut String, st: &Stmt<'_>, indent: usize) {
    let sh = Shape::indented(indent);
    match &st.kind {
        StmtKind::Let {
            pat,
            ty,
            init,
            else_block,
        } => {
            // The left-hand side is written in place, taken back if the statement does not fit.
            let start = s.len();
            s.push_str("let ");
            s.push_str(&slice_pattern(pat, sh));
            if let Some(t) = ty {
                s.push_str(": ");
                let tshape = sh.offset_left(width(&s[start..])).unwrap_or(sh);
                s.push_str(&rw_type(t, tshape).unwrap_or_else(|| type_text(t)));
            }
            if let Some(e) = init {
                s.push_str(" =");
                if !push_assign_rhs(s, start, e, sh.sub_width(1)) {
                    s.truncate(start);
                    return s.push_str(st.src);
                }
            }
            if let Some(b) = else_block {
                s.push_str(" else ");
                push_block(s, b, indent);
            }
            s.push(';');
        }
        StmtKind::Expr(e, semi) => {
            let shape = if *semi { sh.sub_width(1) } else { Some(sh) };
            match e {
                Expr::If(br, eb) => match shape.and_then(|x| rw_if(br, eb.as_deref(), x, false)) {
                    Some(text) => s.push_str(&text),
                    None => return s.push_str(st.src),
                },
                Expr::Block("", b) => push_block(s, b, indent),
                _ => match shape.and_then(|x| rw(e, x)) {
                    Some(text) => s.push_str(&text),
                    None => return s.push_str(st.src),
                },
            }
            if *semi {
                s.push(';');
            }
        }
        StmtKind::Item(item) => {
            // Written in place (a fresh string would grow push by push), less the line break
            // and indent an item starts with: the statement's are written already.
            let start = s.len();
            print_item(s, item, indent, true);
            let lead = s[start..].len() - s[start..].trim_start().len();
            s.drain(start..start + lead);
        }
    }
}

/// Writes an item (its trivia, attributes and text), each line starting with a newline.
pub fn print_item(s: &mut String, item: &Item<'_>, indent: usize, first: bool) {
    push_trivia(s, item.trivia, indent, first);
    let ind = spaces(indent);
    push_attrs(s, &item.attrs, indent);
    s.push('\n');
    s.push_str(&ind);
    let sh = Shape::indented(indent);
    match &item.kind {
        ItemKind::Fn(f) => print_fn(s, f, indent),
        ItemKind::Struct { head, body } => match body {
            StructBody::Tuple(fields) => {
                let one = cat(&[head, "(", &fields.join(", "), ");"]);
                if width(&one) + indent <= MAX_WIDTH {
                    s.push_str(&one);
                } else {
                    s.push_str(head);
                    s.push('(');
                    for f in fields {
                        push_all(s, &["\n", &spaces(indent + TAB), f, ","]);
                    }
                    push_all(s, &["\n", &ind, ");"]);
                }
            }
            StructBody::Named(fields) => {
                s.push_str(head);
                if fields.is_empty() {
                    s.push_str(" {}");
                    return;
                }
                s.push_str(" {");
                let fi = indent + TAB;
                for (i, f) in fields.iter().enumerate() {
                    push_trivia(s, f.trivia, fi, i == 0);
                    push_attrs(s, &f.attrs, fi);
                    s.push('\n');
                    s.push_str(&spaces(fi));
                    let start = s.len();
                    s.push_str(&f.name);
                    s.push(':');
                    push_field_type(s, start, &f.ty, Shape::indented(fi));
                    s.push(',');
                }
                s.push('\n');
                s.push_str(&ind);
                s.push('}');
            }
        },
        ItemKind::Enum { head, variants } => {
            s.push_str(head);
            if variants.is_empty() {
                s.push_str(" {}");
                return;
            }
            s.push_str(" {");
            let vi = indent + TAB;
            for (i, v) in variants.iter().enumerate() {
                push_trivia(s, v.trivia, vi, i == 0);
                push_attrs(s, &v.attrs, vi);
                s.push('\n');
                s.push_str(&spaces(vi));
                s.push_str(&v.name);
                if let Some(e) = &v.value {
                    let start = s.len() - v.name.len();
                    s.push_str(" =");
                    if !push_assign_rhs(s, start, e, Shape::indented(vi).sub_width(1)) {
                        s.push(' ');
                        s.push_str(&flat(e));
                    }
                }
                s.push(',');
            }
            s.push('\n');
            s.push_str(&ind);
            s.push('}');
        }
        ItemKind::Block {
            head,
            items,
            inner_trivia,
        } => {
            let head = block_head(head, indent);
            s.push_str(&head);
            let has_comments = !inner_trivia.comments.is_empty();
            if items.is_empty() && !has_comments {
                if multi(&head) {
                    push_all(s, &["\n", &ind, "{\n", &ind, "}"]);
                } else {
                    s.push_str(" {}");
                }
                return;
            }
            s.push_str(if multi(&head) { "\n" } else { " {" });
            if multi(&head) {
                s.push_str(&ind);
                s.push('{');
            }
            for (i, it) in items.iter().enumerate() {
                print_item(s, it, indent + TAB, i == 0);
            }
            push_trivia_end(s, *inner_trivia, indent + TAB, items.is_empty());
            s.push('\n');
            s.push_str(&ind);
            s.push('}');
        }
        ItemKind::Const { head, ty, value } => {
            // The type after `NAME: ` (room kept for ` =`), else on the next line.
            // Written in place, taken back if the value does not fit.
            let start = s.len();
            s.push_str(head);
            let ty_one = sh
                .offset_left(width(&s[start..]) + 2 + 2)
                .and_then(|x| rw_type(ty, x));
            match ty_one {
                Some(t) => {
                    s.push_str(": ");
                    s.push_str(&t);
                }
                None => {
                    s.push_str(":\n");
                    s.push_str(&spaces(indent + TAB));
                    s.push_str(
                        &rw_type(ty, Shape::indented(indent + TAB))
                            .unwrap_or_else(|| type_text(ty)),
                    );
                }
            }
            if let Some(e) = value {
                s.push_str(" =");
                if !push_assign_rhs(s, start, e, sh.sub_width(1)) {
                    s.truncate(start);
                    s.push_str(item.src);
                    return;
                }
            }
            s.push(';');
        }
        ItemKind::TypeAlias { head, ty } => {
            let start = s.len();
            s.push_str(head);
            s.push_str(" =");
            push_field_type(s, start, ty, sh);
            s.push(';');
        }
        ItemKind::Line(text) => s.push_str(text),
        ItemKind::MacroCall(e) => {
            let braces = matches!(e, Expr::Macro(_, '{', _));
            let text = sh
                .sub_width(if braces { 0 } else { 1 })
                .and_then(|x| rw(e, x))
                .unwrap_or_else(|| flat(e));
            s.push_str(&text);
            if !braces {
                s.push(';');
            }
        }
        ItemKind::Verbatim(text) => s.push_str(text),
    }
    if let Some(c) = item.trailing {
        s.push(' ');
        s.push_str(c);
    }
}

/// A parameter on its own line, written at the end of `s`; a `name: Outer<Inner>` too long
/// for it breaks `Outer`'s arguments one a line.
fn push_param_line(s: &mut String, p: &str, indent: usize) {
    let ind = spaces(indent);
    let split = (indent + real_width(p) >= MAX_WIDTH && p.ends_with('>'))
        .then(|| p.find(": "))
        .flatten()
        .and_then(|colon| Some((colon, p[colon + 2..].find('<')?)));
    let Some((colon, open)) = split else {
        return push_all(s, &[&ind, p, ","]);
    };
    let ty = &p[colon + 2..];
    let args = split_top_level(&ty[open + 1..ty.len() - 1]);
    let more = spaces(indent + TAB);
    push_all(s, &[&ind, &p[..colon], ": ", &ty[..open], "<\n"]);
    for (i, a) in args.iter().enumerate() {
        let sep = if i == 0 { "" } else { "\n" };
        push_all(s, &[sep, &more, a, ","]);
    }
    push_all(s, &["\n", &ind, ">,"]);
}

/// A generic parameter on its own line: `T: A + B`, its bounds one a line when too long.
fn generic_param_line(g: &str, indent: usize) -> String {
    let ind = spaces(indent);
    if indent + real_width(g) <= MAX_WIDTH {
        return cat(&[&ind, g, ","]);
    }
    let Some(colon) = g.find(": ") else {
        return cat(&[&ind, g, ","]);
    };
    // rustfmt measures the bounds alone, in the list's shape (the line less the comma).
    if indent + real_width(&g[colon + 2..]) < MAX_WIDTH {
        return cat(&[&ind, g, ","]);
    }
    let bounds = split_top_level_on(&g[colon + 2..], " + ");
    let more = spaces(indent + TAB);
    let mut s = cat(&[&ind, &g[..colon], ": ", bounds[0]]);
    for b in &bounds[1..] {
        push_all(&mut s, &["\n", &more, "+ ", b]);
    }
    s.push(',');
    s
}

/// The parts of `s` between the occurrences of `sep` outside brackets.
fn split_top_level_on<'s>(s: &'s str, sep: &str) -> Vec<&'s str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(at) = top_level_find(rest, sep) {
        out.push(&rest[..at]);
        rest = &rest[at + sep.len()..];
    }
    out.push(rest);
    out
}

/// `[a, b, c]` in `let`: one line within the array width, else one name a line.
fn slice_pattern(pat: &str, sh: Shape) -> Txt<'_> {
    let Some(inner) = pat.strip_prefix('[').and_then(|p| p.strip_suffix(']')) else {
        return Txt::Borrowed(pat);
    };
    if inner.contains(['[', '(', '{']) {
        return Txt::Borrowed(pat);
    }
    let items: Vec<&str> = inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let joined = items.join(", ");
    let budget = sh.width.saturating_sub(4 + 1 + 2);
    if width(&joined) <= ARRAY_WIDTH.min(budget) {
        return Txt::Owned(cat(&["[", &joined, "]"]));
    }
    let ind = spaces(sh.indent + TAB);
    let body: Vec<String> = items.iter().map(|i| cat(&[&ind, i, ","])).collect();
    Txt::Owned(cat(&[
        "[\n",
        &body.join("\n"),
        "\n",
        &spaces(sh.indent),
        "]",
    ]))
}

/// `impl<G> Trait for Type`: when it and ` {` pass the maximum width, `for Type` goes on the
/// next line (and the brace on its own).
fn block_head(head: &str, indent: usize) -> String {
    if head.contains("trait ") {
        // `pub trait A: B`: the supertraits go on the next line once `pub trait A` and `B`
        // pass 88 columns (measured over Wine's and the SDK's bindings: 1173 traits).
        if let Some(at) = top_level_find(head, ": ") {
            let bounds = &head[at + 2..];
            if indent + at + real_width(bounds) > MAX_WIDTH - 12 {
                return cat(&[&head[..at], ":\n", &spaces(indent + TAB), bounds]);
            }
        }
        return head.to_string();
    }
    if indent + width(head) + 2 <= MAX_WIDTH {
        return head.to_string();
    }
    if !(head.starts_with("impl") || head.starts_with("unsafe impl")) {
        return head.to_string();
    }
    match top_level_find(head, " for ") {
        Some(at) => cat(&[&head[..at], "\n", &spaces(indent + TAB), &head[at + 1..]]),
        None => head.to_string(),
    }
}

/// The byte offset of `pat` outside any `<…>`, `(…)`, `[…]` or `{…}`.
fn top_level_find(s: &str, pat: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '<' | '(' | '[' | '{' => depth += 1,
            '>' | ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        if depth == 0 && s[i..].starts_with(pat) {
            return Some(i);
        }
    }
    None
}

/// `name: Type` in a struct, its `name:` written at `start..` of `s`: the type on the same
/// line, or on the next when only there it fits on one line (rustfmt's `rewrite_assign_rhs`
/// for types).
fn push_field_type(s: &mut String, start: usize, ty: &Type, sh: Shape) {
    let Some(sh) = sh.sub_width(1) else {
        s.push(' ');
        s.push_str(&type_text(ty));
        return;
    };
    let orig_shape = sh.offset_left(width(&s[start..]) + 1);
    let orig = orig_shape.and_then(|x| rw_type(ty, x));
    if let Some(o) = &orig
        && !multi(o)
    {
        s.push(' ');
        s.push_str(o);
        return;
    }
    let new_shape = Shape::indented(sh.indent + TAB).sub_width(sh.rhs_overhead());
    let new = new_shape.and_then(|x| rw_type(ty, x));
    let rhs = match (orig, new) {
        (Some(o), Some(n)) if prefer_next_line(&o, &n) => Rhs::Next(n),
        (None, Some(n)) => Rhs::Next(n),
        (Some(o), _) => Rhs::Same(o),
        (None, None) => Rhs::Same(type_text(ty)),
    };
    push_rhs(s, rhs, sh.indent);
}

/// The attributes, one a line at `indent`.
fn push_attrs(s: &mut String, attrs: &[Attr], indent: usize) {
    for a in attrs {
        s.push('\n');
        s.push_str(&spaces(indent));
        push_attr(s, a, indent);
    }
}

/// An attribute written at the end of `s`: a list on one line, else taken back and written
/// one entry a line.
fn push_attr(s: &mut String, a: &Attr, indent: usize) {
    let start = s.len();
    s.push_str(if a.bang { "#![" } else { "#[" });
    s.push_str(&a.path);
    match &a.args {
        AttrArgs::None => s.push(']'),
        AttrArgs::Eq(v) => {
            s.push_str(" = ");
            s.push_str(v);
            s.push(']');
        }
        AttrArgs::List(items) => {
            let open_end = s.len();
            s.push('(');
            push_joined(s, items, ", ", "");
            s.push_str(")]");
            if indent + width(&s[start..]) <= MAX_WIDTH && joined_width(items) <= ATTR_FN_LIKE_WIDTH
            {
                return;
            }
            s.truncate(open_end);
            s.push_str("(\n");
            push_joined(s, items, ",\n", &spaces(indent + TAB));
            s.push('\n');
            s.push_str(&spaces(indent));
            s.push_str(")]");
        }
    }
}

/// The width of `items` joined by `, ` (no `::<` spans a separator, so each is measured alone).
fn joined_width(items: &[Str<'_>]) -> usize {
    items.iter().map(|i| width(i)).sum::<usize>() + 2 * items.len().saturating_sub(1)
}

/// `items` each after `prefix`, separated by `sep`.
fn push_joined(s: &mut String, items: &[Str<'_>], sep: &str, prefix: &str) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(sep);
        }
        s.push_str(prefix);
        s.push_str(item);
    }
}

/// A function's signature (rustfmt's `rewrite_fn_base`) and its body, written at the end of
/// `s` (what is measured is `s[start..]`, the function's text so far).
fn print_fn(s: &mut String, f: &FnItem<'_>, indent: usize) {
    let has_body = f.body.is_some();
    let ind = spaces(indent);
    // `pub const fn `, then the name and generics.
    let start = s.len();
    s.push_str(&f.head);
    s.push(' ');
    let used = indent + width(&s[start..]);
    let overhead = if has_body { 4 } else { 2 };
    let budget = MAX_WIDTH.saturating_sub(used + overhead);
    s.push_str(&f.name);
    if !f.generics.is_empty() {
        let joined = f.generics.join(", ");
        if width(&joined) <= budget.saturating_sub(width(&f.name) + 2) {
            s.push('<');
            s.push_str(&joined);
            s.push('>');
        } else {
            let list: Vec<String> = f
                .generics
                .iter()
                .map(|g| generic_param_line(g, indent + TAB))
                .collect();
            push_all(s, &["<\n", &list.join("\n"), "\n", &ind, ">"]);
        }
    }
    let ret = f.ret.as_ref().map(type_text);
    // rustfmt counts `-> ` with the return type.
    let ret_len = ret.as_deref().map_or(0, |r| width(r) + 3);
    // compute_budgets_for_params
    let one_line_budget = if !multi(&s[start..]) {
        let mut used_space =
            indent + width(&s[start..]) + ret_len + if ret_len == 0 { 2 } else { 3 };
        used_space += if has_body { 2 } else { 1 };
        MAX_WIDTH.saturating_sub(used_space)
    } else {
        0
    };
    let in_block =
        !f.params.is_empty() && (one_line_budget == 0 || joined_width(&f.params) > one_line_budget);
    s.push('(');
    if in_block {
        for p in &f.params {
            s.push('\n');
            push_param_line(s, p, indent + TAB);
        }
        push_all(s, &["\n", &ind, ")"]);
    } else {
        push_joined(s, &f.params, ", ", "");
        s.push(')');
    }
    // No parameters and `) -> Ret` past the maximum width: the return type on the next line.
    let no_params_over = f.params.is_empty()
        && !multi(&s[start..])
        && indent + width(&s[start..]) + ret_len > MAX_WIDTH;
    if let Some(r) = &ret {
        if no_params_over {
            push_all(s, &["\n", &ind, "-> ", r]);
        } else {
            let should_indent = if in_block || f.params.is_empty() {
                false
            } else if multi(&s[start..]) {
                true
            } else {
                let mut sig = width(&s[start..]) + indent + ret_len + 1;
                if f.where_clause.is_empty() {
                    sig += 2;
                }
                sig > MAX_WIDTH
            };
            if should_indent {
                s.push('\n');
                s.push_str(&ind);
                s.push_str("-> ");
            } else {
                s.push_str(" -> ");
            }
            s.push_str(r);
        }
    }
    if !f.where_clause.is_empty() {
        push_all(s, &[" where ", &f.where_clause.join(", ")]);
    }
    match &f.body {
        Some(b) => {
            // The brace goes on its own line when ` {` would overflow.
            let lw = if multi(&s[start..]) {
                last_line_width(&s[start..])
            } else {
                width(&s[start..])
            };
            if lw + 2 > MAX_WIDTH - indent {
                s.push('\n');
                s.push_str(&ind);
            } else {
                s.push(' ');
            }
            push_block(s, b, indent);
        }
        None => s.push(';'),
    }
}

#[cfg(test)]
mod tests {
    /// Emptied lists of items change type in place, keeping their room both ways (else
    /// `take_items` would allocate anyway).
    #[test]
    fn recycled_items_keep_their_room() {
        let items: Vec<Option<super::Measured<'_>>> = Vec::with_capacity(8);
        let kept: Vec<super::Measured<'static>> = super::recycle(items);
        assert!(kept.capacity() >= 8);
        let again: Vec<Option<super::Measured<'_>>> = super::recycle(kept);
        assert!(again.capacity() >= 8);
    }

    /// The word-at-a-time test for a line break agrees with a byte loop at every length and
    /// position.
    #[test]
    fn multi_finds_a_line_break_where_a_byte_loop_does() {
        for len in 0..=40 {
            for at in 0..len.max(1) {
                for odd in [b'\n', b'\x0b', b'\t', 0x8a, 0, b' '] {
                    let mut bytes = vec![b'a'; len];
                    if let Some(b) = bytes.get_mut(at) {
                        *b = odd;
                    }
                    let text = String::from_utf8_lossy(&bytes);
                    assert_eq!(super::multi(&text), text.contains('\n'), "{bytes:?}");
                }
            }
        }
    }

    /// The count of `::<` by `<` agrees with a count at every position.
    #[test]
    fn turbofish_count_counts_each_position() {
        for text in [
            "",
            "<",
            ":<",
            "::<",
            "a::<b::<c>>",
            "<T as U>::f::<V>",
            "x::<",
            ":::<<::<",
        ] {
            let expected = (0..text.len())
                .filter(|&i| text[i..].starts_with("::<"))
                .count();
            assert_eq!(super::turbofish_count(text.as_bytes()), expected, "{text}");
        }
    }

    /// The eight-at-a-time test agrees with a byte-by-byte one at every length and position.
    #[test]
    fn plain_short_flags_what_a_byte_loop_flags() {
        for len in 0..=64 {
            for at in 0..len.max(1) {
                for odd in [b'<', 0x80, 0xff, b'=', b';', 0] {
                    let mut bytes = vec![b'a'; len];
                    if let Some(b) = bytes.get_mut(at) {
                        *b = odd;
                    }
                    let expected = bytes.iter().all(|&b| b < 0x80 && b != b'<');
                    assert_eq!(super::plain_short(&bytes), expected, "{bytes:?}");
                }
            }
        }
    }
}
