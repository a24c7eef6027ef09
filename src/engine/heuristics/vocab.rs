//! Word tables for the heuristics, English and Spanish side by side.
//!
//! Words are in normalized form (lowercase, accents folded except `ñ`). Spanish and English rarely
//! collide on these closed-class words, so one table serves both languages and a comment that
//! switches language mid-sentence is still read.

/// Second-person words: the insult is aimed at the reader.
pub fn is_second_person(w: &str) -> bool {
    matches!(
        w,
        "you" | "youre"  | "ur" | "u" | "ya" | "yourself" | "your" | "yours" | "thou" | "youve"
            | "youll" | "youd" | "yall" 
            // es
            | "tu" | "tú" | "eres" | "usted" | "ustedes" | "te" | "vos" | "sos" | "ti" | "contigo" | "os" | "vosotros"
            | "vosotras" | "sois"
    )
}

/// Vocative / exclamative openers: "what an idiot", "such a moron", "bunch of idiots".
pub fn is_exclamative(prev2: &str, prev1: &str) -> bool {
    matches!(
        (prev2, prev1),
        ("what", "a" | "an")
            | ("such", "a" | "an")
            | ("bunch", "of")
            | ("pack", "of")
            | ("band", "of")
            | ("total", _)
            | ("complete", _)
            | ("absolute", _)
            | ("bola", "de")
            | ("que", _)
            | ("pinche", _)
            | ("pinches", _)
            | ("puto", _)
            | ("fucking", _)
            | ("stupid", _)
            | ("these", _)
            | ("those", _)
            | ("estos", _)
            | ("esos", _)
    ) || matches!(
        prev1,
        "these" | "those" | "estos" | "esos" | "estas" | "esas" | "pinche" | "pinches" | "bola"
    )
}

/// Copulas that link a named target to an insult: "Trump is a moron", "eres un pendejo".
pub fn is_copula(w: &str) -> bool {
    matches!(
        w,
        "is" | "are"
            | "was"
            | "were"
            | "be"
            | "being"
            | "been"
            | "hes"
            | "shes"
            | "theyre"
            | "its"
            | "thats"
            | "isnt"
            | "es"
            | "son"
            | "eres"
            | "era"
            | "fue"
            | "sea"
            | "seas"
            | "sean"
            | "sois"
    )
}

/// Words allowed between a copula and the insult: articles and intensifiers.
pub fn is_filler(w: &str) -> bool {
    matches!(
        w,
        "a" | "an"
            | "the"
            | "such"
            | "total"
            | "complete"
            | "absolute"
            | "utter"
            | "real"
            | "fucking"
            | "little"
            | "big"
            | "stupid"
            | "dumb"
            | "entitled"
            | "just"
            | "nothing"
            | "but"
            | "another"
            | "one"
            | "of"
            | "un"
            | "una"
            | "unos"
            | "unas"
            | "el"
            | "la"
            | "los"
            | "las"
            | "pinche"
            | "pinches"
            | "gran"
            | "tremendo"
            | "pobre"
            | "puro"
            | "bien"
            | "muy"
            | "so"
            | "sucha"
            | "most"
    )
}

/// Negation before an insult or threat: "I don't think you are an idiot".
pub fn is_negation(w: &str) -> bool {
    cues(w) & cue::NEGATION != 0
}

#[rustfmt::skip]
const NEGATION_WORDS: &[&str] = &[
    "not", "no", "never", "dont", "doesnt", "isnt", "arent", "wasnt", "werent", "didnt", "wont", "wouldnt",
    "cant", "cannot", "shouldnt", "nobody", "neither", "nor",
    // es
    "nunca", "jamas", "ni", "tampoco", "nadie",
];

/// Words that mark an insult as talked about rather than hurled: "calling people idiots".
pub fn is_reporting(w: &str) -> bool {
    cues(w) & cue::REPORTING != 0
}

#[rustfmt::skip]
const REPORTING_WORDS: &[&str] = &[
    "calling", "call", "called", "calls", "label", "labeled", "labelled", "labeling", "word", "words",
    "term", "quote", "quoted", "insults", "insulted", "slur", "slurs", "accused", "branded", "dubbed",
    "nicknamed",
    // es
    "llamar", "llamo", "llamaba", "llamando", "llamarlos", "palabra", "insulto", "insultos", "tacho",
    "tachar", "apodo",
];

/// Intent, obligation or wish before a violent act: "I will", "someone needs to", "voy a".
pub fn is_intent(w: &str) -> bool {
    matches!(
        w,
        "will" | "ill" | "gonna" | "wanna" | "going" | "want" | "need" | "needs" | "should"
            | "must" | "ought" | "lets" | "id" | "gotta" | "shall" | "promise" | "swear" | "about"
            | "coming" | "deserve" | "deserves" | "hope" | "wish" | "would" | "gon"
            // es
            | "voy" | "vamos" | "vas" | "va" | "van" | "hay" | "deberian" | "deberia" | "debe" | "deben"
            | "quiero" | "queremos" | "ojala" | "merece" | "merecen" | "tienen" | "tiene"
            // "I'ma", "imma", "finna": informal "I'm going to"
            | "ima" | "imma" | "finna" | "gunna"
    )
}

