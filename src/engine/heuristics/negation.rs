//! Dampening: an insult that is negated ("I don't think you are an idiot") or talked about
//! ("calling people idiots is not how we debate", quoted words) is weaker evidence. A negation
//! reaches to the end of its clause: in "I'm not surprised, you idiot" and "no, you are an
//! idiot" the insult stands. Reporting words reach through commas ("they called him, frankly, a moron"),
//! and an attribution that closes a sentence reports all before it ("…, the senator said").

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

/// Whether evidence starting at token `at` is negated, reported, quoted or attributed.
pub fn is_dampened(tokens: &[Token<'_>], at: usize) -> bool {
    if tokens[at].quoted || is_attributed(tokens, at) {
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
    mark_attributed(tokens, &mut out);
    out
}

/// Whether token `at` stands before an attribution that closes its sentence: "they should all
/// be shot, the senator said", "…, dijo la víctima", "…, according to police". The sentence
/// reports another's words as "the senator said they should all be shot" does.
fn is_attributed(tokens: &[Token<'_>], at: usize) -> bool {
    let sentence = tokens[at].sentence;
    let s = at - tokens[..at].iter().rev().take_while(|t| t.sentence == sentence).count();
    let e = at + tokens[at..].iter().take_while(|t| t.sentence == sentence).count();
    attribution(tokens, s, e).is_some_and(|c| at < c)
}

/// Sets `out[i]` for every token [`is_attributed`], in one pass over the sentences.
fn mark_attributed(tokens: &[Token<'_>], out: &mut [bool]) {
    let mut s = 0;
    while s < tokens.len() {
        let sentence = tokens[s].sentence;
        let e = s + tokens[s..].iter().take_while(|t| t.sentence == sentence).count();
        if let Some(c) = attribution(tokens, s, e) {
            out[s..c].fill(true);
        }
        s = e;
    }
}

/// The first token of the sentence's last clause, when that clause attributes what comes before
/// it to someone other than the commenter: a short clause whose verb of saying has at most a
/// subject before it and a few words after ("…, the senator said at the rally", "…, dijo la
/// víctima"). Not the commenter's own or an endorsement: a first-person, "you" or everyone
/// subject ("…, I said", "…, everyone says"), "told you", "said it best", "as Trump said", or a
/// clause joined on with "and".
fn attribution(tokens: &[Token<'_>], s: usize, e: usize) -> Option<usize> {
    let last = tokens[e - 1].clause;
    let c = e - tokens[s..e].iter().rev().take_while(|t| t.clause == last).count();
    let clause = &tokens[c..e];
    if c == s || clause.len() > 8 {
        return None;
    }
    if matches!(clause, [a, b, ..] if a.text == "according" && b.text == "to") || clause[0].text == "segun" {
        return Some(c);
    }
    if matches!(
        clause[0].text,
        "and" | "but" | "or" | "as" | "like" | "so" | "y" | "pero" | "o" | "como" | "asi"
    ) {
        return None;
    }
    let verb = clause.iter().take(4).position(|t| {
        matches!(
            t.text,
            "said"
                | "says"
                | "told"
                | "wrote"
                | "added"
                | "stated"
                | "tweeted"
                | "testified"
                | "claimed"
                | "shouted"
                | "yelled"
                | "dijo"
                | "dice"
                | "afirmo"
                | "declaro"
                | "escribio"
                | "aseguro"
                | "agrego"
                | "senalo"
                | "grito"
        )
    })?;
    let own = clause[..verb].iter().any(|t| {
        matches!(
            t.text,
            "i" | "we" | "you" | "u" | "yo" | "te" | "me" | "everyone" | "everybody" | "nobody" | "todos"
        )
    });
    let back = clause
        .get(verb + 1)
        .is_some_and(|t| matches!(t.text, "you" | "u" | "me" | "it" | "so" | "that" | "this" | "eso"));
    (!own && !back && clause.len() - verb <= 4).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::super::tokenize;
    use super::*;

    /// `f` on the tokens of `text` and the index of `word` among them.
    fn at_word<R>(text: &str, word: &str, f: impl FnOnce(&[Token<'_>], usize) -> R) -> R {
        let n = crate::engine::normalize::normalize(text, &Default::default());
        let t = tokenize(n.text());
        let at = t.iter().position(|t| t.text == word).unwrap();
        f(&t, at)
    }

    fn dampened(text: &str, word: &str) -> bool {
        at_word(text, word, is_dampened)
    }

    fn attributed(text: &str, word: &str) -> bool {
        at_word(text, word, is_attributed)
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
    fn attributions_close_a_sentence() {
        assert!(attributed(
            "They should all be shot, the senator said at the rally.",
            "shot"
        ));
        assert!(attributed("he would kill her, prosecutors said.", "kill"));
        assert!(attributed("El ladrón debería estar muerto, dijo la víctima.", "muerto"));
        assert!(attributed("They are criminals, according to police.", "criminals"));
        assert!(!attributed("You are an idiot, I said.", "idiot"));
        assert!(!attributed("You are a moron, as I have said many times.", "moron"));
        assert!(!attributed("You are a moron, everyone says so.", "moron"));
        assert!(!attributed("He said so, and you are an idiot.", "idiot"));
        assert!(!attributed("You are an idiot. The senator said so.", "idiot"));
        assert!(!attributed(
            "I got a sister, she told me stop calling women bitches",
            "sister"
        ));
        assert!(!attributed("bad bitch, told you I'm a G", "bitch"));
        assert!(!attributed("That hoe out there, Fat Trel said it best.", "hoe"));
        assert!(!attributed(
            "You both vandalized pages, and you both got warned.",
            "vandalized"
        ));
        assert!(!attributed("Hijo de puta, como te dijo cierto muerto.", "puta"));
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
            "they should all be shot, the senator said. you idiot, i said. he would kill her, prosecutors said",
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
