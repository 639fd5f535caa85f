//! Reads arbitrary bytes as a type library (MSFT, SLTG, or a PE file's TYPELIB resource) into
//! the model: no input may panic, hang or allocate without bound. Seed with the certif fixtures
//! (the MSFT files, the PE files and the SLTG twin certcli_sltg.tlb) and small Wine type
//! libraries, then run on the stable toolchain:
//!
//! ```sh
//! mkdir -p fuzz/corpus/tlb && cp fixtures/certif/*.tlb fixtures/certif/*.dll fuzz/corpus/tlb/
//! cp /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/stdole*.tlb fuzz/corpus/tlb/
//! cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run tlb -- -max_total_time=600 -timeout=10 \
//!     -max_len=65536 -rss_limit_mb=2048
//! ```
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = idlgen::Input::typelib_bytes("fuzz.tlb", data);
    let _ = idlgen::load([input], &idlgen::Options::new());
});
