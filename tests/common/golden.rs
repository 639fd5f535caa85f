//! Golden files: compare, or write when `IDLGEN_BLESS` is set; a mismatch panics with a unified
//! diff and the command that accepts the new output.

use std::path::Path;

/// Whether this run writes the golden files instead of comparing (`IDLGEN_BLESS` is set).
pub fn blessing() -> bool {
    std::env::var_os("IDLGEN_BLESS").is_some()
}

/// Compares `actual` with the golden file; `test` names the test target for the bless command.
pub fn check(golden: &Path, actual: &str, test: &str) {
    if let Err(e) = compare(golden, actual, test) {
        panic!("{e}");
    }
}

/// [`check`], with the mismatch as an `Err` (the unified diff and the bless command), so that a
/// runner over many goldens can report them all.
pub fn compare(golden: &Path, actual: &str, test: &str) -> Result<(), String> {
    if blessing() {
        std::fs::write(golden, actual).expect("write golden");
        return Ok(());
    }
    let expected = std::fs::read_to_string(golden).unwrap_or_default();
    if expected == actual {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(expected.as_str(), actual);
    Err(format!(
        "{} differs from what idlgen generates (review, then `IDLGEN_BLESS=1 cargo test --test {test}`):\n{}",
        golden.display(),
        diff.unified_diff()
            .context_radius(3)
            .header("golden", "generated")
    ))
}
