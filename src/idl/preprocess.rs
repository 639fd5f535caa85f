//! The C preprocessor, at the level real SDK and Wine IDL files need: `#include`, object-like and
//! function-like `#define` (with `#`, `##`, `__VA_ARGS__`), `#undef`, `#if`/`#ifdef`/`#ifndef`/
//! `#elif`/`#else`/`#endif` with C's integer arithmetic and `defined`, `#pragma`, `#line`,
//! `#error`, and `__LINE__`/`__FILE__`.
//!
//! Each IDL file is preprocessed on its own, as MIDL does: it starts from the predefined macros and
//! `-D`/`-U`; `#include`d files share the includer's macros, imported files do not.
//!
//! Expansion follows C: a macro's replacement is rescanned together with the rest of the text
//! (so a function-like macro's arguments may follow its name from outside the replacement), and
//! each token carries the set of macros that produced it, which it does not expand again.
//!
//! Tokens keep spans into the file they were lexed from, so errors point at the right file, line
//! and column whatever was included. A token produced by a macro takes the span of the macro's
//! name where it was used, which is where a reader looks. `#line` and `# N "file"` markers are
//! checked and otherwise ignored: spans already name the real files (no IDL file carries markers
//! unless something preprocessed it before us).
//!
//! `#pragma midl_echo` reaches the parser; `#pragma once` is honoured; every other pragma
//! (`region`/`endregion`, `pack`, `warning`, `comment`, widl's `makedep` and `winrt`) only
//! affects MIDL's C output or its warnings, and is ignored.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use super::IdlError;
use super::imports::Loader;
use super::lexer::{self, FastHash, Interner, P, Sym, Tok, Token};
use super::pp_expr;
use crate::diag::{FileId, Span};

/// `#include` deeper than this is a loop, not a real nesting.
const MAX_INCLUDE_DEPTH: usize = 200;
/// Macro expansions nested deeper than this are reported (`#define A B` / `#define B A` stops by
/// itself; this bounds chains of distinct names).
const MAX_EXPANSION_DEPTH: usize = 256;
/// The most tokens one file may become, so that exponential macros or include fan-out end in an
/// error rather than exhausting memory.
const MAX_TOKENS: usize = 2_000_000;
/// The most `#include`s one file may perform, for the same reason.
const MAX_INCLUDES: usize = 20_000;
/// The most macro expansions in one file: macros that expand to nothing produce no tokens, so
/// the token limit alone would not stop `#define B A A A ...` nested a few levels deep.
const MAX_EXPANSIONS: usize = 1_000_000;
/// The most tokens macro replacements may produce in one file (arguments used several times
/// grow exponentially when nested).
const MAX_PRODUCED: usize = 4_000_000;

pub(crate) struct Macro {
    /// `Some` for a function-like macro (`#define F(a, b) ...`); `...` for the variable part.
    params: Option<Vec<Sym>>,
    body: Vec<Token>,
    span: Span,
}

/// One open `#if` group.
struct Cond {
    /// The `#if` (or `#ifdef`...) itself, for "unterminated" errors.
    span: Span,
    /// Lines in the current branch are compiled.
    active: bool,
    /// Some branch of this group was (or, in a skipped group, counts as) taken.
    taken: bool,
    else_seen: bool,
    /// The enclosing group is active (otherwise nothing in this group ever is).
    outer_active: bool,
}

/// The symbols the preprocessor itself looks for.
struct Fixed {
    defined: Sym,
    /// `__LINE__` and `__FILE__`, built in (no entries of the macro table).
    line: Sym,
    file: Sym,
    va_args: Sym,
    ellipsis: Sym,
    one: Sym,
    zero: Sym,
}

/// Preprocesses one IDL file into the token stream the parser reads; its symbols are those of
/// `names`.
pub(crate) fn run(
    loader: &mut Loader,
    file: FileId,
    names: &mut Interner,
) -> Result<Vec<Token>, IdlError> {
    let fixed = Fixed {
        defined: names.get("defined"),
        line: names.get("__LINE__"),
        file: names.get("__FILE__"),
        va_args: names.get("__VA_ARGS__"),
        ellipsis: names.get("..."),
        one: names.get("1"),
        zero: names.get("0"),
    };
    let mut pp = Preprocessor {
        loader,
        macros: HashMap::default(),
        maybe_macro: Vec::new(),
        names: RefCell::new(std::mem::take(names)),
        fixed,
        conds: Vec::new(),
        out: lexer::buffer(0),
        includes: 0,
        once: Vec::new(),
        expansions: Cell::new(0),
        produced: Cell::new(0),
        hides: Hides::default(),
    };
    pp.mark_maybe_macro(pp.fixed.line);
    pp.mark_maybe_macro(pp.fixed.file);
    let predefined = pp.loader.predefined();
    let result = pp.run_file(predefined, 0).and_then(|()| {
        pp.out.clear();
        pp.run_file(file, 0)
    });
    *names = pp.names.into_inner();
    result.map(|()| pp.out)
}

