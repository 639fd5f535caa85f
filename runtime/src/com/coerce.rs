//! VARIANT coercion: the part of `VariantChangeType` that Automation servers see
//! (spec/idispatch.md rules C1-C4), in portable code that every target runs.
//!
//! [`change_type`] is what generated `IDispatch::Invoke` shims use on every target, so a shim
//! answers the same on Windows and elsewhere. On Windows [`variant_change_type`] calls oleaut32's
//! `VariantChangeType` instead; the conformance tests hold the two against each other on the
//! cases the spec lists.
//!
//! The rules, by target type:
//! - integers (`I1 I2 I4 INT I8 UI1 UI2 UI4 UINT UI8`): smaller integers widen; `VT_BOOL` gives
//!   -1/0 (all bits set for unsigned targets); `VT_EMPTY` gives 0; `VT_UI4`/`VT_UINT` go to
//!   `VT_I4`/`VT_INT` bit for bit; `R4 R8 DATE CY DECIMAL` round half to even; strings parse as
//!   numbers (`"2.5"`, `" -12 "`, `"1e3"`, `"&HFF"`); out of range is `DISP_E_OVERFLOW`.
//! - `R4 R8 DATE`: numbers convert; `R4` out of range is `DISP_E_OVERFLOW`.
//! - `CY`: the value times 10 000, rounded half to even.
//! - `BOOL`: zero is `VARIANT_FALSE`, any other number `VARIANT_TRUE`; strings `"True"`/`"False"`
//!   (any letter case) or numbers.
//! - `BSTR`: integers as decimal text, `BOOL` as `"-1"`/`"0"`, `EMPTY` as an empty non-null
//!   string, `R8`/`R4`/`DATE` as the shortest text that round-trips, `CY`/`DECIMAL` as decimal
//!   text without trailing zeros.
//! - `DISPATCH`/`UNKNOWN`: interface values are copied (AddRef); `UNKNOWN` to `DISPATCH` asks
//!   `QueryInterface`.
//! - From `VT_DISPATCH` to a scalar (C4): the object's `DISPID_VALUE` property is fetched and
//!   coerced (a null pointer or a failing fetch is `DISP_E_TYPEMISMATCH`).
//! - `NULL`, `ERROR`, `UNKNOWN` to a scalar, an unparsable or null string, an array to anything
//!   but its own type: `DISP_E_TYPEMISMATCH`. An unknown or invalid `vt` (source or target):
//!   `DISP_E_BADVARTYPE`.
//! - `VT_BYREF` sources are read through their pointer (a null one is `E_POINTER`).

use core::ffi::c_void;

#[allow(unused_imports)]
use crate::automation::*;
use crate::{
    BStr, DECIMAL, DISP_E_BADVARTYPE, DISP_E_OVERFLOW, DISP_E_TYPEMISMATCH, DISPATCH_PROPERTYGET,
    DISPID_VALUE, DISPPARAMS, E_OUTOFMEMORY, E_POINTER, HRESULT, IDispatch, IID_NULL, IUnknown,
    Interface, VARIANT, VARIANT_FALSE, VARTYPE, VT_ARRAY, VT_BOOL, VT_BSTR, VT_BYREF, VT_CY,
    VT_DATE, VT_DECIMAL, VT_DISPATCH, VT_EMPTY, VT_ERROR, VT_I1, VT_I2, VT_I4, VT_I8, VT_INT,
    VT_NULL, VT_R4, VT_R8, VT_TYPEMASK, VT_UI1, VT_UI2, VT_UI4, VT_UI8, VT_UINT, VT_UNKNOWN,
    VT_VARIANT, Variant,
};

/// How deep `VT_BYREF|VT_VARIANT` chains and `DISPID_VALUE` fetches may go.
const MAX_DEPTH: u32 = 8;

/// `VariantChangeType(dest, src, 0, vt)` in portable code: `src` converted to `vt` as a new
/// value (the module docs list the rules). `src` is not changed.
pub fn change_type(src: &Variant, vt: VARTYPE) -> Result<Variant, HRESULT> {
    change_depth(src.as_raw(), vt, 0)
}

/// `VariantChangeType` on a raw VARIANT: as [`change_type`].
///
/// # Safety
/// `src` is a valid VARIANT (the member its `vt` names is initialized and live; a `VT_BYREF`
/// pointer is null or valid).
pub unsafe fn change_type_raw(src: &VARIANT, vt: VARTYPE) -> Result<Variant, HRESULT> {
    change_depth(src, vt, 0)
}

