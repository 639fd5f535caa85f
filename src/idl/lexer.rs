//! Tokens with spans: the C-like lexical layer shared by the preprocessor and the parser.
//!
//! The lexer never gives up on a bad character or an unterminated literal: it makes an
//! [`Tok::Invalid`] token instead, because such text may sit in a `#if 0` block that is never
//! compiled. Only an unterminated `/* */` comment (which swallows the rest of the file) is an
//! immediate error.

use std::sync::Arc;

use super::IdlError;
use crate::diag::{FileId, Span};

/// A multiply-rotate hash taking 8 bytes a step (as rustc's FxHasher does), for the names of
/// identifiers and macros: every identifier of every file is hashed at least once, and byte-at-
/// a-time FNV cost ~5 instructions a byte on 30-character DISPID names. Nothing iterates a table
/// keyed with it, so the hash decides no output order.
#[derive(Default)]
pub struct NameHasher(u64);

impl NameHasher {
    const K: u64 = 0xf135_7aea_2e62_a9c5;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(26) ^ word).wrapping_mul(Self::K);
    }
}

impl std::hash::Hasher for NameHasher {
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits weakest; hashbrown picks buckets with them.
        self.0.rotate_left(26)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w: [u8; 8] = c.try_into().unwrap_or_default();
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The length keeps "a" and "a\0" apart.
            self.add(tail_word(bytes, rest.len()) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
}

pub(crate) type FastHash = std::hash::BuildHasherDefault<NameHasher>;

/// The last `n` (1 to 7) bytes of `bytes` as a little-endian word, zero above them: read with
/// a few overlapping loads rather than copied into a buffer (a `memcpy` call per name hashed).
fn tail_word(bytes: &[u8], n: usize) -> u64 {
    let len = bytes.len();
    let load = |at: usize, width: usize| -> u64 {
        let b = bytes.get(at..at + width).unwrap_or_default();
        match width {
            8 => u64::from_le_bytes(b.try_into().unwrap_or_default()),
            4 => u64::from(u32::from_le_bytes(b.try_into().unwrap_or_default())),
            2 => u64::from(u16::from_le_bytes(b.try_into().unwrap_or_default())),
            _ => b.first().map_or(0, |&c| u64::from(c)),
        }
    };
    if len >= 8 {
        // The word that ends the text, shifted down past the bytes before the tail.
        return load(len - 8, 8) >> (8 * (8 - n));
    }
    // `n == len`: the whole text, from two loads that may overlap (ORing a byte with itself
    // changes nothing).
    match n {
        4..=7 => load(0, 4) | load(n - 4, 4) << (8 * (n - 4)),
        2..=3 => load(0, 2) | load(n - 2, 2) << (8 * (n - 2)),
        _ => load(0, 1),
    }
}

/// A string held by an [`Interner`]: the text of an identifier, number or literal. Tokens
/// carry these rather than strings, so that a token is plain data: copied, moved and dropped
/// with no reference count (macro expansion copies many), and a name compared or hashed as one
/// integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sym(u32);

impl Sym {
    /// A symbol no interner makes.
    pub const NONE: Sym = Sym(u32::MAX);

    /// The symbol's number: symbols are numbered densely from 0, so tables may be indexed
    /// by it.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Holds each identifier, number and literal text once, as a [`Sym`]; the files preprocessed on
/// one thread share one (see [`Interner::shared`]), so that a symbol means the same text in all
/// of them.
///
/// An open-addressing table of its own rather than a `HashSet<Arc<str>>`: every identifier and
/// number of every file is looked up here (~11K for a Wine file with its imports), and a slot
/// that keeps the name's hash beside its index settles most probes without touching the name.
#[derive(Default)]
pub(crate) struct Interner {
    /// Power-of-two many slots (or none yet): 0 for an empty one, else the name's hash in the
    /// high 32 bits and 1 + its index into `names` in the low 32, so that a probe that meets
    /// another name is settled without reading that name (a cache miss each).
    slots: Vec<u64>,
    /// Each name once.
    names: Vec<Arc<str>>,
    /// What each name is to the parser (`parser::word_class`), worked out once per name rather
    /// than by comparing its text with the keyword lists at every use.
    classes: Vec<u8>,
}

thread_local! {
    /// The interner of the files preprocessed on this thread (see [`Interner::shared`]).
    static NAMES: std::cell::Cell<Option<Interner>> = const { std::cell::Cell::new(None) };
}

/// The hash the interner keys names by: [`NameHasher`] over the bytes.
fn name_hash(s: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = NameHasher::default();
    h.write(s);
    h.finish()
}

impl Interner {
    /// The interner the files preprocessed on this thread share (most names of an import are
    /// those of the files before it: `HRESULT`, `in`, `REFIID`...), taken until
    /// [`Interner::give_back`].
    pub fn shared() -> Interner {
        // Room for the names of a typical file with its imports (richole.idl's: ~5000), rather
        // than a few rehashes on the way there.
        NAMES
            .with(std::cell::Cell::take)
            .unwrap_or_else(|| Interner {
                slots: vec![0; 1 << 14],
                names: Vec::with_capacity(1 << 13),
                classes: Vec::with_capacity(1 << 13),
            })
    }

