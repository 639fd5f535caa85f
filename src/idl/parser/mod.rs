//! The IDL parser: nom 8 over the preprocessed token slice.
//!
//! KEEP IN STEP with `grammar/idl.ebnf`, which states the grammar this code implements: a change to
//! one is a change to the other.
//!
//! Error discipline: a parser returns `Err::Error` (backtrack) only when its first token does not
//! fit, without consuming anything; once it has committed it reports `Err::Failure` with a message
//! saying what was expected and what was found. So the first failure is the one reported.

mod attrs;
mod decls;
mod exprs;
mod types;

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::iter::Enumerate;
use std::slice::Iter;

use nom::error::{ErrorKind, ParseError};
use nom::{Err, IResult, Needed};

use super::IdlError;
use super::ast::{self, Ident, StrLit};
use super::lexer::{Interner, P, Sym, Tok, Token};
use crate::diag::{FileId, Span};

/// Nesting (types in types, parentheses, declarators) deeper than this is reported, so that no
/// input can exhaust the stack.
const MAX_DEPTH: u32 = 256;

/// Shared by every copy of an [`Input`].
pub(crate) struct Ctx<'n> {
    /// The text of the tokens' symbols.
    names: &'n Interner,
    depth: Cell<u32>,
    /// Where "found end of file" errors point.
    eof: Span,
    /// Constants and enum values declared so far in this file: `(NAME) - 1` with such a NAME
    /// is a subtraction, not a cast (see `exprs::is_cast`).
    constants: RefCell<HashSet<ast::Name, crate::idl::FastHash>>,
    /// By symbol, what an attribute of that name is, once asked (see
    /// [`Input::attribute_index`]): 0 not yet asked, 1 no attribute, else 2 + its index in
    /// the attribute table. An attribute name recurs thousands of times (`in`, `out`,
    /// `helpstring`); each costs a byte here rather than a hashed string lookup.
    attributes: Vec<Cell<u8>>,
}

/// The parser's input: a window on the token slice, keeping the whole slice so that an error can
/// point just after the previous token.
#[derive(Clone, Copy)]
pub(crate) struct Input<'a> {
    all: &'a [Token],
    pos: usize,
    end: usize,
    ctx: &'a Ctx<'a>,
}

impl<'a> Input<'a> {
    /// Records a constant or enum value declared in this file.
    pub fn declare_constant(&self, name: &ast::Name) {
        // The shared name, not a copy of its text.
        self.ctx.constants.borrow_mut().insert(name.clone());
    }

    /// Where the attribute named by symbol `sym` (whose text is `name`) stands in the
    /// attribute table (`attributes::index`), or `None` for no attribute: looked up once per
    /// name in a file.
    pub fn attribute_index(&self, sym: Sym, name: &str) -> Option<usize> {
        let Some(cell) = self.ctx.attributes.get(sym.index()) else {
            return crate::idl::attributes::index(name);
        };
        match cell.get() {
            0 => {
                let found = crate::idl::attributes::index(name);
                // An index too large for the byte is looked up every time.
                match found.map(|k| u8::try_from(k + 2)) {
                    None => cell.set(1),
                    Some(Ok(code)) => cell.set(code),
                    Some(Err(_)) => {}
                }
                found
            }
            1 => None,
            code => Some(usize::from(code) - 2),
        }
    }

    /// Whether a constant or enum value of this name was declared earlier in this file.
    pub fn is_constant(&self, name: &str) -> bool {
        self.ctx.constants.borrow().contains(name)
    }