/// oleaut32's `VariantChangeType(dest, src, flags, vt)`: `dest` is cleared first and receives
/// the result.
///
/// # Safety
/// `src` is a valid VARIANT; `dest` is a valid VARIANT that owns its value.
#[cfg(windows)]
pub unsafe fn variant_change_type(
    dest: &mut Variant,
    src: &VARIANT,
    flags: u16,
    vt: VARTYPE,
) -> HRESULT {
    // SAFETY: both are valid VARIANTs (caller contract); oleaut32 clears dest before writing.
    unsafe { crate::oleaut32::VariantChangeType(dest.as_mut_ptr(), src, flags, vt) }
}

/// A source value, read once.
enum Val<'a> {
    Empty,
    Null,
    Int(i128),
    /// A float and whether it came from `VT_R4` (formatted as `f32`).
    Float(f64, bool),
    /// `mantissa / 10^scale` (CY has scale 4, DECIMAL its own).
    Scaled(i128, u32),
    Bool(bool),
    Str(&'a BStr),
    Error,
    Dispatch(*mut c_void),
    Unknown(*mut c_void),
}

fn is_valid_base(vt: VARTYPE) -> bool {
    matches!(vt, VT_EMPTY..=VT_DECIMAL | VT_I1..=VT_UINT)
}

fn change_depth(src: &VARIANT, vt: VARTYPE, depth: u32) -> Result<Variant, HRESULT> {
    if depth > MAX_DEPTH {
        return Err(DISP_E_TYPEMISMATCH);
    }
    // The target must be a plain type (or an array of one, handled as a copy below).
    let target_base = vt & VT_TYPEMASK;
    if vt & !(VT_TYPEMASK | VT_ARRAY) != 0
        || !is_valid_base(target_base)
        || (vt & VT_ARRAY == 0 && target_base == VT_VARIANT)
    {
        return Err(DISP_E_BADVARTYPE);
    }
    let svt = src.vt;
    if svt & !(VT_TYPEMASK | VT_ARRAY | VT_BYREF) != 0 || !is_valid_base(svt & VT_TYPEMASK) {
        return Err(DISP_E_BADVARTYPE);
    }
    if svt & VT_BYREF != 0 {
        // SAFETY: vt says `byref` is the member; `deref` checks it for null.
        let plain = unsafe { deref(src) }?;
        return change_depth(&plain, vt, depth + 1);
    }
    if svt == VT_VARIANT {
        return Err(DISP_E_BADVARTYPE);
    }
    if svt == vt {
        // SAFETY: src is a valid VARIANT (caller contract / Variant invariant).
        return unsafe { Variant::from_raw_ref(src) }
            .try_clone()
            .map_err(|e| e.code());
    }
    if svt & VT_ARRAY != 0 || vt & VT_ARRAY != 0 {
        return Err(DISP_E_TYPEMISMATCH);
    }
    // SAFETY: src is a valid VARIANT (caller contract).
    let val = unsafe { read(src) };
    if let Val::Dispatch(p) = val
        && !matches!(vt, VT_DISPATCH | VT_UNKNOWN | VT_EMPTY | VT_NULL)
    {
        let value = default_value(p, depth)?;
        return change_depth(value.as_raw(), vt, depth + 1);
    }
    convert(val, svt, vt)
}

