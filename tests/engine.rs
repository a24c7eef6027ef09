//! The engine against the repository's own config and wordlists: table-driven cases (one comment
//! and what must come out, one line each), the real comment thread and the news articles.

use std::path::PathBuf;
use std::sync::OnceLock;
use tamiz::engine::{Category, Comment, Decision, Engine, Language, Verdict};
use tamiz::settings::Settings;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config");
        let settings = Settings::load_with(&dir, None, false).expect("config/default.toml loads");
        settings.build_engine().expect("repository wordlists build")
    })
}

fn score(text: &str) -> Verdict {
    engine().score(&Comment::new(text))
}

fn rules(v: &Verdict) -> Vec<String> {
    v.matches.iter().map(|m| format!("{} {}", m.rule, m.term)).collect()
}

fn top_category(v: &Verdict) -> Category {
    // Toxicity is derived from the rest, so the "right category" is the highest of the others.
    Category::ALL
        .into_iter()
        .filter(|c| !matches!(c, Category::Toxicity | Category::SevereToxicity))
        .max_by(|a, b| v.scores.get(*a).total_cmp(&v.scores.get(*b)))
        .unwrap()
}

use Decision::{Allow, Reject, Review};

/// (comment, acceptable decisions, category that must score highest or None)
macro_rules! decisions {
    ($($name:ident: $text:expr => [$($d:expr),+] $(, $cat:expr)?;)*) => {$(
        #[test]
        fn $name() {
            let v = score($text);
            let ok = [$($d),+];
            assert!(ok.contains(&v.decision), "{:?}: got {:?} (scores {:?}, matches {:?})", $text, v.decision, v.scores, rules(&v));
            $( assert_eq!(top_category(&v), $cat, "{:?}: scores {:?} matches {:?}", $text, v.scores, rules(&v)); )?
        }
    )*};
}

