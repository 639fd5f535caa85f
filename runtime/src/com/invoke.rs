//! `IDispatch::Invoke` for objects implemented in Rust, answered from a [`DispidTable`] with no
//! type library (spec/idispatch.md rules I1-I5, A1-A9, R1-R5).
//!
//! A generated shim calls [`dispatch_invoke`] with the interface's table and a function that
//! calls one member: it fetches each argument from a [`DispCall`] (which applies the
//! reversed-order, named-argument, optional/default and coercion rules), calls the Rust
//! implementation, writes back by-reference arguments and returns the result as a [`Variant`].
//! Everything else (checks, member selection, EXCEPINFO, panics) happens here, once.
//!
//! Before that, the shim tries its fast path: [`FastCall`] recognises the call shape nearly
//! every caller uses (positional arguments of exactly the parameters' types, by value) and the
//! generated arm calls the implementation directly, with the outcome the general path would
//! give; any other call goes the general way.

use core::ffi::c_void;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::{Deref, DerefMut};
use std::panic::{AssertUnwindSafe, catch_unwind};

#[allow(unused_imports)]
use crate::automation::*;
use crate::{
    BSTR, BStr, DISP_E_BADPARAMCOUNT, DISP_E_EXCEPTION, DISP_E_MEMBERNOTFOUND, DISP_E_NONAMEDARGS,
    DISP_E_NOTACOLLECTION, DISP_E_PARAMNOTFOUND, DISP_E_PARAMNOTOPTIONAL, DISP_E_TYPEMISMATCH,
    DISP_E_UNKNOWNINTERFACE, DISPATCH_METHOD, DISPATCH_PROPERTYGET, DISPID_PROPERTYPUT,
    DISPID_VALUE, DISPPARAMS, DispDefault, DispMember, DispParam, DispidTable, E_INVALIDARG,
    E_POINTER, E_UNEXPECTED, EXCEPINFO, Error, GUID, HRESULT, IDispatch, IID_NULL, Interface,
    InvokeKind, PARAMFLAG_FIN, S_OK, SAFEARRAY, VARIANT, VARIANT_FALSE, VARTYPE, VT_ARRAY, VT_BOOL,
    VT_BSTR, VT_BYREF, VT_CY, VT_DATE, VT_DISPATCH, VT_ERROR, VT_I1, VT_I2, VT_I4, VT_I8, VT_INT,
    VT_R4, VT_R8, VT_UI1, VT_UI2, VT_UI4, VT_UI8, VT_UINT, VT_UNKNOWN, VT_VARIANT, Variant,
    change_type_raw, safe_array_destroy, sys_free_string, variant_clear,
};

/// Why a member call through `Invoke` did not succeed.
#[derive(Debug)]
pub enum DispFailure {
    /// `Invoke` returns this code.
    Hr(HRESULT),
    /// An argument was at fault: `Invoke` returns the code and sets `*puArgErr` to the
    /// argument's index in `rgvarg`.
    Arg(HRESULT, u32),
    /// The implementation failed: `DISP_E_EXCEPTION` with the error in the EXCEPINFO (R3), or
    /// `S_OK` when the code is a success code (R2).
    Call(Error),
}

impl From<Error> for DispFailure {
    fn from(e: Error) -> DispFailure {
        DispFailure::Call(e)
    }
}

impl From<HRESULT> for DispFailure {
    fn from(hr: HRESULT) -> DispFailure {
        DispFailure::Hr(hr)
    }
}

/// What a member call gives back: the result (`VT_EMPTY` for none) or why it failed.
pub type DispResult = Result<Variant, DispFailure>;

/// A Rust value that a dispatch parameter or result can hold: the scalar types, `bool`,
/// [`BStr`] and [`Variant`].
pub trait DispValue: Sized {
    /// Whether a `VT_BYREF` argument of the parameter's exact type can be handed to the
    /// implementation as `&mut Self` (same memory layout as the pointee).
    const DIRECT: bool;
    /// The value of a VARIANT of exactly type `vt` (the parameter's type, after coercion).
    fn from_variant(v: Variant) -> Self;
    /// The value as a VARIANT of type `vt`.
    fn into_variant(self, vt: VARTYPE) -> Variant;
    /// The zero value an omitted optional parameter receives (A4). It owns no resources.
    fn zero() -> Self;
    /// For [`FastCall::value`] and [`DispCall::value`]: the value of a by-value argument `v`
    /// whose type is exactly the parameter's plain scalar type `vt`, read in place, which is
    /// what coercing it to `vt` (a copy) and [`DispValue::from_variant`] give. `None` for any
    /// other argument (and for `VT_ERROR` parameters, which take numbers).
    fn fast(v: &VARIANT, vt: VARTYPE) -> Option<Self> {
        let _ = (v, vt);
        None
    }
    /// For [`FastCall::finish`]: stores `self.into_variant(vt)` into `*dst`, which holds
    /// nothing to free.
    ///
    /// # Safety
    /// `dst` is writable for a VARIANT.
    #[inline(always)]
    unsafe fn store(self, vt: VARTYPE, dst: *mut VARIANT) {
        // SAFETY: caller contract.
        unsafe { dst.write(self.into_variant(vt).into_raw()) }
    }
}

/// What an implementation returns, as `Invoke` hands it back in `*pVarResult` (R1): a
/// [`DispValue`] as the VARIANT [`DispValue::into_variant`] makes, nothing (`VT_EMPTY`) for `()`,
/// an interface (`Option<I>`) as `VT_DISPATCH` or `VT_UNKNOWN`, a SAFEARRAY (which the VARIANT
/// then owns) as the member's `VT_ARRAY | VT_*`.
pub trait DispReturn: Sized {
    /// Whether [`FastCall::finish`] stores it (else the member takes the general path).
    const FAST: bool = true;

    /// The result as a VARIANT of the member's result type `vt`.
    fn into_result(self, vt: VARTYPE) -> Variant;

    /// Stores the result into `*dst` (which holds `VT_EMPTY`) as a VARIANT of type `vt`.
    ///
    /// # Safety
    /// `dst` is writable for a VARIANT.
    #[inline(always)]
    unsafe fn store(self, vt: VARTYPE, dst: *mut VARIANT) {
        // SAFETY: caller contract.
        unsafe { dst.write(self.into_result(vt).into_raw()) }
    }
}

impl<T: DispValue> DispReturn for T {
    fn into_result(self, vt: VARTYPE) -> Variant {
        self.into_variant(vt)
    }

    #[inline(always)]
    unsafe fn store(self, vt: VARTYPE, dst: *mut VARIANT) {
        // SAFETY: caller contract.
        unsafe { DispValue::store(self, vt, dst) }
    }
}

impl DispReturn for () {
    fn into_result(self, _vt: VARTYPE) -> Variant {
        Variant::new()
    }

    #[inline(always)]
    unsafe fn store(self, _vt: VARTYPE, _dst: *mut VARIANT) {}
}

impl<I: Interface> DispReturn for Option<I> {
    fn into_result(self, vt: VARTYPE) -> Variant {
        interface_variant(self, vt)
    }
}

impl DispReturn for *mut SAFEARRAY {
    // Left to the general path, as `DispCall::ret_array` makes it.
    const FAST: bool = false;

    fn into_result(self, vt: VARTYPE) -> Variant {
        array_variant(self, vt)
    }
}

