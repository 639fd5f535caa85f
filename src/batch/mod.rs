//! Work shared over threads, above the front end and the model: parsing several inputs with a
//! helper thread ([`parse`]), and [`load_each`], many inputs each resolved into a model of its
//! own on every core. Neither the front end nor the model knows about threads; this module
//! hands them work.
//!
//! The scheduling is plain: `load_each` parses every input once (a helper thread parsing inputs
//! ahead: `ahead`), then cuts the inputs into pieces by size (`work_pieces`), which a thread
//! per core takes one after another, heaviest first; a piece's inputs are resolved with the
//! imports they begin with alike resolved once (`model::shared`). `cargo bench --bench
//! parse_corpus` measured parsing everything first against resolution starting while the
//! helper still parsed (a work queue over the tree of shared imports): see the commit that
//! made it. The pieces replaced one run of consecutive inputs per thread, which left one
//! thread with most of Wine's files' work (see `work_pieces`).

mod ahead;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::diag::{FileId, Result};
use crate::idl::{self, Parsed};
use crate::load::Input;
use crate::model::Model;
use crate::model::shared::Shared;
use crate::stack::{STACK_SIZE, on_own_stack};

/// At most this many threads resolve at once.
const MAX_THREADS: usize = 8;

/// Threads for `jobs` pieces of work: the cores there are, at most [`MAX_THREADS`].
fn threads_for(jobs: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(jobs.max(1))
}

/// Reads, preprocesses and parses `inputs` and everything they import: [`idl::load`], with a
/// helper thread parsing inputs ahead when there are several and more than one core.
pub(crate) fn parse(inputs: &[idl::Source<'_>], opts: &idl::Options) -> Result<Parsed> {
    let loading = idl::Loading::new(inputs, opts)?;
    let inputs = loading.inputs();
    if inputs.len() < 2 || threads_for(2) < 2 {
        return loading.finish(None);
    }
    let ahead = ahead::Ahead::new(opts, inputs);
    std::thread::scope(|scope| {
        // Without a helper (it could not start), nothing is ever busy: the loading thread
        // loads every input in order.
        let _helper = std::thread::Builder::new()
            .name("idlgen-ahead".to_string())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || ahead.help());
        let parsed = loading.finish(Some(&ahead));
        ahead.stop();
        parsed
    })
}

/// Reads, preprocesses, parses and resolves each of `inputs` into a model of its own, the same
/// model [`load`](crate::load) gives for that input alone; hands each to `each` with the
/// input's index as soon as it is made (on one of several threads, in no set order), so that
/// the models need not all be held at once.
///
/// Much less work than one [`load`](crate::load) per input: the IDL inputs are read and parsed
/// together (every file once), and the imports they begin with alike are resolved once and
/// shared; the work is spread over the cores. If reading or parsing them fails, every IDL input
/// gets that error (as one `load` of them all would fail): load such an input alone to tell
/// which. A type library input is loaded alone.
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
        Err(e) => {
            for index in 0..inputs.len() {
                each(index, Err(e.clone()));
            }
            return;
        }
    };
    let mut idl_inputs = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        if input.is_type_library() {
            let model = crate::load::load_type_library(input, opts, &search);
            each(index, model.map(|l| l.model));
        } else {
            idl_inputs.push(index);
        }
    }
    let chosen: Vec<Input> = idl_inputs.iter().map(|&i| inputs[i].clone()).collect();
    match parse(&crate::load::idl_sources(&chosen), &search) {
        Ok(parsed) => {
            let roots = idl_inputs.iter().copied().zip(parsed.roots.iter().copied());
            resolve_each(&parsed, roots.collect(), &each);
        }
        Err(e) => {
            for &index in &idl_inputs {
                each(index, Err(e.clone()));
            }
        }
    }
}

