//! Deep recursion on a stack of its own.
//!
//! The front end and resolution recurse as deep as the input nests. Nesting is limited (256
//! levels of types or expressions, 200 of `#include` and of imports), but a debug build spends
//! several KiB of stack per level, more than a test thread's 2 MiB: they run on a thread with
//! [`STACK_SIZE`] of stack (only the pages touched are committed), so that the depth limits,
//! not the caller's stack, decide how deep input may nest.
//!
//! A thread started here marks itself as one: work already on such a thread runs where it is.
//! The command line runs its whole work on one ([`on_big_stack`]), so that the front end,
//! resolution and the back end share one thread, and the heap memory that one frees the next
//! reuses (each thread has a heap arena of its own in glibc, whose pages cost a fault each
//! the first time they are touched).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::diag::{Diagnostic, Result};

/// The stack the front end and resolution run on.
pub(crate) const STACK_SIZE: usize = 64 << 20;

/// [`tune_heap_for_one_run`] was called: [`on_big_stack`]'s thread readies its heap for huge
/// pages.
static ONE_RUN: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// This thread was started with [`STACK_SIZE`] of stack (by this module).
    static BIG: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` on a thread with [`STACK_SIZE`] of stack (this one, if it is such a thread);
/// `what` names the work in the error if the thread cannot start, or panics.
pub(crate) fn on_own_stack<T: Send>(what: &str, f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    let panicked = || Err(Diagnostic::bare(format!("internal error: {what} panicked")).into());
    if BIG.get() {
        return catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| panicked());
    }
    match spawn(f, false) {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => panicked(),
        Err(e) => Err(Diagnostic::bare(format!("cannot start {what}: {e}")).into()),
    }
}

/// Runs `f` on a thread with the stack the front end needs, where the library's own work then
/// runs without starting threads of its own for it (for a program, such as idlgen's command
/// line, that does all its work at once). An error if the thread cannot start; `Ok(Err(..))`
/// with the panic's payload if `f` panics.
#[doc(hidden)]
pub fn on_big_stack<T: Send>(
    f: impl FnOnce() -> T + Send,
) -> std::io::Result<std::thread::Result<T>> {
    if BIG.get() {
        return Ok(catch_unwind(AssertUnwindSafe(f)));
    }
    spawn(f, ONE_RUN.load(Ordering::Relaxed))
}

/// Tunes the process's heap for a program that makes one model and exits (idlgen's command
/// line with one input), before it calls [`on_big_stack`]: see [`huge_pages`]. Process-wide
/// (glibc's `mallopt`): not for a program that goes on to do other work.
#[doc(hidden)]
pub fn tune_heap_for_one_run() {
    if keep_heap() {
        ONE_RUN.store(true, Ordering::Relaxed);
    }
}

/// Tunes the process's heap for a program that makes many models and exits (idlgen's command
/// line over a directory): the heap keeps what is freed, for the next input to reuse, rather
/// than hand it back and fault it in again (Wine's 232 files: ~37K page faults -> ~31K, a
/// tenth less system time). Process-wide, like [`tune_heap_for_one_run`].
#[doc(hidden)]
pub fn tune_heap_for_batch() {
    keep_heap();
}

/// Keeps freed memory in the heap for the rest of the process, and takes blocks up to 32 MiB
/// from the heap rather than `mmap` (whose blocks go back to the kernel when freed, and fault
/// in again when the next such block is taken). Whether it could (glibc on Linux).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_heap() -> bool {
    use std::ffi::c_int;
    const M_TRIM_THRESHOLD: c_int = -1;
    const M_MMAP_THRESHOLD: c_int = -3;
    // SAFETY: `mallopt` only sets glibc's malloc parameters (an unknown or out-of-range one is
    // refused with 0); these take effect for later calls. The heap is then kept rather than
    // handed back as it shrinks (the process is short-lived), and blocks up to 32 MiB (glibc's
    // largest threshold) come from the heap rather than `mmap`, so that the block `huge_pages`
    // takes does.
    unsafe {
        mallopt(M_TRIM_THRESHOLD, 1 << 30);
        mallopt(M_MMAP_THRESHOLD, 32 << 20);
    }
    true
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_heap() -> bool {
    false
}

/// Readies the heap of a helper thread that is about to allocate a few MB: in a process that
/// makes one model and exits, huge pages ([`huge_pages`]), else [`crate::idl::warm_heap`].
pub(crate) fn ready_heap() {
    if one_run() {
        huge_pages();
    } else {
        crate::idl::warm_heap();
    }
}

thread_local! {
    /// This thread is one of a batch's threads, which keep every core busy between them.
    static BATCH: Cell<bool> = const { Cell::new(false) };
}

/// Marks this thread as one of a batch's (see [`cores_busy`]).
pub(crate) fn set_batch_thread() {
    BATCH.set(true);
}

/// Whether this thread is one of a batch's, which keep the cores busy: work here is not worth
/// spreading over more threads.
pub(crate) fn cores_busy() -> bool {
    BATCH.get()
}

/// Whether this process makes one model and exits ([`tune_heap_for_one_run`]).
pub(crate) fn one_run() -> bool {
    ONE_RUN.load(Ordering::Relaxed)
}

/// Drops `value`; in a process that makes one model and exits ([`tune_heap_for_one_run`]),
/// leaves it to the exit instead, which frees all memory at once rather than block by block
/// (a Wine file's syntax trees are ~10K blocks, 4% of the run).
pub(crate) fn discard<T>(value: T) {
    if ONE_RUN.load(Ordering::Relaxed) {
        std::mem::forget(value);
    } else {
        drop(value);
    }
}

fn spawn<T: Send>(
    f: impl FnOnce() -> T + Send,
    one_run: bool,
) -> std::io::Result<std::thread::Result<T>> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("idlgen".to_string())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || {
                BIG.set(true);
                if one_run {
                    huge_pages();
                } else {
                    crate::idl::warm_heap();
                }
                f()
            })?;
        Ok(handle.join())
    })
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
unsafe extern "C" {
    fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: std::ffi::c_int)
    -> std::ffi::c_int;
    fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
}

/// Readies the start of this thread's heap for transparent huge pages.
///
/// A Wine file with its imports touches 4-6 MB of heap, a page fault per 4 KiB page the first
/// time (~1 µs each, a sixth of the run); a 2 MiB huge page costs one fault, and zeroing it
/// costs less than 512 faults. So a block of [`HUGE_HEAP`] is taken from the thread's fresh heap
/// (after [`tune_heap_for_one_run`], from the heap itself rather than `mmap`), the huge pages
/// wholly inside it are marked `MADV_HUGEPAGE` (where the kernel offers them only on request,
/// as Debian's does; untouched, they cost nothing), and the block is freed: the heap keeps it
/// (the trim threshold) and hands it out again, and the first touch of each 2 MiB part faults
/// in a huge page. Where the kernel has none to give, this changes nothing.
fn huge_pages() {
    /// How much of the heap's start may be huge pages (what a large Wine file touches; beyond
    /// it the heap grows in small pages as before).
    const HUGE_HEAP: usize = 16 << 20;
    const HUGE_PAGE: usize = 2 << 20;
    let block: Vec<u8> = Vec::with_capacity(HUGE_HEAP);
    let at = block.as_ptr() as usize;
    let start = at.next_multiple_of(HUGE_PAGE);
    let end = (at + block.capacity()) & !(HUGE_PAGE - 1);
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if end > start {
        const MADV_HUGEPAGE: std::ffi::c_int = 14;
        // SAFETY: the range lies inside `block`, memory this thread owns and nothing else
        // refers to; `MADV_HUGEPAGE` changes only how the kernel backs it, not its contents
        // (an error, e.g. a kernel without huge pages, leaves it as it was).
        unsafe {
            madvise(start as *mut std::ffi::c_void, end - start, MADV_HUGEPAGE);
        }
    }
    drop(std::hint::black_box(block));
    // The freed block goes back to the heap, which hands its start out first; the part below
    // `start` shares a 2 MiB page with the arena's own header, already touched in small pages,
    // so it can never be a huge page: ~500 small faults (2 MiB) for a Wine file's first
    // allocations. A block that ends at `start` is kept for the run instead (its pages are
    // never touched, so they cost nothing), and the heap hands out the huge pages from there.
    if end > start {
        // glibc puts a block's size word just before it: 16 bytes from one block's start to
        // the next one's data.
        let pad = (start - at).saturating_sub(2 * std::mem::size_of::<usize>());
        std::mem::forget(std::hint::black_box(Vec::<u8>::with_capacity(pad)));
    }
}
