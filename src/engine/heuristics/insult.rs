//! Insults aimed at a person: second person (`you are a moron`, `you idiot`, `your shallow
//! intellect`), exclamatives (`what an idiot`, `these idiots`, `bola de pendejos`) and
//! name-calling of a named person (`Trump is a moron`, `Kushner is an entitled little bitch boy`).
//!
//! A bare insult word is already lexicon evidence; these rules add the evidence that it is aimed
//! at someone, which is what separates `idiot` in a headline from an attack on a reader.

use super::vocab::{cue, is_copula, is_exclamative, is_filler, is_second_person, is_thing_noun};
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
    // Spanish may put the copula after the insult: "qué idiota eres", "pendejos sois".
    if let Some(k) = tokens
        .get(last + 1)
        .filter(|t| t.clause == tokens[last].clause && matches!(t.text, "eres" | "sois"))
        .map(|_| last + 1)
    {
        out.push(called(tokens, at, k, "insult/second-person"));
        return;
    }
    if is_vocative(tokens, at, last) {
        out.push(called(tokens, at, last, "insult/second-person"));
        return;
    }
    // The cue may also sit inside a phrase entry ("your shallow intellect").
    let range = same_sentence(tokens, at, at.saturating_sub(WINDOW), last);
    let before = &tokens[range.clone()];
    let finding = |rule: &'static str, from: usize| called(tokens, from, last, rule);
    if let Some(k) = before.iter().rposition(|t| is_second_person(t.text)) {
        // "your comment is stupid" judges the reader's comment, not the reader ("your shallow
        // intellect" still aims at them).
        let k = range.start + k;
        let owns_thing =
            matches!(tokens[k].text, "your" | "tu" | "tus") && tokens.get(k + 1).is_some_and(|t| is_thing_noun(t.text));
        if !owns_thing {
            out.push(finding("insult/second-person", k));
            return;
        }
    }
    // Copula with only articles and intensifiers between it and the insult.
    let mut i = at;
    while i > range.start && (is_filler(tokens[i - 1].text) || is_grading(tokens[i - 1].text)) {
        i -= 1;
    }
    if let Some(from) = name_called(tokens, i, at) {
        out.push(finding("insult/name-calling", from));
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

/// Whether the insult at tokens `at..=last` is a clause of its own that opens or closes a
/// longer sentence: the reader addressed by name ("Nobody asked you, clown.", "Man up,
/// crybaby.", "Idiot, read the article"). A clause of its own is set off by commas, so "he is a
/// clown" and "clown shoes" are not.
fn is_vocative(tokens: &[Token<'_>], at: usize, last: usize) -> bool {
    let (clause, sentence) = (tokens[at].clause, tokens[at].sentence);
    if tokens[last].clause != clause {
        return false;
    }
    let before = at.checked_sub(1).map(|k| &tokens[k]);
    let after = tokens.get(last + 1);
    let starts_clause = before.is_none_or(|t| t.clause != clause);
    let ends_clause = after.is_none_or(|t| t.clause != clause);
    let in_sentence = |t: Option<&Token<'_>>| t.is_some_and(|t| t.sentence == sentence);
    if !(starts_clause && ends_clause) {
        return false;
    }
    // Closing ("…, clown.") or opening ("Idiot, …") a sentence that goes on without it.
    if in_sentence(before) != in_sentence(after) {
        return true;
    }
    // Inside a sentence only after a lone interjection ("Look, moron, read the article"): a
    // clause between two others is as often one item of a list ("fat, stupid, lazy").
    let lone = at >= 1 && (at < 2 || tokens[at - 2].clause != tokens[at - 1].clause);
    in_sentence(before)
        && lone
        && matches!(
            tokens[at - 1].text,
            "look"
                | "listen"
                | "hey"
                | "oh"
                | "well"
                | "ok"
                | "okay"
                | "no"
                | "yes"
                | "oye"
                | "mira"
                | "bueno"
                | "pues"
        )
}

/// The first token of "<person> <copula>" when the copula is `tokens[i - 1]` and the insult at
/// `at` follows it: a person is called names. The subject may be folded into the copula ("hes",
/// "theyre"). Not name-calling: the commenter about themselves ("I was foolish", "we are idiots"),
/// and a thing judged ("this is stupid", "its idiotic", "this article is garbage").
fn name_called(tokens: &[Token<'_>], i: usize, at: usize) -> Option<usize> {
    let copula = tokens.get(i.checked_sub(1)?)?;
    if copula.sentence != tokens[at].sentence || !is_copula(copula.text) {
        return None;
    }
    match copula.text {
        "hes" | "shes" | "theyre" => return Some(i - 1),
        "its" | "thats" => return None,
        _ => {}
    }
    let subject = tokens.get(i.checked_sub(2)?)?;
    let person = subject.sentence == copula.sentence
        && !is_thing_noun(subject.text)
        && !matches!(
            subject.text,
            "i" | "we"
                | "yo"
                | "nosotros"
                | "it"
                | "this"
                | "that"
                | "there"
                | "here"
                | "which"
                | "what"
                | "everything"
                | "something"
                | "nothing"
                | "anything"
                | "esto"
                | "eso"
                | "todo"
                | "nada"
                | "algo"
        );
    person.then_some(i - 2)
}

/// Adverbs that only grade an adjective: "Trump is very stupid" calls names as "so stupid" does.
/// Kept out of [`is_filler`], which the other rules read too.
fn is_grading(w: &str) -> bool {
    matches!(w, "very" | "really" | "extremely" | "truly")
}

/// Words between "you are" and a character word: the articles and intensifiers of
/// [`is_filler`], the grading adverbs, and looser ones that a second-person subject makes safe
/// ("you are too boring", "you are being rude").
fn is_intensifier(w: &str) -> bool {
    is_filler(w)
        || is_grading(w)
        || matches!(
            w,
            "too" | "quite" | "pretty" | "incredibly" | "being" | "kinda" | "tan" | "super"
        )
}

/// "you are so annoying", "ur rude", "eres un pesado": a word for a person's character
/// ([`cue::MILD_INSULT`]) said to the reader, as their subject, with only intensifiers between. The
/// words are no wordlist entries (a movie can be boring), so only this frame makes them insults,
/// with the second-person rule's weight. A negation between ("you are not boring") breaks the frame.
/// A noun for a person ([`cue::PERSON_NOUN`]) is also read after a bare "you" ("you noob"), but
/// not in a question, a report or thanks ("are you a racist?", "he called you a fraud", "thank
/// you nerds").
pub fn mild_second_person(tokens: &[Token<'_>], out: &mut Vec<Finding>) {
    for (at, t) in tokens.iter().enumerate() {
        if t.cues & (cue::MILD_INSULT | cue::PERSON_NOUN) == 0 || t.quoted {
            continue;
        }
        let Some((_, k)) = frame_before(tokens, at, |w| is_intensifier(w.text)) else {
            continue;
        };
        let from = match tokens[k].text {
            "youre" | "ur" | "eres" | "sos" => Some(k),
            // The misspelt "your annoying" and "your a fraud", not "your annoying sister": a
            // possessive neither ends a clause nor takes an article.
            "your"
                if tokens.get(at + 1).is_none_or(|n| n.clause != t.clause)
                    || (k + 1 < at && matches!(tokens[k + 1].text, "a" | "an")) =>
            {
                Some(k)
            }
            "are" | "r" | "re" if you_before(tokens, k) => Some(k - 1),
            "you" | "u" if t.cues & cue::PERSON_NOUN != 0 && !asked_or_reported(tokens, k) => Some(k),
            _ => None,
        };
        if let Some(from) = from {
            out.push(called(tokens, from, at, "insult/second-person"));
        }
    }
}

/// "you are an ass", "you dick", "youre a fat prick", "Raul is a fat prick": a crude noun for a
/// person ([`cue::PROFANE_NAME`]) in a frame that calls someone it, with only intensifiers or
/// character words between. Anywhere else the word is swearing or the body ("kick ass", "kiss
/// your ass", "a pain in the ass", "a dick move"), and a possessive never aims it. `names`:
/// spans that are a person's name ("Dick Cheney", see `first_name_spans`).
pub fn profane_names(tokens: &[Token<'_>], names: &[(usize, usize)], out: &mut Vec<Finding>) {
    for (at, t) in tokens.iter().enumerate() {
        if t.cues & cue::PROFANE_NAME == 0 || t.quoted || names.iter().any(|&(s, e)| s <= t.start && t.end <= e) {
            continue;
        }
        if tokens
            .get(at + 1)
            .is_some_and(|n| n.clause == t.clause && is_thing_noun(n.text))
        {
            continue;
        }
        let between = |w: &Token<'_>| is_intensifier(w.text) || w.cues & cue::MILD_INSULT != 0;
        let Some((i, k)) = frame_before(tokens, at, between) else {
            continue;
        };
        let found = match tokens[k].text {
            "you" | "u" | "youre" => Some((k, "insult/second-person")),
            "are" | "r" | "re" | "were" if you_before(tokens, k) => Some((k - 1, "insult/second-person")),
            _ => name_called(tokens, i, at).map(|from| (from, "insult/name-calling")),
        };
        if let Some((from, rule)) = found {
            out.push(called(tokens, from, at, rule));
        }
    }
}

/// The frame before the word at `at`: back over the words `between` admits in its clause, the
/// first of them (or `at`) and the word before them, if that word is in the clause too.
fn frame_before(tokens: &[Token<'_>], at: usize, between: impl Fn(&Token<'_>) -> bool) -> Option<(usize, usize)> {
    let clause = tokens[at].clause;
    let mut i = at;
    while i > 0 && tokens[i - 1].clause == clause && between(&tokens[i - 1]) {
        i -= 1;
    }
    let k = i.checked_sub(1).filter(|&k| tokens[k].clause == clause)?;
    Some((i, k))
}

/// Whether the "you" at `k` is asked about or reported ("are you a fraud", "called you a fraud").
fn asked_or_reported(tokens: &[Token<'_>], k: usize) -> bool {
    k > 0
        && tokens[k - 1].clause == tokens[k].clause
        && [
            "are", "were", "am", "is", "if", "call", "calls", "called", "calling", "think", "thought", "thank", "love",
        ]
        .contains(&tokens[k - 1].text)
}

/// Whether the copula at `k` has the reader as its subject: "you are", "u r".
fn you_before(tokens: &[Token<'_>], k: usize) -> bool {
    k > 0 && tokens[k - 1].clause == tokens[k].clause && matches!(tokens[k - 1].text, "you" | "u" | "ya" | "tu")
}

/// The insult finding from token `from` to the word at `at` (the insult's last token).
fn called(tokens: &[Token<'_>], from: usize, at: usize, rule: &'static str) -> Finding {
    Finding {
        category: Category::Insult,
        rule,
        term: format!("{} … {}", tokens[from].text, tokens[at].text),
        start: tokens[from].start,
        end: tokens[at].end,
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

    /// What a frame rule finds in `text`: each finding as `rule term`.
    fn frame(text: &str, rule: impl Fn(&[Token<'_>], &mut Vec<Finding>)) -> Vec<String> {
        let n = crate::engine::normalize::normalize(text, &Default::default());
        let t = tokenize(n.text());
        let mut out = Vec::new();
        rule(&t, &mut out);
        out.into_iter().map(|f| format!("{} {}", f.rule, f.term)).collect()
    }

    fn mild(text: &str) -> Vec<String> {
        frame(text, mild_second_person)
            .into_iter()
            .map(|f| f.trim_start_matches("insult/second-person ").to_string())
            .collect()
    }

    #[test]
    fn character_words_said_to_the_reader() {
        for (text, want) in [
            ("you are very annoying", Some("you … annoying")),
            ("You're so boring lol", Some("youre … boring")),
            ("ur rude", Some("ur … rude")),
            ("your annoying", Some("your … annoying")),
            ("u r the most obnoxious", Some("u … obnoxious")),
            ("eres un pesado", Some("eres … pesado")),
            ("the movie is boring", None),
            ("you are not boring", None),
            ("are you bored?", None),
            ("what a rude awakening", None),
            ("your annoying sister called", None),
            ("I am so boring", None),
            ("they said \"you are boring\"", None),
        ] {
            assert_eq!(mild(text).first().map(String::as_str), want, "{text}");
        }
    }

    aimed_cases! {
        you_are_a: "you are a moron", "moron" => Some("insult/second-person"),
        vocative: "shut up you idiot", "idiot" => Some("insult/second-person"),
        vocative_after_comma: "nobody asked for your opinion, clown.", "clown" => Some("insult/second-person"),
        vocative_opening: "idiot, read the article before you comment", "idiot" => Some("insult/second-person"),
        vocative_spanish: "ya cállate, payaso", "payaso" => Some("insult/second-person"),
        clause_in_a_list: "he lied, cheated, stole", "cheated" => None,
        vocative_after_interjection: "look, moron, read the article", "moron" => Some("insult/second-person"),
        spanish_after_interjection: "oye, idiota, lee la nota", "idiota" => Some("insult/second-person"),
        adjectives_in_a_list: "he is fat, stupid, and lazy", "stupid" => None,
        alone: "clown.", "clown" => None,
        inside_a_clause: "he is a clown, and a liar", "clown" => Some("insult/name-calling"),
        possessive: "the depth of your shallow intellect", "intellect" => Some("insult/second-person"),
        spanish_second_person: "eres un pendejo", "pendejo" => Some("insult/second-person"),
        spanish_copula_after: "qué idiota eres", "idiota" => Some("insult/second-person"),
        spanish_plural_copula_after: "pero que imbeciles sois", "imbeciles" => Some("insult/second-person"),
        spanish_copula_in_another_clause: "un idiota, eres tú quien lo dijo", "idiota" => None,
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
        graded: "trump is very stupid", "stupid" => Some("insult/name-calling"),
        subject_in_the_copula: "hes an idiot", "idiot" => Some("insult/name-calling"),
        they_are: "theyre really stupid", "stupid" => Some("insult/name-calling"),
        a_thing_graded: "this is really stupid", "stupid" => None,
        it_in_the_copula: "lol its so stupid", "stupid" => None,
        that_was: "that was a dumb move", "dumb" => None,
        everything: "everything is stupid today", "stupid" => None,
        spanish_thing_pronoun: "esto es estupido", "estupido" => None,
        your_thing_judged: "your comment is stupid", "stupid" => None,
        tu_cosa: "tu comentario es estupido", "estupido" => None,
        your_thing_and_you: "your comment is stupid, you moron", "moron" => Some("insult/second-person"),
    }

    fn profane(text: &str) -> Vec<String> {
        frame(text, |t, out| profane_names(t, &[], out))
    }

    #[test]
    fn crude_nouns_insult_only_when_someone_is_called_one() {
        for (text, want) in [
            ("You are an ass, not a fool.", Some("insult/second-person you … ass")),
            ("you dick", Some("insult/second-person you … dick")),
            ("youre such a fat prick", Some("insult/second-person youre … prick")),
            ("Raul is a fat prick.", Some("insult/name-calling raul … prick")),
            ("my boss is a total ass", Some("insult/name-calling boss … ass")),
            ("I will kick your ass", None),
            ("you kick ass", None),
            ("this is a pain in the ass", None),
            ("kiss my ass", None),
            ("that was a dick move", None),
            ("I was an ass yesterday", None),
            ("\"you are an ass\", he wrote", None),
        ] {
            let got = profane(text);
            assert_eq!(got.first().map(String::as_str), want, "{text}: {got:?}");
        }
    }

    #[test]
    fn nouns_for_a_person_insult_only_the_reader_called_one() {
        for (text, want) in [
            ("You're a fraud DAVE", Some("youre … fraud")),
            ("Your a racist. Excuse me?", Some("your … racist")),
            ("you are such a joke", Some("you … joke")),
            ("See the edit reason you muppet.", Some("you … muppet")),
            ("u noob", Some("u … noob")),
            ("are you a racist?", None),
            ("he called you a fraud", None),
            ("thank you nerds", None),
            ("your fake account was banned", None),
            ("the fraud case went to court", None),
            ("that is a joke", None),
            ("he is a fraud", None),
            ("you are not a fraud", None),
        ] {
            assert_eq!(mild(text).first().map(String::as_str), want, "{text}");
        }
    }
}
