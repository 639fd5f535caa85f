//! `BSTR` (the raw Automation string) and `BStr` (an owned one).
//!
//! Layout, on every target: the pointer addresses the first UTF-16 unit; the `u32` just before it
//! holds the length in BYTES without the terminator; a `0x0000` terminator follows the data;
//! embedded NULs are allowed; a null pointer is the empty string.
//!
//! On Windows the `sys_*` functions call oleaut32. Elsewhere they allocate with `std::alloc`: one
//! block of `4 + byte_len + 2` bytes, align 4, holding the prefix, the data and the terminator, so
//! that [`sys_free_string`] recovers the allocation from the prefix alone.

use core::fmt;
use core::hash::{Hash, Hasher};
use core::mem::ManuallyDrop;

use crate::{E_OUTOFMEMORY, Error, Result};

/// The raw ABI form of an Automation string. Null means the empty string.
pub type BSTR = *mut u16;

#[cfg(not(windows))]
mod portable {
    use super::BSTR;
    use std::alloc::{self, Layout};

    /// Bytes before the data: the `u32` byte length.
    const PREFIX: usize = core::mem::size_of::<u32>();
    /// Bytes after the data: the UTF-16 terminator.
    const TERMINATOR: usize = core::mem::size_of::<u16>();

    /// The layout of a BSTR block holding `byte_len` bytes of data; `None` when it would not
    /// fit in memory.
    pub(super) fn layout(byte_len: u32) -> Option<Layout> {
        let total = usize::try_from(byte_len)
            .ok()?
            .checked_add(PREFIX + TERMINATOR)?;
        Layout::from_size_align(total, core::mem::align_of::<u32>()).ok()
    }

    /// Allocates a BSTR of `byte_len` bytes, copying `byte_len` bytes from `src` when it is
    /// non-null and zero-filling otherwise. Null when the allocation fails.
    ///
    /// # Safety
    /// `src` is null or valid for reading `byte_len` bytes.
    pub(super) unsafe fn alloc_bytes(src: *const u8, byte_len: u32) -> BSTR {
        let Some(layout) = layout(byte_len) else {
            return core::ptr::null_mut();
        };
        // SAFETY: the layout is never zero-sized (it holds at least prefix and terminator).
        let block = unsafe { alloc::alloc_zeroed(layout) };
        if block.is_null() {
            return core::ptr::null_mut();
        }
        // SAFETY: the block is `PREFIX + byte_len + TERMINATOR` bytes, aligned for u32; the
        // prefix is written at its start, the data right after; `src` is readable for
        // `byte_len` bytes (caller contract) and cannot overlap a fresh block. The terminator
        // bytes are already zero.
        unsafe {
            block.cast::<u32>().write(byte_len);
            let data = block.add(PREFIX);
            if !src.is_null() {
                core::ptr::copy_nonoverlapping(src, data, byte_len as usize);
            }
            data.cast::<u16>()
        }
    }

    /// The byte length stored in the prefix of a non-null BSTR.
    ///
    /// # Safety
    /// `p` is a non-null BSTR made by [`alloc_bytes`].
    pub(super) unsafe fn byte_len(p: BSTR) -> u32 {
        // SAFETY: the u32 prefix sits just before the data of every BSTR made by alloc_bytes;
        // the data pointer is block + 4 with the block aligned to 4.
        unsafe { p.cast::<u8>().sub(PREFIX).cast::<u32>().read() }
    }

    /// Frees a BSTR made by [`alloc_bytes`]; null is ignored.
    ///
    /// # Safety
    /// `p` is null or a BSTR made by [`alloc_bytes`] and not freed yet.
    pub(super) unsafe fn free(p: BSTR) {
        if p.is_null() {
            return;
        }
        // SAFETY: p is a live BSTR (caller contract).
        let len = unsafe { byte_len(p) };
        // The same computation succeeded when the block was allocated.
        let Some(layout) = layout(len) else {
            return;
        };
        // SAFETY: the block starts PREFIX bytes before the data and was allocated with exactly
        // this layout, recomputed from the stored length.
        unsafe { alloc::dealloc(p.cast::<u8>().sub(PREFIX), layout) }
    }
}

