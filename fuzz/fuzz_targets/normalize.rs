//! The normalizer on any UTF-8: never panics, and every byte of the folded text maps back to a
//! non-empty range of the original that lies on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tamiz::engine::normalize::{normalize, LeetTable};

fuzz_target!(|data: &[u8]| {
    let Ok(original) = std::str::from_utf8(data) else {
        return;
    };
    let n = normalize(original, &LeetTable::default());
    let text = n.text();
    for (start, c) in text.char_indices() {
        let end = start + c.len_utf8();
        let r = n.original_range(start, end);
        assert!(r.start < r.end, "empty origin for {c:?} at {start} in {original:?}");
        assert!(r.end <= original.len(), "{r:?} past the end of {original:?}");
        assert!(
            original.is_char_boundary(r.start) && original.is_char_boundary(r.end),
            "{r:?} not on char boundaries of {original:?}"
        );
    }
    // Whole-text and multi-character ranges stay ordered and inside the original.
    if !text.is_empty() {
        let r = n.original_range(0, text.len());
        assert!(r.start <= r.end && r.end <= original.len());
    }
});
