//! A helper thread that preprocesses and parses inputs ahead of the thread that loads them in
//! order (see [`idl::Prefetch`] for why the result is the same as without it).
//!
//! The helper takes the inputs the largest first. The loading thread, when it comes to an input
//! the helper is still on, does later inputs ahead itself rather than wait; an input nobody has
//! started by then it loads in order, as without a helper.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::diag::FileId;
use crate::idl::{self, Early};

pub(super) struct Ahead<'o> {
    opts: &'o idl::Options,
    slots: Mutex<Vec<Slot>>,
    done: Condvar,
    /// Input slots in the order the helper takes them: the largest first.
    by_size: Vec<usize>,
    /// The slot of each input's id.
    slot_of: HashMap<FileId, usize>,
}

enum Slot {
    /// Not started: the input's id, path and text.
    Free(FileId, PathBuf, String),
    /// Being preprocessed and parsed ahead.
    Busy,
    /// Done ahead (`None`: not usable ahead, to be loaded in order).
    Done(Option<Box<Early>>),
    /// Taken, or left to be loaded in order.
    Gone,
}

impl<'o> Ahead<'o> {
    /// `inputs`: each input's id, path and text ([`idl::Loading::inputs`]).
    pub(super) fn new(opts: &'o idl::Options, inputs: Vec<(FileId, PathBuf, String)>) -> Ahead<'o> {
        let mut slot_of = HashMap::new();
        let mut slots = Vec::new();
        for (id, path, text) in inputs {
            slot_of.insert(id, slots.len());
            slots.push(Slot::Free(id, path, text));
        }
        let size = |k: usize| match &slots[k] {
            Slot::Free(_, _, text) => text.len(),
            _ => 0,
        };
        let mut by_size: Vec<usize> = (0..slots.len()).collect();
        by_size.sort_by_key(|&k| std::cmp::Reverse(size(k)));
        Ahead {
            opts,
            slots: Mutex::new(slots),
            done: Condvar::new(),
            by_size,
            slot_of,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Slot>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Claims slot `k` if it is free.
    fn claim(slots: &mut [Slot], k: usize) -> Option<(FileId, PathBuf, String)> {
        match std::mem::replace(&mut slots[k], Slot::Busy) {
            Slot::Free(id, path, text) => Some((id, path, text)),
            other => {
                slots[k] = other;
                None
            }
        }
    }

    /// Does the claimed input `k` ahead and records the result.
    fn work(&self, k: usize, (id, path, text): (FileId, PathBuf, String)) {
        // A panic here would leave the slot busy for ever: the input is then loaded in order
        // (where the panic, if it happens again, is reported as usual).
        let early = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            idl::parse_ahead(self.opts, id, &path, text)
        }))
        .ok()
        .flatten()
        .map(Box::new);
        self.lock()[k] = Slot::Done(early);
        self.done.notify_all();
    }

    /// The helper thread: inputs the largest first, until none is free.
    pub(super) fn help(&self) {
        for &k in &self.by_size {
            let claimed = Ahead::claim(&mut self.lock(), k);
            if let Some(job) = claimed {
                self.work(k, job);
            }
        }
    }

    /// Leaves every input not yet started to be loaded in order (the helper then stops).
    pub(super) fn stop(&self) {
        for slot in self.lock().iter_mut() {
            if matches!(slot, Slot::Free(..)) {
                *slot = Slot::Gone;
            }
        }
    }
}

impl idl::Prefetch for Ahead<'_> {
    /// While the helper is on `id`, this thread does later inputs ahead rather than wait.
    fn take(&self, id: FileId) -> Option<Early> {
        let &k = self.slot_of.get(&id)?;
        let mut slots = self.lock();
        loop {
            match std::mem::replace(&mut slots[k], Slot::Gone) {
                Slot::Done(early) => return early.map(|e| *e),
                Slot::Free(..) | Slot::Gone => return None,
                Slot::Busy => {
                    slots[k] = Slot::Busy;
                    // The next free input in order (this one may have come in early, as an
                    // import of an earlier input).
                    let next = (0..slots.len())
                        .find_map(|j| Ahead::claim(&mut slots, j).map(|job| (j, job)));
                    match next {
                        Some((j, job)) => {
                            drop(slots);
                            self.work(j, job);
                            slots = self.lock();
                        }
                        None => slots = self.done.wait(slots).unwrap_or_else(|e| e.into_inner()),
                    }
                }
            }
        }
    }
}
