//! The compiled lexicon: one aho-corasick automaton over every entry of every list.
//!
//! Why overlapping (`MatchKind::Standard`) rather than leftmost-longest: an entry's match is only
//! kept after checks the automaton cannot make (word boundaries by mode, the allowlist, the
//! language of `strict` entries, stretched letters). With leftmost-longest a candidate that fails
//! those checks would hide a shorter one that passes at the same place (`piece of shit` failing
//! would hide `shit`). Overlapping search reports them all, and the nested-match rule below decides
//! which evidence counts, so the result does not depend on which candidate the automaton preferred.
//!
//! One unanchored scan: the DFA reads each byte of the text once and reports every pattern
//! ending there. Word boundaries are part of the automaton: the scan feeds it a marker byte
//! ([`EDGE`], never in UTF-8) wherever the text passes between word and non-word characters (and
//! at both ends), and a whole-word pattern is compiled as `EDGE in EDGE`, a prefix as `EDGE
//! stem`. So the learned lists' short words (`in`, `to`) are never candidates inside longer
//! words. Checking each candidate after the fact was costly: a scan met ~180 candidates per
//! 300-byte comment, two thirds of them inside a word, and the checks' branches were a third of
//! the engine's mispredicted ones. Only a pattern that begins or ends with a
//! non-word character (`$hit`) keeps that check, for its side. An earlier design walked the
//! automaton anchored from each place a match could begin; once the learned lists gained in-word
//! substrings that was nearly every letter.
//!
//! Stretched letters: the normalizer turns `asssss` into `as` marked elongated. For an entry with
//! a double letter (`ass`) the automaton also holds the variant with that letter single (`as`),
//! which only counts where the text's letter is elongated, so the word `as` is never `ass`.
//!
//! Self-censored words (`f*ck`, `sh#t`, `f***`, `*ucking`) cannot be automaton patterns. Before
//! the scan, [`Matcher::demask`] reads each one as the heaviest operator entry whose letters fit
//! and writes those letters over its masks, so the scan, the learned terms and the heuristics all
//! see `fuck` where the commenter typed `f***`, while the evidence still quotes what was typed.
//!
//! Split words (`half-wits`, `b-itch`, `fu.ck`, `dumb_ass`): the normalizer makes hyphens and
//! underscores spaces and keeps dots, which is right for `well-known` and `e.g.`. Before the scan,
//! [`Matcher::join_split_words`] drops the separator where the two parts joined hold an operator
//! entry across the join (or are an allowlisted word), so compounds and split evasions read as
//! the word.

use super::category::{Category, Language};
use super::lexicon::{Entry, Lexicon, MatchMode, Source};
use super::normalize::{Normalized, MASK};
use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};
use rustc_hash::FxHashSet;
use std::collections::{HashMap, HashSet};

/// At most this many double letters of an entry get single-letter variants (2^n variants).
const MAX_DOUBLES: usize = 3;

/// What an automaton pattern stands for, with everything the scan checks before it keeps a
/// match, in one small record per pattern id: the scan meets a few hundred candidates per
/// comment, and looking each one's entry up cost more than the automaton's walk.
#[derive(Clone, Copy, Debug)]
struct Pattern {
    /// The entry, or [`Pattern::ALLOW`] for an allowlisted word.
    entry: u32,
    /// Index into [`Matcher::elongated`], or [`Pattern::ANYWHERE`].
    elongated: u32,
    /// Length in bytes of the text it stands for (without [`EDGE`] markers).
    len: u32,
    mode: MatchMode,
    /// The automaton cannot check this pattern's boundaries (it begins or ends with a non-word
    /// character): [`word_bounded`] does.
    verify: bool,
    /// The one language it counts in (`strict` and learned entries).
    only_in: Option<Language>,
}

impl Pattern {
    const ALLOW: u32 = u32::MAX;
    /// No letter of the pattern needs to be elongated in the text.
    const ANYWHERE: u32 = u32::MAX;
}

/// A lexicon entry found in the normalized text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub entry: u32,
    /// Byte range in the normalized text.
    pub start: usize,
    pub end: usize,
}

/// Immutable, `Send + Sync`, cheap to share: built once per lexicon version.
#[derive(Debug)]
pub struct Matcher {
    ac: DFA,
    /// By pattern id.
    patterns: Vec<Pattern>,
    /// Per pattern with stretched-letter variants: byte offsets within it whose text letter
    /// must be elongated.
    elongated: Vec<Vec<u16>>,
    /// Operator entries a self-censored word may stand for, by pattern length: single words of
    /// ASCII letters, so a reading replaces masks byte for byte.
    readings: HashMap<usize, Vec<u32>>,
    /// Patterns of the operator's identity-attack entries, never the reading of a mostly masked word.
    slurs: HashSet<String>,
    /// What two parts of a split word may join into.
    compounds: Compounds,
}

