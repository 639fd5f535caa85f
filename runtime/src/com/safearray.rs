//! `SAFEARRAY`: Automation arrays, and the vector functions the runtime needs.
//!
//! On Windows the functions call oleaut32 (`SafeArrayCreateVector`, `SafeArrayDestroy`,
//! `SafeArrayCopy`, `SafeArrayGetVartype`). Elsewhere a portable implementation builds the same
//! memory image oleaut32's `SafeArrayCreateVector` builds, so that oleaut32 (or Wine) could read
//! one:
//!
//! ```text
//! block + 0   16 hidden bytes: the IID (FADF_HAVEIID, for VT_UNKNOWN/VT_DISPATCH), or the
//!             VARTYPE as a u32 in the last 4 of them, just before the header (FADF_HAVEVARTYPE)
//! block + 16  SAFEARRAY header, cDims = 1            <- the SAFEARRAY pointer
//! header + size_of::<SAFEARRAY>()  the elements      <- pvData
//! ```
//!
//! `fFeatures` is what oleaut32 sets for a vector: `FADF_HAVEVARTYPE` (or `FADF_HAVEIID`), plus
//! `FADF_BSTR` / `FADF_UNKNOWN` / `FADF_DISPATCH` / `FADF_VARIANT` by element type, plus
//! `FADF_CREATEVECTOR` (header and data in one block). The portable [`safe_array_destroy`] frees
//! only arrays of that shape (the only ones that exist off Windows); [`safe_array_copy`] makes
//! its copy as such a vector too. Supported element types: I1, UI1, I2, UI2, BOOL, I4, UI4, INT,
//! UINT, R4, ERROR, I8, UI8, R8, CY, DATE, DECIMAL, BSTR, VARIANT, UNKNOWN, DISPATCH (VT_RECORD
//! needs an `IRecordInfo` and is not supported by the portable code).

use core::ffi::c_void;

#[allow(unused_imports)]
use crate::automation::*;
use crate::{HRESULT, VARTYPE};

/// The bounds of one dimension.
#[repr(C)]
#[allow(non_snake_case)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SAFEARRAYBOUND {
    /// Number of elements.
    pub cElements: u32,
    /// Lower bound (index of the first element).
    pub lLbound: i32,
}

/// The header of an Automation array. `rgsabound` really has `cDims` entries, the LAST
/// dimension first (as oleaut32 stores them); a vector has one.
#[repr(C)]
#[allow(non_snake_case)]
#[derive(Clone, Copy, Debug)]
pub struct SAFEARRAY {
    /// Number of dimensions.
    pub cDims: u16,
    /// `FADF_*` flags.
    pub fFeatures: u16,
    /// Size of one element in bytes.
    pub cbElements: u32,
    /// Lock count; a locked array cannot be destroyed.
    pub cLocks: u32,
    /// The elements.
    pub pvData: *mut c_void,
    /// The bounds of each dimension.
    pub rgsabound: [SAFEARRAYBOUND; 1],
}

/// Allocated on the stack.
pub const FADF_AUTO: u16 = 0x0001;
/// Allocated statically.
pub const FADF_STATIC: u16 = 0x0002;
/// Embedded in a structure.
pub const FADF_EMBEDDED: u16 = 0x0004;
/// May not be resized or reallocated.
pub const FADF_FIXEDSIZE: u16 = 0x0010;
/// Elements are records; the `IRecordInfo` is in the 4 (or 8) bytes before the header.
pub const FADF_RECORD: u16 = 0x0020;
/// An IID is stored in the 16 bytes before the header.
pub const FADF_HAVEIID: u16 = 0x0040;
/// The VARTYPE is stored (as a u32) in the 4 bytes before the header.
pub const FADF_HAVEVARTYPE: u16 = 0x0080;
/// Elements are BSTRs (freed on destroy, copied on copy).
pub const FADF_BSTR: u16 = 0x0100;
/// Elements are `IUnknown*` (released on destroy, AddRef'd on copy).
pub const FADF_UNKNOWN: u16 = 0x0200;
/// Elements are `IDispatch*`.
pub const FADF_DISPATCH: u16 = 0x0400;
/// Elements are VARIANTs (cleared on destroy, copied on copy).
pub const FADF_VARIANT: u16 = 0x0800;
/// Undocumented flag oleaut32 sets on arrays from `SafeArrayCreateVector`: header and data are
/// one allocation.
pub const FADF_CREATEVECTOR: u16 = 0x2000;

