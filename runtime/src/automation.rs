//! The Automation constants that describe members and values: VARTYPEs, `DISPATCH_*` invoke
//! flags and `PARAMFLAG_*` parameter flags. Plain numbers, needed by the generator too (it
//! builds DISPID tables), so they are here without the COM types (the `com` feature).

/// The type tag of a VARIANT.
pub type VARTYPE = u16;

/// Nothing (uninitialized / missing value).
pub const VT_EMPTY: VARTYPE = 0;
/// SQL-style null.
pub const VT_NULL: VARTYPE = 1;
/// `i16` (`iVal`).
pub const VT_I2: VARTYPE = 2;
/// `i32` (`lVal`).
pub const VT_I4: VARTYPE = 3;
/// `f32` (`fltVal`).
pub const VT_R4: VARTYPE = 4;
/// `f64` (`dblVal`).
pub const VT_R8: VARTYPE = 5;
/// Currency: `i64` scaled by 10 000 (`cyVal`).
pub const VT_CY: VARTYPE = 6;
/// OLE date: `f64` days since 1899-12-30 (`date`).
pub const VT_DATE: VARTYPE = 7;
/// A BSTR (`bstrVal`).
pub const VT_BSTR: VARTYPE = 8;
/// An `IDispatch*` (`pdispVal`).
pub const VT_DISPATCH: VARTYPE = 9;
/// An SCODE (`scode`); with `DISP_E_PARAMNOTFOUND` it marks a missing optional argument.
pub const VT_ERROR: VARTYPE = 10;
/// `VARIANT_BOOL` (`boolVal`): -1 true, 0 false.
pub const VT_BOOL: VARTYPE = 11;
/// A VARIANT (only with `VT_BYREF` or in arrays).
pub const VT_VARIANT: VARTYPE = 12;
/// An `IUnknown*` (`punkVal`).
pub const VT_UNKNOWN: VARTYPE = 13;
/// A DECIMAL, overlaying the whole first 16 bytes of the VARIANT.
pub const VT_DECIMAL: VARTYPE = 14;
/// `i8` (`cVal`).
pub const VT_I1: VARTYPE = 16;
/// `u8` (`bVal`).
pub const VT_UI1: VARTYPE = 17;
/// `u16` (`uiVal`).
pub const VT_UI2: VARTYPE = 18;
/// `u32` (`ulVal`).
pub const VT_UI4: VARTYPE = 19;
/// `i64` (`llVal`).
pub const VT_I8: VARTYPE = 20;
/// `u64` (`ullVal`).
pub const VT_UI8: VARTYPE = 21;
/// C `int` (`intVal`).
pub const VT_INT: VARTYPE = 22;
/// C `unsigned int` (`uintVal`).
pub const VT_UINT: VARTYPE = 23;
/// `void` (type descriptions only).
pub const VT_VOID: VARTYPE = 24;
/// `HRESULT` (type descriptions only).
pub const VT_HRESULT: VARTYPE = 25;
/// A pointer (type descriptions only).
pub const VT_PTR: VARTYPE = 26;
/// A SAFEARRAY (type descriptions only; VARIANTs use `VT_ARRAY`).
pub const VT_SAFEARRAY: VARTYPE = 27;
/// A C array (type descriptions only).
pub const VT_CARRAY: VARTYPE = 28;
/// A user-defined type (type descriptions only).
pub const VT_USERDEFINED: VARTYPE = 29;
/// A NUL-terminated narrow string (type descriptions only).
pub const VT_LPSTR: VARTYPE = 30;
/// A NUL-terminated wide string (type descriptions only).
pub const VT_LPWSTR: VARTYPE = 31;
/// A user-defined record (`record`).
pub const VT_RECORD: VARTYPE = 36;
/// A pointer-sized signed integer.
pub const VT_INT_PTR: VARTYPE = 37;
/// A pointer-sized unsigned integer.
pub const VT_UINT_PTR: VARTYPE = 38;
/// Flag: a counted vector (property sets only).
pub const VT_VECTOR: VARTYPE = 0x1000;
/// Flag: a SAFEARRAY of the base type (`parray`).
pub const VT_ARRAY: VARTYPE = 0x2000;
/// Flag: a pointer to the base type (`byref` and the `p*` members); owns nothing.
pub const VT_BYREF: VARTYPE = 0x4000;
/// Mask of the base type.
pub const VT_TYPEMASK: VARTYPE = 0x0FFF;

/// `wFlags`: call a method.
pub const DISPATCH_METHOD: u16 = 1;
/// `wFlags`: read a property.
pub const DISPATCH_PROPERTYGET: u16 = 2;
/// `wFlags`: assign a property by value.
pub const DISPATCH_PROPERTYPUT: u16 = 4;
/// `wFlags`: assign a property by reference.
pub const DISPATCH_PROPERTYPUTREF: u16 = 8;

/// `PARAMFLAG_FIN`: an `[in]` parameter.
pub const PARAMFLAG_FIN: u16 = 1;
/// `PARAMFLAG_FOUT`: an `[out]` parameter.
pub const PARAMFLAG_FOUT: u16 = 2;
/// `PARAMFLAG_FLCID`: an `[lcid]` parameter.
pub const PARAMFLAG_FLCID: u16 = 4;
/// `PARAMFLAG_FRETVAL`: a `[retval]` parameter.
pub const PARAMFLAG_FRETVAL: u16 = 8;
/// `PARAMFLAG_FOPT`: an `[optional]` parameter.
pub const PARAMFLAG_FOPT: u16 = 16;
/// `PARAMFLAG_FHASDEFAULT`: a parameter with a `[defaultvalue]`.
pub const PARAMFLAG_FHASDEFAULT: u16 = 32;
