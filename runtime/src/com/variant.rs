//! `VARIANT` (the raw Automation value), `Variant` (an owned one) and the VARTYPE constants.
//!
//! On Windows clearing and copying call oleaut32 (`VariantClear`, `VariantCopy`). Elsewhere a
//! portable implementation does the same for the types it can meet: BSTRs are freed or copied,
//! SAFEARRAYs destroyed or deep-copied, interfaces released or AddRef'd, `VT_BYREF` values own
//! nothing. Portable `VT_RECORD` support is limited to clearing (`IRecordInfo::RecordClear`, then
//! `Release`, as Wine does); copying a record gives `E_NOTIMPL`.

use core::ffi::c_void;
use core::fmt;
use core::mem::ManuallyDrop;

#[allow(unused_imports)]
use crate::automation::*;
use crate::{
    BSTR, BStr, DISP_E_PARAMNOTFOUND, DISP_E_TYPEMISMATCH, E_OUTOFMEMORY, Error, HRESULT,
    IDispatch, IUnknown, Interface, Result, SAFEARRAY, safe_array_as_slice,
    safe_array_create_vector,
};

/// The Automation boolean: `VARIANT_TRUE` (-1) or `VARIANT_FALSE` (0).
#[allow(non_camel_case_types)]
pub type VARIANT_BOOL = i16;
/// True as a `VARIANT_BOOL` (all bits set).
pub const VARIANT_TRUE: VARIANT_BOOL = -1;
/// False as a `VARIANT_BOOL`.
pub const VARIANT_FALSE: VARIANT_BOOL = 0;

/// A 96-bit decimal number. In a VARIANT it overlays bytes 0-15, its `wReserved` sitting on
/// `vt` (see [`VARIANT::decimal`] and [`VARIANT::set_decimal`]).
#[repr(C)]
#[allow(non_snake_case)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DECIMAL {
    /// Reserved (the VARIANT's `vt` when inside a VARIANT).
    pub wReserved: u16,
    /// Power of ten to divide by (0-28).
    pub scale: u8,
    /// 0x80 for negative numbers, 0 otherwise.
    pub sign: u8,
    /// High 32 bits of the 96-bit integer.
    pub Hi32: u32,
    /// Low 64 bits of the 96-bit integer.
    pub Lo64: u64,
}

/// A record value in a VARIANT: the data and its `IRecordInfo*`.
#[repr(C)]
#[allow(non_snake_case)]
#[derive(Clone, Copy, Debug)]
pub struct BRECORD {
    /// The record data.
    pub pvRecord: *mut c_void,
    /// The `IRecordInfo` describing it.
    pub pRecInfo: *mut c_void,
}

/// The value union of a VARIANT (at offset 8). Which member is valid is named by `vt`.
#[repr(C)]
#[allow(non_snake_case, non_camel_case_types, missing_docs)]
#[derive(Clone, Copy)]
pub union VARIANT_0 {
    pub llVal: i64,
    pub lVal: i32,
    pub bVal: u8,
    pub iVal: i16,
    pub fltVal: f32,
    pub dblVal: f64,
    pub boolVal: VARIANT_BOOL,
    pub scode: i32,
    pub cyVal: i64,
    pub date: f64,
    pub bstrVal: BSTR,
    pub punkVal: *mut c_void,
    pub pdispVal: *mut c_void,
    pub parray: *mut SAFEARRAY,
    pub pbVal: *mut u8,
    pub piVal: *mut i16,
    pub plVal: *mut i32,
    pub pllVal: *mut i64,
    pub pfltVal: *mut f32,
    pub pdblVal: *mut f64,
    pub pboolVal: *mut VARIANT_BOOL,
    pub pscode: *mut i32,
    pub pcyVal: *mut i64,
    pub pdate: *mut f64,
    pub pbstrVal: *mut BSTR,
    pub ppunkVal: *mut *mut c_void,
    pub ppdispVal: *mut *mut c_void,
    pub pparray: *mut *mut SAFEARRAY,
    pub pvarVal: *mut VARIANT,
    pub byref: *mut c_void,
    pub cVal: i8,
    pub uiVal: u16,
    pub ulVal: u32,
    pub ullVal: u64,
    pub intVal: i32,
    pub uintVal: u32,
    pub pdecVal: *mut DECIMAL,
    pub pcVal: *mut i8,
    pub puiVal: *mut u16,
    pub pulVal: *mut u32,
    pub pullVal: *mut u64,
    pub pintVal: *mut i32,
    pub puintVal: *mut u32,
    pub record: BRECORD,
}

/// The raw ABI VARIANT (24 bytes on 64-bit targets, 16 on 32-bit). Plain data: copying it does
/// not copy what it points to, and nothing is freed on drop; [`Variant`] is the owning form.
#[repr(C)]
#[allow(non_snake_case)]
#[derive(Clone, Copy)]
pub struct VARIANT {
    /// The type tag.
    pub vt: VARTYPE,
    /// Reserved.
    pub wReserved1: u16,
    /// Reserved.
    pub wReserved2: u16,
    /// Reserved.
    pub wReserved3: u16,
    /// The value.
    pub data: VARIANT_0,
}

