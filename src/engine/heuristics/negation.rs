//! Dampening: an insult that is negated ("I don't think you are an idiot") or talked about
//! ("calling people idiots is not how we debate", quoted words) is weaker evidence. A negation
//! reaches to the end of its clause: in "I'm not surprised, you idiot" and "no, you are an
//! idiot" the insult stands. Reporting words reach through commas ("they called him, frankly, a moron").

use super::vocab::cue;
use super::{same_sentence, Token};

/// How many tokens before the evidence a negation or reporting word may stand.
const WINDOW: usize = 5;
/// The bare "no"/"ni" are everywhere in Spanish ("si no estás de acuerdo, …"), so they only
/// count this close.
const SHORT_WINDOW: usize = 3;

/// A negation that is a warning, not a denial: "Don't be such an idiot", "do not be stupid",
/// "no seas idiota" open a clause and tell the reader to stop being what follows, which says
/// they are.
fn is_negated_imperative(tokens: &[Token<'_>], i: usize) -> bool {
    let opens = |k: usize| {
        k == 0
            || tokens[k - 1].clause != tokens[k].clause
            || matches!(
                tokens[k - 1].text,
                "please" | "just" | "so" | "and" | "now" | "oh" | "pls"
            )
    };
    let next = tokens
        .get(i + 1)
        .filter(|t| t.clause == tokens[i].clause)
        .map(|t| t.text);
    match (tokens[i].text, next) {
        ("dont", Some("be")) => opens(i),
        ("not", Some("be")) => i > 0 && tokens[i - 1].text == "do" && opens(i - 1),
        ("no", Some("seas" | "sean")) => opens(i),
        _ => false,
    }
}

/// A "no" that answers, then asserts: in "no i would like it" and "no you are an idiot" the
/// subject pronoun right after opens a statement of its own, which the "no" does not negate
/// (Spanish "no" stands before its verb's pronouns, "no te voy a matar", so English only).
fn is_answering_no(tokens: &[Token<'_>], i: usize) -> bool {
    tokens[i].text == "no"
        && tokens.get(i + 1).is_some_and(|t| {
            t.clause == tokens[i].clause
                && matches!(
                    t.text,
                    "i" | "im" | "you" | "youre" | "u" | "we" | "he" | "hes" | "she" | "shes" | "they" | "theyre"
                )
        })
}

/// Whether token `i` is a negation of what follows it in its clause: a negation word, but not
/// a warning ("don't be") nor an answering "no" ("no you are an idiot").
pub fn negates(tokens: &[Token<'_>], i: usize) -> bool {
    tokens[i].cues & cue::NEGATION != 0 && !is_negated_imperative(tokens, i) && !is_answering_no(tokens, i)
}

/// Whether evidence starting at token `at` is negated, reported or quoted.
pub fn is_dampened(tokens: &[Token<'_>], at: usize) -> bool {
    if tokens[at].quoted {
        return true;
    }
    let range = same_sentence(tokens, at, at.saturating_sub(WINDOW), at);
    (range.start..range.end).any(|i| {
        let t = &tokens[i];
        t.cues & cue::REPORTING != 0
            || (t.clause == tokens[at].clause
                && (at - i <= SHORT_WINDOW || !matches!(t.text, "no" | "ni"))
                && negates(tokens, i))
    })
}

/// [`is_dampened`] for every token at once, in one pass: each token is classified once, and the
/// last cue of each kind in the sentence is carried forward.
pub fn dampened_tokens(tokens: &[Token<'_>]) -> Vec<bool> {
    let mut out = Vec::with_capacity(tokens.len());
    // Index of the latest cue of each kind in the current sentence.
    let (mut reporting_cue, mut long_cue, mut short_cue): (Option<usize>, Option<usize>, Option<usize>) =
        (None, None, None);
    let (mut sentence, mut clause) = (u32::MAX, u32::MAX);
    for (i, t) in tokens.iter().enumerate() {
        if t.sentence != sentence {
            sentence = t.sentence;
            reporting_cue = None;
        }
        if t.clause != clause {
            clause = t.clause;
            long_cue = None;
            short_cue = None;
        }
        let within = |cue: Option<usize>, window: usize| cue.is_some_and(|c| i - c <= window);
        out.push(
            t.quoted || within(reporting_cue, WINDOW) || within(long_cue, WINDOW) || within(short_cue, SHORT_WINDOW),
        );
        let reporting = t.cues & cue::REPORTING != 0;
        let negation = negates(tokens, i);
        if reporting {
            reporting_cue = Some(i);
        } else if negation && !matches!(t.text, "no" | "ni") {
            long_cue = Some(i);
        } else if negation {
            short_cue = Some(i);
        }
    }
    out
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
    fn the_table_agrees_with_the_window() {
        for text in [
            "i dont think you are an idiot. you idiot",
            "si no estas de acuerdo chinga tu madre, no eres un idiota",
            "calling people idiots is not how we debate, \"moron\" he said",
            "no no no you are not a clown but never mind the rest of it all",
            "no you are a clown, no i would not, no one is",
            "i'm not surprised, you idiot. they called him, frankly, a moron, not you, idiot",
            "don't be such an idiot, and do not be a moron. i don't think you're a clown, dont be a fool",
        ] {
            let n = crate::engine::normalize::normalize(text, &Default::default());
            let t = tokenize(n.text());
            let table = dampened_tokens(&t);
            let each: Vec<bool> = (0..t.len()).map(|i| is_dampened(&t, i)).collect();
            assert_eq!(table, each, "{text}");
        }
    }

    #[test]
    fn a_negation_ends_with_its_clause() {
        assert!(!dampened("i'm not surprised, you idiot", "idiot"));
        assert!(!dampened("no, you are an idiot", "idiot"));
        assert!(!dampened("if you don't like it, you moron, leave", "moron"));
        assert!(dampened("they called him, frankly, a moron", "moron"));
    }

    #[test]
    fn a_warning_is_not_a_denial() {
        assert!(!dampened("Don't be such an idiot.", "idiot"));
        assert!(!dampened("please do not be a moron about it", "moron"));
        assert!(!dampened("ok, dont be stupid", "stupid"));
        assert!(dampened("I don't believe you are an idiot", "idiot"));
        assert!(dampened("it would not be stupid to ask", "stupid"));
        assert!(dampened("you don't be an idiot like him", "idiot"));
        assert!(!dampened("no seas idiota", "idiota"));
        assert!(!dampened("por favor, no sean tontos", "tontos"));
        assert!(dampened("no eres tonto", "tonto"));
        assert!(dampened("quiero que no seas tonto", "tonto"));
    }

    #[test]
    fn an_answering_no_does_not_negate_the_statement_after_it() {
        assert!(!dampened("no you are an idiot", "you"));
        assert!(!dampened("no i would like it if you die", "would"));
        assert!(dampened("no one is stupid", "stupid"));
        assert!(dampened("no idiot would say that", "idiot"));
        assert!(dampened("no te voy a matar", "te"));
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
