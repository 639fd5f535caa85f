//! Tokens of the Rust the templates write: identifiers, literals, punctuation and comments, each
//! a slice of the text, with the count of line breaks before it (blank lines are kept, at most
//! one, as rustfmt keeps them).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ident,
    Lifetime,
    Literal,
    Punct,
    /// A `//` comment (doc comments included), the whole line.
    Comment,
}

#[derive(Clone, Copy, Debug)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    /// Line breaks between the previous token and this one.
    pub newlines: u32,
    /// Whether any whitespace precedes the token.
    pub space_before: bool,
    /// Byte offset of the token in the text.
    pub at: usize,
    /// For an opening bracket, the index of the token closing it (else `usize::MAX`).
    pub close: usize,
}

/// Where a token is in a text that may move (see [`Token`]).
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    pub kind: Kind,
    pub at: usize,
    pub len: usize,
    pub newlines: u32,
    pub space_before: bool,
    /// For an opening bracket, the index of the mark closing it in its run (else
    /// `usize::MAX`): set as the run is read.
    pub close: usize,
}

impl Mark {
    /// The token in `text`, which starts at `base` of the text the mark was made in.
    pub fn token<'a>(&self, text: &'a str, base: usize) -> Token<'a> {
        let at = self.at - base;
        Token {
            kind: self.kind,
            text: &text[at..at + self.len],
            newlines: self.newlines,
            space_before: self.space_before,
            at,
            close: self.close,
        }
    }
}

// Punctuation of more than one character: `...`, `..=`, `::`, `->`, `=>`, `==`, `!=`, `&&`,
// `||`, `..`, `+=`, `-=`, `*=`, `/=`, `|=`, `&=`, `^=` (`punct_len`). `<` and `>` are single
// characters (generics close with `>>`); the parser joins `<=`-like pairs where it needs them.

/// What follows a position of the text.
pub enum Next {
    Token(Mark),
    /// Only whitespace up to the end.
    End,
    /// The text ends before the token is certain (only when more may follow).
    More,
}

/// Bytes the lexer may read past a token's end to decide where it ends (`1.5`, `...`, `'a'`).
const LOOKAHEAD: usize = 4;

/// The token after the whitespace at `i` of `bytes` (a `str`'s bytes: the lexer works on bytes,
/// and every token starts and ends at a character boundary). With `eof` false, the text may go
/// on: a token the rest could change (it runs to the end, or its end was decided by looking
/// near it) is [`Next::More`], so that a text lexed piece by piece gives the tokens it gives
/// whole.
pub fn next(bytes: &[u8], mut i: usize, eof: bool) -> Result<Next, usize> {
    let mut newlines = 0u32;
    let start = i;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\n' => newlines += 1,
            b' ' | b'\t' | b'\r' | b'\x0c' => {}
            _ => break,
        }
        i += 1;
    }
    let space = i > start;
    let Some(&c) = bytes.get(i) else {
        return Ok(if eof { Next::End } else { Next::More });
    };
    let start = i;
    let kind = match c {
        // Most tokens are identifiers or punctuation: those that cannot start a comment, a
        // string or a number are told by one lookup (before the tests for those).
        _ if START[usize::from(c)] == PLAIN_IDENT => {
            i = ident_end(bytes, i);
            Kind::Ident
        }
        _ if START[usize::from(c)] == PLAIN_PUNCT => {
            i += punct_len(&bytes[i..]);
            Kind::Punct
        }
        _ if START[usize::from(c)] == SINGLE_PUNCT => {
            i += 1;
            Kind::Punct
        }
        b'/' if bytes.get(i + 1) == Some(&b'/') => {
            i += memchr_newline(&bytes[i..]);
            Kind::Comment
        }
        b'/' if bytes.get(i + 1) == Some(&b'*') => {
            i += 2;
            while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                i += 1;
            }
            i = (i + 2).min(bytes.len());
            Kind::Comment
        }
        b'"' => {
            match string_end(bytes, i + 1) {
                Some(end) => i = end,
                None if eof => return Err(start),
                None => return Ok(Next::More),
            }
            i += suffix_len(bytes, i);
            Kind::Literal
        }
        b'\'' => {
            // A char literal, or a lifetime (`'a` not closed by a quote).
            if bytes.get(i + 1) == Some(&b'\\') {
                i += 2;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
                i = (i + 1).min(bytes.len());
                Kind::Literal
            } else {
                let ch_len = bytes.get(i + 1).map_or(1, |&b| utf8_len(b));
                if bytes.get(i + 1 + ch_len) == Some(&b'\'') {
                    i += 2 + ch_len;
                    Kind::Literal
                } else {
                    i = ident_end(bytes, i + 1);
                    Kind::Lifetime
                }
            }
        }
        b'0'..=b'9' => {
            i = number_end(bytes, i);
            Kind::Literal
        }
        // `r"…"`, `b"…"`, `c"…"` and the like, else an identifier.
        b'r' | b'b' | b'c'
            if let Some(end) = raw_or_byte_string(bytes, i).filter(|e| e.is_some() || !eof) =>
        {
            match end {
                Some(end) => i = end,
                // Unfinished so far: more text may finish it.
                None => return Ok(Next::More),
            }
            Kind::Literal
        }
        _ if is_ident_start(c) => {
            if c == b'r' && bytes.get(i + 1) == Some(&b'#') {
                i += 2;
            }
            i = ident_end(bytes, i);
            Kind::Ident
        }
        _ => {
            i += punct_len(&bytes[i..]);
            Kind::Punct
        }
    };
    if !eof && i + LOOKAHEAD > bytes.len() {
        return Ok(Next::More);
    }
    Ok(Next::Token(Mark {
        kind,
        at: start,
        len: i - start,
        newlines,
        space_before: space,
        close: usize::MAX,
    }))
}