/// A union value with every byte initialized to zero.
const ZERO_DATA: VARIANT_0 = VARIANT_0 {
    record: BRECORD {
        pvRecord: core::ptr::null_mut(),
        pRecInfo: core::ptr::null_mut(),
    },
};
const _: () = assert!(size_of::<BRECORD>() == size_of::<VARIANT_0>());
const _: () = assert!(size_of::<DECIMAL>() <= size_of::<VARIANT>());
const _: () = assert!(align_of::<DECIMAL>() <= align_of::<VARIANT>());

impl VARIANT {
    /// A `VT_EMPTY` VARIANT with every byte zero.
    pub const fn new() -> VARIANT {
        VARIANT::with(VT_EMPTY, ZERO_DATA)
    }

    const fn with(vt: VARTYPE, data: VARIANT_0) -> VARIANT {
        VARIANT {
            vt,
            wReserved1: 0,
            wReserved2: 0,
            wReserved3: 0,
            data,
        }
    }

    /// Reads the DECIMAL overlaying bytes 0-15 (its `wReserved` is the `vt` field).
    ///
    /// # Safety
    /// All 16 bytes must be initialized, as they are when a DECIMAL was stored (`vt ==
    /// VT_DECIMAL`) or the VARIANT was made by this crate.
    pub unsafe fn decimal(&self) -> DECIMAL {
        // SAFETY: DECIMAL fits in and is no more aligned than VARIANT (checked above); the
        // bytes are initialized (caller contract) and any bit pattern is a valid DECIMAL.
        unsafe { (self as *const VARIANT).cast::<DECIMAL>().read() }
    }

    /// Stores `d` over bytes 0-15 and sets `vt` to `VT_DECIMAL`. Whatever the VARIANT held is
    /// overwritten, not freed.
    pub fn set_decimal(&mut self, d: DECIMAL) {
        // SAFETY: DECIMAL fits in and is no more aligned than VARIANT (checked above); every
        // field of VARIANT accepts any bit pattern.
        unsafe { (self as *mut VARIANT).cast::<DECIMAL>().write(d) };
        self.vt = VT_DECIMAL;
    }
}

impl Default for VARIANT {
    fn default() -> VARIANT {
        VARIANT::new()
    }
}

impl fmt::Debug for VARIANT {
    /// The type tag only: the raw form does not know whether its value is valid.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VARIANT")
            .field("vt", &VtName(self.vt))
            .finish_non_exhaustive()
    }
}

/// The name of a VARTYPE, with its `VT_ARRAY` / `VT_BYREF` / `VT_VECTOR` flags
/// (`"VT_ARRAY|VT_UI1"`); unknown base types print as hex.
pub fn vt_name(vt: VARTYPE) -> String {
    VtName(vt).to_string()
}

struct VtName(VARTYPE);

impl fmt::Display for VtName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vt = self.0;
        for (flag, name) in [
            (VT_VECTOR, "VT_VECTOR|"),
            (VT_ARRAY, "VT_ARRAY|"),
            (VT_BYREF, "VT_BYREF|"),
            (0x8000, "VT_RESERVED|"),
        ] {
            if vt & flag != 0 {
                f.write_str(name)?;
            }
        }
        let base = vt & VT_TYPEMASK;
        let name = match base {
            VT_EMPTY => "VT_EMPTY",
            VT_NULL => "VT_NULL",
            VT_I2 => "VT_I2",
            VT_I4 => "VT_I4",
            VT_R4 => "VT_R4",
            VT_R8 => "VT_R8",
            VT_CY => "VT_CY",
            VT_DATE => "VT_DATE",
            VT_BSTR => "VT_BSTR",
            VT_DISPATCH => "VT_DISPATCH",
            VT_ERROR => "VT_ERROR",
            VT_BOOL => "VT_BOOL",
            VT_VARIANT => "VT_VARIANT",
            VT_UNKNOWN => "VT_UNKNOWN",
            VT_DECIMAL => "VT_DECIMAL",
            VT_I1 => "VT_I1",
            VT_UI1 => "VT_UI1",
            VT_UI2 => "VT_UI2",
            VT_UI4 => "VT_UI4",
            VT_I8 => "VT_I8",
            VT_UI8 => "VT_UI8",
            VT_INT => "VT_INT",
            VT_UINT => "VT_UINT",
            VT_VOID => "VT_VOID",
            VT_HRESULT => "VT_HRESULT",
            VT_PTR => "VT_PTR",
            VT_SAFEARRAY => "VT_SAFEARRAY",
            VT_CARRAY => "VT_CARRAY",
            VT_USERDEFINED => "VT_USERDEFINED",
            VT_LPSTR => "VT_LPSTR",
            VT_LPWSTR => "VT_LPWSTR",
            VT_RECORD => "VT_RECORD",
            VT_INT_PTR => "VT_INT_PTR",
            VT_UINT_PTR => "VT_UINT_PTR",
            _ => return write!(f, "{base:#x}"),
        };
        f.write_str(name)
    }
}

