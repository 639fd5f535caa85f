//! Many inputs, each its own model: [`load_each`].

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diag::Result;
use crate::idl::{self, Parsed};
use crate::load::Input;
use crate::model::shared::{Shared, Task};
use crate::model::{Model, STACK_SIZE};

/// Reads, preprocesses, parses and resolves each of `inputs` into a model of its own, the same
/// model [`load`](crate::load) gives for that input alone; hands each to `each` with the
/// input's index as soon as it is made (on one of several threads, in no set order), so that
/// the models need not all be held at once.
///
/// Much less work than one [`load`](crate::load) per input: the IDL inputs are read and parsed
/// together (every file once), and the imports they begin with alike are resolved once and
/// shared. If reading or parsing them fails, every IDL input gets that error (as one `load` of
/// them all would fail); load such an input alone to tell which. A type library input is
/// loaded alone.
///
/// ```
/// use std::sync::Mutex;
/// let inputs = [
///     idlgen::Input::idl_text("a.idl", "import \"oaidl.idl\"; typedef long A;"),
///     idlgen::Input::idl_text("b.idl", "import \"oaidl.idl\"; typedef short B;"),
/// ];
/// let names = Mutex::new(Vec::new());
/// idlgen::load_each(&inputs, &idlgen::Options::new(), |index, model| {
///     let model = model.expect("resolves");
///     let own: Vec<String> = model.root_items().map(|(_, item)| item.name.clone()).collect();
///     names.lock().unwrap().push((index, own));
/// });
/// let mut names = names.into_inner().unwrap();
/// names.sort();
/// assert_eq!(names, [(0, vec!["A".to_string()]), (1, vec!["B".to_string()])]);
/// ```
pub fn load_each<I>(inputs: I, opts: &crate::Options, each: impl Fn(usize, Result<Model>) + Sync)
where
    I: IntoIterator,
    I::Item: Into<Input>,
{
    let inputs: Vec<Input> = inputs.into_iter().map(Into::into).collect();
    let search = match opts.search() {
        Ok(s) => s,
        Err(e) => return fail_all(inputs.len(), &e, &each),
    };
    let mut idl_inputs = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        if input.is_type_library() {
            each(
                index,
                crate::load::load_type_library(input, opts, &search).map(|l| l.model),
            );
        } else {
            idl_inputs.push(index);
        }
    }
    let files: Option<Vec<PathBuf>> = idl_inputs
        .iter()
        .map(|&i| (!inputs[i].is_text()).then(|| inputs[i].path().to_path_buf()))
        .collect();
    match files {
        Some(files) => {
            crate::model::each::load_each(&files, &search, |k, m| each(idl_inputs[k], m))
        }
        None => {
            let chosen: Vec<Input> = idl_inputs.iter().map(|&i| inputs[i].clone()).collect();
            let sources = crate::load::idl_sources(&chosen);
            let parsed = on_stack(|| idl::load_inputs(&sources, &search, false));
            match parsed {
                Ok(p) => {
                    let shared = Shared::new(
                        &p,
                        p.roots
                            .iter()
                            .copied()
                            .enumerate()
                            .map(|(k, r)| (idl_inputs[k], r))
                            .collect(),
                    );
                    on_stack(|| shared.run_all(shared.start(), &mut |i, m| each(i, m)));
                }
                Err(e) => {
                    for &i in &idl_inputs {
                        each(i, Err(e.clone()));
                    }
                }
            }
        }
    }
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn on_threads(n: usize, f: impl Fn(usize) + Sync) {
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = (0..n)
            .filter_map(|k| {
                std::thread::Builder::new()
                    .stack_size(STACK_SIZE)
                    .spawn_scoped(scope, move || f(k))
                    .ok()
            })
            .collect();
        for h in handles {
            let _ = h.join();
        }
    });
}

fn fail_all(n: usize, e: &crate::Error, each: &(impl Fn(usize, Result<Model>) + Sync)) {
    for i in 0..n {
        each(i, Err(e.clone()));
    }
}