/// A plain VARIANT holding a copy of the bits a `VT_BYREF` one points at (borrowing what they
/// own: the result is only read, never cleared).
///
/// # Safety
/// `src.vt` has `VT_BYREF`; `src.data.byref` is null or points at a value of the base type.
unsafe fn deref(src: &VARIANT) -> Result<VARIANT, HRESULT> {
    let base = src.vt & !VT_BYREF;
    // SAFETY: vt has VT_BYREF, so `byref` is the member.
    let p = unsafe { src.data.byref };
    if p.is_null() {
        return Err(E_POINTER);
    }
    let mut out = VARIANT::new();
    out.vt = base;
    // Callers' storage need not be aligned: Wine's VBScript passes variables (VT_BYREF |
    // VT_VARIANT) at 4-byte-aligned addresses, so every read is unaligned.
    // SAFETY: p points at a value of the base type (caller contract); each arm reads that
    // many bytes (without assuming alignment) and stores them in the member of the same type.
    unsafe {
        if base == VT_VARIANT {
            return Ok(p.cast::<VARIANT>().read_unaligned());
        }
        if base & VT_ARRAY != 0 {
            out.data.parray = p.cast::<*mut crate::SAFEARRAY>().read_unaligned();
            return Ok(out);
        }
        match base {
            VT_I1 | VT_UI1 => out.data.bVal = p.cast::<u8>().read(),
            VT_I2 | VT_UI2 | VT_BOOL => out.data.uiVal = p.cast::<u16>().read_unaligned(),
            VT_I4 | VT_UI4 | VT_INT | VT_UINT | VT_ERROR | VT_R4 => {
                out.data.ulVal = p.cast::<u32>().read_unaligned()
            }
            VT_I8 | VT_UI8 | VT_CY | VT_R8 | VT_DATE => {
                out.data.ullVal = p.cast::<u64>().read_unaligned()
            }
            VT_BSTR | VT_DISPATCH | VT_UNKNOWN => {
                out.data.byref = p.cast::<*mut c_void>().read_unaligned()
            }
            VT_DECIMAL => out.set_decimal(p.cast::<DECIMAL>().read_unaligned()),
            VT_EMPTY | VT_NULL => {}
            _ => return Err(DISP_E_BADVARTYPE),
        }
    }
    Ok(out)
}

/// Reads the value of a plain (not byref, not array) VARIANT.
///
/// # Safety
/// `src` is valid and its base type passed `is_valid_base`.
unsafe fn read(src: &VARIANT) -> Val<'_> {
    let d = &src.data;
    // SAFETY: each arm reads the member that vt names (caller contract).
    unsafe {
        match src.vt {
            VT_EMPTY => Val::Empty,
            VT_NULL => Val::Null,
            VT_I1 => Val::Int(i128::from(d.cVal)),
            VT_I2 => Val::Int(i128::from(d.iVal)),
            VT_I4 => Val::Int(i128::from(d.lVal)),
            VT_INT => Val::Int(i128::from(d.intVal)),
            VT_I8 => Val::Int(i128::from(d.llVal)),
            VT_UI1 => Val::Int(i128::from(d.bVal)),
            VT_UI2 => Val::Int(i128::from(d.uiVal)),
            VT_UI4 => Val::Int(i128::from(d.ulVal)),
            VT_UINT => Val::Int(i128::from(d.uintVal)),
            VT_UI8 => Val::Int(i128::from(d.ullVal)),
            VT_R4 => Val::Float(f64::from(d.fltVal), true),
            VT_R8 => Val::Float(d.dblVal, false),
            VT_DATE => Val::Float(d.date, false),
            VT_CY => Val::Scaled(i128::from(d.cyVal), 4),
            VT_DECIMAL => {
                let dec = src.decimal();
                let m = (i128::from(dec.Hi32) << 64) | i128::from(dec.Lo64);
                let m = if dec.sign & 0x80 != 0 { -m } else { m };
                Val::Scaled(m, u32::from(dec.scale.min(28)))
            }
            VT_BOOL => Val::Bool(d.boolVal != VARIANT_FALSE),
            VT_BSTR => Val::Str(BStr::from_raw_ref(&d.bstrVal)),
            VT_ERROR => Val::Error,
            VT_DISPATCH => Val::Dispatch(d.pdispVal),
            VT_UNKNOWN => Val::Unknown(d.punkVal),
            _ => Val::Error,
        }
    }
}

/// C4: the `DISPID_VALUE` property of an object.
fn default_value(p: *mut c_void, depth: u32) -> Result<Variant, HRESULT> {
    // SAFETY: a VT_DISPATCH member is null or a live IDispatch owned by the VARIANT, which
    // outlives this borrow.
    let Some(dispatch) = (unsafe { IDispatch::from_raw_borrowed(&p) }) else {
        return Err(DISP_E_TYPEMISMATCH);
    };
    if depth >= MAX_DEPTH {
        return Err(DISP_E_TYPEMISMATCH);
    }
    let mut params = DISPPARAMS::default();
    let mut result = Variant::new();
    // SAFETY: a live IDispatch; no arguments; result is a valid empty VARIANT for the callee to
    // fill; excepinfo and puArgErr are null (allowed).
    let hr = unsafe {
        (dispatch.vtable().Invoke)(
            dispatch.as_raw(),
            DISPID_VALUE,
            &IID_NULL,
            0,
            DISPATCH_PROPERTYGET,
            &mut params,
            result.as_mut_ptr(),
            core::ptr::null_mut(),
            core::ptr::null_mut(),
        )
    };
    if hr.is_err() {
        return Err(DISP_E_TYPEMISMATCH);
    }
    Ok(result)
}