impl fmt::Debug for VtName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The first vtable slots of `IRecordInfo`, enough to clear a record.
#[repr(C)]
#[allow(non_snake_case, dead_code)]
struct IRecordInfoPrefix {
    base: crate::IUnknown_Vtbl,
    RecordInit: unsafe extern "system" fn(this: *mut c_void, new: *mut c_void) -> HRESULT,
    RecordClear: unsafe extern "system" fn(this: *mut c_void, existing: *mut c_void) -> HRESULT,
}

/// `VariantClear`: frees what the VARIANT owns (BSTR freed, SAFEARRAY destroyed, interface
/// released, record cleared; `VT_BYREF` owns nothing) and sets it to `VT_EMPTY`. On failure
/// (a locked array, `DISP_E_BADVARTYPE`) the VARIANT is left as it was.
///
/// # Safety
/// `v` is null (gives `E_INVALIDARG`) or points at a valid VARIANT that owns its value.
pub unsafe fn variant_clear(v: *mut VARIANT) -> HRESULT {
    #[cfg(windows)]
    {
        // oleaut32 does not check for null (native and Wine both dereference it).
        if v.is_null() {
            return crate::E_INVALIDARG;
        }
        // SAFETY: forwarded caller contract; `v` is not null.
        unsafe { crate::oleaut32::VariantClear(v) }
    }
    #[cfg(not(windows))]
    {
        // SAFETY: forwarded caller contract.
        unsafe { portable::clear(v) }
    }
}

/// `VariantCopy`: clears `dest`, then makes it a deep copy of `src` (BSTR and SAFEARRAY copied,
/// interfaces AddRef'd, `VT_BYREF` copied as the pointer). On failure `dest` is `VT_EMPTY`.
///
/// # Safety
/// `dest` points at a valid VARIANT that owns its value (or is uninitialized VT_EMPTY memory);
/// `src` points at a valid VARIANT. Null pointers give `E_INVALIDARG`.
pub unsafe fn variant_copy(dest: *mut VARIANT, src: *const VARIANT) -> HRESULT {
    #[cfg(windows)]
    {
        // oleaut32 does not check for null (native and Wine both dereference it).
        if dest.is_null() || src.is_null() {
            return crate::E_INVALIDARG;
        }
        // SAFETY: forwarded caller contract; neither pointer is null.
        unsafe { crate::oleaut32::VariantCopy(dest, src) }
    }
    #[cfg(not(windows))]
    {
        // SAFETY: forwarded caller contract.
        unsafe { portable::copy(dest, src) }
    }
}

#[cfg(not(windows))]
mod portable {
    use core::ffi::c_void;

    use super::*;
    use crate::{
        DISP_E_BADVARTYPE, E_INVALIDARG, E_NOTIMPL, IUnknown_Vtbl, S_OK, safe_array_copy,
        safe_array_destroy, sys_alloc_string_byte_len, sys_free_string, sys_string_byte_len,
    };

    /// True for the base types a VARIANT may hold (with or without VT_ARRAY / VT_BYREF).
    fn is_valid(vt: VARTYPE) -> bool {
        if vt & !(VT_ARRAY | VT_BYREF | VT_TYPEMASK) != 0 {
            return false;
        }
        matches!(
            vt & VT_TYPEMASK,
            VT_EMPTY..=VT_DECIMAL | VT_I1..=VT_UINT | VT_RECORD | VT_INT_PTR | VT_UINT_PTR
        )
    }

    /// # Safety
    /// `p` is null or a live interface pointer whose reference is given up.
    unsafe fn release(p: *mut c_void) {
        if !p.is_null() {
            // SAFETY: a live interface pointer points at its vtable, which starts with
            // IUnknown's.
            unsafe { ((**p.cast::<*const IUnknown_Vtbl>()).Release)(p) };
        }
    }

    /// # Safety
    /// `p` is null or a live interface pointer.
    unsafe fn add_ref(p: *mut c_void) {
        if !p.is_null() {
            // SAFETY: as in `release`.
            unsafe { ((**p.cast::<*const IUnknown_Vtbl>()).AddRef)(p) };
        }
    }

    pub(super) unsafe fn clear(v: *mut VARIANT) -> HRESULT {
        if v.is_null() {
            return E_INVALIDARG;
        }
        // SAFETY: v points at a valid VARIANT (caller contract).
        let var = unsafe { &mut *v };
        let vt = var.vt;
        if !is_valid(vt) {
            return DISP_E_BADVARTYPE;
        }
        // SAFETY: each arm reads the union member that vt names, owned by the VARIANT
        // (caller contract), and frees it once.
        unsafe {
            if vt & VT_BYREF != 0 {
                // A reference owns nothing.
            } else if vt & VT_ARRAY != 0 {
                let hr = safe_array_destroy(var.data.parray);
                if hr.is_err() {
                    return hr;
                }
            } else {
                match vt {
                    VT_BSTR => sys_free_string(var.data.bstrVal),
                    VT_UNKNOWN | VT_DISPATCH => release(var.data.punkVal),
                    VT_RECORD => {
                        let record = var.data.record;
                        if !record.pRecInfo.is_null() {
                            let vtbl = *record.pRecInfo.cast::<*const IRecordInfoPrefix>();
                            let _ = ((*vtbl).RecordClear)(record.pRecInfo, record.pvRecord);
                            release(record.pRecInfo);
                        }
                    }
                    _ => {}
                }
            }
        }
        *var = VARIANT::new();
        S_OK
    }