decisions! {
    // Insults aimed at a person.
    you_are_a_moron: "you are a moron" => [Review, Reject], Category::Insult;
    you_idiot: "shut up you idiot" => [Review, Reject], Category::Insult;
    name_calling: "Trump is a moron." => [Review, Reject], Category::Insult;
    what_an_idiot: "what an idiot" => [Review, Reject], Category::Insult;
    spanish_insult: "eres un pendejo" => [Review, Reject], Category::Insult;
    spanish_chinga: "chinga tu madre cabrón" => [Reject];
    hijo_de_puta: "hijo de puta" => [Review, Reject];
    // Evasions.
    leet_idiot: "you 1d10t" => [Review, Reject], Category::Insult;
    cyrillic_idiot: "you іdіоt" => [Review, Reject], Category::Insult;
    zero_width: "you id\u{200B}iot" => [Review, Reject], Category::Insult;
    camel_case_hashtag: "#YouAreAnIdiot" => [Review, Reject], Category::Insult;
    camel_case_run_together: "GoFuckYourself" => [Review, Reject];
    camel_case_brand: "Watch it on YouTube, pay with PayPal" => [Allow];
    dotted_profanity: "f.u.c.k you" => [Review, Reject];
    slashed_profanity: "f/u/c/k you" => [Review, Reject], Category::Profanity;
    emoji_spelled_profanity: "f🔥u🔥c🔥k you" => [Review, Reject], Category::Profanity;
    emoji_masked_profanity: "f🤬ck you" => [Review, Reject], Category::Profanity;
    spaced_after_article: "you are a p r i c k" => [Review, Reject], Category::Insult;
    spaced_from_its_article_letter: "you a s s h o l e" => [Review, Reject], Category::Insult;
    a_hole_in_the_ground: "he dug a hole" => [Allow];
    spaced_dots: "F . U . C . K .  Y . O . U" => [Review, Reject], Category::Profanity;
    initials_style: "F. U. C. K. you" => [Review, Reject];
    masked_profanity: "f*ck you" => [Review, Reject];
    v_for_u: "you cvnt, hijo de pvta" => [Reject];
    masked_ending: "what the f*** is this" => [Review, Reject], Category::Profanity;
    masked_opening: "I'll just change my *ucking IP" => [Review, Reject];
    grawlix: "shut the !@#$%^&* up" => [Review, Reject];
    slur_inside_a_coined_word: "the unniggerfication surgery" => [Review, Reject], Category::IdentityAttack;
    stretched: "YOU IDIOOOOOT" => [Review, Reject], Category::Insult;
    hyphen_split: "only half-wits like yourself say that" => [Review, Reject], Category::Insult;
    split_evasion: "b-itch please" => [Review, Reject];
    dotted_split: "fu.ck this" => [Review, Reject], Category::Profanity;
    character_reference: "you f&#117;cking &#1110;diot" => [Review, Reject], Category::Insult;
    escaped_markup: "Tom &amp; Jerry &lt;3" => [Allow];
    // Urging self-harm is severe toxicity, not a threat (see `self_harm_urging_is_severe_not_a_threat`).
    spaced_self_harm: "k i l l  y o u r s e l f" => [Reject];
    // Threats.
    find_and_kill: "I will find you and kill you" => [Reject], Category::Threat;
    hope_you_die: "I hope you die" => [Review, Reject], Category::Threat;
    deserves_hanging: "he deserves to be hanged" => [Review, Reject], Category::Threat;
    kys: "kys" => [Review, Reject];
    te_voy_a_matar: "te voy a matar" => [Reject], Category::Threat;
    incitement: "Hang him." => [Reject], Category::Threat;
    incitement_by_insult: "Just shoot the bastards." => [Reject], Category::Threat;
    expel: "kick them out of the country" => [Allow];
    ojala_te_mueras: "ojalá te mueras" => [Review, Reject], Category::Threat;
    group_should_die: "all liberals need to die" => [Review, Reject], Category::Threat;
    knows_the_workplace: "I know where you work" => [Review, Reject], Category::Threat;
    wished_beheading: "I hope your head gets cut off" => [Review, Reject], Category::Threat;
    spanish_comeuppance: "te vamos a dar tu merecido" => [Review, Reject], Category::Threat;
    gringos_should_die: "los gringos deberían morir" => [Review, Reject], Category::Threat;
    bill_should_die: "this bill should die in committee" => [Allow];
    shot_for_treason: "the governor should be shot for treason" => [Reject], Category::Threat;
    attributed_threat: "They should all be shot, the senator said at the rally." => [Allow];
    attributed_in_court: "The defendant told the victim he would kill her, prosecutors said." => [Allow];
    atribuida: "El ladrón debería estar muerto, dijo la víctima." => [Allow];
    own_words_closing: "You are an idiot, I said." => [Review, Reject], Category::Insult;
    whoever_wrote_this: "whoever wrote this article should be shot" => [Reject], Category::Threat;
    ojala_se_mueran: "ojalá se mueran todos los políticos" => [Reject], Category::Threat;
    favor_and_die: "do us all a favor and die" => [Review, Reject], Category::Threat;
    balazo: "a ese hay que darle un balazo" => [Review, Reject], Category::Threat;
    deberia_estar_muerto: "Ese periodista vendido debería estar muerto." => [Review, Reject], Category::Threat;
    madriza: "Al que vote por Morena hay que darle una madriza." => [Review, Reject], Category::Threat;
    cerdos_news: "Los cerdos son sacrificados en el rastro." => [Allow];
    good_beating: "he needs a good beating" => [Review, Reject], Category::Threat;
    beaten_at_the_polls: "the democrats should be beaten at the polls in november" => [Allow];
    cum_laude: "He graduated cum laude from Arsenal's academy." => [Allow];
    sex_education: "The bill would expand sex education in public schools." => [Allow];
    pussy_riot: "Pussy Riot members were detained in Moscow." => [Allow];
    spic_and_span: "Spic and span, the kitchen was spotless." => [Allow];
    nazi_germany: "The Nazi regime murdered six million Jews." => [Allow];
    kill_to_have: "I'd kill to have his salary." => [Allow];
    government_judged: "This government is a disgrace." => [Allow];
    gobierno_juzgado: "Este gobierno es una basura." => [Allow];
    lowercase_tag: "so true #youareanidiot" => [Reject], Category::Insult;
    lowercase_tag_word: "my #therapists are great" => [Allow];
    address_known: "I know your address and I'm coming" => [Review, Reject], Category::Threat;
    holocaust_denial: "the holocaust never happened" => [Review, Reject], Category::IdentityAttack;
    media_trope: "The Jews control the media" => [Review, Reject], Category::IdentityAttack;
    media_trope_debunked: "The conspiracy theory that Jews control the media is antisemitic." => [Allow];
    media_trope_reported: "Trump said that Jews control the world" => [Allow];
    spanish_copula_after: "qué idiota eres" => [Review, Reject], Category::Insult;
    vocative_closing: "Nobody asked for your opinion, clown." => [Review, Reject], Category::Insult;
    vocative_crybaby: "Man up, crybaby." => [Review, Reject], Category::Insult;
    vocative_after_interjection: "Look, moron, read the article." => [Review, Reject], Category::Insult;
    friendly_vocative: "Listen, pal, you don't know what you're talking about." => [Allow];
    knows_the_kids: "We know where your kids go to school." => [Review, Reject], Category::Threat;
    public_service_question: "Do you know where your kids are tonight?" => [Allow];
    que_se_joda: "Que se joda Trump." => [Review, Reject], Category::Insult;
    vete_alv: "vete alv" => [Review, Reject], Category::Insult;
    ptm: "ptm que asco" => [Review, Reject], Category::Profanity;
    migrants_invading: "Illegal immigrants are invading our country" => [Review, Reject], Category::IdentityAttack;
    breed_like_rabbits: "Mexicans breed like rabbits" => [Review, Reject], Category::IdentityAttack;
    groomers: "Gays are groomers." => [Review, Reject], Category::IdentityAttack;
    should_not_exist: "Gays shouldn't exist." => [Review, Reject], Category::IdentityAttack;
    no_vote_for_a_group: "Black people shouldn't be allowed to vote." => [Review, Reject], Category::IdentityAttack;
    spanish_no_vote: "Los negros no deberían votar." => [Review, Reject], Category::IdentityAttack;
    felons_vote: "Felons shouldn't be allowed to vote." => [Allow];
    athletes_banned: "Russians shouldn't be allowed to compete in the Olympics." => [Allow];
    vote_for_him: "Latinos shouldn't vote for him." => [Allow];
    echo: "The (((globalists))) are behind this." => [Review, Reject], Category::IdentityAttack;
    nested_calls: "In Excel, type =ROUND(SUM(A1:A9),(((2))))" => [Allow];
    group_as_disease: "Los gays son una enfermedad." => [Review, Reject], Category::IdentityAttack;
    disease_in_the_news: "Muslims are at risk of heart disease." => [Allow];
    dog_groomers: "The groomers at the pet salon are great." => [Allow];
    russians_invaded: "The Russians invaded Ukraine in February 2022." => [Allow];
    // Idioms and innocent text stay clean.
    comedian: "this comedian killed it last night" => [Allow];
    kill_the_bill: "Call your senator and kill the bill" => [Allow];
    i_will_kill_the_bill: "I will kill the bill if it reaches my desk" => [Allow];
    kill_it_on_stage: "I'm gonna kill it at the show tonight" => [Allow];
    named_victim: "I'm going to punch John in the face" => [Review, Reject], Category::Threat;
    heads_in_shame: "Americans should hang their heads in shame" => [Allow];
    shoot_email: "shoot me an email when you're free" => [Allow];
    dying_of_laughter: "I was dying of laughter" => [Allow];
    hug_to_death: "I'll hug him to death" => [Allow];
    scunthorpe: "Scunthorpe United won at home" => [Allow];
    assassin: "the assassin's creed analysis by a therapist in Sussex" => [Allow];
    cocktail: "a classic cocktail with Dickens" => [Allow];
    book_title: "Moby Dick and Philip K. Dick are on the reading list" => [Allow];
    snigger: "he sniggered at the joke" => [Allow];
    hyphenated_prose: "a well-known, so-called anti-war group, e.g. in the U.S. and mid-term races" => [Allow];
    split_cocktail: "a classic cock-tail party" => [Allow];
    spanish_clean: "La reunión entre Peña Nieto y Kushner fue cordial." => [Allow];
    spanish_rough_traffic: "Está cabrón el tráfico hoy." => [Allow];
    spanish_tariffs_predicted: "Los aranceles van a matar a la industria automotriz." => [Allow];
    reported_threat: "The senator said the protesters should be shot, which is outrageous." => [Allow];
    own_threat_after_said: "Like I said, I will kill you." => [Reject];
    diputado: "el diputado presentó una computadora" => [Allow];
    // Negation and reported speech.
    negated: "I don't think you are an idiot" => [Allow];
    negated_inside_the_frame: "you're not a moron, you're a genius" => [Allow];
    negation_after_the_insult: "you are a moron, not a genius" => [Review, Reject], Category::Insult;
    reported: "calling people idiots is not how we debate" => [Allow];
    warning_is_not_denial: "Don't be such an idiot." => [Review, Reject], Category::Insult;
    spanish_warning_is_not_denial: "No seas idiota." => [Review, Reject], Category::Insult;
    // Footnotes, emphasis, corrections and symbols are not masked swearing.
    footnote: "results* vary by state" => [Allow];
    emphasis: "this is **really** important, *truly*" => [Allow];
    correction: "*their, sorry" => [Allow];
    symbols: "Call 555-1234 & ask about C# classes, 50% off!!!" => [Allow];
    masked_password: "my p******* is secret" => [Allow];
    // Attacks on a group, and mentions of one.
    group_branded: "Mexicans are rapists and criminals" => [Review, Reject], Category::IdentityAttack;
    group_hatred: "I hate Muslims" => [Review, Reject], Category::IdentityAttack;
    group_threat: "kill all the immigrants" => [Reject];
    spanish_group: "los mexicanos son unas ratas" => [Review, Reject], Category::IdentityAttack;
    group_stereotype: "Mexicans are lazy" => [Review, Reject], Category::IdentityAttack;
    spanish_group_stereotype: "Los gays son una aberración" => [Review, Reject], Category::IdentityAttack;
    spanish_group_black: "Los negros son inferiores" => [Review, Reject], Category::IdentityAttack;
    black_eyes: "Los ojos negros de mi abuela son preciosos" => [Allow];
    group_praise: "Mexicans are hard working people" => [Allow];
    group_stereotype_denied: "Mexicans are not lazy, they work harder than anyone" => [Allow];
    group_stereotype_named: "The stereotype that Mexicans are lazy is false." => [Allow];
    spanish_myth_named: "El mito de que los mexicanos son flojos es falso." => [Allow];
    group_called_ill: "Trans people are mentally ill" => [Review, Reject], Category::IdentityAttack;
    group_too_stupid: "Women are too stupid to vote" => [Review, Reject], Category::IdentityAttack;
    some_are_ill: "Many refugees are ill and need care" => [Allow];
    part_of_a_group: "45% of Americans are too lazy to vote" => [Allow];
    all_of_a_group: "All of the Mexicans are lazy" => [Review, Reject], Category::IdentityAttack;
    group_denied: "Mexicans are not criminals" => [Allow];
    group_report: "the KKK hates blacks and Jews" => [Allow];
    group_claim_reported: "When Trump said Mexicans are rapists, he insulted a whole country." => [Allow];
    spanish_claim_reported: "Trump dijo que los mexicanos son violadores y mintió" => [Allow];
    group_claim_own: "I said it and I say it again: Mexicans are rapists" => [Review, Reject], Category::IdentityAttack;
    // Commands to kill, joined or aimed at people named plainly.
    joined_command: "round them all up and kill them" => [Reject], Category::Threat;
    command_on_people: "hang the traitors" => [Review, Reject], Category::Threat;
    command_at_the_polls: "beat the Democrats in November" => [Allow];
    beat_out_of: "If I see him I will beat the crap out of him." => [Reject], Category::Threat;
    joined_after_a_place: "take him outside and hang him" => [Reject], Category::Threat;
    spanish_plural_command: "Matemos a los traidores." => [Review, Reject], Category::Threat;
    spanish_threat_denied: "No te voy a matar, tranquilo." => [Allow];
    spanish_command_denied: "Exigen que no maten a los periodistas" => [Allow];
    // An insult word on a thing criticises it; it is not name-calling.
    stupid_idea: "The wall is a stupid idea and a waste of money." => [Allow, Review];
    idiotic_policy: "What an idiotic policy." => [Allow, Review];
    // A word for a person's character insults when said to the reader, not of a thing.
    annoying_reader: "You are so annoying." => [Review, Reject], Category::Insult;
    boring_movie: "The movie is boring and the ending is lame." => [Allow];
    // Sexual propositions (see the test below); the everyday look-alikes are not.
    blown_away: "These results blow me away, and the wall will not be built" => [Allow];
    fuck_up: "I don't want to fuck this up again" => [Allow, Review], Category::Profanity;
    // Name-calling reads its subject: a person, not a thing pronoun.
    graded_name_calling: "Trump is very stupid" => [Review, Reject], Category::Insult;
    thing_pronoun_graded: "this is really stupid" => [Allow, Review];
    // Hostility said to the reader.
    hate_you: "I hate you" => [Review, Reject], Category::Insult;
    hate_you_denied: "I don't hate you, I just disagree" => [Allow];
    lazy_reader: "you are so lazy" => [Review, Reject], Category::Insult;
    lazy_sunday: "a lazy Sunday at the beach" => [Allow];
    crazy_reader: "in my opinion you are CRAZY!!!" => [Review, Reject], Category::Insult;
    crazy_question: "Are you crazy? It costs a fortune" => [Allow];
    crazy_good: "crazy good game last night" => [Allow];
    you_stink: "you stink" => [Review, Reject], Category::Insult;
    kill_the_supporters: "Kill the Muslim supporters" => [Reject], Category::Threat;
    answering_no: "no i would like if you die" => [Review, Reject], Category::Threat;
    want_you_dead: "I want you dead" => [Review, Reject], Category::Threat;
    chop_you_up: "I will get an axe and chop you up" => [Reject], Category::Threat;
    // Crude nouns for a person, in a frame that calls someone one.
    you_are_an_ass: "You are an ass, not a fool." => [Review, Reject], Category::Insult;
    boss_is_a_prick: "my boss is a fat prick" => [Review, Reject], Category::Insult;
    split_a_hole: "Take the hint, you're an a-hole." => [Review, Reject], Category::Insult;
    // Names that are also crude words.
    senator_dick: "Senator Dick Durbin spoke about the border bill." => [Allow];
    dick_cheney: "Dick Cheney was vice president" => [Allow];
    van_dyke: "I met Dick Van Dyke once" => [Allow];
    title_case_insult: "You Dick Head" => [Review, Reject], Category::Insult;
    thanked_by_name: "Thank you Dick Durbin for standing up for the dreamers." => [Allow];
    vocative_title_case: "Get lost, you Dick." => [Review, Reject];
    lower_case_insult: "what a dick" => [Review, Reject];
    // Weak signals alone do not decide.
    shouting_alone: "THIS IS THE BEST ARTICLE I HAVE READ ALL WEEK" => [Allow];
}

