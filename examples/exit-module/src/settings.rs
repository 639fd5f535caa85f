//! Where the module reads its settings: the Windows registry (HKLM), or, for tests and other
//! hosts, a source the process sets.

use std::sync::RwLock;

use idlgen_runtime::Result;

/// Reads the value `name` under the HKLM key `key`: a REG_SZ as one string, a REG_MULTI_SZ as
/// its strings; `Ok(None)` when there is none.
pub type SettingsSource = fn(key: &str, name: &str) -> Result<Option<Vec<String>>>;

static SOURCE: RwLock<Option<SettingsSource>> = RwLock::new(None);

/// Replaces where settings come from (the registry on Windows, nothing elsewhere).
pub fn set_settings_source(source: SettingsSource) {
    *SOURCE.write().unwrap_or_else(|p| p.into_inner()) = Some(source);
}

/// A REG_SZ value.
pub(crate) fn read(key: &str, name: &str) -> Result<Option<String>> {
    Ok(read_multi(key, name)?.and_then(|v| v.into_iter().next()))
}

/// A REG_MULTI_SZ value (or a REG_SZ as one string).
pub fn read_multi(key: &str, name: &str) -> Result<Option<Vec<String>>> {
    let source = *SOURCE.read().unwrap_or_else(|p| p.into_inner());
    match source {
        Some(source) => source(key, name),
        None => registry::read(key, name),
    }
}

#[cfg(windows)]
mod registry {
    use core::ffi::c_void;

    use idlgen_runtime::{Error, HRESULT, Result};

    const HKEY_LOCAL_MACHINE: *mut c_void = 0x8000_0002_u32 as i32 as isize as *mut c_void;
    /// RRF_RT_REG_SZ | RRF_RT_REG_MULTI_SZ.
    const RRF_RT_STRINGS: u32 = 0x2 | 0x20;
    const ERROR_SUCCESS: i32 = 0;
    const ERROR_FILE_NOT_FOUND: i32 = 2;
    const ERROR_MORE_DATA: i32 = 234;

    #[link(name = "advapi32")]
    unsafe extern "system" {
        fn RegGetValueW(
            hkey: *mut c_void,
            subkey: *const u16,
            value: *const u16,
            flags: u32,
            kind: *mut u32,
            data: *mut c_void,
            size: *mut u32,
        ) -> i32;
    }

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain(Some(0)).collect()
    }

    pub fn read(key: &str, name: &str) -> Result<Option<Vec<String>>> {
        let (key, name) = (wide(key), wide(name));
        let mut buffer = vec![0u16; 260];
        loop {
            let mut size = u32::try_from(buffer.len() * 2).unwrap_or(u32::MAX);
            // SAFETY: NUL-terminated strings; `buffer` has `size` writable bytes.
            let status = unsafe {
                RegGetValueW(
                    HKEY_LOCAL_MACHINE,
                    key.as_ptr(),
                    name.as_ptr(),
                    RRF_RT_STRINGS,
                    core::ptr::null_mut(),
                    buffer.as_mut_ptr().cast(),
                    &mut size,
                )
            };
            match status {
                ERROR_SUCCESS => {
                    // One string, or several each ending in NUL (and a final NUL).
                    let chars = (size as usize / 2).min(buffer.len());
                    let strings = buffer[..chars]
                        .split(|&c| c == 0)
                        .filter(|s| !s.is_empty())
                        .map(String::from_utf16_lossy)
                        .collect();
                    return Ok(Some(strings));
                }
                ERROR_FILE_NOT_FOUND => return Ok(None),
                ERROR_MORE_DATA if buffer.len() < 1 << 20 => buffer.resize(buffer.len() * 2, 0),
                code => {
                    return Err(Error::new(
                        HRESULT::from_win32(code as u32),
                        format!("RegGetValueW failed ({code})"),
                    ));
                }
            }
        }
    }
}

#[cfg(not(windows))]
mod registry {
    use idlgen_runtime::Result;

    /// No registry: no settings unless the process set a source.
    pub fn read(_key: &str, _name: &str) -> Result<Option<Vec<String>>> {
        Ok(None)
    }
}
