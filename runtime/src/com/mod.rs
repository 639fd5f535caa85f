//! The COM types and object support (the `com` feature).

mod activation;
mod bstr;
mod coerce;
mod dispatch;
mod dispatch_shim;
mod dispatch_slots;
mod error;
mod errorinfo;
mod guid;
mod hresult;
mod interop;
mod invoke;
mod object;
#[cfg(windows)]
pub(crate) mod oleaut32;
mod safearray;
mod server;
mod unknown;
mod variant;

pub use activation::*;
pub use bstr::*;
pub use coerce::*;
pub use dispatch::*;
pub use dispatch_shim::*;
pub use dispatch_slots::*;
pub use error::*;
pub use errorinfo::*;
pub use guid::*;
pub use hresult::*;
pub use interop::*;
pub use invoke::*;
pub use object::*;
pub use safearray::*;
pub use server::*;
pub use unknown::*;
pub use variant::*;