/// Violent verbs (all common inflections) that can carry a threat.
pub fn is_violent_verb(w: &str) -> bool {
    cues(w) & cue::VIOLENT != 0
}

/// Violent verbs whose object may be a person named outright ("I'll shoot Maarten"): those with
/// no sporting, political or figurative sense before a name ("beat Chelsea", "bury Trump",
/// "nuke Microsoft" are not threats), and never with the name possessive ("kill Trump's bill").
pub fn takes_a_named_victim(w: &str) -> bool {
    matches!(
        w,
        "kill"
            | "murder"
            | "shoot"
            | "stab"
            | "strangle"
            | "choke"
            | "lynch"
            | "behead"
            | "rape"
            | "punch"
            | "slap"
            | "torture"
            | "matar"
            | "apuñalar"
            | "violar"
            | "degollar"
            | "ahorcar"
            | "fusilar"
            | "balear"
    )
}

#[rustfmt::skip]
const VIOLENT_VERBS: &[&str] = &[
    "kill", "kills", "killing", "murder", "murders", "murdering", "shoot", "shooting", "stab", "stabbing",
    "hang", "hanging", "whack", "whacking", "beat", "beating", "punch", "punching", "strangle", "strangling",
    "choke", "choking", "slit", "burn", "burning", "bomb", "lynch", "lynching", "behead", "execute",
    "executing", "rape", "raping", "hurt", "hurting", "torture", "butcher", "slaughter", "gut", "skin",
    "smash", "strangulate", "snuff", "eliminate", "exterminate", "annihilate", "gas", "nuke", "waste", "cap",
    "pop", "drown", "bury", "slap", "kick", "lynched",
    // es
    "matar", "mato", "matare", "matarte", "matarlo", "matarla", "matarlos", "matarlas", "matarle", "golpear",
    "golpearte", "partir", "partirte", "romper", "romperte", "quemar", "quemarte", "colgar", "colgarlo",
    "colgarlos", "ahorcar", "ahorcarlo", "ahorcarlos", "balear", "fusilar", "fusilarlos", "apuñalar",
    "acuchillar", "violar", "degollar", "madrear", "madrearte", "desaparecer", "desaparecerte", "rajar",
    "rajarte", "quebrar", "quebrarte", "levantar",
];

/// Verbs that threaten only when aimed at the reader: "I will attack you", "ima smack you".
/// Aimed at anything else they are everyday speech ("we will attack this problem", "they will
/// destroy the economy", "I will finish the article"), so these need a second-person target.
pub fn is_aimed_violent_verb(w: &str) -> bool {
    cues(w) & cue::AIMED_VIOLENT != 0
}

#[rustfmt::skip]
const AIMED_VIOLENT_VERBS: &[&str] = &[
    "attack", "destroy", "finish", "smack", "bash", "stomp", "whoop", "whop", "whup", "decapitate", "maim",
    "mutilate", "castrate", "dismember", "shank", "slash", "wreck", "massacre",
];

/// Verbs that threaten only with a person's body as their object: "I'll knock your teeth out",
/// "I will cut off your head", "ima break his legs". Said of anything else they are everyday
/// speech ("cut taxes", "break the story", "rip the ruling").
pub fn is_body_violent_verb(w: &str) -> bool {
    cues(w) & cue::BODY_VIOLENT != 0
}

#[rustfmt::skip]
const BODY_VIOLENT_VERBS: &[&str] = &[
    "cut", "knock", "break", "rip", "tear", "sever", "snap", "crush", "gouge", "slice", "chop", "split",
    "cave", "blow", "pluck", "twist", "bite",
];

/// A possessive that puts a body or kin after it: "your", texting "ur" and "yo", archaic "thy".
pub fn is_possessive(w: &str) -> bool {
    matches!(w, "your" | "ur" | "yo" | "thy" | "his" | "her" | "their")
}

/// Part of a person's body, as the object of a violent verb after a possessive.
pub fn is_body_part(w: &str) -> bool {
    matches!(
        w,
        "head"
            | "heads"
            | "face"
            | "faces"
            | "skull"
            | "skulls"
            | "neck"
            | "necks"
            | "throat"
            | "throats"
            | "teeth"
            | "tooth"
            | "brain"
            | "brains"
            | "eye"
            | "eyes"
            | "eyeballs"
            | "leg"
            | "legs"
            | "arm"
            | "arms"
            | "finger"
            | "fingers"
            | "hand"
            | "hands"
            | "balls"
            | "nuts"
            | "testicles"
            | "nose"
            | "jaw"
            | "guts"
            | "kneecaps"
            | "knees"
            | "spine"
            | "bones"
            | "ribs"
            | "ass"
            | "tongue"
            | "dick"
            | "cock"
            | "penis"
            | "limbs"
            | "heart"
            | "windpipe"
            | "scalp"
    )
}

