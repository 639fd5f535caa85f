//! Many inputs, each its own model: [`resolve_each`] over files already parsed together, and
//! [`load_each`], which also reads and parses them.
//!
//! An input's model holds everything its imports reach, so inputs that import the same files
//! would resolve those again and again. Instead, the files an input's leading imports reach are
//! resolved in steps (see `resolve::leading_steps`), the inputs' steps make a tree whose nodes
//! are the distinct beginnings (`StepTree`), and walking the tree resolves each beginning once,
//! copying the state (cheaply: items are shared, see [`Model`]) only where the tree branches.
//! The branches are shared out over the machine's cores (`Work`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};

use super::Model;
use super::resolve::{
    Resolver, STACK_SIZE, State, file_map, leading_steps, resolve_after_imports, resolve_from,
    resolve_parts,
};
use crate::diag::{FileId, Result};
use crate::idl::{self, Options, Parsed, ast};

/// At most this many threads work at once.
const MAX_THREADS: usize = 8;

fn threads_for(jobs: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(jobs.max(1))
}

/// A model for each of `roots`, each the same as [`resolve_from`]`(parsed, &[root])` gives,
/// handed to `each` with the root's index in `roots` as soon as it is made (on one of several
/// threads, in no set order), so that the models need not all be held at once. Made with much
/// less work than one [`resolve_from`] per root (see the module's documentation).
pub fn resolve_each(parsed: &Parsed, roots: &[FileId], each: impl Fn(usize, Result<Model>) + Sync) {
    let delivered = flags(roots.len());
    let ctx = Ctx::new(parsed, None, roots.iter().copied().enumerate().collect());
    let work = Work::new(&delivered, 0);
    work.start(&ctx);
    let threads = threads_for(roots.len());
    std::thread::scope(|scope| {
        let (work, each) = (&work, &each);
        // A thread that cannot start leaves its share to the others (or to the end); one that
        // panics, what it had (joined here, so that the panic goes no further).
        let handles: Vec<_> = (0..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("idlgen-resolve".to_string())
                    .stack_size(STACK_SIZE)
                    .spawn_scoped(scope, move || work.run(each))
                    .ok()
            })
            .collect();
        for handle in handles {
            let _ = handle.join();
        }
    });
    // Whatever no thread delivered (none could start, or one panicked) is resolved alone.
    for (index, d) in delivered.iter().enumerate() {
        if !d.load(Ordering::Acquire) {
            each(index, resolve_from(parsed, &roots[index..=index]));
        }
    }
}