    pub(super) unsafe fn copy(dest: *mut VARIANT, src: *const VARIANT) -> HRESULT {
        if dest.is_null() || src.is_null() {
            return E_INVALIDARG;
        }
        if core::ptr::eq(dest, src) {
            return S_OK;
        }
        // SAFETY: src points at a valid VARIANT (caller contract); VARIANT is plain data.
        let source = unsafe { src.read() };
        if !is_valid(source.vt) {
            return DISP_E_BADVARTYPE;
        }
        // SAFETY: dest points at a valid VARIANT it owns (caller contract).
        let hr = unsafe { clear(dest) };
        if hr.is_err() {
            return hr;
        }
        let mut copy = source;
        let vt = source.vt;
        // SAFETY: each arm reads the union member that vt names in a valid VARIANT and makes
        // an owned copy of what it points to.
        unsafe {
            if vt & VT_BYREF != 0 {
                // The pointer is copied; it owns nothing.
            } else if vt & VT_ARRAY != 0 {
                if !source.data.parray.is_null() {
                    let mut out = core::ptr::null_mut();
                    let hr = safe_array_copy(source.data.parray, &mut out);
                    if hr.is_err() {
                        return hr;
                    }
                    copy.data.parray = out;
                }
            } else {
                match vt {
                    VT_BSTR => {
                        let s = source.data.bstrVal;
                        if !s.is_null() {
                            let c =
                                sys_alloc_string_byte_len(s.cast::<u8>(), sys_string_byte_len(s));
                            if c.is_null() {
                                return E_OUTOFMEMORY;
                            }
                            copy.data.bstrVal = c;
                        }
                    }
                    VT_UNKNOWN | VT_DISPATCH => add_ref(source.data.punkVal),
                    VT_RECORD => return E_NOTIMPL,
                    _ => {}
                }
            }
            dest.write(copy);
        }
        S_OK
    }
}

/// An owned VARIANT: `Drop` clears it with `VariantClear` semantics, `Clone` copies it with
/// `VariantCopy` semantics (deep copy of BSTRs and SAFEARRAYs, AddRef of interfaces).
///
/// Conversions: `From` Rust values (`i32` as `VT_I4`, `&str` as `VT_BSTR`, `&[u8]` as
/// `VT_ARRAY|VT_UI1`, ...) and `TryFrom<&Variant>` / `TryFrom<Variant>` back, with the
/// widening rules documented on each impl; a mismatch is `DISP_E_TYPEMISMATCH`. Full
/// `VariantChangeType` coercion is not here.
#[repr(transparent)]
pub struct Variant(VARIANT);

impl Variant {
    /// A `VT_EMPTY` value (also `Default`).
    pub const fn new() -> Variant {
        Variant(VARIANT::new())
    }

    /// `VT_NULL`.
    pub const fn null() -> Variant {
        Variant(VARIANT::with(VT_NULL, ZERO_DATA))
    }

    /// `VT_ERROR` with this code.
    pub const fn error(code: HRESULT) -> Variant {
        let mut data = ZERO_DATA;
        data.scode = code.0;
        Variant(VARIANT::with(VT_ERROR, data))
    }

    /// A missing optional argument: `VT_ERROR` with `DISP_E_PARAMNOTFOUND`.
    pub const fn missing() -> Variant {
        Variant::error(DISP_E_PARAMNOTFOUND)
    }

    fn with(vt: VARTYPE, set: impl FnOnce(&mut VARIANT_0)) -> Variant {
        let mut data = ZERO_DATA;
        set(&mut data);
        Variant(VARIANT::with(vt, data))
    }

    /// The type tag.
    pub fn vt(&self) -> u16 {
        self.0.vt
    }

    /// True for `VT_EMPTY`.
    pub fn is_empty(&self) -> bool {
        self.0.vt == VT_EMPTY
    }

    /// The raw VARIANT, still owned by `self`.
    pub fn as_raw(&self) -> &VARIANT {
        &self.0
    }

    /// A pointer for out parameters. Whatever the callee writes is then owned by `self`; clear
    /// `self` first if it holds a value, since callees overwrite without freeing.
    pub fn as_mut_ptr(&mut self) -> *mut VARIANT {
        &mut self.0
    }

    /// Gives up ownership of the value.
    pub fn into_raw(self) -> VARIANT {
        ManuallyDrop::new(self).0
    }

    /// Takes ownership of a raw VARIANT.
    ///
    /// # Safety
    /// `v` is a valid VARIANT (the union member its `vt` names is initialized and, for owning
    /// types, live), and nothing else frees what it owns.
    pub unsafe fn from_raw(v: VARIANT) -> Variant {
        Variant(v)
    }

