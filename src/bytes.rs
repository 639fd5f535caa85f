//! Byte searches in text, a word (8 bytes) at a time.
//!
//! Not the `memchr` crate: it picks its SIMD code by asking the CPU (`cpuid`) on first use,
//! and in a virtual machine each `cpuid` traps to the host (~60 µs for the set std asks, a
//! twentieth of a small file's run); these need nothing beyond plain integer operations.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` that equals `byte` is set, and below the lowest such
/// byte no bit is (bytes above it may be set falsely: only the lowest is to be trusted).
fn matches(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// The index of the first `byte` in `hay`.
pub(crate) fn find_byte(hay: &[u8], byte: u8) -> Option<usize> {
    let mut chunks = hay.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let m = matches(u64::from_le_bytes(word), byte);
        if m != 0 {
            return Some(at + (m.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    (chunks.remainder().iter())
        .position(|&c| c == byte)
        .map(|k| at + k)
}

/// The index of the first `pair` (two bytes) in `hay`.
pub(crate) fn find_pair(hay: &[u8], pair: [u8; 2]) -> Option<usize> {
    let mut from = 0;
    while let Some(k) = hay.get(from..).and_then(|rest| find_byte(rest, pair[0])) {
        let at = from + k;
        if hay.get(at + 1) == Some(&pair[1]) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_a_plain_search() {
        let text = b"/* a * b **/ x\n\n*/\x80\xff\n\x01\x00*\x2f end";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let hay = &text[start..end];
                for byte in [b'\n', b'*', b'/', 0x80, 0xff, 0x00, 0x01, b'z'] {
                    assert_eq!(find_byte(hay, byte), hay.iter().position(|&c| c == byte));
                }
                let plain = hay.windows(2).position(|w| w == b"*/");
                assert_eq!(find_pair(hay, *b"*/"), plain);
            }
        }
    }
}