/// Stores `v` into `*dst` (which holds nothing to free), where `v` is a VARIANT built from
/// [`VARIANT::new`] with `vt` and at most the union's first 8 bytes set (a scalar, `bool` or
/// BSTR from [`DispValue::into_variant`]): every other byte is zero.
///
/// On x86-64 its first 16 bytes go out in one store. Callers commonly copy a VARIANT with
/// 16-byte loads, and a load is forwarded from a store still in flight only when one store
/// covers it: written field by field, the caller's first read of the result waits until the
/// stores retire, which costs about as much as the rest of a fast-path `Invoke`.
///
/// # Safety
/// `dst` is writable for a VARIANT; `v` is as described.
#[inline(always)]
unsafe fn store_packed(dst: *mut VARIANT, v: VARIANT) {
    // SAFETY: every byte of `v` is initialized (built from VARIANT::new).
    let bits = unsafe { v.data.ullVal };
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{_mm_set_epi64x, _mm_storeu_si128};
        const _: () =
            assert!(size_of::<VARIANT>() == 24 && core::mem::offset_of!(VARIANT, data) == 8);
        // SAFETY: dst is writable for 24 bytes (caller contract): `vt` and the reserved words
        // (zero) and the union's first 8 bytes in one store, then its last 8 (zero).
        unsafe {
            _mm_storeu_si128(dst.cast(), _mm_set_epi64x(bits as i64, i64::from(v.vt)));
            dst.cast::<u64>().add(2).write(0);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = bits;
        // SAFETY: caller contract.
        unsafe { dst.write(v) };
    }
}

macro_rules! scalar {
    ($t:ty, $field:ident, [$($vt:ident),*], $default_vt:ident) => {
        impl DispValue for $t {
            const DIRECT: bool = true;
            fn from_variant(v: Variant) -> $t {
                let raw = v.as_raw();
                match raw.vt {
                    // SAFETY: vt names the member, which has this Rust type.
                    $($vt)|* => unsafe { raw.data.$field },
                    _ => 0 as $t,
                }
            }
            fn into_variant(self, vt: VARTYPE) -> Variant {
                let vt = match vt { $($vt)|* => vt, _ => $default_vt };
                let mut raw = VARIANT::new();
                raw.vt = vt;
                raw.data.$field = self;
                // SAFETY: a plain value of the type vt names.
                unsafe { Variant::from_raw(raw) }
            }
            fn zero() -> $t {
                0 as $t
            }
            #[inline(always)]
            unsafe fn store(self, vt: VARTYPE, dst: *mut VARIANT) {
                // SAFETY: caller contract; `into_variant` builds on VARIANT::new and sets a
                // member of at most 8 bytes.
                unsafe { store_packed(dst, self.into_variant(vt).into_raw()) }
            }
            #[inline(always)]
            fn fast(v: &VARIANT, vt: VARTYPE) -> Option<$t> {
                if v.vt != vt || vt == VT_ERROR || !matches!(vt, $($vt)|*) {
                    return None;
                }
                // SAFETY: vt names the member, which has this Rust type.
                Some(unsafe { v.data.$field })
            }
        }
    };
}

// Types of the same size read each other bit for bit: the table's VARTYPE is the type
// library's (`char` is VT_I1 there, Rust's `u8`; `SCODE` is VT_ERROR, Rust's `i32`).
scalar!(i32, lVal, [VT_I4, VT_INT, VT_ERROR, VT_UI4, VT_UINT], VT_I4);
scalar!(u32, ulVal, [VT_UI4, VT_UINT, VT_I4, VT_INT], VT_UI4);
scalar!(i16, iVal, [VT_I2, VT_UI2], VT_I2);
scalar!(u16, uiVal, [VT_UI2, VT_I2], VT_UI2);
scalar!(i8, cVal, [VT_I1, VT_UI1], VT_I1);
scalar!(u8, bVal, [VT_UI1, VT_I1], VT_UI1);
scalar!(i64, llVal, [VT_I8, VT_CY, VT_UI8], VT_I8);
scalar!(u64, ullVal, [VT_UI8, VT_I8], VT_UI8);
scalar!(f32, fltVal, [VT_R4], VT_R4);
scalar!(f64, dblVal, [VT_R8, VT_DATE], VT_R8);

impl DispValue for bool {
    const DIRECT: bool = false;
    fn from_variant(v: Variant) -> bool {
        let raw = v.as_raw();
        // SAFETY: vt names boolVal.
        raw.vt == VT_BOOL && unsafe { raw.data.boolVal } != VARIANT_FALSE
    }
    fn into_variant(self, _vt: VARTYPE) -> Variant {
        Variant::from(self)
    }
    fn zero() -> bool {
        false
    }
    #[inline(always)]
    unsafe fn store(self, vt: VARTYPE, dst: *mut VARIANT) {
        // SAFETY: caller contract; `Variant::from(bool)` builds on zeroed data and sets
        // `boolVal`.
        unsafe { store_packed(dst, self.into_variant(vt).into_raw()) }
    }
    #[inline(always)]
    fn fast(v: &VARIANT, vt: VARTYPE) -> Option<bool> {
        if v.vt != VT_BOOL || vt != VT_BOOL {
            return None;
        }
        // SAFETY: vt names boolVal.
        Some(unsafe { v.data.boolVal } != VARIANT_FALSE)
    }
}

impl DispValue for BStr {
    const DIRECT: bool = true;
    fn from_variant(v: Variant) -> BStr {
        BStr::try_from(v).unwrap_or_default()
    }
    fn into_variant(self, _vt: VARTYPE) -> Variant {
        Variant::from(self)
    }
    fn zero() -> BStr {
        BStr::new()
    }
    #[inline(always)]
    unsafe fn store(self, vt: VARTYPE, dst: *mut VARIANT) {
        // SAFETY: caller contract; `Variant::from(BStr)` builds on zeroed data and sets
        // `bstrVal`.
        unsafe { store_packed(dst, self.into_variant(vt).into_raw()) }
    }
}

impl DispValue for Variant {
    const DIRECT: bool = true;
    fn from_variant(v: Variant) -> Variant {
        v
    }
    fn into_variant(self, _vt: VARTYPE) -> Variant {
        self
    }
    fn zero() -> Variant {
        Variant::missing()
    }
}

/// An argument the implementation borrows: the caller's value when it already has the
/// parameter's type, or a converted copy (freed after the call).
pub enum Arg<'a, T> {
    /// The caller's value.
    Borrowed(&'a T),
    /// A converted or default value.
    Owned(T),
    /// A bitwise copy of the caller's value, read from a by-reference argument whose address
    /// is not aligned for `T` (so it cannot be borrowed); the caller still owns what it holds,
    /// so it is never dropped.
    Copied(ManuallyDrop<T>),
}

impl<T> Deref for Arg<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            Arg::Borrowed(t) => t,
            Arg::Owned(t) => t,
            Arg::Copied(t) => t,
        }
    }
}

/// The caller's value behind a non-null by-reference pointer, borrowed when `p` is aligned
/// for `T`, else copied bit for bit (the caller's storage need not be aligned: Wine's VBScript
/// passes variables as `VT_BYREF | VT_VARIANT` at 4-byte-aligned addresses).
///
/// # Safety
/// `p` is non-null and points at a live `T` of the caller's, unchanged for `'a`.
unsafe fn by_ref_arg<'a, T>(p: *const T) -> Arg<'a, T> {
    if p.is_aligned() {
        // SAFETY: aligned, non-null and live for 'a (caller contract).
        Arg::Borrowed(unsafe { &*p })
    } else {
        // SAFETY: readable (caller contract); the copy is never dropped.
        Arg::Copied(ManuallyDrop::new(unsafe { p.read_unaligned() }))
    }
}

/// An `[out]` or `[in, out]` argument (A7): the caller's storage itself, or a temporary that
/// [`ByRef::write_back`] stores into the caller's by-reference argument after a successful
/// call. Dropped without `write_back` (a failed call), it frees the temporary and leaves the
/// caller's value alone; storage of exactly the parameter's type keeps what the
/// implementation wrote, as in-place storage does (at an unaligned address the implementation
/// works on a copy, which goes back when the `ByRef` goes).
pub struct ByRef<'a, T: DispValue> {
    value: ManuallyDrop<T>,
    target: Target<'a>,
}

