//! Two IDL corpora, each preprocessed, parsed and resolved in one process: every stand-alone file
//! is an input of one `model::load_each`, which reads and parses each file (input, import or
//! fragment) once, a second thread parsing the largest inputs ahead, and resolves each input into
//! its own model (the imports inputs begin with resolved once and shared; the resolving starts
//! while the largest input is still being parsed). Fragments (files another corpus file
//! `#include`s) come in through their includers. Each model is checked and dropped as it is made;
//! freeing the parsed files is timed too.
//!
//! - Wine's corpus (Debian's libwine-dev): the WinRT-dialect files, which idlgen does not read,
//!   are left out.
//! - The Windows SDK (`../shared/winsdk/10.0.16299.0` from the project's root, or the
//!   `Include/<version>` folder `IDLGEN_SDK_INCLUDE` names; SKIPPED without one): every `.idl` of
//!   um/ and shared/ but the fragments, with `-I um -I shared -I winrt`, as `tests/corpus_sdk.rs`
//!   reads it. `load_each` fails every input if one does not load, so each file is first loaded
//!   alone (untimed) and those that do not (an import the SDK folder lacks, the WinRT dialect)
//!   are left out, and listed.
//!
//! `cargo bench --bench parse_corpus` prints, for each corpus, its size (the bytes of every file
//! the loads read: inputs, imports, #includes, the embedded base set), then the whole
//! `load_each`, the two corpora taking turns run by run so that the machine's load falls on
//! both alike: best and median time and MB/s of each, and the SDK's time per MB over Wine's
//! (target: at most 1). Then the same in two stages (`idl::load_files`, then
//! `model::resolve_each`), each stage timed, for both; then divan's measurements of the parts
//! (`resolve_each_input_alone` is the old way: one `resolve_from` per input, on one thread).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use idlgen::idl::{self, Options};

// The corpora's locations and the classification of files are the tests' own (one rule for
// both).
#[allow(dead_code)]
#[path = "../tests/common/corpus.rs"]
mod corpus;
#[allow(dead_code)]
#[path = "../tests/common/external.rs"]
mod external;
#[allow(dead_code)]
#[path = "../tests/common/sdk.rs"]
mod sdk;

const WINE: &str = external::WINE_IDL_DIR;

struct Corpus {
    inputs: Vec<PathBuf>,
    opts: Options,
}

fn wine() -> Option<Corpus> {
    let dir = external::locate(&external::WINE_IDL)?;
    let files = corpus::wine_idl_files();
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

/// The SDK corpus and what was left out of it.
struct Sdk {
    dir: PathBuf,
    corpus: Corpus,
    /// The `.idl` files of um/ and shared/.
    idl_files: usize,
    /// Files #included by another SDK IDL file: they come in through their includers.
    fragments: usize,
    /// Why a file does not load alone -> the files (each left out).
    left_out: BTreeMap<String, Vec<String>>,
}

/// Why a file that does not load alone does not: the error's kind, for the list of those left out.
fn reason(err: &idlgen::diag::Error) -> String {
    let Some(d) = err.diagnostics.first() else {
        return "no diagnostic".to_string();
    };
    if d.message.starts_with("cannot find ") {
        "needs a file the SDK folder lacks".to_string()
    } else if d.message.contains("Windows Runtime") {
        "Windows Runtime dialect (out of scope)".to_string()
    } else {
        format!("error: {}", d.message.lines().next().unwrap_or_default())
    }
}

/// The SDK's stand-alone inputs: each non-fragment file of um/ and shared/ loaded alone (on two
/// threads, untimed), those that load kept. `None` without an SDK; cached: the divan benches
/// use it too.
fn sdk_corpus() -> Option<&'static Sdk> {
    static SDK: OnceLock<Option<Sdk>> = OnceLock::new();
    SDK.get_or_init(|| {
        let dir = external::locate(&external::SDK)?;
        let files = sdk::idl_files(&dir);
        let fragments = corpus::fragments(&files);
        let opts = Options {
            include_dirs: sdk::include_dirs(&dir),
            ..Options::default()
        };
        let candidates: Vec<&PathBuf> = files
            .iter()
            .filter(|f| !fragments.contains_key(&name_of(f)))
            .collect();
        let queue = Mutex::new(candidates.iter().enumerate());
        let outcomes: Mutex<Vec<(usize, Option<String>)>> = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    loop {
                        let Some((i, f)) = queue.lock().expect("queue").next() else {
                            break;
                        };
                        let why = idlgen::load(&[(*f).clone()], &opts)
                            .err()
                            .map(|e| reason(&e));
                        outcomes.lock().expect("outcomes").push((i, why));
                    }
                });
            }
        });
        let mut outcomes = outcomes.into_inner().expect("outcomes");
        outcomes.sort_by_key(|(i, _)| *i);
        let mut inputs = Vec::new();
        let mut left_out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (i, why) in outcomes {
            let f = candidates[i];
            match why {
                None => inputs.push(f.clone()),
                Some(why) => left_out.entry(why).or_default().push(corpus::name_of(f)),
            }
        }
        if inputs.is_empty() {
            return None;
        }
        Some(Sdk {
            dir,
            corpus: Corpus { inputs, opts },
            idl_files: files.len(),
            fragments: fragments.len(),
            left_out,
        })
    })
    .as_ref()
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
    let (bytes, models, _) = run_staged(c);
    (bytes, models)
}