struct Preprocessor<'l, 'o> {
    loader: &'l mut Loader<'o>,
    /// Keyed by symbol: a name is looked up as one integer.
    macros: HashMap<Sym, Macro, FastHash>,
    /// By symbol: the name has been `#define`d in this run (or is `__LINE__`/`__FILE__`), so
    /// it may name a macro. Most identifiers never do, and this test spares them the macro
    /// table's hashed lookup (each identifier of the text is checked).
    maybe_macro: Vec<bool>,
    /// The text of every symbol (a `RefCell`: expansion, which only reads the macro table,
    /// makes symbols for `#` and `##`).
    names: RefCell<Interner>,
    fixed: Fixed,
    conds: Vec<Cond>,
    out: Vec<Token>,
    includes: usize,
    /// Files that said `#pragma once`.
    once: Vec<FileId>,
    /// Macro expansions so far (a `Cell` because expansion only reads the macro table).
    expansions: Cell<usize>,
    /// Tokens produced by macro replacement so far.
    produced: Cell<usize>,
    /// The nodes of every hide set in use (see [`Hide`]).
    hides: Hides,
}

impl Preprocessor<'_, '_> {
    /// Whether `name` may name a macro (or a built-in one): false means it certainly does not.
    fn may_be_macro(&self, name: Sym) -> bool {
        self.maybe_macro.get(name.index()).copied().unwrap_or(false)
    }

    /// Records that `name` may name a macro from now on (see [`Preprocessor::may_be_macro`]).
    fn mark_maybe_macro(&mut self, name: Sym) {
        let k = name.index();
        if k >= self.maybe_macro.len() {
            // Symbols are numbered densely, so the table stays as large as the interner.
            self.maybe_macro.resize(k + 1, false);
        }
        self.maybe_macro[k] = true;
    }

    fn active(&self) -> bool {
        self.conds.last().is_none_or(|c| c.active)
    }

    fn run_file(&mut self, file: FileId, depth: usize) -> Result<(), IdlError> {
        let tokens = lexer::lex(file, self.loader.text(file), self.names.get_mut())?;
        self.out.reserve(tokens.len());
        let base = self.conds.len();
        // Text lines between directives are expanded together, so that a macro invocation may
        // span lines. They are always one run of tokens: only a directive changes whether lines
        // are compiled, and a directive ends the run. So the scan goes from directive to
        // directive (a `#` that starts a line), not line by line.
        let mut i = 0;
        while i < tokens.len() {
            let next = (tokens[i..].iter())
                .position(|t| t.line_start && t.is_punct(P::Hash))
                .map_or(tokens.len(), |n| i + n);
            if next > i && self.active() {
                self.expand_text(&tokens[i..next])?;
            }
            if next == tokens.len() {
                break;
            }
            let end = (tokens[next + 1..].iter())
                .position(|t| t.line_start)
                .map_or(tokens.len(), |n| next + 1 + n);
            self.directive(file, &tokens[next..end], base, depth)?;
            i = end;
        }
        lexer::recycle(tokens);
        if self.conds.len() > base {
            let open = &self.conds[base];
            return Err(IdlError::new(
                open.span,
                "unterminated conditional: this `#if` has no matching `#endif` in this file",
            )
            .with_label("opened here"));
        }
        Ok(())
    }