enum Target<'a> {
    /// `value` aliases the caller's `[in, out]` storage (a `&'a mut T` in disguise), which is
    /// aligned for `T`.
    Direct(*mut c_void, PhantomData<&'a mut ()>),
    /// The caller's `[in, out]` storage of exactly `T` at an address not aligned for `T`:
    /// `value` is a bitwise copy the implementation works on, moved back when the `ByRef` goes
    /// (after a failed call too), so the caller sees what aligned storage would have shown.
    Unaligned(*mut c_void),
    /// An `[out]` pointer of the exact type: written without reading the old value.
    Out(*mut c_void),
    /// A by-reference argument of another type: coerced back into it.
    Coerced(u32, &'a VARIANT),
    /// No caller storage (a by-value argument or an omitted optional one).
    None,
}

impl<T: DispValue> Deref for ByRef<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self.target {
            // SAFETY: the pointer is the caller's live storage of a T (checked non-null).
            Target::Direct(p, _) => unsafe { &*p.cast::<T>() },
            _ => &self.value,
        }
    }
}

impl<T: DispValue> DerefMut for ByRef<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match self.target {
            // SAFETY: as in `deref`; the caller's storage is ours for the call.
            Target::Direct(p, _) => unsafe { &mut *p.cast::<T>() },
            _ => &mut self.value,
        }
    }
}

impl<T: DispValue> Drop for ByRef<'_, T> {
    fn drop(&mut self) {
        match self.target {
            Target::Direct(..) => {}
            // SAFETY: `value` holds the caller's value (taken only here or by write_back,
            // which sets the target to Direct first); p is the caller's storage for it.
            Target::Unaligned(p) => unsafe {
                p.cast::<T>()
                    .write_unaligned(ManuallyDrop::take(&mut self.value))
            },
            // SAFETY: `value` is initialized for every other target and dropped only here
            // (write_back takes it out and sets the target to Direct first).
            _ => unsafe { ManuallyDrop::drop(&mut self.value) },
        }
    }
}

impl<T: DispValue> ByRef<'_, T> {
    /// After a successful call: stores the value into the caller's by-reference argument
    /// (coercing it to that argument's type when it differs; a failure names the argument).
    pub fn write_back(mut self) -> Result<(), DispFailure> {
        let target = core::mem::replace(
            &mut self.target,
            Target::Direct(core::ptr::null_mut(), PhantomData),
        );
        // `self.value` is taken here for every target but Direct (whose value is unused).
        let value = match target {
            Target::Direct(..) => return Ok(()),
            // SAFETY: initialized for non-Direct targets; `self.target` is now Direct, so
            // Drop will not drop it again.
            _ => unsafe { ManuallyDrop::take(&mut self.value) },
        };
        match target {
            Target::Out(p) => {
                // SAFETY: the caller's non-null [out] storage of exactly T, perhaps unaligned;
                // an [out] value is written without reading (or freeing) the old one.
                unsafe { p.cast::<T>().write_unaligned(value) };
                Ok(())
            }
            Target::Unaligned(p) => {
                // SAFETY: the caller's non-null storage of exactly T, whose old value `value`
                // took over (a bitwise copy) and the implementation may have replaced.
                unsafe { p.cast::<T>().write_unaligned(value) };
                Ok(())
            }
            Target::Coerced(index, arg) => {
                let base = arg.vt & !VT_BYREF;
                let v = value.into_variant(base);
                // SAFETY: `arg` is a valid by-reference VARIANT of the caller's.
                unsafe { store_byref(arg, v) }.map_err(|hr| DispFailure::Arg(hr, index))
            }
            Target::None | Target::Direct(..) => Ok(()),
        }
    }
}

/// Stores `value` (converted to the pointee's type) where a `VT_BYREF` argument points,
/// freeing what was there.
///
/// The caller's storage need not be aligned (Wine's VBScript passes its variables as
/// `VT_BYREF | VT_VARIANT` at 4-byte-aligned addresses): every access here is unaligned, as
/// the read side's (`coerce::deref`) is.
///
/// # Safety
/// `arg` is a valid `VT_BYREF` VARIANT whose pointer is null or points at a live value of its
/// base type, owned by the caller.
unsafe fn store_byref(arg: &VARIANT, value: Variant) -> Result<(), HRESULT> {
    let base = arg.vt & !VT_BYREF;
    // SAFETY: vt has VT_BYREF.
    let p = unsafe { arg.data.byref };
    if p.is_null() {
        return Err(E_POINTER);
    }
    if base == VT_VARIANT {
        let p = p.cast::<VARIANT>();
        // SAFETY: p points at the caller's VARIANT, which owns its value: cleared through an
        // aligned copy (the caller's bytes are left alone when that fails), then the new
        // value moved in.
        unsafe {
            let mut old = p.read_unaligned();
            crate::check(variant_clear(&mut old)).map_err(|e| e.code())?;
            p.write_unaligned(value.into_raw());
        }
        return Ok(());
    }
    // SAFETY: value is valid.
    let v = unsafe { change_type_raw(value.as_raw(), base) }?.into_raw();
    // SAFETY: p points at a live value of type `base` owned by the caller; each arm frees the
    // old value (for owning types) and stores the new one of the same type, without assuming
    // alignment.
    unsafe {
        if base & VT_ARRAY != 0 {
            let p = p.cast::<*mut SAFEARRAY>();
            let _ = safe_array_destroy(p.read_unaligned());
            p.write_unaligned(v.data.parray);
            return Ok(());
        }
        match base {
            VT_I1 | VT_UI1 => p.cast::<u8>().write(v.data.bVal),
            VT_I2 | VT_UI2 | VT_BOOL => p.cast::<u16>().write_unaligned(v.data.uiVal),
            VT_I4 | VT_UI4 | VT_INT | VT_UINT | VT_ERROR | VT_R4 => {
                p.cast::<u32>().write_unaligned(v.data.ulVal)
            }
            VT_I8 | VT_UI8 | VT_CY | VT_R8 | VT_DATE => {
                p.cast::<u64>().write_unaligned(v.data.ullVal)
            }
            VT_BSTR => {
                let p = p.cast::<BSTR>();
                sys_free_string(p.read_unaligned());
                p.write_unaligned(v.data.bstrVal);
            }
            VT_DISPATCH | VT_UNKNOWN => {
                let p = p.cast::<*mut c_void>();
                let old = p.read_unaligned();
                if !old.is_null() {
                    // The caller's old reference, given up to us: released here.
                    drop(crate::IUnknown::from_raw(old));
                }
                p.write_unaligned(v.data.punkVal);
            }
            _ => {
                let mut v = v;
                let _ = variant_clear(&mut v);
                return Err(DISP_E_TYPEMISMATCH);
            }
        }
    }
    Ok(())
}

/// `[vararg]` arguments packed as a SAFEARRAY of VARIANT (I5), freed after the call.
pub struct VarArgs(Variant);

impl VarArgs {
    /// The array, for the implementation's `SAFEARRAY*` parameter (still owned here).
    pub fn as_ptr(&self) -> *mut SAFEARRAY {
        // SAFETY: always a VT_ARRAY|VT_VARIANT value, whose member is parray.
        unsafe { self.0.as_raw().data.parray }
    }
}

/// A SAFEARRAY argument, borrowed from the caller (null when omitted).
pub struct ArrayArg<'a>(*mut SAFEARRAY, PhantomData<&'a SAFEARRAY>);

impl ArrayArg<'_> {
    /// The array pointer.
    pub fn as_ptr(&self) -> *mut SAFEARRAY {
        self.0
    }
}

/// Where a parameter's value comes from.
enum Source<'a> {
    /// `rgvarg[index]`.
    Given(u32, &'a VARIANT),
    /// Omitted (or passed as the missing marker): the default, if any.
    Missing(Option<DispDefault>),
}

