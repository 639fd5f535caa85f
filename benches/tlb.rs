//! Reading Wine's mshtml.tlb (1.2 MB, 600 type infos) into the full model: the whole
//! `idlgen::load` of its bytes (reader, model building, layout rules, the file's slots and
//! DISPIDs checked against them). The file is read into memory first.
//!
//! `cargo bench --bench tlb` prints the best and median of a few runs of the whole load first,
//! then divan's measurements. Needs libwine (skips with a message otherwise). Target: < 20 ms.

use std::time::{Duration, Instant};

// Where Wine's DLLs are: the tests' own location (tests/common/external.rs).
#[allow(dead_code)]
#[path = "../tests/common/external.rs"]
mod external;

/// The file, in Wine's DLL folder; also its name in messages.
const MSHTML: &str = "mshtml.tlb";

fn bytes() -> Option<Vec<u8>> {
    let dir = external::locate(&external::WINE_DLLS)?;
    std::fs::read(dir.join(MSHTML)).ok()
}

fn main() {
    let Some(data) = bytes() else {
        eprintln!(
            "SKIPPED: {MSHTML} not found in {} (apt-get install libwine)",
            external::WINE_DLLS_DIR
        );
        return;
    };
    let opts = idlgen::Options::new();
    // The first load also resolves idlgen's embedded base set, once per process.
    let warm = Instant::now();
    let model = load(&data, &opts).expect("mshtml.tlb loads");
    let first = warm.elapsed();
    let mut times: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            let m = load(&data, &opts).expect("loads");
            std::hint::black_box(m);
            t.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "mshtml.tlb ({} bytes, {} items, {} library types): full model best {:.2?}, median {:.2?} \
         (first load, with the base set: {first:.2?})",
        data.len(),
        model.items.len(),
        model.libraries.first().map_or(0, |l| l.types.len()),
        times[0],
        times[times.len() / 2]
    );
    divan::main();
}

/// The model of the type library in `data`.
fn load(data: &[u8], opts: &idlgen::Options) -> idlgen::Result<idlgen::model::Model> {
    idlgen::load([idlgen::Input::typelib_bytes(MSHTML, data)], opts).map(|l| l.model)
}

#[divan::bench(sample_count = 20)]
fn load_full_model(b: divan::Bencher) {
    let Some(data) = bytes() else { return };
    let opts = idlgen::Options::new();
    b.bench(|| load(divan::black_box(&data), &opts).expect("loads"));
}
