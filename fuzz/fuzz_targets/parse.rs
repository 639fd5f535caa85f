//! Preprocesses, parses and resolves arbitrary text as one IDL file: no input may panic, hang or
//! allocate without bound. Seed with the Wine corpus (see fuzz/README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = idlgen::idl::Options::default();
    let _ = idlgen::load_source("fuzz.idl", text, &opts);
});