    fn directive(
        &mut self,
        file: FileId,
        line: &[Token],
        base: usize,
        depth: usize,
    ) -> Result<(), IdlError> {
        let hash = &line[0];
        let Some(name_tok) = line.get(1) else {
            return Ok(()); // The null directive: `#` alone.
        };
        let args = &line[2..];
        let at = hash.span.to(name_tok.span);
        let active = self.active();
        let name: &'static str = match name_tok.tok {
            Tok::Ident(s) => {
                let text = self.names.get_mut().text(s);
                match DIRECTIVES.iter().find(|d| **d == text) {
                    Some(d) => d,
                    None if !active => return Ok(()),
                    None => {
                        return Err(IdlError::new(
                            at,
                            format!("unknown preprocessor directive `#{text}`"),
                        ));
                    }
                }
            }
            // `# 12 "file.idl"`: a line marker as other preprocessors write them.
            Tok::Number(_) => "line",
            _ if !self.active() => return Ok(()),
            _ => {
                return Err(IdlError::new(
                    name_tok.span,
                    format!(
                        "expected a preprocessor directive after `#`, found {}",
                        name_tok.describe(self.names.get_mut())
                    ),
                ));
            }
        };
        let args = if name_tok.ident().is_some() {
            args
        } else {
            &line[1..]
        };
        match name {
            "if" | "ifdef" | "ifndef" => {
                let outer_active = self.active();
                let value = if !outer_active {
                    false
                } else if name == "if" {
                    self.condition(at, args)?
                } else {
                    let defined = self.macro_name(at, name, args)?;
                    (name == "ifdef") == defined
                };
                self.conds.push(Cond {
                    span: at,
                    active: outer_active && value,
                    taken: !outer_active || value,
                    else_seen: false,
                    outer_active,
                });
            }
            "elif" => {
                let (taken, outer) = self.open_group(at, name, base)?;
                let value = if outer && !taken {
                    self.condition(at, args)?
                } else {
                    false
                };
                if let Some(c) = self.conds.last_mut() {
                    c.active = value;
                    c.taken |= value;
                }
            }
            "else" => {
                let (taken, outer) = self.open_group(at, name, base)?;
                if let Some(c) = self.conds.last_mut() {
                    c.active = outer && !taken;
                    c.taken = true;
                    c.else_seen = true;
                }
            }
            "endif" => {
                if self.conds.len() <= base {
                    return Err(IdlError::new(at, "`#endif` without a matching `#if`"));
                }
                self.conds.pop();
            }
            _ if !self.active() => {}
            "define" => self.define(at, args)?,
            "undef" => {
                let name = self.name_arg(at, "undef", args)?;
                self.macros.remove(&name);
            }
            "include" => self.include(file, at, args, depth)?,
            "line" => {
                // Checked, then ignored: spans already point into the real files.
                if !matches!(args.first().map(|t| &t.tok), Some(Tok::Number(_))) {
                    return Err(IdlError::new(
                        args.first().map_or(at, |t| t.span),
                        "expected a line number after `#line`",
                    ));
                }
            }
            "error" => {
                let text = self.rest_of_line(args);
                return Err(IdlError::new(
                    at,
                    format!("#error {text}").trim_end().to_string(),
                ));
            }
            "pragma" => self.pragma(file, args),
            // Warnings have nowhere to go yet; `#ident` and `#sccs` only label object files.
            "warning" | "ident" | "sccs" => {}
            _ => {
                return Err(IdlError::new(
                    at,
                    format!("unknown preprocessor directive `#{name}`"),
                ));
            }
        }
        Ok(())
    }

    /// Checks that an `#elif`/`#else` has an open group in this file and comes before `#else`;
    /// returns whether a branch was taken and whether the enclosing group is active.
    fn open_group(&self, at: Span, name: &str, base: usize) -> Result<(bool, bool), IdlError> {
        if self.conds.len() <= base {
            return Err(IdlError::new(
                at,
                format!("`#{name}` without a matching `#if`"),
            ));
        }
        let c = &self.conds[self.conds.len() - 1];
        if c.else_seen {
            return Err(IdlError::new(at, format!("`#{name}` after `#else`"))
                .with_note("the group's `#else` must be its last branch"));
        }
        Ok((c.taken, c.outer_active))
    }

    /// `#ifdef NAME` / `#ifndef NAME`: whether the macro is defined.
    fn macro_name(&self, at: Span, directive: &str, args: &[Token]) -> Result<bool, IdlError> {
        let name = self.name_arg(at, directive, args)?;
        Ok(self.macros.contains_key(&name))
    }

    fn name_arg(&self, at: Span, directive: &str, args: &[Token]) -> Result<Sym, IdlError> {
        match args.first() {
            Some(Token {
                tok: Tok::Ident(n), ..
            }) => Ok(*n),
            Some(t) => Err(IdlError::new(
                t.span,
                format!(
                    "expected a macro name after `#{directive}`, found {}",
                    t.describe(&self.names.borrow())
                ),
            )),
            None => Err(IdlError::new(
                at,
                format!("expected a macro name after `#{directive}`"),
            )),
        }
    }

    fn condition(&mut self, at: Span, args: &[Token]) -> Result<bool, IdlError> {
        // `defined X` is decided before expansion, so that X itself is not expanded; a
        // `defined` that macros produce is decided after (as the Microsoft preprocessor does).
        let resolved = self.resolve_defined(args)?;
        let mut expanded = Vec::new();
        self.expand_into(&resolved, &mut expanded)?;
        let expanded = self.resolve_defined(&expanded)?;
        pp_expr::evaluate(at, &expanded, &self.names.borrow())
    }

    /// Replaces `defined NAME` and `defined(NAME)` by 1 or 0.
    fn resolve_defined(&self, args: &[Token]) -> Result<Vec<Token>, IdlError> {
        let mut resolved: Vec<Token> = Vec::with_capacity(args.len());
        let mut k = 0;
        while k < args.len() {
            let t = &args[k];
            if t.ident() != Some(self.fixed.defined) {
                resolved.push(*t);
                k += 1;
                continue;
            }
            let (name, next) = match (args.get(k + 1), args.get(k + 2), args.get(k + 3)) {
                (Some(n), _, _) if n.ident().is_some() => (n, k + 2),
                (Some(open), Some(n), Some(close))
                    if open.is_punct(P::LParen)
                        && n.ident().is_some()
                        && close.is_punct(P::RParen) =>
                {
                    (n, k + 4)
                }
                _ => {
                    return Err(IdlError::new(
                        t.span,
                        "expected a macro name after `defined`, as `defined(NAME)` or `defined NAME`",
                    ));
                }
            };
            let value = name.ident().is_some_and(|n| self.macros.contains_key(&n));
            let f = &self.fixed;
            resolved.push(Token {
                tok: Tok::Number(if value { f.one } else { f.zero }),
                span: t.span.to(name.span),
                line_start: false,
                space_before: t.space_before,
            });
            k = next;
        }
        Ok(resolved)
    }

    fn define(&mut self, at: Span, args: &[Token]) -> Result<(), IdlError> {
        let name = self.name_arg(at, "define", args)?;
        let name_span = args.first().map_or(at, |t| t.span);
        if name == self.fixed.defined {
            return Err(IdlError::new(name_span, "`defined` cannot be a macro name"));
        }
        let rest = &args[1..];
        // `#define F(x)` (no space before the parenthesis) is function-like; `#define F (x)` not.
        let (params, body) = match rest.first() {
            Some(open) if open.is_punct(P::LParen) && !open.space_before => {
                let close = rest
                    .iter()
                    .position(|t| t.is_punct(P::RParen))
                    .ok_or_else(|| {
                        IdlError::new(
                            open.span,
                            "expected `)` to close the macro's parameter list",
                        )
                    })?;
                let mut params = Vec::new();
                for (n, t) in rest[1..close].iter().enumerate() {
                    let want_name = n % 2 == 0;
                    match t.tok {
                        Tok::Ident(p) if want_name => params.push(p),
                        Tok::Punct(P::Ellipsis) if want_name => params.push(self.fixed.ellipsis),
                        Tok::Punct(P::Comma) if !want_name => {}
                        _ => {
                            return Err(IdlError::new(
                                t.span,
                                format!(
                                    "expected a parameter name in the macro's parameter list, found {}",
                                    t.describe(self.names.get_mut())
                                ),
                            ));
                        }
                    }
                }
                (Some(params), &rest[close + 1..])
            }
            _ => (None, rest),
        };
        self.mark_maybe_macro(name);
        self.macros.insert(
            name,
            Macro {
                params,
                body: body.to_vec(),
                span: name_span,
            },
        );
        Ok(())
    }

    fn include(
        &mut self,
        file: FileId,
        at: Span,
        args: &[Token],
        depth: usize,
    ) -> Result<(), IdlError> {
        // `#include MACRO` names the file through a macro.
        let expanded;
        let args = if args.first().is_some_and(|t| t.ident().is_some()) {
            let mut out = Vec::new();
            self.expand_into(args, &mut out)?;
            expanded = out;
            &expanded[..]
        } else {
            args
        };
        let (name, span) = match args.first() {
            Some(Token {
                tok: Tok::Str { value, .. },
                span,
                ..
            }) => (String::from(self.names.get_mut().text(*value)), *span),
            Some(open) if open.is_punct(P::Lt) => {
                let close = args.iter().position(|t| t.is_punct(P::Gt)).ok_or_else(|| {
                    IdlError::new(open.span, "expected `>` to close the `#include <...>` name")
                })?;
                let close_span = args[close].span;
                // The name is the text between the brackets, as written.
                let text = self.loader.text(open.span.file);
                let name = if open.span.file == close_span.file {
                    text.get(open.span.end as usize..close_span.start as usize)
                        .unwrap_or("")
                        .trim()
                        .to_string()
                } else {
                    String::new()
                };
                (name, open.span.to(close_span))
            }
            Some(t) => {
                return Err(IdlError::new(
                    t.span,
                    format!(
                        "expected \"FILE\" or <FILE> after `#include`, found {}",
                        t.describe(self.names.get_mut())
                    ),
                ));
            }
            None => {
                return Err(IdlError::new(
                    at,
                    "expected \"FILE\" or <FILE> after `#include`",
                ));
            }
        };
        if name.is_empty() {
            return Err(IdlError::new(span, "empty file name in `#include`"));
        }
        // Relative names resolve from the file that says `#include`.
        let found = self
            .loader
            .find_or_error(&name, file, span, "include file")?;
        let id = self.loader.open(found, span)?;
        if self.once.iter().any(|&f| self.loader.same_file(f, id)) {
            return Ok(());
        }
        if depth + 1 > MAX_INCLUDE_DEPTH {
            return Err(IdlError::new(
                span,
                format!(
                    "`#include` nested more than {MAX_INCLUDE_DEPTH} deep (does a file include itself?)"
                ),
            ));
        }
        self.includes += 1;
        if self.includes > MAX_INCLUDES {
            return Err(IdlError::new(
                span,
                format!("more than {MAX_INCLUDES} `#include`s in one file"),
            ));
        }
        self.run_file(id, depth + 1)
    }

    fn pragma(&mut self, file: FileId, args: &[Token]) {
        let Some(kind) = args.first().and_then(|t| t.ident()) else {
            return;
        };
        let kind = self.names.get_mut().text(kind);
        let (once, echo) = (kind == "once", kind == "midl_echo");
        match () {
            () if once => self.once.push(file),
            // MIDL's own pragma reaches the parser, which keeps it in the syntax tree.
            () if echo => {
                let text = self.rest_of_line(args);
                let span = args[0].span.to(args[args.len() - 1].span);
                let text = self.names.get_mut().get(&text);
                self.out.push(Token {
                    tok: Tok::Pragma(text),
                    span,
                    line_start: true,
                    space_before: true,
                });
            }
            // region/endregion, pack, warning, comment, message...: nothing for us to do.
            _ => {}
        }
    }

    /// The source text of a directive's arguments, as written.
    fn rest_of_line(&self, args: &[Token]) -> String {
        let (Some(first), Some(last)) = (args.first(), args.last()) else {
            return String::new();
        };
        if first.span.file != last.span.file {
            return String::new();
        }
        self.loader
            .text(first.span.file)
            .get(first.span.start as usize..last.span.end as usize)
            .unwrap_or("")
            .to_string()
    }

    /// Expands macros in a run of text lines into the output.
    fn expand_text(&mut self, tokens: &[Token]) -> Result<(), IdlError> {
        if tokens.is_empty() {
            return Ok(());
        }
        let mut out = std::mem::take(&mut self.out);
        let result = self.expand_into(tokens, &mut out);
        self.out = out;
        result
    }

    /// Expands `tokens` completely into `out`.
    fn expand_into(&self, tokens: &[Token], out: &mut Vec<Token>) -> Result<(), IdlError> {
        let mut feed = Feed {
            src: tokens,
            pos: 0,
            stack: Vec::new(),
        };
        let emit = |out: &mut Vec<Token>, pt: PTok| {
            if let Tok::Invalid(message) = pt.t.tok {
                let message = self.names.borrow().text(message).to_string();
                return Err(IdlError::new(pt.t.span, message));
            }
            push(out, pt.t)
        };
        let f = &self.fixed;
        loop {
            // Most tokens name no macro: they go straight out, a run at a time; the expander
            // takes over at a macro name (or a token that is none, to report it) and hands back
            // once nothing of the expansion is left to rescan.
            let start = feed.pos;
            while let Some(t) = feed.src.get(feed.pos) {
                let plain = match t.tok {
                    Tok::Ident(n) => {
                        !self.may_be_macro(n)
                            || (!self.macros.contains_key(&n) && n != f.line && n != f.file)
                    }
                    Tok::Invalid(_) => false,
                    _ => true,
                };
                if !plain {
                    break;
                }
                feed.pos += 1;
            }
            let run = &feed.src[start..feed.pos];
            if out.len() + run.len() <= MAX_TOKENS {
                out.extend_from_slice(run);
            } else {
                for &t in run {
                    emit(out, PTok { t, hide: EMPTY })?;
                }
            }
            if feed.pos >= feed.src.len() {
                return Ok(());
            }
            self.expand_until_idle(&mut feed, 0, &mut |pt| emit(out, pt), true)?;
            // Back at the top level every token with a hide set has been emitted: none is
            // used any more, so memory holds the sets of one top-level expansion at most.
            self.hides.clear();
        }
    }

    /// Expands tokens to a vector, keeping their hide sets (for a macro argument).
    fn expand_arg(&self, arg: &[PTok], depth: usize) -> Result<Vec<PTok>, IdlError> {
        let mut feed = Feed {
            src: &[],
            pos: 0,
            stack: arg.iter().rev().copied().collect(),
        };
        let mut out = Vec::new();
        self.expand(&mut feed, depth, &mut |pt| {
            out.push(pt);
            Ok(())
        })?;
        Ok(out)
    }

    /// The expansion loop: each token from `feed` either names a macro that applies (its
    /// replacement goes back on the feed, to be rescanned with what follows) or is emitted.
    fn expand(
        &self,
        feed: &mut Feed<'_>,
        depth: usize,
        emit: &mut impl FnMut(PTok) -> Result<(), IdlError>,
    ) -> Result<(), IdlError> {
        self.expand_until_idle(feed, depth, emit, false)
    }

    /// [`Preprocessor::expand`]; with `idle`, it returns after the first token once no
    /// replacement waits to be rescanned.
    fn expand_until_idle(
        &self,
        feed: &mut Feed<'_>,
        depth: usize,
        emit: &mut impl FnMut(PTok) -> Result<(), IdlError>,
        idle: bool,
    ) -> Result<(), IdlError> {
        let mut first = true;
        if depth >= MAX_EXPANSION_DEPTH {
            let span = feed.peek_span().unwrap_or(Span::new(FileId(0), 0, 0));
            return Err(IdlError::new(
                span,
                format!("macro expansion nested more than {MAX_EXPANSION_DEPTH} deep"),
            ));
        }
        // Each replacement is built here, then moved onto the feed (one buffer for all).
        let mut scratch: Vec<PTok> = Vec::new();
        loop {
            if idle && !first && feed.stack.is_empty() {
                return Ok(());
            }
            first = false;
            let Some(pt) = feed.next() else {
                return Ok(());
            };
            let Some(name) = pt.t.ident().filter(|&n| self.may_be_macro(n)) else {
                emit(pt)?;
                continue;
            };
            if name == self.fixed.line || name == self.fixed.file {
                emit(self.builtin_macro(pt))?;
                continue;
            }
            let Some(m) = self.macros.get(&name) else {
                emit(pt)?;
                continue;
            };
            if self.hides.contains(pt.hide, name) {
                emit(pt)?;
                continue;
            }
            if m.params.is_some() && !feed.next_is(P::LParen) {
                // A function-like macro's name not followed by `(` is an ordinary name.
                emit(pt)?;
                continue;
            }
            self.expansions.set(self.expansions.get() + 1);
            if self.expansions.get() > MAX_EXPANSIONS {
                return Err(IdlError::new(
                    pt.t.span,
                    format!(
                        "more than {MAX_EXPANSIONS} macro expansions in one file (runaway macro?)"
                    ),
                ));
            }
            if m.params.is_none() && !m.body.iter().any(|b| b.is_punct(P::HashHash)) {
                // An object-like macro without `##` (most are): its body, each token placed at
                // the use with the replacement's hide set, straight onto the feed. Charging the
                // tokens at once ends in the same error as one by one in `substitute`.
                self.charge(m.body.len(), pt.t.span)?;
                let hide = self.hides.with(&pt, name)?;
                feed.stack
                    .extend(m.body.iter().enumerate().rev().map(|(k, b)| PTok {
                        t: Token {
                            tok: b.tok,
                            span: pt.t.span,
                            line_start: false,
                            space_before: if k == 0 {
                                pt.t.space_before
                            } else {
                                b.space_before
                            },
                        },
                        hide,
                    }));
                continue;
            }
            let args = match &m.params {
                Some(params) => Some(self.arguments(feed, name, params, &pt)?),
                None => None,
            };
            scratch.clear();
            self.substitute(name, m, args.as_deref(), &pt, depth, &mut scratch)?;
            let hide = self.hides.with(&pt, name)?;
            // Tokens of one argument share one hide set: compute each union once.
            let mut memo: Option<(Hide, Hide)> = None;
            feed.stack.extend(scratch.drain(..).rev().map(|mut b| {
                b.hide = match b.hide {
                    EMPTY => hide,
                    h => match memo {
                        Some((p, u)) if p == h => u,
                        _ => {
                            let u = self.hides.union(h, hide);
                            memo = Some((h, u));
                            u
                        }
                    },
                };
                b
            }));
        }
    }

    /// `__LINE__` and `__FILE__` where they are used.
    fn builtin_macro(&self, pt: PTok) -> PTok {
        let span = pt.t.span;
        let line = pt.t.ident() == Some(self.fixed.line);
        let mut names = self.names.borrow_mut();
        let tok = match self.loader.sources.get(span.file) {
            Some(f) if line => {
                Tok::Number(names.get(&f.line_col(span.start as usize).0.to_string()))
            }
            Some(f) => Tok::Str {
                value: names.get(&f.path.display().to_string()),
                wide: false,
            },
            None if line => Tok::Number(self.fixed.zero),
            None => Tok::Str {
                value: names.get(""),
                wide: false,
            },
        };
        PTok {
            t: Token { tok, ..pt.t },
            hide: pt.hide,
        }
    }

    /// Reads a function-like macro's arguments from `(` to the matching `)`.
    fn arguments(
        &self,
        feed: &mut Feed<'_>,
        name: Sym,
        params: &[Sym],
        at: &PTok,
    ) -> Result<Vec<Vec<PTok>>, IdlError> {
        feed.next(); // `(`
        let mut args: Vec<Vec<PTok>> = vec![Vec::new()];
        let mut nesting = 0usize;
        let variadic = params.last() == Some(&self.fixed.ellipsis);
        let name = || self.names.borrow().text(name).to_string();
        loop {
            let Some(t) = feed.next() else {
                return Err(IdlError::new(
                    at.t.span,
                    format!(
                        "unterminated argument list for macro `{}`: no closing `)`",
                        name()
                    ),
                )
                .with_label("macro invoked here"));
            };
            if t.t.is_punct(P::LParen) {
                nesting += 1;
            } else if t.t.is_punct(P::RParen) {
                if nesting == 0 {
                    break;
                }
                nesting -= 1;
            } else if t.t.is_punct(P::Comma)
                && nesting == 0
                && !(variadic && args.len() >= params.len())
            {
                args.push(Vec::new());
                continue;
            }
            if let Some(last) = args.last_mut() {
                last.push(t);
            }
        }
        if params.is_empty() && args.len() == 1 && args[0].is_empty() {
            args.clear();
        }
        // `F(a)` for `F(a, ...)` leaves the variable part empty.
        if variadic && args.len() + 1 == params.len() {
            args.push(Vec::new());
        }
        if args.len() != params.len() {
            let want = if variadic {
                format!("at least {}", params.len() - 1)
            } else {
                params.len().to_string()
            };
            return Err(IdlError::new(
                at.t.span,
                format!(
                    "macro `{}` takes {want} argument{}, but {} {} given",
                    name(),
                    if want == "1" { "" } else { "s" },
                    args.len(),
                    if args.len() == 1 { "was" } else { "were" }
                ),
            )
            .with_label("macro invoked here"));
        }
        Ok(args)
    }

    /// A macro's replacement: its body with arguments substituted (`#` stringizes, `##` pastes,
    /// other uses take the fully expanded argument), every token placed at the macro's use.
    fn substitute(
        &self,
        name: Sym,
        m: &Macro,
        args: Option<&[Vec<PTok>]>,
        at: &PTok,
        depth: usize,
        out: &mut Vec<PTok>,
    ) -> Result<(), IdlError> {
        let params: &[Sym] = m.params.as_deref().unwrap_or(&[]);
        let f = &self.fixed;
        let param_of = |t: &Token| -> Option<usize> {
            let id = t.ident()?;
            let id = if id == f.va_args { f.ellipsis } else { id };
            params.iter().position(|p| *p == id)
        };
        let place = |t: &Token, first: bool| PTok {
            t: Token {
                tok: t.tok,
                span: at.t.span,
                line_start: false,
                space_before: if first {
                    at.t.space_before
                } else {
                    t.space_before
                },
            },
            hide: EMPTY,
        };
        let mut expanded: Vec<Option<Vec<PTok>>> = vec![None; params.len()];
        // Pasting state: a `##` waits for its right operand; `left` says whether the last
        // operand produced tokens (an empty argument is a placemarker).
        let mut paste_pending = false;
        let mut left = false;
        let body = &m.body;
        let mut k = 0;
        while k < body.len() {
            let b = &body[k];
            let first = k == 0;
            let mut piece: Vec<PTok> = Vec::new();
            if b.is_punct(P::HashHash) {
                if k == 0 || k + 1 == body.len() {
                    return Err(IdlError::new(
                        at.t.span,
                        format!(
                            "`##` cannot stand at either end of macro `{}`",
                            self.names.borrow().text(name)
                        ),
                    )
                    .with_note(self.defined_at(name, m)));
                }
                paste_pending = true;
                k += 1;
                continue;
            }
            if b.is_punct(P::Hash)
                && let Some(args) = args
                && let Some(p) = body.get(k + 1).and_then(param_of)
            {
                let text = stringize(&args[p], &self.names.borrow());
                let value = self.names.borrow_mut().get(&text);
                piece.push(PTok {
                    t: Token {
                        tok: Tok::Str { value, wide: false },
                        span: at.t.span,
                        line_start: false,
                        space_before: if first {
                            at.t.space_before
                        } else {
                            b.space_before
                        },
                    },
                    hide: EMPTY,
                });
                k += 2;
            } else if let (Some(args), Some(p)) = (args, param_of(b)) {
                let next_pastes = body.get(k + 1).is_some_and(|n| n.is_punct(P::HashHash));
                if paste_pending || next_pastes {
                    piece.extend(args[p].iter().copied());
                } else {
                    if expanded[p].is_none() {
                        expanded[p] = Some(self.expand_arg(&args[p], depth + 1)?);
                    }
                    piece.extend(expanded[p].iter().flatten().copied());
                }
                for (n, t) in piece.iter_mut().enumerate() {
                    t.t.span = at.t.span;
                    t.t.line_start = false;
                    if n == 0 {
                        t.t.space_before = if first {
                            at.t.space_before
                        } else {
                            b.space_before
                        };
                    }
                }
                k += 1;
            } else {
                // A token of the body itself: one token, placed without a `piece` of its own
                // (most macros are only such tokens).
                let t = place(b, first);
                k += 1;
                self.charge(1, at.t.span)?;
                if paste_pending
                    && left
                    && let Some(lhs) = out.pop()
                {
                    out.extend(self.paste(&lhs, &t)?);
                } else {
                    out.push(t);
                }
                paste_pending = false;
                left = true;
                continue;
            }
            self.charge(piece.len(), at.t.span)?;
            if piece.is_empty() {
                if paste_pending {
                    paste_pending = false;
                } else {
                    left = false;
                }
                continue;
            }
            if paste_pending
                && left
                && let Some(lhs) = out.pop()
            {
                let mut rest = piece.into_iter();
                if let Some(rhs) = rest.next() {
                    out.extend(self.paste(&lhs, &rhs)?);
                }
                out.extend(rest);
            } else {
                out.extend(piece);
            }
            paste_pending = false;
            left = true;
        }
        Ok(())
    }

    /// Counts tokens that macro replacement makes, stopping a runaway before it builds them all
    /// (arguments used twice, nested, double with each level).
    fn charge(&self, n: usize, at: Span) -> Result<(), IdlError> {
        self.produced.set(self.produced.get().saturating_add(n));
        if self.produced.get() > MAX_PRODUCED {
            return Err(IdlError::new(
                at,
                format!(
                    "macros produced more than {MAX_PRODUCED} tokens in one file (runaway macro?)"
                ),
            ));
        }
        Ok(())
    }

    fn defined_at(&self, name: Sym, m: &Macro) -> String {
        let name = self.names.borrow().text(name).to_string();
        let (line, _) = self
            .loader
            .sources
            .get(m.span.file)
            .map_or((0, 0), |f| f.line_col(m.span.start as usize));
        let path = self
            .loader
            .sources
            .path(m.span.file)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "<command line>".to_string());
        format!("`{name}` is defined at {path}:{line}")
    }
}