/// `SysAllocStringLen`: a new BSTR of `len` UTF-16 units copied from `src` (zero-filled when
/// `src` is null), terminated. Returns null when the allocation fails or `len` is too large.
///
/// # Safety
/// `src` is null or valid for reading `len` UTF-16 units.
pub unsafe fn sys_alloc_string_len(src: *const u16, len: u32) -> BSTR {
    #[cfg(windows)]
    {
        // SAFETY: forwarded caller contract.
        unsafe { crate::oleaut32::SysAllocStringLen(src, len) }
    }
    #[cfg(not(windows))]
    {
        match len.checked_mul(2) {
            // SAFETY: src is null or readable for len units = byte_len bytes (caller contract).
            Some(byte_len) => unsafe { portable::alloc_bytes(src.cast::<u8>(), byte_len) },
            None => core::ptr::null_mut(),
        }
    }
}

/// `SysAllocStringByteLen`: a new BSTR of `len` bytes copied from `src` (zero-filled when `src`
/// is null), followed by a two-byte terminator. Returns null when the allocation fails.
///
/// # Safety
/// `src` is null or valid for reading `len` bytes.
pub unsafe fn sys_alloc_string_byte_len(src: *const u8, len: u32) -> BSTR {
    #[cfg(windows)]
    {
        // SAFETY: forwarded caller contract.
        unsafe { crate::oleaut32::SysAllocStringByteLen(src, len) }
    }
    #[cfg(not(windows))]
    {
        // SAFETY: forwarded caller contract.
        unsafe { portable::alloc_bytes(src, len) }
    }
}

/// `SysFreeString`: frees a BSTR; null is ignored.
///
/// # Safety
/// `p` is null or a BSTR from the `sys_alloc_*` functions (or oleaut32 on Windows) that has not
/// been freed yet.
pub unsafe fn sys_free_string(p: BSTR) {
    #[cfg(windows)]
    {
        // SAFETY: forwarded caller contract.
        unsafe { crate::oleaut32::SysFreeString(p) }
    }
    #[cfg(not(windows))]
    {
        // SAFETY: forwarded caller contract.
        unsafe { portable::free(p) }
    }
}

/// `SysStringLen`: the length in UTF-16 units (byte length / 2); 0 for null.
///
/// # Safety
/// `p` is null or a live BSTR.
pub unsafe fn sys_string_len(p: BSTR) -> u32 {
    #[cfg(windows)]
    {
        // SAFETY: forwarded caller contract.
        unsafe { crate::oleaut32::SysStringLen(p) }
    }
    #[cfg(not(windows))]
    {
        // SAFETY: forwarded caller contract.
        unsafe { sys_string_byte_len(p) / 2 }
    }
}

/// `SysStringByteLen`: the length in bytes from the prefix; 0 for null.
///
/// # Safety
/// `p` is null or a live BSTR.
pub unsafe fn sys_string_byte_len(p: BSTR) -> u32 {
    #[cfg(windows)]
    {
        // SAFETY: forwarded caller contract.
        unsafe { crate::oleaut32::SysStringByteLen(p) }
    }
    #[cfg(not(windows))]
    {
        if p.is_null() {
            0
        } else {
            // SAFETY: p is a live, non-null BSTR (caller contract).
            unsafe { portable::byte_len(p) }
        }
    }
}

/// Gives up when a BSTR of `units` UTF-16 units cannot be allocated: the standard allocation
/// failure handler when the size was representable, a panic when it exceeds the u32 prefix.
#[cold]
fn allocation_failed(units: usize) -> ! {
    let layout = units
        .checked_mul(2)
        .and_then(|bytes| bytes.checked_add(6))
        .and_then(|size| std::alloc::Layout::from_size_align(size, 4).ok());
    match layout {
        Some(layout) if units <= (u32::MAX / 2) as usize => std::alloc::handle_alloc_error(layout),
        _ => panic!("a BSTR cannot hold {units} UTF-16 units"),
    }
}