    /// Puts the interner back for the next file on this thread, unless it has grown so large
    /// that keeping it would be a cost.
    pub fn give_back(self) {
        if self.names.len() <= 1 << 16 {
            NAMES.with(|n| n.set(Some(self)));
        }
    }

    /// How many symbols this interner has made (each below this number).
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// The text of a symbol this interner made ("" for any other).
    pub fn text(&self, sym: Sym) -> &str {
        self.names.get(sym.0 as usize).map_or("", |n| n)
    }

    /// What a symbol's text is to the parser: `parser::word_class` of it (0 for a symbol this
    /// interner did not make).
    pub fn class(&self, sym: Sym) -> u8 {
        self.classes.get(sym.0 as usize).copied().unwrap_or(0)
    }

    /// The text of a symbol as a shared string (a copy of the pointer), for the syntax tree.
    pub fn arc(&self, sym: Sym) -> Arc<str> {
        self.names
            .get(sym.0 as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from(""))
    }

    /// The symbol of `s`, made if it is new.
    pub fn get(&mut self, s: &str) -> Sym {
        let hash = name_hash(s.as_bytes());
        let tag = hash >> 32 << 32;
        let mask = self.slots.len().wrapping_sub(1);
        let mut at = hash as usize;
        while let Some(&slot) = self.slots.get(at & mask) {
            if slot == 0 {
                break;
            }
            let k = (slot as u32 as usize).wrapping_sub(1);
            if slot & !0xffff_ffff == tag && self.names.get(k).is_some_and(|name| **name == *s) {
                return Sym(k as u32);
            }
            at = (at & mask) + 1;
        }
        let sym = Sym(self.names.len() as u32);
        self.names.push(Arc::from(s));
        self.classes.push(super::parser::word_class(s));
        // At most half full, so that probes stay short.
        if self.names.len() * 2 > self.slots.len() {
            self.rehash();
        } else {
            self.place(hash, self.names.len());
        }
        sym
    }

    /// Puts entry `n` (1-based) of `names`, whose hash is `hash`, into the first free slot from
    /// its hash's.
    fn place(&mut self, hash: u64, n: usize) {
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        while self.slots[at] != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = (hash >> 32 << 32) | n as u64;
    }

    fn rehash(&mut self) {
        let size = (self.names.len() * 4).next_power_of_two().max(16);
        self.slots = vec![0; size];
        for n in 1..=self.names.len() {
            let hash = name_hash(self.names[n - 1].as_bytes());
            self.place(hash, n);
        }
    }
}

/// Punctuation, named for what it looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum P {
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Semi,
    Comma,
    Colon,
    Question,
    Dot,
    Arrow,
    Ellipsis,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Amp,
    Pipe,
    Caret,
    Tilde,
    Bang,
    Lt,
    Gt,
    Le,
    Ge,
    EqEq,
    Ne,
    Shl,
    Shr,
    AndAnd,
    OrOr,
    Assign,
    Hash,
    HashHash,
}

impl P {
    pub fn as_str(self) -> &'static str {
        match self {
            P::LParen => "(",
            P::RParen => ")",
            P::LBracket => "[",
            P::RBracket => "]",
            P::LBrace => "{",
            P::RBrace => "}",
            P::Semi => ";",
            P::Comma => ",",
            P::Colon => ":",
            P::Question => "?",
            P::Dot => ".",
            P::Arrow => "->",
            P::Ellipsis => "...",
            P::Plus => "+",
            P::Minus => "-",
            P::Star => "*",
            P::Slash => "/",
            P::Percent => "%",
            P::Amp => "&",
            P::Pipe => "|",
            P::Caret => "^",
            P::Tilde => "~",
            P::Bang => "!",
            P::Lt => "<",
            P::Gt => ">",
            P::Le => "<=",
            P::Ge => ">=",
            P::EqEq => "==",
            P::Ne => "!=",
            P::Shl => "<<",
            P::Shr => ">>",
            P::AndAnd => "&&",
            P::OrOr => "||",
            P::Assign => "=",
            P::Hash => "#",
            P::HashHash => "##",
        }
    }
}