/// A word between a possessive and the body part: "your stupid face", "his fucking head".
pub fn is_body_modifier(w: &str) -> bool {
    matches!(
        w,
        "fucking"
            | "fuckin"
            | "stupid"
            | "ugly"
            | "little"
            | "fat"
            | "damn"
            | "goddamn"
            | "dumb"
            | "bloody"
            | "pathetic"
            | "whole"
            | "own"
            | "tiny"
            | "big"
    )
}

/// Family, as the object of a violent verb after a possessive: "I'll decapitate your mother".
pub fn is_kin(w: &str) -> bool {
    matches!(
        w,
        "mother"
            | "mom"
            | "mum"
            | "mama"
            | "father"
            | "dad"
            | "family"
            | "kids"
            | "children"
            | "child"
            | "wife"
            | "husband"
            | "sister"
            | "brother"
            | "son"
            | "daughter"
            | "parents"
            | "baby"
            | "babies"
            | "girlfriend"
            | "boyfriend"
    )
}

/// A verb and a body part that make an idiom, not harm: "break your heart", "cut your teeth on",
/// "blow your nose", "snap your fingers", "twist his arm", "bite your tongue".
pub fn is_body_idiom(verb: &str, part: &str) -> bool {
    matches!(
        (verb, part),
        ("break", "heart")
            | ("cut" | "cuts", "teeth")
            | ("blow", "nose")
            | ("snap", "finger" | "fingers")
            | ("twist", "arm")
            | ("bite", "tongue" | "head")
            | ("break", "back" | "balls")
            | ("rip", "heart")
    )
}

/// The reader as the object of a threat: "I will attack you". Not "your": "I will destroy your
/// argument" is debate.
pub fn is_second_person_object(w: &str) -> bool {
    matches!(w, "you" | "u" | "ya" | "yourself" | "yall")
}

/// Spanish verb forms that carry their own object pronoun ("matarte" = kill you).
pub fn has_clitic_target(w: &str) -> bool {
    ["te", "lo", "la", "los", "las", "le", "les"]
        .iter()
        .any(|p| w.len() > p.len() + 3 && w.ends_with(p) && (w[..w.len() - p.len()].ends_with('r')))
}

/// A reflexive pronoun: the object that is its verb's own subject ("kill yourself").
pub fn is_reflexive(w: &str) -> bool {
    matches!(
        w,
        "yourself" | "urself" | "yourselves" | "himself" | "herself" | "themselves" | "myself" | "ourselves"
    )
}

/// Who or what a threat can land on: "kill you", "whack these idiots", "te voy a matar". Not
/// a reflexive ([`is_reflexive`]): "kill yourself" urges self-harm, which the severe_toxicity
/// list reads (a threat is harm the speaker intends or wishes on someone, as Perspective's
/// THREAT and the Jigsaw labels have it: none of the six "kill yourself" comments of the
/// training folds is labeled one).
pub fn is_target(w: &str) -> bool {
    matches!(
        w,
        "you" | "u" | "ya" | "him" | "her" | "them" | "these"
            | "those" | "every" | "everyone" | "everybody" | "all" | "yall"  | "your" | "his" | "their"
            | "this" | "that" | "whoever" | "anyone" | "people" | "somebody" | "someone"
            // es
            | "te" | "lo" | "la" | "los" | "las" | "le" | "les" | "ti" | "todos" | "ustedes" | "estos" | "esos"
            | "ese" | "esa" | "este" | "esta"
    )
}

/// Verbs that report what someone said: "Trump said", "dijo que".
#[rustfmt::skip]
pub fn is_saying_verb(w: &str) -> bool {
    matches!(
        w,
        "said" | "says" | "say" | "saying" | "claimed" | "claims" | "claim" | "claiming" | "stated"
            | "states" | "suggested" | "suggests" | "implied" | "implies" | "tweeted" | "tweets"
            | "insisted" | "insists" | "dijo" | "dice" | "dicen" | "afirmo" | "afirma"
    )
}

/// Things a violent verb's object or a prediction's subject can be that are no person: "kill the
/// bill", "nuke this proposal", "tariffs will hurt everyone" (besides [`is_thing_noun`]).
#[rustfmt::skip]
pub fn is_idiom_thing(w: &str) -> bool {
    matches!(
        w,
        "bill" | "idea" | "deal" | "mood" | "vibe" | "joke" | "buzz" | "plan" | "proposal" | "law"
            | "lights" | "engine" | "odds" | "heat" | "traffic" | "record" | "deadline" | "clock"
            | "market" | "system" | "competition" | "time" | "game" | "motion" | "amendment"
            | "project" | "story"
            | "policy" | "policies" | "tariff" | "tariffs" | "tax" | "taxes" | "plans" | "ideas"
            | "laws" | "bills" | "deals" | "proposals" | "agreement" | "treaty" | "program"
            | "budget" | "economy" | "inflation" | "recession" | "war" | "wall" | "virus"
            // es
            | "aranceles" | "arancel" | "impuestos" | "impuesto" | "inflacion" | "crisis"
            | "economia" | "reforma" | "medida" | "medidas" | "tratado" | "guerra" | "ley"
            | "leyes"
    )
}

