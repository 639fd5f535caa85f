//! Inputs from fuzzing the front end (fuzz/, target `parse`) and the limits it exercises: each
//! must end in a result or one error, never a panic, a hang or a runaway allocation. The limits
//! are checked by the errors that name them (`macros produced more than ...`, `nested more
//! than ...`), not by a clock: how long an input takes is measured in benches/.

use idlgen::Options;

/// Loads `text` (preprocess, parse, resolve) and returns the error message, if any.
fn outcome(text: &str) -> Option<String> {
    let result = idlgen::load(
        [idlgen::Input::idl_text("fuzz.idl", text)],
        &Options::default(),
    );
    result.err().map(|e| {
        assert_eq!(e.diagnostics.len(), 1, "one error:\n{e}");
        e.diagnostics[0].message.clone()
    })
}

fn error_starts(text: &str, start: &str) {
    match outcome(text) {
        Some(m) => assert!(m.starts_with(start), "`{m}` does not start with `{start}`"),
        None => panic!("expected an error starting `{start}` for:\n{text}"),
    }
}

#[test]
fn device_files_are_not_read() {
    // Only regular files are candidates (and a file is never read past 64 MiB).
    error_starts(
        "#include \"/dev/zero\"\n",
        "cannot find include file \"/dev/zero\"",
    );
    error_starts(
        "import \"/dev/urandom\";\n",
        "cannot find import \"/dev/urandom\"",
    );
}

#[test]
fn exponential_macro_arguments_stop() {
    // Each level doubles the tokens: 2^40 if nothing stopped it.
    let mut text = String::from("#define D(x) x x\n#define E0 1\n");
    for n in 1..=40 {
        text.push_str(&format!("#define E{n} D(E{})\n", n - 1));
    }
    text.push_str("const long X = E40;\n");
    error_starts(&text, "macros produced more than");
}

#[test]
fn self_referential_function_like_macros_end() {
    // `F` is not expanded inside its own replacement; what is left is ordinary text.
    // `const long X = F(1) + F(1);` is left, which the parser rejects.
    let m = outcome("#define F(x) F(x) + G(x)\n#define G(x) F(x)\nconst long X = F(1);\n");
    assert!(m.is_some(), "F(1) stays unexpanded");
}

#[test]
fn macro_argument_edge_cases() {
    error_starts(
        "#define F(x) x\nF(",
        "unterminated argument list for macro `F`",
    );
    error_starts(
        "#define F() 1\nconst long X = F(2);\n",
        "macro `F` takes 0 arguments",
    );
    error_starts(
        "#define F(x, y, ...) x\nconst long X = F();\n",
        "macro `F` takes at least 2",
    );
    error_starts(
        "#define F(x) ## x\nF(1)\n",
        "`##` cannot stand at either end",
    );
    // Pasting that makes no single token keeps the parts, as Microsoft's preprocessor does.
    assert_eq!(
        outcome("#define P(a, b) a ## b\nconst long X = P(1, +) 2;\n"),
        None
    );
    // Empty arguments and a stringized empty argument.
    assert_eq!(
        outcome("#define S(x) #x\n#define E(x, y) x y\nconst char *X = S() E(, \"a\");\n"),
        None
    );
}

#[test]
fn directives_in_odd_places() {
    error_starts("#if\n#endif\n", "expected an expression after `#if`");
    error_starts(
        "#if defined(\n#endif\n",
        "expected a macro name after `defined`",
    );
    error_starts("#define\n", "expected a macro name after `#define`");
    error_starts(
        "#define F(x\n",
        "expected `)` to close the macro's parameter list",
    );
    error_starts("#line x\n", "expected a line number after `#line`");
    assert_eq!(
        outcome("# 12 \"other.idl\"\n#\n#pragma\n#pragma pack(push, 8)\n"),
        None
    );
}

#[test]
fn deep_macro_chains_end() {
    // A chain of macros naming macros is limited in depth, so it costs linear time.
    let mut text = String::new();
    for n in 0..20000 {
        text.push_str(&format!("#define M{n} M{}\n", n + 1));
    }
    text.push_str("const long X = M0;\n");
    error_starts(&text, "macro expansion nested more than");
    let mut text = String::new();
    for n in 0..200 {
        text.push_str(&format!("#define M{n} M{}\n", n + 1));
    }
    text.push_str("const long X = M0;\n");
    error_starts(&text, "unknown constant `M200`");
    // Function-like macros nest through their arguments, which are expanded first: bounded.
    let mut text = String::from("#define F(x) x\nconst long X = ");
    text.push_str(&"F(".repeat(1000));
    text.push('1');
    text.push_str(&")".repeat(1000));
    text.push_str(";\n");
    error_starts(&text, "macro expansion nested more than");
}
