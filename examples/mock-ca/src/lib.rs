//! A mock certification authority served as an in-process COM server: the classes
//! `CCertServerExit` and `CCertServerPolicy` (ProgIDs `CertificateAuthority.ServerExit` and
//! `CertificateAuthority.ServerPolicy`), implemented in Rust through the generated `_Impl`
//! traits, their `IDispatch` answered by the generated shims. `regsvr32 mock_ca.dll` registers
//! it; scripts then `CreateObject("CertificateAuthority.ServerExit")`.
//!
//! The server itself is the `com_server!` invocation below; the rest is the mock CA.

/// The certif.idl bindings, as `idlgen` generates them (the committed golden file).
#[allow(dead_code)]
pub mod certif {
    include!("../../../fixtures/certif/expected/certif.rs");
}

/// The coclasses of certcli.idl (CLSIDs).
pub mod certcli {
    include!("../../../fixtures/certif/expected/certcli.rs");
}

mod mock;

pub use mock::MockCa;

use certcli::{CCertServerExit, CCertServerPolicy};
use certif::{ICertServerExit, ICertServerPolicy};
use idlgen_runtime::IntoCom;

idlgen_runtime::com_server! {
    (CCertServerExit::CLSID, "CertificateAuthority.ServerExit",
        || MockCa::new().into_com::<ICertServerExit>()),
    (CCertServerPolicy::CLSID, "CertificateAuthority.ServerPolicy",
        || MockCa::new().into_com::<ICertServerPolicy>()),
}