/// Reads, preprocesses, parses and resolves each of `inputs` into a model of its own, the same
/// as [`resolve_from`] gives for it after [`idl::load_files`]`(inputs, opts)`; hands each to
/// `each` with the input's index as soon as it is made (on one of several threads, in no set
/// order), once every input is loaded. If loading fails, every input gets that error, as
/// [`idl::load_files`] fails.
///
/// Parsed as [`idl::load_files`] parses (every file once; a helper thread parses the largest
/// inputs ahead), then resolved as [`resolve_each`] resolves; but an input the helper is still
/// parsing when everything else is loaded is left for later, so that the rest is resolved
/// meanwhile, and then resolved with what it imports from the rest (its model's files are the
/// same, its list of all files read, [`Model::files`], is longer). The files parsed are freed
/// on two threads at the end.
pub fn load_each(inputs: &[PathBuf], opts: &Options, each: impl Fn(usize, Result<Model>) + Sync) {
    let delivered = flags(inputs.len());
    let staged = match idl::Staged::new(inputs, opts) {
        Ok(s) => s,
        Err(e) => {
            for index in 0..inputs.len() {
                each(index, Err(e.clone()));
            }
            return;
        }
    };
    let roots: Vec<FileId> = staged.roots().to_vec();
    let ahead = (threads_for(inputs.len()) >= 2)
        .then(|| staged.ahead(opts))
        .flatten();
    let parts: [OnceLock<Parsed>; 2] = [OnceLock::new(), OnceLock::new()];
    // The first part's outcome (loaded or not), for the thread that loads the rest.
    let first_done: (Mutex<Option<bool>>, Condvar) = (Mutex::new(None), Condvar::new());
    let staged = Mutex::new(Some(staged));
    {
        let ctxs: [OnceLock<Ctx<'_>>; 2] = [OnceLock::new(), OnceLock::new()];
        // Models made before the second part is loaded are held until it is: whether it loads
        // must not depend on which inputs happened to be in the first part.
        let work = Work::new(&delivered, 2).holding();
        let (work, ahead, parts, ctxs, roots) = (&work, &ahead, &parts, &ctxs, &roots[..]);
        let (staged, first_done, each) = (&staged, &first_done, &each);
        // The inputs of a part, with their indices.
        let part_inputs = |part: &Parsed| -> Vec<(usize, FileId)> {
            let set: std::collections::HashSet<FileId> = part.roots.iter().copied().collect();
            (roots.iter().copied().enumerate())
                .filter(|(_, r)| set.contains(r))
                .collect()
        };
        let load_rest = move || {
            let _loaded = Loaded(work);
            let mut ok = first_done.0.lock().unwrap_or_else(|e| e.into_inner());
            while ok.is_none() {
                ok = first_done.1.wait(ok).unwrap_or_else(|e| e.into_inner());
            }
            if *ok != Some(true) {
                return;
            }
            drop(ok);
            let rest = staged.lock().unwrap_or_else(|e| e.into_inner()).take();
            match rest.and_then(idl::Staged::load_rest) {
                None => work.release(),
                Some(Ok(p)) => {
                    let p = parts[1].get_or_init(|| p);
                    let ctx = ctxs[1].get_or_init(|| Ctx::new(p, parts[0].get(), part_inputs(p)));
                    work.start(ctx);
                    work.release();
                }
                Some(Err(e)) => work.fail(&e, each),
            }
        };
        std::thread::scope(|scope| {
            let helper = ahead.as_ref().and_then(|ahead| {
                std::thread::Builder::new()
                    .name("idlgen-idl-ahead".to_string())
                    .stack_size(STACK_SIZE)
                    .spawn_scoped(scope, move || {
                        ahead.help();
                        load_rest();
                        work.run(each);
                    })
                    .ok()
            });
            let helped = helper.is_some();
            let main = move || {
                {
                    let _loaded = Loaded(work);
                    // Says the first part failed if it ends without saying (a panic).
                    let _said = FirstDone(first_done);
                    let first = staged
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .as_mut()
                        .map(|s| s.load_first(if helped { ahead.as_ref() } else { None }));
                    if let Some(ahead) = ahead {
                        ahead.stop();
                    }
                    let ok = match first {
                        Some(Ok(p)) => {
                            let p = parts[0].get_or_init(|| p);
                            work.start(ctxs[0].get_or_init(|| Ctx::new(p, None, part_inputs(p))));
                            true
                        }
                        Some(Err(e)) => {
                            work.fail(&e, each);
                            false
                        }
                        None => false,
                    };
                    FirstDone::say(first_done, ok);
                }
                if !helped {
                    load_rest();
                }
                work.run(each);
            };
            let main = std::thread::Builder::new()
                .name("idlgen-idl".to_string())
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, main)
                .inspect_err(|_| {
                    // Nothing loaded: the helper must not wait for it (the inputs are loaded
                    // alone at the end).
                    FirstDone::say(first_done, false);
                    drop(Loaded(work));
                })
                .ok();
            // Joined here, so that a panic goes no further: what the thread had is loaded alone.
            for handle in [helper, main].into_iter().flatten() {
                let _ = handle.join();
            }
        });
    }
    let [first, rest] = parts;
    free_in_parallel(
        [first.into_inner(), rest.into_inner()]
            .into_iter()
            .flatten()
            .collect(),
    );
    // Whatever no thread delivered (none could start, or one panicked) is loaded alone.
    for (index, d) in delivered.iter().enumerate() {
        if !d.load(Ordering::Acquire) {
            each(index, load_alone(&inputs[index], opts));
        }
    }
}

