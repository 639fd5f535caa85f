//! Preprocesses, parses and resolves arbitrary text as one IDL file: no input may panic, hang or
//! allocate without bound. Seed with the Wine corpus (see fuzz/README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let input = idlgen::Input::idl_text("fuzz.idl", text);
    let _ = idlgen::load([input], &idlgen::Options::new());
});