#[test]
fn sexual_propositions_reach_the_sexually_explicit_threshold() {
    let review = engine().thresholds()[Category::SexuallyExplicit.index()].review;
    for text in [
        "Have sex with me",
        "take off your clothes",
        "I want to fuck you",
        "send nudes",
        "quiero cogerte",
        "ten sexo conmigo",
    ] {
        let v = score(text);
        let s = v.scores.get(Category::SexuallyExplicit);
        assert!(
            s >= review,
            "{text:?}: sexually_explicit {s} < {review} ({:?})",
            rules(&v)
        );
    }
}

#[test]
fn empty_and_whitespace_are_allowed_with_zero_scores() {
    for t in ["", "   ", "\n\t "] {
        let v = score(t);
        assert_eq!(v.decision, Allow);
        assert!(v.scores.0.iter().all(|&s| s == 0.0), "{t:?}: {:?}", v.scores);
        assert!(v.matches.is_empty());
    }
}

#[test]
fn spans_point_at_what_the_commenter_wrote() {
    let text = "Ну, you 1D10T 😀 and f.u.c.k off";
    let v = score(text);
    let idiot = v
        .matches
        .iter()
        .find(|m| m.rule.starts_with("lexicon:") && m.matched.ends_with("1D10T"))
        .expect("idiot found");
    assert_eq!(&text[idiot.span.byte_start..idiot.span.byte_end], idiot.matched);
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(
        chars[idiot.span.start..idiot.span.end].iter().collect::<String>(),
        idiot.matched
    );
    let utf16: Vec<u16> = text.encode_utf16().collect();
    assert_eq!(
        String::from_utf16(&utf16[idiot.span.utf16_start..idiot.span.utf16_end]).unwrap(),
        idiot.matched
    );
    let f = v
        .matches
        .iter()
        .find(|m| m.matched.starts_with("f.u.c.k"))
        .expect("f.u.c.k found");
    assert!(
        f.span.utf16_start > f.span.start,
        "the emoji before it counts twice in UTF-16"
    );
}