/// One `Invoke` call, seen from a member: fetches each parameter's value by declaration
/// position `k` (the index into [`DispMember::params`]).
pub struct DispCall<'a> {
    member: &'static DispMember,
    args: &'a [VARIANT],
    named: &'a [i32],
    /// Named arguments that map to parameters start here (1 for a property put, whose
    /// `rgvarg[0]` is the new value).
    named_start: usize,
    /// The declaration position of a property put's value parameter.
    put_value: Option<usize>,
    lcid: u32,
}

impl<'a> DispCall<'a> {
    fn param(&self, k: usize) -> Result<&'static DispParam, DispFailure> {
        self.member
            .params
            .get(k)
            .ok_or(DispFailure::Hr(DISP_E_PARAMNOTFOUND))
    }

    fn positional(&self) -> usize {
        self.args.len() - self.named.len()
    }

    /// The position of parameter `k` among those positional arguments fill, if it is one.
    fn position(&self, k: usize) -> Option<usize> {
        position_of(self.member, self.put_value, k)
    }

    /// The `rgvarg` index holding parameter `k`, if the caller passed it (A1).
    fn locate(&self, k: usize) -> Option<usize> {
        if Some(k) == self.put_value {
            return Some(0);
        }
        if let Some(j) = self.named[self.named_start..]
            .iter()
            .position(|id| usize::try_from(*id).ok() == Some(k))
        {
            return Some(self.named_start + j);
        }
        let p = self.position(k)?;
        (p < self.positional()).then(|| self.args.len() - 1 - p)
    }

    fn source(&self, k: usize) -> Result<Source<'a>, DispFailure> {
        let param = self.param(k)?;
        match self.locate(k) {
            Some(i) => {
                let v = &self.args[i];
                if param.is_optional() && is_missing_marker(v) {
                    Ok(Source::Missing(param.default))
                } else {
                    Ok(Source::Given(i as u32, v))
                }
            }
            None if param.is_optional() => Ok(Source::Missing(param.default)),
            None => Err(DispFailure::Hr(DISP_E_BADPARAMCOUNT)),
        }
    }

    /// The type arguments of parameter `k` are coerced to: its own, but an `SCODE` (VT_ERROR)
    /// parameter takes numbers (VT_I4).
    fn target_vt(&self, k: usize) -> Result<VARTYPE, DispFailure> {
        Ok(match self.param(k)?.vt & !VT_BYREF {
            VT_ERROR => VT_I4,
            vt => vt,
        })
    }

    /// The value of a by-value parameter of a scalar type or `bool`, coerced to the
    /// parameter's type (A6), dereferenced when by reference (A7), or its default / zero
    /// value when omitted (A4).
    pub fn value<T: DispValue>(&self, k: usize) -> Result<T, DispFailure> {
        let vt = self.target_vt(k)?;
        match self.source(k)? {
            // Already of the type: read in place, which is what the copy a coercion to the
            // same type makes would give (see `DispValue::fast`).
            Source::Given(i, v) => match T::fast(v, vt) {
                Some(value) => Ok(value),
                None => coerce(v, vt)
                    .map(T::from_variant)
                    .map_err(|hr| DispFailure::Arg(hr, i)),
            },
            Source::Missing(Some(d)) => Ok(T::from_variant(default_value(d, vt)?)),
            Source::Missing(None) => Ok(T::zero()),
        }
    }

    /// A `BSTR` parameter: the caller's string when the argument is one, else a converted copy.
    pub fn bstr(&self, k: usize) -> Result<Arg<'a, BStr>, DispFailure> {
        match self.source(k)? {
            Source::Given(i, v) => {
                if v.vt == VT_BSTR {
                    // SAFETY: vt names bstrVal, owned by the caller for the call.
                    return Ok(Arg::Borrowed(unsafe {
                        BStr::from_raw_ref(&v.data.bstrVal)
                    }));
                }
                if v.vt == VT_BYREF | VT_BSTR {
                    // SAFETY: vt names pbstrVal, null or the caller's live BSTR.
                    let p = unsafe { v.data.pbstrVal };
                    if p.is_null() {
                        return Err(DispFailure::Arg(E_POINTER, i));
                    }
                    // SAFETY: non-null, pointing at the caller's BSTR for the call (BStr is
                    // repr(transparent) over BSTR).
                    return Ok(unsafe { by_ref_arg(p.cast_const().cast::<BStr>()) });
                }
                coerce(v, VT_BSTR)
                    .map(|v| Arg::Owned(BStr::from_variant(v)))
                    .map_err(|hr| DispFailure::Arg(hr, i))
            }
            Source::Missing(Some(d)) => {
                Ok(Arg::Owned(BStr::from_variant(default_value(d, VT_BSTR)?)))
            }
            Source::Missing(None) => Ok(Arg::Owned(BStr::new())),
        }
    }

    /// A `VARIANT` parameter: the caller's VARIANT (through a `VT_BYREF|VT_VARIANT`), a copy of
    /// what another by-reference argument points at, `VT_ERROR`/`DISP_E_PARAMNOTFOUND` when
    /// omitted without default (A4).
    pub fn variant(&self, k: usize) -> Result<Arg<'a, Variant>, DispFailure> {
        match self.source(k)? {
            Source::Given(i, v) => {
                if v.vt == VT_BYREF | VT_VARIANT {
                    // SAFETY: vt names pvarVal, null or the caller's live VARIANT.
                    let p = unsafe { v.data.pvarVal };
                    if p.is_null() {
                        return Err(DispFailure::Arg(E_POINTER, i));
                    }
                    // SAFETY: non-null, the caller's VARIANT for the call (Variant is
                    // repr(transparent) over VARIANT).
                    return Ok(unsafe { by_ref_arg(p.cast_const().cast::<Variant>()) });
                }
                if v.vt & VT_BYREF != 0 {
                    return coerce(v, v.vt & !VT_BYREF)
                        .map(Arg::Owned)
                        .map_err(|hr| DispFailure::Arg(hr, i));
                }
                // SAFETY: a valid VARIANT of the caller's, unchanged for the call.
                Ok(Arg::Borrowed(unsafe { Variant::from_raw_ref(v) }))
            }
            Source::Missing(Some(d)) => Ok(Arg::Owned(default_variant(d))),
            Source::Missing(None) => Ok(Arg::Owned(Variant::missing())),
        }
    }

    /// An interface parameter (`VT_DISPATCH` or `VT_UNKNOWN` in the table): the caller's
    /// object as `I` (through `QueryInterface`), `None` when null or omitted.
    pub fn interface<I: Interface>(&self, k: usize) -> Result<Option<I>, DispFailure> {
        let vt = self.target_vt(k)?;
        match self.source(k)? {
            Source::Given(i, v) => {
                let value = coerce(v, vt).map_err(|hr| DispFailure::Arg(hr, i))?;
                // SAFETY: a VT_DISPATCH / VT_UNKNOWN value: the member is null or live.
                let p = unsafe { value.as_raw().data.punkVal };
                // SAFETY: as above; the borrow ends before `value` drops.
                match unsafe { crate::IUnknown::from_raw_borrowed(&p) } {
                    None => Ok(None),
                    Some(u) => u
                        .cast::<I>()
                        .map(Some)
                        .map_err(|_| DispFailure::Arg(DISP_E_TYPEMISMATCH, i)),
                }
            }
            Source::Missing(_) => Ok(None),
        }
    }

    /// A SAFEARRAY parameter: the caller's array (by value or by reference), null when omitted.
    pub fn array(&self, k: usize) -> Result<ArrayArg<'a>, DispFailure> {
        match self.source(k)? {
            Source::Given(i, v) => {
                if v.vt & VT_ARRAY == 0 {
                    return Err(DispFailure::Arg(DISP_E_TYPEMISMATCH, i));
                }
                let p = if v.vt & VT_BYREF != 0 {
                    // SAFETY: vt names pparray, null or the caller's array pointer.
                    let pp = unsafe { v.data.pparray };
                    if pp.is_null() {
                        return Err(DispFailure::Arg(E_POINTER, i));
                    }
                    // SAFETY: non-null, readable for the call.
                    unsafe { *pp }
                } else {
                    // SAFETY: vt names parray.
                    unsafe { v.data.parray }
                };
                Ok(ArrayArg(p, PhantomData))
            }
            Source::Missing(_) => Ok(ArrayArg(core::ptr::null_mut(), PhantomData)),
        }
    }

    /// The `[vararg]` parameter `k`: the positional arguments from its position on, in order,
    /// as a SAFEARRAY of VARIANT (each a copy, by-reference ones dereferenced) (I5).
    pub fn varargs(&self, k: usize) -> Result<VarArgs, DispFailure> {
        let start = self.position(k).unwrap_or(usize::MAX);
        let n = self.positional();
        let mut values = Vec::new();
        for p in start..n.max(start) {
            let i = self.args.len() - 1 - p;
            let v = &self.args[i];
            let copy = if v.vt & VT_BYREF != 0 {
                coerce(v, v.vt & !VT_BYREF)
            } else {
                // SAFETY: a valid VARIANT of the caller's.
                unsafe { Variant::from_raw_ref(v) }
                    .try_clone()
                    .map_err(|e| e.code())
            }
            .map_err(|hr| DispFailure::Arg(hr, i as u32))?;
            values.push(copy);
        }
        Ok(VarArgs(Variant::try_from_variants(values)?))
    }

    /// An `[lcid]` parameter: the LCID passed to `Invoke` (A5).
    pub fn lcid(&self) -> u32 {
        self.lcid
    }

    /// An `[out]` or `[in, out]` parameter (A7): the caller's storage when the argument is a
    /// `VT_BYREF` of exactly the parameter's type, else a coerced temporary written back by
    /// [`ByRef::write_back`].
    pub fn by_ref<T: DispValue>(&self, k: usize) -> Result<ByRef<'a, T>, DispFailure> {
        let param = self.param(k)?;
        let base = param.vt & !VT_BYREF;
        let target = self.target_vt(k)?;
        let temp = |value: T, target: Target<'a>| ByRef {
            value: ManuallyDrop::new(value),
            target,
        };
        match self.source(k)? {
            Source::Given(i, v) => {
                if v.vt == VT_BYREF | base && T::DIRECT {
                    // SAFETY: vt has VT_BYREF: `byref` is the member.
                    let p = unsafe { v.data.byref };
                    if p.is_null() {
                        return Err(DispFailure::Arg(E_POINTER, i));
                    }
                    return Ok(if param.has(PARAMFLAG_FIN) {
                        if p.cast::<T>().is_aligned() {
                            // The placeholder value holds no resources (see
                            // `DispValue::zero`) and is never dropped.
                            temp(T::zero(), Target::Direct(p, PhantomData))
                        } else {
                            // SAFETY: non-null, the caller's live T; the copy goes back there
                            // (see `Target::Unaligned`).
                            let value = unsafe { p.cast::<T>().read_unaligned() };
                            temp(value, Target::Unaligned(p))
                        }
                    } else {
                        temp(T::zero(), Target::Out(p))
                    });
                }
                let value = if param.has(PARAMFLAG_FIN) || v.vt & VT_BYREF == 0 {
                    let vt = if base == VT_VARIANT {
                        v.vt & !VT_BYREF
                    } else {
                        target
                    };
                    coerce(v, vt)
                        .map(T::from_variant)
                        .map_err(|hr| DispFailure::Arg(hr, i))?
                } else {
                    T::zero()
                };
                if v.vt & VT_BYREF != 0 {
                    Ok(temp(value, Target::Coerced(i, v)))
                } else {
                    Ok(temp(value, Target::None))
                }
            }
            Source::Missing(Some(d)) => Ok(temp(
                T::from_variant(default_value(d, target)?),
                Target::None,
            )),
            Source::Missing(None) => Ok(temp(T::zero(), Target::None)),
        }
    }

    /// The `[retval]` value as the VARIANT `Invoke` returns (R1), of the member's result type.
    pub fn ret<T: DispValue>(&self, value: T) -> Variant {
        value.into_variant(self.member.ret)
    }

    /// A SAFEARRAY `[retval]` as the member's result type (`VT_ARRAY | VT_*`): the VARIANT
    /// takes ownership of the array (a null one stays null).
    pub fn ret_array(&self, value: *mut SAFEARRAY) -> Variant {
        array_variant(value, self.member.ret)
    }

    /// An interface `[retval]` as `VT_DISPATCH` or `VT_UNKNOWN` (the member's result type).
    pub fn ret_interface<I: Interface>(&self, value: Option<I>) -> Variant {
        interface_variant(value, self.member.ret)
    }

    /// Any result as the VARIANT `Invoke` returns (R1), of the member's result type.
    pub fn result<R: DispReturn>(&self, value: R) -> Variant {
        value.into_result(self.member.ret)
    }
}