/// Longest punctuators first, so `<<` wins over `<` ([`punct_at`] gives the same answers).
#[cfg(test)]
const PUNCTS: &[(&str, P)] = &[
    ("...", P::Ellipsis),
    ("->", P::Arrow),
    ("<<", P::Shl),
    (">>", P::Shr),
    ("<=", P::Le),
    (">=", P::Ge),
    ("==", P::EqEq),
    ("!=", P::Ne),
    ("&&", P::AndAnd),
    ("||", P::OrOr),
    ("##", P::HashHash),
    ("(", P::LParen),
    (")", P::RParen),
    ("[", P::LBracket),
    ("]", P::RBracket),
    ("{", P::LBrace),
    ("}", P::RBrace),
    (";", P::Semi),
    (",", P::Comma),
    (":", P::Colon),
    ("?", P::Question),
    (".", P::Dot),
    ("+", P::Plus),
    ("-", P::Minus),
    ("*", P::Star),
    ("/", P::Slash),
    ("%", P::Percent),
    ("&", P::Amp),
    ("|", P::Pipe),
    ("^", P::Caret),
    ("~", P::Tilde),
    ("!", P::Bang),
    ("<", P::Lt),
    (">", P::Gt),
    ("=", P::Assign),
    ("#", P::Hash),
];

