//! What a generated `IDispatch` shim is made of: the interface implements [`Dispatch`] (its
//! DISPID table and one `match` from DISPID and `wFlags` to a member call), and the vtable's
//! `GetIDsOfNames` and `Invoke` slots are [`get_ids_of_names`] and [`invoke`] for it.
//!
//! Each member's arm names what to fetch for each parameter ([`shim::value`], [`shim::bstr`],
//! ...) and calls the implementation with what was fetched:
//!
//! ```text
//! 0x60020001 if wflags & METHOD != 0 => call.with(1, (bstr(0), value(1)), |(a, b)| {
//!     T::get_request_property(imp, a, *b)
//! }),
//! ```
//!
//! The same arm serves both paths of `Invoke`: the fast path ([`FastCall`]: the common call
//! shape, arguments read in place) and the general one ([`DispCall`]: named arguments,
//! coercion, defaults, by-reference write-back), which give a call the same outcome.

use core::marker::PhantomData;

use super::dispatch_slots::dispatch_get_ids_of_names;
use super::invoke::{
    Arg, ArrayArg, ByRef, DispCall, DispFailure, DispResult, DispReturn, DispValue, FastCall,
    VarArgs, dispatch_invoke_selected,
};
use super::object::identity_of;
use crate::{
    BStr, DISP_E_MEMBERNOTFOUND, DISPPARAMS, DispParam, DispidTable, E_NOTIMPL, EXCEPINFO, Error,
    GUID, HRESULT, Interface, InvokeKind, VARIANT, Variant,
};

/// An interface's `IDispatch` for objects implementing it as `T`: generated for each
/// dispatch interface (the type being the interface) and read by [`invoke`] and
/// [`get_ids_of_names`].
pub trait Dispatch<T> {
    /// The DISPID table `GetIDsOfNames` and `Invoke` answer from.
    const TABLE: &'static DispidTable;
    /// The interface's name, the source of EXCEPINFOs.
    const NAME: &'static str;

    /// The member `dispid` and `wflags` select (rule I3: the first in DISPID order whose kind
    /// intersects `wflags`), called on `imp` through `call`: `call.with(index, args, f)` for
    /// member `index` of [`Dispatch::TABLE`], `call.none()` when none is selected.
    fn members<'a, C: Call<'a>>(imp: &T, dispid: i32, wflags: u16, call: C) -> C::Out;
}

/// One way of calling a member ([`Dispatch::members`]): the fast path or the general path.
pub trait Call<'a>: Sized {
    /// What the path makes of the call.
    type Out;

    /// Member `index` of the table, called with the arguments `args` fetches: `f` calls the
    /// implementation with them.
    fn with<S: Fetch<'a>, R: DispReturn>(
        self,
        index: usize,
        args: S,
        f: impl FnOnce(&mut S::Out) -> Result<R, Error>,
    ) -> Self::Out;

    /// Member `index`, which has a parameter or result Automation cannot pass: `E_NOTIMPL`.
    fn unsupported(self, index: usize) -> Self::Out;

    /// No member has this DISPID and an invoke kind in `wFlags`.
    fn none(self) -> Self::Out;
}

/// The arguments a member's implementation takes, fetched for one call: one parameter
/// ([`shim::value`], ...) or a tuple of them in declaration order.
pub trait Fetch<'a> {
    /// What the implementation is called with (borrowed mutably, so that by-reference
    /// parameters are written back after the call).
    type Out;
    /// How many positional arguments (`rgvarg` entries) it takes: 0 for `[lcid]`.
    const ARGS: usize;
    /// Whether the fast path can fetch it (by value, of exactly its type).
    const FAST: bool;

    /// Fetches it through the general path.
    fn general(&self, call: &DispCall<'a>) -> Result<Self::Out, DispFailure>;

    /// Fetches it on the fast path when the argument has exactly the parameter's type, the
    /// first of its positional arguments being at position `pos` (`rgvarg` has exactly as many
    /// as the member takes, in reverse order, A1); `None` declines.
    fn fast(&self, args: &FastArgs<'a>, pos: usize) -> Option<Self::Out>;

    /// After a successful call: writes by-reference arguments back (A7).
    fn finish(held: Self::Out) -> Result<(), DispFailure> {
        let _ = held;
        Ok(())
    }
}

/// A fast-path call's arguments, for [`Fetch::fast`].
pub struct FastArgs<'a> {
    /// `rgvarg`, exactly as many as the member takes.
    args: &'a [VARIANT],
    params: &'static [DispParam],
    lcid: u32,
}

