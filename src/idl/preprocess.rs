//! The C preprocessor, at the level real SDK IDL files need: `#include`, object-like `#define` /
//! `#undef` with expansion, `#if`/`#ifdef`/`#ifndef`/`#elif`/`#else`/`#endif`, `#pragma`, `#line`
//! and `#error`.
//!
//! Each IDL file is preprocessed on its own, as MIDL does: it starts from the predefined macros and
//! `-D`/`-U`; `#include`d files share the includer's macros, imported files do not.
//!
//! Tokens keep spans into the file they were lexed from, so errors point at the right file, line
//! and column whatever was included. A token produced by a macro takes the span of the macro's
//! name where it was used, which is where a reader looks.
//!
//! Not yet: function-like macro invocations (reported as such), `#` and `##` operators,
//! `#line` remapping (markers are checked and ignored), `__FILE__`/`__LINE__`.

use std::cell::Cell;
use std::collections::HashMap;

use super::IdlError;
use super::imports::Loader;
use super::lexer::{self, P, Tok, Token};
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

pub(crate) struct Macro {
    /// `Some` for a function-like macro (`#define F(a, b) ...`).
    params: Option<Vec<String>>,
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

/// Preprocesses one IDL file into the token stream the parser reads.
pub(crate) fn run(loader: &mut Loader, file: FileId) -> Result<Vec<Token>, IdlError> {
    let mut pp = Preprocessor {
        loader,
        macros: HashMap::new(),
        conds: Vec::new(),
        out: Vec::new(),
        includes: 0,
        once: Vec::new(),
        expansions: Cell::new(0),
    };
    let predefined = pp.loader.predefined();
    pp.run_file(predefined, 0)?;
    pp.out.clear();
    pp.run_file(file, 0)?;
    Ok(pp.out)
}

struct Preprocessor<'l, 'o> {
    loader: &'l mut Loader<'o>,
    macros: HashMap<String, Macro>,
    conds: Vec<Cond>,
    out: Vec<Token>,
    includes: usize,
    /// Files that said `#pragma once`.
    once: Vec<FileId>,
    /// Macro expansions so far (a `Cell` because expansion only reads the macro table).
    expansions: Cell<usize>,
}

impl Preprocessor<'_, '_> {
    fn active(&self) -> bool {
        self.conds.last().is_none_or(|c| c.active)
    }

