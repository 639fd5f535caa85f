//! Deep recursion on a stack of its own.
//!
//! The front end and resolution recurse as deep as the input nests. Nesting is limited (256
//! levels of types or expressions, 200 of `#include` and of imports), but a debug build spends
//! several KiB of stack per level, more than a test thread's 2 MiB: they run on a thread with
//! [`STACK_SIZE`] of stack (only the pages touched are committed), so that the depth limits,
//! not the caller's stack, decide how deep input may nest.

use crate::diag::{Diagnostic, Result};

/// The stack the front end and resolution run on.
pub(crate) const STACK_SIZE: usize = 64 << 20;

/// Runs `f` on a thread with [`STACK_SIZE`] of stack; `what` names the work in the error if
/// the thread cannot start, or panics.
pub(crate) fn on_own_stack<T: Send>(what: &str, f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("idlgen".to_string())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || {
                crate::idl::warm_heap();
                f()
            });
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(Diagnostic::bare(format!("internal error: {what} panicked")).into())
            }),
            Err(e) => Err(Diagnostic::bare(format!("cannot start {what}: {e}")).into()),
        }
    })
}
