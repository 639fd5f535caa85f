//! Generated Rust laid out as rustfmt (edition 2024, default options) lays it out, in process:
//! the output is the same bytes on every machine, whatever rustfmt is installed, if any.
//!
//! The templates write each construct on one line; this module parses that text (the part of
//! Rust idlgen writes, see `ast`) and prints it under rustfmt's rules (`print`). What it cannot
//! parse (`macro_rules!`, whose bodies rustfmt leaves alone too) is kept as written. CI checks
//! the result with the real `rustfmt --check` over the generated Rust of Wine's and the SDK's
//! IDL (tests/corpus_rust.rs, tests/sdk_rust.rs).

mod ast;
mod lex;
mod parse;
mod print;

use crate::diag::Diagnostic;
use lex::{Kind, Next};

/// What formatting did: the text, and how many items it kept as written (other than
/// `macro_rules!`) because it could not parse them.
pub struct Formatted {
    pub text: String,
    /// Read by the tests, which require every item of the generated code to parse.
    #[cfg_attr(not(test), allow(dead_code))]
    pub kept: usize,
}

/// `code` laid out as rustfmt would.
pub fn format(code: &str) -> String {
    format_counted(code).text
}

pub fn format_counted(code: &str) -> Formatted {
    let mut stream = Stream::new();
    stream.push(code);
    stream.finish()
}

/// The template's text laid out as rustfmt would, formatted as it is rendered and written to
/// `out` as each run of items is laid out: neither the file's unformatted text nor its
/// formatted text is held whole.
pub fn render_formatted_to(
    t: &impl askama::Template,
    out: &mut dyn std::io::Write,
) -> Result<(), Diagnostic> {
    rendered_into(t, out)?.finish_to()
}

/// A stream to `out` that the template has been rendered into (the runs it completed laid out
/// and written); the sink's error, or the template's, if either failed.
fn rendered_into<'w>(
    t: &impl askama::Template,
    out: &'w mut dyn std::io::Write,
) -> Result<Stream<'w>, Diagnostic> {
    let mut stream = Stream::to(out);
    let rendered = t.render_into(&mut stream);
    if let Some(e) = stream.failed.take() {
        return Err(write_error(e));
    }
    rendered.map_err(render_error)?;
    Ok(stream)
}

fn render_error(e: askama::Error) -> Diagnostic {
    Diagnostic::bare(format!("internal error while rendering Rust: {e}"))
}

fn write_error(e: std::io::Error) -> Diagnostic {
    Diagnostic::bare(format!("cannot write the generated Rust: {e}"))
}

/// Formatted text is handed to the writer in pieces of about this size.
const FLUSH_AT: usize = 64 << 10;

/// A formatter fed text piece by piece, which lays out each run of top-level items as soon as
/// it is complete, so that memory follows the largest item rather than the file.
///
/// The text is cut after a `;` or `}` that closes brackets back to the top level and is
/// followed by a line break: where an item ends (an item's trailing `// comment` is on its
/// line; comments on the lines after belong to the next item). Each run is then lexed, parsed
/// and printed on its own, which gives what the whole text would give: the cut falls between
/// two items, and nothing of an item's layout depends on its neighbours but whether it is the
/// file's first.
pub struct Stream<'w> {
    /// Where the laid-out text goes as it grows (else it is kept in `out`).
    sink: Option<&'w mut dyn std::io::Write>,
    /// The first error the sink gave (nothing more is written after it).
    failed: Option<std::io::Error>,
    /// Whether text went to the sink (its first newline is then dropped already).
    flushed: bool,
    /// Text not yet laid out: the run being read.
    pending: String,
    /// Where the scan for the end of the run is: the end of the last token read.
    scan: usize,
    /// The tokens of the run so far (where they are in `pending`, and where each bracket
    /// closes).
    marks: Vec<lex::Mark>,
    /// The brackets open at `scan` (the run's depth).
    opens: Vec<usize>,
    /// Whether the text stopped lexing (what is left is then kept as written).
    lex_error: bool,
    /// Whether the token before `scan` is a `;` or `}` at depth 0.
    at_item_end: bool,
    out: String,
    /// Whether an item was written (the next is not the file's first).
    started: bool,
    kept: usize,
}