    /// The text of a symbol of the tokens.
    pub fn text(&self, sym: Sym) -> &'a str {
        self.ctx.names.text(sym)
    }

    /// A symbol's text as the syntax tree keeps it: shared, not copied.
    pub fn name(&self, sym: Sym) -> ast::Name {
        ast::Name::from(self.ctx.names.arc(sym))
    }

    /// How a token reads in a message.
    pub fn describe(&self, t: &Token) -> String {
        t.describe(self.ctx.names)
    }

    pub fn peek(&self) -> Option<&'a Token> {
        self.peek_at(0)
    }

    pub fn peek_at(&self, n: usize) -> Option<&'a Token> {
        let at = self.pos.checked_add(n)?;
        if at < self.end {
            self.all.get(at)
        } else {
            None
        }
    }

    pub fn at_eof(&self) -> bool {
        self.pos >= self.end
    }

    pub fn advance(self, n: usize) -> Input<'a> {
        Input {
            pos: self.pos.saturating_add(n).min(self.end),
            ..self
        }
    }

    /// The current token's span; at the end of input, the point just after the last token (a
    /// line the reader can see) or the end of the file.
    pub fn here(&self) -> Span {
        match self.peek() {
            Some(t) => t.span,
            None => match self.pos.checked_sub(1).and_then(|p| self.all.get(p)) {
                Some(t) => Span {
                    start: t.span.end,
                    ..t.span
                },
                None => self.ctx.eof,
            },
        }
    }

    /// A point just after the previous token: where a missing `;` or `)` belongs.
    pub fn after_prev(&self) -> Span {
        match self.pos.checked_sub(1).and_then(|p| self.all.get(p)) {
            Some(t) => Span {
                start: t.span.end,
                ..t.span
            },
            None => self.peek().map_or(self.ctx.eof, |t| t.span),
        }
    }

    /// The span of the token before the current one.
    pub fn prev_span(&self) -> Span {
        match self.pos.checked_sub(1).and_then(|p| self.all.get(p)) {
            Some(t) => t.span,
            None => self.here(),
        }
    }

    /// How the current token reads in a message.
    pub fn found(&self) -> String {
        self.peek()
            .map_or_else(|| "end of file".to_string(), |t| t.describe(self.ctx.names))
    }

    pub fn is_punct(&self, p: P) -> bool {
        self.peek().is_some_and(|t| t.is_punct(p))
    }

    pub fn is_ident(&self, name: &str) -> bool {
        self.peek()
            .is_some_and(|t| t.is_ident(self.ctx.names, name))
    }

    /// The class (see [`word_class`]) of the identifier `n` tokens ahead, if there is one.
    pub fn class_at(&self, n: usize) -> Option<u8> {
        let names = self.ctx.names;
        self.peek_at(n)
            .and_then(Token::ident)
            .map(|s| names.class(s))
    }

    /// The identifier `n` tokens ahead if its class has any of the bits of `class`.
    pub fn word_of_class(&self, n: usize, class: u8) -> Option<&'a str> {
        let names = self.ctx.names;
        self.peek_at(n)
            .and_then(Token::ident)
            .filter(|&s| names.class(s) & class != 0)
            .map(|s| names.text(s))
    }

    pub fn ident_at(&self, n: usize) -> Option<&'a str> {
        let names = self.ctx.names;
        self.peek_at(n)
            .and_then(Token::ident)
            .map(|s| names.text(s))
    }
}

impl<'a> nom::Input for Input<'a> {
    type Item = &'a Token;
    type Iter = Iter<'a, Token>;
    type IterIndices = Enumerate<Iter<'a, Token>>;

    fn input_len(&self) -> usize {
        self.end - self.pos
    }

    fn take(&self, index: usize) -> Self {
        let end = self.pos.saturating_add(index).min(self.end);
        Input { end, ..*self }
    }

    fn take_from(&self, index: usize) -> Self {
        self.advance(index)
    }

    fn take_split(&self, index: usize) -> (Self, Self) {
        (self.take_from(index), self.take(index))
    }

    fn position<F>(&self, predicate: F) -> Option<usize>
    where
        F: Fn(Self::Item) -> bool,
    {
        self.all[self.pos..self.end].iter().position(predicate)
    }

    fn iter_elements(&self) -> Self::Iter {
        self.all[self.pos..self.end].iter()
    }

    fn iter_indices(&self) -> Self::IterIndices {
        self.iter_elements().enumerate()
    }

    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        if self.input_len() >= count {
            Ok(count)
        } else {
            Err(Needed::new(count - self.input_len()))
        }
    }
}

/// A parse error: where, and what was expected. Small (a span and a pointer): every parser
/// returns it through every level of nesting, and backtracking makes many that carry no message.
#[derive(Debug, Clone)]
pub(crate) struct PError {
    pub span: Span,
    detail: Option<Box<Detail>>,
}

#[derive(Debug, Clone, Default)]
struct Detail {
    message: String,
    label: Option<String>,
    notes: Vec<String>,
}

impl PError {
    pub fn new(span: Span, message: impl Into<String>) -> PError {
        let message = message.into();
        PError {
            span,
            detail: (!message.is_empty()).then(|| {
                Box::new(Detail {
                    message,
                    ..Detail::default()
                })
            }),
        }
    }

    fn detail(&mut self) -> &mut Detail {
        self.detail.get_or_insert_with(Box::default)
    }

