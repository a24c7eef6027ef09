//! Weak signals read from the original text: shouting (a high share of capital letters) and
//! runs of repeated punctuation (`!!!!`, `???`). They add a little toxicity, never a decision
//! on their own at the default weights.

use super::Finding;
use crate::engine::category::Category;

/// Fewer letters than this is too short to call shouting ("OK", "LOL!!").
const MIN_LETTERS_FOR_SHOUTING: usize = 12;
const SHOUTING_RATIO: f32 = 0.7;

const LETTER: u8 = 1;
const UPPER: u8 = 2;
const PUNCT: u8 = 4;
const LEAD: u8 = 8;

/// What each byte is to this pass: an ASCII letter (upper or lower), `!`/`?`, the lead byte of a
/// multi-byte character, or nothing. One lookup per byte instead of a chain of comparisons.
const BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_uppercase() {
            LETTER | UPPER
        } else if c.is_ascii_lowercase() {
            LETTER
        } else if c == b'!' || c == b'?' {
            PUNCT
        } else if c >= 0xC0 {
            LEAD
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Findings in original-text byte offsets (the caller maps them, unlike the other rules).
pub fn find(original: &str, out: &mut Vec<Finding>) {
    // One pass over bytes: ASCII is classified by table and only the lead byte of a multi-byte
    // character is decoded. `!` and `?` are ASCII, so byte offsets of runs are char boundaries.
    let bytes = original.as_bytes();
    let (mut letters, mut upper) = (0usize, 0usize);
    let mut best: Option<(usize, usize)> = None;
    let mut run_start: Option<usize> = None;
    for (i, &b) in bytes.iter().enumerate() {
        let class = BYTE_CLASS[b as usize];
        if class == PUNCT {
            run_start.get_or_insert(i);
            continue;
        }
        if let Some(s) = run_start.take() {
            if i - s >= 3 && best.is_none_or(|(bs, be)| i - s > be - bs) {
                best = Some((s, i));
            }
        }
        letters += (class & LETTER) as usize;
        upper += ((class & UPPER) >> 1) as usize;
        if class == LEAD {
            if let Some(c) = original[i..].chars().next() {
                if c.is_alphabetic() {
                    letters += 1;
                    upper += c.is_uppercase() as usize;
                }
            }
        }
    }
    if let Some(s) = run_start {
        if bytes.len() - s >= 3 && best.is_none_or(|(bs, be)| bytes.len() - s > be - bs) {
            best = Some((s, bytes.len()));
        }
    }
    if letters >= MIN_LETTERS_FOR_SHOUTING && upper as f32 >= SHOUTING_RATIO * letters as f32 {
        out.push(Finding {
            category: Category::Toxicity,
            rule: "signal/shouting",
            term: format!("{}% capitals", upper * 100 / letters),
            start: 0,
            end: original.len(),
        });
    }
    if let Some((s, e)) = best {
        out.push(Finding {
            category: Category::Toxicity,
            rule: "signal/repeated-punctuation",
            term: original[s..e].to_string(),
            start: s,
            end: e,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Vec<&'static str> {
        let mut out = Vec::new();
        find(text, &mut out);
        out.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn shouting() {
        assert_eq!(rules("THE PREMIER BITCH BOY ODUMBDUMB"), vec!["signal/shouting"]);
        assert_eq!(rules("LOL ok"), Vec::<&str>::new());
        assert_eq!(rules("The US and NAFTA talks"), Vec::<&str>::new());
    }

    #[test]
    fn repeated_punctuation() {
        assert_eq!(rules("really?!?!"), vec!["signal/repeated-punctuation"]);
        assert_eq!(rules("LOL!!– 100% right."), Vec::<&str>::new());
    }
}
