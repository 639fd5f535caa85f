//! A tiny hand-written interface (`ITest`) and Rust objects implementing it, shared by the
//! tests; written the way generated code is.
#![allow(dead_code, non_camel_case_types, non_snake_case)]

use core::ffi::c_void;
use core::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use idlgen_runtime::*;
// The support code generated vtables call, which these tests call as generated code does.
use idlgen_runtime::__codegen::*;

pub const IID_ITEST: GUID = GUID::from_u128(0x6f1a2b3c_1d2e_4f50_8a6b_7c8d9e0fa1b2);

/// The ITest vtable: IUnknown, then GetValue(int*) and Boom().
#[repr(C)]
pub struct ITest_Vtbl {
    pub base__: IUnknown_Vtbl,
    pub GetValue: unsafe extern "system" fn(this: *mut c_void, value: *mut i32) -> HRESULT,
    pub Boom: unsafe extern "system" fn(this: *mut c_void) -> HRESULT,
}

#[repr(transparent)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ITest(IUnknown);

// SAFETY: repr(transparent) over IUnknown; ITest_Vtbl is its vtable.
unsafe impl Interface for ITest {
    type Vtable = ITest_Vtbl;
    const IID: GUID = IID_ITEST;
}

impl ITest {
    pub fn get_value(&self) -> Result<i32> {
        let mut v = 0;
        // SAFETY: a live ITest; v is a valid out pointer.
        unsafe { (self.vtable().GetValue)(self.as_raw(), &mut v) }.ok()?;
        Ok(v)
    }

    pub fn boom(&self) -> HRESULT {
        // SAFETY: a live ITest.
        unsafe { (self.vtable().Boom)(self.as_raw()) }
    }
}

pub trait ITest_Impl {
    fn value(&self) -> Result<i32>;
    fn boom(&self) -> Result<()> {
        panic!("boom")
    }
}

impl ITest_Vtbl {
    pub const fn new<T: ITest_Impl + 'static>() -> ITest_Vtbl {
        unsafe extern "system" fn get_value<T: ITest_Impl + 'static>(
            this: *mut c_void,
            value: *mut i32,
        ) -> HRESULT {
            guard(|| {
                if value.is_null() {
                    return E_POINTER;
                }
                // SAFETY: `this` is a ComObject<T> made by from_impl.
                let imp = unsafe { ComObject::<T>::value(this) };
                match imp.value() {
                    Ok(v) => {
                        // SAFETY: checked non-null.
                        unsafe { value.write(v) };
                        S_OK
                    }
                    Err(e) => e.code(),
                }
            })
        }
        unsafe extern "system" fn boom<T: ITest_Impl + 'static>(this: *mut c_void) -> HRESULT {
            // SAFETY: `this` is a ComObject<T> made by from_impl.
            guard(|| hresult_of(unsafe { ComObject::<T>::value(this) }.boom()))
        }
        ITest_Vtbl {
            base__: idlgen_runtime::__codegen::object_unknown_vtbl::<T>(),
            GetValue: get_value::<T>,
            Boom: boom::<T>,
        }
    }
}

impl<T: ITest_Impl + 'static> FromImpl<T> for ITest {
    fn from_impl(value: T) -> ITest {
        struct Vtable<T>(PhantomData<T>);
        impl<T: ITest_Impl + 'static> Vtable<T> {
            const VTBL: ITest_Vtbl = ITest_Vtbl::new::<T>();
        }
        const IIDS: &[GUID] = &[IID_ITEST, <IUnknown as Interface>::IID];
        let raw = ComObject::create(value, &Vtable::<T>::VTBL, IIDS);
        // SAFETY: create returns a non-null pointer with one reference.
        unsafe { ITest::from_raw(raw) }
    }
}

/// An ITest object that counts its drops.
pub struct Counted {
    pub value: i32,
    pub drops: &'static AtomicUsize,
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

impl ITest_Impl for Counted {
    fn value(&self) -> Result<i32> {
        if self.value < 0 {
            Err(Error::new(E_INVALIDARG, "negative"))
        } else {
            Ok(self.value)
        }
    }
}

/// Serialises the tests of one binary that count live objects (a process-wide number).
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// The reference count of an ITest made from `Counted`.
pub fn ref_count(i: &ITest) -> u32 {
    // SAFETY: i was made by from_impl for Counted and is alive.
    unsafe { ComObject::<Counted>::ref_count(i.as_raw()) }
}
