//! What the threads must not change: inputs parsed ahead give the very files parsing in order
//! gives, and each model of `load_each` is the one its input gets alone.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use super::*;
use crate::Options;

/// A test that needs what this machine may lack: SKIPPED (on stderr, past the harness's
/// capture) outside CI, a failure in CI.
fn skip(test: &str, why: &str) {
    assert!(std::env::var_os("CI").is_none(), "{test}: {why}");
    eprintln!("SKIPPED idlgen::batch::tests::{test}: {why}");
}

/// A fresh directory for a test's files, and a writer of files into it.
fn scratch(tag: &str) -> (PathBuf, impl Fn(&str, &str) -> PathBuf) {
    let dir = std::env::temp_dir().join(format!("idlgen-batch-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let at = dir.clone();
    let write = move |name: &str, text: &str| {
        let path = at.join(name);
        std::fs::write(&path, text).expect("write");
        path
    };
    (dir, write)
}

fn files(inputs: &[PathBuf]) -> Vec<idl::Source<'_>> {
    inputs.iter().map(|p| idl::Source::File(p)).collect()
}

/// Everything about a parse that must not depend on threads: the debug form of the result
/// (syntax trees with their spans, file ids, paths and texts), or the error as printed.
fn outcome(inputs: &[PathBuf], opts: &idl::Options, ahead: bool) -> String {
    let parsed = if ahead {
        parse(&files(inputs), opts)
    } else {
        idl::load(&files(inputs), opts)
    };
    match parsed {
        Ok(p) => format!(
            "{:?}",
            (
                &p.files,
                &p.roots,
                &p.read,
                p.sources.files().collect::<Vec<_>>()
            )
        ),
        Err(e) => format!("error: {e}"),
    }
}

/// Inputs done ahead give exactly what loading them in order on one thread gives: with
/// includes that only define macros, an include that brings declarations (not done ahead),
/// inputs that import each other, and errors in a later input.
#[test]
fn inputs_done_ahead_load_as_in_order() {
    let (dir, write) = scratch("ahead");
    write("ids.h", "#define BASE 100\n#define ID(n) (BASE + n)\n");
    write("frag.idl", "typedef int FRAG;\n");
    let a = write(
        "a.idl",
        "import \"c.idl\";\n#include \"ids.h\"\n[object, uuid(11111111-2222-3333-4444-555555555555)]\ninterface IA : IUnknown { [id(ID(1))] HRESULT f([in] C c); }\n",
    );
    let b = write("b.idl", "#include \"frag.idl\"\ntypedef FRAG B;\n");
    let c = write("c.idl", "import \"unknwn.idl\";\ntypedef long C;\n");
    let bad = write("bad.idl", "#include \"ids.h\"\ntypedef int X Y;\n");
    let opts = idl::Options::default();
    for inputs in [
        vec![a.clone(), b.clone(), c.clone()],
        vec![c.clone(), b.clone(), a.clone()],
        vec![a.clone(), bad.clone(), b.clone()],
        vec![b.clone(), c.clone(), bad.clone()],
    ] {
        let in_order = outcome(&inputs, &opts, false);
        for _ in 0..3 {
            assert_eq!(outcome(&inputs, &opts, true), in_order, "{inputs:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The stand-alone .idl files (any letter case) of `dirs` (not those another of them
/// `#include`s, not WinRT), with `include` as the search path; with `alone`, only those that
/// load and resolve alone. `None` where `dirs` cannot be read.
fn corpus(dirs: &[PathBuf], include: &[PathBuf], alone: bool) -> Option<(Vec<PathBuf>, Options)> {
    let mut inputs: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        inputs.extend(
            std::fs::read_dir(dir)
                .ok()?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("idl"))),
        );
    }
    inputs.sort();
    let texts: Vec<String> = inputs
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned())
        .collect();
    let included: std::collections::HashSet<String> = texts
        .iter()
        .flat_map(|t| t.lines())
        .filter_map(|l| l.trim_start().strip_prefix("#include"))
        .filter_map(|r| r.trim().get(1..)?.split(['"', '>']).next())
        .map(str::to_lowercase)
        .collect();
    let winrt = |t: &str| {
        t.lines().any(|l| {
            ["namespace ", "runtimeclass ", "apicontract "]
                .iter()
                .any(|k| l.trim_start().starts_with(k))
        })
    };
    let keep: Vec<bool> = inputs
        .iter()
        .zip(&texts)
        .map(|(p, t)| {
            let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase());
            !name.is_some_and(|n| included.contains(&n)) && !winrt(t)
        })
        .collect();
    let mut k = keep.iter();
    inputs.retain(|_| *k.next().unwrap_or(&false));
    let opts = include.iter().fold(Options::new(), |o, d| o.include_dir(d));
    if alone {
        inputs.retain(|i| crate::load([i], &opts).is_ok());
    }
    Some((inputs, opts))
}

