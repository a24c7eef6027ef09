//! Threats: intent or wish + violent act + target (`I will find you and kill you`, `someone needs
//! to ... whack these idiots`, `te voy a matar`), wished harm (`I hope you die`, `ojalá te
//! mueras`) and deserved harm (`he deserves to be hanged`), while idioms stay clean (`kill the
//! bill`, `this comedian killed it`, `shoot me an email`, `Americans should hang their heads in
//! shame`, `dying of laughter`).

use super::negation::{is_dampened, negates};
use super::vocab::{
    cue, has_clitic_target, is_body_idiom, is_body_modifier, is_body_part, is_harm_participle, is_idiom_object,
    is_idiom_thing, is_intent, is_kin, is_people_noun, is_person_target, is_possessive, is_reflexive,
    is_second_person_object, is_target, is_thing_noun, is_wished_harm, is_wished_harm_participle, kills_people,
    takes_a_named_victim,
};
use super::{said_by_another, same_sentence, Finding, Token};
use crate::engine::category::Category;

/// How far before the violent verb the intent may stand ("someone needs to put us Americans out
/// of our misery and whack these idiots" has ten words between them).
const INTENT_WINDOW: usize = 12;
/// How far after the verb the target may stand.
const TARGET_WINDOW: usize = 3;

/// A threat finding and whether it is negated ("I would never kill you").
pub struct ThreatFinding {
    pub finding: Finding,
    pub dampened: bool,
}

/// What the threat rules know of a token beyond its text.
pub struct Marks<'a> {
    /// Token `i` is written as a person's name (see [`super::is_name`]), a target for the violent
    /// verbs as a pronoun is ("I'll shoot Maarten").
    pub named: &'a dyn Fn(usize) -> bool,
    /// Token `i` is inside an operator insult entry: a person named by an insult is a target of
    /// a command ("kill the fucking shithead").
    pub insult: &'a dyn Fn(usize) -> bool,
}

