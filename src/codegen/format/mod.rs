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
    /// Read by the tests, which require every item of the generated code to parse.
    #[cfg_attr(not(test), allow(dead_code))]
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