/// A SAFEARRAY result as a VARIANT of type `vt` (`VT_ARRAY | VT_*`), which takes ownership of
/// the array (a null one stays null).
fn array_variant(value: *mut SAFEARRAY, vt: VARTYPE) -> Variant {
    let mut raw = VARIANT::new();
    raw.vt = vt;
    raw.data.parray = value;
    // SAFETY: an owned SAFEARRAY (or null) of the type the member's VARTYPE names.
    unsafe { Variant::from_raw(raw) }
}

/// An interface result as `Invoke` returns it (R1): `VT_UNKNOWN` when the member's result
/// type `vt` is, else `VT_DISPATCH`.
pub fn interface_variant<I: Interface>(value: Option<I>, vt: VARTYPE) -> Variant {
    let mut raw = VARIANT::new();
    raw.vt = if vt == VT_UNKNOWN {
        VT_UNKNOWN
    } else {
        VT_DISPATCH
    };
    raw.data.punkVal = value.map_or(core::ptr::null_mut(), Interface::into_raw);
    // SAFETY: an owned interface reference (or null) of the type vt names.
    unsafe { Variant::from_raw(raw) }
}

/// The fast path of a generated `Invoke` shim: the common call shape, recognised with a few
/// comparisons and answered without the general machinery of [`dispatch_invoke_selected`].
///
/// A shim selects the member first (as for the general path), then [`FastCall::new`] checks
/// the parts of the call every member shares; the shim's arm for the member checks the
/// argument count ([`FastCall::args`], [`FastCall::put_args`]) and that each argument already
/// has its parameter's exact type, by value ([`FastCall::value`], [`FastCall::bstr`],
/// [`FastCall::variant`]), then calls the implementation through [`FastCall::finish`]. When
/// any check fails the shim takes the general path, which checks everything again from the
/// start; nothing observable has happened by then but what the general path does first too
/// (`*pVarResult` set to `VT_EMPTY`).
///
/// Every call the fast path answers gets exactly what the general path would give it: the
/// same arguments reach the implementation (the caller's BSTR and VARIANT borrowed, scalars
/// read in place, which is what a coercion to the same type copies), and the result, errors
/// (R2, R3, EXCEPINFO) and panics (R5) go through the same code.
pub struct FastCall<'a> {
    /// The interface's name, for EXCEPINFOs.
    source: &'a str,
    args: &'a [VARIANT],
    /// The one named argument is `DISPID_PROPERTYPUT` (I4).
    put: bool,
    lcid: u32,
    result: *mut VARIANT,
    excepinfo: *mut EXCEPINFO,
}