/// A number, for the numeric targets.
enum Num {
    Int(i128),
    Float(f64),
    Scaled(i128, u32),
}

fn number(val: &Val<'_>) -> Result<Num, HRESULT> {
    match val {
        Val::Empty => Ok(Num::Int(0)),
        Val::Int(i) => Ok(Num::Int(*i)),
        Val::Float(f, _) => Ok(Num::Float(*f)),
        Val::Scaled(m, s) => Ok(Num::Scaled(*m, *s)),
        Val::Bool(b) => Ok(Num::Int(if *b { -1 } else { 0 })),
        Val::Str(s) => parse_number(s),
        Val::Null | Val::Error | Val::Dispatch(_) | Val::Unknown(_) => Err(DISP_E_TYPEMISMATCH),
    }
}

fn pow10(s: u32) -> i128 {
    10i128.pow(s.min(38))
}

/// Rounds `m / 10^s` half to even.
fn round_scaled(m: i128, s: u32) -> i128 {
    if s == 0 {
        return m;
    }
    let d = pow10(s);
    let (q, r) = (m / d, m % d);
    let twice = r.abs() * 2;
    if twice > d || (twice == d && q % 2 != 0) {
        q + m.signum()
    } else {
        q
    }
}

/// The number rounded half to even to an integer, or `None` when it is not finite or beyond
/// any integer type.
fn to_integer(n: &Num) -> Option<i128> {
    match n {
        Num::Int(i) => Some(*i),
        Num::Scaled(m, s) => Some(round_scaled(*m, *s)),
        Num::Float(f) => {
            let r = f.round_ties_even();
            (r.is_finite() && r.abs() < 1e30).then_some(r as i128)
        }
    }
}

fn to_float(n: &Num) -> f64 {
    match n {
        Num::Int(i) => *i as f64,
        Num::Float(f) => *f,
        Num::Scaled(m, s) => *m as f64 / 10f64.powi(*s as i32),
    }
}

/// Parses a string the way `VarI4FromStr` and friends accept numbers: surrounding blanks, a
/// sign, decimal digits with an optional fraction and exponent, or `&H` / `&O` prefixes.
fn parse_number(s: &BStr) -> Result<Num, HRESULT> {
    if s.as_raw().is_null() {
        return Err(DISP_E_TYPEMISMATCH);
    }
    let text = s.to_string_lossy();
    let t = text.trim_matches(|c: char| c.is_whitespace());
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let radix = match body.get(..2).map(str::to_ascii_uppercase).as_deref() {
        Some("&H") => Some(16),
        Some("&O") => Some(8),
        _ => None,
    };
    if let Some(radix) = radix {
        let digits = &body[2..];
        if digits.is_empty() {
            return Err(DISP_E_TYPEMISMATCH);
        }
        let v = i128::from_str_radix(digits, radix).map_err(|_| DISP_E_TYPEMISMATCH)?;
        return Ok(Num::Int(if negative { -v } else { v }));
    }
    let bytes = body.as_bytes();
    let int_len = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let rest = &body[int_len..];
    let (frac, rest) = match rest.strip_prefix('.') {
        Some(r) => {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            (&r[..n], &r[n..])
        }
        None => ("", rest),
    };
    if int_len == 0 && frac.is_empty() {
        return Err(DISP_E_TYPEMISMATCH);
    }
    if !rest.is_empty() {
        // An exponent: let the float parser judge the whole text.
        let valid = matches!(rest.as_bytes().first(), Some(b'e' | b'E'))
            && rest[1..]
                .trim_start_matches(['+', '-'])
                .bytes()
                .all(|b| b.is_ascii_digit())
            && rest.len() > 1;
        if !valid {
            return Err(DISP_E_TYPEMISMATCH);
        }
        let f: f64 = t.parse().map_err(|_| DISP_E_TYPEMISMATCH)?;
        return Ok(Num::Float(f));
    }
    let digits = format!("{}{}", &body[..int_len], frac);
    let digits = digits.trim_start_matches('0');
    let scale = frac.len() as u32;
    if digits.len() > 36 || scale > 28 {
        let f: f64 = t.parse().map_err(|_| DISP_E_TYPEMISMATCH)?;
        return Ok(Num::Float(f));
    }
    let m: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| DISP_E_TYPEMISMATCH)?
    };
    let m = if negative { -m } else { m };
    Ok(if scale == 0 {
        Num::Int(m)
    } else {
        Num::Scaled(m, scale)
    })
}