/// Objects that make a violent verb an idiom: "kill the bill", "killed it", "shoot me an email",
/// "hang their heads", "beat the odds". Checked on the 1–3 words after the verb.
pub fn is_idiom_object(verb: &str, next: &[&str]) -> bool {
    let stem = verb_stem(verb);
    let n1 = next.first().copied().unwrap_or("");
    let n2 = next.get(1).copied().unwrap_or("");
    let n3 = next.get(2).copied().unwrap_or("");
    let generic = matches!(
        n1,
        "it" | "time" | "for" | "off" | "down" | "up" | "out" | "over" | "around" | "on"
    ) || is_idiom_thing(n2)
        // "nuke this terrible proposal", "kill the whole deal": a modifier before the thing.
        || (matches!(n1, "the" | "this" | "that" | "these" | "those" | "your" | "his" | "their" | "my" | "our")
            && is_idiom_thing(n3));
    let specific = match stem {
        // "I'd kill to have his salary": wanting something badly.
        "kill" => matches!(n1, "two" | "me" | "myself" | "to") || matches!(n2, "birds" | "pain" | "conversation"),
        "hang" => {
            matches!(
                n2,
                "heads" | "head" | "picture" | "hat" | "coat" | "flag" | "tough" | "loose"
            ) || matches!(n3, "heads" | "head" | "shame")
                || matches!(n1, "in" | "tight" | "loose" | "together" | "with" | "heads" | "head")
        }
        "shoot" => {
            matches!(
                n1,
                "me" | "us"
                    | "him"
                    | "her"
                    | "them"
                    | "a"
                    | "an"
                    | "the"
                    | "some"
                    | "hoops"
                    | "pool"
                    | "photos"
                    | "video"
                    | "film"
            ) && matches!(
                n2,
                "an" | "a"
                    | "email"
                    | "message"
                    | "note"
                    | "text"
                    | "line"
                    | "mail"
                    | "breeze"
                    | "film"
                    | "video"
                    | "scene"
                    | "photos"
            ) || (n2.is_empty() && matches!(n1, "me" | "us"))
                || matches!(n2, "breeze" | "email" | "message" | "note" | "text" | "line")
                || matches!(n3, "email" | "message" | "note" | "text" | "line")
        }
        "beat" => {
            matches!(
                n2,
                "bush" | "odds" | "heat" | "traffic" | "record" | "expectations" | "rush"
            ) || matches!(n1, "expectations" | "estimates")
        }
        "burn" => matches!(
            n1,
            "calories" | "fat" | "bridges" | "cash" | "money" | "rubber" | "through"
        ),
        "bomb" | "waste" | "quemar" => !matches!(n1, "you" | "him" | "her" | "them" | "these" | "those"),
        "pop" | "cap" | "gas" | "skin" | "gut" | "kick" | "smash" | "slap" => {
            !matches!(
                n1,
                "you" | "him" | "her" | "them" | "these" | "those" | "your" | "his" | "their"
            ) || matches!(n2, "tax" | "tariff" | "tariffs" | "fine" | "ban" | "duty")
        }
        // "me vas a matar de risa": laughing, not dying.
        "matar" => n1 == "de" && (n2 == "risa" || n3 == "risa"),
        "partir" | "romper" => {
            !matches!(n1, "la" | "el" | "te" | "tu") || !matches!(n2, "madre" | "cara" | "hocico" | "jeta" | "crisma")
        }
        _ => false,
    };
    generic || specific
}

fn verb_stem(w: &str) -> &str {
    for (stem, forms) in [
        ("kill", &["kill", "kills", "killing"][..]),
        ("hang", &["hang", "hanging"][..]),
        ("shoot", &["shoot", "shooting"][..]),
        ("beat", &["beat", "beating"][..]),
        ("burn", &["burn", "burning"][..]),
    ] {
        if forms.contains(&w) {
            return stem;
        }
    }
    if w.starts_with("partir") {
        return "partir";
    }
    if w.starts_with("romper") {
        return "romper";
    }
    if w.starts_with("matar") {
        return "matar";
    }
    w
}

/// Passive or infinitive harm after "deserves to be", "should be", "merece ser".
pub fn is_harm_participle(w: &str) -> bool {
    matches!(
        w,
        "killed" | "shot" | "hanged" | "hung" | "executed" | "lynched" | "beaten" | "stabbed" | "murdered" | "gassed"
            | "burned" | "burnt" | "beheaded" | "strangled" | "tortured" | "raped" | "exterminated" | "slaughtered"
            | "whacked" | "nuked" | "drowned" | "buried" | "dead" | "die" | "shot dead"
            | "punched" | "flogged" | "castrated"
            // es
            | "asesinado" | "asesinados" | "fusilado" | "fusilados" | "colgado" | "colgados" | "ahorcado" | "ahorcados"
            | "matado" | "matados" | "quemado" | "quemados" | "linchado" | "linchados" | "muerto" | "muertos"
            | "morir" | "exterminados"
    )
}

/// Cues that open "deserves to be …": the passive-deserve rule.
pub fn is_deserve_cue(w: &str) -> bool {
    cues(w) & cue::DESERVE != 0
}