    fn run_file(&mut self, file: FileId, depth: usize) -> Result<(), IdlError> {
        let tokens = lexer::lex(file, self.loader.text(file))?;
        let base = self.conds.len();
        // Text lines between directives are gathered and expanded together, so that a macro
        // invocation may span lines (as function-like macros will need).
        let mut pending: Vec<Token> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let end = tokens[i + 1..]
                .iter()
                .position(|t| t.line_start)
                .map_or(tokens.len(), |n| i + 1 + n);
            let line = &tokens[i..end];
            if line[0].line_start && line[0].is_punct(P::Hash) {
                self.expand_text(&pending)?;
                pending.clear();
                self.directive(file, line, base, depth)?;
            } else if self.active() {
                pending.extend_from_slice(line);
            }
            i = end;
        }
        self.expand_text(&pending)?;
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
        let name = match &name_tok.tok {
            Tok::Ident(s) => s.as_str(),
            // `# 12 "file.idl"`: a line marker as other preprocessors write them.
            Tok::Number(_) => "line",
            _ if !self.active() => return Ok(()),
            _ => {
                return Err(IdlError::new(
                    name_tok.span,
                    format!(
                        "expected a preprocessor directive after `#`, found {}",
                        name_tok.describe()
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

    fn name_arg(&self, at: Span, directive: &str, args: &[Token]) -> Result<String, IdlError> {
        match args.first() {
            Some(Token {
                tok: Tok::Ident(n), ..
            }) => Ok(n.clone()),
            Some(t) => Err(IdlError::new(
                t.span,
                format!(
                    "expected a macro name after `#{directive}`, found {}",
                    t.describe()
                ),
            )),
            None => Err(IdlError::new(
                at,
                format!("expected a macro name after `#{directive}`"),
            )),
        }
    }

    fn condition(&mut self, at: Span, args: &[Token]) -> Result<bool, IdlError> {
        // `defined X` is decided before expansion, so that X itself is not expanded.
        let mut resolved: Vec<Token> = Vec::new();
        let mut k = 0;
        while k < args.len() {
            let t = &args[k];
            if t.is_ident("defined") {
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
                let value = self.macros.contains_key(name.ident().unwrap_or(""));
                resolved.push(Token {
                    tok: Tok::Number(if value { "1" } else { "0" }.to_string()),
                    span: t.span.to(name.span),
                    line_start: false,
                    space_before: t.space_before,
                });
                k = next;
            } else {
                k = self.expand_one(args, k, &mut resolved, &mut Vec::new(), 0)?;
            }
        }
        pp_expr::evaluate(at, &resolved)
    }

    fn define(&mut self, at: Span, args: &[Token]) -> Result<(), IdlError> {
        let name = self.name_arg(at, "define", args)?;
        let name_span = args.first().map_or(at, |t| t.span);
        if name == "defined" {
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
                    match &t.tok {
                        Tok::Ident(p) if want_name => params.push(p.clone()),
                        Tok::Punct(P::Ellipsis) if want_name => params.push("...".to_string()),
                        Tok::Punct(P::Comma) if !want_name => {}
                        _ => {
                            return Err(IdlError::new(
                                t.span,
                                format!(
                                    "expected a parameter name in the macro's parameter list, found {}",
                                    t.describe()
                                ),
                            ));
                        }
                    }
                }
                (Some(params), &rest[close + 1..])
            }
            _ => (None, rest),
        };
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
            let mut k = 0;
            while k < args.len() {
                k = self.expand_one(args, k, &mut out, &mut Vec::new(), 0)?;
            }
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
            }) => (value.clone(), *span),
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
                        t.describe()
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
        match kind {
            "once" => self.once.push(file),
            // MIDL's own pragma reaches the parser, which keeps it in the syntax tree.
            "midl_echo" => {
                let text = self.rest_of_line(args);
                let span = args[0].span.to(args[args.len() - 1].span);
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
        let mut out = std::mem::take(&mut self.out);
        let mut k = 0;
        let result = loop {
            if k >= tokens.len() {
                break Ok(());
            }
            match self.expand_one(tokens, k, &mut out, &mut Vec::new(), 0) {
                Ok(next) => k = next,
                Err(e) => break Err(e),
            }
        };
        self.out = out;
        result
    }

    /// Copies `tokens[k]` to `out`, expanding it if it names a macro; returns the index of the next
    /// token to look at. `hidden` holds the macros being expanded (not expanded again inside
    /// themselves, as C says).
    fn expand_one(
        &self,
        tokens: &[Token],
        k: usize,
        out: &mut Vec<Token>,
        hidden: &mut Vec<String>,
        depth: usize,
    ) -> Result<usize, IdlError> {
        let t = &tokens[k];
        if let Tok::Invalid(message) = &t.tok {
            return Err(IdlError::new(t.span, message.clone()));
        }
        let Some(name) = t.ident() else {
            push(out, t.clone())?;
            return Ok(k + 1);
        };
        let Some(m) = self
            .macros
            .get(name)
            .filter(|_| !hidden.iter().any(|h| h == name))
        else {
            push(out, t.clone())?;
            return Ok(k + 1);
        };
        if m.params.is_some() {
            // A function-like macro's name not followed by `(` is an ordinary name.
            if tokens.get(k + 1).is_some_and(|n| n.is_punct(P::LParen)) {
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
                    .unwrap_or_default();
                return Err(IdlError::new(
                    t.span,
                    format!("function-like macro `{name}` cannot be expanded yet"),
                )
                .with_label("function-like macro used here")
                .with_note(format!("`{name}` is defined at {path}:{line}"))
                .with_note("only object-like macros (`#define NAME value`) are supported so far"));
            }
            push(out, t.clone())?;
            return Ok(k + 1);
        }
        self.expansions.set(self.expansions.get() + 1);
        if self.expansions.get() > MAX_EXPANSIONS {
            return Err(IdlError::new(
                t.span,
                format!("more than {MAX_EXPANSIONS} macro expansions in one file (runaway macro?)"),
            ));
        }
        if depth >= MAX_EXPANSION_DEPTH {
            return Err(IdlError::new(
                t.span,
                format!("macro expansion nested more than {MAX_EXPANSION_DEPTH} deep"),
            ));
        }
        // The body's tokens are rescanned for further macros, taking the use site's span.
        let body: Vec<Token> = m
            .body
            .iter()
            .enumerate()
            .map(|(n, b)| Token {
                tok: b.tok.clone(),
                span: t.span,
                line_start: false,
                space_before: if n == 0 {
                    t.space_before
                } else {
                    b.space_before
                },
            })
            .collect();
        if let Some(paste) = body.iter().find(|b| b.is_punct(P::HashHash)) {
            return Err(IdlError::new(
                paste.span,
                format!("macro `{name}` uses `##`, which is not supported yet"),
            ));
        }
        hidden.push(name.to_string());
        let mut j = 0;
        while j < body.len() {
            j = self.expand_one(&body, j, out, hidden, depth + 1)?;
        }
        hidden.pop();
        Ok(k + 1)
    }
}

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
