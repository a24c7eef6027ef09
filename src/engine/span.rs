//! Offsets in the original text in the three units clients need: Unicode scalar values (Python,
//! Rust `chars`), UTF-16 code units (JavaScript, Java, Perspective's `spanScores`) and bytes.

use serde::Serialize;
use std::sync::Arc;

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

/// Up to this many ranges, counting between their sorted ends beats tabulating every byte.
const FEW_RANGES: usize = 16;

/// Converts many byte ranges of `text` to [`Span`]s in one pass over the text, so a comment
/// with thousands of matches still costs O(n + m log m), not O(n · m).
pub fn spans_for(text: &str, ranges: &[(usize, usize)]) -> Vec<Span> {
    // Most comments are ASCII, where the three units agree: no table needed.
    if text.is_ascii() {
        return ranges
            .iter()
            .map(|&(s, e)| {
                let (cs, ce) = (s.min(text.len()), e.min(text.len()));
                Span {
                    start: cs,
                    end: ce,
                    utf16_start: cs,
                    utf16_end: ce,
                    byte_start: s,
                    byte_end: e,
                }
            })
            .collect();
    }
    // Many ranges over a comment of ordinary length (a full answer's hundred): a table of both
    // counts at every byte, in one tight pass, and no sorting.
    if ranges.len() > FEW_RANGES && text.len() <= 64 * 1024 {
        let mut table: Vec<(u32, u32)> = Vec::with_capacity(text.len() + 1);
        let (mut chars, mut utf16) = (0u32, 0u32);
        for &b in text.as_bytes() {
            table.push((chars, utf16));
            // A lead byte starts a character; one of four bytes is outside the BMP.
            if b & 0xC0 != 0x80 {
                chars += 1;
                utf16 += if b >= 0xF0 { 2 } else { 1 };
            }
        }
        table.push((chars, utf16));
        let at = |b: usize| table.get(b).copied().unwrap_or((chars, utf16));
        return ranges
            .iter()
            .map(|&(s, e)| {
                let ((cs, us), (ce, ue)) = (at(s), at(e));
                Span {
                    start: cs as usize,
                    end: ce as usize,
                    utf16_start: us as usize,
                    utf16_end: ue as usize,
                    byte_start: s,
                    byte_end: e,
                }
            })
            .collect();
    }
    // A few ranges (the default answer's handful), or a long comment: the counts at the ranges'
    // ends only, each from the one before, in counting loops the compiler vectorizes. An offset
    // inside a character counts that character, as the table does.
    let mut offsets: Vec<usize> = ranges.iter().flat_map(|&(s, e)| [s, e]).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let bytes = text.as_bytes();
    let mut table: Vec<(usize, usize, usize)> = Vec::with_capacity(offsets.len());
    let (mut done, mut chars, mut utf16) = (0usize, 0usize, 0usize);
    for o in offsets {
        let piece = &bytes[done..o.min(bytes.len())];
        let leads = piece.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        chars += leads;
        utf16 += leads + piece.iter().filter(|&&b| b >= 0xF0).count();
        done += piece.len();
        table.push((o, chars, utf16));
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

/// The original text a piece of evidence covers. Every piece of evidence of one verdict shares
/// one copy of the comment and keeps only its range, so a verdict with fifty pieces makes one
/// allocation for them instead of fifty. Reads as a `&str` (`Deref`, `as_str`, `Display`) and
/// serializes as a JSON string.
#[derive(Clone)]
pub struct Excerpt {
    text: Arc<str>,
    start: u32,
    end: u32,
}

impl Excerpt {
    /// `text[start..end]`; an out-of-range or non-boundary range reads as the empty string.
    pub fn new(text: Arc<str>, start: usize, end: usize) -> Excerpt {
        let (start, end) = if text.get(start..end).is_some() {
            (start, end)
        } else {
            (0, 0)
        };
        Excerpt {
            text,
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text[self.start as usize..self.end as usize]
    }
}

impl std::ops::Deref for Excerpt {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Excerpt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Excerpt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for Excerpt {
    fn eq(&self, other: &Excerpt) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Excerpt {}

impl PartialEq<str> for Excerpt {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Excerpt {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Excerpt {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

// The other way round too, so `assert_eq!(slice, evidence.matched)` reads as it did with a String.
impl PartialEq<Excerpt> for &str {
    fn eq(&self, other: &Excerpt) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Excerpt> for String {
    fn eq(&self, other: &Excerpt) -> bool {
        self == other.as_str()
    }
}

impl Serialize for Excerpt {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_non_ascii_paths_agree_on_ascii_offsets() {
        let ascii = "you are an idiot";
        let mixed = "you are an idiot ñ";
        let ranges = [(0, 3), (11, 16), (4, 4)];
        let a = spans_for(ascii, &ranges);
        let m = spans_for(mixed, &ranges);
        assert_eq!(a, m);
        assert_eq!((a[1].start, a[1].utf16_end, a[1].byte_end), (11, 16, 16));
    }

    #[test]
    fn short_and_long_paths_agree() {
        let unit = "😀 ñandú idiot — ";
        let short = unit.repeat(4);
        let long = unit.repeat(64 * 1024 / unit.len() + 1);
        let ranges: Vec<(usize, usize)> = short.match_indices("idiot").map(|(b, _)| (b, b + 5)).collect();
        assert_eq!(spans_for(&short, &ranges), spans_for(&long, &ranges));
    }

    #[test]
    fn few_and_many_ranges_agree() {
        // Every byte offset pair, inside characters and past the end included, so the table
        // and the counted ends are held to the same answer for each.
        let text = "😀 ñandú — idiot ok";
        let all: Vec<(usize, usize)> = (0..=text.len() + 2)
            .flat_map(|s| (s..=text.len() + 2).map(move |e| (s, e)))
            .collect();
        assert!(all.len() > FEW_RANGES);
        let many = spans_for(text, &all);
        for (k, chunk) in all.chunks(FEW_RANGES).enumerate() {
            assert_eq!(
                spans_for(text, chunk),
                many[k * FEW_RANGES..][..chunk.len()],
                "{chunk:?}"
            );
        }
    }

    #[test]
    fn excerpts_read_their_range_and_nothing_out_of_it() {
        let text: Arc<str> = Arc::from("año idiot");
        let e = Excerpt::new(text.clone(), 5, 10);
        assert_eq!(e, "idiot");
        assert_eq!(serde_json::to_string(&e).unwrap(), "\"idiot\"");
        // Inside `ñ`, or past the end: empty, never a panic.
        assert_eq!(Excerpt::new(text.clone(), 2, 5), "");
        assert_eq!(Excerpt::new(text, 5, 99).as_str(), "");
    }

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