#[rustfmt::skip]
const DESERVE_CUES: &[&str] = &[
    "deserves", "deserve", "deserved", "should", "needs", "need", "ought", "must", "oughta", "merece",
    "merecen", "deberia", "deberian", "debe", "deben",
];

/// Harm wished on someone: "I hope you die", "ojalá te mueras".
pub fn is_wished_harm(w: &str) -> bool {
    matches!(
        w,
        "die"
            | "dies"
            | "rot"
            | "burn"
            | "suffer"
            | "drown"
            | "choke"
            | "croak"
            | "perish"
            | "cancer"
            | "aids"
            | "mueras"
            | "muera"
            | "mueran"
            | "pudras"
            | "pudra"
            | "pudran"
            | "revientes"
            | "muerte"
    )
}

/// Harm wished on a person in the passive: "I hope you get shot", "hope he gets raped". Said of
/// bills, teams and plans too ("hope that bill gets killed", "hope they get crushed"), so the
/// wish rule counts these only with a person target, and only the unambiguous ones.
pub fn is_wished_harm_participle(w: &str) -> bool {
    matches!(
        w,
        "killed"
            | "shot"
            | "stabbed"
            | "raped"
            | "murdered"
            | "hanged"
            | "tortured"
            | "beheaded"
            | "lynched"
            | "decapitated"
            | "strangled"
            | "gassed"
            | "slaughtered"
            | "butchered"
            | "mutilated"
    )
}

/// Who a passive wish can land on: people, never "this" or "that".
pub fn is_person_target(w: &str) -> bool {
    is_second_person_object(w)
        || matches!(
            w,
            "him"
                | "her"
                | "them"
                | "he"
                | "she"
                | "they"
                | "your"
                | "his"
                | "their"
                | "everyone"
                | "everybody"
                | "somebody"
                | "someone"
        )
}

/// "I hope", "wish", "I want you to", "ojalá", "espero que".
pub fn is_wish(w: &str) -> bool {
    cues(w) & cue::WISH != 0
}

#[rustfmt::skip]
const WISH_WORDS: &[&str] = &[
    "hope", "hopefully", "wish", "pray", "praying", "want", "wants", "wanna", "ojala", "espero",
    "deseo", "quiero", "like", "love",
];

/// Cue words that mean a sentence is about someone with a name or role, for name-calling:
/// a capitalised word in the original is the main cue; these are the lowercase ones.
pub fn is_person_noun(w: &str) -> bool {
    matches!(
        w,
        "he" | "she"
            | "they"
            | "this guy"
            | "guy"
            | "man"
            | "woman"
            | "president"
            | "author"
            | "writer"
            | "poster"
            | "op"
            | "commenter"
            | "admin"
            | "mod"
            | "moderator"
            | "editor"
            | "reporter"
            | "el"
            | "ella"
            | "ellos"
            | "tipo"
            | "wey"
            | "guey"
    )
}

/// Nouns for things said, decided or built: an insult word right before one describes it, not a
/// person ("a stupid idea", "what an idiotic policy", "una ley estupida").
pub fn is_thing_noun(w: &str) -> bool {
    matches!(
        w,
        "idea"
            | "ideas"
            | "policy"
            | "policies"
            | "plan"
            | "plans"
            | "decision"
            | "decisions"
            | "law"
            | "laws"
            | "bill"
            | "move"
            | "argument"
            | "arguments"
            | "comment"
            | "comments"
            | "article"
            | "question"
            | "questions"
            | "statement"
            | "rule"
            | "rules"
            | "deal"
            | "wall"
            | "tariff"
            | "tariffs"
            | "proposal"
            | "program"
            | "system"
            | "logic"
            | "reasoning"
            | "excuse"
            | "opinion"
            | "answer"
            | "mistake"
            | "war"
            | "headline"
            | "story"
            | "editorial"
            | "column"
            | "report"
            | "ley"
            | "leyes"
            | "politica"
            | "propuesta"
            | "decisiones"
            | "muro"
            | "articulo"
            | "comentario"
            | "pregunta"
            // Institutions are judged, not called names: "this government is a disgrace".
            | "government"
            | "governments"
            | "administration"
            | "congress"
            | "senate"
            | "regime"
            | "party"
            | "gobierno"
            | "gobiernos"
            | "congreso"
            | "senado"
            | "regimen"
            | "partido"
            // Films are shot and scenes cut: "this movie should be shot in color".
            | "movie"
            | "movies"
            | "film"
            | "films"
            | "scene"
            | "scenes"
            | "video"
            | "videos"
            | "photo"
            | "photos"
            | "footage"
            | "episode"
            | "sequel"
            | "documentary"
    )
}