/// The index after the identifier bytes from `i`.
fn ident_end(bytes: &[u8], mut i: usize) -> usize {
    // A plain loop: the busiest of the lexer (`position` compiles to more per byte).
    while let Some(&b) = bytes.get(i)
        && is_ident_byte(b)
    {
        i += 1;
    }
    i
}

/// The length of the UTF-8 character starting with `lead`.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}

/// The length of the line at the start of `bytes` (up to its `\n`, or all of it).
fn memchr_newline(bytes: &[u8]) -> usize {
    crate::bytes::find_byte(bytes, b'\n').unwrap_or(bytes.len())
}

/// The length of the punctuation token at the start of `b` (not empty).
fn punct_len(b: &[u8]) -> usize {
    let two = |x: u8| b.get(1) == Some(&x);
    match b[0] {
        b'.' if two(b'.') => match b.get(2) {
            Some(b'.') | Some(b'=') => 3,
            _ => 2,
        },
        b':' if two(b':') => 2,
        b'-' if two(b'>') || two(b'=') => 2,
        b'=' if two(b'>') || two(b'=') => 2,
        b'!' | b'+' | b'*' | b'/' | b'^' if two(b'=') => 2,
        b'&' if two(b'&') || two(b'=') => 2,
        b'|' if two(b'|') || two(b'=') => 2,
        c => utf8_len(c),
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident_byte(c: u8) -> bool {
    IDENT[usize::from(c)]
}

/// The bytes of identifiers (one lookup in the lexer's busiest loop).
static IDENT: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        c += 1;
    }
    t
};

/// [`START`]: a byte that starts an identifier and nothing else (not `r`, `b` or `c`, which
/// may start a string).
const PLAIN_IDENT: u8 = 1;
/// [`START`]: a byte that starts punctuation and nothing else (not `/`, `"` or `'`).
const PLAIN_PUNCT: u8 = 2;

/// [`START`]: a byte that is a punctuation token by itself (brackets, `,`, `;`, `<`, `>`...:
/// none of those [`punct_len`] joins to what follows).
const SINGLE_PUNCT: u8 = 3;

/// What a token starting with each byte is, where one byte tells ([`PLAIN_IDENT`],
/// [`PLAIN_PUNCT`], [`SINGLE_PUNCT`]; else 0, and [`next`] looks further).
static START: [u8; 256] = {
    let mut t = [0; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if matches!(b, b'r' | b'b' | b'c') {
            0
        } else if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 {
            PLAIN_IDENT
        } else if b.is_ascii_digit() || matches!(b, b'/' | b'"' | b'\'') {
            0
        } else if !matches!(
            b,
            b'.' | b':' | b'-' | b'=' | b'!' | b'+' | b'*' | b'^' | b'&' | b'|'
        ) {
            SINGLE_PUNCT
        } else {
            PLAIN_PUNCT
        };
        c += 1;
    }
    t
};

/// The index after the closing quote of a string whose text starts at `i`.
fn string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn suffix_len(bytes: &[u8], i: usize) -> usize {
    bytes[i..].iter().take_while(|b| is_ident_byte(**b)).count()
}

/// The end of `r"…"`, `r#"…"#`, `b"…"`, `br"…"`, `b'…'` or `c"…"` starting at `i`: `None` if
/// none starts there, `Some(None)` if one starts but the text ends first.
fn raw_or_byte_string(bytes: &[u8], i: usize) -> Option<Option<usize>> {
    let mut j = i;
    if matches!(bytes.get(j), Some(b'b') | Some(b'c')) {
        j += 1;
    }
    if bytes.get(j) == Some(&b'r') {
        j += 1;
        let hashes = bytes[j..].iter().take_while(|b| **b == b'#').count();
        j += hashes;
        if j >= bytes.len() {
            return Some(None);
        }
        if bytes[j] != b'"' {
            return None;
        }
        j += 1;
        while j < bytes.len() {
            if bytes[j] == b'"'
                && bytes[j + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|b| **b == b'#')
                    .count()
                    == hashes
            {
                return Some(Some(j + 1 + hashes));
            }
            j += 1;
        }
        return Some(None);
    }
    if j == i {
        return None;
    }
    match bytes.get(j) {
        Some(b'"') => Some(string_end(bytes, j + 1)),
        Some(b'\'') if bytes[i] == b'b' => {
            let mut k = j + 1;
            if bytes.get(k) == Some(&b'\\') {
                k += 1;
            }
            k += 1;
            while k < bytes.len() && bytes[k] != b'\'' {
                k += 1;
            }
            Some((k < bytes.len()).then_some(k + 1))
        }
        None => Some(None),
        _ => None,
    }
}

/// The end of a numeric literal: digits, `0x…`, `_`, a fraction (`1.5`, not `1..`, not
/// `x.0.f`), an exponent and a suffix (`u32`, `f64`).
fn number_end(bytes: &[u8], mut i: usize) -> usize {
    let hex = bytes
        .get(i + 1)
        .is_some_and(|b| matches!(b, b'x' | b'o' | b'b'));
    if hex {
        i += 2;
        while i < bytes.len() && (bytes[i].is_ascii_hexdigit() || bytes[i] == b'_') {
            i += 1;
        }
    } else {
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
            i += 1;
        }
        if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                i += 1;
            }
        }
        if matches!(bytes.get(i), Some(b'e') | Some(b'E'))
            && bytes
                .get(i + 1)
                .is_some_and(|b| b.is_ascii_digit() || *b == b'-' || *b == b'+')
        {
            i += 2;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
    }
    i + suffix_len(bytes, i)
}