/// The operator's single-word entries of ASCII letters, by match mode, and the allowlist's
/// words: what a split word (`half-wits`) may join into. Learned terms are left out: they are
/// fitted on the text as the operator's lists leave it.
#[derive(Debug, Default)]
struct Compounds {
    words: FxHashSet<Box<[u8]>>,
    prefixes: FxHashSet<Box<[u8]>>,
    /// Bit `n`: some prefix entry has `n` letters (the lengths worth a lookup).
    prefix_lens: u64,
    inner: Vec<String>,
}

impl Compounds {
    /// The longest join looked up: longer words are no entry of a list worth reading.
    const MAX: usize = 63;

    fn add(&mut self, pattern: &str, mode: MatchMode) {
        if pattern.is_empty() || pattern.len() > Self::MAX || !pattern.bytes().all(|b| b.is_ascii_lowercase()) {
            return;
        }
        match mode {
            MatchMode::Word => {
                self.words.insert(pattern.as_bytes().into());
            }
            MatchMode::Prefix => {
                self.prefixes.insert(pattern.as_bytes().into());
                self.prefix_lens |= 1 << pattern.len();
            }
            MatchMode::Substring => self.inner.push(pattern.to_string()),
        }
    }

    /// Whether `first` and `second` joined hold an entry that runs across the join.
    fn joins(&self, first: &str, second: &str) -> bool {
        let len = first.len() + second.len();
        if len > Self::MAX {
            return false;
        }
        let mut buf = [0u8; Self::MAX];
        buf[..first.len()].copy_from_slice(first.as_bytes());
        buf[first.len()..len].copy_from_slice(second.as_bytes());
        let joined = &buf[..len];
        let contains = |hay: &[u8], p: &str| memchr::memmem::find(hay, p.as_bytes()).is_some();
        self.words.contains(joined)
            || (first.len() + 1..=len).any(|k| self.prefix_lens & (1 << k) != 0 && self.prefixes.contains(&joined[..k]))
            || self
                .inner
                .iter()
                .any(|p| contains(joined, p) && !contains(first.as_bytes(), p) && !contains(second.as_bytes(), p))
    }
}

/// A word character for boundary checks; the mask counts so `f*ck` is one word.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == MASK
}

/// The byte the scan feeds the automaton between a word and a non-word character: 0xFF is no
/// byte of any UTF-8 text.
const EDGE: u8 = 0xFF;