fn load_alone(input: &Path, opts: &Options) -> Result<Model> {
    let parsed = idl::load_files(&[input.to_path_buf()], opts)?;
    resolve_from(&parsed, &parsed.roots)
}

/// Frees each of `parsed` on a thread of its own, as they were mostly allocated by different
/// threads: the threads then free into different allocator arenas and do not contend (freeing
/// one thread's syntax trees from two threads gains nothing).
fn free_in_parallel(parsed: Vec<Parsed>) {
    if parsed.len() < 2 {
        return;
    }
    std::thread::scope(|scope| {
        for p in parsed {
            let _ = std::thread::Builder::new()
                .name("idlgen-free".to_string())
                .spawn_scoped(scope, move || drop(p));
        }
    });
}

/// What one walk of a [`StepTree`] needs: the files parsed together, and which inputs they are.
struct Ctx<'p> {
    parsed: &'p Parsed,
    files: HashMap<FileId, &'p ast::File>,
    tree: StepTree,
    /// Each input's index (as the caller numbers the inputs) and file.
    inputs: Vec<(usize, FileId)>,
}

impl<'p> Ctx<'p> {
    /// `earlier`: files parsed before `parsed`, in the same numbering, that its inputs may
    /// import (see [`idl::Staged`]).
    fn new(
        parsed: &'p Parsed,
        earlier: Option<&'p Parsed>,
        inputs: Vec<(usize, FileId)>,
    ) -> Ctx<'p> {
        let mut files = file_map(parsed);
        if let Some(earlier) = earlier {
            files.extend(file_map(earlier));
        }
        let tree = StepTree::new(&files, inputs.iter().map(|&(_, id)| id));
        Ctx {
            parsed,
            files,
            tree,
            inputs,
        }
    }

    /// Input `m`'s index and model, resolved alone.
    fn alone(&self, m: usize) -> Option<(usize, Result<Model>)> {
        let &(index, root) = self.inputs.get(m)?;
        Some((
            index,
            resolve_parts(&self.parsed.sources, &self.files, &[root], &[]),
        ))
    }
}

/// The inputs' leading steps as a tree: a node for each distinct beginning, its step the file
/// resolved last; an input sits at the node of all its steps.
struct StepTree {
    nodes: Vec<StepNode>,
    /// Inputs resolved alone, with [`resolve_from`] (their imports nest too deep to flatten).
    alone: Vec<usize>,
}

#[derive(Default)]
struct StepNode {
    /// The file this node resolves (none at the top: nothing resolved yet).
    step: Option<FileId>,
    children: Vec<usize>,
    /// Inputs (indices into [`Ctx::inputs`]) whose leading steps end here.
    members: Vec<usize>,
}

impl StepTree {
    const TOP: usize = 0;

    fn new(files: &HashMap<FileId, &ast::File>, roots: impl Iterator<Item = FileId>) -> StepTree {
        let mut tree = StepTree {
            nodes: vec![StepNode::default()],
            alone: Vec::new(),
        };
        let mut child_of: HashMap<(usize, FileId), usize> = HashMap::new();
        for (m, root) in roots.enumerate() {
            let Some(steps) = leading_steps(files, root) else {
                tree.alone.push(m);
                continue;
            };
            let mut at = StepTree::TOP;
            for step in steps {
                at = *child_of.entry((at, step)).or_insert_with(|| {
                    tree.nodes.push(StepNode {
                        step: Some(step),
                        ..StepNode::default()
                    });
                    let new = tree.nodes.len() - 1;
                    tree.nodes[at].children.push(new);
                    new
                });
            }
            tree.nodes[at].members.push(m);
        }
        tree
    }

    /// Every input at `node` or below it.
    fn members_below(&self, node: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if let Some(node) = self.nodes.get(n) {
                out.extend(&node.members);
                stack.extend(&node.children);
            }
        }
        out
    }
}