    /// Views a borrowed VARIANT (an `[in]` argument) as `&Variant` without taking ownership.
    ///
    /// # Safety
    /// `*p` is a valid VARIANT that stays valid and unchanged for the returned lifetime.
    pub unsafe fn from_raw_ref(p: &VARIANT) -> &Variant {
        // SAFETY: Variant is repr(transparent) over VARIANT; a shared reference never drops.
        unsafe { &*(p as *const VARIANT).cast::<Variant>() }
    }

    /// A `VariantCopy` that reports failure (out of memory, `VT_RECORD` off Windows, a bad vt).
    pub fn try_clone(&self) -> Result<Variant> {
        let mut copy = Variant::new();
        // SAFETY: copy is a valid VT_EMPTY VARIANT; self is valid.
        crate::check(unsafe { variant_copy(&mut copy.0, &self.0) })?;
        Ok(copy)
    }

    /// The string of a `VT_BSTR` value, borrowed.
    pub fn as_bstr(&self) -> Option<&BStr> {
        if self.0.vt != VT_BSTR {
            return None;
        }
        // SAFETY: vt == VT_BSTR, so bstrVal is the initialized member, owned by self.
        Some(unsafe { BStr::from_raw_ref(&self.0.data.bstrVal) })
    }

    /// The bytes of a one-dimensional `VT_ARRAY|VT_UI1` value, borrowed.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        if self.0.vt != VT_ARRAY | VT_UI1 {
            return None;
        }
        // SAFETY: vt says parray is the member; it is null or a live array of bytes owned by
        // self.
        let psa = unsafe { self.0.data.parray };
        if psa.is_null() {
            return Some(&[]);
        }
        // SAFETY: a live array of u8 elements owned by self, unchanged while borrowed.
        unsafe { safe_array_as_slice::<u8>(psa) }
    }

    /// The elements of a one-dimensional `VT_ARRAY|VT_VARIANT` value, borrowed.
    pub fn as_variants(&self) -> Option<&[Variant]> {
        if self.0.vt != VT_ARRAY | VT_VARIANT {
            return None;
        }
        // SAFETY: vt says parray is the member.
        let psa = unsafe { self.0.data.parray };
        if psa.is_null() {
            return Some(&[]);
        }
        // SAFETY: a live array of valid VARIANTs owned by self; Variant is repr(transparent)
        // over VARIANT.
        unsafe { safe_array_as_slice::<Variant>(psa) }
    }

    /// `VT_ARRAY|VT_UI1`: a one-dimensional SAFEARRAY of the bytes, lower bound 0.
    /// `Err(E_OUTOFMEMORY)` when it cannot be allocated (or has more than `u32::MAX` bytes).
    pub fn try_from_bytes(bytes: &[u8]) -> Result<Variant> {
        let psa = new_vector(VT_UI1, bytes.len())?;
        if !bytes.is_empty() {
            // SAFETY: psa is a fresh vector of bytes.len() one-byte elements at pvData.
            unsafe {
                core::ptr::copy_nonoverlapping(
                    bytes.as_ptr(),
                    (*psa).pvData.cast::<u8>(),
                    bytes.len(),
                )
            };
        }
        Ok(Variant::with(VT_ARRAY | VT_UI1, |d| d.parray = psa))
    }

    /// `VT_ARRAY|VT_VARIANT`: a one-dimensional SAFEARRAY holding the values, lower bound 0.
    pub fn try_from_variants(values: Vec<Variant>) -> Result<Variant> {
        let psa = new_vector(VT_VARIANT, values.len())?;
        for (i, value) in values.into_iter().enumerate() {
            // SAFETY: psa is a fresh vector of values.len() VT_EMPTY VARIANTs; slot i is
            // overwritten with an owned value (nothing to free in an empty slot).
            unsafe {
                (*psa)
                    .pvData
                    .cast::<VARIANT>()
                    .add(i)
                    .write(value.into_raw())
            };
        }
        Ok(Variant::with(VT_ARRAY | VT_VARIANT, |d| d.parray = psa))
    }

    /// The DECIMAL of a `VT_DECIMAL` value.
    pub fn as_decimal(&self) -> Option<DECIMAL> {
        if self.0.vt != VT_DECIMAL {
            return None;
        }
        // SAFETY: a valid VT_DECIMAL VARIANT has all 16 bytes of the DECIMAL initialized.
        Some(unsafe { self.0.decimal() })
    }

    fn mismatch(&self, target: &str) -> Error {
        Error::new(
            DISP_E_TYPEMISMATCH,
            format!("cannot convert a {} value to {target}", VtName(self.0.vt)),
        )
    }
}

