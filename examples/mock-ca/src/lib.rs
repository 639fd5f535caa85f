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

use certif::{ICertServerExit, ICertServerPolicy};
use idlgen_runtime::{ApartmentThreaded, ClassObject, IUnknown, IntoCom, Result, into_unknown};

/// `CCertServerExit`: a mock CA seen through ICertServerExit.
pub struct ServerExit(MockCa);

impl ClassObject for ServerExit {
    type Class = certcli::CCertServerExit;
    type Threading = ApartmentThreaded;
    const PROG_ID: &'static str = "CertificateAuthority.ServerExit";
    fn new() -> Result<Self> {
        Ok(ServerExit(MockCa::new()))
    }
    fn into_unknown(self) -> IUnknown {
        into_unknown(self.0.into_com::<ICertServerExit>())
    }
}

/// `CCertServerPolicy`: a mock CA seen through ICertServerPolicy.
pub struct ServerPolicy(MockCa);

impl ClassObject for ServerPolicy {
    type Class = certcli::CCertServerPolicy;
    type Threading = ApartmentThreaded;
    const PROG_ID: &'static str = "CertificateAuthority.ServerPolicy";
    fn new() -> Result<Self> {
        Ok(ServerPolicy(MockCa::new()))
    }
    fn into_unknown(self) -> IUnknown {
        into_unknown(self.0.into_com::<ICertServerPolicy>())
    }
}

idlgen_runtime::com_server!(ServerExit, ServerPolicy);
