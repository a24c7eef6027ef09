//! Insults aimed at a person: second person (`you are a moron`, `you idiot`, `your shallow
//! intellect`), exclamatives (`what an idiot`, `these idiots`, `bola de pendejos`) and
//! name-calling of a named person (`Trump is a moron`, `Kushner is an entitled little bitch boy`).
//!
//! A bare insult word is already lexicon evidence; these rules add the evidence that it is aimed
//! at someone, which is what separates `idiot` in a headline from an attack on a reader.

use super::vocab::{is_copula, is_exclamative, is_filler, is_second_person, is_thing_noun};
use super::{same_sentence, Finding, Token};
use crate::engine::category::Category;

/// How far before the insult a cue may stand, in tokens.
const WINDOW: usize = 4;

/// Adds findings for the insult hit whose first token is `at` and last token `last`.
pub fn aimed(tokens: &[Token<'_>], at: usize, last: usize, out: &mut Vec<Finding>) {
    // "a stupid idea", "what an idiotic policy", "your dumb plan": the insult word describes a
    // thing, which criticises it; the lexicon evidence stands, but no person is called names.
    if tokens
        .get(last + 1)
        .is_some_and(|t| t.clause == tokens[last].clause && is_thing_noun(t.text))
    {
        return;
    }
    // The cue may also sit inside a phrase entry ("your shallow intellect").
    let range = same_sentence(tokens, at, at.saturating_sub(WINDOW), last);
    let before = &tokens[range.clone()];
    let end = tokens[last].end;
    let finding = |rule: &'static str, from: usize| Finding {
        category: Category::Insult,
        rule,
        term: format!("{} … {}", tokens[from].text, tokens[last].text),
        start: tokens[from].start,
        end,
    };
    if let Some(k) = before.iter().rposition(|t| is_second_person(t.text)) {
        out.push(finding("insult/second-person", range.start + k));
        return;
    }
    // Copula with only articles and intensifiers between it and the insult.
    let mut i = at;
    while i > range.start && is_filler(tokens[i - 1].text) {
        i -= 1;
    }
    // The commenter about themselves ("I was foolish", "we are idiots") is not name-calling.
    if i > range.start
        && is_copula(tokens[i - 1].text)
        && i >= 2
        && tokens[i - 2].sentence == tokens[at].sentence
        && !matches!(tokens[i - 2].text, "i" | "we" | "yo" | "nosotros")
        // "this article is garbage" judges a thing.
        && !is_thing_noun(tokens[i - 2].text)
    {
        out.push(finding("insult/name-calling", i - 2));
        return;
    }
    let range = range.start..at;
    let p1 = if at >= 1 && range.start < at {
        tokens[at - 1].text
    } else {
        ""
    };
    let p2 = if at >= 2 && range.start + 1 < at {
        tokens[at - 2].text
    } else {
        ""
    };
    if !p1.is_empty() && is_exclamative(p2, p1) {
        out.push(finding(
            "insult/exclamative",
            if p2.is_empty() { at - 1 } else { at - 2 },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tokenize;
    use super::*;

    fn rule(text: &str, insult: &str) -> Option<&'static str> {
        let n = crate::engine::normalize::normalize(text, &Default::default());
        let t = tokenize(n.text());
        let at = t.iter().position(|t| t.text == insult).unwrap();
        let mut out = Vec::new();
        aimed(&t, at, at, &mut out);
        out.first().map(|f| f.rule)
    }

    macro_rules! aimed_cases {
        ($($name:ident: $text:expr, $insult:expr => $want:expr,)*) => {$(
            #[test]
            fn $name() { assert_eq!(rule($text, $insult), $want, "{}", $text); }
        )*};
    }

    aimed_cases! {
        you_are_a: "you are a moron", "moron" => Some("insult/second-person"),
        vocative: "shut up you idiot", "idiot" => Some("insult/second-person"),
        possessive: "the depth of your shallow intellect", "intellect" => Some("insult/second-person"),
        spanish_second_person: "eres un pendejo", "pendejo" => Some("insult/second-person"),
        named: "trump is a moron", "moron" => Some("insult/name-calling"),
        named_with_adjectives: "kushner is an entitled little bitch", "bitch" => Some("insult/name-calling"),
        what_an: "what an idiot", "idiot" => Some("insult/exclamative"),
        these: "whack these idiots", "idiots" => Some("insult/exclamative"),
        bare_word: "idiot proof design", "idiot" => None,
        about_oneself: "sorry, I was foolish", "foolish" => None,
        about_ourselves: "we are such idiots sometimes", "idiots" => None,
        spanish_about_oneself: "yo soy un pendejo", "pendejo" => None,
        other_sentence: "thank you. idiot", "idiot" => None,
        a_thing: "the wall is a stupid idea", "stupid" => None,
        what_a_thing: "what an idiotic policy", "idiotic" => None,
        your_thing: "your dumb plan will fail", "dumb" => None,
        spanish_thing: "es una estupida ley", "estupida" => None,
        thing_as_subject: "this article is garbage", "garbage" => None,
        a_person_after_all: "the senator is a stupid man", "stupid" => Some("insult/name-calling"),
    }
}