/// A piece of work for the threads.
enum Task<'c> {
    /// Resolve the node's step on the state its parent left, then what hangs below it.
    Node(&'c Ctx<'c>, usize, Box<State>),
    /// Resolve this input alone.
    Alone(&'c Ctx<'c>, usize),
}

/// Tasks waiting, shared by the threads: a thread that finds none waits while another is busy
/// or still loading (either may yet leave some), and stops when none is.
struct Work<'c> {
    queue: Mutex<Queue<'c>>,
    ready: Condvar,
    /// Which inputs' models have been handed over.
    delivered: &'c [AtomicBool],
    /// What becomes of a model made (see [`Work::holding`]).
    hand: Mutex<Hand>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hand {
    /// Handed over.
    Over,
    /// Held, each by the thread that made it (in [`HELD`]).
    Held,
    /// Dropped: loading failed, every input got the error.
    Dropped,
}

thread_local! {
    /// The models this thread made while they are held (see [`Work::holding`]): each is handed
    /// over or dropped on the thread that made it, so that its memory goes back to the
    /// allocator arena it came from (freeing from another thread contends with it).
    static HELD: std::cell::RefCell<Vec<(usize, Result<Model>)>> = const {
        std::cell::RefCell::new(Vec::new())
    };
}

fn flags(n: usize) -> Vec<AtomicBool> {
    (0..n).map(|_| AtomicBool::new(false)).collect()
}

struct Queue<'c> {
    tasks: Vec<Task<'c>>,
    /// Threads running a task.
    busy: usize,
    /// Threads still loading files (whose tasks are still to come).
    loading: usize,
}

impl<'c> Work<'c> {
    fn new(delivered: &'c [AtomicBool], loading: usize) -> Work<'c> {
        Work {
            queue: Mutex::new(Queue {
                tasks: Vec::new(),
                busy: 0,
                loading,
            }),
            ready: Condvar::new(),
            delivered,
            hand: Mutex::new(Hand::Over),
        }
    }

    /// Models are held, not handed over, until [`Work::release`] or [`Work::fail`].
    fn holding(self) -> Work<'c> {
        *self.hand_lock() = Hand::Held;
        self
    }

    fn hand_lock(&self) -> MutexGuard<'_, Hand> {
        self.hand.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Models are handed over as they are made, and those held as their threads come to
    /// [`Work::flush`].
    fn release(&self) {
        let mut hand = self.hand_lock();
        if *hand == Hand::Held {
            *hand = Hand::Over;
        }
    }

    /// Gives every input not handed over the error `e`; every model made, held or still to
    /// come, is dropped.
    fn fail(&self, e: &crate::diag::Error, each: &(impl Fn(usize, Result<Model>) + Sync)) {
        *self.hand_lock() = Hand::Dropped;
        for (index, d) in self.delivered.iter().enumerate() {
            if !d.load(Ordering::Acquire) {
                self.hand_over(each, index, Err(e.clone()));
            }
        }
    }

