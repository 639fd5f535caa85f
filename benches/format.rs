//! The Rust back end's cost per output byte: `generate_rust` (templates, then the in-process
//! formatter) over a model loaded beforehand, and the formatter alone over the generated text
//! (formatting it again gives the same text: the same tokens, the same layout work).
//!
//! Inputs: the certif fixture (always); from Wine's IDL (Debian's libwine-dev; SKIPPED
//! without it) dxgidebug.idl (a median file: 134 KB of output), msxml6.idl (4 MB) and
//! mshtml.idl (41 MB, the largest).
//!
//! `cargo bench --bench format` prints each input's output size, then divan's measurements
//! with the bytes of output per second (`generate_*` and `format_*`).

use std::path::PathBuf;
use std::sync::OnceLock;

use divan::counter::BytesCount;

#[allow(dead_code)]
#[path = "../tests/common/external.rs"]
mod external;

struct Case {
    model: idlgen::model::Model,
    /// What `generate_rust` gives for the model.
    text: String,
}

fn load(input: PathBuf, opts: &idlgen::Options) -> Option<Case> {
    let model = idlgen::load([input], opts).ok()?.model;
    let text = idlgen::generate_rust(&model, &idlgen::RustOptions::default()).ok()?;
    Some(Case { model, text })
}

fn certif() -> &'static Case {
    static CASE: OnceLock<Case> = OnceLock::new();
    CASE.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/certif/certif.idl");
        load(path, &idlgen::Options::new()).expect("the certif fixture generates")
    })
}

fn wine(name: &str) -> Option<&'static Case> {
    static CASES: OnceLock<Vec<(&'static str, Option<Case>)>> = OnceLock::new();
    let cases = CASES.get_or_init(|| {
        let dir = external::locate(&external::WINE_IDL);
        ["dxgidebug", "msxml6", "mshtml"]
            .into_iter()
            .map(|n| {
                let case = dir.as_ref().and_then(|d| {
                    let opts = idlgen::Options::new().include_dir(d);
                    load(d.join(format!("{n}.idl")), &opts)
                });
                (n, case)
            })
            .collect()
    });
    cases.iter().find(|(n, _)| *n == name)?.1.as_ref()
}

fn main() {
    let c = certif();
    assert_eq!(
        idlgen::__format_rust(&c.text),
        c.text,
        "formatting is idempotent"
    );
    println!("certif.idl: {} bytes of output", c.text.len());
    for name in ["dxgidebug", "msxml6", "mshtml"] {
        match wine(name) {
            Some(c) => println!("Wine {name}.idl: {} bytes of output", c.text.len()),
            None => println!(
                "SKIPPED Wine {name}.idl: {} is not installed (libwine-dev)",
                external::WINE_IDL_DIR
            ),
        }
    }
    divan::main();
}

fn generate(bencher: divan::Bencher, case: Option<&Case>) {
    let Some(case) = case else { return };
    let opts = idlgen::RustOptions::default();
    bencher
        .counter(BytesCount::new(case.text.len()))
        .bench(|| idlgen::generate_rust(&case.model, &opts));
}

fn format(bencher: divan::Bencher, case: Option<&Case>) {
    let Some(case) = case else { return };
    bencher
        .counter(BytesCount::new(case.text.len()))
        .bench(|| idlgen::__format_rust(&case.text));
}

#[divan::bench(sample_count = 20)]
fn generate_certif(bencher: divan::Bencher) {
    generate(bencher, Some(certif()));
}

#[divan::bench(sample_count = 20)]
fn format_certif(bencher: divan::Bencher) {
    format(bencher, Some(certif()));
}

#[divan::bench(sample_count = 20)]
fn generate_dxgidebug(bencher: divan::Bencher) {
    generate(bencher, wine("dxgidebug"));
}

#[divan::bench(sample_count = 20)]
fn format_dxgidebug(bencher: divan::Bencher) {
    format(bencher, wine("dxgidebug"));
}

#[divan::bench(sample_count = 5)]
fn generate_msxml6(bencher: divan::Bencher) {
    generate(bencher, wine("msxml6"));
}

#[divan::bench(sample_count = 5)]
fn format_msxml6(bencher: divan::Bencher) {
    format(bencher, wine("msxml6"));
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn generate_mshtml(bencher: divan::Bencher) {
    generate(bencher, wine("mshtml"));
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn format_mshtml(bencher: divan::Bencher) {
    format(bencher, wine("mshtml"));
}