/// The punctuator at the start of `s` and its length: the longest of [`PUNCTS`] that matches
/// (the same answer as trying them in order, without comparing each).
fn punct_at(s: &[u8]) -> Option<(P, usize)> {
    let c = *s.first()?;
    let next = s.get(1).copied().unwrap_or(0);
    let two = |p2: P, second: u8, p1: P| {
        if next == second {
            Some((p2, 2))
        } else {
            Some((p1, 1))
        }
    };
    match c {
        b'.' if next == b'.' && s.get(2) == Some(&b'.') => Some((P::Ellipsis, 3)),
        b'.' => Some((P::Dot, 1)),
        b'-' => two(P::Arrow, b'>', P::Minus),
        b'<' if next == b'<' => Some((P::Shl, 2)),
        b'<' => two(P::Le, b'=', P::Lt),
        b'>' if next == b'>' => Some((P::Shr, 2)),
        b'>' => two(P::Ge, b'=', P::Gt),
        b'=' => two(P::EqEq, b'=', P::Assign),
        b'!' => two(P::Ne, b'=', P::Bang),
        b'&' => two(P::AndAnd, b'&', P::Amp),
        b'|' => two(P::OrOr, b'|', P::Pipe),
        b'#' => two(P::HashHash, b'#', P::Hash),
        b'(' => Some((P::LParen, 1)),
        b')' => Some((P::RParen, 1)),
        b'[' => Some((P::LBracket, 1)),
        b']' => Some((P::RBracket, 1)),
        b'{' => Some((P::LBrace, 1)),
        b'}' => Some((P::RBrace, 1)),
        b';' => Some((P::Semi, 1)),
        b',' => Some((P::Comma, 1)),
        b':' => Some((P::Colon, 1)),
        b'?' => Some((P::Question, 1)),
        b'+' => Some((P::Plus, 1)),
        b'*' => Some((P::Star, 1)),
        b'/' => Some((P::Slash, 1)),
        b'%' => Some((P::Percent, 1)),
        b'^' => Some((P::Caret, 1)),
        b'~' => Some((P::Tilde, 1)),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tok {
    Ident(Sym),
    /// A C "pp-number", as spelled (`0x80000000UL`, `1.0`, `4ba9eb90`); decoded by the user.
    Number(Sym),
    /// A string literal with escapes processed; `wide` for `L"..."`.
    Str {
        value: Sym,
        wide: bool,
    },
    /// A character literal's value (at most four characters, packed as C compilers do): 32
    /// bits, which keeps a token at 24 bytes rather than 32 (every token is copied at least
    /// twice, lexed and expanded).
    Char(u32),
    /// The unquoted argument of `uuid(...)`, `async_uuid(...)` or `custom(...)`, as spelled.
    Uuid(Sym),
    Punct(P),
    /// A `#pragma` the preprocessor passes on to the parser (its text after `pragma`).
    Pragma(Sym),
    /// Something that is not a token (the text says what); reported only if it survives
    /// preprocessing.
    Invalid(Sym),
}

#[derive(Debug, Clone, Copy)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
    /// First token of its logical line (only whitespace and comments before it).
    pub line_start: bool,
    /// Whitespace or a comment comes right before it (tells `#define F(x)` from `#define F (x)`).
    pub space_before: bool,
}

impl Token {
    pub fn is_punct(&self, p: P) -> bool {
        // A match, not `== Tok::Punct(p)`: that builds and drops a `Tok` (a call) per test.
        matches!(self.tok, Tok::Punct(q) if q == p)
    }

    pub fn ident(&self) -> Option<Sym> {
        match self.tok {
            Tok::Ident(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_ident(&self, names: &Interner, name: &str) -> bool {
        self.ident().is_some_and(|s| names.text(s) == name)
    }

    /// How the token reads in an error message: "`HRESULT`", "string \"abc\"".
    pub fn describe(&self, names: &Interner) -> String {
        match self.tok {
            Tok::Ident(s) => format!("`{}`", names.text(s)),
            Tok::Number(s) => format!("number `{}`", names.text(s)),
            Tok::Str { value, .. } => {
                let value = names.text(value);
                let mut shown: String = value.chars().take(40).collect();
                if shown.len() < value.len() {
                    shown.push_str("...");
                }
                format!("string {shown:?}")
            }
            Tok::Char(_) => "character literal".to_string(),
            Tok::Uuid(s) => format!("`{}`", names.text(s)),
            Tok::Punct(p) => format!("`{}`", p.as_str()),
            Tok::Pragma(_) => "`#pragma`".to_string(),
            Tok::Invalid(m) => names.text(m).to_string(),
        }
    }

    /// The token's spelling where it has one (for rebuilding text such as a uuid).
    pub fn spelling<'n>(&self, names: &'n Interner) -> Option<&'n str> {
        match self.tok {
            Tok::Ident(s) | Tok::Number(s) | Tok::Uuid(s) => Some(names.text(s)),
            Tok::Punct(p) => Some(p.as_str()),
            _ => None,
        }
    }
}

thread_local! {
    /// Token buffers given back ([`recycle`]) for the next file on this thread: a file's tokens
    /// take ten times its size, and memory fresh from the system costs a page fault per page
    /// touched, where a buffer used before costs none.
    static SPARE: std::cell::RefCell<Vec<Vec<Token>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// An empty token buffer, one given back before if there is one.
pub(crate) fn buffer(capacity: usize) -> Vec<Token> {
    let mut v = SPARE.with(|s| s.borrow_mut().pop()).unwrap_or_default();
    v.reserve(capacity);
    v
}

/// Gives a token buffer back for [`buffer`] to hand out again (its tokens dropped).
pub(crate) fn recycle(mut v: Vec<Token>) {
    v.clear();
    if v.capacity() == 0 {
        return;
    }
    SPARE.with(|s| {
        let mut s = s.borrow_mut();
        // The lexer's and the preprocessor's, with room for an #include's.
        if s.len() < 4 {
            s.push(v);
        }
    });
}

/// The bytes that continue an identifier: letters, digits, `_` and `$` (a table: identifiers
/// are most of the text, and a lookup per byte is cheaper than the four tests).
const IDENT: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
        c += 1;
    }
    t
};

/// Splits one file into tokens.
pub(crate) fn lex(file: FileId, text: &str, names: &mut Interner) -> Result<Vec<Token>, IdlError> {
    let mut lx = Lexer {
        file,
        src: text.as_bytes(),
        text,
        pos: 0,
        // About one token per 5 bytes of IDL.
        out: buffer(text.len() / 5),
        narrow_span: None,
        names,
    };
    // A UTF-8 byte order mark is not text.
    if text.starts_with('\u{feff}') {
        lx.pos = 3;
    }
    lx.run()?;
    Ok(lx.out)
}

struct Lexer<'a> {
    file: FileId,
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    out: Vec<Token>,
    /// Set by a token that wants a narrower span than the text it consumed.
    narrow_span: Option<(usize, usize)>,
    names: &'a mut Interner,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> u8 {
        self.src.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn span(&self, start: usize) -> Span {
        Span::new(self.file, start, self.pos)
    }

    fn run(&mut self) -> Result<(), IdlError> {
        let mut line_start = true;
        let mut space_before = true;
        while self.pos < self.src.len() {
            let c = self.src[self.pos];
            match c {
                b'\n' => {
                    self.pos += 1;
                    line_start = true;
                    space_before = true;
                    continue;
                }
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => {
                    // Indentation comes in runs.
                    self.pos += 1;
                    while matches!(self.src.get(self.pos), Some(b' ' | b'\t')) {
                        self.pos += 1;
                    }
                    space_before = true;
                    continue;
                }
                // A line continuation joins two physical lines into one logical line.
                b'\\' if self.peek(1) == b'\n' => {
                    self.pos += 2;
                    space_before = true;
                    continue;
                }
                b'\\' if self.peek(1) == b'\r' && self.peek(2) == b'\n' => {
                    self.pos += 3;
                    space_before = true;
                    continue;
                }
                b'/' if self.peek(1) == b'/' => {
                    // To the end of the line; a trailing backslash continues the comment.
                    self.pos += 2;
                    loop {
                        // A word at a time to each line end rather than a test per byte.
                        let Some(n) = crate::bytes::find_byte(&self.src[self.pos..], b'\n') else {
                            self.pos = self.src.len();
                            break;
                        };
                        self.pos += n;
                        let prev = self.pos.checked_sub(1).map(|p| self.src[p]);
                        let prev2 = self.pos.checked_sub(2).map(|p| self.src[p]);
                        let continued =
                            prev == Some(b'\\') || (prev == Some(b'\r') && prev2 == Some(b'\\'));
                        if !continued {
                            break;
                        }
                        self.pos += 1;
                    }
                    space_before = true;
                    continue;
                }
                b'/' if self.peek(1) == b'*' => {
                    let start = self.pos;
                    match crate::bytes::find_pair(&self.src[start + 2..], *b"*/") {
                        Some(n) => self.pos = start + 2 + n + 2,
                        None => {
                            return Err(IdlError::new(
                                Span::new(self.file, start, start + 2),
                                "unterminated comment: this `/*` has no closing `*/`",
                            ));
                        }
                    }
                    // Newlines inside a comment do not end the logical line, as in C.
                    space_before = true;
                    continue;
                }
                _ => {}
            }
            let start = self.pos;
            let tok = self.token();
            let span = match self.narrow_span.take() {
                Some((s, e)) => Span::new(self.file, s, e),
                None => self.span(start),
            };
            self.out.push(Token {
                tok,
                span,
                line_start,
                space_before,
            });
            line_start = false;
            space_before = false;
        }
        Ok(())
    }

    /// Lexes one token at `self.pos` (not whitespace or a comment) and advances past it.
    fn token(&mut self) -> Tok {
        let c = self.src[self.pos];
        if let Some(tok) = self.uuid_argument() {
            return tok;
        }
        if (c == b'L' || c == b'u' || c == b'U') && matches!(self.peek(1), b'"' | b'\'') {
            self.pos += 1;
            return self.quoted(true);
        }
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let start = self.pos;
            self.pos += 1;
            while self
                .src
                .get(self.pos)
                .is_some_and(|&c| IDENT[usize::from(c)])
            {
                self.pos += 1;
            }
            return Tok::Ident(self.names.get(&self.text[start..self.pos]));
        }
        if c.is_ascii_digit() || (c == b'.' && self.peek(1).is_ascii_digit()) {
            return self.number();
        }
        if c == b'"' || c == b'\'' {
            return self.quoted(false);
        }
        if let Some((p, len)) = punct_at(&self.src[self.pos..]) {
            self.pos += len;
            return Tok::Punct(p);
        }
        // One whole character, so spans stay on character boundaries.
        let ch = self.text[self.pos..].chars().next().unwrap_or('?');
        self.pos += ch.len_utf8().max(1);
        let message = format!("unexpected character `{}`", ch.escape_debug());
        Tok::Invalid(self.names.get(&message))
    }

    /// A C pp-number: digits, letters, `_`, `.`, and a sign after a decimal exponent.
    fn number(&mut self) -> Tok {
        let start = self.pos;
        let hex = self.src[self.pos] == b'0' && matches!(self.peek(1), b'x' | b'X');
        while self.pos < self.src.len() {
            let c = self.src[self.pos];
            // A sign belongs to the number only after a decimal exponent (`1e+5`).
            let sign =
                (c == b'+' || c == b'-') && !hex && matches!(self.src[self.pos - 1], b'e' | b'E');
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || sign {
                self.pos += 1;
            } else {
                break;
            }
        }
        Tok::Number(self.names.get(&self.text[start..self.pos]))
    }

    /// `uuid(4ba9eb90-732c-...)` would lex as numbers, names and minus signs; after `uuid(`,
    /// `async_uuid(` or `custom(`, a run of letters, digits and dashes that starts with a digit or
    /// contains a dash is taken whole as one token.
    fn uuid_argument(&mut self) -> Option<Tok> {
        let n = self.out.len();
        if n < 2 || !self.out[n - 1].is_punct(P::LParen) {
            return None;
        }
        let keyword = self.names.text(self.out[n - 2].ident()?);
        if !matches!(keyword, "uuid" | "async_uuid" | "custom") {
            return None;
        }
        if !self.src[self.pos].is_ascii_hexdigit() {
            return None;
        }
        let run = self.src[self.pos..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
            .count();
        let text = &self.text[self.pos..self.pos + run];
        if !(text.contains('-') || text.as_bytes()[0].is_ascii_digit()) {
            return None;
        }
        self.pos += run;
        Some(Tok::Uuid(self.names.get(text)))
    }

    /// A string or character literal; `self.pos` is at the opening quote.
    fn quoted(&mut self, wide: bool) -> Tok {
        let quote = self.src[self.pos];
        let open = self.pos;
        self.pos += 1;
        // Most literals (helpstrings) hold no escape and close on their line: taken as they
        // stand, rather than copied a character at a time (~2000 instructions a helpstring).
        let text = self.text;
        let body = &self.src[self.pos..];
        let plain = (body.iter())
            .position(|&c| c == quote || c == b'\\' || c == b'\n')
            .unwrap_or(body.len());
        // An ASCII byte or the end of the text: a character boundary.
        let stop = self.pos + plain;
        if self.src.get(stop) == Some(&quote) {
            self.pos = stop + 1;
            return self.literal(&text[open + 1..stop], quote, wide);
        }
        // The rest character by character, from the first escape or line end.
        let mut value = String::from(&text[open + 1..stop]);
        self.pos = stop;
        loop {
            let Some(&c) = self.src.get(self.pos) else {
                return self.unterminated(open, quote);
            };
            match c {
                // MIDL reads a string on across a line end (DocumentTarget.idl's two-line
                // helpstring); the newline is kept in the value.
                b'\n' if quote == b'"' && self.string_closes_below(self.pos) => {
                    if value.ends_with('\r') {
                        value.pop();
                    }
                    value.push('\n');
                    self.pos += 1;
                }
                b'\n' => return self.unterminated(open, quote),
                b'\\' => {
                    self.pos += 1;
                    match self.src.get(self.pos) {
                        None => return self.unterminated(open, quote),
                        // A continuation inside a literal joins the lines.
                        Some(b'\n') => self.pos += 1,
                        Some(b'\r') if self.peek(1) == b'\n' => self.pos += 2,
                        Some(_) => value.push(self.escape()),
                    }
                }
                _ if c == quote => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    let ch = self.text[self.pos..].chars().next().unwrap_or('\u{fffd}');
                    value.push(ch);
                    self.pos += ch.len_utf8().max(1);
                }
            }
        }
        self.literal(&value, quote, wide)
    }

    /// The token of a literal whose characters (escapes processed) are `value`.
    fn literal(&mut self, value: &str, quote: u8, wide: bool) -> Tok {
        if quote == b'"' {
            return Tok::Str {
                value: self.names.get(value),
                wide,
            };
        }
        if value.is_empty() {
            return Tok::Invalid(self.names.get("empty character literal"));
        }
        // A multi-character constant packs its characters as C compilers do.
        // (The shift drops the bits above 32.)
        let v = (value.chars()).fold(0u32, |acc, ch| (acc << 8) | u32::from(ch));
        Tok::Char(v)
    }

    /// Whether a `"` string that reaches the line end at `nl` closes on one of the next few
    /// lines, none of them a directive: only then does it go on across the line end, so a
    /// quote left open by mistake is still reported on its own line, and no line is scanned
    /// more than a few times.
    fn string_closes_below(&self, nl: usize) -> bool {
        const LINES: usize = 4;
        let mut at = nl + 1;
        for _ in 0..LINES {
            let rest = self.src.get(at..).unwrap_or_default();
            let line_len = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
            let line = &rest[..line_len];
            if line.trim_ascii_start().first() == Some(&b'#') {
                return false;
            }
            if line.contains(&b'"') {
                return true;
            }
            if line_len == rest.len() {
                return false;
            }
            at += line_len + 1;
        }
        false
    }

    fn unterminated(&mut self, open: usize, quote: u8) -> Tok {
        // Skip to the end of the line; the error (if this text is compiled) points at the quote.
        while self.pos < self.src.len() && self.src[self.pos] != b'\n' {
            self.pos += 1;
        }
        let what = if quote == b'"' {
            "unterminated string literal: no closing `\"` on this line"
        } else {
            "unterminated character literal: no closing `'` on this line"
        };
        // Keep only the quote in the token's span, so the caret lands on it.
        self.narrow_span = Some((open, open + 1));
        Tok::Invalid(self.names.get(what))
    }

    /// One escape sequence; `self.pos` is just past the backslash.
    fn escape(&mut self) -> char {
        let c = self.src[self.pos];
        self.pos += 1;
        match c {
            b'n' => '\n',
            b't' => '\t',
            b'r' => '\r',
            b'a' => '\u{7}',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'v' => '\u{b}',
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                for _ in 0..2 {
                    match self.src.get(self.pos) {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                char::from_u32(v).unwrap_or('\u{fffd}')
            }
            b'x' => self.hex_escape(usize::MAX),
            b'u' => self.hex_escape(4),
            b'U' => self.hex_escape(8),
            _ => {
                // `\\`, `\"`, `\'`, `\?` and unknown escapes stand for the character itself.
                self.pos -= 1;
                let ch = self.text[self.pos..].chars().next().unwrap_or('\u{fffd}');
                self.pos += ch.len_utf8().max(1);
                ch
            }
        }
    }

    fn hex_escape(&mut self, max_digits: usize) -> char {
        let mut v: u32 = 0;
        let mut n = 0;
        while n < max_digits {
            let Some(d) = self
                .src
                .get(self.pos)
                .and_then(|c| (*c as char).to_digit(16))
            else {
                break;
            };
            v = v.saturating_mul(16).saturating_add(d);
            self.pos += 1;
            n += 1;
        }
        char::from_u32(v).unwrap_or('\u{fffd}')
    }
}

