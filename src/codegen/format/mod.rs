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

/// What formatting did: the text, and how many items it kept as written (other than
/// `macro_rules!`) because it could not parse them.
pub struct Formatted {
    pub text: String,
    pub kept: usize,
}

/// `code` laid out as rustfmt would.
pub fn format(code: &str) -> String {
    format_counted(code).text
}

pub fn format_counted(code: &str) -> Formatted {
    let Ok(tokens) = lex::lex(code) else {
        return Formatted {
            text: code.to_string(),
            kept: 1,
        };
    };
    let mut p = parse::Parser::new(&tokens, code);
    let Ok((items, trailing)) = p.items_until(tokens.len()) else {
        return Formatted {
            text: code.to_string(),
            kept: 1,
        };
    };
    let mut out = String::with_capacity(code.len() + code.len() / 4);
    let mut kept = 0;
    for (i, item) in items.iter().enumerate() {
        if let ast::ItemKind::Verbatim(text) = &item.kind
            && !text.starts_with("macro_rules!")
            && !text.contains("\nmacro_rules!")
        {
            kept += 1;
        }
        print::print_item(&mut out, item, 0, i == 0);
    }
    for t in &trailing {
        if let ast::Trivia::Comment(c) = t {
            out.push('\n');
            out.push_str(c.trim_end());
        }
    }
    // Items were written each after a newline: drop the first, end with one.
    let text = out.strip_prefix('\n').unwrap_or(&out).to_string() + "\n";
    Formatted { text, kept }
}