/// `SafeArrayCreateVector`: a one-dimensional array of `count` zeroed elements of type `vt`
/// (BSTRs null, VARIANTs `VT_EMPTY`), first index `lbound`. Null when `vt` is not supported or
/// memory is exhausted.
pub fn safe_array_create_vector(vt: VARTYPE, lbound: i32, count: u32) -> *mut SAFEARRAY {
    #[cfg(windows)]
    {
        // SAFETY: plain values; oleaut32 validates vt and returns null on failure.
        unsafe { crate::oleaut32::SafeArrayCreateVector(vt, lbound, count) }
    }
    #[cfg(not(windows))]
    {
        portable::create_vector(vt, lbound, count)
    }
}

/// `SafeArrayDestroy`: destroys the elements (BSTRs freed, VARIANTs cleared, interfaces
/// released) and frees the array. Null gives `S_OK`; a locked array gives
/// `DISP_E_ARRAYISLOCKED`. The portable code gives `E_INVALIDARG`, and leaves the array alone,
/// for arrays it did not make (see the module docs).
///
/// # Safety
/// `psa` is null or a live array from [`safe_array_create_vector`] / [`safe_array_copy`] (or
/// oleaut32), not used afterwards.
pub unsafe fn safe_array_destroy(psa: *mut SAFEARRAY) -> HRESULT {
    #[cfg(windows)]
    {
        // SAFETY: forwarded caller contract.
        unsafe { crate::oleaut32::SafeArrayDestroy(psa) }
    }
    #[cfg(not(windows))]
    {
        // SAFETY: forwarded caller contract.
        unsafe { portable::destroy(psa) }
    }
}

/// `SafeArrayCopy`: a deep copy (BSTRs copied, VARIANTs copied with `VariantCopy` semantics,
/// interfaces AddRef'd) written to `*out`. `*out` is null on failure and for a null `psa`.
///
/// # Safety
/// `psa` is null or a live array; `out` is valid for writing.
pub unsafe fn safe_array_copy(psa: *const SAFEARRAY, out: *mut *mut SAFEARRAY) -> HRESULT {
    #[cfg(windows)]
    {
        // SAFETY: forwarded caller contract.
        unsafe { crate::oleaut32::SafeArrayCopy(psa, out) }
    }
    #[cfg(not(windows))]
    {
        // SAFETY: forwarded caller contract.
        unsafe { portable::copy(psa, out) }
    }
}

/// `SafeArrayGetVartype`: the element type, from the hidden VARTYPE or the feature flags.
/// `E_INVALIDARG` when the array records neither (or `psa`/`out` is null).
///
/// # Safety
/// `psa` is null or a live array; `out` is null or valid for writing.
pub unsafe fn safe_array_get_vartype(psa: *const SAFEARRAY, out: *mut VARTYPE) -> HRESULT {
    #[cfg(windows)]
    {
        // SAFETY: forwarded caller contract.
        unsafe { crate::oleaut32::SafeArrayGetVartype(psa, out) }
    }
    #[cfg(not(windows))]
    {
        if psa.is_null() || out.is_null() {
            return crate::E_INVALIDARG;
        }
        // SAFETY: psa is a live array (caller contract).
        match unsafe { portable::vartype(psa) } {
            Some(vt) => {
                // SAFETY: out is non-null and writable (caller contract).
                unsafe { out.write(vt) };
                crate::S_OK
            }
            None => crate::E_INVALIDARG,
        }
    }
}