/// A token being expanded, with the macros it must not expand again (its "hide set", as C
/// names it): the macros whose replacement produced it.
#[derive(Clone, Copy)]
pub(crate) struct PTok {
    t: Token,
    hide: Hide,
}

/// A hide set: the index of its first node in [`Hides`] ([`EMPTY`] for none). Sets share
/// nodes (most tokens of one replacement have the same set, and a nested replacement's set is
/// its parent's plus one name), so making one costs one node, not a copy; the nodes live in one
/// vector, not an allocation each, because mshtml.idl alone makes ~190K of them.
type Hide = usize;

/// The empty hide set (index 0 holds no name).
const EMPTY: Hide = 0;

struct HideNode {
    name: Sym,
    /// How many names the set has (this one and those of `rest`, all different).
    len: usize,
    rest: Hide,
}

/// The nodes of the hide sets; [`Preprocessor::expand_into`] empties it at the top level,
/// where no set is in use.
struct Hides(RefCell<Vec<HideNode>>);

impl Default for Hides {
    fn default() -> Hides {
        // Index 0 is the empty set: its name is never looked at.
        Hides(RefCell::new(vec![HideNode {
            name: Sym::NONE,
            len: 0,
            rest: EMPTY,
        }]))
    }
}

impl Hides {
    fn clear(&self) {
        self.0.borrow_mut().truncate(1);
    }