/// `pattern` as the automaton holds it: an [`EDGE`] wherever its characters pass between word
/// and non-word, and where `mode` wants a boundary before (prefix, word) or after (word) a word
/// character; `true` if a boundary falls next to a non-word character, which only a look at the
/// text can check.
fn with_edges(pattern: &str, mode: MatchMode) -> (Vec<u8>, bool) {
    let mut out = Vec::with_capacity(pattern.len() + 2);
    let mut verify = false;
    let mut chars = pattern.chars().peekable();
    if mode != MatchMode::Substring {
        match chars.peek() {
            Some(&c) if is_word(c) => out.push(EDGE),
            _ => verify = true,
        }
    }
    let mut prev = None;
    for c in chars {
        if prev.is_some_and(|p| p != is_word(c)) {
            out.push(EDGE);
        }
        prev = Some(is_word(c));
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
    if mode == MatchMode::Word {
        match prev {
            Some(true) => out.push(EDGE),
            _ => verify = true,
        }
    }
    (out, verify)
}

impl Matcher {
    /// Compiles every entry and allowlist term of `lexicon` into one automaton.
    pub fn build(lexicon: &Lexicon) -> Result<Matcher, aho_corasick::BuildError> {
        let mut texts: Vec<Vec<u8>> = Vec::new();
        let mut patterns = Vec::new();
        let mut elongated = Vec::new();
        for (i, e) in lexicon.entries.iter().enumerate() {
            let texting = (e.source == Source::Operator && e.language == Language::En)
                .then(|| texting_variant(&e.pattern))
                .flatten();
            let spellings = std::iter::once(e.pattern.as_str()).chain(texting.as_deref());
            for (text, needs_elongated) in spellings.flat_map(elongation_variants) {
                let (edged, verify) = with_edges(&text, e.mode);
                patterns.push(Pattern {
                    entry: i as u32,
                    elongated: if needs_elongated.is_empty() {
                        Pattern::ANYWHERE
                    } else {
                        elongated.push(needs_elongated);
                        (elongated.len() - 1) as u32
                    },
                    len: text.len() as u32,
                    mode: e.mode,
                    verify,
                    only_in: e.only_in_own_language().then_some(e.language),
                });
                texts.push(edged);
            }
        }
        for a in &lexicon.allow {
            let (edged, verify) = with_edges(&a.pattern, MatchMode::Word);
            patterns.push(Pattern {
                entry: Pattern::ALLOW,
                elongated: Pattern::ANYWHERE,
                len: a.pattern.len() as u32,
                mode: MatchMode::Word,
                verify,
                only_in: None,
            });
            texts.push(edged);
        }
        // A DFA: one table lookup per byte of text (see `candidates`).
        let ac = aho_corasick::dfa::Builder::new()
            .start_kind(aho_corasick::StartKind::Unanchored)
            .match_kind(MatchKind::Standard)
            .build(&texts)?;
        let mut readings: HashMap<usize, Vec<u32>> = HashMap::new();
        let slurs = lexicon
            .entries
            .iter()
            .filter(|e| e.category == Category::IdentityAttack && e.source == Source::Operator)
            .map(|e| e.pattern.clone())
            .collect();
        // An allowlisted word is a join too: `cock-tail` reads `cocktail`, which the allowlist clears.
        let mut compounds = Compounds::default();
        for a in &lexicon.allow {
            compounds.add(&a.pattern, MatchMode::Word);
        }
        // Masked and split words read as operator entries only. Strict entries need the
        // comment's language, which is not known before the scan.
        for (i, e) in lexicon.entries.iter().enumerate() {
            if e.source != Source::Operator || e.strict {
                continue;
            }
            compounds.add(&e.pattern, e.mode);
            if e.pattern.len() >= 3 && e.pattern.bytes().all(|b| b.is_ascii_lowercase()) {
                readings.entry(e.pattern.len()).or_default().push(i as u32);
            }
        }
        Ok(Matcher {
            ac,
            patterns,
            elongated,
            readings,
            slurs,
            compounds,
        })
    }

    /// Every automaton match that passes its mode's word boundaries, in one unanchored
    /// overlapping scan of the text with an [`EDGE`] fed at each passage between word and
    /// non-word characters (see the module notes): each pattern occurrence ending at each byte.
    fn candidates(&self, text: &str, mut each: impl FnMut(usize, usize, &Pattern)) {
        let bytes = text.as_bytes();
        let Ok(mut sid) = self.ac.start_state(Anchored::No) else {
            return;
        };
        let mut report = |sid, end: usize| {
            // A match state also carries every pattern that is a suffix of its path.
            for m in 0..self.ac.match_len(sid) {
                let p = &self.patterns[self.ac.match_pattern(sid, m).as_usize()];
                let start = end - p.len as usize;
                if !p.verify || word_bounded(text, start, end, p.mode) {
                    each(start, end, p);
                }
            }
        };
        let matched = |sid| self.ac.is_special(sid) && self.ac.is_match(sid);
        // The text begins after a non-word character, as far as boundaries go.
        let mut in_word = false;
        for (k, &b) in bytes.iter().enumerate() {
            let word = if b < 0x80 {
                ASCII_WORD[b as usize]
            } else if b >= 0xC0 {
                // A leading byte: the character decides; continuation bytes keep its reading.
                text[k..].chars().next().is_some_and(is_word)
            } else {
                in_word
            };
            // A branch, not a select: the walk is a chain of dependent loads, and a predicted
            // branch keeps the edge's lookup off it where there is no edge (measured: a
            // `select_unpredictable` here made the engine 8 % slower).
            if word != in_word {
                sid = self.ac.next_state(Anchored::No, sid, EDGE);
                if matched(sid) {
                    report(sid, k);
                }
            }
            in_word = word;
            sid = self.ac.next_state(Anchored::No, sid, b);
            if matched(sid) {
                report(sid, k + 1);
            }
        }
        if in_word {
            sid = self.ac.next_state(Anchored::No, sid, EDGE);
            if matched(sid) {
                report(sid, bytes.len());
            }
        }
    }

    /// Finds the lexicon evidence in `n`, after boundaries, allowlist, language and the
    /// nested-match rule: within one category, a match inside a longer match is dropped (the
    /// phrase `piece of shit` carries the weight, not also its `shit`).
    pub fn find(&self, n: &Normalized, entries: &[Entry], language: Language) -> Vec<Hit> {
        let text = n.text();
        let mut hits: Vec<Hit> = Vec::with_capacity(text.len() / 4);
        let mut allowed: Vec<(usize, usize)> = Vec::new();
        self.candidates(text, |start, end, p| {
            if p.entry == Pattern::ALLOW {
                allowed.push((start, end));
                return;
            }
            if p.only_in.is_some_and(|l| l != language) {
                return;
            }
            if p.elongated != Pattern::ANYWHERE
                && !self.elongated[p.elongated as usize]
                    .iter()
                    .all(|&o| n.is_elongated(start + o as usize))
            {
                return;
            }
            hits.push(Hit {
                entry: p.entry,
                start,
                end,
            });
        });
        if !allowed.is_empty() {
            // Only matches inside an allowlisted word go: `cock*` in "cocktail", not the phrase
            // "shoe licker" just because "shoe" is allowlisted against `hoe`.
            // Sorted by start with a running maximum of ends: a span that starts at or before the
            // hit and ends at or after it exists iff that maximum reaches the hit's end. Keeps
            // the check O(log n) per hit on comments with thousands of allowlisted words.
            allowed.sort_unstable();
            let mut max_end = Vec::with_capacity(allowed.len());
            let mut m = 0;
            for &(_, e) in &allowed {
                m = m.max(e);
                max_end.push(m);
            }
            hits.retain(|h| {
                let k = allowed.partition_point(|&(s, _)| s <= h.start);
                !(k > 0 && max_end[k - 1] >= h.end)
            });
        }
        drop_nested(hits, entries)
    }

    /// Reads self-censored words (see the module notes): each word with a mask that has a
    /// reading gets that reading's letters in place of its masks.
    pub fn demask(&self, n: &mut Normalized, entries: &[Entry]) {
        if self.readings.is_empty() || memchr::memchr(MASK as u8, n.text().as_bytes()).is_none() {
            return;
        }
        let fills: Vec<(usize, u32)> = words(n.text())
            .filter_map(|(start, word)| Some((start, self.reading(word, entries)?)))
            .collect();
        for (start, entry) in fills {
            n.fill_masks(start, entries[entry as usize].pattern.as_bytes());
        }
    }

    /// Reads split words (see the module notes): a hyphen or underscore (a space by now), a dot,
    /// or the space after "a" or "I" opening a spelled-out word, between two words of letters,
    /// goes where the two joined make an operator entry that runs across the join, or an
    /// allowlisted word: `half-wits` is `halfwits`, `b-itch` is `bitch`, `fu.ck` is `fuck`,
    /// `cock-tail` is `cocktail`, "a s s" is `ass`; `well-known` stays two words.
    /// `original` is the text `n` was folded from: a space only joins where it was a hyphen.
    pub fn join_split_words(&self, n: &mut Normalized, original: &str) {
        let bytes = n.text().as_bytes();
        let mut joins: Vec<usize> = Vec::new();
        let mut consider = |at: usize| {
            let letter = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_lowercase);
            if at == 0 || !letter(at - 1) || !letter(at + 1) {
                return;
            }
            // The two words around the separator, each of ASCII letters only (so each byte
            // is a char and the slices below are whole words).
            let start = bytes[..at]
                .iter()
                .rposition(|&b| !b.is_ascii_lowercase())
                .map_or(0, |p| p + 1);
            let end = bytes[at + 1..]
                .iter()
                .position(|&b| !b.is_ascii_lowercase())
                .map_or(bytes.len(), |p| at + 1 + p);
            if bytes[..start].last().is_some_and(|&b| is_word(b as char))
                || bytes.get(end).is_some_and(|&b| is_word(b as char))
            {
                return;
            }
            let text = n.text();
            if self.compounds.joins(&text[start..at], &text[at + 1..end]) {
                joins.push(at);
            }
        };
        // Hyphens and underscores are spaces by now: found in the original, then looked up (most
        // comments have none, and the spaces between words are many).
        for p in memchr::memchr2_iter(b'-', b'_', original.as_bytes()) {
            if let Some(at) = n.folded_at(p).filter(|&at| bytes[at] == b' ') {
                consider(at);
            }
        }
        memchr::memchr_iter(b'.', bytes).for_each(&mut consider);
        // A word spelled out with spaces after "a" or "I" was kept apart from it by the
        // normalizer ("a p r i c k" is `a prick`); the space goes where the two joined hold an
        // entry ("a s s" is `ass`, "i d i o t" is `idiot`). Only where the word after came
        // from such a chain: the original has a space right after its first letter.
        if n.spelled_after_head() {
            let orig = original.as_bytes();
            for at in memchr::memchr_iter(b' ', bytes) {
                let head =
                    at >= 1 && matches!(bytes[at - 1], b'a' | b'i') && (at < 2 || !is_word(bytes[at - 2] as char));
                if head && at + 1 < bytes.len() && orig.get(n.original_range(at + 1, at + 2).end) == Some(&b' ') {
                    consider(at);
                }
            }
        }
        joins.sort_unstable();
        joins.dedup();
        n.join_at(&joins);
    }

    /// The heaviest operator entry a masked word can stand for (the first listed among equals).
    /// Shapes read: masks inside (`f*ck`, `a**hole`, at most half the word), masks ending a word
    /// (`f***`, `sh**`) and one or two masks opening one (`*ucking`, with three letters or more
    /// after them). Masks at both ends are emphasis (`*really*`) and digits are not words.
    /// Where masks are most of the word (`f***`, `s***`) the letters say little, and the custom
    /// of masking is for swearing: only profanity entries that are not also slurs are read
    /// there, so `s***` is `shit` and `f***` is not `fags`; and past five letters one visible
    /// letter is too little (`p*******` is more likely a password than a swear).
    fn reading(&self, word: &str, entries: &[Entry]) -> Option<u32> {
        let w = word.as_bytes();
        let mask = MASK as u8;
        if !w.contains(&mask) || w.len() < 3 || !w.iter().all(|&b| b == mask || b.is_ascii_lowercase()) {
            return None;
        }
        let masks = w.iter().filter(|&&b| b == mask).count();
        let lead = w.iter().take_while(|&&b| b == mask).count();
        let trail = w.iter().rev().take_while(|&&b| b == mask).count();
        let shape = match (lead, trail) {
            (0, 0) => masks * 2 <= w.len(),
            (0, t) => t == masks && t < w.len(),
            (l, 0) => l == masks && l <= 2 && w.len() - l >= 3,
            _ => false,
        };
        if !shape {
            return None;
        }
        // The word's own length, or a prefix entry (`fuck*`) covering every mask: `*ucking`.
        let last_mask = w.len() - w.iter().rev().position(|&b| b == mask).unwrap_or(0);
        let swearing_only = masks * 2 > w.len();
        if swearing_only && w.len() > 5 && w.len() - masks < 2 {
            return None;
        }
        let fits = |e: &Entry| {
            let p = e.pattern.as_bytes();
            (!swearing_only || (e.category == Category::Profanity && !self.slurs.contains(&e.pattern)))
                && (p.len() == w.len() || (e.mode == MatchMode::Prefix && p.len() >= last_mask.max(3)))
                && p.iter().zip(w).all(|(&p, &t)| t == mask || p == t)
        };
        let mut best: Option<u32> = None;
        for len in last_mask.max(3)..=w.len() {
            for &c in self.readings.get(&len).into_iter().flatten() {
                let e = &entries[c as usize];
                if fits(e) && best.is_none_or(|b| entries[b as usize].weight < e.weight) {
                    best = Some(c);
                }
            }
        }
        best
    }
}