const WINE: &str = "/usr/include/wine/wine/windows";

/// Wine's corpus, where installed.
fn wine(alone: bool) -> Option<(Vec<PathBuf>, Options)> {
    let dir = PathBuf::from(WINE);
    corpus(
        std::slice::from_ref(&dir),
        std::slice::from_ref(&dir),
        alone,
    )
}

/// The Windows SDK's um/ and shared/ inputs that load alone (`../shared/winsdk`, or
/// `IDLGEN_SDK_INCLUDE`), where present.
fn sdk() -> Option<(Vec<PathBuf>, Options)> {
    let sdk = match std::env::var_os("IDLGEN_SDK_INCLUDE") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/winsdk/10.0.16299.0"),
    };
    let include = ["um", "shared", "winrt"].map(|d| sdk.join(d)).to_vec();
    corpus(&include[..2], &include, true)
}

/// The same over the Wine corpus (every stand-alone file as an input).
#[test]
fn wine_corpus_done_ahead_loads_as_in_order() {
    let Some((inputs, opts)) = wine(false) else {
        return skip(
            "wine_corpus_done_ahead_loads_as_in_order",
            "Wine's IDL corpus is not installed",
        );
    };
    let opts = opts.search().expect("options");
    let in_order = outcome(&inputs, &opts, false);
    assert!(!in_order.starts_with("error"), "{in_order}");
    assert_eq!(outcome(&inputs, &opts, true), in_order);
}

/// A model as text, its files named by path rather than by id, without the list of every
/// file read (a model of `load_each` lists every file of the batch).
fn by_path(model: &Result<Model>) -> String {
    let m = match model {
        Ok(m) => m,
        Err(e) => return format!("{e}"),
    };
    let mut builtin: Vec<String> = (m.builtin_files.iter())
        .map(|f| format!("{:?}", m.files.get(f.0 as usize)))
        .collect();
    builtin.sort();
    let text = format!(
        "{:?} {builtin:?}",
        Model {
            files: Default::default(),
            builtin_files: Vec::new(),
            ..m.clone()
        }
    );
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("FileId(") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "FileId(".len()..];
        let digits = after.find(')').unwrap_or(0);
        let id: usize = after[..digits].parse().unwrap_or(usize::MAX);
        out.push_str(&format!("{:?}", m.files.get(id)));
        rest = &after[digits + 1..];
    }
    out.push_str(rest);
    out
}

/// `load_each` gives each input the very model `resolve_from` gives it after one parse of them
/// all (and the model `load` gives it alone, but for the files the parse read).
fn each_matches_resolve_from(inputs: &[PathBuf], opts: &Options) {
    assert!(inputs.len() > 100, "{} inputs", inputs.len());
    let search = opts.search().expect("options");
    let whole = idl::load(&files(inputs), &search).expect("the corpus parses");
    let loaded = Mutex::new(vec![None; inputs.len()]);
    load_each(inputs, opts, |index, model| {
        loaded.lock().expect("lock")[index] = Some(model);
    });
    for (index, model) in loaded.into_inner().expect("lock").into_iter().enumerate() {
        let name = inputs[index].display();
        let model = model.unwrap_or_else(|| panic!("{name}: not loaded"));
        let alone = crate::model::resolve_from(&whole, &whole.roots[index..=index]);
        assert_eq!(format!("{model:?}"), format!("{alone:?}"), "{name}");
    }
}

#[test]
fn load_each_matches_resolve_from_on_the_wine_corpus() {
    let Some((inputs, opts)) = wine(true) else {
        return skip(
            "load_each_matches_resolve_from_on_the_wine_corpus",
            "Wine's IDL corpus is not installed",
        );
    };
    each_matches_resolve_from(&inputs, &opts);
}

/// The same on the real Windows SDK, whose inputs start with `cpp_quote`s before their
/// imports (recorded after them either way: see `leading_imports`).
#[test]
fn load_each_matches_resolve_from_on_the_sdk() {
    let Some((inputs, opts)) = sdk() else {
        return skip(
            "load_each_matches_resolve_from_on_the_sdk",
            "no Windows SDK at ../shared/winsdk/10.0.16299.0",
        );
    };
    each_matches_resolve_from(&inputs, &opts);
}