/// Variants:
/// 0 current: Staged + Ahead + Work queue (model::each::load_each)
/// 7 current pieces in two stages: ahead parse, then the Work queue (model::each::resolve_each)
/// 1 sequential parse + sequential resolve (one thread)
/// 2 scope over input chunks, each the whole pipeline
/// 3 sequential parse + scope over input chunks (per-thread trees)
/// 4 ahead parse + scope over input chunks
/// 5 sequential parse + BFS-expanded tasks over threads (one tree)
/// 6 ahead parse + BFS tasks
#[doc(hidden)]
pub fn experiment(
    variant: u8,
    inputs: &[PathBuf],
    opts: &crate::Options,
    each: impl Fn(usize, Result<Model>) + Sync,
) {
    let Ok(search) = opts.search() else { return };
    let opts = &search;
    let n = threads();
    match variant {
        0 => crate::model::each::load_each(inputs, opts, each),
        7 => {
            let parsed = idl::load_files(inputs, opts);
            match parsed {
                Ok(p) => crate::model::each::resolve_each(&p, &p.roots, each),
                Err(e) => fail_all(inputs.len(), &e, &each),
            }
        }
        1 => on_threads(1, |_| match idl::load_inputs(&srcs(inputs), opts, false) {
            Ok(p) => resolve_seq(&p, (0..p.roots.len()).collect(), &each),
            Err(e) => fail_all(inputs.len(), &e, &each),
        }),
        2 => {
            let chunk = inputs.len().div_ceil(n).max(1);
            on_threads(n, |k| {
                let lo = (k * chunk).min(inputs.len());
                let hi = ((k + 1) * chunk).min(inputs.len());
                let mine = &inputs[lo..hi];
                if mine.is_empty() {
                    return;
                }
                match idl::load_inputs(&srcs(mine), opts, false) {
                    Ok(p) => {
                        let shared = Shared::new(
                            &p,
                            p.roots
                                .iter()
                                .copied()
                                .enumerate()
                                .map(|(i, r)| (lo + i, r))
                                .collect(),
                        );
                        shared.run_all(shared.start(), &mut |i, m| each(i, m));
                    }
                    Err(e) => fail_all(inputs.len(), &e, &each),
                }
            });
        }
        3 | 4 => {
            let parsed = on_stack(|| idl::load_inputs(&srcs(inputs), opts, variant == 4));
            match parsed {
                Ok(p) => {
                    let chunk = p.roots.len().div_ceil(n).max(1);
                    on_threads(n, |k| {
                        let lo = (k * chunk).min(p.roots.len());
                        let hi = ((k + 1) * chunk).min(p.roots.len());
                        resolve_here(&p, (lo..hi).collect(), &each);
                    });
                }
                Err(e) => fail_all(inputs.len(), &e, &each),
            }
        }
        _ => {
            let parsed = on_stack(|| idl::load_inputs(&srcs(inputs), opts, variant == 6));
            match parsed {
                Ok(p) => {
                    let shared = Shared::new(&p, p.roots.iter().copied().enumerate().collect());
                    let mut queue: std::collections::VecDeque<Task> = shared.start().into();
                    let target = 4 * n;
                    // Expand breadth first on this thread until there is work for every thread.
                    let mut spins = 0;
                    while queue.len() < target && spins < 64 {
                        spins += 1;
                        let Some(pos) = queue.iter().position(|t| matches!(t, Task::Node(..)))
                        else {
                            break;
                        };
                        let Some(task) = queue.remove(pos) else { break };
                        let below = on_stack_mut(|| shared.run(task, &mut |i, m| each(i, m)));
                        queue.extend(below);
                    }
                    let tasks: Vec<std::sync::Mutex<Option<Task>>> = queue
                        .into_iter()
                        .map(|t| std::sync::Mutex::new(Some(t)))
                        .collect();
                    let next = AtomicUsize::new(0);
                    on_threads(n, |_| {
                        while let Some(slot) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) {
                            if let Some(t) = slot.lock().ok().and_then(|mut s| s.take()) {
                                shared.run_all(vec![t], &mut |i, m| each(i, m));
                            }
                        }
                    });
                }
                Err(e) => fail_all(inputs.len(), &e, &each),
            }
        }
    }
}

fn on_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn_scoped(s, f)
            .expect("spawn")
            .join()
            .expect("join")
    })
}

fn on_stack_mut<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    on_stack(f)
}

fn resolve_seq(p: &Parsed, roots: Vec<usize>, each: &(impl Fn(usize, Result<Model>) + Sync)) {
    resolve_here(p, roots, each);
}

fn resolve_here(p: &Parsed, roots: Vec<usize>, each: &(impl Fn(usize, Result<Model>) + Sync)) {
    if roots.is_empty() {
        return;
    }
    let shared = Shared::new(p, roots.iter().map(|&i| (i, p.roots[i])).collect());
    shared.run_all(shared.start(), &mut |i, m| each(i, m));
}

fn srcs(p: &[PathBuf]) -> Vec<idl::Source<'_>> {
    p.iter().map(|p| idl::Source::File(p)).collect()
}