/// The elements of a one-dimensional array as a slice of `T`, or `None` when the array is null,
/// not one-dimensional, or its elements are not `size_of::<T>()` bytes.
///
/// # Safety
/// `psa` is null or a live array whose elements are valid `T`s, alive and unchanged for `'a`.
pub unsafe fn safe_array_as_slice<'a, T>(psa: *const SAFEARRAY) -> Option<&'a [T]> {
    if psa.is_null() {
        return None;
    }
    // SAFETY: psa is a live array (caller contract).
    let header = unsafe { &*psa };
    if header.cDims != 1 || header.cbElements as usize != size_of::<T>() {
        return None;
    }
    let len = header.rgsabound[0].cElements as usize;
    if len == 0 || header.pvData.is_null() {
        return Some(&[]);
    }
    // SAFETY: a live one-dimensional array has cElements elements of cbElements bytes at
    // pvData, which oleaut32 and the portable code align for the element type; they are valid
    // Ts for 'a (caller contract).
    Some(unsafe { core::slice::from_raw_parts(header.pvData.cast::<T>(), len) })
}

#[cfg(not(windows))]
mod portable {
    use core::ffi::c_void;
    use std::alloc::{self, Layout};

    use super::*;
    use crate::{
        BSTR, DECIMAL, DISP_E_ARRAYISLOCKED, E_INVALIDARG, E_OUTOFMEMORY, GUID, IDispatch,
        IUnknown, IUnknown_Vtbl, Interface, S_OK, VARIANT, VT_BOOL, VT_BSTR, VT_CY, VT_DATE,
        VT_DECIMAL, VT_DISPATCH, VT_ERROR, VT_I1, VT_I2, VT_I4, VT_I8, VT_INT, VT_R4, VT_R8,
        VT_UI1, VT_UI2, VT_UI4, VT_UI8, VT_UINT, VT_UNKNOWN, VT_VARIANT, sys_alloc_string_byte_len,
        sys_free_string, sys_string_byte_len, variant_clear, variant_copy,
    };

    /// Bytes before the header: room for an IID, or the VARTYPE in the last four.
    const HIDDEN: usize = 16;
    /// Offset of the first element from the block start.
    const DATA: usize = HIDDEN + size_of::<SAFEARRAY>();
    /// Alignment of the block: enough for the header and every supported element type.
    const ALIGN: usize = {
        let mut a = align_of::<SAFEARRAY>();
        let others = [
            align_of::<VARIANT>(),
            align_of::<DECIMAL>(),
            align_of::<f64>(),
            align_of::<u64>(),
            align_of::<GUID>(),
        ];
        let mut i = 0;
        while i < others.len() {
            if others[i] > a {
                a = others[i];
            }
            i += 1;
        }
        a
    };
    const _: () = assert!(HIDDEN.is_multiple_of(ALIGN) && DATA.is_multiple_of(ALIGN));

    /// The element size for `vt`, or `None` when the portable code does not support it.
    pub(super) fn element_size(vt: VARTYPE) -> Option<u32> {
        let size = match vt {
            VT_I1 | VT_UI1 => 1,
            VT_I2 | VT_UI2 | VT_BOOL => 2,
            VT_I4 | VT_UI4 | VT_INT | VT_UINT | VT_R4 | VT_ERROR => 4,
            VT_I8 | VT_UI8 | VT_R8 | VT_CY | VT_DATE => 8,
            VT_DECIMAL => size_of::<DECIMAL>(),
            VT_BSTR | VT_UNKNOWN | VT_DISPATCH => size_of::<*mut c_void>(),
            VT_VARIANT => size_of::<VARIANT>(),
            _ => return None,
        };
        u32::try_from(size).ok()
    }

    /// The block layout for `count` elements of `size` bytes.
    fn layout(size: u32, count: u32) -> Option<Layout> {
        let data = (size as usize).checked_mul(count as usize)?;
        Layout::from_size_align(DATA.checked_add(data)?, ALIGN).ok()
    }