#[test]
fn a_spelled_out_word_keeps_the_one_letter_word_before_it_apart() {
    // "a f.u.c.k.i.n.g" once read as "afucking", which no wordlist entry matches.
    for (text, spelled) in [
        ("You are a f.u.c.k.i.n.g 1d10t", "f.u.c.k"),
        ("I F. U. C. K. hate mondays", "F. U. C. K"),
    ] {
        let v = score(text);
        let m = v
            .matches
            .iter()
            .find(|m| m.rule == "lexicon:en/profanity")
            .unwrap_or_else(|| panic!("{text:?}: no profanity entry; {:?}", rules(&v)));
        assert!(m.matched.starts_with(spelled), "{text:?}: matched {:?}", m.matched);
        assert!(v.scores.get(Category::Profanity) >= 0.6, "{text:?}: {:?}", v.scores);
    }
}
#[test]
fn a_masked_word_reads_as_its_entry_and_quotes_what_was_typed() {
    let text = "it is f*** cold, s*** happens";
    let v = score(text);
    let quoted = |m: &str| {
        v.matches
            .iter()
            .find(|e| e.rule == "lexicon:en/profanity" && &*e.matched == m)
            .unwrap_or_else(|| panic!("{m} not found in {:?}", rules(&v)))
    };
    // The reading is an entry of the operator's list, never a slur (`f***` is not `fags`).
    assert_eq!(&*quoted("f***").term, "fuck*");
    assert_eq!(&*quoted("s***").term, "shit*");
    let f = quoted("f***");
    assert_eq!(&text[f.span.byte_start..f.span.byte_end], "f***");
    assert!(!v.matches.iter().any(|m| m.rule == "lexicon:en/identity_attack"));
}