impl<'a> FastArgs<'a> {
    /// The argument at position `pos` and parameter `k`'s table entry.
    #[inline(always)]
    fn at(&self, pos: usize, k: usize) -> Option<(&'a VARIANT, &'static DispParam)> {
        let i = self.args.len().checked_sub(pos + 1)?;
        Some((self.args.get(i)?, self.params.get(k)?))
    }
}

/// The fast path's [`Call`]: the member with the shape the call has, or `None` (the general
/// path then answers).
pub struct Fast<'f, 'a> {
    call: &'f FastCall<'a>,
    table: &'static DispidTable,
}

impl<'a> Call<'a> for Fast<'_, 'a> {
    type Out = Option<HRESULT>;

    #[inline(always)]
    fn with<S: Fetch<'a>, R: DispReturn>(
        self,
        index: usize,
        args: S,
        f: impl FnOnce(&mut S::Out) -> Result<R, Error>,
    ) -> Option<HRESULT> {
        if !S::FAST || !R::FAST {
            return None;
        }
        let member = self.table.members().get(index)?;
        // [restricted] members may not be callable (I3) and [vararg] ones pack their
        // arguments: both take the general path.
        if member.is_restricted() || member.is_vararg() {
            return None;
        }
        let put = matches!(
            member.kind,
            InvokeKind::PropertyPut | InvokeKind::PropertyPutRef
        );
        let fetched = FastArgs {
            args: self.call.shape(S::ARGS, put)?,
            params: member.params,
            lcid: self.call.lcid(),
        };
        let mut held = args.fast(&fetched, 0)?;
        Some(self.call.finish(member.ret, || f(&mut held)))
    }

    fn unsupported(self, _index: usize) -> Option<HRESULT> {
        None
    }

    fn none(self) -> Option<HRESULT> {
        None
    }
}

/// The member selection's [`Call`] (rule I3, the general path's first step): the index of the
/// member the shim's `match` arrives at.
pub struct Select;

impl<'a> Call<'a> for Select {
    type Out = Option<usize>;

    #[inline(always)]
    fn with<S: Fetch<'a>, R: DispReturn>(
        self,
        index: usize,
        _args: S,
        _f: impl FnOnce(&mut S::Out) -> Result<R, Error>,
    ) -> Option<usize> {
        Some(index)
    }

    fn unsupported(self, index: usize) -> Option<usize> {
        Some(index)
    }

    fn none(self) -> Option<usize> {
        None
    }
}

/// The general path's [`Call`]: the member `dispatch_invoke_selected` checked the call for.
pub struct General<'c, 'a> {
    call: &'c DispCall<'a>,
    index: usize,
}

impl<'a> Call<'a> for General<'_, 'a> {
    type Out = DispResult;

    fn with<S: Fetch<'a>, R: DispReturn>(
        self,
        index: usize,
        args: S,
        f: impl FnOnce(&mut S::Out) -> Result<R, Error>,
    ) -> DispResult {
        // The selection was this `match`'s (`Select`): the same arm.
        if index != self.index {
            return Err(DISP_E_MEMBERNOTFOUND.into());
        }
        let mut held = args.general(self.call)?;
        let value = f(&mut held)?;
        S::finish(held)?;
        Ok(self.call.result(value))
    }

    fn unsupported(self, _index: usize) -> DispResult {
        Err(E_NOTIMPL.into())
    }

    fn none(self) -> DispResult {
        Err(DISP_E_MEMBERNOTFOUND.into())
    }
}