/// A model for each of `inputs` (the caller's index of each, and its file in `parsed`), as
/// [`load_each`] hands them over: pieces of the inputs taken by a thread per core.
fn resolve_each(
    parsed: &Parsed,
    inputs: Vec<(usize, FileId)>,
    each: &(impl Fn(usize, Result<Model>) + Sync),
) {
    if inputs.is_empty() {
        return;
    }
    let delivered: Vec<AtomicBool> = inputs.iter().map(|_| AtomicBool::new(false)).collect();
    // Each model is made from the inputs' positions in `inputs`, and handed over by index.
    let deliver = |position: usize, model: Result<Model>| {
        if let Some(&(index, _)) = inputs.get(position) {
            each(index, model);
            delivered[position].store(true, Ordering::Release);
        }
    };
    let positions: Vec<(usize, FileId)> = (inputs.iter().enumerate())
        .map(|(position, &(_, root))| (position, root))
        .collect();
    let weights: Vec<usize> = (positions.iter())
        .map(|&(_, root)| parsed.sources.get(root).map_or(0, |f| f.text.len()))
        .collect();
    let threads = threads_for(positions.len());
    let tasks: Vec<Vec<(usize, FileId)>> = work_pieces(&weights, threads)
        .into_iter()
        .map(|piece| piece.into_iter().map(|i| positions[i]).collect())
        .collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (deliver, tasks, next) = (&deliver, &tasks, &next);
        // Each thread takes the next piece until none is left. A thread that cannot start
        // leaves the pieces to the others; one that panics (in `each`, or a bug), what it had
        // not handed over.
        let handles: Vec<_> = (0..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("idlgen-resolve".to_string())
                    .stack_size(STACK_SIZE)
                    .spawn_scoped(scope, move || {
                        crate::stack::set_batch_thread();
                        while let Some(piece) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) {
                            let shared = Shared::new(parsed, piece.clone());
                            shared.run_all(shared.start(), &mut |p, m| deliver(p, m));
                        }
                    })
                    .ok()
            })
            .collect();
        for handle in handles {
            let _ = handle.join();
        }
    });
    // Whatever no thread handed over is resolved alone.
    for (position, root) in positions {
        if !delivered[position].load(Ordering::Acquire) {
            let _ = on_own_stack("resolution", || {
                let shared = Shared::new(parsed, vec![(position, root)]);
                shared.run_all(shared.start(), &mut |p, m| deliver(p, m));
                Ok(())
            });
        }
    }
}

/// Cuts the inputs into pieces of work for `threads` threads that take the next piece as they
/// become free, heaviest first (`weights`: one per input; the time to resolve and generate an
/// input follows the size of its own text). mshtml.idl alone is a third of the work of Wine's
/// 232 files: runs of consecutive inputs, one per thread, cannot be even. An input heavier
/// than an eighth of a thread's share is a piece of its own; the others go in pieces of
/// consecutive inputs of about a sixteenth of a share (inputs side by side tend to begin with
/// the same imports, which a piece resolves once), so the threads finish within about one such
/// piece of each other.
fn work_pieces(weights: &[usize], threads: usize) -> Vec<Vec<usize>> {
    // Every input weighs at least 1, so that empty files still spread out.
    let weight = |i: usize| weights[i].max(1);
    let share = (0..weights.len()).map(weight).sum::<usize>() / threads.max(1);
    let (heavy, light) = (share / 8, share / 16);
    let mut pieces: Vec<Vec<usize>> = Vec::new();
    let mut piece = Vec::new();
    let mut piece_weight = 0;
    for i in 0..weights.len() {
        if weight(i) > heavy {
            pieces.push(vec![i]);
            continue;
        }
        piece.push(i);
        piece_weight += weight(i);
        if piece_weight >= light {
            pieces.push(std::mem::take(&mut piece));
            piece_weight = 0;
        }
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    // Heaviest first; equal weights in their given order (the same pieces on every run).
    let total = |p: &Vec<usize>| p.iter().map(|&i| weight(i)).sum::<usize>();
    pieces.sort_by_key(|p| (std::cmp::Reverse(total(p)), p.first().copied()));
    pieces
}

#[cfg(test)]
mod tests;
