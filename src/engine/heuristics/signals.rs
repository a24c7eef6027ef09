//! Weak signals read from the original text: shouting (a high share of capital letters) and
//! runs of repeated punctuation (`!!!!`, `???`). They add a little toxicity, never a decision
//! on their own at the default weights.

use super::Finding;
use crate::engine::category::Category;

/// Fewer letters than this is too short to call shouting ("OK", "LOL!!").
const MIN_LETTERS_FOR_SHOUTING: usize = 12;
const SHOUTING_RATIO: f32 = 0.7;

/// Findings in original-text byte offsets (the caller maps them, unlike the other rules).
pub fn find(original: &str, out: &mut Vec<Finding>) {
    let (mut letters, mut upper) = (0usize, 0usize);
    for c in original.chars() {
        if c.is_alphabetic() {
            letters += 1;
            if c.is_uppercase() {
                upper += 1;
            }
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
    // The longest run of ! or ? counts once.
    let mut best: Option<(usize, usize)> = None;
    let mut run_start = None;
    for (i, c) in original.char_indices().chain(std::iter::once((original.len(), ' '))) {
        if matches!(c, '!' | '?') {
            run_start.get_or_insert(i);
        } else if let Some(s) = run_start.take() {
            if i - s >= 3 && best.is_none_or(|(bs, be)| i - s > be - bs) {
                best = Some((s, i));
            }
        }
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