/// An owned BSTR. Null (from [`BStr::new`]) is the empty string; `Drop` frees it with
/// `SysFreeString` semantics.
#[repr(transparent)]
pub struct BStr(BSTR);

// SAFETY: a BStr exclusively owns its allocation, and the BSTR allocator (std::alloc, or
// oleaut32's task allocator on Windows) may free from any thread.
unsafe impl Send for BStr {}
// SAFETY: shared references only read the immutable string.
unsafe impl Sync for BStr {}

impl BStr {
    /// The empty string, as a null BSTR (no allocation).
    pub const fn new() -> BStr {
        BStr(core::ptr::null_mut())
    }

    /// A new BSTR holding `s` (`SysAllocStringLen` semantics: embedded NULs are kept, and an
    /// empty slice gives an allocated, non-null empty string).
    ///
    /// # Panics
    /// Like `Vec`, when memory is exhausted or `s` has more than `u32::MAX / 2` units; see
    /// [`BStr::try_from_wide`] for a fallible version.
    pub fn from_wide(s: &[u16]) -> BStr {
        match BStr::try_from_wide(s) {
            Ok(b) => b,
            Err(_) => allocation_failed(s.len()),
        }
    }

    /// Like [`BStr::from_wide`], but `Err(E_OUTOFMEMORY)` when the string is too long or memory
    /// is exhausted.
    pub fn try_from_wide(s: &[u16]) -> Result<BStr> {
        let len = u32::try_from(s.len())
            .map_err(|_| Error::new(E_OUTOFMEMORY, "string too long for a BSTR"))?;
        // SAFETY: s is readable for s.len() == len units.
        let p = unsafe { sys_alloc_string_len(s.as_ptr(), len) };
        if p.is_null() {
            Err(Error::new(E_OUTOFMEMORY, "cannot allocate a BSTR"))
        } else {
            Ok(BStr(p))
        }
    }

    /// The length in UTF-16 units (from the byte-length prefix).
    pub fn len(&self) -> usize {
        // SAFETY: self.0 is null or a live BSTR owned (or borrowed) by self.
        unsafe { sys_string_len(self.0) as usize }
    }

    /// True for the empty string (null or zero length).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The UTF-16 units, without the terminator.
    pub fn as_wide(&self) -> &[u16] {
        if self.0.is_null() {
            return &[];
        }
        // SAFETY: a live BSTR has len() initialized units at self.0, alive as long as self.
        unsafe { core::slice::from_raw_parts(self.0, self.len()) }
    }

    /// The bytes of the string (`SysStringByteLen` of them): what a binary BSTR holds, such as
    /// the DER certificate a CA gives for a `PROPTYPE_BINARY` property.
    pub fn as_bytes(&self) -> &[u8] {
        if self.0.is_null() {
            return &[];
        }
        // SAFETY: a live BSTR has its byte-length prefix's count of initialized bytes at self.0,
        // alive as long as self.
        unsafe {
            core::slice::from_raw_parts(self.0.cast::<u8>(), sys_string_byte_len(self.0) as usize)
        }
    }

    /// A binary BSTR holding `bytes` (`SysAllocStringByteLen`); `Err(E_OUTOFMEMORY)` when too
    /// long or memory is exhausted.
    pub fn from_bytes(bytes: &[u8]) -> Result<BStr> {
        let len = u32::try_from(bytes.len())
            .map_err(|_| Error::new(E_OUTOFMEMORY, "too many bytes for a BSTR"))?;
        // SAFETY: `bytes` is readable for `len` bytes.
        let p = unsafe { sys_alloc_string_byte_len(bytes.as_ptr(), len) };
        if p.is_null() {
            Err(Error::new(E_OUTOFMEMORY, "cannot allocate a BSTR"))
        } else {
            Ok(BStr(p))
        }
    }

    /// The raw pointer, still owned by `self` (null for the empty string from `new`).
    pub fn as_raw(&self) -> BSTR {
        self.0
    }

    /// A pointer for `[out] BSTR*` parameters: the BSTR the callee writes is then owned by
    /// `self`. Callees overwrite without freeing, so use it on an empty `BStr` (as from
    /// [`BStr::new`]).
    pub fn as_mut_ptr(&mut self) -> *mut BSTR {
        &mut self.0
    }