impl<'w> Stream<'w> {
    pub fn new() -> Stream<'w> {
        Stream {
            sink: None,
            failed: None,
            flushed: false,
            pending: String::new(),
            scan: 0,
            marks: Vec::new(),
            opens: Vec::new(),
            lex_error: false,
            at_item_end: false,
            out: String::new(),
            started: false,
            kept: 0,
        }
    }

    /// Adds text; lays out the runs of items it completes.
    pub fn push(&mut self, text: &str) {
        self.pending.push_str(text);
        self.scan_runs(false);
    }

    /// A stream that writes the laid-out text to `sink` as it goes.
    pub fn to(sink: &'w mut dyn std::io::Write) -> Stream<'w> {
        Stream {
            sink: Some(sink),
            ..Stream::new()
        }
    }

    /// Hands the laid-out text to the sink, if there is one and the text is long enough
    /// (`all`: whatever there is).
    fn flush(&mut self, all: bool) {
        if self.out.len() < FLUSH_AT && !all {
            return;
        }
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        // Items were written each after a newline: the file's first is dropped.
        let text = match self.flushed {
            true => self.out.as_str(),
            false => self.out.strip_prefix('\n').unwrap_or(&self.out),
        };
        if self.failed.is_none()
            && let Err(e) = sink.write_all(text.as_bytes())
        {
            self.failed = Some(e);
        }
        self.flushed = true;
        self.out.clear();
    }

    /// [`Stream::finish`] for a stream with a sink: the rest written, and the final newline.
    fn finish_to(mut self) -> Result<(), Diagnostic> {
        match self.finish_layout() {
            Some(text) => self.out = text,
            None => {
                self.flush(true);
                self.out.push('\n');
            }
        }
        // What is left goes as it is (no first newline to drop).
        self.flushed = true;
        self.flush(true);
        match self.failed.take() {
            Some(e) => Err(write_error(e)),
            None => match self.sink.as_mut().map(|s| s.flush()) {
                Some(Err(e)) => Err(write_error(e)),
                _ => Ok(()),
            },
        }
    }

    /// Lays out what remains and answers the whole text.
    pub fn finish(mut self) -> Formatted {
        if let Some(text) = self.finish_layout() {
            return Formatted {
                text,
                kept: self.kept,
            };
        }
        // Items were written each after a newline: drop the first, end with one.
        let mut text = std::mem::take(&mut self.out);
        if text.starts_with('\n') {
            text.remove(0);
        }
        text.push('\n');
        Formatted {
            text,
            kept: self.kept,
        }
    }

    /// Lays out what remains; `Some(text)` when the whole text is kept as written instead.
    fn finish_layout(&mut self) -> Option<String> {
        self.scan_runs(true);
        let rest = std::mem::take(&mut self.pending);
        if self.lex_error {
            if !self.started {
                // Nothing laid out and nothing to lex: the text as written (as rustfmt leaves
                // a file it cannot parse).
                self.kept = 1;
                return Some(rest);
            }
            self.keep(&rest);
        } else {
            let marks = std::mem::take(&mut self.marks);
            self.layout(&rest, 0, &marks, true);
        }
        None
    }

    /// Reads tokens from `scan`; at the end of each run of items, lays it out.
    fn scan_runs(&mut self, eof: bool) {
        // Runs laid out are dropped from the text once, at the end (not one by one: a long
        // text would move for each).
        let pending = std::mem::take(&mut self.pending);
        let mut done = 0;
        // The scan's state is held in locals for the loop (written back after it): the
        // compiler then keeps it in registers rather than in `self` across each token.
        let mut marks = std::mem::take(&mut self.marks);
        let mut opens = std::mem::take(&mut self.opens);
        let mut scan = self.scan;
        let mut at_item_end = self.at_item_end;
        loop {
            let token = match lex::next(pending.as_bytes(), scan, eof) {
                Ok(Next::Token(t)) => t,
                Ok(Next::End | Next::More) => break,
                // Text that is not Rust: the rest is kept as written, at the end.
                Err(_) => {
                    self.lex_error = true;
                    break;
                }
            };
            if at_item_end && opens.is_empty() && token.newlines > 0 {
                self.layout(&pending[done..scan], done, &marks, false);
                // Kept, cleared: it grows to the largest run once.
                marks.clear();
                done = scan;
            }
            at_item_end = false;
            scan = token.at + token.len;
            let index = marks.len();
            marks.push(token);
            if token.kind == Kind::Punct && token.len == 1 {
                match pending.as_bytes()[token.at] {
                    b'(' | b'[' | b'{' => opens.push(index),
                    c @ (b')' | b']' | b'}') => {
                        if let Some(open) = opens.pop() {
                            marks[open].close = index;
                        }
                        at_item_end = c == b'}' && opens.is_empty();
                    }
                    b';' => at_item_end = opens.is_empty(),
                    _ => {}
                }
            }
        }
        self.opens = opens;
        self.scan = scan;
        self.at_item_end = at_item_end;
        self.marks = marks;
        self.pending = pending;
        // Nothing laid out (the usual case for a small piece of text): nothing moves. Else the
        // marks of the run still open would be walked for every piece pushed.
        if done == 0 {
            return;
        }
        self.pending.drain(..done);
        self.scan -= done;
        for m in &mut self.marks {
            m.at -= done;
        }
    }

    /// Text that does not lex, kept as written.
    fn keep(&mut self, code: &str) {
        self.out.push_str(code);
        self.kept += 1;
    }

    /// Lays out a run of items: `code`, which starts at `base` of the text `marks` were made
    /// in (`last`: the file's end, where comments may follow the items).
    fn layout(&mut self, code: &str, base: usize, marks: &[lex::Mark], last: bool) {
        let tokens: Vec<lex::Token<'_>> = marks.iter().map(|m| m.token(code, base)).collect();
        let mut p = parse::Parser::new(&tokens, code);
        let Ok((items, trailing)) = p.items_until(tokens.len()) else {
            self.keep(code);
            return;
        };
        for item in &items {
            if let ast::ItemKind::Verbatim(text) = &item.kind
                && !text.starts_with("macro_rules!")
                && !text.contains("\nmacro_rules!")
            {
                self.kept += 1;
            }
            print::print_item(&mut self.out, item, 0, !self.started);
            self.started = true;
        }
        debug_assert!(last || trailing.is_empty());
        for c in trailing.comments {
            self.out.push('\n');
            self.out.push_str(c.text.trim_end());
        }
        self.flush(false);
    }
}

