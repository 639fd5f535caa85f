//! A stand-in for certsrv.exe: `ca_host "machine\CA name" vtable|dispatch` drives the exit
//! modules listed as active for that CA (the registry's `...\ExitModules\Active`) through the
//! events of the mock CA's requests, as certsrv does, and prints the transcript. Used under
//! wine64 with mock_ca.dll (CCertServerExit) and exit_module.dll registered. At the end it asks
//! the exit module's DLL whether it can be unloaded (`DllCanUnloadNow`).
//!
//! The thread is a single-threaded apartment: the mock CA's class is apartment-threaded and
//! has no proxy, so it must live in the host's apartment.

use exit_module::exit::{
    EXITEVENT_CERTDENIED, EXITEVENT_CERTISSUED, EXITEVENT_CERTPENDING, EXITEVENT_CERTREVOKED,
};
use exit_module::host::{self, Binding};

/// The mock CA's requests: 7 is issued, then revoked; 8 is pending, then denied.
const EVENTS: &[(i32, i32)] = &[
    (EXITEVENT_CERTISSUED, 7),
    (EXITEVENT_CERTPENDING, 8),
    (EXITEVENT_CERTDENIED, 8),
    (EXITEVENT_CERTREVOKED, 7),
];

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (config, binding) = match args.as_slice() {
        [config, b] if b == "vtable" => (config, Binding::Vtable),
        [config, b] if b == "dispatch" => (config, Binding::LateBound),
        _ => {
            eprintln!("usage: ca_host \"machine\\CA name\" vtable|dispatch");
            return std::process::ExitCode::from(2);
        }
    };
    // Asked before COM is uninitialised (which unloads the DLLs), after every object is released.
    let result =
        idlgen_runtime::com_init(idlgen_runtime::Apartment::SingleThreaded).and_then(|_com| {
            let transcript = host::run(config, EVENTS, binding)?;
            #[cfg(windows)]
            let transcript = format!(
                "{transcript}DllCanUnloadNow: {}\n",
                unload::ask("exit_module.dll")
            );
            Ok(transcript)
        });
    match result {
        Ok(transcript) => {
            print!("{transcript}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ca_host: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(windows)]
mod unload {
    //! `DllCanUnloadNow` of a DLL COM loaded: the same module instance, through its export.

    use core::ffi::c_void;

    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn GetModuleHandleW(name: *const u16) -> *mut c_void;
        fn GetProcAddress(module: *mut c_void, name: *const u8) -> *mut c_void;
    }

    /// `S_OK`, `S_FALSE`, or why it could not be asked.
    pub fn ask(dll: &str) -> String {
        let wide: Vec<u16> = dll.encode_utf16().chain(Some(0)).collect();
        // SAFETY: a NUL-terminated name; no reference is taken.
        let module = unsafe { GetModuleHandleW(wide.as_ptr()) };
        if module.is_null() {
            return format!("{dll} is not loaded");
        }
        // SAFETY: a loaded module and a NUL-terminated export name.
        let export = unsafe { GetProcAddress(module, b"DllCanUnloadNow\0".as_ptr()) };
        if export.is_null() {
            return format!("{dll} has no DllCanUnloadNow");
        }
        // SAFETY: DllCanUnloadNow's signature is `HRESULT __stdcall DllCanUnloadNow(void)`.
        let call: extern "system" fn() -> i32 = unsafe { core::mem::transmute(export) };
        match call() {
            0 => "S_OK".to_string(),
            1 => "S_FALSE".to_string(),
            hr => format!("{hr:#010x}"),
        }
    }
}