/// Words of the normalized text (letters, digits and masks) with their byte offsets.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while let Some(&(_, c)) = rest.peek() {
            if is_word(c) {
                break;
            }
            rest.next();
        }
        let (start, _) = *rest.peek()?;
        let mut end = start;
        while let Some(&(i, c)) = rest.peek() {
            if !is_word(c) {
                break;
            }
            end = i + c.len_utf8();
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

fn word_bounded(text: &str, start: usize, end: usize, mode: MatchMode) -> bool {
    // Neighbours are nearly always ASCII: read the byte in a table, decode a char only when it
    // is not.
    let bytes = text.as_bytes();
    let before_ok = || match start.checked_sub(1).map(|i| bytes[i]) {
        None => true,
        Some(b) if b.is_ascii() => !ASCII_WORD[b as usize],
        Some(_) => !text[..start].chars().next_back().is_some_and(is_word),
    };
    let after_ok = || match bytes.get(end) {
        None => true,
        Some(&b) if b.is_ascii() => !ASCII_WORD[b as usize],
        Some(_) => !text[end..].chars().next().is_some_and(is_word),
    };
    match mode {
        MatchMode::Word => before_ok() && after_ok(),
        MatchMode::Prefix => before_ok(),
        MatchMode::Substring => true,
    }
}

/// [`is_word`] for each ASCII byte.
static ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b as u8 == MASK as u8;
        b += 1;
    }
    t
};

