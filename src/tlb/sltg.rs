//! The SLTG type-library format (MIDL /oldtlb, widl --oldtlb): not read yet.
//!
//! Wine's dlls/oleaut32/typelib.c (`ITypeLib2_Constructor_SLTG`) and tools/widl/write_sltg.c
//! describe it. No SLTG file was at hand to test a reader against: the widl installed here (8.0)
//! has no `--oldtlb`, and none of Wine's own type libraries is SLTG. Until one is, an SLTG input
//! is a clear error rather than a guess.

use super::{Input, TypeLib};
use crate::diag::Diagnostic;

/// Reads an SLTG type library.
pub(crate) fn read(input: &Input<'_>) -> Result<TypeLib, Diagnostic> {
    Err(input
        .err(
            0,
            "this is an SLTG type library (MIDL /oldtlb), which idlgen does not read yet",
        )
        .with_note(
            "help: rebuild it as an MSFT type library (MIDL /newtlb, widl -t), or give the IDL",
        ))
}
