//! Two IDL corpora, each preprocessed, parsed and resolved in one process: every stand-alone file
//! is an input of one `idlgen::load_each`, which reads and parses each file (input, import or
//! fragment) once and resolves each input into its own model (the imports inputs begin with
//! resolved once and shared). Fragments (files another corpus file `#include`s) come in
//! through their includers. Each model is checked and dropped as it is made.
//!
//! - Wine's corpus (Debian's libwine-dev): the WinRT-dialect files, which idlgen does not read,
//!   are left out.
//! - The Windows SDK (`../shared/winsdk/10.0.16299.0` from the project's root, or the
//!   `Include/<version>` folder `IDLGEN_SDK_INCLUDE` names; SKIPPED without one): every `.idl` of
//!   um/ and shared/ but the fragments, with `-I um -I shared -I winrt`, as `tests/corpus_sdk.rs`
//!   reads it. `load_each` fails every input if one does not parse, so each file is first loaded
//!   alone (untimed) and those that do not load (an import the SDK folder lacks, the WinRT
//!   dialect) are left out, and listed.
//!
//! `cargo bench --bench parse_corpus` prints, for each corpus, its size (the bytes of every file
//! the loads read from disk: inputs, imports, #includes), then the whole `load_each`, the two
//! corpora taking turns run by run so that the machine's load falls on both alike: best and
//! median wall time and MB/s of each, the median CPU time (all threads), and the SDK's time per
//! MB over Wine's (target: at most 1). Then divan's measurements: `load_each` of each corpus,
//! and the way without it, one `idlgen::load` per input.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use idlgen::Options;

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
        opts: Options::new().include_dir(&dir),
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
fn reason(err: &idlgen::Error) -> String {
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
        let opts = (sdk::include_dirs(&dir).iter()).fold(Options::new(), |o, d| o.include_dir(d));
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

/// Loads and resolves everything with `load_each`; returns the bytes of source read from disk
/// and the models made.
fn run_each(c: &Corpus) -> (usize, usize) {
    let models = std::sync::atomic::AtomicUsize::new(0);
    // Every file the batch read (a model lists them all).
    let files: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    idlgen::load_each(&c.inputs, &c.opts, |_, model| {
        let model = match model {
            Ok(m) => m,
            Err(e) => panic!("the corpus does not load and resolve:\n{e}"),
        };
        if let Ok(mut files) = files.lock()
            && files.len() < model.files.len()
        {
            *files = model.files.to_vec();
        }
        models.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    let files = files.into_inner().unwrap_or_default();
    let bytes = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len() as usize)
        .sum();
    (bytes, models.into_inner())
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
    let mut cpus: Vec<Vec<f64>> = vec![Vec::new(); corpora.len()];
    for _ in 0..RUNS {
        for ((t, cpu), c) in times.iter_mut().zip(&mut cpus).zip(corpora) {
            let cpu0 = cpu_ms();
            let start = Instant::now();
            divan::black_box(run_each(c.corpus));
            t.push(start.elapsed());
            cpu.push(cpu_ms() - cpu0);
        }
    }
    let mut per_mb = Vec::new();
    for ((t, mut cpu), c) in times.into_iter().zip(cpus).zip(corpora) {
        let (best, median) = best_median(t);
        cpu.sort_by(f64::total_cmp);
        let what = format!(
            "{}: preprocess + parse + resolve (all cores, load_each)",
            c.name
        );
        println!(
            "{}; CPU median {:.0} ms",
            line(&what, c.mb, best, median),
            cpu[cpu.len() / 2]
        );
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

fn main() {
    let wine = wine();
    let sdk = sdk_corpus();
    let mut corpora = Vec::new();
    match &wine {
        None => println!("SKIPPED Wine corpus: {WINE} is not installed (libwine-dev)"),
        Some(c) => {
            let (bytes, models) = run_each(c);
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
            let (bytes, models) = run_each(&s.corpus);
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
    divan::main();
}

/// Wine's corpus, `load_each`.
#[divan::bench(sample_count = 10)]
fn wine_load_each(bencher: divan::Bencher) {
    let Some(c) = wine() else { return };
    bencher.bench(|| run_each(&c));
}

/// Wine's corpus without `load_each`: one `idlgen::load` per input, on one thread (every
/// import parsed and resolved again for each input).
#[divan::bench(sample_count = 3)]
fn wine_load_alone(bencher: divan::Bencher) {
    let Some(c) = wine() else { return };
    bencher.bench(|| {
        (c.inputs.iter())
            .filter(|i| idlgen::load([*i], &c.opts).is_ok())
            .count()
    });
}

/// The SDK's corpus, `load_each`.
#[divan::bench(sample_count = 10)]
fn sdk_load_each(bencher: divan::Bencher) {
    let Some(s) = sdk_corpus() else { return };
    bencher.bench(|| run_each(&s.corpus));
}

/// This process's user + system CPU time so far, in ms (from /proc; 0 elsewhere).
fn cpu_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let Some(after) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 (utime, stime) are the 12th and 13th after the command's `)`.
    (ticks(11) + ticks(12)) * 10.0
}
