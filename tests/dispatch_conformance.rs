//! IDispatch conformance of the generated shim (spec/idispatch.md), one test per rule at least,
//! over `fixtures/dispatch/dispatch_test.idl`: a Rust object implements ITester (a dual
//! interface deriving from the dual IShape) through the generated `_Impl` traits, and a
//! late-bound client calls it through the raw `IDispatch` vtable. The cases are in
//! `dispatch_support/conformance.rs`; `dispatch_implement.rs` runs them on the same object
//! behind windows-rs's `#[implement]`. Rules checked over the certif mock CA are in
//! `certif_e2e.rs`; coercion rules C1-C4 in the runtime's `tests/coerce.rs`.
#![deny(warnings)]

#[allow(dead_code)]
mod bindings {
    include!("../fixtures/dispatch/expected/dispatch_test.rs");
}
mod dispatch_support;

include!("dispatch_support/conformance.rs");

/// The object as idlgen's `into_com` makes it.
fn tester() -> IDispatch {
    let t: ITester = Tester::default().into_com();
    t.cast().expect("ITester is dual")
}