/// The `IDispatch::Invoke` slot of interface `D` for objects implementing it as `T`, `OFFSET`
/// pointers from the interface pointer (spec/idispatch.md I1-I5, A1-A9, R1-R5): the common call
/// shape straight to the implementation, everything else down the general path; a call gets
/// the same outcome from either.
///
/// # Safety
/// `this` is an interface pointer of a live object whose vtable was built for `T` and
/// `OFFSET`; the other arguments follow the `Invoke` contract.
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn invoke<D: Dispatch<T>, T, const OFFSET: isize>(
    this: *mut core::ffi::c_void,
    dispid: i32,
    riid: *const GUID,
    lcid: u32,
    wflags: u16,
    params: *const DISPPARAMS,
    result: *mut VARIANT,
    excepinfo: *mut EXCEPINFO,
    arg_err: *mut u32,
) -> HRESULT {
    // SAFETY: the arguments come straight from the caller of Invoke, whose contract they
    // follow; `FastCall::new` checks the pointers it dereferences.
    let fast = unsafe { FastCall::new(D::NAME, riid, lcid, params, result, excepinfo) };
    if let Some(fast) = fast {
        // SAFETY: `this` is an interface pointer of an object whose vtable was built for `T`
        // and `OFFSET`, alive for the call (caller contract).
        let imp = unsafe { identity_of::<T, OFFSET>(this) };
        let call = Fast {
            call: &fast,
            table: D::TABLE,
        };
        if let Some(hr) = D::members(imp, dispid, wflags, call) {
            return hr;
        }
    }
    // SAFETY: as above (a tail call: the general path is out of line, so the fast one saves
    // nothing it does not use).
    unsafe {
        invoke_general::<D, T, OFFSET>(
            this, dispid, riid, lcid, wflags, params, result, excepinfo, arg_err,
        )
    }
}

/// The general path of [`invoke`]: the shim's `match` selects the member (I3), the runtime
/// checks the call, then the shim's arm for the member calls it.
///
/// # Safety
/// As for [`invoke`].
#[allow(clippy::too_many_arguments)]
#[inline(never)]
unsafe extern "system" fn invoke_general<D: Dispatch<T>, T, const OFFSET: isize>(
    this: *mut core::ffi::c_void,
    dispid: i32,
    riid: *const GUID,
    lcid: u32,
    wflags: u16,
    params: *const DISPPARAMS,
    result: *mut VARIANT,
    excepinfo: *mut EXCEPINFO,
    arg_err: *mut u32,
) -> HRESULT {
    // SAFETY: `this` is an interface pointer of an object whose vtable was built for `T` and
    // `OFFSET`, alive while the caller holds its reference.
    let imp = unsafe { identity_of::<T, OFFSET>(this) };
    let selected = D::members(imp, dispid, wflags, Select);
    let call = |index: usize, call: &DispCall<'_>| {
        D::members(imp, dispid, wflags, General { call, index })
    };
    // SAFETY: the arguments come straight from the caller of Invoke, whose contract they
    // follow; the runtime checks the pointers it dereferences.
    unsafe {
        dispatch_invoke_selected(
            D::TABLE,
            D::NAME,
            selected,
            dispid,
            riid,
            lcid,
            wflags,
            params,
            result,
            excepinfo,
            arg_err,
            call,
        )
    }
}

/// The `IDispatch::GetIDsOfNames` slot of interface `D` (for objects implementing it as `T`),
/// answered from its DISPID table (spec/idispatch.md G1-G6).
///
/// # Safety
/// The arguments follow the `GetIDsOfNames` contract (see [`dispatch_get_ids_of_names`]).
pub unsafe extern "system" fn get_ids_of_names<D: Dispatch<T>, T>(
    this: *mut core::ffi::c_void,
    riid: *const GUID,
    names: *const *const u16,
    count: u32,
    lcid: u32,
    ids: *mut i32,
) -> HRESULT {
    // SAFETY: the arguments come straight from the caller of GetIDsOfNames, whose contract
    // they follow; the function checks the pointers it dereferences.
    unsafe { dispatch_get_ids_of_names(D::TABLE, this, riid, names, count, lcid, ids) }
}

/// What a shim's arms name, imported into its `match` (`use <runtime>::__codegen::shim::*;`):
/// the invoke kinds' `wFlags` bits and what to fetch for each parameter, by its declaration
/// position `k` (the index into the member's `params`).
pub mod shim {
    use super::*;

    /// `wFlags`: `DISPATCH_METHOD`.
    pub const METHOD: u16 = crate::DISPATCH_METHOD;
    /// `wFlags`: `DISPATCH_PROPERTYGET`.
    pub const GET: u16 = crate::DISPATCH_PROPERTYGET;
    /// `wFlags`: `DISPATCH_PROPERTYPUT`.
    pub const PUT: u16 = crate::DISPATCH_PROPERTYPUT;
    /// `wFlags`: `DISPATCH_PROPERTYPUTREF`.
    pub const PUTREF: u16 = crate::DISPATCH_PROPERTYPUTREF;