    pub fn label(mut self, label: impl Into<String>) -> PError {
        self.detail().label = Some(label.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> PError {
        self.detail().notes.push(note.into());
        self
    }
}

impl<'a> ParseError<Input<'a>> for PError {
    /// A backtracking error: made often and mostly thrown away, so it carries no message; one
    /// that reaches the top is given "unexpected X" there (`parse_file`).
    fn from_error_kind(input: Input<'a>, _kind: ErrorKind) -> Self {
        PError::new(input.here(), String::new())
    }

    fn append(_input: Input<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

pub(crate) type PResult<'a, O> = IResult<Input<'a>, O, PError>;

/// A committed error at the current token: "expected WHAT, found X".
pub(crate) fn fail<'a, O>(i: Input<'a>, what: &str) -> PResult<'a, O> {
    Err(Err::Failure(
        PError::new(i.here(), format!("expected {what}, found {}", i.found()))
            .label(format!("expected {what}")),
    ))
}

/// A committed error with a message of its own.
pub(crate) fn fail_at<'a, O>(span: Span, message: impl Into<String>) -> PResult<'a, O> {
    Err(Err::Failure(PError::new(span, message)))
}

/// Backtrack: this parser does not apply here.
pub(crate) fn no<O>(i: Input<'_>) -> PResult<'_, O> {
    Err(Err::Error(PError::from_error_kind(i, ErrorKind::Tag)))
}

/// Runs `p`; if it does not apply at all, fails with "expected WHAT, found X".
pub(crate) fn expect<'a, O>(
    what: &'static str,
    mut p: impl FnMut(Input<'a>) -> PResult<'a, O>,
) -> impl FnMut(Input<'a>) -> PResult<'a, O> {
    move |i| match p(i) {
        Err(Err::Error(_)) => fail(i, what),
        other => other,
    }
}

/// Matches one punctuation token.
pub(crate) fn punct<'a>(p: P) -> impl Fn(Input<'a>) -> PResult<'a, Span> {
    move |i| match i.peek() {
        Some(t) if t.is_punct(p) => Ok((i.advance(1), t.span)),
        _ => no(i),
    }
}

/// Matches a keyword (IDL keywords are identifiers to the lexer).
pub(crate) fn kw<'a>(name: &'static str) -> impl Fn(Input<'a>) -> PResult<'a, Span> {
    move |i| match i.peek() {
        Some(t) if t.is_ident(i.ctx.names, name) => Ok((i.advance(1), t.span)),
        _ => no(i),
    }
}

/// Requires a closing or separating punctuation mark; a missing one is reported just after the
/// previous token, where it belongs: "expected `;` after method declaration, found `HRESULT`".
/// `context` is formatted only if the mark is missing (`format_args!` costs nothing until then).
pub(crate) fn close<'a>(p: P, context: impl std::fmt::Display, i: Input<'a>) -> PResult<'a, Span> {
    match i.peek() {
        Some(t) if t.is_punct(p) => Ok((i.advance(1), t.span)),
        _ => {
            let what = format!("`{}`", p.as_str());
            Err(Err::Failure(
                PError::new(
                    i.after_prev(),
                    format!("expected {what} {context}, found {}", i.found()),
                )
                .label(format!("expected {what} here")),
            ))
        }
    }
}

/// A word's class bits, which the interner works out once per name ([`Interner::class`]):
/// reserved ([`is_reserved`]).
pub(crate) const RESERVED: u8 = 1;
/// One of C's built-in type words (`types::is_builtin_word`).
pub(crate) const BUILTIN: u8 = 2;
/// A qualifier that means nothing to us (`types::is_qualifier`).
pub(crate) const QUALIFIER: u8 = 4;
/// A calling convention (`types::is_callconv`).
pub(crate) const CALLCONV: u8 = 8;
/// `const`.
pub(crate) const CONST: u8 = 16;
/// `struct`, `union`, `enum` or `SAFEARRAY` (with [`BUILTIN`] and [`CONST`]: the words of
/// `types::starts_builtin_type`).
pub(crate) const TYPE_WORD: u8 = 32;

/// The class bits of a word (0 for most: names of types, parameters, numbers), looked up in
/// a table of the words that have any (the interner asks once for each new name, ~3300 for a
/// Wine file with its imports: a hashed lookup rather than scanning the word lists).
pub(crate) fn word_class(name: &str) -> u8 {
    static TABLE: std::sync::LazyLock<std::collections::HashMap<&str, u8, crate::idl::FastHash>> =
        std::sync::LazyLock::new(|| {
            (RESERVED_WORDS.iter())
                .chain(types::BUILTIN_WORDS)
                .chain(types::IGNORED_QUALIFIERS)
                .chain(types::CALLCONVS)
                .chain(&["const", "struct", "union", "enum", "SAFEARRAY"])
                .map(|w| (*w, classify(w)))
                .collect()
        });
    TABLE.get(name).copied().unwrap_or(0)
}

/// The class bits of a word, from the word lists: nonzero only for a word of one of them.
fn classify(name: &str) -> u8 {
    let mut class = 0;
    if is_reserved(name) {
        class |= RESERVED;
    }
    if types::is_builtin_word(name) {
        class |= BUILTIN;
    }
    if types::is_qualifier(name) {
        class |= QUALIFIER;
    }
    if types::is_callconv(name) {
        class |= CALLCONV;
    }
    if name == "const" {
        class |= CONST;
    }
    if matches!(name, "struct" | "union" | "enum" | "SAFEARRAY") {
        class |= TYPE_WORD;
    }
    class
}