/// Inputs whose shared leading steps fail each get the error they get alone, and inputs beside
/// them (sharing some steps, or none) still get their models.
#[test]
fn a_failing_shared_step_is_reported_to_every_input_below_it() {
    let (dir, write) = scratch("each");
    write("base.idl", "typedef long BASE;\n");
    write("bad.idl", "import \"base.idl\";\ntypedef MISSING BAD;\n");
    let inputs = [
        write(
            "a.idl",
            "import \"base.idl\"; import \"bad.idl\";\ntypedef BAD A;\n",
        ),
        write("b.idl", "import \"bad.idl\";\ntypedef BASE B;\n"),
        write("c.idl", "import \"base.idl\";\ntypedef BASE C;\n"),
        write("d.idl", "typedef long D;\n"),
    ];
    let each = Mutex::new(vec![None; inputs.len()]);
    load_each(&inputs, &Options::new(), |index, model| {
        each.lock().expect("lock")[index] = Some(by_path(&model));
    });
    let each = each.into_inner().expect("lock");
    for (index, input) in inputs.iter().enumerate() {
        let alone = by_path(&crate::load([input], &Options::new()).map(|l| l.model));
        assert_eq!(
            each[index].as_deref(),
            Some(alone.as_str()),
            "input {index}"
        );
        assert_eq!(
            alone.contains("MISSING"),
            index < 2,
            "input {index}: {alone}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A panic in `each` loses no input: what the thread had not handed over is made again at the
/// end, and the panic goes no further than the thread.
#[test]
fn a_panic_on_a_thread_loses_no_input() {
    let (dir, write) = scratch("each-panic");
    let inputs: Vec<PathBuf> = (0..6)
        .map(|i| {
            write(
                &format!("in{i}.idl"),
                &format!("import \"oaidl.idl\";\ntypedef long T{i};\n"),
            )
        })
        .collect();
    let panicked = AtomicBool::new(false);
    let got = Mutex::new(vec![0; inputs.len()]);
    load_each(&inputs, &Options::new(), |index, model| {
        if index == 3 && !panicked.swap(true, Ordering::SeqCst) {
            panic!("the caller's callback panics once");
        }
        assert!(model.is_ok());
        got.lock().unwrap_or_else(|e| e.into_inner())[index] += 1;
    });
    assert_eq!(got.into_inner().expect("lock"), vec![1; inputs.len()]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// An input that does not parse: every IDL input gets the error one load of them all gives; a
/// type library among them is loaded alone.
#[test]
fn load_each_gives_a_parse_error_to_every_idl_input() {
    let (dir, write) = scratch("load-each");
    let tlb = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/certif/certcli.tlb");
    let inputs = [
        write("good.idl", "typedef long GOOD;\n"),
        write("bad.idl", "typedef long;\n"),
        tlb.clone(),
        write("other.idl", "typedef short OTHER;\n"),
    ];
    let idl: Vec<&PathBuf> = inputs.iter().filter(|p| **p != tlb).collect();
    let expected = format!(
        "{}",
        crate::load(idl, &Options::new()).expect_err("bad.idl")
    );
    let got = Mutex::new(Vec::new());
    load_each(&inputs, &Options::new(), |index, model| {
        got.lock().expect("lock").push((index, by_path(&model)));
    });
    let mut got = got.into_inner().expect("lock");
    got.sort();
    let tlb_model = by_path(&crate::load([&tlb], &Options::new()).map(|l| l.model));
    assert_eq!(
        got,
        [
            (0, expected.clone()),
            (1, expected.clone()),
            (2, tlb_model),
            (3, expected)
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn work_pieces_set_heavy_inputs_apart_heaviest_first() {
    use super::work_pieces;
    // Total 40, 2 threads: a share is 20, heavy above 2, light pieces of 1+ (share/16 = 1).
    let pieces = work_pieces(&[1, 1, 1, 30, 1, 1, 5], 2);
    assert_eq!(pieces[0], [3], "the heaviest input first, alone");
    assert_eq!(pieces[1], [6]);
    let mut all: Vec<usize> = pieces.concat();
    all.sort_unstable();
    assert_eq!(
        all,
        [0, 1, 2, 3, 4, 5, 6],
        "every input in exactly one piece"
    );
    // Many light inputs: pieces of consecutive inputs, about a sixteenth of a share each.
    let pieces = work_pieces(&[1; 64], 2);
    assert_eq!(pieces.len(), 32);
    assert!(pieces.iter().all(|p| p.len() == 2 && p[1] == p[0] + 1));
    // Empty files, one thread, nothing at all.
    assert_eq!(work_pieces(&[0, 0, 0], 1).concat().len(), 3);
    assert_eq!(work_pieces(&[7], 1), [vec![0]]);
    assert!(work_pieces(&[], 4).is_empty());
}