    /// A number or `bool` (by value, or an `[in]` pointer to one): coerced to the parameter's
    /// type (A6), its default or zero when omitted (A4).
    #[inline(always)]
    pub fn value<T: DispValue>(k: usize) -> Value<T> {
        Value(k, PhantomData)
    }

    /// A `BSTR`: the caller's string when the argument is one, else a converted copy.
    #[inline(always)]
    pub fn bstr(k: usize) -> Bstr {
        Bstr(k)
    }

    /// A `VARIANT` (by value, or an `[in]` pointer to one): the caller's, or a copy.
    #[inline(always)]
    pub fn variant(k: usize) -> Var {
        Var(k)
    }

    /// An interface: the caller's object as `I` (`QueryInterface`), `None` for null.
    #[inline(always)]
    pub fn interface<I: Interface>(k: usize) -> Iface<I> {
        Iface(k, PhantomData)
    }

    /// A SAFEARRAY, borrowed from the caller.
    #[inline(always)]
    pub fn array(k: usize) -> Array {
        Array(k)
    }

    /// The `[vararg]` SAFEARRAY of the remaining positional arguments (I5).
    #[inline(always)]
    pub fn varargs(k: usize) -> VarArgsOf {
        VarArgsOf(k)
    }

    /// The `[lcid]`: the LCID passed to `Invoke` (A5).
    #[inline(always)]
    pub fn lcid() -> Lcid {
        Lcid
    }

    /// An `[out]` or `[in, out]` pointer (A7), written back after a successful call.
    #[inline(always)]
    pub fn by_ref<T: DispValue>(k: usize) -> Out<T> {
        Out(k, PhantomData)
    }
}

/// [`shim::value`].
pub struct Value<T>(usize, PhantomData<fn() -> T>);
/// [`shim::bstr`].
pub struct Bstr(usize);
/// [`shim::variant`].
pub struct Var(usize);
/// [`shim::interface`].
pub struct Iface<I>(usize, PhantomData<fn() -> I>);
/// [`shim::array`].
pub struct Array(usize);
/// [`shim::varargs`].
pub struct VarArgsOf(usize);
/// [`shim::lcid`].
pub struct Lcid;
/// [`shim::by_ref`].
pub struct Out<T>(usize, PhantomData<fn() -> T>);

impl<'a, T: DispValue> Fetch<'a> for Value<T> {
    type Out = T;
    const ARGS: usize = 1;
    const FAST: bool = true;

    #[inline]
    fn general(&self, call: &DispCall<'a>) -> Result<T, DispFailure> {
        call.value(self.0)
    }

    #[inline(always)]
    fn fast(&self, args: &FastArgs<'a>, pos: usize) -> Option<T> {
        let (v, param) = args.at(pos, self.0)?;
        T::fast(v, param.vt)
    }
}

impl<'a> Fetch<'a> for Bstr {
    type Out = Arg<'a, BStr>;
    const ARGS: usize = 1;
    const FAST: bool = true;

    #[inline]
    fn general(&self, call: &DispCall<'a>) -> Result<Self::Out, DispFailure> {
        call.bstr(self.0)
    }

    #[inline(always)]
    fn fast(&self, args: &FastArgs<'a>, pos: usize) -> Option<Self::Out> {
        let (v, _) = args.at(pos, self.0)?;
        FastCall::bstr_of(v)
    }
}

impl<'a> Fetch<'a> for Var {
    type Out = Arg<'a, Variant>;
    const ARGS: usize = 1;
    const FAST: bool = true;

    #[inline]
    fn general(&self, call: &DispCall<'a>) -> Result<Self::Out, DispFailure> {
        call.variant(self.0)
    }

    #[inline(always)]
    fn fast(&self, args: &FastArgs<'a>, pos: usize) -> Option<Self::Out> {
        let (v, param) = args.at(pos, self.0)?;
        FastCall::variant_of(v, param.is_optional())
    }
}

impl<'a, I: Interface> Fetch<'a> for Iface<I> {
    type Out = Option<I>;
    const ARGS: usize = 1;
    const FAST: bool = false;

    #[inline]
    fn general(&self, call: &DispCall<'a>) -> Result<Option<I>, DispFailure> {
        call.interface(self.0)
    }

    fn fast(&self, _args: &FastArgs<'a>, _pos: usize) -> Option<Option<I>> {
        None
    }
}