#[test]
fn a_split_word_joins_only_where_the_commenter_split_it() {
    let text = "you half-wits";
    let v = score(text);
    let m = v
        .matches
        .iter()
        .find(|m| m.rule == "lexicon:en/insult" && &*m.term == "halfwits")
        .unwrap_or_else(|| panic!("halfwits not found in {:?}", rules(&v)));
    assert_eq!(&text[m.span.byte_start..m.span.byte_end], "half-wits");
    // Typed as two words they are two words: a space is not a hyphen.
    let spaced = score("you half wits");
    assert!(
        !spaced.matches.iter().any(|m| &*m.term == "halfwits"),
        "{:?}",
        rules(&spaced)
    );
}

/// The groups of the identity templates below, as a commenter would name them.
const GROUPS: &[&str] = &[
    "gay",
    "lesbian",
    "bisexual",
    "transgender",
    "trans",
    "queer",
    "homosexual",
    "Muslim",
    "Jewish",
    "Christian",
    "Catholic",
    "Hindu",
    "Sikh",
    "Buddhist",
    "atheist",
    "Black",
    "white",
    "Asian",
    "African",
    "Hispanic",
    "Latino",
    "Mexican",
    "Arab",
    "Chinese",
    "Indian",
    "immigrant",
    "feminist",
    "deaf",
    "blind",
    "disabled",
];