/// [`run`], with each stage timed: the bytes of source read, the models made, and the time to
/// load (`idl::load_files`) and to resolve (`model::resolve_each`, with freeing what was parsed).
fn run_staged(c: &Corpus) -> (usize, usize, [Duration; 2]) {
    let start = Instant::now();
    let parsed = match idl::load_files(&c.inputs, &c.opts) {
        Ok(p) => p,
        Err(e) => panic!("the corpus does not load:\n{e}"),
    };
    let loaded = start.elapsed();
    let bytes: usize = parsed.sources.files().map(|(_, f)| f.text.len()).sum();
    let roots = parsed.roots.len();
    idlgen::model::resolve_each(&parsed, &parsed.roots, |_, model| {
        if let Err(e) = model {
            panic!("the corpus does not resolve:\n{e}");
        }
    });
    drop(parsed);
    (bytes, roots, [loaded, start.elapsed() - loaded])
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

const RUNS: usize = 7;

/// Best and median of some times.
fn best_median(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[0], times[times.len() / 2])
}

fn line(what: &str, mb: f64, best: Duration, median: Duration) -> String {
    format!(
        "{what}: best {:.1} ms ({:.1} MB/s), median {:.1} ms ({:.1} MB/s)",
        best.as_secs_f64() * 1e3,
        mb / best.as_secs_f64(),
        median.as_secs_f64() * 1e3,
        mb / median.as_secs_f64()
    )
}

/// Times `f` a few times; prints best and median with MB/s for `mb` megabytes.
fn report(what: &str, mb: f64, f: impl Fn() -> (usize, usize)) {
    let times = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            divan::black_box(f());
            start.elapsed()
        })
        .collect();
    let (best, median) = best_median(times);
    println!("{}", line(what, mb, best, median));
}

/// A corpus to time, with its name and size.
struct Timed<'a> {
    name: &'static str,
    corpus: &'a Corpus,
    mb: f64,
}

/// The whole `load_each` of each corpus, the corpora taking turns run by run; then the SDK's
/// time per MB over Wine's, from the medians.
fn compare(corpora: &[Timed]) {
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); corpora.len()];
    for _ in 0..RUNS {
        for (t, c) in times.iter_mut().zip(corpora) {
            let start = Instant::now();
            divan::black_box(run_each(c.corpus));
            t.push(start.elapsed());
        }
    }
    let mut per_mb = Vec::new();
    for (t, c) in times.into_iter().zip(corpora) {
        let (best, median) = best_median(t);
        let what = format!(
            "{}: preprocess + parse + resolve (all cores, load_each)",
            c.name
        );
        println!("{}", line(&what, c.mb, best, median));
        per_mb.push(median.as_secs_f64() / c.mb);
    }
    if let [wine, sdk] = per_mb[..] {
        println!(
            "SDK time per MB / Wine time per MB (medians): {:.2} (target: at most 1.00; the SDK \
             at {:.0}% of Wine's MB/s)",
            sdk / wine,
            100.0 * wine / sdk
        );
    }
}