    /// Hands over (or drops) the models this thread holds, once they are no longer held.
    fn flush(&self, each: &(impl Fn(usize, Result<Model>) + Sync)) {
        let hand = *self.hand_lock();
        if hand == Hand::Held {
            return;
        }
        for (index, model) in HELD.with(|held| std::mem::take(&mut *held.borrow_mut())) {
            if hand == Hand::Over {
                self.hand_over(each, index, model);
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Queue<'c>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds the walk of `ctx`'s tree (and its inputs resolved alone).
    fn start(&self, ctx: &'c Ctx<'c>) {
        let mut queue = self.lock();
        let top = Task::Node(
            ctx,
            StepTree::TOP,
            Box::new(State::empty(&ctx.parsed.sources)),
        );
        queue.tasks.push(top);
        queue
            .tasks
            .extend(ctx.tree.alone.iter().map(|&m| Task::Alone(ctx, m)));
        drop(queue);
        self.ready.notify_all();
    }

    /// The next task, once there is one; `None` when none is left, nor can come.
    fn take(&self) -> Option<Task<'c>> {
        let mut queue = self.lock();
        loop {
            if let Some(task) = queue.tasks.pop() {
                queue.busy += 1;
                return Some(task);
            }
            if queue.busy == 0 && queue.loading == 0 {
                return None;
            }
            queue = self.ready.wait(queue).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn give(&self, task: Task<'c>) {
        self.lock().tasks.push(task);
        self.ready.notify_one();
    }

    /// Hands `m` over, holds it (see [`Work::holding`]), or drops it after a failed load.
    fn deliver(
        &self,
        each: &(impl Fn(usize, Result<Model>) + Sync),
        index: usize,
        m: Result<Model>,
    ) {
        let hand = *self.hand_lock();
        match hand {
            Hand::Held => HELD.with(|held| held.borrow_mut().push((index, m))),
            Hand::Dropped => {}
            Hand::Over => self.hand_over(each, index, m),
        }
    }

    fn hand_over(
        &self,
        each: &(impl Fn(usize, Result<Model>) + Sync),
        index: usize,
        m: Result<Model>,
    ) {
        each(index, m);
        if let Some(d) = self.delivered.get(index) {
            d.store(true, Ordering::Release);
        }
    }

    /// Runs tasks until none is left.
    fn run(&self, each: &(impl Fn(usize, Result<Model>) + Sync)) {
        while let Some(task) = {
            self.flush(each);
            self.take()
        } {
            let _busy = Busy(self);
            match task {
                Task::Node(ctx, node, state) => self.node(ctx, node, *state, each),
                Task::Alone(ctx, m) => {
                    if let Some((index, model)) = ctx.alone(m) {
                        self.deliver(each, index, model);
                    }
                }
            }
        }
        // Loading is over: nothing is held any more.
        self.flush(each);
    }

    /// Resolves `node`'s step on `state`, then its inputs, then its children: all but the first
    /// left to any thread, the first (and so on down) on this one.
    fn node(
        &self,
        ctx: &'c Ctx<'c>,
        mut node: usize,
        state: State,
        each: &(impl Fn(usize, Result<Model>) + Sync),
    ) {
        let sources = &ctx.parsed.sources;
        let mut r = Resolver::new(sources, &ctx.files, state);
        loop {
            let Some(n) = ctx.tree.nodes.get(node) else {
                return;
            };
            if let Some(step) = n.step
                && r.rest(step, true).is_err()
            {
                // The inputs' own error: each is resolved alone to report it.
                for m in ctx.tree.members_below(node) {
                    if let Some((index, model)) = ctx.alone(m) {
                        self.deliver(each, index, model);
                    }
                }
                return;
            }
            // The state is about to be copied: laid out first (see `lay_out_shared`).
            if n.members.len() + n.children.len() > 1 {
                r.lay_out_shared();
            }
            let state = r.into_state();
            for &child in n.children.iter().skip(1) {
                self.give(Task::Node(ctx, child, Box::new(state.clone())));
            }
            let resolve = |m: usize, state: State| {
                if let Some(&(index, root)) = ctx.inputs.get(m) {
                    let model = resolve_after_imports(&ctx.files, sources, root, state);
                    self.deliver(each, index, model);
                }
            };
            let Some(&first) = n.children.first() else {
                // A leaf: the last input takes the state itself.
                if let Some((&last, others)) = n.members.split_last() {
                    for &m in others {
                        resolve(m, state.clone());
                    }
                    resolve(last, state);
                }
                return;
            };
            for &m in &n.members {
                resolve(m, state.clone());
            }
            r = Resolver::new(sources, &ctx.files, state);
            node = first;
        }
    }
}

/// Marks a task done when dropped, also when the task panicked, so that no thread waits for it.
struct Busy<'w, 'c>(&'w Work<'c>);

impl Drop for Busy<'_, '_> {
    fn drop(&mut self) {
        let mut queue = self.0.lock();
        queue.busy = queue.busy.saturating_sub(1);
        if queue.busy == 0 {
            drop(queue);
            self.0.ready.notify_all();
        }
    }
}

/// The first part's outcome, for the thread that loads the rest: said once.
struct FirstDone<'f>(&'f (Mutex<Option<bool>>, Condvar));

impl FirstDone<'_> {
    fn say(done: &(Mutex<Option<bool>>, Condvar), ok: bool) {
        let mut said = done.0.lock().unwrap_or_else(|e| e.into_inner());
        if said.is_none() {
            *said = Some(ok);
        }
        drop(said);
        done.1.notify_all();
    }
}

impl Drop for FirstDone<'_> {
    fn drop(&mut self) {
        FirstDone::say(self.0, false);
    }
}

/// Marks a thread done loading when dropped, also when loading panicked.
struct Loaded<'w, 'c>(&'w Work<'c>);

impl Drop for Loaded<'_, '_> {
    fn drop(&mut self) {
        let mut queue = self.0.lock();
        queue.loading = queue.loading.saturating_sub(1);
        drop(queue);
        self.0.ready.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Wine corpus's stand-alone inputs (not fragments, not WinRT), where installed.
    fn corpus() -> Option<(Vec<PathBuf>, Options)> {
        let dir = PathBuf::from("/usr/include/wine/wine/windows");
        inputs_that_load(std::slice::from_ref(&dir), vec![dir.clone()])
    }

    /// The Windows SDK's um/ and shared/ inputs that load alone (`../shared/winsdk`, or
    /// `IDLGEN_SDK_INCLUDE`), where present.
    fn sdk_corpus() -> Option<(Vec<PathBuf>, Options)> {
        let sdk = match std::env::var_os("IDLGEN_SDK_INCLUDE") {
            Some(dir) => PathBuf::from(dir),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/winsdk/10.0.16299.0"),
        };
        let include = ["um", "shared", "winrt"].map(|d| sdk.join(d)).to_vec();
        inputs_that_load(&include[..2], include.clone())
    }

    /// The .idl files (any letter case) of `dirs` that load and resolve alone with `include`.
    fn inputs_that_load(
        dirs: &[PathBuf],
        include: Vec<PathBuf>,
    ) -> Option<(Vec<PathBuf>, Options)> {
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
        let opts = Options {
            include_dirs: include,
            ..Options::default()
        };
        let inputs: Vec<PathBuf> = inputs
            .into_iter()
            .filter(|i| {
                idl::load_files(std::slice::from_ref(i), &opts)
                    .is_ok_and(|p| crate::model::resolve(&p).is_ok())
            })
            .collect();
        Some((inputs, opts))
    }

    /// A fresh directory for a test's files, and a writer of files into it.
    fn scratch(tag: &str) -> (PathBuf, impl Fn(&str, &str) -> PathBuf) {
        let dir = std::env::temp_dir().join(format!("idlgen-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let at = dir.clone();
        let write = move |name: &str, text: &str| {
            let path = at.join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        (dir, write)
    }

    /// A model as text, its files named by path rather than by id (`load_each` may number
    /// them otherwise than `load_files`), without the list of every file read.
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

    /// `resolve_each` gives every input of the Wine corpus the very model `resolve_from` does;
    /// `load_each` gives each the model `resolve_from` gives it after `load_files` of them all,
    /// whether or not an input was left for the second part (files named by path).
    #[test]
    fn resolve_each_and_load_each_match_resolve_from_on_the_corpus() {
        let Some((inputs, opts)) = corpus() else {
            assert!(std::env::var_os("CI").is_none(), "CI must have libwine-dev");
            println!("SKIPPED: Wine's IDL corpus is not installed");
            return;
        };
        each_matches_resolve_from(&inputs, &opts);
    }

    /// The same on the real Windows SDK, whose inputs start with `cpp_quote`s before their
    /// imports (recorded after them either way: see `leading_imports`).
    #[test]
    fn resolve_each_and_load_each_match_resolve_from_on_the_sdk() {
        let Some((inputs, opts)) = sdk_corpus() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have ../shared/winsdk"
            );
            println!("SKIPPED: no Windows SDK at ../shared/winsdk/10.0.16299.0");
            return;
        };
        each_matches_resolve_from(&inputs, &opts);
    }

    fn each_matches_resolve_from(inputs: &[PathBuf], opts: &Options) {
        assert!(inputs.len() > 100, "{} inputs", inputs.len());
        let whole = idl::load_files(inputs, opts).unwrap();
        let resolved = Mutex::new(vec![None; whole.roots.len()]);
        resolve_each(&whole, &whole.roots, |index, model| {
            resolved.lock().unwrap()[index] = Some(model);
        });
        let loaded = Mutex::new(vec![None; inputs.len()]);
        load_each(inputs, opts, |index, model| {
            loaded.lock().unwrap()[index] = Some(by_path(&model));
        });
        let (resolved, loaded) = (resolved.into_inner().unwrap(), loaded.into_inner().unwrap());
        for (index, (resolved, loaded)) in resolved.into_iter().zip(loaded).enumerate() {
            let name = inputs[index].display();
            let alone = resolve_from(&whole, &whole.roots[index..=index]);
            let resolved = resolved.unwrap_or_else(|| panic!("{name}: not resolved"));
            assert_eq!(format!("{resolved:?}"), format!("{alone:?}"), "{name}");
            let loaded = loaded.unwrap_or_else(|| panic!("{name}: not loaded"));
            assert_eq!(loaded, by_path(&alone), "{name}");
        }
    }

    /// Inputs whose shared leading steps fail each get the error `resolve_from` gives them, and
    /// inputs beside them (sharing some steps, or none) still get their models.
    #[test]
    fn resolve_each_reports_a_failing_shared_step_to_every_input_below_it() {
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
        let parsed = idl::load_files(&inputs, &Options::default()).unwrap();
        let each = Mutex::new(vec![None; parsed.roots.len()]);
        resolve_each(&parsed, &parsed.roots, |index, model| {
            each.lock().unwrap()[index] = Some(format!("{model:?}"));
        });
        let each = each.into_inner().unwrap();
        for (index, &root) in parsed.roots.iter().enumerate() {
            let alone = format!("{:?}", resolve_from(&parsed, &[root]));
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
        std::fs::remove_dir_all(&dir).ok();
    }

    /// A panic in `each` (or in resolving) loses no input: what the thread had is made again
    /// at the end, and the panic goes no further than the thread.
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
        let opts = Options::default();
        let whole = idl::load_files(&inputs, &opts).unwrap();
        for run in 0..2 {
            let panicked = AtomicBool::new(false);
            let got = Mutex::new(vec![0; inputs.len()]);
            let each = |index: usize, model: Result<Model>| {
                if index == 3 && !panicked.swap(true, Ordering::SeqCst) {
                    panic!("the caller's callback panics once");
                }
                assert!(model.is_ok());
                got.lock().unwrap_or_else(|e| e.into_inner())[index] += 1;
            };
            if run == 0 {
                load_each(&inputs, &opts, each);
            } else {
                resolve_each(&whole, &whole.roots, each);
            }
            assert_eq!(
                got.into_inner().unwrap(),
                vec![1; inputs.len()],
                "run {run}"
            );
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    /// An input that does not load: every input gets the error `load_files` reports.
    #[test]
    fn load_each_gives_a_load_error_to_every_input() {
        let (dir, write) = scratch("load-each");
        let inputs = [
            write("good.idl", "typedef long GOOD;\n"),
            write("bad.idl", "typedef long;\n"),
            write("other.idl", "typedef short OTHER;\n"),
        ];
        let opts = Options::default();
        let expected = format!("{}", idl::load_files(&inputs, &opts).unwrap_err());
        let got = Mutex::new(Vec::new());
        load_each(&inputs, &opts, |index, model| {
            got.lock().unwrap().push((index, by_path(&model)));
        });
        let mut got = got.into_inner().unwrap();
        got.sort();
        assert_eq!(
            got,
            (0..3).map(|i| (i, expected.clone())).collect::<Vec<_>>()
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