/// The pattern itself plus, for each subset of its (first few) double letters, the variant with
/// those doubles single, and where the elongated letters must be.
/// An English phrase as texting spells it (`screw you` as `screw u`, `kill yourself` as `kill
/// urself`), when it has a word to respell. The heuristics read `u` and `ur` as you and your
/// already; this gives the operator's phrases the same reach.
fn texting_variant(pattern: &str) -> Option<String> {
    let mut changed = false;
    let words: Vec<&str> = pattern
        .split(' ')
        .map(|w| {
            let t = match w {
                "you" => "u",
                "your" => "ur",
                "yourself" => "urself",
                "youre" => "ur",
                _ => return w,
            };
            changed = true;
            t
        })
        .collect();
    (changed && words.len() > 1).then(|| words.join(" "))
}

fn elongation_variants(pattern: &str) -> Vec<(String, Vec<u16>)> {
    let chars: Vec<char> = pattern.chars().collect();
    let doubles: Vec<usize> = (0..chars.len().saturating_sub(1))
        .filter(|&i| chars[i] == chars[i + 1] && chars[i].is_alphabetic() && (i == 0 || chars[i - 1] != chars[i]))
        .take(MAX_DOUBLES)
        .collect();
    let mut out = Vec::with_capacity(1 << doubles.len());
    for mask in 0u32..(1 << doubles.len()) {
        let mut text = String::with_capacity(pattern.len());
        let mut needs = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let d = doubles.iter().position(|&p| p == i);
            if let Some(k) = d.filter(|&k| mask & (1 << k) != 0) {
                let _ = k;
                needs.push(text.len() as u16);
                text.push(chars[i]);
                i += 2;
            } else {
                text.push(chars[i]);
                i += 1;
            }
        }
        out.push((text, needs));
    }
    out
}

