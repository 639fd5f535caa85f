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

use crate::diag::{Diagnostic, Result};

/// The stack the front end and resolution run on.
pub(crate) const STACK_SIZE: usize = 64 << 20;

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
    match spawn(f) {
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
    spawn(f)
}

fn spawn<T: Send>(f: impl FnOnce() -> T + Send) -> std::io::Result<std::thread::Result<T>> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("idlgen".to_string())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || {
                BIG.set(true);
                crate::idl::warm_heap();
                f()
            })?;
        Ok(handle.join())
    })
}
