//! Offsets in the original text in the three units clients need: Unicode scalar values (Python,
//! Rust `chars`), UTF-16 code units (JavaScript, Java, Perspective's `spanScores`) and bytes.

use serde::Serialize;

/// A span of the original comment in every unit at once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub utf16_start: usize,
    pub utf16_end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
}

/// Converts many byte ranges of `text` to [`Span`]s in one pass over the text, so a comment
/// with thousands of matches still costs O(n + m log m), not O(n · m).
pub fn spans_for(text: &str, ranges: &[(usize, usize)]) -> Vec<Span> {
    let mut offsets: Vec<usize> = ranges.iter().flat_map(|&(s, e)| [s, e]).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let mut table: Vec<(usize, usize, usize)> = Vec::with_capacity(offsets.len());
    let (mut chars, mut utf16) = (0usize, 0usize);
    let mut next = offsets.iter().copied().peekable();
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), '\0'))) {
        while let Some(&o) = next.peek() {
            if o > i {
                break;
            }
            // Offsets inside a character (never produced by the engine) round down to it.
            table.push((o, chars, utf16));
            next.next();
        }
        if i == text.len() {
            break;
        }
        chars += 1;
        utf16 += c.len_utf16();
    }
    let lookup = |b: usize| -> (usize, usize) {
        match table.binary_search_by_key(&b, |t| t.0) {
            Ok(k) => (table[k].1, table[k].2),
            Err(_) => (chars, utf16),
        }
    };
    ranges
        .iter()
        .map(|&(s, e)| {
            let (cs, us) = lookup(s);
            let (ce, ue) = lookup(e);
            Span {
                start: cs,
                end: ce,
                utf16_start: us,
                utf16_end: ue,
                byte_start: s,
                byte_end: e,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_unit() {
        let text = "😀 ñandú idiot";
        let b = text.find("idiot").unwrap();
        let s = spans_for(text, &[(b, b + 5)])[0];
        assert_eq!((s.start, s.end), (8, 13));
        assert_eq!((s.utf16_start, s.utf16_end), (9, 14));
        assert_eq!((s.byte_start, s.byte_end), (b, b + 5));
    }
}