/// Words for a person's character that insult only when said to the reader: "you are so
/// annoying", "eres un pesado". Of anything else they are everyday speech ("the movie is boring",
/// "a rude awakening"), so they are no wordlist entries.
#[rustfmt::skip]
const MILD_INSULTS: &[&str] = &[
    "annoying", "boring", "rude", "nosy", "nosey", "obnoxious", "creepy", "childish", "immature",
    "insufferable", "unbearable", "irritating", "repulsive", "despicable", "hypocritical",
    "dishonest", "arrogant", "condescending", "pompous", "smug", "selfish", "deranged", "unhinged",
    "evil", "lame", "dense", "lazy", "gullible", "naive", "cruel", "nasty", "vile", "gross", "fat",
    "crazy", "insane", "nazi", "fascist", "sissy",
    // es
    "aburrido", "aburrida", "molesto", "molesta", "pesado", "pesada", "insoportable", "grosero",
    "grosera", "maleducado", "maleducada", "arrogante", "hipocrita", "chismoso", "chismosa",
    "ridiculo", "ridicula",
];

/// Nouns for a person that insult when the reader is called one: "you're a fraud", "your a
/// racist", "you noob". Of anyone else they are news ("a fraud case", "the racist attack") or
/// banter, and most name no one at all, so they are no wordlist entries. Words already in the
/// insult list (`liar`, `loser`) are read by the aimed-insult rules instead.
#[rustfmt::skip]
const PERSON_NOUNS: &[&str] = &[
    "fraud", "frauds", "racist", "racists", "bigot", "bigots", "noob", "noobs", "muppet", "muppets",
    "nerd", "nerds", "joke", "failure", "homo", "homos", "wannabe", "poser", "crybaby", "whiner",
    "brat", "chump", "fatso", "scrub", "leech", "moocher", "freeloader", "charlatan", "scammer",
    "phony", "phoney", "fake", "bully", "thief", "cheater", "psychopath", "maniac",
    "nutter", "slob", "hack", "disappointment", "embarrassment", "laughingstock",
];

/// Crude nouns that name a person when someone is called one: "you are an ass", "Raul is a fat
/// prick", "you dick". Of anything else they are body words or swearing ("kick ass", "your
/// ass", "a pain in the ass"), so only the name-calling frames make them insults.
#[rustfmt::skip]
const PROFANE_NAMES: &[&str] = &[
    "ass", "arse", "dick", "prick", "cunt", "twat", "turd",
];

/// Verbs that, given people as their object in a command, can only mean harming them: "hang the
/// traitors". Not "beat", "bury" or "destroy", which win elections and arguments.
pub fn kills_people(verb: &str) -> bool {
    takes_a_named_victim(verb)
        || matches!(
            verb,
            "hang" | "execute" | "exterminate" | "gas" | "slaughter" | "butcher" | "whack" | "drown" | "colgar"
        )
}

/// Words that name people, for the object of a command: roles and sides ("traitors", "the
/// president", "cops"), people in general ("men", "people") and plural group words
/// ("Mexicans"). Singular group words are mostly adjectives ("the black ball").
pub fn is_people_noun(w: &str) -> bool {
    is_group_noun(w)
        || (is_identity_word(w) && w.ends_with('s'))
        || matches!(
            w,
            "traitor"
                | "traitors"
                | "politician"
                | "politicians"
                | "president"
                | "senator"
                | "senators"
                | "congressman"
                | "congressmen"
                | "judge"
                | "judges"
                | "liberals"
                | "libs"
                | "leftists"
                | "conservatives"
                | "democrats"
                | "dems"
                | "republicans"
                | "communists"
                | "commies"
                | "fascists"
                | "cops"
                | "police"
                | "protesters"
                | "protestors"
                | "supporters"
                | "followers"
                | "voters"
                | "journalists"
                | "reporters"
                | "bankers"
                | "lawyers"
                | "immigrants"
                | "illegals"
                | "children"
                | "kids"
                | "guys"
                | "guy"
                | "man"
                | "woman"
                | "bitches"
                | "founder"
                | "owner"
                | "boss"
                | "admin"
                | "admins"
                | "administrator"
                | "administrators"
                | "mod"
                | "mods"
                | "moderator"
                | "moderators"
                | "editor"
                | "editors"
                | "teacher"
                | "neighbor"
                | "neighbour"
                | "gringos"
                | "politicos"
                | "periodistas"
                | "policias"
                | "diputados"
                | "senadores"
                | "jueces"
                | "traidores"
        )
}

/// Neutral words for groups of people (orientation, gender, religion, origin, race), in
/// normalized form. They are never evidence by themselves: the operator lists leave them out, and
/// `train` learns no term built on them, because in labeled abuse they co-occur with the slurs
/// and would teach a model that "I am gay" or "my Muslim neighbour" is toxic.
pub fn is_identity_word(w: &str) -> bool {
    cues(w) & cue::IDENTITY != 0
}

/// Nouns that people can be: "Mexicans are criminals", "gay people", "black men".
pub fn is_group_noun(w: &str) -> bool {
    matches!(
        w,
        "people"
            | "folks"
            | "men"
            | "women"
            | "guys"
            | "kids"
            | "persons"
            | "gente"
            | "personas"
            | "hombres"
            | "mujeres"
    )
}

/// "I hate Muslims", "odio a los gitanos": the first person only ("the KKK hates blacks" is
/// a report).
#[rustfmt::skip]
const HATE_WORDS: &[&str] = &[
    "hate", "despise", "loathe", "detest", "odio", "odiamos", "detesto", "desprecio",
];