impl<'a> FastCall<'a> {
    /// The call's shape when it can take the fast path: `riid` is `IID_NULL` (I1), the
    /// DISPPARAMS are consistent (I2) and name either no argument or just `DISPID_PROPERTYPUT`
    /// for a put's value (I4). Sets `*pVarResult` to `VT_EMPTY` then, as the general path
    /// does before it looks at the member. `None`: the general path decides. `source` names
    /// the interface in EXCEPINFOs.
    ///
    /// # Safety
    /// As for [`dispatch_invoke`]; the arguments outlive `'a`.
    #[inline(always)]
    pub unsafe fn new(
        source: &'a str,
        riid: *const GUID,
        lcid: u32,
        pdispparams: *const DISPPARAMS,
        pvarresult: *mut VARIANT,
        pexcepinfo: *mut EXCEPINFO,
    ) -> Option<FastCall<'a>> {
        if riid.is_null() || pdispparams.is_null() {
            return None;
        }
        // SAFETY: non-null and readable (caller contract); IID_NULL is all zero bits, and a
        // GUID has no padding.
        if unsafe { riid.cast::<u128>().read_unaligned() } != 0 {
            return None;
        }
        // SAFETY: non-null and readable (caller contract).
        let params = unsafe { &*pdispparams };
        let put = match params.cNamedArgs {
            0 => false,
            1 if params.cArgs >= 1 && !params.rgdispidNamedArgs.is_null() => {
                // SAFETY: non-null, valid for cNamedArgs ids (caller contract).
                if unsafe { *params.rgdispidNamedArgs } != DISPID_PROPERTYPUT {
                    return None;
                }
                true
            }
            _ => return None,
        };
        if params.cArgs > 0 && params.rgvarg.is_null() {
            return None;
        }
        // SAFETY: non-null when the count is non-zero (checked), valid for it (caller
        // contract).
        let args = unsafe { slice(params.rgvarg.cast_const(), params.cArgs) };
        if !pvarresult.is_null() {
            // SAFETY: writable (caller contract); an [out] VARIANT holds nothing to free.
            unsafe { pvarresult.write(VARIANT::new()) };
        }
        Some(FastCall {
            source,
            args,
            put,
            lcid,
            result: pvarresult,
            excepinfo: pexcepinfo,
        })
    }

    /// `rgvarg` when the call passes exactly `N` positional arguments and no named one (a
    /// method or getter with `N` argument parameters): parameter `k` is element `N - 1 - k`
    /// (A1).
    #[inline(always)]
    pub fn args<const N: usize>(&self) -> Option<&'a [VARIANT; N]> {
        if self.put {
            return None;
        }
        self.args.try_into().ok()
    }

    /// `rgvarg` when the call is a property put with `N` arguments in all: the value
    /// (`DISPID_PROPERTYPUT`, element 0, the last argument parameter) and `N - 1` positional
    /// index arguments, parameter `k` at element `N - 1 - k` (A1, I4).
    #[inline(always)]
    pub fn put_args<const N: usize>(&self) -> Option<&'a [VARIANT; N]> {
        if !self.put {
            return None;
        }
        self.args.try_into().ok()
    }

    /// `rgvarg` when the call passes exactly `n` arguments and is a property put (`put`) or
    /// not: [`FastCall::args`] or [`FastCall::put_args`] for a count known at run time.
    #[inline(always)]
    pub fn shape(&self, n: usize, put: bool) -> Option<&'a [VARIANT]> {
        (self.put == put && self.args.len() == n).then_some(self.args)
    }

    /// A scalar or `bool` parameter of type `vt` given an argument of exactly that type.
    #[inline(always)]
    pub fn value<T: DispValue>(&self, v: &'a VARIANT, vt: VARTYPE) -> Option<T> {
        T::fast(v, vt)
    }

    /// A `BSTR` parameter given a `VT_BSTR` argument: the caller's string, borrowed.
    #[inline(always)]
    pub fn bstr(&self, v: &'a VARIANT) -> Option<Arg<'a, BStr>> {
        Self::bstr_of(v)
    }

    /// [`FastCall::bstr`], for the shim's parameters.
    #[inline(always)]
    pub(crate) fn bstr_of(v: &'a VARIANT) -> Option<Arg<'a, BStr>> {
        if v.vt != VT_BSTR {
            return None;
        }
        // SAFETY: vt names bstrVal, owned by the caller for the call.
        Some(Arg::Borrowed(unsafe {
            BStr::from_raw_ref(&v.data.bstrVal)
        }))
    }

    /// A `VARIANT` parameter given a by-value argument (for an `optional` one, not the
    /// missing marker, A4): the caller's VARIANT, borrowed.
    #[inline(always)]
    pub fn variant(&self, v: &'a VARIANT, optional: bool) -> Option<Arg<'a, Variant>> {
        Self::variant_of(v, optional)
    }

    /// [`FastCall::variant`], for the shim's parameters.
    #[inline(always)]
    pub(crate) fn variant_of(v: &'a VARIANT, optional: bool) -> Option<Arg<'a, Variant>> {
        if v.vt & VT_BYREF != 0 || (optional && is_missing_marker(v)) {
            return None;
        }
        // SAFETY: a valid VARIANT of the caller's, unchanged for the call.
        Some(Arg::Borrowed(unsafe { Variant::from_raw_ref(v) }))
    }

    /// An `[lcid]` parameter: the LCID passed to `Invoke` (A5).
    #[inline(always)]
    pub fn lcid(&self) -> u32 {
        self.lcid
    }

    /// Calls the implementation in a panic guard and stores its result in `*pVarResult` as
    /// a VARIANT of the member's result type `vt` (R1: what `DispCall::ret` gives; nothing
    /// for `()`), or reports its failure (R2, R3) or panic (R5) as the general path does.
    #[inline(always)]
    pub fn finish<R: DispReturn>(
        &self,
        vt: VARTYPE,
        f: impl FnOnce() -> Result<R, Error>,
    ) -> HRESULT {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(Ok(value)) => {
                if !self.result.is_null() {
                    // SAFETY: writable (Invoke contract); it holds VT_EMPTY (written in `new`).
                    unsafe { value.store(vt, self.result) };
                }
                S_OK
            }
            Ok(Err(e)) => fast_failed(self.source, self.excepinfo, e),
            Err(payload) => match panicked(self.source, self.excepinfo, payload) {
                Ok(_) => S_OK,
                Err(hr) => hr,
            },
        }
    }
}

/// [`FastCall::finish`] for an implementation that failed: [`failed`]'s answer. Its success
/// value (R2) is `VT_EMPTY`, which `*pVarResult` already holds.
#[cold]
#[inline(never)]
fn fast_failed(source: &str, pexcepinfo: *mut EXCEPINFO, e: Error) -> HRESULT {
    match failed(source, pexcepinfo, &|_| {}, DispFailure::Call(e)) {
        Ok(_) => S_OK,
        Err(hr) => hr,
    }
}

/// Omitted optional arguments may be passed as `VT_ERROR` with `DISP_E_PARAMNOTFOUND` (A4).
fn is_missing_marker(v: &VARIANT) -> bool {
    // SAFETY: vt names scode.
    v.vt == VT_ERROR && unsafe { v.data.scode } == DISP_E_PARAMNOTFOUND.0
}

fn coerce(v: &VARIANT, vt: VARTYPE) -> Result<Variant, HRESULT> {
    // SAFETY: `v` is one of the caller's arguments, valid for the call (Invoke contract).
    unsafe { change_type_raw(v, vt) }
}

fn default_variant(d: DispDefault) -> Variant {
    match d {
        DispDefault::Int(i) => match i32::try_from(i) {
            Ok(i) => Variant::from(i),
            Err(_) => Variant::from(i),
        },
        DispDefault::Float(bits) => Variant::from(f64::from_bits(bits)),
        DispDefault::Str(s) => Variant::from(s),
    }
}

fn default_value(d: DispDefault, vt: VARTYPE) -> Result<Variant, DispFailure> {
    let v = default_variant(d);
    if vt == VT_VARIANT {
        return Ok(v);
    }
    crate::change_type(&v, vt).map_err(DispFailure::Hr)
}

/// The position among positional arguments of parameter `k`, if positional arguments can
/// fill it (an argument parameter other than a property put's value).
fn position_of(member: &DispMember, put_value: Option<usize>, k: usize) -> Option<usize> {
    let param = member.params.get(k)?;
    if !param.is_argument() || Some(k) == put_value {
        return None;
    }
    Some(
        member.params[..k]
            .iter()
            .enumerate()
            .filter(|(i, p)| p.is_argument() && Some(*i) != put_value)
            .count(),
    )
}

/// The slice behind a pointer and a count; empty for a zero count (whatever the pointer).
///
/// # Safety
/// When `n > 0`, `p` is non-null and valid for `n` elements for `'a`.
unsafe fn slice<'a, T>(p: *const T, n: u32) -> &'a [T] {
    if n == 0 {
        &[]
    } else {
        // SAFETY: caller contract.
        unsafe { core::slice::from_raw_parts(p, n as usize) }
    }
}

/// Fills an EXCEPINFO for a failed member (R3): `wCode` 0, `scode` the error's code,
/// `bstrSource` the interface name, `bstrDescription` the message (null when empty).
///
/// # Safety
/// `p` is null or writable.
pub unsafe fn fill_excepinfo(p: *mut EXCEPINFO, source: &str, error: &Error) {
    if p.is_null() {
        return;
    }
    let description = if error.message().is_empty() {
        core::ptr::null_mut()
    } else {
        BStr::from(error.message()).into_raw()
    };
    let info = EXCEPINFO {
        bstrSource: BStr::from(source).into_raw(),
        bstrDescription: description,
        scode: error.code().0,
        ..EXCEPINFO::default()
    };
    // SAFETY: non-null and writable (caller contract); the strings now belong to the caller.
    unsafe { p.write(info) };
}

/// `IDispatch::Invoke` answered from `table` (spec/idispatch.md I1-I5, A1-A9, R1-R5).
///
/// `call(member, args)` calls member `members()[member]` with the arguments `args` fetches;
/// it runs inside a panic guard. `source` names the interface in EXCEPINFOs.
///
/// Checks, in order: `riid` null (`E_POINTER`) or not `IID_NULL` (`DISP_E_UNKNOWNINTERFACE`);
/// `pDispParams` null (`DISP_E_PARAMNOTOPTIONAL`); inconsistent counts or null arrays
/// (`E_INVALIDARG`); member selection (`DISP_E_MEMBERNOTFOUND`); `DISP_E_NOTACOLLECTION`;
/// property put's named value (`DISP_E_PARAMNOTFOUND`); `[vararg]` named arguments
/// (`DISP_E_NONAMEDARGS`); each named DISPID (`DISP_E_PARAMNOTFOUND`, `*puArgErr` its index; a
/// parameter named twice, or named and positional, counts as not found); the argument count
/// and every required parameter (`DISP_E_BADPARAMCOUNT`). Then the call, where coercion
/// failures set `*puArgErr`.
///
/// # Safety
/// `this` is the object `call` expects; the other pointers follow the `Invoke` contract
/// (each null or valid: `pDispParams` describing `cArgs` valid VARIANTs and `cNamedArgs` ids,
/// `pVarResult` writable, `pExcepInfo` writable, `puArgErr` writable).
#[allow(clippy::too_many_arguments)]
pub unsafe fn dispatch_invoke(
    table: &DispidTable,
    source: &str,
    dispid: i32,
    riid: *const GUID,
    lcid: u32,
    wflags: u16,
    pdispparams: *const DISPPARAMS,
    pvarresult: *mut VARIANT,
    pexcepinfo: *mut EXCEPINFO,
    puargerr: *mut u32,
    call: impl FnOnce(usize, &DispCall<'_>) -> DispResult,
) -> HRESULT {
    // SAFETY: forwarded caller contract.
    unsafe {
        dispatch_invoke_selected(
            table,
            source,
            table.select(dispid, wflags),
            dispid,
            riid,
            lcid,
            wflags,
            pdispparams,
            pvarresult,
            pexcepinfo,
            puargerr,
            call,
        )
    }
}

/// [`dispatch_invoke`] with the member already selected: `selected` must be
/// `table.select(dispid, wflags)` (generated shims compute it with a `match` on the DISPID
/// written at generation time, rule I3). The checks and their order are
/// [`dispatch_invoke`]'s.
///
/// # Safety
/// As for [`dispatch_invoke`].
#[allow(clippy::too_many_arguments)]
#[inline]
pub unsafe fn dispatch_invoke_selected(
    table: &DispidTable,
    source: &str,
    selected: Option<usize>,
    dispid: i32,
    riid: *const GUID,
    lcid: u32,
    wflags: u16,
    pdispparams: *const DISPPARAMS,
    pvarresult: *mut VARIANT,
    pexcepinfo: *mut EXCEPINFO,
    puargerr: *mut u32,
    call: impl FnOnce(usize, &DispCall<'_>) -> DispResult,
) -> HRESULT {
    if riid.is_null() {
        return E_POINTER;
    }
    // SAFETY: non-null and readable (caller contract).
    if unsafe { *riid } != IID_NULL {
        return DISP_E_UNKNOWNINTERFACE;
    }
    if pdispparams.is_null() {
        return DISP_E_PARAMNOTOPTIONAL;
    }
    // SAFETY: non-null and readable (caller contract).
    let params = unsafe { &*pdispparams };
    if params.cNamedArgs > params.cArgs
        || (params.cNamedArgs > 0 && params.rgdispidNamedArgs.is_null())
        || (params.cArgs > 0 && params.rgvarg.is_null())
    {
        return E_INVALIDARG;
    }
    // SAFETY: non-null when the counts are non-zero (checked) and valid for them (caller
    // contract).
    let (args, named) = unsafe {
        (
            slice(params.rgvarg.cast_const(), params.cArgs),
            slice(params.rgdispidNamedArgs.cast_const(), params.cNamedArgs),
        )
    };
    if !pvarresult.is_null() {
        // SAFETY: writable (caller contract); an [out] VARIANT holds nothing to free.
        unsafe { pvarresult.write(VARIANT::new()) };
    }

    let Some(index) = selected else {
        return DISP_E_MEMBERNOTFOUND;
    };
    let Some(member) = table.members().get(index) else {
        return DISP_E_MEMBERNOTFOUND;
    };
    if member.is_restricted() && dispid >= 0 {
        return DISP_E_MEMBERNOTFOUND;
    }
    let out = Out {
        source,
        result: pvarresult,
        excepinfo: pexcepinfo,
        arg_err: puargerr,
    };

    // The common call: positional arguments only, to a method or getter without [vararg].
    // Its checks (A3, A8) in one pass over the parameters; anything else, and R4's
    // collection case, takes the general path.
    if named.is_empty()
        && matches!(member.kind, InvokeKind::Method | InvokeKind::PropertyGet)
        && !member.is_vararg()
    {
        let mut capacity = 0;
        let mut missing = false;
        for p in member.params {
            if p.is_argument() {
                missing |= capacity >= args.len() && !p.is_optional();
                capacity += 1;
            }
        }
        // R4's collection case (a parameterless getter given arguments) is the general path's.
        let collection = member.kind == InvokeKind::PropertyGet && capacity == 0;
        if !collection || args.is_empty() {
            if args.len() > capacity || missing {
                return DISP_E_BADPARAMCOUNT;
            }
            let dispcall = DispCall {
                member,
                args,
                named,
                named_start: 0,
                put_value: None,
                lcid,
            };
            return out.finish(|| call(index, &dispcall));
        }
    }
    invoke_general(
        member,
        index,
        out,
        lcid,
        wflags,
        pdispparams,
        args,
        named,
        call,
    )
}

/// Where `Invoke`'s results go.
#[derive(Clone, Copy)]
struct Out<'s> {
    source: &'s str,
    result: *mut VARIANT,
    excepinfo: *mut EXCEPINFO,
    arg_err: *mut u32,
}

impl Out<'_> {
    fn set_arg_err(&self, index: u32) {
        if !self.arg_err.is_null() {
            // SAFETY: non-null and writable (Invoke contract).
            unsafe { self.arg_err.write(index) };
        }
    }

    /// Runs the member call and stores its result (R1) or failure.
    #[inline(always)]
    fn finish(&self, f: impl FnOnce() -> DispResult) -> HRESULT {
        match run(self.source, self.excepinfo, &|i| self.set_arg_err(i), f) {
            Ok(value) => {
                if !self.result.is_null() {
                    // SAFETY: writable (Invoke contract); it holds VT_EMPTY (written first).
                    unsafe { self.result.write(value.into_raw()) };
                }
                S_OK
            }
            Err(hr) => hr,
        }
    }
}

/// The rest of [`dispatch_invoke_selected`]: property puts, named arguments, `[vararg]`
/// members and R4's collection case.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn invoke_general(
    member: &'static DispMember,
    index: usize,
    out: Out<'_>,
    lcid: u32,
    wflags: u16,
    pdispparams: *const DISPPARAMS,
    args: &[VARIANT],
    named: &[i32],
    call: impl FnOnce(usize, &DispCall<'_>) -> DispResult,
) -> HRESULT {
    let put = matches!(
        member.kind,
        InvokeKind::PropertyPut | InvokeKind::PropertyPutRef
    );
    let put_value = if put {
        member.params.iter().rposition(|p| p.is_argument())
    } else {
        None
    };
    let capacity = member
        .params
        .iter()
        .enumerate()
        .filter(|(i, p)| p.is_argument() && Some(*i) != put_value)
        .count();
    let positional = args.len() - named.len();

    // R4: a property without parameters called with arguments: a collection's default member.
    if member.kind == InvokeKind::PropertyGet && capacity == 0 && !args.is_empty() {
        if !matches!(member.ret, VT_DISPATCH | VT_UNKNOWN | VT_VARIANT) {
            return DISP_E_NOTACOLLECTION;
        }
        let none = DispCall {
            member,
            args: &[],
            named: &[],
            named_start: 0,
            put_value: None,
            lcid,
        };
        let value = match run(out.source, out.excepinfo, &|i| out.set_arg_err(i), || {
            call(index, &none)
        }) {
            Ok(v) => v,
            Err(hr) => return hr,
        };
        return reinvoke_value(
            value,
            lcid,
            wflags,
            pdispparams,
            out.result,
            out.excepinfo,
            out.arg_err,
        );
    }

    let named_start = if put {
        if named.first() != Some(&DISPID_PROPERTYPUT) || put_value.is_none() {
            return DISP_E_PARAMNOTFOUND;
        }
        1
    } else {
        0
    };
    if member.is_vararg() && named.len() > named_start {
        return DISP_E_NONAMEDARGS;
    }
    // A2: every named argument names a parameter not otherwise given.
    for (j, id) in named.iter().enumerate().skip(named_start) {
        let ok = usize::try_from(*id).ok().is_some_and(|k| {
            member.params.get(k).is_some_and(|p| p.is_argument())
                && Some(k) != put_value
                && position_of(member, put_value, k).is_some_and(|p| p >= positional)
                && !named[named_start..j].contains(id)
        });
        if !ok {
            out.set_arg_err(j as u32);
            return DISP_E_PARAMNOTFOUND;
        }
    }
    // A3 / A8: too many positional arguments (a [retval] is never an argument).
    if positional > capacity && !member.is_vararg() {
        return DISP_E_BADPARAMCOUNT;
    }
    let dispcall = DispCall {
        member,
        args,
        named,
        named_start,
        put_value,
        lcid,
    };
    // A3: every required parameter is given.
    let vararg_param = if member.is_vararg() {
        member.params.iter().rposition(|p| p.is_argument())
    } else {
        None
    };
    for (k, p) in member.params.iter().enumerate() {
        if p.is_argument()
            && !p.is_optional()
            && Some(k) != vararg_param
            && dispcall.locate(k).is_none()
        {
            return DISP_E_BADPARAMCOUNT;
        }
    }
    out.finish(|| call(index, &dispcall))
}

/// Runs a member call in a panic guard and turns failures into the HRESULT `Invoke` returns,
/// filling the EXCEPINFO (R3, R5) or `*puArgErr` (A2, A6).
#[inline(always)]
fn run(
    source: &str,
    pexcepinfo: *mut EXCEPINFO,
    set_arg_err: &dyn Fn(u32),
    f: impl FnOnce() -> DispResult,
) -> Result<Variant, HRESULT> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(failure)) => failed(source, pexcepinfo, set_arg_err, failure),
        Err(payload) => panicked(source, pexcepinfo, payload),
    }
}