/// Scans all tokens for threats.
pub fn find(tokens: &[Token<'_>], marks: &Marks<'_>, out: &mut Vec<ThreatFinding>) {
    for at in 0..tokens.len() {
        let cues = tokens[at].cues;
        if cues & cue::VIOLENT != 0 {
            intent_violence_target(tokens, at, Reach::Anyone, marks, out);
        } else if cues & cue::AIMED_VIOLENT != 0 {
            intent_violence_target(tokens, at, Reach::Reader, marks, out);
        } else if cues & cue::BODY_VIOLENT != 0 {
            intent_violence_target(tokens, at, Reach::Body, marks, out);
        } else if cues & cue::WISH != 0 {
            wish_harm(tokens, at, out);
        } else if cues & cue::DESERVE != 0 {
            passive_deserve(tokens, at, out);
        } else if cues & cue::IMPERATIVE_DIE != 0 {
            imperative_die(tokens, at, out);
        }
    }
}

/// `anchor` is the token whose context decides negation: the violent verb or the cue.
fn push(
    tokens: &[Token<'_>],
    rule: &'static str,
    anchor: usize,
    (from, to): (usize, usize),
    words: &[usize],
    out: &mut Vec<ThreatFinding>,
) {
    let term = words.iter().map(|&i| tokens[i].text).collect::<Vec<_>>().join(" … ");
    out.push(ThreatFinding {
        finding: Finding {
            category: Category::Threat,
            rule,
            term,
            start: tokens[from].start,
            end: tokens[to].end,
        },
        // Also a negation right before the threat's first word: Spanish negates the pronoun
        // and the intent that open it ("no te voy a matar", "no voy a matarte").
        dampened: is_dampened(tokens, anchor)
            || from
                .checked_sub(1)
                .is_some_and(|k| tokens[k].clause == tokens[from].clause && negates(tokens, k))
            || is_reported(tokens, from),
    });
}

/// Whether the threat starting at token `at` is someone else's words, reported: "the senator
/// said the protesters should be shot", "he said he will kill you". A verb of saying stands at
/// most four words before it in its sentence (its subject's words between), and its own subject
/// is not the commenter ("like I said, I will kill you" stands). Read for the threat list's
/// entries too. An attribution that closes the sentence ("they should be shot, the senator
/// said") damps like a negation: see [`super::negation`].
pub fn is_reported(tokens: &[Token<'_>], at: usize) -> bool {
    let sentence = tokens[at].sentence;
    (at.saturating_sub(4)..at)
        .rev()
        .take_while(|&k| tokens[k].sentence == sentence)
        .any(|v| said_by_another(tokens, v))
}

/// Which objects make a violent verb a threat.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Any person or group ([`is_target`]), or a name for the verbs that
    /// [`takes_a_named_victim`]: "kill", "whack".
    Anyone,
    /// The reader, right after the verb, or a person's body or kin ([`is_aimed_violent_verb`]):
    /// "attack you", "decapitate your mother"; not "destroy your argument".
    Reader,
    /// Only a person's body ([`is_body_violent_verb`]): "knock your teeth out"; not "cut taxes".
    Body,
}

/// `reach`: what the verb's object must be.
fn intent_violence_target(
    tokens: &[Token<'_>],
    at: usize,
    reach: Reach,
    marks: &Marks<'_>,
    out: &mut Vec<ThreatFinding>,
) {
    let named = marks.named;
    let after = same_sentence(tokens, at, at + 1, at + 1 + TARGET_WINDOW);
    let next: Vec<&str> = tokens[after.clone()].iter().map(|t| t.text).collect();
    let verb = tokens[at].text;
    // "kill yourself", "hang himself": the verb's object is its subject. Urging self-harm is the
    // severe_toxicity list's to read, not a threat (see `is_target`).
    if next.first().is_some_and(|w| is_reflexive(w)) {
        return;
    }
    // "beat the crap out of him": the person comes after the idiom, past the target window.
    let out_of = (reach == Reach::Anyone)
        .then(|| same_sentence(tokens, at, at + 1, at + 6))
        .filter(|r| r.len() == 5)
        .and_then(|r| {
            let w = |k: usize| tokens[r.start + k].text;
            let beaten = w(0) == "the"
                && matches!(w(1), "crap" | "shit" | "fuck" | "snot" | "piss" | "stuffing")
                && w(2) == "out"
                && w(3) == "of"
                && is_person_target(w(4));
            beaten.then_some(r.end - 1)
        });
    // The body verbs' objects are checked by `body` below; the generic idiom objects ("off",
    // "out") would clear "cut off your head".
    if reach != Reach::Body && out_of.is_none() && is_idiom_object(verb, &next) {
        return;
    }
    // "cut off your head", "knock his teeth out", "beat yo ass": a possessive, perhaps a
    // modifier ("your stupid face"), then a body part, or kin for the verbs that harm people
    // outright.
    let body = || {
        after.clone().filter(|&i| is_possessive(tokens[i].text)).find_map(|i| {
            let mut j = i + 1;
            if j < tokens.len() && is_body_modifier(tokens[j].text) {
                j += 1;
            }
            let w = same_sentence(tokens, i, j, j + 1).next().map(|j| tokens[j].text)?;
            ((is_body_part(w) && !is_body_idiom(verb, w)) || (reach != Reach::Body && is_kin(w))).then_some(j)
        })
    };
    let target = out_of.or_else(|| match reach {
        Reach::Body => body(),
        Reach::Reader => (after.start < after.end && is_second_person_object(tokens[after.start].text))
            .then_some(after.start)
            .or_else(body),
        Reach::Anyone if has_clitic_target(verb) => Some(at),
        Reach::Anyone => after
            .clone()
            .find(|&i| is_target(tokens[i].text) || (takes_a_named_victim(verb) && named(i)))
            .or_else(body),
    });
    // Spanish puts the object pronoun first: "te voy a matar".
    let before = same_sentence(tokens, at, at.saturating_sub(INTENT_WINDOW), at);
    // "about" and "going" are intent only as "about to", "going to" ("comments about the
    // case", "going around").
    let intent = before.clone().rev().find(|&i| {
        is_intent(tokens[i].text)
            && (!matches!(tokens[i].text, "about" | "going")
                || tokens.get(i + 1).is_some_and(|t| matches!(t.text, "to" | "2")))
    });
    // "Tariffs will hurt everyone", "this policy is going to hurt you": a thing as the intent's
    // subject makes it a prediction, not anyone's threat.
    if intent.is_some_and(|i| thing_subject(tokens, i)) {
        return;
    }
    let target = target.or_else(|| {
        if reach != Reach::Anyone {
            return None;
        }
        intent.and_then(|i| {
            (before.start..i + 1)
                .rev()
                .find(|&k| matches!(tokens[k].text, "te" | "lo" | "los" | "la" | "las" | "les"))
        })
    });
    // No intent word: a command is one ("Kill him.", "somebody hang him", "just kill them"),
    // with a person right after the verb, or one named by an insult ("kill the shithead").
    let command = intent.is_none() && commands(tokens, at, &next);
    // After a determiner: a person named by an insult ("kill the shithead"), or people named
    // plainly ("hang the traitors", "kill all the politicians") when the verb can only mean
    // harming them, never "beat the Democrats" at the polls.
    // `own`: the speaker's intent, where an apostrophe-less possessive ("the editors draft")
    // must not pass, so the people must end the clause or be followed by a function word.
    let insulted = |own: bool| {
        if reach != Reach::Anyone {
            return None;
        }
        let determiner = matches!(
            next.first().copied(),
            Some("the" | "that" | "this" | "these" | "those" | "all")
        );
        let people = |i: usize| {
            let after = tokens.get(i + 1).filter(|t| t.clause == tokens[i].clause);
            kills_people(verb)
                && is_people_noun(tokens[i].text)
                && if own {
                    after.is_none_or(|t| is_after_object(t.text))
                } else {
                    tokens.get(i + 1).is_none_or(|t| !matches!(t.text, "s" | "of"))
                }
        };
        // The determiner, then up to three words ("all the corrupt politicians").
        determiner
            .then(|| same_sentence(tokens, at, at + 2, at + 5).find(|&i| (marks.insult)(i) || people(i)))
            .flatten()
    };
    // The speaker's own intent names its victims the same way: "I'm going to kill the founder",
    // "we will hang the traitors". Not another's ("the regime is going to execute the
    // protesters" is news) nor an opinion ("they should execute the murderers").
    let insulted = if command {
        insulted(false)
    } else if intent.is_some_and(|i| first_person_intent(tokens, i)) {
        insulted(true)
    } else {
        None
    };
    let target = target.or(insulted);
    let intent = intent.or_else(|| (command && (person_next(&next) || insulted.is_some())).then_some(at));
    if let (Some(i), Some(t)) = (intent, target) {
        let from = i.min(t);
        let to = at.max(t);
        let mut words = vec![i, at, t];
        words.sort_unstable();
        words.dedup();
        push(tokens, "threat/intent-violence-target", at, (from, to), &words, out);
    }
}

/// Whether the subject of the intent word at `i` is a thing ("tariffs will", "this policy is
/// going to", "it will"): the word before it in its clause, past auxiliaries and adverbs.
fn thing_subject(tokens: &[Token<'_>], i: usize) -> bool {
    // "if i know who wrote this i'll kill him": the speaker's own intent is nobody's prediction.
    if first_person_intent(tokens, i) {
        return false;
    }
    let clause = tokens[i].clause;
    let subject = tokens[..i]
        .iter()
        .rev()
        .take_while(|t| t.clause == clause)
        .find(|t| !is_auxiliary_or_adverb(t.text));
    // "tariffs are a stupid idea and will hurt everyone": the clause's first word is the subject.
    // The clause's first token (clauses number the tokens in order).
    let first = tokens[..i].iter().position(|t| t.clause == clause);
    let subject = match subject {
        Some(t) if matches!(t.text, "and" | "but" | "or") => {
            // Past a determiner: "this guy is a moron and will kill us" is about a person.
            first.map(|k| match tokens[k].text {
                "the" | "this" | "that" | "these" | "those" if k + 1 < i => &tokens[k + 1],
                _ => &tokens[k],
            })
        }
        other => other,
    };
    // "That will kill you" is a prediction; "the man that will kill you" is a person.
    let opens_clause = |t: &Token<'_>| first.is_some_and(|k| tokens[k].start == t.start);
    subject.is_some_and(|t| {
        matches!(t.text, "it" | "this" | "which")
            || (t.text == "that" && opens_clause(t))
            || is_thing_noun(t.text)
            || is_idiom_thing(t.text)
    })
}

/// Whether the clause of the cue at `at` opens with a thing as its subject: determiners, a
/// thing noun, then only auxiliaries and adverbs up to the cue ("this movie really should").
/// Not a thing that another verb takes ("whoever wrote this article should be shot").
fn thing_opens_clause(tokens: &[Token<'_>], at: usize) -> bool {
    let clause = tokens[at].clause;
    let mut k = (0..at)
        .rev()
        .take_while(|&k| tokens[k].clause == clause)
        .last()
        .unwrap_or(at);
    while k < at
        && matches!(
            tokens[k].text,
            "the" | "this" | "that" | "these" | "those" | "a" | "an" | "el" | "la" | "los" | "las" | "este" | "esta"
        )
    {
        k += 1;
    }
    k < at
        && (is_thing_noun(tokens[k].text) || is_idiom_thing(tokens[k].text))
        && tokens[k + 1..at].iter().all(|t| is_auxiliary_or_adverb(t.text))
}

/// Words between a subject and its intent word: "tariffs are really going to".
#[rustfmt::skip]
fn is_auxiliary_or_adverb(w: &str) -> bool {
    matches!(
        w,
        "is" | "are" | "was" | "were" | "be" | "really" | "definitely" | "surely" | "probably"
            | "certainly" | "eventually" | "just" | "also" | "only" | "clearly" | "literally"
    )
}

/// Words that may follow a verb's object in its clause: "kill the founder of ...", "... who
/// wrote this", "... tonight".
#[rustfmt::skip]
fn is_after_object(w: &str) -> bool {
    matches!(
        w,
        "of" | "who" | "that" | "and" | "in" | "at" | "with" | "for" | "now" | "already" | "tonight"
            | "today" | "tomorrow" | "soon" | "if" | "when" | "because" | "first" | "too"
    )
}

/// Whether the intent word at `i` is the speaker's: a first-person form ("ill", "imma", "voy"),
/// or "i"/"we" at most two words before it in its clause ("I am going to", "we will").
fn first_person_intent(tokens: &[Token<'_>], i: usize) -> bool {
    if matches!(
        tokens[i].text,
        "ill" | "id" | "ima" | "imma" | "lets" | "voy" | "vamos" | "quiero" | "queremos"
    ) {
        return true;
    }
    let clause = tokens[i].clause;
    tokens[i.saturating_sub(2)..i]
        .iter()
        .any(|t| t.clause == clause && matches!(t.text, "i" | "im" | "we" | "ive"))
}

/// Whether the violent verb at `at` gives a command: the plain verb opening its clause, perhaps
/// after an urging word or a vocative ("just", "go", "somebody"), with no particle that makes it
/// another verb ("kick them out", "beat them up" is left to the intent rule) and no idiom ("kill
/// them with kindness", "beat them at chess"). Its object is checked by the caller: a person
/// pronoun ([`person_next`]; a possessive is too often "kick your feet together" or "finish your
/// mother…" there) or a person named by an insult.
fn commands(tokens: &[Token<'_>], at: usize, next: &[&str]) -> bool {
    let verb = tokens[at].text;
    if is_inflected(verb) {
        return false;
    }
    let urging = |w: &str| is_urging(w) || matches!(w, "somebody" | "someone" | "lets");
    let opener = clause_start(tokens, at, urging).or_else(|| conjoined_command(tokens, at, urging));
    let particle = matches!(
        next.get(1).copied(),
        Some("out" | "off" | "up" | "down" | "back" | "around" | "over" | "away" | "at" | "in" | "with" | "to")
    );
    opener.is_some() && !particle
}

/// Where a command joined to another one starts: "round them up and kill them", "take him
/// outside and hang him". The verb at `at` follows "and" or "then", and before that, within a few
/// words, comes a clause opened by a plain verb (no subject: not "I found him and killed him")
/// whose object is a person pronoun. `None` for anything else.
fn conjoined_command(tokens: &[Token<'_>], at: usize, urging: impl Fn(&str) -> bool) -> Option<usize> {
    /// Words between the first command's object and "and": "up", "all", "into the street".
    const REACH: usize = 5;
    let clause = tokens[at].clause;
    let same = |i: usize| tokens[i].clause == clause;
    let join = at
        .checked_sub(1)
        .filter(|&i| same(i) && matches!(tokens[i].text, "and" | "then" | "n"))?;
    (join.saturating_sub(REACH + 1)..join).rev().find_map(|j| {
        let verb = j.checked_sub(1).filter(|&v| same(v) && same(j))?;
        let w = tokens[verb].text;
        let plain_verb = !is_inflected(w) && !w.ends_with("ed") && !is_subject_or_auxiliary(w) && !urging(w);
        (matches!(tokens[j].text, "him" | "her" | "them" | "em")
            && plain_verb
            && clause_start(tokens, verb, &urging).is_some())
        .then_some(verb)
    })
}

/// A verb with a present-tense or progressive ending, which no command has ("kills", "killing");
/// "gas", "bash" and "slash" end in `s` as they are.
fn is_inflected(verb: &str) -> bool {
    verb.ends_with("ing") || (verb.ends_with('s') && !matches!(verb, "gas" | "bash" | "slash"))
}

/// Words that open a clause as its subject or an auxiliary, never as a command's verb.
fn is_subject_or_auxiliary(w: &str) -> bool {
    matches!(
        w,
        "i" | "you"
            | "u"
            | "he"
            | "she"
            | "we"
            | "they"
            | "it"
            | "who"
            | "to"
            | "will"
            | "would"
            | "should"
            | "could"
            | "can"
            | "did"
            | "do"
            | "dont"
            | "didnt"
            | "never"
            | "not"
            | "cant"
            | "wont"
            | "and"
            | "or"
            | "but"
            | "if"
            | "then"
            | "when"
            | "that"
            | "let"
    )
}

/// Where the clause a command at `at` opens starts: at `at`, or at an urging word just before it
/// that opens the clause ("just die", "somebody hang him"); `None` mid-clause.
fn clause_start(tokens: &[Token<'_>], at: usize, urging: impl Fn(&str) -> bool) -> Option<usize> {
    let opens_before = |i: usize| i == 0 || tokens[i - 1].clause != tokens[at].clause;
    if at > 0 && opens_before(at - 1) && urging(tokens[at - 1].text) {
        Some(at - 1)
    } else {
        opens_before(at).then_some(at)
    }
}

/// Words that urge a command on: "just die", "go kill yourself", "please".
fn is_urging(w: &str) -> bool {
    matches!(w, "just" | "go" | "please" | "pls" | "plz" | "now")
}

/// A person pronoun right after the verb.
fn person_next(next: &[&str]) -> bool {
    matches!(
        next.first().copied(),
        Some("him" | "her" | "them" | "you" | "u" | "ya" | "everyone" | "everybody" | "yall")
    )
}

fn wish_harm(tokens: &[Token<'_>], at: usize, out: &mut Vec<ThreatFinding>) {
    // "like" and "love" wish only in the conditional: "I'd like to see you die", "would love
    // to see them suffer"; not "I love it when they die in the film".
    if matches!(tokens[at].text, "like" | "love")
        && !(at > 0 && matches!(tokens[at - 1].text, "would" | "id" | "wd" | "d"))
    {
        return;
    }
    let after = same_sentence(tokens, at, at + 1, at + 6);
    // "ojalá se muera": the reflexive of a dying verb is its subject, wished dead.
    let dying = |i: usize| {
        tokens[i].text == "se"
            && tokens
                .get(i + 1)
                .is_some_and(|t| matches!(t.text, "muera" | "mueran" | "pudra" | "pudran"))
    };
    let target = after.clone().find(|&i| {
        is_target(tokens[i].text) || is_person_target(tokens[i].text) || tokens[i].text == "que" || dying(i)
    });
    let Some(t) = target else { return };
    let person = is_person_target(tokens[t].text);
    // "I'd love to see them dead": seeing someone dead is wished only of people.
    let to_see = person && (at + 1..t).any(|i| matches!(tokens[i].text, "see" | "ver"));
    let harm = (t + 1..after.end).find(|&i| {
        let w = tokens[i].text;
        let next = tokens.get(i + 1).map(|t| t.text);
        (is_wished_harm(w)
            // "dying of laughter", "die laughing", "die happy" are not wished harm.
            && !matches!(next, Some("of" | "laughing" | "happy" | "trying" | "for" | "a" | "in")))
            // "hope you get shot", not "hope his idea gets shot down".
            || (person && is_wished_harm_participle(w) && !matches!(next, Some("down" | "up" | "at" | "for")))
            || (to_see && matches!(w, "dead" | "muerto" | "muertos" | "muerta" | "muertas"))
            // "hope your head gets cut off": a body part of the person, cut or ripped off.
            || (person
                && matches!(w, "cut" | "chopped" | "ripped" | "torn" | "blown" | "hacked")
                && next == Some("off")
                && (t + 1..i).any(|k| is_body_part(tokens[k].text)))
    });
    if let Some(h) = harm {
        push(tokens, "threat/wish-harm", at, (at, h), &[at, t, h], out);
    }
}

/// "Die.", "die you whore", "I hate you, just die already": `die` opening a clause (perhaps
/// after an urging word), alone or followed by the reader, an urging word or a name for them, is
/// a death wish. Not "Die Hard" or "die Welt", nor "you will die" (no clause opens with it).
fn imperative_die(tokens: &[Token<'_>], at: usize, out: &mut Vec<ThreatFinding>) {
    let Some(from) = clause_start(tokens, at, is_urging) else {
        return;
    };
    let clause = tokens[at].clause;
    let next = tokens.get(at + 1).filter(|t| t.clause == clause).map(|t| t.text);
    let wished = next.is_none_or(|w| {
        matches!(
            w,
            "you"
                | "u"
                | "now"
                | "already"
                | "please"
                | "pls"
                | "plz"
                | "die"
                | "slowly"
                | "bitch"
                | "whore"
                | "fag"
                | "faggot"
                | "loser"
                | "idiot"
                | "moron"
                | "scum"
                | "bastard"
                | "motherfucker"
                | "cunt"
        )
    });
    if wished {
        let to = if next.is_some() { at + 1 } else { at };
        push(tokens, "threat/wish-harm", at, (from, to), &[at], out);
    }
}

fn passive_deserve(tokens: &[Token<'_>], at: usize, out: &mut Vec<ThreatFinding>) {
    // cue (to) (be|ser) participle: "deserves to be hanged", "should be shot", "merece morir".
    let after = same_sentence(tokens, at, at + 1, at + 5);
    let mut i = after.start;
    while i < after.end
        && matches!(
            tokens[i].text,
            "to" | "be" | "ser" | "all" | "just" | "publicly" | "that"
        )
    {
        i += 1;
    }
    if i >= after.end || i == after.start && !matches!(tokens[i].text, "die" | "morir") {
        return;
    }
    let w = tokens[i].text;
    if !is_harm_participle(w) {
        return;
    }
    // "the bill should die": only people deserve-to-die threats count.
    let subject = same_sentence(tokens, at, at.saturating_sub(3), at);
    let pronoun = tokens[subject.clone()].iter().any(|t| {
        matches!(
            t.text,
            "he" | "she"
                | "they"
                | "you"
                | "u"
                | "him"
                | "them"
                | "who"
                | "everyone"
                | "people"
                | "ustedes"
                | "el"
                | "ella"
                | "ellos"
                | "todos"
        )
    });
    // Dying is said of bills and ideas too; being hanged or shot is said of people. People are
    // a pronoun, a noun for people ("liberals should die", "los gringos deberían morir") or all
    // of something ("they should all die", "deberían morir todos"): bills seldom all die.
    let people = pronoun
        || tokens[subject].iter().any(|t| is_people_noun(t.text))
        || tokens[after.start..i].iter().any(|t| t.text == "all")
        || tokens
            .get(i + 1)
            .is_some_and(|t| t.clause == tokens[i].clause && t.text == "todos");
    if matches!(w, "die" | "dead" | "morir" | "muerto" | "muertos") && !people {
        return;
    }
    // "this movie should be shot in color", "the bill should die": things are shot and die too.
    if thing_opens_clause(tokens, at) {
        return;
    }
    let next: Vec<&str> = tokens[i + 1..(i + 4).min(tokens.len())]
        .iter()
        .map(|t| t.text)
        .collect();
    let n1 = next.first().copied().unwrap_or("");
    let idiom = match w {
        // "dead wrong", "die of shame", "die for oil", "morir de vergüenza".
        "dead" | "die" | "morir" => matches!(
            n1,
            "on" | "wrong"
                | "tired"
                | "serious"
                | "set"
                | "last"
                | "laughing"
                | "down"
                | "of"
                | "for"
                | "from"
                | "trying"
                | "happy"
                | "young"
                | "old"
                | "de"
                | "por"
                | "en"
        ),
        // "shot down", "shot from above", "shot on film"; but "shot on sight" and "shot for
        // treason" are wished on people.
        "shot" => matches!(n1, "down" | "from") || (n1 == "on" && next.get(1) != Some(&"sight")),
        // Beaten at the polls, in November, by ten points.
        "beaten" => matches!(n1, "at" | "in" | "by" | "on"),
        _ => false,
    };
    if idiom {
        return;
    }
    push(tokens, "threat/passive-deserve", at, (at, i), &[at, i], out);
}

#[cfg(test)]
mod tests {
    use super::super::tokenize;
    use super::*;

    fn rules(text: &str) -> Vec<&'static str> {
        let n = crate::engine::normalize::normalize(text, &Default::default());
        let t = tokenize(n.text());
        let mut out = Vec::new();
        // The insult entries the cases use.
        let insult = |i: usize| matches!(t[i].text, "idiot" | "idiots" | "shithead" | "bastards");
        let marks = Marks {
            named: &|i| super::super::is_name(text, &n, &t, i),
            insult: &insult,
        };
        find(&t, &marks, &mut out);
        out.iter().filter(|f| !f.dampened).map(|f| f.finding.rule).collect()
    }

    macro_rules! threat_cases {
        ($($name:ident: $text:expr => $want:expr,)*) => {$(
            #[test]
            fn $name() { assert_eq!(rules($text), $want as Vec<&str>, "{}", $text); }
        )*};
    }

    threat_cases! {
        find_and_kill: "I will find you and kill you" => vec!["threat/intent-violence-target"],
        whack_these_idiots: "Someone needs to put us Americans out of our misery and whack these idiots." => vec!["threat/intent-violence-target"],
        deserves_hanging: "he deserves to be hanged" => vec!["threat/passive-deserve"],
        should_be_shot: "they should be shot" => vec!["threat/passive-deserve"],
        hope_you_die: "I hope you die" => vec!["threat/wish-harm"],
        te_voy_a_matar: "te voy a matar" => vec!["threat/intent-violence-target"],
        no_te_voy_a_matar: "no te voy a matar" => vec![],
        no_voy_a_matarte: "no voy a matarte, tranquilo" => vec![],
        answer_then_threat: "no, te voy a matar" => vec!["threat/intent-violence-target"],
        voy_a_matarte: "voy a matarte pendejo" => vec!["threat/intent-violence-target"],
        ojala_te_mueras: "ojalá te mueras" => vec!["threat/wish-harm"],
        comedian_killed_it: "this comedian killed it last night" => vec![],
        kill_to_have: "I'd kill to have his salary" => vec![],
        kill_the_bill: "we need to kill the bill" => vec![],
        nuke_a_modified_thing: "let's nuke this terrible proposal from orbit" => vec![],
        thing_predicts_harm: "tariffs will hurt everyone" => vec![],
        thing_phrase_predicts_harm: "this policy is going to hurt you" => vec![],
        thing_in_a_joined_predicate: "tariffs are a stupid idea and will hurt everyone" => vec![],
        person_in_a_joined_predicate: "this guy is a moron and will kill us all" => vec!["threat/intent-violence-target"],
        person_predicts_harm: "he will hurt everyone" => vec!["threat/intent-violence-target"],
        tariffs_kill_an_industry: "los aranceles van a matar a la industria" => vec![],
        laughing_to_death: "me vas a matar de la risa" => vec![],
        own_intent_after_a_thing: "if i know who wrote this i'll kill him" => vec!["threat/intent-violence-target"],
        person_named_by_that: "the man that will track you down and kill you" => vec!["threat/intent-violence-target"],
        hang_heads: "Americans should hang their heads in shame around the planet!" => vec![],
        shoot_email: "shoot me an email when you can" => vec![],
        dying_of_laughter: "I hope you are not dying of laughter" => vec![],
        hug_to_death: "I will hug him to death" => vec![],
        news_force: "There will be no use of military force in immigration." => vec![],
        trade_war: "Mexico was prepared to enter a trade war with the United States" => vec![],
        slap_a_tax: "Trump has threatened to slap a punitive tax on imports" => vec![],
        beat_the_odds: "we will beat the odds" => vec![],
        never_kill: "I would never kill you" => vec![],
        bill_should_die: "the bill should die" => vec![],
        bills_should_die: "these bills should die in committee" => vec![],
        group_should_die: "all liberals need to die" => vec!["threat/passive-deserve"],
        nationality_should_all_die: "Americans should all die" => vec!["threat/passive-deserve"],
        gringos_deberian_morir: "los gringos deberían morir" => vec!["threat/passive-deserve"],
        deberian_morir_todos: "deberían morir todos" => vec!["threat/passive-deserve"],
        morir_de_verguenza: "los gringos deberían morir de vergüenza" => vec![],
        people_die_of_something: "people need to die of something, says the actuary" => vec![],
        soldiers_die_for: "soldiers should not have to die for oil" => vec![],
        shot_for_treason: "he should be shot for treason" => vec!["threat/passive-deserve"],
        shot_on_sight: "he should be shot on sight" => vec!["threat/passive-deserve"],
        shot_on_film: "the sequel should be shot on film" => vec![],
        movie_shot_in_color: "this movie should be shot in color" => vec![],
        movie_really_shot: "this movie really should be shot in color" => vec![],
        whoever_did_this: "whoever did this should be shot" => vec!["threat/passive-deserve"],
        whoever_wrote_this_article: "whoever wrote this article should be shot" => vec!["threat/passive-deserve"],
        beaten_at_the_polls: "the democrats should be beaten at the polls" => vec![],
        beaten_in_november: "they need to be beaten in november" => vec![],
        beaten_to_death: "they should be beaten to death" => vec!["threat/passive-deserve"],
        deserves_a_punch: "he deserves to be punched in the face" => vec!["threat/passive-deserve"],
        ojala_se_mueran: "ojalá se mueran todos los políticos" => vec!["threat/wish-harm"],
        ojala_se_mejore: "ojalá se mejore pronto" => vec![],
        ill_attack_you: "Ill attack you if i want to" => vec!["threat/intent-violence-target"],
        ima_smack_you: "ima smack you so hard" => vec!["threat/intent-violence-target"],
        attack_this_problem: "we will attack this problem head on" => vec![],
        attack_them_on_policy: "they are going to attack them on immigration" => vec![],
        destroy_the_economy: "these tariffs will destroy the economy" => vec![],
        destroy_your_argument: "I will destroy your argument point by point" => vec![],
        finish_you: "I will finish you" => vec!["threat/intent-violence-target"],
        hope_you_get_shot: "I hope you get shot" => vec!["threat/wish-harm"],
        hope_he_gets_raped: "hope he gets raped in prison" => vec!["threat/wish-harm"],
        hope_they_rot: "I hope they rot" => vec!["threat/wish-harm"],
        idea_shot_down: "I hope his idea gets shot down" => vec![],
        shoot_a_named_person: "i'll shoot Maarten Stam with a gun" => vec!["threat/intent-violence-target"],
        punch_a_named_person: "I'm going to punch John in the face" => vec!["threat/intent-violence-target"],
        a_name_opening_a_sentence_is_not_a_target: "I will kill. Mark my words" => vec![],
        a_shouted_word_is_not_a_name: "I WILL KILL THE BILL" => vec![],
        beat_a_team_is_not_a_threat: "we will beat Chelsea on sunday" => vec![],
        a_named_bill_is_not_a_victim: "we need to kill Trump's bill" => vec![],
        matar_a_juan: "voy a matar a Juan" => vec!["threat/intent-violence-target"],
        want_you_to_die: "I want you to die" => vec!["threat/wish-harm"],
        wanna_see_them_suffer: "i wanna see them suffer" => vec!["threat/wish-harm"],
        quiero_que_te_mueras: "quiero que te mueras" => vec!["threat/wish-harm"],
        want_to_die_is_not_aimed: "some days I want to die" => vec![],
        want_you_to_die_laughing: "I want you to die laughing at this" => vec![],
        bill_gets_killed: "I hope that bill gets killed in committee" => vec![],
        about_to_kill: "I'm about to kill you" => vec!["threat/intent-violence-target"],
        about_is_not_intent: "comments about the gang rape case, you know" => vec![],
        going_around: "he is going around killing them in his novel" => vec![],
        die_alone: "Die." => vec!["threat/wish-harm"],
        die_you: "Die you whore" => vec!["threat/wish-harm"],
        die_in_a_clause: "I hate you, just die already" => vec!["threat/wish-harm"],
        die_hard: "Die Hard is the best christmas movie" => vec![],
        command: "Kill him." => vec!["threat/intent-violence-target"],
        urged_command: "somebody hang him already" => vec!["threat/intent-violence-target"],
        command_after_a_clause: "you know what, just kill them" => vec!["threat/intent-violence-target"],
        command_with_a_particle: "kick them out of the country" => vec![],
        command_idiom: "kill them with kindness" => vec![],
        command_at_a_game: "beat them at their own game" => vec![],
        not_a_command: "they kill him in the last scene" => vec![],
        command_on_a_thing: "kill the bill" => vec![],
        command_possessive: "kick your feet together" => vec![],
        command_on_an_insult: "KILL THE FUCKING SHITHEAD ALREADY" => vec!["threat/intent-violence-target"],
        command_on_insulted_people: "just shoot the bastards" => vec!["threat/intent-violence-target"],
        command_on_a_plain_noun: "kill the engine" => vec![],
        command_on_people: "hang the traitors" => vec!["threat/intent-violence-target"],
        command_on_all_people: "Kill all the corrupt politicians!" => vec!["threat/intent-violence-target"],
        command_on_a_role: "somebody shoot the president" => vec!["threat/intent-violence-target"],
        own_intent_on_a_role: "I AM GOING TO KILL THE FOUNDER OF WIKIPEDIA" => vec!["threat/intent-violence-target"],
        own_intent_on_people: "we will hang the traitors" => vec!["threat/intent-violence-target"],
        own_intent_on_an_insult: "I'm gonna kill the idiot who wrote this" => vec!["threat/intent-violence-target"],
        others_intent_is_news: "the regime is going to execute the protesters" => vec![],
        opinion_on_people: "they should execute the murderers" => vec![],
        own_intent_on_a_bill: "I'm going to kill the bill" => vec![],
        own_intent_on_a_possession: "I will kill the editor's draft" => vec![],
        command_on_a_group: "just kill the immigrants" => vec!["threat/intent-violence-target"],
        command_on_their_work: "kill the president's bill" => vec![],
        command_on_people_at_the_polls: "beat the Democrats in November" => vec![],
        command_on_a_group_of_things: "kill all the people of the village in the game" => vec![],
        people_without_command: "they hang the traitors in the last act" => vec![],
        conjoined_command: "Round them all up and kill them." => vec!["threat/intent-violence-target"],
        conjoined_command_then: "find him then hang him" => vec!["threat/intent-violence-target"],
        conjoined_urged_command: "just catch them and kill them" => vec!["threat/intent-violence-target"],
        conjoined_narrative: "I found him and killed him" => vec![],
        conjoined_with_a_subject: "they round them up and kill them in the film" => vec![],
        conjoined_past: "soldiers rounded them up and killed them" => vec![],
        conjoined_on_a_thing: "pick it up and kill it" => vec![],
        conjoined_idiom: "hug them and kill them with kindness" => vec![],
        shoot_him: "Put him against the wall and shoot him." => vec!["threat/intent-violence-target"],
        just_shoot_me: "ugh, just shoot me" => vec![],
        conditional_wish: "I'd like to see you die" => vec!["threat/wish-harm"],
        conditional_wish_love: "I would love to see them suffer" => vec!["threat/wish-harm"],
        wish_to_see_dead: "I'd love to see them all dead" => vec!["threat/wish-harm"],
        wish_head_cut_off: "HOPE YOUR HEAD GETS CUT OFF" => vec!["threat/wish-harm"],
        wish_funding_cut_off: "I hope their funding gets cut off" => vec![],
        wish_hair_cut: "I hope your hair gets cut short" => vec![],
        want_to_see_you_dead: "I want to see you dead" => vec!["threat/wish-harm"],
        see_the_dead: "I want to see the dead sea scrolls" => vec![],
        want_them_to_see_dead: "I want them to see the dead bodies" => vec![],
        liking_a_death_scene: "I love it when they die in the film" => vec![],
        liking_someone: "I'd like you to die laughing at this" => vec![],
        beat_out_of: "If I see him I will beat the crap out of him." => vec!["threat/intent-violence-target"],
        beat_out_of_me: "it beats the shit out of me" => vec![],
        beat_out_of_a_thing: "I will beat the crap out of this old rug" => vec![],
        conjoined_after_a_place: "take him outside and hang him" => vec!["threat/intent-violence-target"],
        conjoined_narrative_when: "when police find him and kill him" => vec![],
        insult_without_command: "they kill the idiot in the end" => vec![],
        die_welt: "Die Welt reported it first" => vec![],
        you_will_die_is_not_imperative: "we all die someday, and you will die too" => vec![],
        dont_die: "please don't die on me" => vec![],
        knock_teeth_out: "Next time I see him I'll knock his teeth out" => vec!["threat/intent-violence-target"],
        cut_off_your_head: "I'm gonna cut off your head!" => vec!["threat/intent-violence-target"],
        beat_yo_ass: "ima whop yo ass for blocking me" => vec!["threat/intent-violence-target"],
        decapitate_your_mother: "I'll decapitate your mother" => vec!["threat/intent-violence-target"],
        break_his_legs: "we should break his legs" => vec!["threat/intent-violence-target"],
        cut_taxes: "we will cut taxes and break the deadlock" => vec![],
        cut_your_losses: "you should cut your losses" => vec![],
        break_your_heart: "I will break your heart" => vec![],
        cut_your_teeth: "I will cut my teeth on this and you will cut your teeth on that" => vec![],
        blow_your_nose: "you should blow your nose" => vec![],
        destroy_your_argument_head: "I will destroy your argument head to toe" => vec![],
        knock_mother_is_not_aimed: "I will knock your mother's door" => vec![],
        smash_your_stupid_face: "i will smash your stupid face in" => vec!["threat/intent-violence-target"],
    }
}