/// A fresh vector of `len` elements, or `E_OUTOFMEMORY`.
fn new_vector(vt: VARTYPE, len: usize) -> Result<*mut SAFEARRAY> {
    let count = u32::try_from(len)
        .map_err(|_| Error::new(E_OUTOFMEMORY, "too many elements for a SAFEARRAY"))?;
    let psa = safe_array_create_vector(vt, 0, count);
    if psa.is_null() {
        Err(Error::new(E_OUTOFMEMORY, "cannot allocate a SAFEARRAY"))
    } else {
        Ok(psa)
    }
}

/// Gives up when an array of `len` elements of `size` bytes cannot be allocated: the standard
/// allocation failure handler when the size was representable, a panic otherwise.
#[cold]
fn array_allocation_failed(len: usize, size: usize) -> ! {
    let layout = len
        .checked_mul(size)
        .and_then(|bytes| std::alloc::Layout::from_size_align(bytes, 8).ok());
    match layout {
        Some(layout) if u32::try_from(len).is_ok() => std::alloc::handle_alloc_error(layout),
        _ => panic!("a SAFEARRAY cannot hold {len} elements"),
    }
}

impl Drop for Variant {
    #[inline]
    fn drop(&mut self) {
        // Plain values own nothing: clearing one would only reset `vt`, which nobody reads
        // after the drop. Everything else (strings, interfaces, records, arrays, by-reference
        // and invalid types) goes to VariantClear.
        if matches!(
            self.0.vt,
            VT_EMPTY
                | VT_NULL
                | VT_I2
                | VT_I4
                | VT_R4
                | VT_R8
                | VT_CY
                | VT_DATE
                | VT_ERROR
                | VT_BOOL
                | VT_I1
                | VT_UI1
                | VT_UI2
                | VT_UI4
                | VT_I8
                | VT_UI8
                | VT_INT
                | VT_UINT
        ) {
            return;
        }
        // SAFETY: self owns a valid VARIANT. A failure (a locked array) leaves it as it was;
        // there is nothing more a destructor can do.
        let _ = unsafe { variant_clear(&mut self.0) };
    }
}

impl Default for Variant {
    fn default() -> Variant {
        Variant::new()
    }
}

impl Clone for Variant {
    /// `VariantCopy`. A copy that fails (out of memory, or a `VT_RECORD` off Windows) gives
    /// `VT_EMPTY`; use [`Variant::try_clone`] to see the error.
    fn clone(&self) -> Variant {
        self.try_clone().unwrap_or_default()
    }
}

impl fmt::Debug for Variant {
    /// The type tag and the value: `Variant { vt: VT_I4, value: 5 }`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Variant");
        s.field("vt", &VtName(self.0.vt));
        let d = &self.0.data;
        // SAFETY: each arm reads the member that vt names (Variant invariant).
        unsafe {
            match self.0.vt {
                VT_EMPTY | VT_NULL => {}
                VT_I2 => _ = s.field("value", &d.iVal),
                VT_I4 => _ = s.field("value", &d.lVal),
                VT_INT => _ = s.field("value", &d.intVal),
                VT_R4 => _ = s.field("value", &d.fltVal),
                VT_R8 => _ = s.field("value", &d.dblVal),
                VT_CY => _ = s.field("value", &d.cyVal),
                VT_DATE => _ = s.field("value", &d.date),
                VT_BSTR => _ = s.field("value", &BStr::from_raw_ref(&d.bstrVal)),
                VT_ERROR => _ = s.field("value", &format_args!("{}", HRESULT(d.scode))),
                VT_BOOL => _ = s.field("value", &d.boolVal),
                VT_I1 => _ = s.field("value", &d.cVal),
                VT_UI1 => _ = s.field("value", &d.bVal),
                VT_UI2 => _ = s.field("value", &d.uiVal),
                VT_UI4 => _ = s.field("value", &d.ulVal),
                VT_UINT => _ = s.field("value", &d.uintVal),
                VT_I8 => _ = s.field("value", &d.llVal),
                VT_UI8 => _ = s.field("value", &d.ullVal),
                VT_DECIMAL => _ = s.field("value", &self.0.decimal()),
                VT_UNKNOWN | VT_DISPATCH => _ = s.field("value", &d.punkVal),
                VT_RECORD => _ = s.field("value", &d.record),
                vt if vt == VT_ARRAY | VT_UI1 => match self.as_bytes() {
                    Some(bytes) => _ = s.field("value", &bytes),
                    None => _ = s.field("value", &d.parray),
                },
                vt if vt == VT_ARRAY | VT_VARIANT => match self.as_variants() {
                    Some(values) => _ = s.field("value", &values),
                    None => _ = s.field("value", &d.parray),
                },
                vt if vt & VT_ARRAY != 0 => _ = s.field("value", &d.parray),
                vt if vt & VT_BYREF != 0 => _ = s.field("value", &d.byref),
                _ => {}
            }
        }
        s.finish()
    }
}

macro_rules! from_scalar {
    ($($t:ty => $vt:ident . $field:ident),* $(,)?) => {$(
        impl From<$t> for Variant {
            #[doc = concat!("`", stringify!($vt), "`.")]
            fn from(value: $t) -> Variant {
                Variant::with($vt, |d| d.$field = value)
            }
        }
    )*};
}