/// [`run`] for a member call that failed.
#[cold]
#[inline(never)]
fn failed(
    source: &str,
    pexcepinfo: *mut EXCEPINFO,
    set_arg_err: &dyn Fn(u32),
    failure: DispFailure,
) -> Result<Variant, HRESULT> {
    match failure {
        DispFailure::Hr(hr) => Err(hr),
        DispFailure::Arg(hr, i) => {
            set_arg_err(i);
            Err(hr)
        }
        // R2: a success code (S_FALSE) reported as an error is a success without result.
        DispFailure::Call(e) if e.code().is_ok() => Ok(Variant::new()),
        DispFailure::Call(e) => {
            // SAFETY: null or writable (Invoke contract).
            unsafe { fill_excepinfo(pexcepinfo, source, &e) };
            Err(DISP_E_EXCEPTION)
        }
    }
}

/// [`run`] for a member call that panicked (R5).
#[cold]
#[inline(never)]
fn panicked(
    source: &str,
    pexcepinfo: *mut EXCEPINFO,
    payload: Box<dyn core::any::Any + Send>,
) -> Result<Variant, HRESULT> {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "the implementation panicked".to_string());
    let e = Error::new(E_UNEXPECTED, format!("panic: {message}"));
    // SAFETY: null or writable (Invoke contract).
    unsafe { fill_excepinfo(pexcepinfo, source, &e) };
    Err(DISP_E_EXCEPTION)
}

/// R4's collection case: `Invoke(DISPID_VALUE)` on the object a parameterless property
/// returned, with the original arguments.
#[allow(clippy::too_many_arguments)]
fn reinvoke_value(
    value: Variant,
    lcid: u32,
    wflags: u16,
    pdispparams: *const DISPPARAMS,
    pvarresult: *mut VARIANT,
    pexcepinfo: *mut EXCEPINFO,
    puargerr: *mut u32,
) -> HRESULT {
    let Ok(object) = IDispatch::try_from(&value) else {
        return DISP_E_NOTACOLLECTION;
    };
    let flags = wflags & (DISPATCH_METHOD | DISPATCH_PROPERTYGET);
    // SAFETY: a live IDispatch; the caller's arguments and out pointers are passed on under
    // the same contract.
    unsafe {
        (object.vtable().Invoke)(
            object.as_raw(),
            DISPID_VALUE,
            &IID_NULL,
            lcid,
            if flags == 0 {
                DISPATCH_PROPERTYGET
            } else {
                flags
            },
            pdispparams,
            pvarresult,
            pexcepinfo,
            puargerr,
        )
    }
}