    fn len(&self, h: Hide) -> usize {
        self.0.borrow().get(h).map_or(0, |n| n.len)
    }

    fn contains(&self, h: Hide, name: Sym) -> bool {
        let nodes = self.0.borrow();
        let mut k = h;
        while k != EMPTY {
            let Some(n) = nodes.get(k) else {
                return false;
            };
            if n.name == name {
                return true;
            }
            k = n.rest;
        }
        false
    }

    fn push(&self, name: Sym, len: usize, rest: Hide) -> Hide {
        let mut nodes = self.0.borrow_mut();
        nodes.push(HideNode { name, len, rest });
        nodes.len() - 1
    }

    /// The hide set of this macro name's replacement. Its size is the depth of the expansion
    /// (macros expanding macros), which is limited, so that chains cost no more than linear time.
    fn with(&self, pt: &PTok, name: Sym) -> Result<Hide, IdlError> {
        let len = self.len(pt.hide);
        if len >= MAX_EXPANSION_DEPTH {
            return Err(IdlError::new(
                pt.t.span,
                format!("macro expansion nested more than {MAX_EXPANSION_DEPTH} deep"),
            ));
        }
        // The caller expands only names not in the set: no need to look again.
        Ok(self.push(name, len + 1, pt.hide))
    }

    /// `a` ∪ `b`: `b` with the names of `a` it lacks in front, last of `a` first.
    fn union(&self, a: Hide, b: Hide) -> Hide {
        let mut out = b;
        let mut len = self.len(b);
        let mut k = a;
        while k != EMPTY {
            let Some((name, rest)) = self.0.borrow().get(k).map(|n| (n.name, n.rest)) else {
                break;
            };
            if !self.contains(b, name) {
                len += 1;
                out = self.push(name, len, out);
            }
            k = rest;
        }
        out
    }
}

