//! Attacks on a group: an insult, a threat or hatred whose target is people named by a neutral
//! group word (`Mexicans are rapists`, `kill all Muslims`, `I hate gay people`, `you stupid jew`).
//!
//! The group words never count by themselves (see [`vocab::is_identity_word`]): "I am gay" and
//! "the Muslim community held a vigil" carry no evidence. What makes an identity attack is the
//! group standing where the target of the other rules stands, so this rule reads the insult and
//! threat evidence already found, token by token.

use super::vocab::{cue, is_copula, is_filler, is_group_noun};
use super::{said_by_another, Finding, Token};
use crate::engine::category::Category;

/// Marks of a token, from the evidence found before this rule runs.
pub mod mark {
    /// Inside an operator insult entry (`stupid`, `piece of shit`).
    pub const INSULT: u8 = 1;
    /// Inside an operator threat entry or a threat finding (`kill all`, `should be shot`).
    pub const THREAT: u8 = 2;
}

/// How far a threat may stand from the group it names, in tokens.
const THREAT_REACH: usize = 3;

/// Whether any token is a group word: the rule costs nothing on comments without one.
pub fn mentions_group(tokens: &[Token<'_>]) -> bool {
    tokens.iter().any(|t| t.cues & cue::IDENTITY != 0)
}

/// An attack on a group, and the token whose negation would deny it: the predicate's last
/// ("Mexicans are not criminals"), or for a denial, which is negated by nature ("gays shouldn't
/// exist"), the group's own last token.
pub struct Attack {
    pub finding: Finding,
    pub predicate: usize,
}

/// Finds attacks on groups. `marks[i]` holds the [`mark`] flags of token `i`.
pub fn find(tokens: &[Token<'_>], marks: &[u8], out: &mut Vec<Attack>) {
    let mut j = 0;
    while j < tokens.len() {
        if tokens[j].cues & cue::IDENTITY == 0 || tokens[j].quoted {
            j += 1;
            continue;
        }
        // The group: its words ("black muslim") and a noun for its people ("women").
        let first = j;
        let mut last = j;
        while last + 1 < tokens.len()
            && tokens[last + 1].clause == tokens[j].clause
            && (tokens[last + 1].cues & cue::IDENTITY != 0 || is_group_noun(tokens[last + 1].text))
        {
            last += 1;
        }
        let attack = attack_on(tokens, marks, first, last)
            .map(|(from, to)| (from, to, to))
            .or_else(|| {
                let whole = names_people(tokens, first, last) && !is_part_of_group(tokens, first);
                whole
                    .then(|| denial(tokens, first, last))
                    .flatten()
                    .map(|k| (first, k, last))
            });
        if let Some((from, to, predicate)) = attack {
            out.push(Attack {
                finding: Finding {
                    category: Category::IdentityAttack,
                    rule: "identity/group-attack",
                    term: format!("{} … {}", tokens[from].text, tokens[to].text),
                    start: tokens[from].start,
                    end: tokens[to].end,
                },
                predicate,
            });
        }
        j = last + 1;
    }
}

/// The token range of an attack on the group at tokens `first..=last`, if there is one.
fn attack_on(tokens: &[Token<'_>], marks: &[u8], first: usize, last: usize) -> Option<(usize, usize)> {
    if !names_people(tokens, first, last) {
        return None;
    }
    // Insults and hatred reach within the clause ("fat, stupid, gay" is a list); threats within
    // the sentence.
    let near = |i: usize, clause: bool| {
        tokens
            .get(i)
            .is_some_and(|t| t.sentence == tokens[first].sentence && (!clause || t.clause == tokens[first].clause))
    };
    let is = |i: usize, m: u8, clause: bool| near(i, clause) && marks[i] & m != 0;
    // Before the group, past its quantifiers and intensifiers ("all the", "fucking"): hatred
    // ("I hate Muslims", "odio a los gitanos") or an insult naming it ("you stupid jew").
    // An insult word can be an intensifier too (`stupid`): the mark is read first. A possessive
    // makes the word one person ("your woman"), not a group.
    let mut p = first;
    while p > 0 && near(p - 1, true) {
        p -= 1;
        let t = &tokens[p];
        if is_possessive(t.text) {
            return None;
        }
        if t.cues & cue::HATE != 0 || is(p, mark::INSULT, true) {
            return Some((p, last));
        }
        if !(is_determiner(t.text) || is_filler(t.text)) {
            break;
        }
    }
    // "kill all Muslims": a threat just before the group.
    if let Some(p) = (first.saturating_sub(THREAT_REACH)..first).find(|&p| is(p, mark::THREAT, false)) {
        return Some((p, last));
    }
    // "Mexicans are rapists", "gay people are disgusting idiots": the group as the subject of
    // a copula whose predicate, past articles and intensifiers, brands it.
    let mut k = last + 1;
    if near(k, true) && is_copula(tokens[k].text) && !is_part_of_group(tokens, first) {
        k += 1;
        while near(k, true) {
            let t = &tokens[k];
            if t.cues & cue::DEHUMANIZING != 0 || is(k, mark::INSULT, true) {
                return Some((first, k));
            }
            // "trans people are mentally ill", "son enfermos mentales": an illness said of a
            // whole group brands it (said of some, "many refugees are ill", it is news).
            let next = tokens.get(k + 1).filter(|_| near(k + 1, true)).map(|n| n.text);
            if matches!(
                (t.text, next),
                ("mentally", Some("ill" | "sick" | "deranged" | "disturbed" | "retarded"))
                    | ("enfermos" | "enfermas", Some("mentales"))
            ) {
                return Some((first, k + 1));
            }
            if !(is_filler(t.text) || is_determiner(t.text) || is_degree(t.text)) {
                break;
            }
            k += 1;
        }
    }
    // "Mexicans breed like rabbits", "immigrants are invading our country": a verb that makes
    // the group vermin or an invading army.
    if !is_part_of_group(tokens, first) {
        if let Some(k) = vermin_verb(tokens, first, last) {
            return Some((first, k));
        }
    }
    // "Muslims should be shot", "gay people deserve to die": a threat with the group as subject.
    let k = (last + 1..=last + THREAT_REACH).find(|&k| is(k, mark::THREAT, false))?;
    let end = (k..).take_while(|&e| is(e, mark::THREAT, false)).last().unwrap_or(k);
    Some((first, end))
}

/// The last token of a verb right after the group at `first..=last` that speaks of its people
/// as vermin ("breed like rabbits", "infest", "se reproducen como ratas") or, of migrants, as an
/// invading army ("are invading our country", "nos están invadiendo"). Nations invade in the
/// news ("Russians invaded"), so only migrants are read as invaders.
fn vermin_verb(tokens: &[Token<'_>], first: usize, last: usize) -> Option<usize> {
    let clause = tokens[first].clause;
    let word = |i: usize| tokens.get(i).filter(|t| t.clause == clause).map(|t| t.text);
    let mut k = last + 1;
    // Auxiliaries and the object pronoun of Spanish: "are", "keep", "nos están".
    while matches!(
        word(k),
        Some("are" | "r" | "keep" | "just" | "nos" | "estan" | "siguen")
    ) {
        k += 1;
    }
    let migrants = matches!(
        tokens[last].text,
        "immigrants" | "migrants" | "refugees" | "inmigrantes" | "migrantes"
    );
    match word(k)? {
        "breed" | "breeding" if word(k + 1) == Some("like") => Some(k + 1),
        "se" if matches!(word(k + 1), Some("reproducen")) && word(k + 2) == Some("como") => Some(k + 2),
        "infest" | "infesting" | "plague" | "plaguing" | "infestan" => Some(k),
        "invading" | "invade" | "invaden" | "invadiendo" | "overrunning" | "swarming" if migrants => Some(k),
        _ => None,
    }
}

/// The last token of a denial right after the group at `first..=last` of its people's
/// existence, vote or place: "gays shouldn't exist", "women shouldn't be allowed to vote",
/// "gays don't belong in the military", "los negros no deberían votar". Said of felons or
/// teenagers it is policy, and only group words reach this rule. Of a nation or of migrants
/// only existence is read: "Russians shouldn't be allowed to compete", "Americans don't
/// belong in Afghanistan" and who may vote where are argued in the news.
fn denial(tokens: &[Token<'_>], first: usize, last: usize) -> Option<usize> {
    let clause = tokens[first].clause;
    let word = |i: usize| tokens.get(i).filter(|t| t.clause == clause).map(|t| t.text);
    let national = tokens[first..=last].iter().any(|t| is_nation_or_migrants(t.text));
    let mut k = last + 1;
    match (word(k)?, word(k + 1)) {
        // What ought to be, not what can be: "Christians cannot exist openly there" is news.
        ("shouldnt" | "mustnt", _) => k += 1,
        ("should" | "must", Some("not" | "never")) => k += 2,
        ("no", Some("deberian" | "deben" | "merecen")) => k += 2,
        // "don't belong here", not "don't belong to one party".
        ("dont", Some("belong")) if !national && word(k + 2) != Some("to") => return Some(k + 1),
        ("do", Some("not")) if !national && word(k + 2) == Some("belong") && word(k + 3) != Some("to") => {
            return Some(k + 2)
        }
        _ => return None,
    }
    match word(k)? {
        "exist" | "existir" => Some(k),
        _ if national => None,
        // "shouldn't be allowed to vote", "shouldn't be allowed in our country": whatever follows.
        "be" if word(k + 1) == Some("allowed") => Some(k + 1),
        // Ending the clause: "women shouldn't vote", not "shouldn't vote for him".
        "vote" | "marry" | "adopt" | "breed" | "reproduce" | "votar" | "casarse" | "adoptar" | "reproducirse"
        | "gobernar"
            if word(k + 1).is_none() =>
        {
            Some(k)
        }
        _ => None,
    }
}

/// Group words that name a nation or migrants (see [`denial`]).
fn is_nation_or_migrants(w: &str) -> bool {
    matches!(
        w,
        "mexican"
            | "mexicans"
            | "american"
            | "americans"
            | "canadian"
            | "canadians"
            | "european"
            | "europeans"
            | "russian"
            | "russians"
            | "israeli"
            | "israelis"
            | "palestinian"
            | "palestinians"
            | "iranian"
            | "iranians"
            | "turk"
            | "turks"
            | "irish"
            | "chinese"
            | "indian"
            | "indians"
            | "immigrant"
            | "immigrants"
            | "refugee"
            | "refugees"
            | "mexicano"
            | "mexicana"
            | "mexicanos"
            | "mexicanas"
            | "americano"
            | "americanos"
            | "estadounidense"
            | "estadounidenses"
            | "inmigrante"
            | "inmigrantes"
            | "migrante"
            | "migrantes"
            | "latinoamericano"
            | "latinoamericanos"
    )
}

/// Whether the attack starting at token `at` is someone else's claim, reported: "Trump said
/// Mexicans are rapists", "when he says that all Muslims are terrorists". A verb of saying stands
/// just before it (past "that", "que" and determiners) with a subject other than the commenter:
/// "I said Mexicans are rapists" is the commenter's own, and stands. A noun naming a claim
/// does the same ("the myth that Mexicans are lazy", "el mito de que …"). Only this rule reads
/// these words: "he said you are an idiot" still insults the reader.
pub fn is_reported_claim(tokens: &[Token<'_>], at: usize) -> bool {
    let sentence = tokens[at].sentence;
    let mut k = at;
    while k > 0
        && tokens[k - 1].sentence == sentence
        && (matches!(tokens[k - 1].text, "that" | "que") || is_determiner(tokens[k - 1].text))
    {
        k -= 1;
    }
    let Some(verb) = k.checked_sub(1).filter(|&v| tokens[v].sentence == sentence) else {
        return false;
    };
    // "the stereotype that Mexicans are lazy", "el mito de que …": a claim named to be weighed.
    let claim = |v: usize| is_claim_noun(tokens[v].text);
    claim(verb)
        || (tokens[verb].text == "de" && verb > 0 && tokens[verb - 1].sentence == sentence && claim(verb - 1))
        || said_by_another(tokens, verb)
}

/// Whether the group words at `first..=last` name people rather than describe a thing: they end
/// in a noun for people ("gay people"), a plural ("Mexicans", "gays") or a singular that is a
/// noun and ends its phrase ("you stupid jew", but not "Mexican food" or "black hearted").
fn names_people(tokens: &[Token<'_>], first: usize, last: usize) -> bool {
    let w = tokens[last].text;
    if is_group_noun(w) || (w.ends_with('s') && w != "trans") {
        return true;
    }
    let ends_phrase = tokens
        .get(last + 1)
        .is_none_or(|t| t.clause != tokens[first].clause || is_copula(t.text));
    ends_phrase && !is_adjective_only(w)
}

/// Group words that describe and do not name ("a gay", "a black" name no one in plain speech),
/// and singulars that name one person, not a group ("stupid woman" is an insult to her).
fn is_adjective_only(w: &str) -> bool {
    matches!(
        w,
        "woman"
            | "female"
            | "mujer"
            | "gay"
            | "black"
            | "white"
            | "jewish"
            | "islamic"
            | "islam"
            | "judaism"
            | "christianity"
            | "homosexuality"
            | "queer"
            | "transgender"
            | "bisexual"
            | "disabled"
            | "blind"
            | "deaf"
            | "lgbt"
            | "lgbtq"
            | "nonbinary"
            | "blanco"
    )
}

/// Any possessive, the commenter's own included ("my women"): wider than
/// [`super::vocab::is_possessive`], which names whose body a threat can reach.
fn is_possessive(w: &str) -> bool {
    matches!(
        w,
        "my" | "your" | "ur" | "his" | "her" | "their" | "our" | "mi" | "tu" | "su" | "mis" | "tus" | "sus"
    )
}

/// Words that pick out some or all of a group: "all", "those", "los".
/// Whether the group at `first` is named as only some of its members ("some Mexicans", "45% of
/// Americans", "algunos inmigrantes"): what is said of them then brands no one's group.
fn is_part_of_group(tokens: &[Token<'_>], first: usize) -> bool {
    let mut p = first;
    while p > 0
        && tokens[p - 1].clause == tokens[first].clause
        && matches!(tokens[p - 1].text, "the" | "these" | "those" | "los" | "las")
    {
        p -= 1;
    }
    let Some(q) = p.checked_sub(1).filter(|&q| tokens[q].clause == tokens[first].clause) else {
        return false;
    };
    match tokens[q].text {
        "some" | "many" | "few" | "several" | "certain" | "algunos" | "algunas" | "muchos" | "muchas" | "pocos"
        | "ciertos" => true,
        "of" | "de" => q == 0 || !matches!(tokens[q - 1].text, "all" | "todos" | "todas"),
        _ => false,
    }
}

/// Nouns that name a claim, for a group attack that is the claim's content.
fn is_claim_noun(w: &str) -> bool {
    matches!(
        w,
        "stereotype"
            | "stereotypes"
            | "claim"
            | "claims"
            | "myth"
            | "idea"
            | "notion"
            | "lie"
            | "trope"
            | "belief"
            | "assumption"
            | "narrative"
            | "theory"
            | "conspiracy"
            | "canard"
            | "falsehood"
            | "estereotipo"
            | "mito"
            | "mentira"
            | "creencia"
            | "teoria"
            | "bulo"
    )
}

/// Degree words inside a predicate: "women are too stupid to vote", "son tan flojos".
fn is_degree(w: &str) -> bool {
    matches!(w, "too" | "really" | "very" | "truly" | "tan" | "demasiado" | "mas")
}

fn is_determiner(w: &str) -> bool {
    matches!(
        w,
        "all"
            | "the"
            | "these"
            | "those"
            | "every"
            | "most"
            | "a"
            | "los"
            | "las"
            | "todos"
            | "todas"
            | "estos"
            | "esos"
            | "al"
    )
}

#[cfg(test)]
mod tests {
    use super::super::tokenize;
    use super::*;

    #[test]
    fn claims_of_others_are_reported() {
        let reported = |text: &str, word: &str| {
            let n = crate::engine::normalize::normalize(text, &Default::default());
            let t = tokenize(n.text());
            let at = t.iter().position(|t| t.text == word).unwrap();
            is_reported_claim(&t, at)
        };
        assert!(reported("Trump said Mexicans are rapists", "mexicans"));
        assert!(reported("when he says that all Muslims are terrorists, he lies", "all"));
        assert!(reported("Trump dijo que los mexicanos son violadores", "mexicanos"));
        assert!(!reported("I said Mexicans are rapists", "mexicans"));
        assert!(!reported("Mexicans are rapists", "mexicans"));
        assert!(!reported("he said it. Mexicans are rapists", "mexicans"));
        assert!(reported("the conspiracy theory that Jews control the banks", "jews"));
        assert!(reported("la teoría de que los judíos controlan todo", "judios"));
    }

    /// The rule's span on `text`, with insult and threat marks on the tokens listed.
    fn attack(text: &str, insults: &[&str], threats: &[&str]) -> Option<String> {
        let n = crate::engine::normalize::normalize(text, &Default::default());
        let t = tokenize(n.text());
        let marks: Vec<u8> = t
            .iter()
            .map(|t| {
                u8::from(insults.contains(&t.text)) * mark::INSULT + u8::from(threats.contains(&t.text)) * mark::THREAT
            })
            .collect();
        let mut out = Vec::new();
        find(&t, &marks, &mut out);
        out.first()
            .map(|a| n.text()[a.finding.start..a.finding.end].to_string())
    }

    macro_rules! attack_cases {
        ($($name:ident: $text:expr, $insults:expr, $threats:expr => $want:expr,)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(attack($text, &$insults, &$threats).as_deref(), $want, "{}", $text);
            }
        )*};
    }

    attack_cases! {
        branded: "Mexicans are rapists and criminals", [], [] => Some("mexicans are rapists"),
        branded_people: "gay people are nothing but animals", [], [] => Some("gay people are nothing but animals"),
        insult_predicate: "muslims are stupid", ["stupid"], [] => Some("muslims are stupid"),
        insult_before: "you stupid jew", ["stupid"], [] => Some("stupid jew"),
        insult_before_intensified: "you stupid fucking jews", ["stupid"], [] => Some("stupid fucking jews"),
        hatred: "I hate all black people", [], [] => Some("hate all black people"),
        spanish_hatred: "odio a los gitanos", [], [] => Some("odio a los gitanos"),
        threat_before: "kill all muslims", [], ["kill", "all"] => Some("kill all muslims"),
        threat_after: "Muslims should be shot", [], ["should", "be", "shot"] => Some("muslims should be shot"),
        spanish_branded: "los mexicanos son violadores", [], [] => Some("mexicanos son violadores"),
        mention: "I am gay and proud of it", [], [] => None,
        community: "the Muslim community held a vigil", [], [] => None,
        news_about_crime: "the criminals were Mexican nationals", [], [] => None,
        other_sentence: "Muslims pray. Criminals steal", [], [] => None,
        praise: "Mexicans are hard working people", [], [] => None,
        quoted: "he wrote \"mexicans are rapists\" in 2015", [], [] => None,
        insult_elsewhere: "you idiot, I am a proud Latino", ["idiot"], [] => None,
        listed: "sorry I called you fat, stupid, gay", ["fat", "stupid"], [] => None,
        one_person: "go fuck your woman", ["fuck", "your"], [] => None,
        describing: "you ugly black hearted troll", ["ugly", "troll"], [] => None,
        a_thing: "stupid mexican food", ["stupid"], [] => None,
        one_woman: "what a stupid woman", ["stupid"], [] => None,
        women: "women are stupid", ["stupid"], [] => Some("women are stupid"),
        reported_hatred: "the KKK hates blacks", [], [] => None,
        breed_like_rabbits: "Mexicans breed like rabbits", [], [] => Some("mexicans breed like"),
        spanish_breeding: "los gitanos se reproducen como ratas", [], [] => Some("gitanos se reproducen como"),
        migrants_invading: "Illegal immigrants are invading our country", [], [] => Some("immigrants are invading"),
        spanish_invaders: "los migrantes nos están invadiendo", [], [] => Some("migrantes nos estan invadiendo"),
        nations_invade: "the Russians invaded Ukraine in 2022", [], [] => None,
        should_not_exist: "gays shouldn't exist", [], [] => Some("gays shouldnt exist"),
        not_allowed: "women shouldn't be allowed to vote", [], [] => Some("women shouldnt be allowed"),
        not_allowed_in: "muslims should not be allowed in our country", [], [] => Some("muslims should not be allowed"),
        dont_belong: "gays don't belong in the military", [], [] => Some("gays dont belong"),
        belong_to: "Christians don't belong to one party", [], [] => None,
        nations_argued: "Russians shouldn't be allowed to compete", [], [] => None,
        troops: "Americans don't belong in Afghanistan", [], [] => None,
        nation_existence: "Mexicans shouldn't exist", [], [] => Some("mexicans shouldnt exist"),
        vote_for: "women shouldn't vote for him", [], [] => None,
        women_vote: "Women should not vote.", [], [] => Some("women should not vote"),
        live_in_fear: "women shouldn't live in fear", [], [] => None,
        cannot_is_news: "Christians cannot exist openly in North Korea", [], [] => None,
        spanish_should_not: "los negros no deberían votar", [], [] => Some("negros no deberian votar"),
        should_not_other_verbs: "Muslims shouldn't have to choose", [], [] => None,
        some_of_them: "some immigrants shouldn't be allowed to stay", [], [] => None,
        some_migrants: "some migrants are swarming the border fence", [], [] => None,
        migrants_in_the_news: "immigrants are arriving at the border", [], [] => None,
    }
}
