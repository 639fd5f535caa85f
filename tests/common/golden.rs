//! Golden files: compare, or write when `IDLGEN_BLESS` is set; a mismatch panics with a unified
//! diff and the command that accepts the new output.

use std::path::Path;

/// Compares `actual` with the golden file; `test` names the test target for the bless command.
pub fn check(golden: &Path, actual: &str, test: &str) {
    if std::env::var_os("IDLGEN_BLESS").is_some() {
        std::fs::write(golden, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(golden).unwrap_or_default();
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual);
        panic!(
            "{} differs from what idlgen generates (review, then `IDLGEN_BLESS=1 cargo test --test {test}`):\n{}",
            golden.display(),
            diff.unified_diff()
                .context_radius(3)
                .header("golden", "generated")
        );
    }
}
