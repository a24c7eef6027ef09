//! Dampening: an insult that is negated ("I don't think you are an idiot") or talked about
//! ("calling people idiots is not how we debate", quoted words) is weaker evidence.

use super::vocab::{is_negation, is_reporting};
use super::{same_sentence, Token};

/// How many tokens before the evidence a negation or reporting word may stand.
const WINDOW: usize = 5;
/// The bare "no"/"ni" are everywhere in Spanish ("si no estás de acuerdo, …"), so they only
/// count this close.
const SHORT_WINDOW: usize = 3;

/// Whether evidence starting at token `at` is negated, reported or quoted.
pub fn is_dampened(tokens: &[Token<'_>], at: usize) -> bool {
    if tokens[at].quoted {
        return true;
    }
    let range = same_sentence(tokens, at, at.saturating_sub(WINDOW), at);
    (range.start..range.end).any(|i| {
        let w = tokens[i].text;
        is_reporting(w) || (is_negation(w) && (at - i <= SHORT_WINDOW || !matches!(w, "no" | "ni")))
    })
}

/// [`is_dampened`] for every token at once, so scoring a comment with many matches looks each
/// answer up instead of rescanning the window per match.
pub fn dampened_tokens(tokens: &[Token<'_>]) -> Vec<bool> {
    (0..tokens.len()).map(|i| is_dampened(tokens, i)).collect()
}

#[cfg(test)]
mod tests {
    use super::super::tokenize;
    use super::*;

    fn dampened(text: &str, word: &str) -> bool {
        let n = crate::engine::normalize::normalize(text, &Default::default());
        let t = tokenize(n.text());
        let at = t.iter().position(|t| t.text == word).unwrap();
        is_dampened(&t, at)
    }

    #[test]
    fn negated() {
        assert!(dampened("i don't think you are an idiot", "idiot"));
        assert!(dampened("you are not an idiot", "idiot"));
    }

    #[test]
    fn reported() {
        assert!(dampened("calling people idiots is not how we debate", "idiots"));
        assert!(dampened("he said \"moron\" twice", "moron"));
    }

    #[test]
    fn far_spanish_no_does_not_dampen() {
        assert!(!dampened("si no estas de acuerdo chinga tu madre", "chinga"));
        assert!(dampened("no eres un idiota", "idiota"));
    }

    #[test]
    fn plain_insult_is_not_dampened() {
        assert!(!dampened("you are an idiot", "idiot"));
        assert!(!dampened("not bad. you idiot", "idiot"));
    }
}
