//! From evidence to scores to a decision.
//!
//! The formula, monotone in every weight so that `tamiz train` can fit the weights:
//!
//! ```text
//! logit[c]          = bias[c] + Σ weight(e)                 over evidence e of category c
//! logit[toxicity]   = bias[tox] + Σ share[cat(e)] · weight(e) over all evidence
//! logit[severe]     = bias[sev] + Σ weight(e)                 over evidence flagged severe,
//!                                                             of category severe_toxicity, or threats
//! score[c]          = sigmoid(logit[c])
//! ```
//!
//! Learned terms (`wordlists/learned/`) count toward their own category only: `tamiz train` fits
//! each category's terms with the rest of the evidence as a fixed offset.
//!
//! `weight(e)` is the entry's or rule's weight, times `dampening` when the evidence is negated,
//! reported or quoted, and halved for each earlier occurrence of the same term (repeating a word
//! ten times is not ten times the evidence). The decision is the strictest one any category's
//! thresholds give; the reply-to-parent context can add evidence but never, on its own, turn a
//! comment into a `reject`.

use super::category::{Category, Decision, Language};
use super::heuristics::{self, identity, insult, negation, signals, threat, Finding, Token};
use super::lexicon::Source;
use super::normalize::Normalized;
use super::span::spans_for;
use super::{Detail, Engine, Evidence, EvidenceCounts, EvidenceSource, Scores, Verdict};
use serde::Serialize;
use std::sync::Arc;

/// The verdict plus the normalized text, for humans debugging a decision.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    pub normalized: String,
    pub verdict: Verdict,
}

/// A comment as `tamiz train` sees it.
#[derive(Clone, Debug)]
pub struct Features {
    /// Words of the normalized text, in order.
    pub words: Vec<String>,
    /// Per category (index = `Category::index`), the logit from the engine's evidence.
    pub logits: [f32; 7],
}

pub(super) fn features(engine: &Engine, comment: &super::Comment<'_>) -> Features {
    let (_, n, logits) = score(engine, comment, Detail::Scores);
    let words = heuristics::tokenize(n.text())
        .iter()
        .map(|t| t.text.to_string())
        .collect();
    Features { words, logits }
}

/// Evidence before its span is converted to original-text units.
struct Raw {
    /// What counts as "the same evidence" for repetition decay: the entry for lexicon hits, a
    /// hash of rule and term for heuristics.
    key: u64,
    category: Category,
    rule: &'static str,
    term: Term,
    /// Byte range in the original.
    range: (usize, usize),
    weight: f32,
    dampened: bool,
    source: EvidenceSource,
    severe: bool,
}

/// A lexicon entry's term is looked up only when the evidence is reported, so scoring alone
/// never touches the entry's shared string.
enum Term {
    Entry(u32),
    Text(Arc<str>),
}

