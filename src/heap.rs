//! The command line's allocator: the system's (glibc's malloc), or mimalloc for a run over a
//! directory.
//!
//! A run over many inputs allocates and frees on several threads at once. There glibc's
//! per-thread arenas spent a quarter of all instructions in malloc and free; with mimalloc's
//! thread-local heaps Wine's 232 files take 11.2G instructions instead of 12.9G, and 0.3K page
//! faults instead of 31K (see `use_mimalloc`). One input is the other case:
//! mimalloc's start (its first arena and pages) costs more than a short run saves (hstring.idl
//! 2.2 -> 4 ms), and `idlgen::tune_heap_for_one_run` readies glibc's heap for huge pages. So
//! the process starts on the system's allocator and turns to mimalloc once, before its work
//! threads start ([`use_mimalloc`]). A block is resized and freed by the allocator that made
//! it: mimalloc tells its own blocks by their address. (mimalloc still starts with the process,
//! reading its options from the environment: ~0.13M instructions, 2% of a small file's run.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use libmimalloc_sys as mi;

/// The process's allocator (see the module's comment).
pub struct Heap;

/// New blocks come from mimalloc ([`use_mimalloc`] was called).
static MIMALLOC: AtomicBool = AtomicBool::new(false);

/// From now on, new blocks come from mimalloc. Called before the threads that do the work
/// start (which see it from their start on); blocks made before keep their allocator.
pub fn use_mimalloc() {
    /// `mi_option_purge_delay` (mimalloc.h, 2.x): how long freed pages wait before they go
    /// back to the system; -1: never, as glibc's heap is kept (`idlgen::tune_heap_for_one_run`).
    /// The run is short, and each page given back faults in again when the next input needs
    /// it (Wine's 232 files: 4K page faults and a fifth more system time with the default).
    const PURGE_DELAY: mi::mi_option_t = 15;
    // SAFETY: sets one of mimalloc's options, a value it reads when it next decides to purge;
    // no block has been taken from it yet.
    unsafe { mi::mi_option_set(PURGE_DELAY, -1) };
    MIMALLOC.store(true, Ordering::Relaxed);
}

fn mimalloc() -> bool {
    MIMALLOC.load(Ordering::Relaxed)
}

/// Whether mimalloc made the block at `ptr` (none did before [`use_mimalloc`]).
fn made_by_mimalloc(ptr: *mut u8) -> bool {
    // SAFETY: `mi_is_in_heap_region` reads mimalloc's own map of its memory for the address;
    // it neither reads nor writes the block.
    mimalloc() && unsafe { mi::mi_is_in_heap_region(ptr.cast_const().cast()) }
}

// SAFETY: each call goes to one allocator, whose own contract is the caller's; a block is
// resized and freed by the allocator that made it (`made_by_mimalloc`).
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract (`layout` of non-zero size), passed on.
        unsafe {
            match mimalloc() {
                true => mi::mi_malloc_aligned(layout.size(), layout.align()).cast(),
                false => System.alloc(layout),
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe {
            match mimalloc() {
                true => mi::mi_zalloc_aligned(layout.size(), layout.align()).cast(),
                false => System.alloc_zeroed(layout),
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` is a block of this allocator with `layout` (the caller's contract),
        // freed by the allocator that made it.
        unsafe {
            match made_by_mimalloc(ptr) {
                true => mi::mi_free(ptr.cast()),
                false => System.dealloc(ptr, layout),
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; the block stays with the allocator that made it.
        unsafe {
            match made_by_mimalloc(ptr) {
                true => mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast(),
                false => System.realloc(ptr, layout, new_size),
            }
        }
    }
}