    /// Gives up ownership: the caller (or the COM callee it is passed to) frees the pointer.
    pub fn into_raw(self) -> BSTR {
        ManuallyDrop::new(self).0
    }

    /// Takes ownership of a raw BSTR.
    ///
    /// # Safety
    /// `p` is null or a live BSTR from the `sys_alloc_*` family that nothing else frees.
    pub unsafe fn from_raw(p: BSTR) -> BStr {
        BStr(p)
    }

    /// Views a borrowed BSTR (an `[in]` parameter, a VARIANT's `bstrVal`) as a `&BStr` without
    /// taking ownership.
    ///
    /// # Safety
    /// `*p` is null or a live BSTR that stays valid and unchanged for the returned lifetime.
    pub unsafe fn from_raw_ref(p: &BSTR) -> &BStr {
        // SAFETY: BStr is repr(transparent) over BSTR, and a shared reference never drops.
        unsafe { &*(p as *const BSTR).cast::<BStr>() }
    }

    /// The string as UTF-8, with unpaired surrogates replaced by U+FFFD.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf16_lossy(self.as_wide())
    }

    /// The characters, with unpaired surrogates replaced by U+FFFD.
    fn chars(&self) -> impl Iterator<Item = char> + '_ {
        char::decode_utf16(self.as_wide().iter().copied())
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
    }
}

impl Drop for BStr {
    fn drop(&mut self) {
        // SAFETY: self owns the BSTR (or it is null).
        unsafe { sys_free_string(self.0) }
    }
}

impl Default for BStr {
    fn default() -> BStr {
        BStr::new()
    }
}

impl Clone for BStr {
    /// Allocates a copy; the null empty string stays null.
    fn clone(&self) -> BStr {
        if self.0.is_null() {
            BStr::new()
        } else {
            BStr::from_wide(self.as_wide())
        }
    }
}

impl From<&str> for BStr {
    fn from(s: &str) -> BStr {
        let wide: Vec<u16> = s.encode_utf16().collect();
        BStr::from_wide(&wide)
    }
}

impl From<String> for BStr {
    fn from(s: String) -> BStr {
        BStr::from(s.as_str())
    }
}

impl From<&String> for BStr {
    fn from(s: &String) -> BStr {
        BStr::from(s.as_str())
    }
}

impl fmt::Display for BStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        for c in self.chars() {
            f.write_char(c)?;
        }
        Ok(())
    }
}

impl fmt::Debug for BStr {
    /// The string quoted and escaped like `str`'s `Debug`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_string_lossy(), f)
    }
}

impl PartialEq for BStr {
    fn eq(&self, other: &BStr) -> bool {
        self.as_wide() == other.as_wide()
    }
}

impl Eq for BStr {}

impl PartialEq<str> for BStr {
    fn eq(&self, other: &str) -> bool {
        self.as_wide().iter().copied().eq(other.encode_utf16())
    }
}

impl PartialEq<&str> for BStr {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl Hash for BStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_wide().hash(state);
    }
}

/// windows-rs's `BSTR` (windows-strings) owns the same oleaut32 string on Windows: the pointer
/// moves over, nothing is copied. (Elsewhere windows-rs's `BSTR` cannot allocate or free, and
/// [`BStr`] uses a portable allocator: no conversion.)
#[cfg(windows)]
impl From<BStr> for windows_core::BSTR {
    fn from(value: BStr) -> windows_core::BSTR {
        // SAFETY: both are one pointer to a SysAllocString'd string (or null), owned, freed with
        // SysFreeString on drop; ownership moves.
        unsafe { crate::com::abi_cast(value) }
    }
}

/// The reverse of `From<BStr> for windows_core::BSTR`: the pointer moves over.
#[cfg(windows)]
impl From<windows_core::BSTR> for BStr {
    fn from(value: windows_core::BSTR) -> BStr {
        // SAFETY: as above.
        unsafe { crate::com::abi_cast(value) }
    }
}