/// What a group is called to deny its members are people, or to brand all of them: said of a
/// group ("Mexicans are rapists"), never alone ("the rapists were jailed" is news).
#[rustfmt::skip]
const DEHUMANIZING_WORDS: &[&str] = &[
    "animals", "vermin", "parasites", "savages", "terrorists", "invaders", "cockroaches",
    "roaches", "subhuman", "subhumans", "scum", "trash", "filth", "rapists", "criminals",
    "thieves", "murderers", "pigs", "dogs", "apes", "monkeys", "rats", "leeches", "barbarians",
    "inferior", "evil", "disgusting", "plague", "cancer", "degenerates",
    "perverts", "pedophiles", "groomers", "disease", "animales", "parasitos", "salvajes",
    "terroristas", "invasores", "cucarachas", "escoria", "basura", "violadores", "criminales",
    "ladrones", "asesinos", "cerdos", "perros", "monos", "ratas", "plaga", "enfermedad",
    "inferiores", "delincuentes",
    // Stereotypes that brand every member: "Mexicans are lazy", "los gays son una aberración".
    // Not "sick" or "ill": "the refugees are sick and hungry" is news.
    "lazy", "greedy", "dirty", "filthy", "violent", "deranged", "primitive", "backward",
    "abomination", "abominations", "aberration", "flojos", "flojas", "vagos", "vagas", "sucios",
    "sucias", "codiciosos", "violentos", "degenerados", "aberracion", "abominacion",
];

/// The words of [`is_identity_word`], English then Spanish. Plurals that are mostly slurs
/// (`queers`) are left to the operator's identity-attack list.
#[rustfmt::skip]
pub const IDENTITY_WORDS: &[&str] = &[
    "gay", "gays", "lesbian", "lesbians", "bisexual", "bisexuals", "homosexual", "homosexuals",
    "homosexuality", "heterosexual", "heterosexuals", "queer", "lgbt", "lgbtq", "trans",
    "transgender", "transgenders", "transsexual", "nonbinary", "woman", "women", "female",
    "females", "feminist", "feminists", "muslim", "muslims", "islam", "islamic", "jew", "jews",
    "jewish", "judaism", "christian", "christians", "christianity", "catholic", "catholics",
    "protestant", "protestants", "hindu", "hindus", "sikh", "sikhs", "buddhist", "buddhists",
    "atheist", "atheists", "mormon", "mormons", "black", "blacks", "white", "whites", "asian",
    "asians", "african", "africans", "hispanic", "hispanics", "latino", "latinos", "latina",
    "latinas", "mexican", "mexicans", "arab", "arabs", "chinese", "indian", "indians", "immigrant",
    "immigrants", "refugee", "refugees", "disabled", "blind", "deaf", "lesbiana", "lesbianas",
    "homosexuales", "mujer", "mujeres", "feminista", "feministas", "musulman", "musulmana",
    "musulmanes", "judio", "judia", "judios", "judias", "cristiano", "cristiana", "cristianos",
    "catolico", "catolicos", "blanco", "blancos", "mexicano", "mexicana", "mexicanos", "mexicanas",
    "latinoamericano", "latinoamericanos", "indigena", "indigenas", "gitano", "gitanos", "arabe",
    "arabes", "inmigrante", "inmigrantes", "migrante", "migrantes", "american", "americans",
    "canadian", "canadians", "european", "europeans", "russian", "russians", "israeli",
    "israelis", "palestinian", "palestinians", "iranian", "iranians", "turk", "turks", "irish",
    "americano", "americanos", "estadounidense", "estadounidenses", "negros", "negras", "indios",
];

/// Whether a feature would be evidence made of a neutral group word (see
/// [`is_identity_word`]): a word n-gram of such words and function words only ("gay",
/// "are gay", "the jews"), a prefix that fires on one (`musl*`, `jewi*`) or a substring found
/// inside one (`*homo*`). An n-gram with some other word ("white trash", "stupid jew") says more
/// than who it names and stays learnable.
pub fn is_built_on_identity(feature: &str) -> bool {
    let inner = feature.strip_prefix('*').and_then(|f| f.strip_suffix('*'));
    if let Some(part) = inner {
        return IDENTITY_WORDS.iter().any(|w| w.contains(part) || part.contains(w));
    }
    if let Some(stem) = feature.strip_suffix('*') {
        return IDENTITY_WORDS
            .iter()
            .any(|w| w.starts_with(stem) || stem.starts_with(w));
    }
    let words = || feature.split(' ');
    words().any(is_identity_word) && words().all(|w| is_identity_word(w) || FUNCTION_WORDS.contains(&w))
}

