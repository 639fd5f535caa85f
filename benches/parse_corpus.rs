//! The whole Wine IDL corpus (Debian's libwine-dev) preprocessed, parsed and resolved in one
//! process: every stand-alone file is an input of one `model::load_each`, which reads and parses
//! each file (input, import or fragment) once, a second thread parsing the largest inputs ahead,
//! and resolves each input into its own model (the imports inputs begin with resolved once and
//! shared; the resolving starts while the largest input is still being parsed). Fragments (files
//! another corpus file `#include`s) come in through their includers; the WinRT-dialect files,
//! which idlgen does not read, are left out. Each model is checked and dropped as it is made;
//! freeing the parsed files is timed too.
//!
//! `cargo bench --bench parse_corpus` prints the total time and MB/s first (best and median of
//! a few runs), the same in two stages (`idl::load_files`, then `model::resolve_each`), then
//! divan's measurements of the parts (`resolve_each_input_alone` is the old way: one
//! `resolve_from` per input, on one thread).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use idlgen::idl::{self, Options};

const CORPUS: &str = "/usr/include/wine/wine/windows";

struct Corpus {
    inputs: Vec<PathBuf>,
    opts: Options,
}

fn corpus() -> Option<Corpus> {
    let dir = PathBuf::from(CORPUS);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "idl"))
        .collect();
    files.sort();
    // Read everything first (the page cache then holds it): the timed work reads no cold disk.
    let texts: Vec<String> = files
        .iter()
        .map(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap_or_default()).into_owned())
        .collect();
    let mut fragments = std::collections::HashSet::new();
    for text in &texts {
        for line in text.lines() {
            let l = line.trim_start();
            let Some(rest) = l.strip_prefix('#') else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix("include") else {
                continue;
            };
            let rest = rest.trim();
            let name = rest
                .get(1..)
                .and_then(|r| r.split(['"', '>']).next())
                .unwrap_or("");
            if name.ends_with(".idl") {
                fragments.insert(name.to_lowercase());
            }
        }
    }
    let winrt = |text: &str| {
        text.lines().any(|l| {
            let w = l.trim_start();
            [
                "namespace ",
                "runtimeclass ",
                "apicontract ",
                "delegate ",
                "declare ",
            ]
            .iter()
            .any(|k| w.starts_with(k))
        })
    };
    let inputs = files
        .iter()
        .zip(&texts)
        .filter(|(f, text)| !fragments.contains(&name_of(f)) && !winrt(text))
        .map(|(f, _)| f.clone())
        .collect::<Vec<_>>();
    if inputs.is_empty() {
        return None;
    }
    Some(Corpus {
        inputs,
        opts: Options {
            include_dirs: vec![dir],
            ..Options::default()
        },
    })
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Loads and resolves everything with `load_each`; returns the models made.
fn run_each(c: &Corpus) -> (usize, usize) {
    let models = std::sync::atomic::AtomicUsize::new(0);
    idlgen::model::load_each(&c.inputs, &c.opts, |_, model| {
        if let Err(e) = model {
            panic!("the corpus does not load and resolve:\n{e}");
        }
        models.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    (0, models.into_inner())
}

/// Loads, then resolves everything; returns the bytes of source read and the models made.
fn run(c: &Corpus) -> (usize, usize) {
    let parsed = match idl::load_files(&c.inputs, &c.opts) {
        Ok(p) => p,
        Err(e) => panic!("the corpus does not load:\n{e}"),
    };
    let bytes: usize = parsed.sources.files().map(|(_, f)| f.text.len()).sum();
    idlgen::model::resolve_each(&parsed, &parsed.roots, |_, model| {
        if let Err(e) = model {
            panic!("the corpus does not resolve:\n{e}");
        }
    });
    (bytes, parsed.roots.len())
}

/// [`run`] on two threads, each with half the inputs (the files both halves import are read
/// and parsed by both; each half's resolution shares the cores too).
fn run_two_threads(c: &Corpus) -> (usize, usize) {
    let half = c.inputs.len() / 2;
    let (a, b) = c.inputs.split_at(half);
    let halves = [
        Corpus {
            inputs: a.to_vec(),
            opts: c.opts.clone(),
        },
        Corpus {
            inputs: b.to_vec(),
            opts: c.opts.clone(),
        },
    ];
    let results: Vec<(usize, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = halves.iter().map(|h| s.spawn(|| run(h))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or((0, 0)))
            .collect()
    });
    results
        .iter()
        .fold((0, 0), |acc, r| (acc.0 + r.0, acc.1 + r.1))
}

/// Times `f` a few times; prints best and median with MB/s for `mb` megabytes.
fn report(what: &str, mb: f64, f: impl Fn() -> (usize, usize)) {
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        divan::black_box(f());
        times.push(start.elapsed());
    }
    times.sort();
    let (best, median) = (times[0], times[times.len() / 2]);
    println!(
        "{what}: best {:.1} ms ({:.1} MB/s), median {:.1} ms ({:.1} MB/s)",
        best.as_secs_f64() * 1e3,
        mb / best.as_secs_f64(),
        median.as_secs_f64() * 1e3,
        mb / median.as_secs_f64()
    );
}

fn main() {
    let Some(c) = corpus() else {
        println!("SKIPPED: the Wine IDL corpus ({CORPUS}) is not installed");
        return;
    };
    let (bytes, models) = run(&c);
    let mb = bytes as f64 / 1e6;
    println!(
        "Wine corpus: {} inputs ({models} models), {mb:.2} MB of source (every file read, \
         preprocessed and parsed once)",
        c.inputs.len()
    );
    report(
        "preprocess + parse + resolve (all cores, load_each)",
        mb,
        || run_each(&c),
    );
    report(
        "the same in two stages (load_files, then resolve_each)",
        mb,
        || run(&c),
    );
    report("two stages, two halves of the inputs at once", mb, || {
        run_two_threads(&c)
    });
    divan::main();
}

/// The front end alone: preprocess and parse every file once.
#[divan::bench(sample_count = 10)]
fn load_files(bencher: divan::Bencher) {
    let Some(c) = corpus() else { return };
    bencher.bench(|| {
        idl::load_files(&c.inputs, &c.opts)
            .map(|p| p.files.len())
            .ok()
    });
}

/// Resolution alone: a model for each input (`resolve_each`: shared leading imports resolved
/// once per thread, the inputs shared out over the cores).
#[divan::bench(sample_count = 10)]
fn resolve_each_input(bencher: divan::Bencher) {
    let Some(c) = corpus() else { return };
    let Ok(parsed) = idl::load_files(&c.inputs, &c.opts) else {
        return;
    };
    bencher.bench(|| {
        let ok = std::sync::atomic::AtomicUsize::new(0);
        idlgen::model::resolve_each(&parsed, &parsed.roots, |_, m| {
            if m.is_ok() {
                ok.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        });
        ok.into_inner()
    });
}

/// Resolution alone, each input on its own from nothing (`resolve_from`), on one thread.
#[divan::bench(sample_count = 10)]
fn resolve_each_input_alone(bencher: divan::Bencher) {
    let Some(c) = corpus() else { return };
    let Ok(parsed) = idl::load_files(&c.inputs, &c.opts) else {
        return;
    };
    bencher.bench(|| {
        parsed
            .roots
            .iter()
            .filter(|&&r| idlgen::model::resolve_from(&parsed, &[r]).is_ok())
            .count()
    });
}