fn integer_in(n: &Num, min: i128, max: i128) -> Result<i128, HRESULT> {
    match to_integer(n) {
        Some(i) if (min..=max).contains(&i) => Ok(i),
        _ => Err(DISP_E_OVERFLOW),
    }
}

fn scaled_text(m: i128, s: u32) -> String {
    if s == 0 {
        return m.to_string();
    }
    let d = pow10(s);
    let (q, r) = (m.abs() / d, m.abs() % d);
    let sign = if m < 0 { "-" } else { "" };
    if r == 0 {
        return format!("{sign}{q}");
    }
    let frac = format!("{r:0width$}", width = s as usize);
    format!("{sign}{q}.{}", frac.trim_end_matches('0'))
}

fn new_bstr(text: &str) -> Result<Variant, HRESULT> {
    let wide: Vec<u16> = text.encode_utf16().collect();
    let s = BStr::try_from_wide(&wide).map_err(|_| E_OUTOFMEMORY)?;
    Ok(Variant::from(s))
}

fn with(vt: VARTYPE, set: impl FnOnce(&mut VARIANT)) -> Variant {
    let mut v = VARIANT::new();
    v.vt = vt;
    set(&mut v);
    // SAFETY: only plain values (no pointers) are stored through `with`.
    unsafe { Variant::from_raw(v) }
}