/// A decoded integer literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntLit {
    pub value: u64,
    /// Has a `U` suffix, or does not fit in a signed 64-bit integer (C's rule for `#if`).
    pub unsigned: bool,
}

/// Decodes a pp-number as a C integer literal (`10`, `0x80000000UL`, `017`, `5i64`).
pub fn int_value(spelling: &str) -> Result<IntLit, String> {
    // Most numbers are plain decimal or hex digits, too short to overflow or to need the
    // unsigned flag: decoded at once (every number of every file comes through here).
    let b = spelling.as_bytes();
    let (radix, body) = match b {
        [b'0', b'x' | b'X', rest @ ..] => (16, rest),
        [b'1'..=b'9', ..] | [b'0'] => (10, b),
        _ => (0, &b[..0]),
    };
    if !body.is_empty() && body.len() <= 15 && body.iter().all(|c| c.is_ascii_hexdigit()) {
        let mut value: u64 = 0;
        let mut ok = true;
        for &c in body {
            let d = match c {
                b'0'..=b'9' => c - b'0',
                _ if radix == 16 => (c | 0x20) - b'a' + 10,
                _ => {
                    ok = false;
                    break;
                }
            };
            value = value * radix + u64::from(d);
        }
        if ok {
            return Ok(IntLit {
                value,
                unsigned: false,
            });
        }
    }
    // Suffixes (any case): any mix of `u` and `l`, or Microsoft's `i64`/`ui64` (and the 8/16/32
    // forms). Matched on the bytes, without a lowercased copy: every number in every file comes
    // through here.
    let ends_with_ci = |s: &str, suffix: &str| {
        s.len() >= suffix.len()
            && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    let mut digits = spelling;
    let mut unsigned = false;
    for suffix in ["ui64", "i64", "ui32", "i32", "ui16", "i16", "ui8", "i8"] {
        if ends_with_ci(digits, suffix) {
            unsigned = suffix.starts_with('u');
            digits = &digits[..digits.len() - suffix.len()];
            break;
        }
    }
    while let Some(&last) = digits.as_bytes().last() {
        match last {
            b'u' | b'U' => unsigned = true,
            b'l' | b'L' => {}
            _ => break,
        }
        digits = &digits[..digits.len() - 1];
    }
    let b = digits.as_bytes();
    let (radix, body) = if b.len() >= 2 && b[0] == b'0' && (b[1] == b'x' || b[1] == b'X') {
        (16, &digits[2..])
    } else if b.len() >= 2 && b[0] == b'0' && (b[1] == b'b' || b[1] == b'B') {
        (2, &digits[2..])
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() {
        return Err(format!("`{spelling}` is not a valid number"));
    }
    let mut value: u64 = 0;
    for c in body.chars() {
        let Some(d) = c.to_digit(radix) else {
            let kind = match radix {
                16 => "hexadecimal",
                8 => "octal",
                2 => "binary",
                _ => "decimal",
            };
            return Err(format!("`{spelling}` is not a valid {kind} number"));
        };
        value = value
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(d)))
            .ok_or_else(|| format!("`{spelling}` is too large for a 64-bit integer"))?;
    }
    Ok(IntLit {
        value,
        unsigned: unsigned || value > i64::MAX as u64,
    })
}