/// Words that make an n-gram no more than a mention of a group: articles, pronouns, copulas,
/// prepositions, conjunctions and quantifiers.
#[rustfmt::skip]
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "am", "im", "i", "you",
    "your", "youre", "u", "ur", "he", "she", "it", "we", "they", "them", "his", "her", "their",
    "our", "my", "me", "us", "its", "of", "to", "in", "on", "at", "for", "with", "by", "from",
    "about", "as", "and", "or", "but", "not", "no", "so", "that", "this", "these", "those", "all",
    "some", "many", "most", "every", "any", "like", "than", "too", "very", "just", "also", "who",
    "what", "if", "do", "does", "did", "have", "has", "had", "s", "t", "there", "here", "one",
    "you're", "i'm", "he's", "she's", "it's", "we're", "they're",
];

/// The words that open the per-token rules (negation and reporting for dampening, the threat
/// triggers), as bit flags: the tokenizer looks each token up once and every rule reads the flags.
pub mod cue {
    pub const NEGATION: u16 = 1;
    pub const REPORTING: u16 = 2;
    pub const VIOLENT: u16 = 4;
    pub const AIMED_VIOLENT: u16 = 8;
    pub const WISH: u16 = 16;
    pub const DESERVE: u16 = 32;
    pub const BODY_VIOLENT: u16 = 64;
    pub const IMPERATIVE_DIE: u16 = 128;
    pub const IDENTITY: u16 = 256;
    pub const HATE: u16 = 512;
    pub const DEHUMANIZING: u16 = 1024;
    pub const MILD_INSULT: u16 = 2048;
    /// Crude words that are also names ("Dick Cheney", "Van Dyke"): see `first_name_spans`.
    pub const NAME_WORD: u16 = 4096;
    pub const PROFANE_NAME: u16 = 8192;
    pub const PERSON_NOUN: u16 = 16384;
}

/// The cue words by flags, and a filter in front of the map: most tokens share neither first
/// letter and length with any cue word, and those are answered without hashing the word.
struct Cues {
    /// Bit `len` (capped at 31) of `shapes[first byte]`: some cue word has that start and length.
    shapes: [u32; 256],
    flags: rustc_hash::FxHashMap<&'static str, u16>,
}

static CUES: std::sync::LazyLock<Cues> = std::sync::LazyLock::new(|| {
    let mut cues = Cues {
        shapes: [0; 256],
        flags: rustc_hash::FxHashMap::default(),
    };
    for (flag, words) in [
        (cue::NEGATION, NEGATION_WORDS),
        (cue::REPORTING, REPORTING_WORDS),
        (cue::VIOLENT, VIOLENT_VERBS),
        (cue::AIMED_VIOLENT, AIMED_VIOLENT_VERBS),
        (cue::WISH, WISH_WORDS),
        (cue::DESERVE, DESERVE_CUES),
        (cue::BODY_VIOLENT, BODY_VIOLENT_VERBS),
        (cue::IMPERATIVE_DIE, &["die"]),
        (cue::IDENTITY, IDENTITY_WORDS),
        (cue::HATE, HATE_WORDS),
        (cue::DEHUMANIZING, DEHUMANIZING_WORDS),
        (cue::MILD_INSULT, MILD_INSULTS),
        (cue::NAME_WORD, &["dick", "dyke"]),
        (cue::PROFANE_NAME, PROFANE_NAMES),
        (cue::PERSON_NOUN, PERSON_NOUNS),
    ] {
        for &w in words {
            *cues.flags.entry(w).or_insert(0) |= flag;
            if let Some(&b) = w.as_bytes().first() {
                cues.shapes[b as usize] |= 1 << w.len().min(31);
            }
        }
    }
    cues
});

/// The [`cue`] flags of a word: one hash lookup instead of a string match per rule.
pub fn cues(w: &str) -> u16 {
    let cues = &*CUES;
    match w.as_bytes().first() {
        Some(&b) if cues.shapes[b as usize] & (1 << w.len().min(31)) != 0 => cues.flags.get(w).copied().unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_words_are_in_normalized_form() {
        // Tokens come from normalized text, so a cue word the normalizer would rewrite never fires.
        for words in [
            NEGATION_WORDS,
            REPORTING_WORDS,
            VIOLENT_VERBS,
            AIMED_VIOLENT_VERBS,
            WISH_WORDS,
            DESERVE_CUES,
            BODY_VIOLENT_VERBS,
            MILD_INSULTS,
            PROFANE_NAMES,
            PERSON_NOUNS,
        ] {
            for &w in words {
                let n = crate::engine::normalize::normalize(w, &Default::default());
                assert_eq!(n.text(), w, "cue word {w:?} is not in normalized form");
            }
        }
    }

    #[test]
    fn cues_are_flags_per_list() {
        assert_eq!(cues("kill"), cue::VIOLENT);
        assert_eq!(cues("never"), cue::NEGATION);
        assert_eq!(cues("calling"), cue::REPORTING);
        assert_eq!(cues("deserves"), cue::DESERVE);
        assert_eq!(cues("idiot"), 0);
        assert!(is_wish("ojala") && is_aimed_violent_verb("smack") && !is_violent_verb("smack"));
        assert!(is_body_violent_verb("knock") && !is_aimed_violent_verb("knock") && !is_violent_verb("knock"));
        assert_eq!(cues("die"), cue::IMPERATIVE_DIE);
    }
}