impl Default for Stream<'_> {
    fn default() -> Self {
        Stream::new()
    }
}

impl std::fmt::Write for Stream<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push(s);
        // The sink failing ends the rendering (the error is in `failed`).
        match self.failed {
            Some(_) => Err(std::fmt::Error),
            None => Ok(()),
        }
    }
}

/// Whole items that follow others in a file (none of them its first), laid out apart from the
/// items before them ([`Following::lay_out`], on another thread) and written after them
/// ([`render_formatted_with_to`]): the same text a [`Stream`] fed the whole file gives, since
/// a stream lays out each run of items on its own.
pub struct Following<'t> {
    /// The items' text as rendered: it starts where an item starts, after an item's end.
    text: &'t str,
    /// The laid-out text, each item after a newline; `None` if the text does not lex.
    laid_out: Option<String>,
}

impl Following<'_> {
    /// Lays out `text` (see [`Following::text`]).
    pub fn lay_out(text: &str) -> Following<'_> {
        let mut stream = Stream {
            started: true,
            ..Stream::new()
        };
        stream.push(text);
        let laid_out = match stream.finish_layout() {
            None if !stream.lex_error => Some(stream.out),
            _ => None,
        };
        Following { text, laid_out }
    }
}

/// [`render_formatted_to`] of a file whose last items are laid out apart: the items `t`
/// renders, then those `following` gives once they are laid out.
pub fn render_formatted_with_to<'t>(
    t: &impl askama::Template,
    following: impl FnOnce() -> Following<'t>,
    out: &mut dyn std::io::Write,
) -> Result<(), Diagnostic> {
    let mut stream = rendered_into(t, out)?;
    let following = following();
    match &following.laid_out {
        // The items rendered end where an item ends: laid out as they would be with more items
        // after them, then the following ones.
        Some(laid_out) if !stream.lex_error => {
            stream.scan_runs(true);
            let rest = std::mem::take(&mut stream.pending);
            let marks = std::mem::take(&mut stream.marks);
            if stream.lex_error {
                stream.pending = rest + following.text;
            } else {
                stream.layout(&rest, 0, &marks, false);
                stream.out.push_str(laid_out);
            }
        }
        // Text that does not lex: the stream takes the rest as it would in one piece.
        _ => stream.push(following.text),
    }
    stream.finish_to()
}

#[cfg(test)]
mod tests {
    use super::format_counted;

    /// Formats `input` and checks that every item parsed and that formatting again changes
    /// nothing.
    fn formats_to(input: &str, expected: &str) {
        let once = format_counted(input);
        assert_eq!(once.kept, 0, "an item was kept as written:\n{}", once.text);
        assert_eq!(once.text, expected);
        assert_eq!(super::format(&once.text), once.text, "not idempotent");
    }

    // The expected texts are rustfmt's (1.95, `--edition 2024`) for the same input.
    #[test]
    fn a_right_hand_side_moves_down_then_breaks() {
        formats_to(
            "fn f() { let hr = unsafe { (vtable(self).Method)(as_raw(self), first_argument_name, second_argument_name) }; }",
            "fn f() {\n    let hr =\n        unsafe { (vtable(self).Method)(as_raw(self), first_argument_name, second_argument_name) };\n}\n",
        );
        formats_to(
            "fn f() { let hr = unsafe { (vtable(self).Method)(as_raw(self), first_argument_name_is_long, second_argument_name) }; }",
            "fn f() {\n    let hr = unsafe {\n        (vtable(self).Method)(\n            as_raw(self),\n            first_argument_name_is_long,\n            second_argument_name,\n        )\n    };\n}\n",
        );
    }