    pub(super) fn create_vector(vt: VARTYPE, lbound: i32, count: u32) -> *mut SAFEARRAY {
        let Some(size) = element_size(vt) else {
            return core::ptr::null_mut();
        };
        let Some(layout) = layout(size, count) else {
            return core::ptr::null_mut();
        };
        // SAFETY: the layout is not zero-sized (DATA > 0).
        let block = unsafe { alloc::alloc_zeroed(layout) };
        if block.is_null() {
            return core::ptr::null_mut();
        }
        let mut features = FADF_CREATEVECTOR;
        // SAFETY: the block holds HIDDEN bytes, the header and the data, aligned to ALIGN; the
        // hidden IID or VARTYPE, the header and pvData are all inside it. The data is zeroed,
        // which is a null BSTR / null interface / VT_EMPTY VARIANT / zero number.
        unsafe {
            match vt {
                VT_UNKNOWN | VT_DISPATCH => {
                    let iid = if vt == VT_UNKNOWN {
                        IUnknown::IID
                    } else {
                        IDispatch::IID
                    };
                    block.cast::<GUID>().write(iid);
                    features |= FADF_HAVEIID;
                    features |= if vt == VT_UNKNOWN {
                        FADF_UNKNOWN
                    } else {
                        FADF_DISPATCH
                    };
                }
                _ => {
                    block.add(HIDDEN - 4).cast::<u32>().write(u32::from(vt));
                    features |= FADF_HAVEVARTYPE;
                    features |= match vt {
                        VT_BSTR => FADF_BSTR,
                        VT_VARIANT => FADF_VARIANT,
                        _ => 0,
                    };
                }
            }
            let psa = block.add(HIDDEN).cast::<SAFEARRAY>();
            psa.write(SAFEARRAY {
                cDims: 1,
                fFeatures: features,
                cbElements: size,
                cLocks: 0,
                pvData: block.add(DATA).cast::<c_void>(),
                rgsabound: [SAFEARRAYBOUND {
                    cElements: count,
                    lLbound: lbound,
                }],
            });
            psa
        }
    }

    /// True for a vector this module made: one block, one dimension.
    fn is_portable_vector(header: &SAFEARRAY) -> bool {
        header.cDims == 1 && header.fFeatures & FADF_CREATEVECTOR != 0
    }

    /// # Safety
    /// `psa` is a live array.
    pub(super) unsafe fn vartype(psa: *const SAFEARRAY) -> Option<VARTYPE> {
        // SAFETY: psa is live (caller contract).
        let features = unsafe { (*psa).fFeatures };
        if features & FADF_HAVEIID != 0 {
            Some(if features & FADF_DISPATCH != 0 {
                VT_DISPATCH
            } else {
                VT_UNKNOWN
            })
        } else if features & FADF_HAVEVARTYPE != 0 {
            // SAFETY: arrays with FADF_HAVEVARTYPE keep the VARTYPE in the u32 just before the
            // header (within the hidden bytes, aligned).
            let vt = unsafe { psa.cast::<u8>().sub(4).cast::<u32>().read() };
            VARTYPE::try_from(vt).ok()
        } else {
            None
        }
    }

    /// Destroys the elements of a live portable vector (without freeing it).
    ///
    /// # Safety
    /// `header` describes a live portable vector whose elements are initialized.
    unsafe fn destroy_elements(header: &SAFEARRAY) {
        let count = header.rgsabound[0].cElements as usize;
        let data = header.pvData;
        // SAFETY: the vector holds `count` initialized elements of the type its features name.
        unsafe {
            if header.fFeatures & FADF_BSTR != 0 {
                for i in 0..count {
                    let slot = data.cast::<BSTR>().add(i);
                    sys_free_string(slot.read());
                    slot.write(core::ptr::null_mut());
                }
            } else if header.fFeatures & FADF_VARIANT != 0 {
                for i in 0..count {
                    let _ = variant_clear(data.cast::<VARIANT>().add(i));
                }
            } else if header.fFeatures & (FADF_UNKNOWN | FADF_DISPATCH) != 0 {
                for i in 0..count {
                    let slot = data.cast::<*mut c_void>().add(i);
                    let p = slot.read();
                    if !p.is_null() {
                        let vtbl = *p.cast::<*const IUnknown_Vtbl>();
                        ((*vtbl).Release)(p);
                    }
                    slot.write(core::ptr::null_mut());
                }
            }
        }
    }

    /// Frees the block of a portable vector whose elements are destroyed.
    ///
    /// # Safety
    /// `psa` is a live portable vector, not used afterwards.
    unsafe fn free_block(psa: *mut SAFEARRAY) {
        // SAFETY: psa is live (caller contract).
        let header = unsafe { &*psa };
        let Some(layout) = layout(header.cbElements, header.rgsabound[0].cElements) else {
            return;
        };
        // SAFETY: the block starts HIDDEN bytes before the header and was allocated with the
        // layout recomputed here from the header.
        unsafe { alloc::dealloc(psa.cast::<u8>().sub(HIDDEN), layout) }
    }