/// Where expansion reads from: replacement tokens waiting to be rescanned (top of `stack`
/// first), then the source tokens.
pub(crate) struct Feed<'t> {
    /// Source tokens, read one by one.
    src: &'t [Token],
    pos: usize,
    stack: Vec<PTok>,
}

impl Feed<'_> {
    fn next(&mut self) -> Option<PTok> {
        if let Some(t) = self.stack.pop() {
            return Some(t);
        }
        let t = *self.src.get(self.pos)?;
        self.pos += 1;
        Some(PTok { t, hide: EMPTY })
    }

    fn next_is(&self, p: P) -> bool {
        match self.stack.last() {
            Some(t) => t.t.is_punct(p),
            None => self.src.get(self.pos).is_some_and(|t| t.is_punct(p)),
        }
    }

    fn peek_span(&self) -> Option<Span> {
        match self.stack.last() {
            Some(t) => Some(t.t.span),
            None => self.src.get(self.pos).map(|t| t.span),
        }
    }
}

/// How a token is spelled in C source (for `#` and `##`).
fn spell(t: &Token, names: &Interner) -> String {
    match t.tok {
        Tok::Str { value, wide } => {
            let value = names.text(value);
            let mut s = String::with_capacity(value.len() + 3);
            if wide {
                s.push('L');
            }
            s.push('"');
            for c in value.chars() {
                match c {
                    '"' => s.push_str("\\\""),
                    '\\' => s.push_str("\\\\"),
                    '\n' => s.push_str("\\n"),
                    '\t' => s.push_str("\\t"),
                    '\r' => s.push_str("\\r"),
                    c => s.push(c),
                }
            }
            s.push('"');
            s
        }
        Tok::Char(v) => v.to_string(),
        Tok::Pragma(text) => names.text(text).to_string(),
        Tok::Invalid(_) => String::new(),
        _ => t.spelling(names).unwrap_or_default().to_string(),
    }
}