    #[test]
    fn a_last_closure_overflows_only_with_room_for_its_parameters() {
        // rustfmt writes a closure's parameters in its shape less `|| {` and the `|`: at the
        // second arm the closure does not overflow after `call.with(`, and the arm's body
        // moves to the next line.
        formats_to(
            "fn f() { match x { y => match dispid { 0x60020000001 if wflags & METHOD != 0 => call.with(1, (bstr(0), value(1)), |(a, b)| T::get_request_property(imp, a, *b)), 0x600200000001 if wflags & METHOD != 0 => call.with(1, (bstr(0), value(1)), |(a, b)| T::get_request_property(imp, a, *b)), _ => call.none(), }, } }",
            "fn f() {\n    match x {\n        y => match dispid {\n            0x60020000001 if wflags & METHOD != 0 => call.with(1, (bstr(0), value(1)), |(a, b)| {\n                T::get_request_property(imp, a, *b)\n            }),\n            0x600200000001 if wflags & METHOD != 0 => {\n                call.with(1, (bstr(0), value(1)), |(a, b)| {\n                    T::get_request_property(imp, a, *b)\n                })\n            }\n            _ => call.none(),\n        },\n    }\n}\n",
        );
    }

    #[test]
    fn a_single_struct_argument_overflows() {
        formats_to(
            "const X: T = T::new(&[M { name: \"SetContext\", dispid: 0x60020000, }, ], &[0, 1, ]);",
            "const X: T = T::new(\n    &[M {\n        name: \"SetContext\",\n        dispid: 0x60020000,\n    }],\n    &[0, 1],\n);\n",
        );
    }

    #[test]
    fn signatures_break_parameters_then_generics() {
        formats_to(
            "impl X { pub unsafe fn get_value_with_a_long_name(&self, first: *mut ::core::ffi::c_void) -> idlgen_runtime::Result<()> { x } }",
            "impl X {\n    pub unsafe fn get_value_with_a_long_name(\n        &self,\n        first: *mut ::core::ffi::c_void,\n    ) -> idlgen_runtime::Result<()> {\n        x\n    }\n}\n",
        );
    }

    /// Text fed piece by piece (here a character at a time) is laid out as the whole text is.
    #[test]
    fn a_stream_gives_what_the_whole_text_gives() {
        let whole = include_str!("../../../fixtures/certif/expected/certif.rs");
        let once = format_counted(whole);
        assert_eq!(once.kept, 0);
        assert_eq!(once.text, whole);
        let mut stream = super::Stream::new();
        let mut buf = [0u8; 4];
        let mut held = 0;
        for c in whole.chars() {
            stream.push(c.encode_utf8(&mut buf));
            held = held.max(stream.pending.len());
        }
        // The largest item (an `impl` block, with the comments before it), not the file: items
        // start at a line's first column after a blank line.
        let largest = whole
            .split("\n\n")
            .fold((0, 0), |(largest, run), piece| {
                let starts_item = !piece.starts_with([' ', '}', ')', ']']);
                let run = if starts_item {
                    piece.len()
                } else {
                    run + 2 + piece.len()
                };
                (largest.max(run), run)
            })
            .0;
        assert!(
            held <= largest + 256 && held < whole.len() / 2,
            "{held} bytes held of {}; the largest item has {largest}",
            whole.len()
        );
        let out = stream.finish();
        assert_eq!(out.kept, 0);
        assert_eq!(out.text, whole);
    }

    #[test]
    fn text_that_does_not_lex_is_kept_as_written() {
        let out = format_counted("fn f() { \"open }\n");
        assert_eq!(out.kept, 1);
        assert_eq!(out.text, "fn f() { \"open }\n");
    }

    #[test]
    fn macro_rules_is_kept_as_written() {
        let src = "macro_rules! m {\n    ($x:ty) => {   odd   spacing   };\n}\n";
        let out = format_counted(src);
        assert_eq!(out.kept, 0);
        assert_eq!(out.text, src);
    }

    #[test]
    fn text_outside_the_subset_is_kept_and_counted() {
        let out = format_counted("fn f() { loop { x } }\n");
        assert_eq!(out.kept, 1);
        assert_eq!(out.text, "fn f() { loop { x } }\n");
    }
}
