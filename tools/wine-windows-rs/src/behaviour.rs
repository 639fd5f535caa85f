//! What the sample exit module does, shared by its two implementations ([`crate::winrs`] on the
//! `windows` crate's interfaces, [`crate::native`] on idlgen's bindings): plain Rust values in,
//! plain Rust values or an [`Error`] out. Each implementation only converts.
//!
//! Thread-safe (a mutex, an atomic): winrs_exit.dll registers its class with
//! `ThreadingModel=Both`, so calls may come from any apartment.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use idlgen_runtime::{E_INVALIDARG, E_NOTIMPL, E_UNEXPECTED, Error, HRESULT, Result};

/// certexit.idl's `EXITEVENT_CERTISSUED`.
pub const EXITEVENT_CERTISSUED: i32 = 0x1;
/// certexit.idl's `EXITEVENT_CERTDENIED`.
pub const EXITEVENT_CERTDENIED: i32 = 0x4;
/// certexit.idl's `EXITEVENT_CERTREVOKED`.
pub const EXITEVENT_CERTREVOKED: i32 = 0x8;
/// The events `Initialize` asks for.
pub const EVENT_MASK: i32 = EXITEVENT_CERTISSUED | EXITEVENT_CERTDENIED | EXITEVENT_CERTREVOKED;

/// certsrv.h's `CERTSRV_E_PROPERTY_EMPTY`: what `GetProperty` answers for a name it lacks.
pub const CERTSRV_E_PROPERTY_EMPTY: HRESULT = HRESULT(0x8009_4004_u32 as i32);

/// certmod.idl's `CMM_REFRESHONLY` and `CMM_READONLY`: the flags `Configure` accepts.
const CMM_FLAGS: i32 = 1 | 2;

/// The exit module: its configuration and the events it was told of.
#[derive(Debug, Default)]
pub struct Exit {
    state: Mutex<ExitState>,
}

#[derive(Debug, Default)]
struct ExitState {
    config: Option<String>,
    events: u32,
    last: Option<(i32, i32)>,
}

impl Exit {
    /// The state; a panic elsewhere while it was locked (which the runtime turns into an error
    /// code) leaves it usable.
    fn state(&self) -> MutexGuard<'_, ExitState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `Initialize`: keeps the configuration, forgets earlier events and returns the mask of
    /// events wanted.
    pub fn initialize(&self, config: &str) -> Result<i32> {
        if config.is_empty() {
            return Err(Error::new(
                E_INVALIDARG,
                "Initialize: the configuration string is empty",
            ));
        }
        *self.state() = ExitState {
            config: Some(config.to_owned()),
            events: 0,
            last: None,
        };
        Ok(EVENT_MASK)
    }

    /// `Notify`: counts an event it asked for. A negative context fails with a bare code (no
    /// message), an event it did not ask for with a message.
    pub fn notify(&self, event: i32, context: i32) -> Result<()> {
        let mut state = self.state();
        if state.config.is_none() {
            return Err(Error::new(E_UNEXPECTED, "Notify before Initialize"));
        }
        if context < 0 {
            return Err(E_INVALIDARG.into());
        }
        if event.count_ones() != 1 || event & EVENT_MASK == 0 {
            return Err(Error::new(
                E_INVALIDARG,
                format!("Notify: event {event:#x} was not asked for (mask {EVENT_MASK:#x})"),
            ));
        }
        state.events += 1;
        state.last = Some((event, context));
        Ok(())
    }

    /// `GetDescription`.
    pub fn description(&self) -> String {
        let state = self.state();
        let config = state.config.as_deref().unwrap_or("(not initialized)");
        let last = match state.last {
            Some((event, context)) => format!("event {event:#x} for request {context}"),
            None => "none".to_owned(),
        };
        format!(
            "idlgen winrs sample exit module: config {config}, {} event(s), last {last}",
            state.events
        )
    }

    /// The configuration `GetManageModule`'s object reports (`Description`).
    pub fn config(&self) -> String {
        self.state().config.clone().unwrap_or_default()
    }
}

/// A value of `ICertManageModule::GetProperty`.
#[derive(Clone, Debug, PartialEq)]
pub enum Property {
    Text(String),
    Flag(bool),
    Number(i32),
}

/// The exit module's `ICertManageModule`.
#[derive(Debug, Default)]
pub struct Manage {
    /// The configuration of the exit module that made it.
    pub config: String,
    configured: AtomicU32,
}

impl Manage {
    /// For the exit module configured with `config`.
    pub fn new(config: String) -> Manage {
        Manage {
            config,
            configured: AtomicU32::new(0),
        }
    }

    /// `GetProperty`: names compare without regard to case, as certsrv's do.
    pub fn property(
        &self,
        config: &str,
        storage: &str,
        name: &str,
        flags: i32,
    ) -> Result<Property> {
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        Ok(if is("Name") {
            Property::Text("Idlgen WinRS Exit".to_owned())
        } else if is("Description") {
            Property::Text(format!(
                "exit module for {} (asked for {config}{})",
                self.config,
                if storage.is_empty() {
                    String::new()
                } else {
                    format!(" in {storage}")
                }
            ))
        } else if is("Copyright") {
            Property::Text("(c) idlgen tests".to_owned())
        } else if is("File Version") || is("Product Version") {
            Property::Text("0.1.0".to_owned())
        } else if is("IsMultiThreaded") {
            Property::Flag(true)
        } else if is("Flags") {
            Property::Number(flags)
        } else if is("Configured") {
            Property::Number(self.configured.load(Ordering::Relaxed) as i32)
        } else {
            return Err(Error::new(
                CERTSRV_E_PROPERTY_EMPTY,
                format!("GetProperty: no property {name}"),
            ));
        })
    }

    /// `SetProperty`: not supported (a bare code, as certsrv's sample modules answer).
    pub fn set_property(&self) -> Result<()> {
        Err(E_NOTIMPL.into())
    }

    /// `Configure`: counts calls with known flags.
    pub fn configure(&self, flags: i32) -> Result<()> {
        if flags & !CMM_FLAGS != 0 {
            return Err(Error::new(
                E_INVALIDARG,
                format!("Configure: unknown flags {flags:#x}"),
            ));
        }
        self.configured.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}