/// The two stages (`load_files`, then `resolve_each`), each timed; medians of a few runs.
fn stages(c: &Timed) {
    let mut totals = Vec::new();
    let mut loads = Vec::new();
    let mut resolves = Vec::new();
    for _ in 0..RUNS {
        let (_, _, [load, resolve]) = divan::black_box(run_staged(c.corpus));
        totals.push(load + resolve);
        loads.push(load);
        resolves.push(resolve);
    }
    let (best, median) = best_median(totals);
    let (_, load) = best_median(loads);
    let (_, resolve) = best_median(resolves);
    let what = format!(
        "{}: the same in two stages (load_files, then resolve_each)",
        c.name
    );
    println!("{}", line(&what, c.mb, best, median));
    println!(
        "  medians: load_files (read, preprocess, parse) {:.1} ms ({:.1} MB/s), resolve_each \
         {:.1} ms ({:.0}% of the two)",
        load.as_secs_f64() * 1e3,
        c.mb / load.as_secs_f64(),
        resolve.as_secs_f64() * 1e3,
        100.0 * resolve.as_secs_f64() / (load + resolve).as_secs_f64()
    );
}

fn main() {
    let wine = wine();
    let sdk = sdk_corpus();
    let mut corpora = Vec::new();
    match &wine {
        None => println!("SKIPPED Wine corpus: {WINE} is not installed (libwine-dev)"),
        Some(c) => {
            let (bytes, models) = run(c);
            let mb = bytes as f64 / 1e6;
            println!(
                "Wine corpus: {} inputs ({models} models), {mb:.2} MB of source (every file \
                 read, preprocessed and parsed once)",
                c.inputs.len()
            );
            corpora.push(Timed {
                name: "Wine",
                corpus: c,
                mb,
            });
        }
    }
    match sdk {
        None => println!(
            "SKIPPED SDK corpus: no Windows SDK at ../shared/winsdk/10.0.16299.0 (set {})",
            external::SDK_ENV
        ),
        Some(s) => {
            let (bytes, models) = run(&s.corpus);
            let mb = bytes as f64 / 1e6;
            let left: usize = s.left_out.values().map(Vec::len).sum();
            println!(
                "SDK corpus ({}): {} inputs ({models} models), {mb:.2} MB of source (every file \
                 read, preprocessed and parsed once), -I um -I shared -I winrt",
                s.dir.display(),
                s.corpus.inputs.len()
            );
            println!(
                "  of {} .idl files in um/ and shared/: {} fragments (#included by another SDK \
                 IDL file; read through their includers), {left} left out as they do not load \
                 alone (load_each would fail every input):",
                s.idl_files, s.fragments
            );
            for (why, names) in &s.left_out {
                println!("    {why} ({}): {}", names.len(), names.join(", "));
            }
            corpora.push(Timed {
                name: "SDK",
                corpus: &s.corpus,
                mb,
            });
        }
    }
    if corpora.is_empty() {
        return;
    }
    compare(&corpora);
    for c in &corpora {
        stages(c);
    }
    if let Some(c) = corpora.iter().find(|c| c.name == "Wine") {
        report(
            "Wine: two stages, two halves of the inputs at once",
            c.mb,
            || run_two_threads(c.corpus),
        );
    }
    divan::main();
}

/// The front end alone: preprocess and parse every file once.
#[divan::bench(sample_count = 10)]
fn load_files(bencher: divan::Bencher) {
    let Some(c) = wine() else { return };
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
    let Some(c) = wine() else { return };
    resolve_each_bench(bencher, &c);
}

fn resolve_each_bench(bencher: divan::Bencher, c: &Corpus) {
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
    let Some(c) = wine() else { return };
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

/// The SDK's front end alone.
#[divan::bench(sample_count = 10)]
fn sdk_load_files(bencher: divan::Bencher) {
    let Some(s) = sdk_corpus() else { return };
    let c = &s.corpus;
    bencher.bench(|| {
        idl::load_files(&c.inputs, &c.opts)
            .map(|p| p.files.len())
            .ok()
    });
}

/// The SDK's resolution alone (`resolve_each`).
#[divan::bench(sample_count = 10)]
fn sdk_resolve_each_input(bencher: divan::Bencher) {
    let Some(s) = sdk_corpus() else { return };
    resolve_each_bench(bencher, &s.corpus);
}