/// Naming a group is not an attack on it, and an attack on a group is one, whichever group it is
/// (after the identity-term templates of Dixon et al., 2018). Learned weights once sent "I'm gay"
/// to review: in labeled abuse the group words keep company with the slurs.
#[test]
fn every_group_is_named_freely_and_attacked_at_a_cost() {
    let mentions = [
        "I am {}",
        "I'm {} and proud of it",
        "My friend is {}",
        "My neighbour is {} and very kind",
        "{} people are nice",
        "Being {} is fine",
        "Is Andrew {}?",
        "As a {} man, I agree with the editorial",
        "The {} community held a vigil last night",
    ];
    let attacks = [
        "{} people are disgusting",
        "I hate {} people",
        "{} people should die",
        "{} people are vermin",
    ];
    let mut wrong = Vec::new();
    for g in GROUPS {
        for t in mentions {
            let text = t.replace("{}", g);
            let v = score(&text);
            if v.decision != Allow {
                wrong.push(format!("{text:?} -> {:?} {:?}", v.decision, rules(&v)));
            }
        }
        for t in attacks {
            let text = t.replace("{}", g);
            let v = score(&text);
            let aimed = v.matches.iter().any(|m| m.rule == "heuristic:identity/group-attack");
            if v.decision == Allow || !aimed {
                wrong.push(format!("{text:?} -> {:?} {:?}", v.decision, rules(&v)));
            }
        }
    }
    assert!(wrong.is_empty(), "{} wrong:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn language_is_detected_or_taken() {
    assert_eq!(score("eres un pendejo y tu madre también").language, Language::Es);
    assert_eq!(score("you are not the one I was talking about").language, Language::En);
    // No function word of either language: Spanish letters decide, then the default (English).
    assert_eq!(score("Cállate, idiota.").language, Language::Es);
    assert_eq!(score("¡Fuera!").language, Language::Es);
    assert_eq!(score("Shut up, idiot.").language, Language::En);
    assert_eq!(score("Juárez, the cartel's city").language, Language::En);
    let v = engine().score(&Comment {
        text: "ok",
        language: Some(Language::Es),
        parent: None,
    });
    assert_eq!(v.language, Language::Es);
}

#[test]
fn reasons_name_the_threshold_and_the_evidence() {
    let v = score("I will find you and kill you");
    assert!(
        v.reasons
            .iter()
            .any(|r| r.starts_with("threat ") && r.contains("reject threshold") && r.contains("heuristic:threat/")),
        "{:?}",
        v.reasons
    );
}

#[test]
fn reply_context_never_rejects_on_its_own() {
    let text = "you are wrong, you fool";
    let alone = engine().score(&Comment::new(text));
    let reply = engine().score(&Comment {
        text,
        language: None,
        parent: Some("I think the wall is a good idea"),
    });
    assert!(reply.scores.get(Category::Insult) >= alone.scores.get(Category::Insult));
    if alone.decision == Allow {
        assert_ne!(reply.decision, Reject);
    }
    let clean = engine().score(&Comment {
        text: "I see your point, thanks",
        language: None,
        parent: Some("you idiot"),
    });
    assert_eq!(clean.decision, Allow);
}

#[derive(serde::Deserialize)]
struct CorpusComment {
    id: String,
    text: String,
    labels: std::collections::BTreeMap<Category, u8>,
    decision: Decision,
    also_ok: Vec<Decision>,
}

fn corpus() -> Vec<CorpusComment> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus_comments.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn real_comment_thread_gets_the_moderators_decisions() {
    let mut wrong = Vec::new();
    for c in corpus() {
        let v = score(&c.text);
        if v.decision != c.decision && !c.also_ok.contains(&v.decision) {
            wrong.push(format!(
                "{}: {:?} (want {:?} or {:?}); {:?}",
                c.id,
                v.decision,
                c.decision,
                c.also_ok,
                rules(&v)
            ));
        }
        // No comment that is not a threat may score as one. (Of the two labeled threats, c17's
        // is implied prison violence that no rule here reads; c12 is checked below.)
        let threat = v.scores.get(Category::Threat);
        let review = engine().thresholds()[Category::Threat.index()].review;
        if c.labels[&Category::Threat] == 0 && threat >= review {
            wrong.push(format!(
                "{}: threat {threat:.2} but not a threat; {:?}",
                c.id,
                rules(&v)
            ));
        }
        // Comments labeled with an insult and nothing worse have insult as their top category.
        if c.labels[&Category::Insult] == 1 && c.labels[&Category::Threat] == 0 && v.decision != Decision::Allow {
            let top = top_category(&v);
            if !matches!(top, Category::Insult | Category::Profanity) {
                wrong.push(format!("{}: top category {top:?}; {:?}", c.id, v.scores));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn whack_these_idiots_is_a_threat_and_heads_in_shame_is_not() {
    let c = corpus();
    let c12 = c.iter().find(|c| c.id == "c12").unwrap();
    let v = score(&c12.text);
    assert!(
        v.matches
            .iter()
            .any(|m| m.category == Category::Threat && m.matched.contains("whack")),
        "{:?}",
        rules(&v)
    );
    let threat = v.scores.get(Category::Threat);
    assert!(
        threat >= engine().thresholds()[Category::Threat.index()].reject,
        "threat {threat}"
    );
    let c15 = c.iter().find(|c| c.id == "c15").unwrap();
    let v = score(&c15.text);
    assert!(
        v.matches.iter().all(|m| m.category != Category::Threat),
        "{:?}",
        rules(&v)
    );
}

#[test]
fn news_paragraphs_are_all_allowed() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus_articles.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let mut n = 0;
    let mut wrong = Vec::new();
    for line in text.lines() {
        let p: serde_json::Value = serde_json::from_str(line).unwrap();
        let t = p["text"].as_str().unwrap();
        let v = score(t);
        n += 1;
        if v.decision != Allow {
            wrong.push(format!("{}: {:?} {:?} {:?}", p["id"], v.decision, v.reasons, rules(&v)));
        }
    }
    assert_eq!(n, 158);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn scores_only_detail_weighs_the_same_evidence_without_reporting_it() {
    use tamiz::engine::{Detail, EvidenceSource};
    let mut texts: Vec<String> = corpus().into_iter().map(|c| c.text).collect();
    // Replies, Spanish, evasions and an empty comment take the other paths through the scorer.
    texts.extend(
        [
            "eres un pendejo",
            "you 1d10t",
            "f.u.c.k off",
            "  ",
            "I don't think you are an idiot",
        ]
        .map(String::from),
    );
    for (i, text) in texts.iter().enumerate() {
        let parent = (i % 2 == 0).then_some("what do you know");
        let comment = Comment {
            text,
            language: None,
            parent,
        };
        let full = engine().score_with(&comment, Detail::Full);
        let quick = engine().score_with(&comment, Detail::Scores);
        assert_eq!(quick.scores, full.scores, "{text:?}");
        assert_eq!(quick.decision, full.decision, "{text:?}");
        assert_eq!(quick.language, full.language, "{text:?}");
        assert!(quick.matches.is_empty() && quick.reasons.is_empty(), "{text:?}");
        assert!(!full.reasons.is_empty(), "{text:?}");
        // The counts the metrics read agree with the evidence a full verdict reports.
        let mut counted = [[0u32; 3]; 7];
        for m in &full.matches {
            counted[m.category.index()][m.source as usize] += 1;
        }
        assert_eq!(full.evidence_counts.0, counted, "{text:?}");
        assert_eq!(quick.evidence_counts, full.evidence_counts, "{text:?}");
    }
    for s in EvidenceSource::ALL {
        assert_eq!(EvidenceSource::ALL[s as usize], s);
    }
}

#[test]
fn evidence_detail_lists_what_raised_a_score_and_scores_the_same() {
    use tamiz::engine::{Detail, EvidenceSource};
    let mut texts: Vec<String> = corpus().into_iter().map(|c| c.text).collect();
    texts.extend(["I don't think you are an idiot", "eres un pendejo", "Ты 1D10T"].map(String::from));
    let (mut dropped, mut kept_learned) = (0, 0);
    for text in &texts {
        let comment = Comment::new(text);
        let full = engine().score_with(&comment, Detail::Full);
        let evidence = engine().score_with(&comment, Detail::Evidence);
        assert_eq!(evidence.scores, full.scores, "{text:?}");
        assert_eq!(evidence.decision, full.decision, "{text:?}");
        assert_eq!(evidence.reasons, full.reasons, "{text:?}");
        // Exactly the full list, in the same order, less the learned terms under the floor.
        let wanted: Vec<_> = full
            .matches
            .iter()
            .filter(|m| m.source != EvidenceSource::Learned || m.weight >= Detail::LEARNED_FLOOR)
            .collect();
        let json = |m: &[&tamiz::engine::Evidence]| serde_json::to_value(m).unwrap();
        assert_eq!(
            json(&evidence.matches.iter().collect::<Vec<_>>()),
            json(&wanted),
            "{text:?}"
        );
        dropped += full.matches.len() - evidence.matches.len();
        kept_learned += wanted.iter().filter(|m| m.source == EvidenceSource::Learned).count();
    }
    // The corpus holds both kinds, so the filter is exercised both ways.
    assert!(
        dropped > 100 && kept_learned > 10,
        "dropped {dropped}, kept {kept_learned}"
    );
}

#[test]
fn self_harm_urging_is_severe_not_a_threat() {
    // A threat is harm the speaker intends or wishes on someone (Perspective's THREAT, the
    // Jigsaw labels); telling someone to kill themselves is rejected as severe toxicity.
    for text in [
        "Kill yourself",
        "go hang yourself",
        "kys loser",
        "he should kill himself",
        "mátate pendejo",
    ] {
        let v = score(text);
        assert_eq!(v.decision, Reject, "{text}: {:?}", rules(&v));
        assert!(
            v.scores.get(Category::Threat) < 0.4,
            "{text}: {:?} {:?}",
            v.scores,
            rules(&v)
        );
        assert!(
            rules(&v)
                .iter()
                .any(|r| r.starts_with("lexicon:") && r.contains("/severe_toxicity ")),
            "{text}: {:?}",
            rules(&v)
        );
    }
    // Harm the speaker intends stays a threat, reflexive words nearby or not.
    for text in ["I will kill you", "kill him", "I'll kill you myself"] {
        let v = score(text);
        assert!(
            v.scores.get(Category::Threat) >= 0.7,
            "{text}: {:?} {:?}",
            v.scores,
            rules(&v)
        );
    }
}