fn convert(val: Val<'_>, svt: VARTYPE, vt: VARTYPE) -> Result<Variant, HRESULT> {
    let int = |min: i128, max: i128| -> Result<i128, HRESULT> {
        // Unsigned targets take VARIANT_TRUE as all bits set.
        if let Val::Bool(true) = val
            && min == 0
        {
            return Ok(max);
        }
        integer_in(&number(&val)?, min, max)
    };
    Ok(match vt {
        VT_EMPTY => Variant::new(),
        VT_NULL => Variant::null(),
        VT_I1 => {
            let i = int(i128::from(i8::MIN), i128::from(i8::MAX))? as i8;
            with(VT_I1, |v| v.data.cVal = i)
        }
        VT_I2 => {
            let i = int(i128::from(i16::MIN), i128::from(i16::MAX))? as i16;
            with(VT_I2, |v| v.data.iVal = i)
        }
        VT_I4 | VT_INT => {
            // C1: VT_UI4 (and VT_UINT) are taken bit for bit.
            let i = match (&val, svt) {
                (Val::Int(u), VT_UI4 | VT_UINT) => *u as u32 as i32,
                _ => int(i128::from(i32::MIN), i128::from(i32::MAX))? as i32,
            };
            with(vt, |v| v.data.lVal = i)
        }
        VT_I8 => {
            let i = int(i128::from(i64::MIN), i128::from(i64::MAX))? as i64;
            with(VT_I8, |v| v.data.llVal = i)
        }
        VT_UI1 => {
            let i = int(0, i128::from(u8::MAX))? as u8;
            with(VT_UI1, |v| v.data.bVal = i)
        }
        VT_UI2 => {
            let i = int(0, i128::from(u16::MAX))? as u16;
            with(VT_UI2, |v| v.data.uiVal = i)
        }
        VT_UI4 | VT_UINT => {
            let i = int(0, i128::from(u32::MAX))? as u32;
            with(vt, |v| v.data.ulVal = i)
        }
        VT_UI8 => {
            let i = int(0, i128::from(u64::MAX))? as u64;
            with(VT_UI8, |v| v.data.ullVal = i)
        }
        VT_R4 => {
            let f = to_float(&number(&val)?);
            if f.is_finite() && f.abs() > f64::from(f32::MAX) {
                return Err(DISP_E_OVERFLOW);
            }
            let f = f as f32;
            with(VT_R4, |v| v.data.fltVal = f)
        }
        VT_R8 | VT_DATE => {
            let f = to_float(&number(&val)?);
            with(vt, |v| v.data.dblVal = f)
        }
        VT_CY => {
            let n = number(&val)?;
            let scaled = match n {
                Num::Int(i) => i.checked_mul(10_000),
                Num::Scaled(m, s) if s <= 4 => m.checked_mul(pow10(4 - s)),
                Num::Scaled(m, s) => Some(round_scaled(m, s - 4)),
                Num::Float(f) => {
                    let r = (f * 10_000.0).round_ties_even();
                    (r.is_finite() && r.abs() < 1e30).then_some(r as i128)
                }
            };
            let cy = scaled
                .and_then(|c| i64::try_from(c).ok())
                .ok_or(DISP_E_OVERFLOW)?;
            with(VT_CY, |v| v.data.cyVal = cy)
        }
        VT_DECIMAL => {
            let (m, s) = match number(&val)? {
                Num::Int(i) => (i, 0),
                Num::Scaled(m, s) => (m, s),
                Num::Float(f) => {
                    let text = format!("{f}");
                    match parse_number(&BStr::from(text.as_str()))? {
                        Num::Int(i) => (i, 0),
                        Num::Scaled(m, s) => (m, s),
                        Num::Float(_) => return Err(DISP_E_OVERFLOW),
                    }
                }
            };
            let abs = m.unsigned_abs();
            if abs >> 96 != 0 {
                return Err(DISP_E_OVERFLOW);
            }
            let dec = DECIMAL {
                wReserved: 0,
                scale: s as u8,
                sign: if m < 0 { 0x80 } else { 0 },
                Hi32: (abs >> 64) as u32,
                Lo64: abs as u64,
            };
            Variant::from(dec)
        }
        VT_BOOL => {
            let b = match &val {
                Val::Bool(b) => *b,
                Val::Str(s) if !s.as_raw().is_null() => {
                    let text = s.to_string_lossy();
                    let t = text.trim();
                    if t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("#true#") {
                        true
                    } else if t.eq_ignore_ascii_case("false") || t.eq_ignore_ascii_case("#false#") {
                        false
                    } else {
                        nonzero(&parse_number(s)?)
                    }
                }
                _ => nonzero(&number(&val)?),
            };
            let b = crate::com::variant_bool(b);
            with(VT_BOOL, |v| v.data.boolVal = b)
        }
        VT_BSTR => match val {
            Val::Empty => new_bstr("")?,
            Val::Int(i) => new_bstr(&i.to_string())?,
            Val::Bool(b) => new_bstr(if b { "-1" } else { "0" })?,
            Val::Float(f, true) => new_bstr(&float_text(f64::from(f as f32), true))?,
            Val::Float(f, false) => new_bstr(&float_text(f, false))?,
            Val::Scaled(m, s) => new_bstr(&scaled_text(m, s))?,
            Val::Str(_) | Val::Null | Val::Error | Val::Dispatch(_) | Val::Unknown(_) => {
                return Err(DISP_E_TYPEMISMATCH);
            }
        },
        VT_DISPATCH => match val {
            Val::Dispatch(p) => {
                // SAFETY: the member is null or a live IDispatch owned by the source.
                let d = unsafe { IDispatch::from_raw_borrowed(&p) }.cloned();
                match d {
                    Some(d) => Variant::from(d),
                    None => with(VT_DISPATCH, |v| v.data.pdispVal = core::ptr::null_mut()),
                }
            }
            Val::Unknown(p) => {
                // SAFETY: the member is null or a live IUnknown owned by the source.
                match unsafe { IUnknown::from_raw_borrowed(&p) } {
                    Some(u) => {
                        Variant::from(u.cast::<IDispatch>().map_err(|_| DISP_E_TYPEMISMATCH)?)
                    }
                    None => with(VT_DISPATCH, |v| v.data.pdispVal = core::ptr::null_mut()),
                }
            }
            _ => return Err(DISP_E_TYPEMISMATCH),
        },
        VT_UNKNOWN => match val {
            Val::Dispatch(p) | Val::Unknown(p) => {
                // SAFETY: the member is null or a live interface owned by the source.
                match unsafe { IUnknown::from_raw_borrowed(&p) }.cloned() {
                    Some(u) => Variant::from(u),
                    None => with(VT_UNKNOWN, |v| v.data.punkVal = core::ptr::null_mut()),
                }
            }
            _ => return Err(DISP_E_TYPEMISMATCH),
        },
        VT_ERROR => return Err(DISP_E_TYPEMISMATCH),
        _ => return Err(DISP_E_BADVARTYPE),
    })
}

fn nonzero(n: &Num) -> bool {
    match n {
        Num::Int(i) | Num::Scaled(i, _) => *i != 0,
        Num::Float(f) => *f != 0.0,
    }
}

/// The shortest text that reads back as the same value (Rust's `Display` for floats, which
/// never uses an exponent; non-finite values as Rust spells them).
fn float_text(f: f64, single: bool) -> String {
    if single {
        format!("{}", f as f32)
    } else {
        format!("{f}")
    }
}