impl Term {
    fn get<'a>(&'a self, engine: &'a Engine) -> &'a Arc<str> {
        match self {
            Term::Entry(i) => &engine.lexicon.entries[*i as usize].term,
            Term::Text(t) => t,
        }
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Scores `comment`; with [`Detail::Scores`] the evidence is weighed but not reported (no
/// `matches`, no `reasons`), which skips locating, copying and formatting it; with
/// [`Detail::Summary`] only the reasons are written.
pub(super) fn score(engine: &Engine, comment: &super::Comment<'_>, detail: Detail) -> (Verdict, Normalized, [f32; 7]) {
    let p = &engine.params;
    let text = comment.text;
    if text.trim().is_empty() {
        let verdict = Verdict {
            decision: Decision::Allow,
            scores: Scores([0.0; 7]),
            matches: Vec::new(),
            reasons: match detail {
                Detail::Full | Detail::Evidence | Detail::Summary => vec!["empty comment".into()],
                Detail::Scores => Vec::new(),
            },
            language: comment.language.unwrap_or(p.default_language),
            lexicon_version: engine.info.version.clone(),
            evidence_counts: EvidenceCounts::default(),
        };
        return (verdict, Normalized::default(), p.bias);
    }
    let n = engine.normalize(text);
    let tokens = heuristics::tokenize(n.text());
    let language = comment
        .language
        .unwrap_or_else(|| detect_language(text, &tokens, p.default_language));
    let entries = &engine.lexicon.entries;
    let mut hits = engine.matcher.find(&n, entries, language);
    let names = heuristics::first_name_spans(text, &n, &tokens);
    if !names.is_empty() {
        hits.retain(|h| !names.iter().any(|&(s, e)| s <= h.start && h.end <= e));
    }

    let damped = negation::dampened_tokens(&tokens);
    let is_damped = |t: Option<usize>| t.is_some_and(|t| damped[t]);
    let mut raw: Vec<Raw> = Vec::with_capacity(hits.len() + 4);
    let mut findings: Vec<Finding> = Vec::new();
    // Token ranges of the operator's insult entries, for the threat rules.
    let mut insult_tokens: Vec<(usize, usize)> = Vec::new();
    for h in &hits {
        let e = &entries[h.entry as usize];
        let first = token_at(&tokens, h.start);
        // Learned terms are dampened in every category (`tamiz train` fits them that way): a
        // learned toxicity weight for "idiot" must not survive "I don't think you are an idiot".
        let dampened = ((matches!(
            e.category,
            Category::Insult | Category::Threat | Category::IdentityAttack
        ) || e.source == Source::Learned)
            && is_damped(first))
            // "The senator said the protesters should be shot": someone else's threat, reported.
            || (e.category == Category::Threat && first.is_some_and(|t| threat::is_reported(&tokens, t)))
            // "the myth that Jews control the media": a trope named to be weighed, as the group
            // rule reads it. Phrases of three words or more only: a slur ("porch monkey") is a
            // slur in anyone's mouth.
            || (e.category == Category::IdentityAttack
                && e.source == Source::Operator
                && e.pattern.split(' ').nth(2).is_some()
                && first.is_some_and(|t| identity::is_reported_claim(&tokens, t)));
        // Only the operator's insult entries trigger the aimed-insult rules: a learned term's
        // weight was fitted with those rules' output as a fixed offset.
        if e.category == Category::Insult && e.source == Source::Operator {
            if let (Some(t0), Some(t1)) = (first, token_at(&tokens, h.end.saturating_sub(1))) {
                insult::aimed(&tokens, t0, t1, &mut findings);
                insult_tokens.push((t0, t1));
            }
        }
        raw.push(Raw {
            key: h.entry as u64,
            category: e.category,
            rule: e.rule,
            term: Term::Entry(h.entry),
            range: to_original(&n, h.start, h.end),
            weight: e.weight,
            dampened,
            source: match e.source {
                Source::Operator => EvidenceSource::Lexicon,
                Source::Learned => EvidenceSource::Learned,
            },
            severe: e.severe,
        });
    }
    insult::mild_second_person(&tokens, &mut findings);
    insult::profane_names(&tokens, &names, &mut findings);
    // One aimed-insult finding per rule and cue: "is an entitled little bitch boy" is one act
    // of name-calling, however many list entries it contains.
    findings.sort_by_key(|f| (f.rule, f.start, std::cmp::Reverse(f.end)));
    findings.dedup_by_key(|f| (f.rule, f.start));
    // Heuristic insult findings inherit dampening from where they start, and a negation inside
    // one negates it: "you're not a moron".
    for f in findings {
        let negated_inside = || {
            let (a, b) = (token_at(&tokens, f.start), token_at(&tokens, f.end.saturating_sub(1)));
            a.zip(b)
                .is_some_and(|(a, b)| (a + 1..b).any(|k| negation::negates(&tokens, k)))
        };
        let dampened = is_damped(token_at(&tokens, f.start)) || negated_inside();
        raw.push(found(p, &n, f, dampened));
    }
    let mut threats = Vec::new();
    let marks = threat::Marks {
        named: &|i| heuristics::is_name(text, &n, &tokens, i),
        insult: &|i| insult_tokens.iter().any(|&(a, b)| a <= i && i <= b),
    };
    threat::find(&tokens, &marks, &mut threats);
    if identity::mentions_group(&tokens) {
        // The operator's insult and threat entries and the threat findings, by token, for the
        // rule that reads whether a group is their target.
        let mut marks = vec![0u8; tokens.len()];
        let mut mark = |start: usize, end: usize, m: u8| {
            if let (Some(a), Some(b)) = (token_at(&tokens, start), token_at(&tokens, end.saturating_sub(1))) {
                marks[a..=b].iter_mut().for_each(|x| *x |= m);
            }
        };
        for h in &hits {
            let e = &entries[h.entry as usize];
            if e.source == Source::Operator && e.category == Category::Threat {
                mark(h.start, h.end, identity::mark::THREAT);
            }
        }
        for t in &threats {
            mark(t.finding.start, t.finding.end, identity::mark::THREAT);
        }
        for &(a, b) in &insult_tokens {
            marks[a..=b].iter_mut().for_each(|x| *x |= identity::mark::INSULT);
        }
        let mut attacks = Vec::new();
        identity::find(&tokens, &marks, &mut attacks);
        for a in attacks {
            // "I don't hate Muslims", "Mexicans are not criminals", "Trump said Mexicans are…".
            let first = token_at(&tokens, a.finding.start);
            let dampened = is_damped(first)
                || is_damped(Some(a.predicate))
                || first.is_some_and(|t| identity::is_reported_claim(&tokens, t));
            raw.push(found(p, &n, a.finding, dampened));
        }
    }
    for t in threats {
        raw.push(found(p, &n, t.finding, t.dampened));
    }
    let mut sig = Vec::new();
    signals::find(text, &mut sig);
    signals::find_grawlix(text, &mut sig);
    signals::find_echo(text, &mut sig);
    for f in sig {
        raw.push(heuristic(
            p.rule(f.rule),
            f.rule,
            f.term,
            f.category,
            (f.start, f.end),
            false,
        ));
    }
    let context_rule = "context/reply-to-parent";
    let mut has_context = false;
    if comment.parent.is_some_and(|s| !s.trim().is_empty()) {
        // A second-person insult in a reply lands on the parent's author.
        if let Some(r) = raw
            .iter()
            .find(|r| r.rule == "heuristic:insult/second-person" && !r.dampened)
        {
            let range = r.range;
            raw.push(heuristic(
                p.rule(context_rule),
                context_rule,
                "reply to parent's author".into(),
                Category::Insult,
                range,
                false,
            ));
            has_context = true;
        }
    }
    drop(tokens);

    let (scores, weights, logits) = combine(p, &mut raw);
    let mut decision = decide(p, &scores);
    if has_context {
        // The context may sharpen a verdict but never reject a comment on its own.
        let without: Vec<Raw> = std::mem::take(&mut raw);
        let (mut kept, ctx): (Vec<Raw>, Vec<Raw>) = without.into_iter().partition(|r| !r.rule.ends_with(context_rule));
        let (base_scores, _, _) = combine(p, &mut kept);
        if decision == Decision::Reject && decide(p, &base_scores) == Decision::Allow {
            decision = Decision::Review;
        }
        raw = kept;
        raw.extend(ctx);
    }
    let mut evidence_counts = EvidenceCounts::default();
    for r in &raw {
        evidence_counts.0[r.category.index()][r.source as usize] += 1;
    }
    let (matches, reasons) = match detail {
        Detail::Full | Detail::Evidence => {
            let reasons = reasons(engine, &scores, &raw, &weights);
            (report(engine, text, &raw, &weights, detail), reasons)
        }
        Detail::Summary => (Vec::new(), reasons(engine, &scores, &raw, &weights)),
        Detail::Scores => (Vec::new(), Vec::new()),
    };
    let verdict = Verdict {
        decision,
        scores,
        matches,
        reasons,
        language,
        lexicon_version: engine.info.version.clone(),
        evidence_counts,
    };
    (verdict, n, logits)
}

/// The evidence as reported (all of it, or with [`Detail::Evidence`] what raised a score):
/// located in the original text in every offset unit, in text order (among equal spans, in the
/// order it was found).
fn report(engine: &Engine, text: &str, raw: &[Raw], weights: &[f32], detail: Detail) -> Vec<Evidence> {
    let rounded = |i: usize| (weights[i] as f64 * 1000.0).round() / 1000.0;
    let listed = |i: usize| {
        detail != Detail::Evidence || raw[i].source != EvidenceSource::Learned || rounded(i) >= Detail::LEARNED_FLOOR
    };
    // Sorting indices rather than the evidence keeps the sort cheap.
    let mut order: Vec<u32> = (0..raw.len() as u32).filter(|&i| listed(i as usize)).collect();
    order.sort_by_key(|&i| raw[i as usize].range);
    let ranges: Vec<(usize, usize)> = order.iter().map(|&i| raw[i as usize].range).collect();
    let spans = spans_for(text, &ranges);
    // One copy of the comment for all the excerpts (an empty one when nothing is reported).
    let shared: Arc<str> = Arc::from(if order.is_empty() { "" } else { text });
    // Built straight in text order: each piece is written once, never moved.
    order
        .iter()
        .zip(spans)
        .map(|(&i, span)| {
            let i = i as usize;
            let r = &raw[i];
            Evidence {
                category: r.category,
                rule: r.rule,
                term: r.term.get(engine).clone(),
                matched: super::span::Excerpt::new(shared.clone(), r.range.0, r.range.1),
                span,
                weight: rounded(i),
                dampened: r.dampened,
                source: r.source,
                severe: r.severe,
            }
        })
        .collect()
}

fn heuristic(weight: f32, rule: &str, term: String, category: Category, range: (usize, usize), dampened: bool) -> Raw {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    rule.hash(&mut h);
    term.hash(&mut h);
    Raw {
        // The top bit keeps heuristic keys apart from entry indices.
        key: h.finish() | (1 << 63),
        category,
        rule: super::config::heuristic_rule_id(rule),
        term: Term::Text(Arc::from(term)),
        range,
        weight,
        dampened,
        source: EvidenceSource::Heuristic,
        severe: category == Category::Threat,
    }
}

/// The evidence of a heuristic finding over the normalized text, weighed as config says.
fn found(p: &super::config::Params, n: &super::normalize::Normalized, f: Finding, dampened: bool) -> Raw {
    heuristic(
        p.rule(f.rule),
        f.rule,
        f.term,
        f.category,
        to_original(n, f.start, f.end),
        dampened,
    )
}

fn to_original(n: &super::normalize::Normalized, start: usize, end: usize) -> (usize, usize) {
    let r = n.original_range(start, end);
    (r.start, r.end)
}

/// The token containing normalized byte `at`, by binary search.
fn token_at(tokens: &[Token<'_>], at: usize) -> Option<usize> {
    let i = tokens.partition_point(|t| t.end <= at);
    (i < tokens.len() && tokens[i].start <= at).then_some(i)
}

/// Applies dampening and repetition decay, then the formula in the module docs. Returns the
/// scores and each evidence's effective weight.
fn combine(p: &super::config::Params, raw: &mut [Raw]) -> (Scores, Vec<f32>, [f32; 7]) {
    let mut logit = p.bias;
    let mut seen: rustc_hash::FxHashMap<u64, i32> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(raw.len(), Default::default());
    let mut weights = Vec::with_capacity(raw.len());
    for r in raw.iter() {
        let k = seen.entry(r.key).or_insert(0);
        let mut w = r.weight * 0.5f32.powi(*k);
        *k += 1;
        if r.dampened {
            w *= p.dampening;
        }
        weights.push(w);
        let c = r.category;
        if r.source == EvidenceSource::Learned {
            // Learned terms are fitted per category against the operator's evidence as an
            // offset, so they count toward their own category only.
            logit[c.index()] += w;
            continue;
        }
        match c {
            Category::Toxicity => logit[Category::Toxicity.index()] += w,
            Category::SevereToxicity => {
                logit[c.index()] += w;
                logit[Category::Toxicity.index()] += p.share[c.index()] * w;
            }
            _ => {
                logit[c.index()] += w;
                logit[Category::Toxicity.index()] += p.share[c.index()] * w;
                if r.severe || c == Category::Threat {
                    logit[Category::SevereToxicity.index()] += w;
                }
            }
        }
    }
    let mut s = [0.0f32; 7];
    for (i, l) in logit.iter().enumerate() {
        s[i] = sigmoid(*l);
    }
    (Scores(s), weights, logit)
}

fn decide(p: &super::config::Params, scores: &Scores) -> Decision {
    let mut d = Decision::Allow;
    for c in Category::ALL {
        let t = p.thresholds[c.index()];
        let s = scores.get(c);
        if s >= t.reject {
            return Decision::Reject;
        }
        if s >= t.review {
            d = Decision::Review;
        }
    }
    d
}

/// One sentence per category whose threshold was crossed, naming the strongest evidence.
fn reasons(engine: &Engine, scores: &Scores, raw: &[Raw], weights: &[f32]) -> Vec<String> {
    let p = &engine.params;
    let mut out = Vec::new();
    for c in Category::ALL {
        let t = p.thresholds[c.index()];
        let s = scores.get(c);
        let (level, bound) = if s >= t.reject {
            ("reject", t.reject)
        } else if s >= t.review {
            ("review", t.review)
        } else {
            continue;
        };
        // The three heaviest pieces of evidence (earlier first among equals), kept in a fixed
        // array in one pass and formatted only once chosen.
        let heavier = |a: (f32, usize), b: (f32, usize)| a.0.total_cmp(&b.0).reverse().then(a.1.cmp(&b.1)).is_lt();
        let mut top: [(f32, usize); 3] = [(0.0, 0); 3];
        let mut kept = 0;
        for (i, (r, w)) in raw.iter().zip(weights).enumerate() {
            let counts = r.category == c
                || c == Category::Toxicity
                || (c == Category::SevereToxicity && (r.severe || r.category == Category::Threat));
            if !counts {
                continue;
            }
            let mut at = kept.min(3);
            while at > 0 && heavier((*w, i), top[at - 1]) {
                at -= 1;
            }
            if at < 3 {
                top.copy_within(at..2, at + 1);
                top[at] = (*w, i);
                kept = (kept + 1).min(3);
            }
        }
        let top = &top[..kept];
        let names: Vec<String> = top
            .iter()
            .map(|&(_, i)| format!("{} \"{}\"", raw[i].rule, raw[i].term.get(engine)))
            .collect();
        out.push(format!(
            "{c} {s:.2} >= {level} threshold {bound:.2}{}",
            if names.is_empty() {
                String::new()
            } else {
                format!(" (by {})", names.join(", "))
            }
        ));
    }
    if out.is_empty() {
        out.push("no category reached its review threshold".into());
    }
    out
}

/// Picks English or Spanish by counting each language's most frequent function words; Spanish
/// letters and then the default decide ties. Cheaper than a general detector and right on the
/// two languages that have wordlists, which is all the choice affects (`strict` entries).
fn detect_language(text: &str, tokens: &[Token<'_>], default: Language) -> Language {
    let (mut en, mut es) = (0u32, 0u32);
    for t in tokens.iter().take(200) {
        match t.text {
            "the" | "and" | "is" | "you" | "to" | "of" | "that" | "it" | "this" | "for" | "are" | "was" | "with"
            | "have" | "not" | "he" | "she" | "they" | "what" | "on" | "be" | "i" | "my" | "your" | "will" | "just"
            | "but" | "his" | "at" | "from" | "would" | "an" | "so" => en += 1,
            "el" | "la" | "los" | "las" | "de" | "que" | "y" | "en" | "un" | "una" | "es" | "por" | "con" | "para"
            | "se" | "lo" | "le" | "su" | "como" | "pero" | "mas" | "muy" | "yo" | "tu" | "te" | "del" | "al"
            | "esta" | "son" | "eres" | "pinche" | "porque" | "cuando" | "todo" | "tiene" | "hay" | "ya" | "fue" => {
                es += 1
            }
            _ => {}
        }
    }
    match en.cmp(&es) {
        std::cmp::Ordering::Greater => Language::En,
        std::cmp::Ordering::Less => Language::Es,
        // No function word either way ("Cállate, idiota"): Spanish's own letters and marks
        // decide, then the default.
        std::cmp::Ordering::Equal if !text.is_ascii() && text.contains(SPANISH_ONLY) => Language::Es,
        std::cmp::Ordering::Equal => default,
    }
}

/// Letters and marks that English text does not use.
const SPANISH_ONLY: [char; 8] = ['ñ', 'á', 'é', 'í', 'ó', 'ú', '¿', '¡'];
