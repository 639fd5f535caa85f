//! A recursive-descent parser for the Rust the templates write. Anything outside that subset is
//! an error (`Err(())`): the caller then keeps the item as it was written.

use super::ast::*;
use super::lex::{Kind, Token};

pub type PResult<T> = Result<T, ()>;

pub struct Parser<'a> {
    /// Borrowed as long as the syntax tree, which reads comments in place.
    pub toks: &'a [Token<'a>],
    pub src: &'a str,
    pub pos: usize,
}

/// Binary operators by precedence, loosest first (assignment and ranges are handled apart).
fn binary_precedence(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "==" | "!=" | "<" | ">" | "<=" | ">=" => 3,
        "|" => 4,
        "^" => 5,
        "&" => 6,
        "<<" | ">>" => 7,
        "+" | "-" => 8,
        "*" | "/" | "%" => 9,
        _ => return None,
    })
}

impl<'a> Parser<'a> {
    pub fn new(toks: &'a [Token<'a>], src: &'a str) -> Parser<'a> {
        Parser { toks, src, pos: 0 }
    }

    fn peek(&self) -> Option<Token<'a>> {
        self.toks.get(self.pos).copied()
    }

    fn peek_text(&self) -> &'a str {
        self.toks.get(self.pos).map_or("", |t| t.text)
    }

    fn peek_at(&self, n: usize) -> &'a str {
        self.toks.get(self.pos + n).map_or("", |t| t.text)
    }

    fn is(&self, text: &str) -> bool {
        self.peek()
            .is_some_and(|t| t.text == text && t.kind != Kind::Comment)
    }

    fn eat(&mut self, text: &str) -> bool {
        if self.is(text) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, text: &str) -> PResult<()> {
        if self.eat(text) { Ok(()) } else { Err(()) }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    /// Whether the next token is joined to the previous one (`<` `=` as `<=`).
    fn joined(&self, n: usize) -> bool {
        self.toks.get(self.pos + n).is_some_and(|t| !t.space_before)
    }

    fn ident(&mut self) -> PResult<&'a str> {
        match self.peek() {
            Some(t) if t.kind == Kind::Ident => {
                self.pos += 1;
                Ok(t.text)
            }
            _ => Err(()),
        }
    }

    /// The index of the bracket closing the one at `pos`.
    fn closing(&self, pos: usize) -> PResult<usize> {
        match self.toks.get(pos) {
            Some(t) if t.close != usize::MAX => Ok(t.close),
            _ => Err(()),
        }
    }

    /// How many comma-separated entries `lo..end` holds, about (commas inside brackets are
    /// skipped by their closing index; `<…>` are not, and may count more): a list's room, so
    /// that it is allocated once rather than grown.
    fn entries(&self, lo: usize, end: usize) -> usize {
        let mut n = usize::from(lo < end);
        let mut i = lo;
        while let Some(t) = self.toks.get(i).filter(|_| i < end) {
            i = match t.text.as_bytes() {
                [b','] if t.kind == Kind::Punct => {
                    n += 1;
                    i + 1
                }
                _ if t.close != usize::MAX => t.close.max(i) + 1,
                _ => i + 1,
            };
        }
        n
    }

    /// How many statements or items `lo..end` holds, about: each ends with a `;` or a block's
    /// `}` outside brackets (a block followed by `;` counted once), and a block's last
    /// expression may end with neither. Statements and items are large (hundreds of bytes
    /// each): their list is allocated once rather than copied as it grows.
    fn statements(&self, lo: usize, end: usize) -> usize {
        let mut n = 1;
        let mut i = lo;
        while let Some(t) = self.toks.get(i).filter(|_| i < end) {
            i = match t.text.as_bytes() {
                [b';'] if t.kind == Kind::Punct => {
                    n += 1;
                    i + 1
                }
                [b'{'] if t.kind == Kind::Punct && t.close != usize::MAX => {
                    let after = t.close.max(i) + 1;
                    if self.toks.get(after).is_none_or(|t| t.text != ";") {
                        n += 1;
                    }
                    after
                }
                _ if t.close != usize::MAX => t.close.max(i) + 1,
                _ => i + 1,
            };
        }
        n
    }

    /// The tokens `lo..hi` as one line, spaced as written (line breaks become spaces):
    /// borrowed from the source where it is written so.
    pub fn text(&self, lo: usize, hi: usize) -> Str<'a> {
        let toks = &self.toks[lo..hi];
        let (first, last) = match toks {
            [] => return Str::Borrowed(""),
            // The usual text: one token (a name, a literal).
            [only] => return Str::Borrowed(only.text),
            [first, .., last] => (first, last),
        };
        let span = &self.src[first.at..last.at + last.text.len()];
        let mut end = first.at + first.text.len();
        let canonical = toks[1..].iter().all(|t| {
            let gap = t.at - end;
            end = t.at + t.text.len();
            gap == 0 || (gap == 1 && self.src.as_bytes()[t.at - 1] == b' ')
        });
        if canonical {
            return Str::Borrowed(span);
        }
        let mut s = String::with_capacity(span.len());
        for (i, t) in toks.iter().enumerate() {
            if i > 0 && t.space_before {
                s.push(' ');
            }
            s.push_str(t.text);
        }
        Str::Owned(s)
    }

    /// Comments and blank lines before the next entry of a list.
    fn trivia(&mut self) -> Trivia<'a> {
        let toks = self.toks;
        let lo = self.pos.min(toks.len());
        let comments = toks[lo..]
            .iter()
            .take_while(|t| t.kind == Kind::Comment)
            .count();
        self.pos += comments;
        Trivia {
            comments: &toks[lo..lo + comments],
            blank_after: self.peek().is_some_and(|t| t.newlines >= 2),
        }
    }

    /// A comment on the same line as what was just parsed.
    fn trailing_comment(&mut self) -> Option<&'a str> {
        match self.peek() {
            Some(t) if t.kind == Kind::Comment && t.newlines == 0 && self.pos > 0 => {
                self.pos += 1;
                Some(t.text)
            }
            _ => None,
        }
    }

    // ----- items -----

    pub fn items_until(&mut self, end: usize) -> PResult<(Vec<Item<'a>>, Trivia<'a>)> {
        let mut items = Vec::with_capacity(self.statements(self.pos, end));
        loop {
            let save = self.pos;
            let trivia = self.trivia();
            if self.pos >= end {
                return Ok((items, trivia));
            }
            self.pos = save;
            items.push(self.item(end)?);
        }
    }

    pub fn attrs(&mut self) -> PResult<Vec<Attr<'a>>> {
        let mut attrs = Vec::new();
        while self.is("#") {
            let bang = self.peek_at(1) == "!";
            self.pos += if bang { 2 } else { 1 };
            if !self.is("[") {
                return Err(());
            }
            let close = self.closing(self.pos)?;
            self.pos += 1;
            let path_lo = self.pos;
            while self.pos < close && !self.is("(") && !self.is("=") {
                self.pos += 1;
            }
            let path = self.text(path_lo, self.pos);
            let args = if self.is("(") {
                let c = self.closing(self.pos)?;
                self.pos += 1;
                let list = self.comma_texts(c)?;
                self.pos = c + 1;
                AttrArgs::List(list)
            } else if self.eat("=") {
                AttrArgs::Eq(self.text(self.pos, close))
            } else {
                AttrArgs::None
            };
            self.pos = close + 1;
            attrs.push(Attr { bang, path, args });
        }
        Ok(attrs)
    }

    /// The comma-separated entries up to `end` (exclusive), each as text; a trailing comma
    /// is dropped.
    fn comma_texts(&mut self, end: usize) -> PResult<Vec<Str<'a>>> {
        let mut out = Vec::with_capacity(self.entries(self.pos, end));
        let mut lo = self.pos;
        let mut i = self.pos;
        while i < end {
            let t = &self.toks[i];
            if t.kind == Kind::Comment {
                return Err(());
            }
            if t.kind == Kind::Punct && matches!(t.text, "(" | "[" | "{") {
                i = self.closing(i)? + 1;
                continue;
            }
            if t.text == "<" && t.kind == Kind::Punct {
                i = self.angle_end(i)?;
                continue;
            }
            if t.text == "," {
                out.push(self.text(lo, i));
                lo = i + 1;
            }
            i += 1;
        }
        if lo < end {
            out.push(self.text(lo, end));
        }
        Ok(out)
    }

    /// The index after the `>` that closes the `<` at `i`.
    fn angle_end(&self, i: usize) -> PResult<usize> {
        let mut depth = 0i32;
        let mut j = i;
        while j < self.toks.len() {
            let t = &self.toks[j];
            if t.kind == Kind::Punct {
                match t.text {
                    "<" => depth += 1,
                    ">" => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(j + 1);
                        }
                    }
                    "(" | "[" | "{" => {
                        j = self.closing(j)? + 1;
                        continue;
                    }
                    ";" | ")" | "]" | "}" => return Err(()),
                    _ => {}
                }
            }
            j += 1;
        }
        Err(())
    }

    fn item(&mut self, end: usize) -> PResult<Item<'a>> {
        let trivia = self.trivia();
        let start = self.pos;
        let attrs = self.attrs()?;
        let head_lo = self.pos;
        let kind = match self.item_kind(end) {
            Ok(k) => k,
            Err(()) => {
                // Keep the item as written: up to its `;` or its body's `}`.
                self.pos = head_lo;
                let lo = start;
                let hi = self.skip_item(end)?;
                let src = self.src_span(lo, hi);
                return Ok(Item {
                    trivia,
                    attrs: Vec::new(),
                    kind: ItemKind::Verbatim(src),
                    src,
                    trailing: self.trailing_comment(),
                });
            }
        };
        let src = self.src_span(head_lo, self.pos);
        let trailing = self.trailing_comment();
        Ok(Item {
            trivia,
            attrs,
            kind,
            src,
            trailing,
        })
    }

    fn src_span(&self, lo: usize, hi: usize) -> &'a str {
        let a = self.toks[lo].at;
        let last = &self.toks[hi - 1];
        &self.src[a..last.at + last.text.len()]
    }

    /// Skips to the end of the item starting here; returns the index after it.
    fn skip_item(&mut self, end: usize) -> PResult<usize> {
        while self.pos < end {
            let t = self.toks[self.pos];
            if t.kind == Kind::Punct && t.text == "{" {
                self.pos = self.closing(self.pos)? + 1;
                if self.is(";") {
                    self.pos += 1;
                }
                return Ok(self.pos);
            }
            if t.kind == Kind::Punct && matches!(t.text, "(" | "[") {
                self.pos = self.closing(self.pos)? + 1;
                continue;
            }
            self.pos += 1;
            if t.text == ";" {
                return Ok(self.pos);
            }
        }
        Err(())
    }

    fn item_kind(&mut self, end: usize) -> PResult<ItemKind<'a>> {
        let lo = self.pos;
        // Visibility and qualifiers.
        if self.eat("pub") && self.is("(") {
            self.pos = self.closing(self.pos)? + 1;
        }
        loop {
            match self.peek_text() {
                "const" if self.peek_at(1) == "fn" || self.peek_at(1) == "unsafe" => self.pos += 1,
                "unsafe" | "async" => self.pos += 1,
                "extern" => {
                    self.pos += 1;
                    if self.peek().is_some_and(|t| t.kind == Kind::Literal) {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        match self.peek_text() {
            "fn" => {
                self.pos += 1;
                let head = self.text(lo, self.pos);
                self.fn_rest(head).map(ItemKind::Fn)
            }
            "struct" | "union" => {
                self.pos += 1;
                self.ident()?;
                self.generics_text()?;
                let head = self.text(lo, self.pos);
                if self.eat(";") {
                    return Ok(ItemKind::Line(format!("{head};").into()));
                }
                if self.is("(") {
                    let c = self.closing(self.pos)?;
                    self.pos += 1;
                    let fields = self.comma_texts(c)?;
                    self.pos = c + 1;
                    self.expect(";")?;
                    return Ok(ItemKind::Struct {
                        head,
                        body: StructBody::Tuple(fields),
                    });
                }
                if !self.is("{") {
                    return Err(());
                }
                let c = self.closing(self.pos)?;
                self.pos += 1;
                let mut fields = Vec::new();
                loop {
                    let trivia = self.trivia();
                    if self.pos >= c {
                        break;
                    }
                    let attrs = self.attrs()?;
                    let name_lo = self.pos;
                    if self.eat("pub") && self.is("(") {
                        self.pos = self.closing(self.pos)? + 1;
                    }
                    self.ident()?;
                    let name = self.text(name_lo, self.pos);
                    self.expect(":")?;
                    let ty = self.ty()?;
                    if !self.eat(",") && self.pos != c {
                        return Err(());
                    }
                    fields.push(FieldDef {
                        trivia,
                        attrs,
                        name,
                        ty,
                    });
                }
                self.pos = c + 1;
                Ok(ItemKind::Struct {
                    head,
                    body: StructBody::Named(fields),
                })
            }
            "enum" => {
                self.pos += 1;
                self.ident()?;
                self.generics_text()?;
                let head = self.text(lo, self.pos);
                if !self.is("{") {
                    return Err(());
                }
                let c = self.closing(self.pos)?;
                self.pos += 1;
                let mut variants = Vec::new();
                loop {
                    let trivia = self.trivia();
                    if self.pos >= c {
                        break;
                    }
                    let attrs = self.attrs()?;
                    let name = self.ident()?.into();
                    let value = if self.eat("=") {
                        Some(self.expr_until(c)?)
                    } else {
                        None
                    };
                    if !self.eat(",") && self.pos != c {
                        return Err(());
                    }
                    variants.push(Variant {
                        trivia,
                        attrs,
                        name,
                        value,
                    });
                }
                self.pos = c + 1;
                Ok(ItemKind::Enum { head, variants })
            }
            "impl" | "trait" | "mod" => {
                let is_mod = self.is("mod");
                // The head runs to the body's `{` (or `;` for `mod x;`).
                while self.pos < end && !self.is("{") && !self.is(";") {
                    if self.is("(") || self.is("[") {
                        self.pos = self.closing(self.pos)?;
                    }
                    self.pos += 1;
                }
                let head = self.text(lo, self.pos);
                if is_mod && self.eat(";") {
                    return Ok(ItemKind::Line(format!("{head};").into()));
                }
                if !self.is("{") {
                    return Err(());
                }
                let c = self.closing(self.pos)?;
                self.pos += 1;
                let (items, inner_trivia) = self.items_until(c)?;
                self.pos = c + 1;
                Ok(ItemKind::Block {
                    head,
                    items,
                    inner_trivia,
                })
            }
            "const" | "static" => {
                self.pos += 1;
                self.eat("mut");
                if !self.eat("_") {
                    self.ident()?;
                }
                let head = self.text(lo, self.pos);
                self.expect(":")?;
                let ty = self.ty()?;
                let value = if self.eat("=") {
                    Some(self.expr_until(end)?)
                } else {
                    None
                };
                self.expect(";")?;
                Ok(ItemKind::Const { head, ty, value })
            }
            "type" => {
                self.pos += 1;
                self.ident()?;
                self.generics_text()?;
                let head = self.text(lo, self.pos);
                if self.eat(";") {
                    return Ok(ItemKind::Line(format!("{head};").into()));
                }
                self.expect("=")?;
                let ty = self.ty()?;
                self.expect(";")?;
                Ok(ItemKind::TypeAlias { head, ty })
            }
            "use" => {
                while self.pos < end && !self.is(";") {
                    self.pos += 1;
                }
                self.expect(";")?;
                Ok(ItemKind::Line(self.text(lo, self.pos)))
            }
            "macro_rules" => Err(()),
            _ if self.pos == lo => {
                // `path!(…);`
                let e = self.expr_until(end)?;
                if !matches!(e, Expr::Macro(..)) {
                    return Err(());
                }
                if !matches!(e, Expr::Macro(_, '{', _)) {
                    self.expect(";")?;
                }
                Ok(ItemKind::MacroCall(e))
            }
            _ => Err(()),
        }
    }

    /// `<…>` after a name, skipped (kept in the head's text).
    fn generics_text(&mut self) -> PResult<()> {
        if self.is("<") {
            self.pos = self.angle_end(self.pos)?;
        }
        Ok(())
    }

    fn fn_rest(&mut self, head: Str<'a>) -> PResult<FnItem<'a>> {
        let name = self.ident()?.into();
        let mut generics = Vec::new();
        if self.is("<") {
            let e = self.angle_end(self.pos)?;
            self.pos += 1;
            generics = self.comma_texts(e - 1)?;
            self.pos = e;
        }
        if !self.is("(") {
            return Err(());
        }
        let c = self.closing(self.pos)?;
        self.pos += 1;
        let params = self.comma_texts(c)?;
        self.pos = c + 1;
        let ret = if self.eat("->") {
            Some(self.ty()?)
        } else {
            None
        };
        let mut where_clause = Vec::new();
        if self.eat("where") {
            let lo = self.pos;
            let mut i = self.pos;
            while i < self.toks.len() && !(self.toks[i].text == "{" || self.toks[i].text == ";") {
                i += 1;
            }
            self.pos = lo;
            where_clause = self.comma_texts(i)?;
            self.pos = i;
        }
        let body = if self.eat(";") {
            None
        } else if self.is("{") {
            Some(self.block()?)
        } else {
            return Err(());
        };
        Ok(FnItem {
            head,
            name,
            generics,
            params,
            ret,
            where_clause,
            body,
        })
    }

    // ----- types -----

    /// A type: function pointer types are structured, the rest is text.
    pub fn ty(&mut self) -> PResult<Type<'a>> {
        let lo = self.pos;
        let mut k = self.pos;
        while matches!(self.toks.get(k).map(|t| t.text), Some("unsafe" | "extern"))
            || (k > lo && self.toks.get(k).is_some_and(|t| t.kind == Kind::Literal))
        {
            k += 1;
        }
        if self.toks.get(k).map(|t| t.text) == Some("fn") {
            self.pos = k + 1;
            let head = self.text(lo, self.pos);
            if !self.is("(") {
                return Err(());
            }
            let c = self.closing(self.pos)?;
            self.pos += 1;
            let mut params = Vec::new();
            let mut variadic = false;
            while self.pos < c {
                if self.eat("...") {
                    variadic = true;
                } else {
                    let named = self.peek().is_some_and(|t| t.kind == Kind::Ident)
                        && self.peek_at(1) == ":"
                        && self.peek_at(2) != ":";
                    let name = if named {
                        let n = self.ident()?.into();
                        self.pos += 1;
                        Some(n)
                    } else {
                        None
                    };
                    params.push((name, self.ty()?));
                }
                if !self.eat(",") && self.pos != c {
                    return Err(());
                }
            }
            self.pos = c + 1;
            let ret = if self.eat("->") {
                Some(self.ty()?)
            } else {
                None
            };
            return Ok(Type::Fn(Box::new(FnType {
                head,
                params,
                variadic,
                ret,
            })));
        }
        self.skip_type()?;
        Ok(Type::Text(self.text(lo, self.pos)))
    }

    fn skip_type(&mut self) -> PResult<()> {
        loop {
            match self.peek_text() {
                "&" | "&&" => {
                    self.pos += 1;
                    if self.peek().is_some_and(|t| t.kind == Kind::Lifetime) {
                        self.pos += 1;
                    }
                    self.eat("mut");
                }
                "*" => {
                    self.pos += 1;
                    if !self.eat("mut") && !self.eat("const") {
                        return Err(());
                    }
                }
                "dyn" | "impl" => self.pos += 1,
                _ => break,
            }
        }
        match self.peek_text() {
            "(" | "[" => self.pos = self.closing(self.pos)? + 1,
            "!" => self.pos += 1,
            "unsafe" | "extern" | "fn" => {
                self.ty()?;
            }
            _ => self.path_in_type()?,
        }
        while self.is("+") {
            self.pos += 1;
            if self.peek().is_some_and(|t| t.kind == Kind::Lifetime) {
                self.pos += 1;
            } else {
                self.path_in_type()?;
            }
        }
        Ok(())
    }

    fn path_in_type(&mut self) -> PResult<()> {
        if self.is("<") {
            self.pos = self.angle_end(self.pos)?;
        } else if self.peek().is_some_and(|t| t.kind == Kind::Lifetime) {
            self.pos += 1;
            return Ok(());
        } else if !self.is("::") {
            self.ident()?;
        }
        loop {
            if self.is("<") {
                self.pos = self.angle_end(self.pos)?;
            } else if self.is("::") {
                self.pos += 1;
                if self.is("<") {
                    continue;
                }
                self.ident()?;
            } else if self.is("(") && !self.toks[self.pos].space_before {
                // `Fn(A) -> B`
                self.pos = self.closing(self.pos)? + 1;
                if self.eat("->") {
                    self.skip_type()?;
                }
            } else {
                return Ok(());
            }
        }
    }

    // ----- blocks and statements -----

    pub fn block(&mut self) -> PResult<Block<'a>> {
        if !self.is("{") {
            return Err(());
        }
        let c = self.closing(self.pos)?;
        self.pos += 1;
        let mut stmts = Vec::with_capacity(self.statements(self.pos, c));
        loop {
            let trivia = self.trivia();
            if self.pos >= c {
                self.pos = c + 1;
                return Ok(Block {
                    stmts,
                    trailing: trivia,
                });
            }
            let lo = self.pos;
            let kind = self.stmt(c)?;
            let src = self.src_span(lo, self.pos);
            stmts.push(Stmt { trivia, kind, src });
            if self.trailing_comment().is_some() {
                return Err(());
            }
        }
    }

    fn stmt(&mut self, end: usize) -> PResult<StmtKind<'a>> {
        if self.eat("let") {
            let lo = self.pos;
            self.pattern_until(&["=", ":", ";"], end)?;
            let pat = self.text(lo, self.pos);
            let ty = if self.eat(":") {
                Some(self.ty()?)
            } else {
                None
            };
            let init = if self.eat("=") {
                Some(self.expr_until(end)?)
            } else {
                None
            };
            let else_block = if self.eat("else") {
                Some(self.block()?)
            } else {
                None
            };
            self.expect(";")?;
            return Ok(StmtKind::Let {
                pat,
                ty,
                init,
                else_block,
            });
        }
        if self.is_item_start() {
            let item = self.item(end)?;
            return Ok(StmtKind::Item(Box::new(item)));
        }
        let e = self.expr_until(end)?;
        let semi = self.eat(";");
        if !semi && self.pos < end && !is_block_like(&e) {
            return Err(());
        }
        Ok(StmtKind::Expr(e, semi))
    }

    fn is_item_start(&self) -> bool {
        match self.peek_text() {
            "#" | "fn" | "struct" | "enum" | "impl" | "trait" | "type" | "use" | "mod"
            | "static" | "pub" | "macro_rules" => true,
            "const" => self.peek_at(1) != "{",
            "unsafe" => matches!(self.peek_at(1), "fn" | "impl" | "extern" | "trait"),
            "extern" => true,
            _ => false,
        }
    }

    /// Skips a pattern: up to one of `stops` at depth 0 (or `end`).
    fn pattern_until(&mut self, stops: &[&str], end: usize) -> PResult<()> {
        let lo = self.pos;
        while self.pos < end {
            let t = self.toks[self.pos];
            if t.kind == Kind::Comment {
                return Err(());
            }
            if t.kind == Kind::Punct && stops.contains(&t.text) {
                break;
            }
            if t.kind == Kind::Ident && stops.contains(&t.text) {
                break;
            }
            if t.kind == Kind::Punct && matches!(t.text, "(" | "[" | "{") {
                self.pos = self.closing(self.pos)? + 1;
                continue;
            }
            if t.kind == Kind::Punct && t.text == "<" {
                self.pos = self.angle_end(self.pos)?;
                continue;
            }
            self.pos += 1;
        }
        if self.pos == lo { Err(()) } else { Ok(()) }
    }

    // ----- expressions -----

    /// An expression that ends before `end` (the enclosing bracket).
    pub fn expr_until(&mut self, end: usize) -> PResult<Expr<'a>> {
        let e = self.expr_bp(0, false)?;
        if self.pos > end {
            return Err(());
        }
        Ok(e)
    }

    fn expr_no_struct(&mut self) -> PResult<Expr<'a>> {
        self.expr_bp(0, true)
    }

    /// Precedence climbing; `min` 0 allows assignment and ranges.
    fn expr_bp(&mut self, min: u8, no_struct: bool) -> PResult<Expr<'a>> {
        if min == 0 && (self.is("..") || self.is("..=")) {
            let op = self.peek_text();
            self.pos += 1;
            let rhs = if self.starts_expr() {
                Some(Box::new(self.expr_bp(1, no_struct)?))
            } else {
                None
            };
            return Ok(Expr::Range(None, op, rhs));
        }
        let mut lhs = self.unary(no_struct)?;
        if is_block_like(&lhs) {
            // A block-like expression ends a statement or an arm (`{ … } -1 => …`).
            return Ok(lhs);
        }
        while let Some(t) = self.peek() {
            if t.kind != Kind::Punct {
                if t.kind == Kind::Ident && t.text == "as" {
                    self.pos += 1;
                    let ty = self.ty()?;
                    lhs = Expr::Cast(Operand::of(lhs), ty);
                    continue;
                }
                break;
            }
            // Join `<` `=`, `>` `=`, `<` `<`, `>` `>` written without a space.
            let (op, len): (&'a str, usize) = match t.text {
                "<" | ">" if self.joined(1) && matches!(self.peek_at(1), "=" | "<" | ">") => {
                    let a = t.at;
                    (&self.src[a..a + 2], 2)
                }
                other => (other, 1),
            };
            if min == 0 && matches!(op, "=" | "+=" | "-=" | "*=" | "/=" | "|=" | "&=" | "^=") {
                self.pos += len;
                let rhs = self.expr_bp(0, no_struct)?;
                return Ok(Expr::Assign(Box::new(lhs), op, Box::new(rhs)));
            }
            if min == 0 && (op == ".." || op == "..=") {
                self.pos += 1;
                let rhs = if self.starts_expr() {
                    Some(Box::new(self.expr_bp(1, no_struct)?))
                } else {
                    None
                };
                return Ok(Expr::Range(Some(Box::new(lhs)), op, rhs));
            }
            let Some(p) = binary_precedence(op) else {
                break;
            };
            if p < min.max(1) {
                break;
            }
            self.pos += len;
            let rhs = self.expr_bp(p + 1, no_struct)?;
            lhs = Expr::Binary(Operand::of(lhs), op, Operand::of(rhs));
        }
        Ok(lhs)
    }

    fn starts_expr(&self) -> bool {
        !matches!(
            self.peek_text(),
            "" | ")" | "]" | "}" | "," | ";" | "{" | "=>"
        )
    }

    fn unary(&mut self, no_struct: bool) -> PResult<Expr<'a>> {
        match self.peek_text() {
            "&" | "&&" => {
                let double = self.is("&&");
                self.pos += 1;
                let op = if self.eat("mut") { "&mut " } else { "&" };
                let inner = self.unary(no_struct)?;
                let e = Expr::Unary(op, Operand::of(inner));
                Ok(if double {
                    Expr::Unary("&", Operand::of(e))
                } else {
                    e
                })
            }
            "*" => {
                self.pos += 1;
                Ok(Expr::Unary("*", Operand::of(self.unary(no_struct)?)))
            }
            "!" => {
                self.pos += 1;
                Ok(Expr::Unary("!", Operand::of(self.unary(no_struct)?)))
            }
            "-" => {
                self.pos += 1;
                Ok(Expr::Unary("-", Operand::of(self.unary(no_struct)?)))
            }
            _ => self.postfix(no_struct),
        }
    }

    fn postfix(&mut self, no_struct: bool) -> PResult<Expr<'a>> {
        let mut e = self.primary(no_struct)?;
        loop {
            match self.peek_text() {
                "?" => {
                    self.pos += 1;
                    e = Expr::Try(Box::new(e));
                }
                "." => {
                    self.pos += 1;
                    let lo = self.pos;
                    let t = self.peek().ok_or(())?;
                    if t.kind != Kind::Ident && t.kind != Kind::Literal {
                        return Err(());
                    }
                    self.pos += 1;
                    if self.is("::") && self.peek_at(1) == "<" {
                        self.pos += 1;
                        self.pos = self.angle_end(self.pos)?;
                    }
                    let name = self.text(lo, self.pos);
                    if self.is("(") {
                        let args = self.args()?;
                        e = Expr::MethodCall(Operand::of(e), name, args);
                    } else {
                        e = Expr::Field(Operand::of(e), name);
                    }
                }
                "(" if !matches!(e, Expr::Block(..) | Expr::If(..) | Expr::Match(..)) => {
                    let args = self.args()?;
                    e = Expr::Call(Operand::of(e), args);
                }
                "[" if !matches!(e, Expr::Block(..) | Expr::If(..) | Expr::Match(..)) => {
                    let c = self.closing(self.pos)?;
                    self.pos += 1;
                    let idx = self.expr_until(c)?;
                    if self.pos != c {
                        return Err(());
                    }
                    self.pos = c + 1;
                    e = Expr::Index(Box::new(e), Box::new(idx));
                }
                _ => return Ok(e),
            }
        }
    }

    /// `(a, b, c)` at the current position.
    fn args(&mut self) -> PResult<Vec<Expr<'a>>> {
        let c = self.closing(self.pos)?;
        self.pos += 1;
        let list = self.expr_list(c)?;
        self.pos = c + 1;
        Ok(list)
    }

    /// Comma-separated expressions up to `end`.
    fn expr_list(&mut self, end: usize) -> PResult<Vec<Expr<'a>>> {
        let mut out = Vec::with_capacity(self.entries(self.pos, end));
        while self.pos < end {
            let mut comments = Vec::new();
            while let Some(t) = self.peek().filter(|t| t.kind == Kind::Comment) {
                comments.push(t.text);
                self.pos += 1;
            }
            let e = self.expr_until(end)?;
            out.push(if comments.is_empty() {
                e
            } else {
                Expr::Commented(comments, Box::new(e))
            });
            if !self.eat(",") && self.pos != end {
                return Err(());
            }
        }
        Ok(out)
    }

    fn primary(&mut self, no_struct: bool) -> PResult<Expr<'a>> {
        let t = self.peek().ok_or(())?;
        match t.kind {
            Kind::Literal => {
                self.pos += 1;
                return Ok(Expr::Text(t.text.into()));
            }
            Kind::Comment | Kind::Lifetime => return Err(()),
            _ => {}
        }
        match t.text {
            "(" => {
                let c = self.closing(self.pos)?;
                self.pos += 1;
                let mut list = Vec::new();
                let mut trailing_comma = false;
                while self.pos < c {
                    list.push(self.expr_until(c)?);
                    trailing_comma = self.eat(",");
                    if !trailing_comma && self.pos != c {
                        return Err(());
                    }
                }
                self.pos = c + 1;
                if list.len() == 1 && !trailing_comma {
                    return Ok(Expr::Paren(Box::new(list.remove(0))));
                }
                Ok(Expr::Tuple(list))
            }
            "[" => {
                let c = self.closing(self.pos)?;
                self.pos += 1;
                if self.pos == c {
                    self.pos += 1;
                    return Ok(Expr::Array(Vec::new()));
                }
                let first = self.expr_until(c)?;
                if self.eat(";") {
                    let n = self.expr_until(c)?;
                    self.pos = c + 1;
                    return Ok(Expr::Repeat(Box::new(first), Box::new(n)));
                }
                let mut list = vec![first];
                if !self.eat(",") && self.pos != c {
                    return Err(());
                }
                list.extend(self.expr_list(c)?);
                self.pos = c + 1;
                Ok(Expr::Array(list))
            }
            "{" => Ok(Expr::Block("", self.block()?)),
            "unsafe" if self.peek_at(1) == "{" => {
                self.pos += 1;
                Ok(Expr::Block("unsafe ", self.block()?))
            }
            "const" if self.peek_at(1) == "{" => {
                self.pos += 1;
                Ok(Expr::Block("const ", self.block()?))
            }
            "if" => self.if_expr(),
            "match" => {
                self.pos += 1;
                let scrutinee = self.expr_no_struct()?;
                if !self.is("{") {
                    return Err(());
                }
                let c = self.closing(self.pos)?;
                self.pos += 1;
                let mut arms = Vec::new();
                loop {
                    let trivia = self.trivia();
                    if self.pos >= c {
                        break;
                    }
                    let lo = self.pos;
                    self.pattern_until(&["=>", "if"], c)?;
                    let pat = self.text(lo, self.pos);
                    let guard = if self.eat("if") {
                        Some(self.expr_no_struct()?)
                    } else {
                        None
                    };
                    self.expect("=>")?;
                    let body = self.expr_until(c)?;
                    let comma = self.eat(",");
                    if !comma && self.pos != c && !is_block_like(&body) {
                        return Err(());
                    }
                    arms.push(Arm {
                        trivia,
                        pat,
                        guard,
                        body,
                    });
                }
                self.pos = c + 1;
                Ok(Expr::Match(Box::new(scrutinee), arms))
            }
            "|" | "||" | "move" => self.closure(),
            "return" | "break" => {
                self.pos += 1;
                let kw = if t.text == "return" {
                    "return"
                } else {
                    "break"
                };
                let value = if self.starts_expr() {
                    Some(Box::new(self.expr_bp(0, no_struct)?))
                } else {
                    None
                };
                Ok(Expr::Jump(kw, value))
            }
            "continue" => {
                self.pos += 1;
                Ok(Expr::Text("continue".into()))
            }
            "loop" | "while" | "for" => Err(()),
            _ => self.path_expr(no_struct),
        }
    }

    fn if_expr(&mut self) -> PResult<Expr<'a>> {
        let mut branches = Vec::new();
        let mut else_block = None;
        loop {
            self.expect("if")?;
            let cond = if self.eat("let") {
                let lo = self.pos;
                self.pattern_until(&["="], self.toks.len())?;
                let pat = self.text(lo, self.pos);
                self.expect("=")?;
                Cond::Let(pat, self.expr_no_struct()?)
            } else {
                Cond::Expr(self.expr_no_struct()?)
            };
            let block = self.block()?;
            branches.push((cond, block));
            if !self.eat("else") {
                break;
            }
            if !self.is("if") {
                else_block = Some(Box::new(self.block()?));
                break;
            }
        }
        Ok(Expr::If(branches, else_block))
    }

    fn closure(&mut self) -> PResult<Expr<'a>> {
        let lo = self.pos;
        self.eat("move");
        if !self.eat("||") {
            self.expect("|")?;
            while !self.is("|") {
                if self.at_end() {
                    return Err(());
                }
                if self.is("(") || self.is("[") {
                    self.pos = self.closing(self.pos)?;
                } else if self.is("<") {
                    self.pos = self.angle_end(self.pos)? - 1;
                }
                self.pos += 1;
            }
            self.pos += 1;
        }
        let params = self.text(lo, self.pos);
        let ret = if self.eat("->") {
            Some(Box::new(self.ty()?))
        } else {
            None
        };
        let body = self.expr_bp(0, false)?;
        Ok(Expr::Closure(params, ret, Box::new(body)))
    }

    /// A path (with `::<…>` and `<T as U>::`), a macro call or a struct literal.
    fn path_expr(&mut self, no_struct: bool) -> PResult<Expr<'a>> {
        let lo = self.pos;
        if self.is("<") {
            self.pos = self.angle_end(self.pos)?;
        } else if !self.is("::") {
            self.ident()?;
        }
        loop {
            if self.is("::") {
                self.pos += 1;
                if self.is("<") {
                    self.pos = self.angle_end(self.pos)?;
                } else {
                    self.ident()?;
                }
            } else {
                break;
            }
        }
        let path = self.text(lo, self.pos);
        if self.is("!") && matches!(self.peek_at(1), "(" | "[" | "{") {
            self.pos += 1;
            let delim = match self.peek_text() {
                "(" => '(',
                "[" => '[',
                _ => '{',
            };
            let c = self.closing(self.pos)?;
            let save = self.pos;
            self.pos += 1;
            let args = match self.expr_list(c) {
                Ok(list) if self.pos == c => MacroArgs::Exprs(list),
                _ => {
                    self.pos = save + 1;
                    MacroArgs::Text(self.text(save + 1, c))
                }
            };
            self.pos = c + 1;
            return Ok(Expr::Macro(format!("{path}!").into(), delim, args));
        }
        if self.is("{") && !no_struct && is_type_like(&path) {
            let c = self.closing(self.pos)?;
            self.pos += 1;
            let mut fields = Vec::new();
            let mut base = None;
            loop {
                let trivia = self.trivia();
                if self.pos >= c {
                    break;
                }
                if self.eat("..") {
                    base = Some(Box::new(self.expr_until(c)?));
                    continue;
                }
                let t = self.peek().ok_or(())?;
                if t.kind != Kind::Ident && t.kind != Kind::Literal {
                    return Err(());
                }
                self.pos += 1;
                let name = t.text.into();
                let value = if self.eat(":") {
                    Some(self.expr_until(c)?)
                } else {
                    None
                };
                if !self.eat(",") && self.pos != c {
                    return Err(());
                }
                fields.push(FieldInit {
                    trivia,
                    name,
                    value,
                });
            }
            self.pos = c + 1;
            return Ok(Expr::Struct(path, fields, base));
        }
        Ok(Expr::Text(path))
    }
}

/// Whether a path names a type (`Foo`, `a::Foo`, `Self`), so `{` after it opens a struct literal.
fn is_type_like(path: &str) -> bool {
    let last = path.rsplit("::").next().unwrap_or(path);
    last.trim_start_matches('_')
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
}

/// Expressions that end in a block and need no `;` as statements.
pub fn is_block_like(e: &Expr<'_>) -> bool {
    matches!(e, Expr::Block(..) | Expr::If(..) | Expr::Match(..))
}