impl<'a> Fetch<'a> for Array {
    type Out = ArrayArg<'a>;
    const ARGS: usize = 1;
    const FAST: bool = false;

    #[inline]
    fn general(&self, call: &DispCall<'a>) -> Result<ArrayArg<'a>, DispFailure> {
        call.array(self.0)
    }

    fn fast(&self, _args: &FastArgs<'a>, _pos: usize) -> Option<ArrayArg<'a>> {
        None
    }
}

impl<'a> Fetch<'a> for VarArgsOf {
    type Out = VarArgs;
    const ARGS: usize = 1;
    const FAST: bool = false;

    #[inline]
    fn general(&self, call: &DispCall<'a>) -> Result<VarArgs, DispFailure> {
        call.varargs(self.0)
    }

    fn fast(&self, _args: &FastArgs<'a>, _pos: usize) -> Option<VarArgs> {
        None
    }
}

impl<'a> Fetch<'a> for Lcid {
    type Out = u32;
    const ARGS: usize = 0;
    const FAST: bool = true;

    #[inline]
    fn general(&self, call: &DispCall<'a>) -> Result<u32, DispFailure> {
        Ok(call.lcid())
    }

    #[inline(always)]
    fn fast(&self, args: &FastArgs<'a>, _pos: usize) -> Option<u32> {
        Some(args.lcid)
    }
}

impl<'a, T: DispValue> Fetch<'a> for Out<T> {
    type Out = ByRef<'a, T>;
    const ARGS: usize = 1;
    const FAST: bool = false;

    #[inline]
    fn general(&self, call: &DispCall<'a>) -> Result<ByRef<'a, T>, DispFailure> {
        call.by_ref(self.0)
    }

    fn fast(&self, _args: &FastArgs<'a>, _pos: usize) -> Option<ByRef<'a, T>> {
        None
    }

    fn finish(held: ByRef<'a, T>) -> Result<(), DispFailure> {
        held.write_back()
    }
}

impl<'a> Fetch<'a> for () {
    type Out = ();
    const ARGS: usize = 0;
    const FAST: bool = true;

    #[inline]
    fn general(&self, _call: &DispCall<'a>) -> Result<(), DispFailure> {
        Ok(())
    }

    #[inline(always)]
    fn fast(&self, _args: &FastArgs<'a>, _pos: usize) -> Option<()> {
        Some(())
    }
}

/// Tuples of parameters, fetched in order (the general path's argument errors name the first
/// argument at fault, as one fetch after another finds it).
macro_rules! tuple_fetch {
    ($($s:ident $h:ident),+) => {
        impl<'a, $($s: Fetch<'a>),+> Fetch<'a> for ($($s,)+) {
            type Out = ($($s::Out,)+);
            const ARGS: usize = 0 $(+ $s::ARGS)+;
            const FAST: bool = true $(&& $s::FAST)+;

            #[inline]
            fn general(&self, call: &DispCall<'a>) -> Result<Self::Out, DispFailure> {
                #[allow(non_snake_case)]
                let ($($s,)+) = self;
                Ok(($($s.general(call)?,)+))
            }

            #[inline(always)]
            fn fast(&self, args: &FastArgs<'a>, pos: usize) -> Option<Self::Out> {
                #[allow(non_snake_case)]
                let ($($s,)+) = self;
                let mut _next = pos;
                Some(($({
                    let $h = $s.fast(args, _next)?;
                    _next += $s::ARGS;
                    $h
                },)+))
            }

            #[inline]
            fn finish(held: Self::Out) -> Result<(), DispFailure> {
                let ($($h,)+) = held;
                $($s::finish($h)?;)+
                Ok(())
            }
        }
    };
}

tuple_fetch!(A a, B b);
tuple_fetch!(A a, B b, C c);
tuple_fetch!(A a, B b, C c, D d);
tuple_fetch!(A a, B b, C c, D d, E e);
tuple_fetch!(A a, B b, C c, D d, E e, F f);
tuple_fetch!(A a, B b, C c, D d, E e, F f, G g);
tuple_fetch!(A a, B b, C c, D d, E e, F f, G g, H h);
tuple_fetch!(A a, B b, C c, D d, E e, F f, G g, H h, I i);
tuple_fetch!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j);
tuple_fetch!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k);
tuple_fetch!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l);