from_scalar! {
    i32 => VT_I4.lVal,
    u32 => VT_UI4.ulVal,
    i16 => VT_I2.iVal,
    u16 => VT_UI2.uiVal,
    u8 => VT_UI1.bVal,
    i8 => VT_I1.cVal,
    i64 => VT_I8.llVal,
    u64 => VT_UI8.ullVal,
    f64 => VT_R8.dblVal,
    f32 => VT_R4.fltVal,
}

impl From<bool> for Variant {
    /// `VT_BOOL`: `VARIANT_TRUE` (-1) or `VARIANT_FALSE` (0).
    fn from(value: bool) -> Variant {
        let b = crate::com::variant_bool(value);
        Variant::with(VT_BOOL, |d| d.boolVal = b)
    }
}

impl From<BStr> for Variant {
    /// `VT_BSTR`, taking the string.
    fn from(value: BStr) -> Variant {
        let p = value.into_raw();
        Variant::with(VT_BSTR, |d| d.bstrVal = p)
    }
}

impl From<&str> for Variant {
    /// `VT_BSTR`.
    fn from(value: &str) -> Variant {
        Variant::from(BStr::from(value))
    }
}

impl From<String> for Variant {
    /// `VT_BSTR`.
    fn from(value: String) -> Variant {
        Variant::from(BStr::from(value))
    }
}

impl From<&[u8]> for Variant {
    /// `VT_ARRAY|VT_UI1` (see [`Variant::try_from_bytes`]).
    ///
    /// # Panics
    /// Like `Vec`, when memory is exhausted or there are more than `u32::MAX` bytes.
    fn from(value: &[u8]) -> Variant {
        match Variant::try_from_bytes(value) {
            Ok(v) => v,
            Err(_) => array_allocation_failed(value.len(), 1),
        }
    }
}

impl From<Vec<u8>> for Variant {
    /// `VT_ARRAY|VT_UI1`, as for `&[u8]`.
    fn from(value: Vec<u8>) -> Variant {
        Variant::from(value.as_slice())
    }
}

impl From<Vec<Variant>> for Variant {
    /// `VT_ARRAY|VT_VARIANT` (see [`Variant::try_from_variants`]).
    ///
    /// # Panics
    /// Like `Vec`, when memory is exhausted or there are more than `u32::MAX` values.
    fn from(values: Vec<Variant>) -> Variant {
        let len = values.len();
        match Variant::try_from_variants(values) {
            Ok(v) => v,
            Err(_) => array_allocation_failed(len, size_of::<VARIANT>()),
        }
    }
}

impl From<DECIMAL> for Variant {
    /// `VT_DECIMAL`.
    fn from(value: DECIMAL) -> Variant {
        let mut v = VARIANT::new();
        v.set_decimal(value);
        Variant(v)
    }
}

impl From<IUnknown> for Variant {
    /// `VT_UNKNOWN`, taking the reference.
    fn from(value: IUnknown) -> Variant {
        let p = value.into_raw();
        Variant::with(VT_UNKNOWN, |d| d.punkVal = p)
    }
}

impl From<IDispatch> for Variant {
    /// `VT_DISPATCH`, taking the reference.
    fn from(value: IDispatch) -> Variant {
        let p = value.into_raw();
        Variant::with(VT_DISPATCH, |d| d.pdispVal = p)
    }
}

impl TryFrom<&Variant> for i32 {
    type Error = Error;

    /// From `VT_I4`/`VT_INT`; widening from `VT_I2`, `VT_I1`, `VT_UI1`, `VT_UI2`, `VT_BOOL`
    /// (-1/0); `VT_UI4`/`VT_UINT` bit for bit; `VT_EMPTY` is 0.
    fn try_from(v: &Variant) -> Result<i32> {
        let d = &v.0.data;
        // SAFETY: each arm reads the member that vt names (Variant invariant).
        unsafe {
            Ok(match v.0.vt {
                VT_I4 => d.lVal,
                VT_INT => d.intVal,
                VT_I2 => i32::from(d.iVal),
                VT_I1 => i32::from(d.cVal),
                VT_UI1 => i32::from(d.bVal),
                VT_UI2 => i32::from(d.uiVal),
                VT_BOOL => i32::from(d.boolVal),
                VT_UI4 => d.ulVal as i32,
                VT_UINT => d.uintVal as i32,
                VT_EMPTY => 0,
                _ => return Err(v.mismatch("i32")),
            })
        }
    }
}

impl TryFrom<&Variant> for f64 {
    type Error = Error;