    pub(super) unsafe fn destroy(psa: *mut SAFEARRAY) -> HRESULT {
        if psa.is_null() {
            return S_OK;
        }
        // SAFETY: psa is live (caller contract).
        let header = unsafe { &*psa };
        if header.cLocks != 0 {
            return DISP_E_ARRAYISLOCKED;
        }
        if !is_portable_vector(header) {
            return E_INVALIDARG;
        }
        // SAFETY: a live portable vector, given up by the caller.
        unsafe {
            destroy_elements(header);
            free_block(psa);
        }
        S_OK
    }

    pub(super) unsafe fn copy(psa: *const SAFEARRAY, out: *mut *mut SAFEARRAY) -> HRESULT {
        if out.is_null() {
            return E_INVALIDARG;
        }
        // SAFETY: out is writable (caller contract).
        unsafe { out.write(core::ptr::null_mut()) };
        if psa.is_null() {
            return S_OK;
        }
        // SAFETY: psa is live (caller contract).
        let header = unsafe { &*psa };
        // SAFETY: psa is live.
        let vt = unsafe { vartype(psa) };
        let Some(vt) = vt.filter(|_| header.cDims == 1) else {
            return E_INVALIDARG;
        };
        if element_size(vt) != Some(header.cbElements) {
            return E_INVALIDARG;
        }
        let bound = header.rgsabound[0];
        let copy = create_vector(vt, bound.lLbound, bound.cElements);
        if copy.is_null() {
            return E_OUTOFMEMORY;
        }
        // SAFETY: copy is a fresh portable vector of the same element type and count.
        let target = unsafe { &*copy };
        let count = bound.cElements as usize;
        let (src, dst) = (header.pvData, target.pvData);
        // SAFETY: src and dst each hold `count` elements of cbElements bytes; the copy's
        // elements start zeroed (null / VT_EMPTY), so a partial copy can be destroyed.
        let hr = unsafe {
            copy_elements(
                target.fFeatures,
                src,
                dst,
                count,
                header.cbElements as usize,
            )
        };
        if hr.is_err() {
            // SAFETY: copy is a live portable vector with valid (possibly empty) elements.
            // A failure to free leaves nothing more to do here.
            let _ = unsafe { destroy(copy) };
            return hr;
        }
        // SAFETY: out is writable (caller contract).
        unsafe { out.write(copy) };
        S_OK
    }

    /// Copies `count` elements from `src` to the zeroed `dst` per the feature flags.
    ///
    /// # Safety
    /// Both hold `count` elements of `size` bytes; `src`'s are initialized; `dst`'s are zeroed.
    unsafe fn copy_elements(
        features: u16,
        src: *mut c_void,
        dst: *mut c_void,
        count: usize,
        size: usize,
    ) -> HRESULT {
        // SAFETY: element accesses stay within `count` elements of each array.
        unsafe {
            if features & FADF_BSTR != 0 {
                for i in 0..count {
                    let s = src.cast::<BSTR>().add(i).read();
                    if s.is_null() {
                        continue;
                    }
                    let copy = sys_alloc_string_byte_len(s.cast::<u8>(), sys_string_byte_len(s));
                    if copy.is_null() {
                        return E_OUTOFMEMORY;
                    }
                    dst.cast::<BSTR>().add(i).write(copy);
                }
            } else if features & FADF_VARIANT != 0 {
                for i in 0..count {
                    let hr =
                        variant_copy(dst.cast::<VARIANT>().add(i), src.cast::<VARIANT>().add(i));
                    if hr.is_err() {
                        return hr;
                    }
                }
            } else if features & (FADF_UNKNOWN | FADF_DISPATCH) != 0 {
                for i in 0..count {
                    let p = src.cast::<*mut c_void>().add(i).read();
                    if !p.is_null() {
                        let vtbl = *p.cast::<*const IUnknown_Vtbl>();
                        ((*vtbl).AddRef)(p);
                    }
                    dst.cast::<*mut c_void>().add(i).write(p);
                }
            } else {
                core::ptr::copy_nonoverlapping(src.cast::<u8>(), dst.cast::<u8>(), count * size);
            }
        }
        S_OK
    }
}