/// Whether a pp-number is written as a floating-point literal.
pub fn is_float(spelling: &str) -> bool {
    let b = spelling.as_bytes();
    let hex = b.len() >= 2 && b[0] == b'0' && (b[1] == b'x' || b[1] == b'X');
    !hex && b.iter().any(|&c| matches!(c, b'.' | b'e' | b'E'))
}

/// Decodes a floating-point literal (`1.5`, `2e10`, `.5f`).
pub fn float_value(spelling: &str) -> Result<f64, String> {
    let trimmed = spelling.trim_end_matches(['f', 'F', 'l', 'L']);
    trimmed
        .parse::<f64>()
        .map_err(|_| format!("`{spelling}` is not a valid floating-point number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokens stay small: every one is copied from the lexer's buffer to the preprocessor's.
    #[test]
    fn token_is_24_bytes() {
        assert_eq!(std::mem::size_of::<Token>(), 24);
    }

    /// The interner hands back the same symbol for the same text, and the text for a symbol,
    /// across rehashes; the hash's tail agrees with a plain zero-padded copy.
    #[test]
    fn interner_round_trips() {
        let mut names = Interner::default();
        let words: Vec<String> = (0..3000)
            .map(|n| format!("name{n}_{}", "x".repeat(n % 19)))
            .collect();
        let syms: Vec<Sym> = words.iter().map(|w| names.get(w)).collect();
        for (w, s) in words.iter().zip(&syms) {
            assert_eq!(names.get(w), *s);
            assert_eq!(names.text(*s), w);
            assert_eq!(&*names.arc(*s), w.as_str());
        }
        assert_eq!(names.text(Sym::NONE), "");
        for len in 0..40 {
            let bytes: Vec<u8> = (1..=len as u8).collect();
            let n = len % 8;
            if n > 0 {
                let mut w = [0u8; 8];
                w[..n].copy_from_slice(&bytes[len - n..]);
                assert_eq!(tail_word(&bytes, n), u64::from_le_bytes(w), "{len}");
            }
        }
    }

    /// `punct_at` agrees with trying [`PUNCTS`] in order, longest first, on every string of up
    /// to three characters drawn from the punctuation characters (and one other).
    #[test]
    fn punct_at_matches_the_table() {
        let chars: Vec<u8> = b".-<>=!&|#()[]{};,:?+*/%^~a".to_vec();
        let by_table = |s: &[u8]| {
            PUNCTS
                .iter()
                .find(|(p, _)| s.starts_with(p.as_bytes()))
                .map(|(p, k)| (*k, p.len()))
        };
        for &a in &chars {
            for &b in &chars {
                for &c in &chars {
                    for s in [&[a][..], &[a, b][..], &[a, b, c][..]] {
                        assert_eq!(punct_at(s), by_table(s), "{:?}", String::from_utf8_lossy(s));
                    }
                }
            }
        }
    }
}