    /// From `VT_R8`, `VT_R4`, the integer types (64-bit ones rounded to the nearest `f64`),
    /// `VT_BOOL` (-1.0/0.0); `VT_EMPTY` is 0.0.
    fn try_from(v: &Variant) -> Result<f64> {
        let d = &v.0.data;
        // SAFETY: each arm reads the member that vt names (Variant invariant).
        unsafe {
            Ok(match v.0.vt {
                VT_R8 => d.dblVal,
                VT_R4 => f64::from(d.fltVal),
                VT_I4 => f64::from(d.lVal),
                VT_INT => f64::from(d.intVal),
                VT_I2 => f64::from(d.iVal),
                VT_I1 => f64::from(d.cVal),
                VT_UI1 => f64::from(d.bVal),
                VT_UI2 => f64::from(d.uiVal),
                VT_UI4 => f64::from(d.ulVal),
                VT_UINT => f64::from(d.uintVal),
                VT_I8 => d.llVal as f64,
                VT_UI8 => d.ullVal as f64,
                VT_BOOL => f64::from(d.boolVal),
                VT_EMPTY => 0.0,
                _ => return Err(v.mismatch("f64")),
            })
        }
    }
}

impl TryFrom<&Variant> for bool {
    type Error = Error;

    /// From `VT_BOOL`: any non-zero value is true.
    fn try_from(v: &Variant) -> Result<bool> {
        if v.0.vt == VT_BOOL {
            // SAFETY: vt == VT_BOOL names boolVal.
            Ok(unsafe { v.0.data.boolVal } != VARIANT_FALSE)
        } else {
            Err(v.mismatch("bool"))
        }
    }
}

impl TryFrom<&Variant> for BStr {
    type Error = Error;

    /// A copy of a `VT_BSTR` value; `VT_EMPTY` gives an empty (allocated) string.
    fn try_from(v: &Variant) -> Result<BStr> {
        match v.0.vt {
            VT_BSTR => Ok(v.as_bstr().cloned().unwrap_or_default()),
            VT_EMPTY => BStr::try_from_wide(&[]),
            _ => Err(v.mismatch("BSTR")),
        }
    }
}

impl TryFrom<&Variant> for String {
    type Error = Error;

    /// A `VT_BSTR` value as UTF-8 (unpaired surrogates become U+FFFD); `VT_EMPTY` gives "".
    fn try_from(v: &Variant) -> Result<String> {
        match (v.0.vt, v.as_bstr()) {
            (VT_BSTR, Some(s)) => Ok(s.to_string_lossy()),
            (VT_EMPTY, _) => Ok(String::new()),
            _ => Err(v.mismatch("String")),
        }
    }
}

impl TryFrom<&Variant> for Vec<u8> {
    type Error = Error;

    /// The bytes of a one-dimensional `VT_ARRAY|VT_UI1` value.
    fn try_from(v: &Variant) -> Result<Vec<u8>> {
        v.as_bytes()
            .map(<[u8]>::to_vec)
            .ok_or_else(|| v.mismatch("Vec<u8>"))
    }
}

impl TryFrom<&Variant> for IUnknown {
    type Error = Error;

    /// A new reference from a non-null `VT_UNKNOWN` or `VT_DISPATCH` value.
    fn try_from(v: &Variant) -> Result<IUnknown> {
        match v.0.vt {
            VT_UNKNOWN | VT_DISPATCH => {
                // SAFETY: vt names punkVal, null or a live interface pointer owned by v.
                let unknown = unsafe { IUnknown::from_raw_borrowed(&v.0.data.punkVal) };
                unknown
                    .cloned()
                    .ok_or_else(|| v.mismatch("IUnknown (null)"))
            }
            _ => Err(v.mismatch("IUnknown")),
        }
    }
}

impl TryFrom<&Variant> for IDispatch {
    type Error = Error;

    /// A new reference from a non-null `VT_DISPATCH` value, or from a `VT_UNKNOWN` value through
    /// `QueryInterface`.
    fn try_from(v: &Variant) -> Result<IDispatch> {
        match v.0.vt {
            VT_DISPATCH => {
                // SAFETY: vt names pdispVal, null or a live IDispatch owned by v.
                let dispatch = unsafe { IDispatch::from_raw_borrowed(&v.0.data.pdispVal) };
                dispatch
                    .cloned()
                    .ok_or_else(|| v.mismatch("IDispatch (null)"))
            }
            VT_UNKNOWN => IUnknown::try_from(v)?
                .cast::<IDispatch>()
                .map_err(|_| v.mismatch("IDispatch")),
            _ => Err(v.mismatch("IDispatch")),
        }
    }
}

macro_rules! try_from_owned {
    ($($t:ty),*) => {$(
        impl TryFrom<Variant> for $t {
            type Error = Error;

            /// As for `&Variant`.
            fn try_from(v: Variant) -> Result<$t> {
                <$t>::try_from(&v)
            }
        }
    )*};
}

try_from_owned!(i32, f64, bool, String, Vec<u8>, IUnknown, IDispatch);

impl TryFrom<Variant> for BStr {
    type Error = Error;

    /// As for `&Variant`, but a `VT_BSTR` value is moved out without copying.
    fn try_from(v: Variant) -> Result<BStr> {
        if v.0.vt == VT_BSTR {
            let raw = v.into_raw();
            // SAFETY: vt == VT_BSTR, so bstrVal is an owned BSTR (or null), given up by v.
            Ok(unsafe { BStr::from_raw(raw.data.bstrVal) })
        } else {
            BStr::try_from(&v)
        }
    }
}