/// Words that cannot name a declaration (they start or shape one).
const RESERVED_WORDS: &[&str] = &[
    "struct",
    "union",
    "enum",
    "typedef",
    "const",
    "interface",
    "dispinterface",
    "coclass",
    "library",
    "module",
    "import",
    "importlib",
    "cpp_quote",
    "midl_pragma",
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
    "sizeof",
    "switch",
    "case",
    "default",
    "volatile",
];

/// Whether a word cannot name a declaration (see [`RESERVED_WORDS`]).
pub(crate) fn is_reserved(name: &str) -> bool {
    RESERVED_WORDS.contains(&name)
}

/// An identifier that can name something (not a reserved word).
pub(crate) fn ident(i: Input<'_>) -> PResult<'_, Ident> {
    match i.peek() {
        Some(&Token {
            tok: Tok::Ident(name),
            span,
            ..
        }) if i.ctx.names.class(name) & RESERVED == 0 => Ok((
            i.advance(1),
            Ident {
                // The token's text, shared: no copy.
                name: i.name(name),
                span,
            },
        )),
        _ => no(i),
    }
}

/// One or more adjacent string literals, joined as C joins them.
pub(crate) fn string(i: Input<'_>) -> PResult<'_, StrLit> {
    let mut value = String::new();
    let mut span: Option<Span> = None;
    let mut rest = i;
    while let Some(Token {
        tok: Tok::Str { value: v, .. },
        span: s,
        ..
    }) = rest.peek()
    {
        value.push_str(i.text(*v));
        span = Some(span.map_or(*s, |sp| sp.to(*s)));
        rest = rest.advance(1);
    }
    match span {
        Some(span) => Ok((rest, StrLit { value, span })),
        None => no(i),
    }
}

/// Guards one level of recursion; reports input nested too deeply.
pub(crate) struct Depth<'a>(&'a Ctx<'a>);

impl Drop for Depth<'_> {
    fn drop(&mut self) {
        self.0.depth.set(self.0.depth.get().saturating_sub(1));
    }
}

pub(crate) fn enter(i: Input<'_>) -> Result<Depth<'_>, Err<PError>> {
    let d = i.ctx.depth.get();
    if d >= MAX_DEPTH {
        return Err(Err::Failure(PError::new(
            i.here(),
            format!("declarations or expressions nested more than {MAX_DEPTH} deep"),
        )));
    }
    i.ctx.depth.set(d + 1);
    Ok(Depth(i.ctx))
}

/// Parses a whole preprocessed file.
pub(crate) fn parse_file(
    id: FileId,
    tokens: &[Token],
    eof: Span,
    names: &Interner,
) -> Result<ast::File, IdlError> {
    let ctx = Ctx {
        names,
        depth: Cell::new(0),
        eof,
        // Room for a file's constants and enum values up front: growing to them rehashed ~30
        // times for a Wine file with its imports (~80K instructions).
        constants: RefCell::new(HashSet::with_capacity_and_hasher(
            (tokens.len() / 32).min(4096),
            Default::default(),
        )),
        attributes: vec![Cell::new(0); names.len()],
    };
    let input = Input {
        all: tokens,
        pos: 0,
        end: tokens.len(),
        ctx: &ctx,
    };
    match decls::file(input) {
        Ok((_, items)) => Ok(ast::File {
            id,
            items,
            imports: Vec::new(),
        }),
        Err(Err::Error(e) | Err::Failure(e)) => {
            let Detail {
                message,
                label,
                notes,
            } = e.detail.map(|d| *d).unwrap_or_default();
            let message = if message.is_empty() {
                let found = tokens
                    .iter()
                    .find(|t| t.span == e.span)
                    .map_or_else(|| "end of file".to_string(), |t| t.describe(names));
                format!("unexpected {found}")
            } else {
                message
            };
            Err(IdlError {
                span: e.span,
                message,
                label,
                notes,
            })
        }
        Err(Err::Incomplete(_)) => Err(IdlError::new(eof, "unexpected end of file")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table gives every word the class the word lists give it, and other words none.
    #[test]
    fn word_class_agrees_with_the_lists() {
        let listed = (RESERVED_WORDS.iter())
            .chain(types::BUILTIN_WORDS)
            .chain(types::IGNORED_QUALIFIERS)
            .chain(types::CALLCONVS);
        let others = [
            "const",
            "struct",
            "SAFEARRAY",
            "HRESULT",
            "",
            "1",
            "Const",
            "int_",
        ];
        for w in listed.chain(&others) {
            assert_eq!(word_class(w), classify(w), "{w}");
        }
    }
}
