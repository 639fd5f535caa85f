//! SLTG help strings of type infos: not text in the file but a bit stream (the `more_bytes`
//! extra bytes of a type's directory entry) decoded against one word tree shared by the whole
//! library, which sits right after the name-table offset:
//!
//! ```text
//! u16 longest decoded string   u32 tree size   tree bytes
//! node 0x80 hi lo : read a bit (most significant first); 1 goes to the next node (+3),
//!                   0 to the node at tree offset hi << 8 | lo
//! leaf X word\0   : one word; an empty word ends the string
//! ```
//!
//! Words are joined with single spaces. A library without type help strings has an empty tree
//! (the six zero bytes widl's write_sltg.c writes, which fit: a u16 and a u32 of 0).
//!
//! How sure this is: typelib.h only says the entry's extra bytes "seem to reference the
//! docstring of the type", and Wine 8.0's oleaut32 skips them and the six bytes altogether. The
//! layout above is idlgen's reconstruction of how later Wine readers decode them, checked by no
//! reader on this machine other than idlgen's own (the twins' writer uses the same layout), so
//! a string that does not decode is an error only where the tree itself is broken.

use super::super::{Input, text};
use crate::diag::Diagnostic;

type R<T> = Result<T, Diagnostic>;

/// Internal node marker.
pub(crate) const NODE: u8 = 0x80;
/// Longest help string idlgen decodes (a bound on output, not a format limit).
const MAX_CHARS: usize = 0x1_0000;

/// The word tree: where it lies in the input.
#[derive(Clone, Copy)]
pub(crate) struct Tree {
    pub start: usize,
    pub len: usize,
}

impl Tree {
    /// Reads the table header at `at`; the tree must end by `limit`.
    pub fn read(inp: &Input<'_>, at: usize, limit: usize) -> R<(Tree, usize)> {
        let _longest = inp.u16(at, "the help-string table's longest string")?;
        let len = inp.u32(at + 2, "the help-string table's size")? as usize;
        let start = at + 6;
        if start.checked_add(len).is_none_or(|end| end > limit) {
            return Err(inp.err(
                at + 2,
                format!(
                    "help-string table of {len} bytes runs into the name table at {:#x}",
                    inp.base + limit
                ),
            ));
        }
        Ok((Tree { start, len }, start + len))
    }

    /// Decodes the bit stream `bits` (at `at` in the input, for messages).
    pub fn decode(&self, inp: &Input<'_>, bits: &[u8], at: usize) -> R<Option<String>> {
        if bits.is_empty() {
            return Ok(None);
        }
        let tree = inp.bytes(self.start, self.len, "the help-string tree")?;
        let total = bits.len() * 8;
        let mut pos = 0usize;
        let mut out = String::new();
        loop {
            let mut p = 0usize;
            let before = pos;
            while tree.get(p) == Some(&NODE) {
                if pos == total {
                    // The stream ran out inside a code: padding bits, the string is complete.
                    return Ok(Some(out));
                }
                let bit = bits[pos / 8] & (0x80 >> (pos % 8)) != 0;
                pos += 1;
                p = if bit {
                    p + 3
                } else {
                    let hi = tree.get(p + 1).copied();
                    let lo = tree.get(p + 2).copied();
                    match (hi, lo) {
                        (Some(h), Some(l)) => usize::from(h) << 8 | usize::from(l),
                        _ => {
                            return Err(
                                inp.err(self.start + p, "help-string tree node is cut short")
                            );
                        }
                    }
                };
            }
            let word = tree
                .get(p + 1..)
                .and_then(|w| w.iter().position(|&b| b == 0).map(|n| &w[..n]))
                .ok_or_else(|| {
                    inp.err(
                        at,
                        format!(
                            "help-string code leads to tree offset {p:#x}, which holds no word (tree of {} bytes)",
                            self.len
                        ),
                    )
                })?;
            if word.is_empty() {
                return Ok(Some(out));
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&text(word));
            // A tree that is one leaf consumes no bits: one word, then stop (no endless loop).
            if pos == before || out.len() > MAX_CHARS {
                return Ok(Some(out));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table (u16, u32 size, tree) in an input of its own; decodes `bits`.
    fn decode(tree: &[u8], bits: &[u8]) -> R<Option<String>> {
        let mut data = vec![0, 0];
        data.extend_from_slice(&(tree.len() as u32).to_le_bytes());
        data.extend_from_slice(tree);
        let inp = Input::new("t", &data);
        let (t, _) = Tree::read(&inp, 0, data.len())?;
        t.decode(&inp, bits, 0)
    }

    #[test]
    fn words_end_at_the_empty_word_or_the_last_bit() {
        // 1 -> "" (end), 0 -> node: 1 -> "Class", 0 -> "Type"
        let tree = [
            0x80, 0x00, 0x05, 0x00, 0x00, // root; "1" child: the empty word
            0x80, 0x00, 0x0f, 0x00, b'C', b'l', b'a', b's', b's', 0, // "01": Class
            0x00, b'T', b'y', b'p', b'e', 0, // "00": Type
        ];
        // 00 01 1: "Type Class", then the end (the rest of the byte is padding).
        assert_eq!(
            decode(&tree, &[0b0001_1000]).ok().flatten().as_deref(),
            Some("Type Class")
        );
        // 00 01 00 01 and no end word: the stream ends at a code's end.
        assert_eq!(
            decode(&tree, &[0b0001_0001]).ok().flatten().as_deref(),
            Some("Type Class Type Class")
        );
        assert_eq!(decode(&tree, &[]).ok().flatten(), None);
    }

    #[test]
    fn a_lone_leaf_is_one_word_not_a_loop() {
        assert_eq!(
            decode(&[0, b'A', 0], &[0xff]).ok().flatten().as_deref(),
            Some("A")
        );
    }

    #[test]
    fn broken_trees_are_errors() {
        // A node cut short, a code leading past the tree, a word with no NUL.
        assert!(decode(&[0x80, 0x00], &[0]).is_err());
        assert!(decode(&[0x80, 0x00, 0x40], &[0]).is_err());
        assert!(decode(&[0x00, b'A'], &[0]).is_err());
        // A node whose "0" child is itself: every step takes a bit, so it ends.
        assert_eq!(
            decode(&[0x80, 0x00, 0x00], &[0, 0])
                .ok()
                .flatten()
                .as_deref(),
            Some("")
        );
    }
}