/// `#param`: the argument's spelling as a string literal's value.
fn stringize(arg: &[PTok], names: &Interner) -> String {
    let mut s = String::new();
    for (n, t) in arg.iter().enumerate() {
        if n > 0 && t.t.space_before {
            s.push(' ');
        }
        s.push_str(&spell(&t.t, names));
    }
    s
}

impl Preprocessor<'_, '_> {
    /// `a ## b`: the tokens the joined spelling makes (one, unless the pair does not form a
    /// token, where the parts are kept as the Microsoft preprocessor does).
    fn paste(&self, lhs: &PTok, rhs: &PTok) -> Result<Vec<PTok>, IdlError> {
        let text = {
            let names = self.names.borrow();
            format!("{}{}", spell(&lhs.t, &names), spell(&rhs.t, &names))
        };
        let tokens = lexer::lex(PASTE_FILE, &text, &mut self.names.borrow_mut()).map_err(|_| {
            IdlError::new(
                lhs.t.span,
                format!("pasting with `##` makes `{text}`, which is not a token"),
            )
        })?;
        Ok(tokens
            .into_iter()
            .enumerate()
            .map(|(n, t)| PTok {
                t: Token {
                    tok: t.tok,
                    span: lhs.t.span,
                    line_start: false,
                    space_before: if n == 0 {
                        lhs.t.space_before
                    } else {
                        t.space_before
                    },
                },
                hide: lhs.hide,
            })
            .collect())
    }
}

/// The directives, each named once (so that a directive's name is a `&'static str`).
const DIRECTIVES: &[&str] = &[
    "if", "ifdef", "ifndef", "elif", "else", "endif", "define", "undef", "include", "line",
    "error", "pragma", "warning", "ident", "sccs",
];

/// The file id under which pasted text is lexed (its spans are replaced at once).
const PASTE_FILE: FileId = FileId(u32::MAX - 1);

fn push(out: &mut Vec<Token>, t: Token) -> Result<(), IdlError> {
    if out.len() >= MAX_TOKENS {
        return Err(IdlError::new(
            t.span,
            format!(
                "more than {MAX_TOKENS} tokens after preprocessing (runaway macro or #include?)"
            ),
        ));
    }
    out.push(t);
    Ok(())
}