/// Within one category, drops an operator hit that lies inside a longer operator hit. Learned
/// hits are left alone, both ways: `tamiz train` fits each learned n-gram as an additive term next
/// to the operator's evidence, so a learned phrase must neither hide its own words nor an
/// operator entry (an operator entry always applies).
fn drop_nested(mut hits: Vec<Hit>, entries: &[Entry]) -> Vec<Hit> {
    // Operator hits are few and learned ones many: move the few out rather than split the list
    // into two new vectors.
    let mut operator: Vec<Hit> = Vec::new();
    hits.retain(|h| {
        let learned = entries[h.entry as usize].source != Source::Operator;
        if !learned {
            operator.push(*h);
        }
        learned
    });
    // The scan found the learned hits by where they end, so by where they begin they are nearly
    // in order: a hit is out of place only behind the hits inside its own span, never further
    // back than the longest pattern. Insertion sort puts such a list in order in about one
    // comparison per hit.
    let key = |h: &Hit| (h.start, h.end, h.entry);
    for i in 1..hits.len() {
        let mut j = i;
        while j > 0 && key(&hits[j - 1]) > key(&hits[j]) {
            hits.swap(j - 1, j);
            j -= 1;
        }
    }
    // Every key below ends with the entry, so unstable sorts give the one order there is.
    operator.sort_unstable_by_key(|h| {
        (
            entries[h.entry as usize].category,
            h.start,
            std::cmp::Reverse(h.end),
            h.entry,
        )
    });
    operator.dedup_by_key(|h| (h.entry, h.start, h.end));
    let mut cover: Option<(Category, usize)> = None; // furthest end so far in this category
    operator.retain(|h| {
        let cat = entries[h.entry as usize].category;
        match cover {
            Some((c, end)) if c == cat && h.end <= end => return false,
            Some((c, end)) if c == cat => cover = Some((c, end.max(h.end))),
            _ => cover = Some((cat, h.end)),
        }
        true
    });
    // Two sorted runs, merged in one pass by the stable sort (the operator's hits come in
    // category order: a general sort of the lot cost 5 % of the engine).
    operator.sort_unstable_by_key(key);
    hits.append(&mut operator);
    hits.sort_by_key(key);
    // Operator duplicates went above; a learned hit found twice is adjacent to itself now.
    hits.dedup();
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::lexicon::FileKind;
    use crate::engine::normalize::{normalize, LeetTable};
    use std::sync::Arc;

    fn lexicon() -> Lexicon {
        let mut lex = Lexicon::default();
        let mut errs = Vec::new();
        let leet = LeetTable::default();
        let list = |c| FileKind::List {
            language: Language::En,
            category: c,
        };
        lex.parse_file(
            &list(Category::Insult),
            &Arc::from("en/insult.txt"),
            "idiot = 2\npiece of shit = 3\ncunt = 3\n*shithead* = 3\nscrew you = 2\n",
            1.5,
            &leet,
            &mut errs,
        );
        lex.parse_file(
            &list(Category::Profanity),
            &Arc::from("en/profanity.txt"),
            "shit = 2\nass = 1\nfuck* = 2\ncock* = 1\nfags = 3\n",
            1.5,
            &leet,
            &mut errs,
        );
        lex.parse_file(
            &list(Category::IdentityAttack),
            &Arc::from("en/identity_attack.txt"),
            "fags = 3\n",
            1.5,
            &leet,
            &mut errs,
        );
        lex.parse_file(
            &FileKind::List {
                language: Language::Es,
                category: Category::Profanity,
            },
            &Arc::from("es/profanity.txt"),
            "coger = 2 strict\n",
            1.5,
            &leet,
            &mut errs,
        );
        lex.parse_file(
            &FileKind::Allow,
            &Arc::from("allow.txt"),
            "cocktail\nscunthorpe\n",
            1.5,
            &leet,
            &mut errs,
        );
        assert!(errs.is_empty());
        lex
    }

    fn found(text: &str, lang: Language) -> Vec<String> {
        let lex = lexicon();
        let m = Matcher::build(&lex).unwrap();
        let mut n = normalize(text, &LeetTable::default());
        m.demask(&mut n, &lex.entries);
        m.join_split_words(&mut n, text);
        m.find(&n, &lex.entries, lang)
            .iter()
            .map(|h| lex.entries[h.entry as usize].term.clone())
            .map(|t| t.to_string())
            .collect()
    }

    #[test]
    fn the_ascii_word_table_is_is_word() {
        for b in 0u8..128 {
            assert_eq!(ASCII_WORD[b as usize], is_word(b as char), "byte {b}");
        }
    }

    macro_rules! cases {
        ($($name:ident: $text:expr => [$($want:expr),*],)*) => {$(
            #[test]
            fn $name() {
                let want: Vec<String> = vec![$($want.to_string()),*];
                assert_eq!(found($text, Language::En), want, "text: {:?}", $text);
            }
        )*};
    }

    cases! {
        whole_word: "you idiot" => ["idiot"],
        not_inside_words: "idiotic idiots" => [],
        prefix_mode: "fucking hell" => ["fuck*"],
        prefix_needs_start_boundary: "motherfucking" => [],
        scunthorpe_is_not_flagged: "Scunthorpe United" => [],
        allowlist_beats_prefix: "a cocktail party" => [],
        prefix_still_fires_elsewhere: "cockhead" => ["cock*"],
        phrase_beats_its_part_in_category: "piece of shit" => ["piece of shit", "shit"],
        elongated_double_letter: "asssss" => ["ass"],
        single_letter_is_not_double: "as good as" => [],
        elongated_match: "fuuuuuck" => ["fuck*"],
        masked_single: "f*ck you" => ["fuck*"],
        masked_double: "sh#t" => ["shit"],
        masked_ending: "what the f*** is this" => ["fuck*"],
        masked_ending_two_letters: "sh** happens" => ["shit"],
        masked_ending_short: "you a**" => ["ass"],
        masked_opening: "my *ucking car" => ["fuck*"],
        masked_inside_a_prefix: "f*cking hell" => ["fuck*"],
        masked_ending_is_never_a_slur: "c***" => ["cock*"],
        masked_long_with_one_letter: "my p******* is secret" => [],
        masks_at_both_ends_are_emphasis: "*shit*" => [],
        masked_opening_needs_three_letters: "*it" => [],
        masked_digits_are_not_words: "f**4" => [],
        texting_spelling_of_a_phrase: "screw u" => ["screw you"],
        texting_needs_the_whole_word: "screw up" => [],
        strict_entry_needs_its_language: "coger" => [],
        substring_inside_words: "bigshitheadface" => ["*shithead*"],
        substring_and_its_word_alone: "shithead" => ["*shithead*"],
        split_by_hyphen: "you id-iot" => ["idiot"],
        split_by_underscore: "sh_it" => ["shit"],
        split_by_dot: "fu.ck off, i.e. now" => ["fuck*"],
        split_prefix_across_the_join: "fu-cking" => ["fuck*"],
        split_substring_across_the_join: "shit-head" => ["*shithead*"],
        split_where_the_first_part_is_the_prefix_stays: "cock-head" => ["cock*"],
        split_into_an_allowlisted_word: "cock-tail" => [],
        typed_space_is_not_a_split: "id iot" => [],
        split_into_nothing_stays: "well-known a.k.a. anti-war" => [],
    }

    #[test]
    fn patterns_carry_edges_where_the_automaton_can_check_a_boundary() {
        let e = EDGE;
        assert_eq!(with_edges("in", MatchMode::Word), (vec![e, b'i', b'n', e], false));
        assert_eq!(
            with_edges("fuck", MatchMode::Prefix),
            (vec![e, b'f', b'u', b'c', b'k'], false)
        );
        assert_eq!(with_edges("hit", MatchMode::Substring), (b"hit".to_vec(), false));
        assert_eq!(
            with_edges("a b", MatchMode::Word),
            (vec![e, b'a', e, b' ', e, b'b', e], false)
        );
        assert_eq!(with_edges("$a", MatchMode::Word), (vec![b'$', e, b'a', e], true));
        assert_eq!(with_edges("a.", MatchMode::Prefix), (vec![e, b'a', e, b'.'], false));
        assert_eq!(with_edges("a.", MatchMode::Word), (vec![e, b'a', e, b'.'], true));
        assert_eq!(
            with_edges("ñ", MatchMode::Word),
            ([&[e][..], "ñ".as_bytes(), &[e]].concat(), false)
        );
    }

    /// Patterns over a small alphabet, with every kind of edge: words, prefixes, substrings,
    /// non-word characters at either end or inside, non-ASCII letters, the mask.
    const SCAN_PATTERNS: &[(&str, MatchMode)] = &[
        ("a", MatchMode::Word),
        ("ab", MatchMode::Word),
        ("b c", MatchMode::Word),
        ("ca", MatchMode::Prefix),
        ("bc", MatchMode::Substring),
        ("$a", MatchMode::Word),
        ("a$", MatchMode::Word),
        ("a.", MatchMode::Prefix),
        (".b", MatchMode::Substring),
        ("é", MatchMode::Word),
        ("ñ*", MatchMode::Word),
        ("*a", MatchMode::Substring),
        ("0a", MatchMode::Word),
        ("a'b", MatchMode::Word),
        (" a", MatchMode::Word),
        ("c é", MatchMode::Prefix),
        ("$", MatchMode::Word),
    ];

    proptest::proptest! {
        /// The scan with edges finds exactly the occurrences that pass their mode's boundaries
        /// when each occurrence of each pattern is looked at in the text.
        #[test]
        fn the_edged_scan_finds_what_checking_each_occurrence_finds(text in "[abcé ñ*$.'0-]{0,40}") {
            let mut lex = Lexicon::default();
            for &(pattern, mode) in SCAN_PATTERNS {
                lex.entries.push(Entry {
                    term: Arc::from(pattern),
                    pattern: pattern.to_string(),
                    category: Category::Insult,
                    language: Language::En,
                    weight: 1.0,
                    mode,
                    severe: false,
                    strict: false,
                    source: Source::Learned,
                    rule: "learned:en/insult",
                    file: Arc::from("test"),
                    line: 1,
                });
            }
            let m = Matcher::build(&lex).unwrap();
            let mut got = Vec::new();
            m.candidates(&text, |start, end, p| got.push((p.entry, start, end)));
            got.sort_unstable();
            let mut want = Vec::new();
            for (i, &(pattern, mode)) in SCAN_PATTERNS.iter().enumerate() {
                for (start, _) in text.char_indices() {
                    let end = start + pattern.len();
                    if text[start..].starts_with(pattern) && word_bounded(&text, start, end, mode) {
                        want.push((i as u32, start, end));
                    }
                }
            }
            want.sort_unstable();
            proptest::prop_assert_eq!(got, want);
        }

        /// Hits come out in text order, each once, however the operator's and the learned ones
        /// interleave and nest (the order is built from two sorted runs, see `drop_nested`).
        #[test]
        fn hits_are_in_text_order_and_distinct(
            words in proptest::collection::vec(
                proptest::sample::select(&["an", "idiot", "piece", "of", "shit", "fucking", "you", "ass", "cocktail", "x"][..]),
                0..30,
            ),
        ) {
            let lex = with_learned(
                "an idiot\tinsult\t0.5\nidiot\tinsult\t0.2\nshit\tinsult\t0.1\npiece of\ttoxicity\t0.1\nof shit\ttoxicity\t0.1\nfuck*\ttoxicity\t0.3\n*shit*\ttoxicity\t0.1\n",
            );
            let m = Matcher::build(&lex).unwrap();
            let n = normalize(&words.join(" "), &LeetTable::default());
            let hits = m.find(&n, &lex.entries, Language::En);
            let keys: Vec<_> = hits.iter().map(|h| (h.start, h.end, h.entry)).collect();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            sorted.dedup();
            proptest::prop_assert_eq!(keys, sorted);
        }
    }

    /// The test lexicon plus a learned list (`tamiz train`'s TSV rows).
    fn with_learned(tsv: &str) -> Lexicon {
        let mut lex = lexicon();
        let mut errs = Vec::new();
        lex.parse_file(
            &FileKind::Learned { language: Language::En },
            &Arc::from("learned/en.tsv"),
            tsv,
            1.5,
            &LeetTable::default(),
            &mut errs,
        );
        assert!(errs.is_empty(), "{errs:?}");
        lex
    }

    #[test]
    fn learned_hits_are_additive_and_never_hide_operator_entries() {
        let lex = with_learned("an idiot\tinsult\t0.5\nidiot\tinsult\t0.2\nshit\tinsult\t0.1\n");
        let m = Matcher::build(&lex).unwrap();
        let n = normalize("an idiot, a piece of shit", &LeetTable::default());
        let mut got: Vec<(String, bool)> = m
            .find(&n, &lex.entries, Language::En)
            .iter()
            .map(|h| {
                let e = &lex.entries[h.entry as usize];
                (e.term.to_string(), e.source == Source::Learned)
            })
            .collect();
        got.sort();
        let want = [
            ("an idiot", true),
            ("idiot", false),
            ("idiot", true),
            ("piece of shit", false),
            ("shit", false),
            ("shit", true),
        ];
        let want: Vec<(String, bool)> = want.iter().map(|(t, l)| (t.to_string(), *l)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn strict_entry_in_its_language() {
        assert_eq!(found("coger", Language::Es), vec!["coger"]);
    }

    #[test]
    fn texting_variants() {
        assert_eq!(texting_variant("screw you").as_deref(), Some("screw u"));
        assert_eq!(texting_variant("kill yourself").as_deref(), Some("kill urself"));
        assert_eq!(texting_variant("shut your mouth").as_deref(), Some("shut ur mouth"));
        assert_eq!(texting_variant("you"), None);
        assert_eq!(texting_variant("young idiot"), None);
    }

    #[test]
    fn variants_of_doubles() {
        let v = elongation_variants("ass");
        assert_eq!(v, vec![("ass".to_string(), vec![]), ("as".to_string(), vec![1])]);
    }
}
