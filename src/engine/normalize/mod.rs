//! Text normalization with an offset map back to the original comment.
//!
//! Commenters dodge word filters with look-alike letters (`Ϝuck`, Cyrillic `іdіot`), leetspeak
//! (`1d10t`), self-censoring (`f*ck`), spelled-out words (`f.u.c.k`, `k i l l  y o u r s e l f`),
//! stretched letters (`IDIOOOOT`) and invisible characters. This module folds all of that into one
//! canonical lowercase string that the lexicon automaton and the heuristics read, while remembering,
//! for every byte of the folded text, which bytes of the original produced it, so that evidence can
//! be highlighted in what the commenter actually wrote.
//!
//! Every stage is one left-to-right pass over the text, so the whole thing is linear in the input
//! whatever the input (a million combining marks or zero-width characters included).
//!
//! ```
//! use tamiz::engine::normalize::{normalize, LeetTable};
//! let n = normalize("You 1D10T, f.u.c.k off", &LeetTable::default());
//! assert_eq!(n.text(), "you idiot, fuck off");
//! // "1D10T" in the original is bytes 4..9.
//! let at = n.text().find("idiot").unwrap();
//! assert_eq!(n.original_range(at, at + 5), 4..9);
//! ```

use std::ops::Range;

mod ascii;
mod camel;
mod segment;

pub(crate) use segment::{EN_WORDS, ES_WORDS};

/// One character of the folded text and the original byte range it came from.
#[derive(Clone, Copy, Debug)]
struct Unit {
    ch: char,
    start: u32,
    end: u32,
    /// Came from a run of three or more of the same letter (`fuuuuck`).
    elongated: bool,
    /// `ch` is a letter or digit; kept beside it because every later stage asks.
    word: bool,
}

impl Unit {
    fn new(ch: char, start: usize, end: usize) -> Unit {
        Unit {
            ch,
            start: start as u32,
            end: end as u32,
            elongated: false,
            word: is_word_char(ch),
        }
    }

    fn set(&mut self, ch: char) {
        self.ch = ch;
        self.word = is_word_char(ch);
    }
}

/// Leetspeak substitutions: which symbol or digit stands for which letter.
///
/// Configurable because communities differ; the default covers the usual suspects.
#[derive(Clone, Debug)]
pub struct LeetTable {
    /// Indexed by ASCII code; 0 means no substitution. Leet symbols are ASCII in practice, and
    /// an array lookup keeps this off the profile.
    ascii: [u8; 128],
    /// Indexed by ASCII code: a leet symbol or a mask symbol, the units stage 2 looks at. Kept
    /// beside `ascii` (set together in `set`) because one lookup per unit beats `get` plus the
    /// mask test: 1.4k instructions per comment.
    candidate: [bool; 128],
    /// Indexed by ASCII byte: where the fast path's bulk copy stops (`ascii::STOP`, or a byte
    /// that folds to a candidate). Derived from `candidate` in `set`, for one lookup per byte.
    stop: [bool; 128],
    /// Substitutions for non-ASCII symbols, if an operator configures any.
    other: Vec<(char, char)>,
}

impl Default for LeetTable {
    fn default() -> Self {
        let mut t = LeetTable::empty();
        for (k, v) in [
            ('0', 'o'),
            ('1', 'i'),
            ('3', 'e'),
            ('4', 'a'),
            ('5', 's'),
            ('7', 't'),
            ('8', 'b'),
            ('@', 'a'),
            ('$', 's'),
            ('!', 'i'),
            ('|', 'l'),
            ('+', 't'),
        ] {
            t.set(k, v);
        }
        t
    }
}

impl LeetTable {
    fn empty() -> Self {
        let mut candidate = [false; 128];
        candidate[b'*' as usize] = true;
        candidate[b'#' as usize] = true;
        let mut t = LeetTable {
            ascii: [0; 128],
            candidate,
            stop: [false; 128],
            other: Vec::new(),
        };
        t.derive_stops();
        t
    }

    fn derive_stops(&mut self) {
        for (b, stop) in self.stop.iter_mut().enumerate() {
            *stop = ascii::STOP[b] || self.candidate[ASCII_FOLD[b].0 as usize];
        }
    }

    /// Builds a table from `(symbol, letter)` pairs.
    pub fn new(map: Vec<(char, char)>) -> Self {
        let mut t = LeetTable::empty();
        for (k, v) in map {
            t.set(k, v);
        }
        t
    }

    /// Adds or replaces a substitution.
    pub fn set(&mut self, symbol: char, letter: char) {
        if symbol.is_ascii() && letter.is_ascii() {
            self.ascii[symbol as usize] = letter as u8;
            self.candidate[symbol as usize] = true;
            self.derive_stops();
        } else {
            self.other.retain(|(k, _)| *k != symbol);
            self.other.push((symbol, letter));
        }
    }

    /// A leet or mask symbol, or a pictograph that may mask a letter: what stage 2 rewrites.
    fn is_candidate(&self, c: char) -> bool {
        if c.is_ascii() {
            self.candidate[c as usize]
        } else {
            is_pictograph(c) || self.other.iter().any(|(k, _)| *k == c)
        }
    }

    fn get(&self, c: char) -> Option<char> {
        if c.is_ascii() {
            let v = self.ascii[c as usize];
            (v != 0).then_some(v as char)
        } else {
            self.other.iter().find(|(k, _)| *k == c).map(|(_, v)| *v)
        }
    }
}

/// Characters that mask a letter in self-censored words (`f*ck`, `sh#t`).
pub const MASK: char = '*';

fn is_mask_symbol(c: char) -> bool {
    matches!(c, '*' | '#')
}

/// Emoji and other pictographs, as the spelled-out separators read them (`f🔥u🔥c🔥k`).
fn is_pictograph(c: char) -> bool {
    matches!(c, '\u{2600}'..='\u{27BF}' | '\u{1F300}'..='\u{1FAFF}')
}

/// The folded text and its map back to the original.
#[derive(Clone, Debug, Default)]
pub struct Normalized {
    text: String,
    /// Per byte of `text`: where in the original the character that produced it came from.
    origin: Vec<Origin>,
    /// A word spelled out with spaces was kept apart from an "a" or "I" before it (see
    /// [`join_spelled_out`]), for the matcher to join back where that makes an entry.
    spelled_after_head: bool,
}

/// The original bytes behind one byte of folded text.
#[derive(Clone, Copy, Debug, Default)]
struct Origin {
    /// Start byte in the original of the character that produced it.
    start: u32,
    /// End byte (exclusive) in the original.
    end: u32,
    /// The character stood for a stretched run of letters.
    elongated: bool,
}

impl Normalized {
    /// The folded text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Writes `letters` over the masks of the word starting at byte `start` (`f*ck` read as
    /// `fuck`). Masks and letters are both one ASCII byte, so offsets and the map back to the
    /// original stay as they were.
    pub fn fill_masks(&mut self, start: usize, letters: &[u8]) {
        for (i, &l) in letters.iter().enumerate() {
            let at = start + i;
            if self.text.as_bytes().get(at) == Some(&(MASK as u8)) && l.is_ascii_lowercase() {
                let mut buf = [0u8; 4];
                self.text.replace_range(at..at + 1, char::from(l).encode_utf8(&mut buf));
            }
        }
    }

    /// Drops the one-byte separators at `ats` (ascending; spaces or dots between two words), so
    /// `half wits` reads `halfwits`. Every other byte keeps its place in the map back to the
    /// original, so evidence over the joined word quotes what was typed (`half-wits`). One pass
    /// over the text, however many joins.
    pub fn join_at(&mut self, ats: &[usize]) {
        let bytes = self.text.as_bytes();
        let drop: Vec<usize> = ats
            .iter()
            .copied()
            .filter(|&at| bytes.get(at).is_some_and(|b| matches!(b, b' ' | b'.')))
            .collect();
        if drop.is_empty() {
            return;
        }
        let dropped = |at: usize, next: &mut usize| {
            let hit = drop.get(*next) == Some(&at);
            *next += usize::from(hit);
            hit
        };
        let (mut at, mut next) = (0, 0);
        self.text.retain(|c| {
            let here = at;
            at += c.len_utf8();
            !dropped(here, &mut next)
        });
        let (mut at, mut next) = (0, 0);
        self.origin.retain(|_| {
            let here = at;
            at += 1;
            !dropped(here, &mut next)
        });
    }

    /// The byte of the folded text whose character starts at byte `p` of the original, if any
    /// (none where that character was dropped or folded into a run).
    pub fn folded_at(&self, p: usize) -> Option<usize> {
        let k = self.origin.partition_point(|o| (o.start as usize) < p);
        (self.origin.get(k)?.start as usize == p).then_some(k)
    }

    /// Maps a byte range of the folded text (on char boundaries, non-empty) to the byte range
    /// of the original text that produced it.
    pub fn original_range(&self, start: usize, end: usize) -> Range<usize> {
        if start >= end || end > self.text.len() {
            return 0..0;
        }
        self.origin[start].start as usize..self.origin[end - 1].end as usize
    }

    /// Whether a word spelled out with spaces follows an "a" or "I" that was kept apart from it.
    pub fn spelled_after_head(&self) -> bool {
        self.spelled_after_head
    }

    /// Whether the folded character at byte `i` stands for a run of three or more letters.
    pub fn is_elongated(&self, i: usize) -> bool {
        self.origin.get(i).is_some_and(|o| o.elongated)
    }
}

/// Folds `original` into the canonical form the matcher reads. See the module docs.
pub fn normalize(original: &str, leet: &LeetTable) -> Normalized {
    let mut n = match ascii::plain(original, leet) {
        Some(n) => n,
        None => {
            let units = fold_chars(original);
            let units = map_leet_and_masks(units, leet);
            let (units, spelled_after_head) = join_spelled_out(units);
            let mut n = squeeze(units);
            n.spelled_after_head = spelled_after_head;
            n
        }
    };
    // Both looks are vectorized; nearly every comment passes them without a split.
    if camel::has_hump(original) || memchr::memchr(b'#', original.as_bytes()).is_some() {
        camel::split(&mut n, original);
    }
    n
}

/// Per ASCII byte: the folded character (0: dropped, a control) and whether it is a letter or
/// digit. Whitespace folds to a space and letters to lowercase.
static ASCII_FOLD: [(u8, bool); 128] = {
    let mut t = [(0u8, false); 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_whitespace() {
            (b' ', false)
        } else if c.is_ascii_control() {
            (0, false)
        } else {
            (c.to_ascii_lowercase(), c.is_ascii_alphanumeric())
        };
        b += 1;
    }
    t
};

/// The end of the run of ASCII bytes starting at `i`.
fn ascii_run_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|b| !b.is_ascii())
        .map_or(bytes.len(), |k| i + k)
}

/// Stage 1: per character, drop invisibles, fold case, accents, compatibility forms and
/// look-alikes. `ñ` is kept because it is a letter of its own in Spanish (`año` is not `ano`).
/// HTML character references read as the character they stand for (see [`entity_at`]).
fn fold_chars(original: &str) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(original.len());
    let bytes = original.as_bytes();
    let mut control = false;
    let references = memchr::memchr(b'&', bytes).is_some();
    let mut i = 0;
    while i < bytes.len() {
        // Most comments are mostly ASCII: fold a run of ASCII bytes by table, without decoding,
        // in one `extend` (no capacity check per unit). Control characters fold to NUL and are
        // dropped once at the end. A character reference ends the run.
        let run = ascii_run_end(bytes, i);
        let (stop, reference) = if references {
            next_reference(original, i, run)
        } else {
            (run, None)
        };
        out.extend(bytes[i..stop].iter().enumerate().map(|(k, &b)| {
            let at = (i + k) as u32;
            let u = ascii_unit(b, at, at + 1);
            control |= u.ch == '\0';
            u
        }));
        i = stop;
        if let Some((chars, len)) = reference {
            let (start, end) = (i as u32, (i + len) as u32);
            for c in chars.chars() {
                if c.is_ascii() {
                    let u = ascii_unit(c as u8, start, end);
                    if u.ch != '\0' {
                        out.push(u);
                    }
                } else {
                    fold_char(c, start, end, &mut out);
                }
            }
            i += len;
            continue;
        }
        if i >= bytes.len() {
            break;
        }
        let Some(c) = original[i..].chars().next() else {
            break;
        };
        let start = i as u32;
        let end = (i + c.len_utf8()) as u32;
        i += c.len_utf8();
        fold_char(c, start, end, &mut out);
    }
    if control {
        out.retain(|u| u.ch != '\0');
    }
    out
}

/// Stage 1 for an ASCII byte standing for `start..end` of the original, by table (NUL: a
/// control character, to be dropped).
fn ascii_unit(b: u8, start: u32, end: u32) -> Unit {
    let (ch, word) = ASCII_FOLD[b as usize];
    Unit {
        ch: ch as char,
        start,
        end,
        elongated: false,
        word,
    }
}

/// The first character reference in `original[from..to]` (an ASCII run): where it starts, and
/// what it stands for with its length; `(to, None)` if there is none.
fn next_reference(original: &str, from: usize, to: usize) -> (usize, Option<(std::borrow::Cow<'_, str>, usize)>) {
    for p in memchr::memchr_iter(b'&', &original.as_bytes()[from..to]) {
        if let Some(r) = entity_at(&original[from + p..]) {
            return (from + p, Some(r));
        }
    }
    (to, None)
}

/// An HTML character reference opening `s` (`&#117;`, `&#x75;`, `&amp;`, `&nbsp;`): what it
/// stands for and its length. Comments reach the service escaped by some CMSs, and a commenter
/// can write `f&#117;ck` where the page will show `fuck`: either way the text is read as shown.
pub(super) fn entity_at(s: &str) -> Option<(std::borrow::Cow<'_, str>, usize)> {
    if !s.starts_with('&') {
        return None;
    }
    // The longest HTML entity name has 31 characters.
    let semi = s.as_bytes().iter().take(34).position(|&b| b == b';')?;
    let body = &s.as_bytes()[1..semi];
    let well_formed = match body {
        [b'#', b'x' | b'X', hex @ ..] => !hex.is_empty() && hex.len() <= 6 && hex.iter().all(u8::is_ascii_hexdigit),
        [b'#', dec @ ..] => !dec.is_empty() && dec.len() <= 7 && dec.iter().all(u8::is_ascii_digit),
        name => !name.is_empty() && name.iter().all(u8::is_ascii_alphanumeric),
    };
    if !well_formed {
        return None;
    }
    let reference = &s[..=semi];
    let decoded = html_escape::decode_html_entities(reference);
    (decoded != reference).then_some((decoded, semi + 1))
}

/// Stage 1 for one character that is not ASCII (or came from a reference), at `start..end` of
/// the original.
fn fold_char(c: char, start: u32, end: u32, out: &mut Vec<Unit>) {
    let push = |ch: char, out: &mut Vec<Unit>| out.push(Unit::new(ch, start as usize, end as usize));
    // A decomposed ñ (n + combining tilde) must survive accent folding too.
    if c == '\u{303}' {
        if let Some(last) = out.last_mut() {
            if last.ch == 'n' && last.end == start {
                last.ch = 'ñ';
                last.end = end;
            }
        }
        return;
    }
    if is_invisible(c) {
        return;
    }
    match c {
        'ñ' | 'Ñ' => push('ñ', out),
        // Case folding, not lowercasing: ß and ẞ fold to "ss" (decancer would read a 'b').
        'ß' | 'ẞ' => {
            push('s', out);
            push('s', out);
        }
        // Typographic apostrophes and quotes fold to ASCII so "you’re" reads as "you're".
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '\u{02BC}' => push('\'', out),
        _ if c.is_whitespace() => push(' ', out),
        _ => {
            // NFKD first: it handles accents, fullwidth and mathematical letters exactly;
            // decancer then handles what compatibility decomposition does not (Cyrillic and
            // Greek look-alikes, dotless ı), one decomposed character at a time.
            let mut decomposed = [' '; 8];
            let mut len = 0;
            unicode_normalization::char::decompose_compatible(c, |d| {
                if len < decomposed.len() && !is_invisible(d) {
                    decomposed[len] = d;
                    len += 1;
                }
            });
            for &d in &decomposed[..len] {
                if d.is_ascii() {
                    push(d.to_ascii_lowercase(), out);
                    continue;
                }
                match decancer::cure_char(d, cure_options()) {
                    decancer::Translation::Character(f) => push(f, out),
                    decancer::Translation::String(s) => {
                        for f in s.chars() {
                            push(f, out);
                        }
                    }
                    decancer::Translation::None => {}
                }
            }
        }
    }
}

/// decancer folds look-alikes, compatibility forms (fullwidth, mathematical alphanumerics),
/// accents and case. Scripts that are not look-alike sources for Latin text keep their letters,
/// so a Chinese or Arabic comment is not turned into Latin noise.
fn cure_options() -> decancer::Options {
    decancer::Options::default()
        .retain_arabic()
        .retain_hebrew()
        .retain_devanagari()
        .retain_bengali()
        .retain_armenian()
        .retain_gujarati()
        .retain_tamil()
        .retain_thai()
        .retain_lao()
        .retain_burmese()
        .retain_khmer()
        .retain_mongolian()
        .retain_chinese()
        .retain_japanese()
        .retain_korean()
        .retain_braille()
        .retain_emojis()
}

/// Zero-width characters, soft hyphens, bidi controls, variation selectors, tag characters and
/// combining marks: none of them changes what a reader sees as the word.
fn is_invisible(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    matches!(
        c.general_category(),
        GeneralCategory::Format | GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark
    ) || matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// Stage 2: inside a whitespace-delimited token that has at least one letter, read leetspeak
/// digits and symbols as letters (`1d10t`, `$h!t`, `a$$`) and mark masking symbols (`f*ck`).
/// Tokens without letters (`100%`, `$20`, `1&2`) are left alone. Punctuation-like leet symbols
/// (`!`, `|`, `+`) count only between two word characters so `idiot!` stays `idiot!`.
fn map_leet_and_masks(mut units: Vec<Unit>, leet: &LeetTable) -> Vec<Unit> {
    let n = units.len();
    let mut i = 0;
    // One look per unit; only a token holding a leet or mask symbol is taken apart. (Finding
    // token bounds first and then scanning each token again cost a pass more.)
    while i < n {
        if !leet.is_candidate(units[i].ch) {
            i += 1;
            continue;
        }
        let mut start = i;
        while start > 0 && units[start - 1].ch != ' ' {
            start -= 1;
        }
        while i < n && units[i].ch != ' ' {
            i += 1;
        }
        rewrite_leet_token(&mut units[start..i], leet);
    }
    units
}

/// `!`, `|` and `+` stand for letters only between letter-like neighbours, never next to each
/// other: "idiot!!" is an idiot shouting, "$h!t" is a word.
fn punctuation_like(c: char) -> bool {
    matches!(c, '!' | '|' | '+')
}

/// A neighbour that lets a leet or mask symbol read as a letter: a letter or digit, a mask, or
/// a leet symbol that is not punctuation-like.
fn leet_wordish(c: char, leet: &LeetTable) -> bool {
    is_word_char(c) || is_mask_symbol(c) || (leet.get(c).is_some() && !punctuation_like(c))
}

/// Whether its neighbours (`leet_wordish` or not) let the leet or mask symbol `c` read as a
/// letter: masks and punctuation-like symbols need one on each side, the others one on either.
fn neighbours_allow(c: char, prev: bool, next: bool) -> bool {
    if is_mask_symbol(c) || punctuation_like(c) {
        prev && next
    } else {
        prev || next
    }
}

/// Rewrites one whitespace-delimited token holding a leet or mask symbol (see stage 2).
fn rewrite_leet_token(token: &mut [Unit], leet: &LeetTable) {
    let letters = token.iter().filter(|u| u.ch.is_alphabetic()).count();
    if letters == 0 {
        return;
    }
    // Decisions read the token as it was, not as already rewritten.
    let mut original = [' '; 64];
    if token.len() > original.len() {
        return;
    }
    for (o, u) in original.iter_mut().zip(token.iter()) {
        *o = u.ch;
    }
    let original = &original[..token.len()];
    let wordish = |j: usize| original.get(j).is_some_and(|&c| leet_wordish(c, leet));
    for j in 0..token.len() {
        let c = original[j];
        if is_pictograph(c) {
            // A pictograph masks a letter only alone, between two letters of a short word
            // (`f🤬ck`, `sh💩t`); a run of them after a word ("fags😷😷") is decoration, and one
            // between two words ("word👌Grow up") stands for a space. It is never a neighbour
            // that lets a leet symbol read as a letter ("pussy!😓" is a shout).
            let letter = |k: Option<usize>| k.and_then(|k| original.get(k)).is_some_and(|c| c.is_alphabetic());
            if letter(j.checked_sub(1))
                && letter(Some(j + 1))
                && letters <= 6
                && original.iter().filter(|&&c| is_pictograph(c)).count() == 1
            {
                token[j].set(MASK);
            }
            continue;
        }
        let allowed = neighbours_allow(c, j > 0 && wordish(j - 1), wordish(j + 1));
        if is_mask_symbol(c) {
            if allowed && letters >= 2 {
                token[j].set(MASK);
            }
            continue;
        }
        if let Some(letter) = leet.get(c) {
            if allowed {
                token[j].set(letter);
            }
        }
    }
}

/// What may stand between the letters of a spelled-out word: spaces, marks, and pictographs
/// (`f🔥u🔥c🔥k`). Only between one-letter words does any of it join anything.
fn is_spelling_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '_' | ',' | '*' | '/' | '~') || is_pictograph(c)
}

/// The separator between two letters of a spelled-out word that starts at `k` (`ch` reads the
/// folded characters): one separator (`f.u`, `f u`), or one mark other than a space with a space
/// on either side or both (`f . u`, `f. u`, `f -u`). Two spaces, or two marks, are not one: they
/// end a chain. Returns its length and whether it holds a mark (is more than a space).
fn separator_run(ch: impl Fn(usize) -> Option<char>, k: usize) -> Option<(usize, bool)> {
    let mark = |c: Option<char>| c.is_some_and(|c| c != ' ' && is_spelling_separator(c));
    match ch(k)? {
        ' ' if mark(ch(k + 1)) => Some((if ch(k + 2) == Some(' ') { 3 } else { 2 }, true)),
        ' ' => Some((1, false)),
        c if is_spelling_separator(c) => Some((if ch(k + 1) == Some(' ') { 2 } else { 1 }, true)),
        _ => None,
    }
}

/// Stage 3: join words spelled out letter by letter (`f.u.c.k`, `f u c k`, `f-u-c-k`,
/// `F . U . C . K`, `f. u. c. k.`). A chain is three or more single letters with one separator
/// between each (see [`separator_run`]), all bare spaces or all with a mark: "a f.u.c.k.i.n.g
/// idiot" keeps its article apart (`a fucking`, not `afucking`), and so does a chain of spaces
/// that opens with "a" or "I" (see `Matcher::join_split_words`). Two spaces (`k i l l  y o u`)
/// end a chain, which keeps the word break. Hyphens and underscores left between longer words become spaces so
/// `mother-fucker` reads as two words.
fn join_spelled_out(mut units: Vec<Unit>) -> (Vec<Unit>, bool) {
    let (edits, heads) = mark_spelled_out(&mut units);
    if edits {
        compact(&mut units);
    }
    (units, heads)
}

/// Units to drop are marked with NUL (never produced by folding, which drops controls).
const GONE: char = '\0';

/// Marks the separators of spelled-out chains and apostrophes inside words `GONE`. Returns
/// whether anything is to be dropped or rewritten (most comments need `compact`, but one with no
/// apostrophe, hyphen, underscore or spelled-out word does not), and whether a chain's "a" or
/// "I" was kept apart.
fn mark_spelled_out(units: &mut [Unit]) -> (bool, bool) {
    let n = units.len();
    let word = |units: &[Unit], i: usize| units[i].word;
    let (mut edits, mut heads) = (false, false);
    let mut i = 0;
    while i < n {
        if !word(units, i) {
            match units[i].ch {
                // Apostrophes inside words go: "you're" reads "youre", as wordlists write it.
                '\'' if i > 0 && i + 1 < n && word(units, i - 1) && word(units, i + 1) => {
                    units[i].ch = GONE;
                    edits = true;
                }
                '-' | '_' => edits = true,
                _ => {}
            }
            i += 1;
            continue;
        }
        // Skip whole words in one step: only a word of one letter can start a chain.
        let mut e = i + 1;
        while e < n && word(units, e) {
            e += 1;
        }
        if e - i > 1 {
            i = e;
            continue;
        }
        // Extend a chain: letter (separator letter)*, each letter a word of its own.
        let single_letter_at = |k: usize| k < n && word(units, k) && (k + 1 >= n || !word(units, k + 1));
        let ch = |k: usize| units.get(k).map(|u| u.ch);
        let (mut j, mut letters, mut marked) = (i, 1, None);
        while let Some((len, mark)) = separator_run(ch, j + 1) {
            if !single_letter_at(j + 1 + len) || marked.is_some_and(|m| m != mark) {
                break;
            }
            marked = Some(mark);
            j += 1 + len;
            letters += 1;
        }
        if letters >= 3 {
            // A chain of bare spaces that opens with "a" or "I" keeps that word apart ("you are
            // a p r i c k" is `a prick`; "you a s s" is `a ss` here): the matcher joins it back
            // where the joined word holds an entry (`a ss` → `ass`, `i diot` → `idiot`).
            let head_is_word = marked == Some(false) && matches!(units[i].ch, 'a' | 'i');
            heads |= head_is_word;
            let from = if head_is_word { i + 2 } else { i + 1 };
            for u in &mut units[from..j] {
                if !u.word {
                    u.ch = GONE;
                }
            }
            edits = true;
        } else if j > i {
            // A chain too short to join (`a-b`) is stepped over: its hyphen still becomes a space.
            edits |= units[i + 1..j].iter().any(|u| matches!(u.ch, '-' | '_'));
            if letters == 2 {
                // Its second letter may start a chain of another separator ("a f.u.c.k").
                i = j;
                continue;
            }
        }
        i = j + 1;
    }
    (edits, heads)
}

/// Drops what `mark_spelled_out` marked, and makes hyphens and underscores spaces.
fn compact(units: &mut Vec<Unit>) {
    units.retain_mut(|u| {
        if matches!(u.ch, '-' | '_') {
            u.ch = ' ';
        }
        u.ch != GONE
    });
}

/// Stage 4: collapse whitespace runs to one space, and runs of three or more of the same letter
/// to one letter marked `elongated` (`fuuuuck` → `fuck`, `IDIOOOOT` → `idiot`). Runs of two are
/// kept because English spells with them (`ass`, `kill`); the matcher accepts a single
/// elongated letter where a word has a double one.
fn squeeze(units: Vec<Unit>) -> Normalized {
    let n = units.len();
    // Built as bytes: most units are ASCII and go in one byte each.
    let mut text: Vec<u8> = Vec::with_capacity(n);
    let mut origin: Vec<Origin> = Vec::with_capacity(n);
    let ch = |k: usize| units.get(k).map(|u| u.ch);
    // Leading whitespace goes.
    let mut i = units.iter().position(|u| u.ch != ' ').unwrap_or(n);
    while i < n {
        // Most of a comment is a plain stretch that goes out unchanged: ASCII, spaces single and
        // inside, no letter three times in a row. Copy it in bulk (two tight loops, no per-unit
        // capacity checks); that was most of the normalizer's cost.
        let mut k = i;
        while k < n {
            let c = units[k].ch;
            let plain = if c == ' ' {
                ch(k + 1).is_some_and(|next| next != ' ')
            } else {
                c.is_ascii() && !(c.is_ascii_alphabetic() && ch(k + 1) == Some(c) && ch(k + 2) == Some(c))
            };
            if !plain {
                break;
            }
            k += 1;
        }
        let stretch = &units[i..k];
        text.extend(stretch.iter().map(|u| u.ch as u8));
        origin.extend(stretch.iter().map(Origin::of));
        if k == n {
            break;
        }
        // Otherwise a run starts at `k`: spaces, a stretched letter, or a non-ASCII character.
        let u = units[k];
        let mut j = k + 1;
        while j < n && units[j].ch == u.ch {
            j += 1;
        }
        let last_end = units[j - 1].end;
        if u.ch == ' ' {
            // Inner runs become one space; a trailing run goes. (A leading run was skipped.)
            if j < n {
                push_unit(&mut text, &mut origin, Unit { end: last_end, ..u });
            }
        } else if j - k >= 3 && u.ch.is_alphabetic() {
            push_unit(
                &mut text,
                &mut origin,
                Unit {
                    end: last_end,
                    elongated: true,
                    ..u
                },
            );
        } else {
            for &v in &units[k..j] {
                push_unit(&mut text, &mut origin, v);
            }
        }
        i = j;
    }
    // Every push above is a whole character's UTF-8, so this never takes the lossy branch.
    let text = String::from_utf8(text).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Normalized {
        text,
        origin,
        spelled_after_head: false,
    }
}

impl Origin {
    fn of(u: &Unit) -> Origin {
        Origin {
            start: u.start,
            end: u.end,
            elongated: u.elongated,
        }
    }
}

/// Appends one unit's character and, per byte of it, its origin.
fn push_unit(text: &mut Vec<u8>, origin: &mut Vec<Origin>, u: Unit) {
    let mut buf = [0u8; 4];
    let encoded = u.ch.encode_utf8(&mut buf);
    text.extend_from_slice(encoded.as_bytes());
    origin.extend(std::iter::repeat_n(Origin::of(&u), encoded.len()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s, &LeetTable::default()).text
    }

    #[test]
    fn joins_drop_only_separators_and_keep_the_map() {
        let mut n = normalize("ab cd.ef gh", &LeetTable::default());
        n.join_at(&[0, 2, 5]);
        assert_eq!(n.text(), "abcdef gh", "a letter at 0 is not a separator");
        assert_eq!(n.original_range(0, 6), 0..8);
        assert_eq!(n.original_range(7, 9), 9..11);
    }

    macro_rules! folds {
        ($($name:ident: $input:expr => $want:expr,)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(norm($input), $want, "input: {:?}", $input);
            }
        )*};
    }

    folds! {
        lowercases: "You IDIOT" => "you idiot",
        folds_accents: "pendéjo Cabrón" => "pendejo cabron",
        keeps_enye: "año Niño" => "año niño",
        keeps_decomposed_enye: "an\u{303}o" => "año",
        sharp_s_case_folds: "STRAßE" => "strasse",
        cyrillic_lookalikes: "іdіоt" => "idiot",
        greek_lookalikes: "ΙDΙΟΤ" => "idiot",
        fullwidth: "ｆｕｃｋ" => "fuck",
        math_bold: "𝐟𝐮𝐜𝐤" => "fuck",
        dotless_i: "ıdıot" => "idiot",
        leet_digits: "1d10t m0r0n" => "idiot moron",
        leet_symbols: "$h!t a$$" => "shit ass",
        leet_leaves_numbers: "100% right, $20, 1&2" => "100% right, $20, 1&2",
        exclamation_stays_punctuation: "idiot!" => "idiot!",
        exclamations_stay_punctuation: "PENDEJO!! idiot!!!" => "pendejo!! idiot!!!",
        mask_single: "f*ck" => "f*ck",
        mask_double: "f**k sh#t" => "f**k sh*t",
        hashtag_is_not_mask: "#MAGA" => "#maga",
        dotted: "f.u.c.k" => "fuck",
        spaced: "f u c k" => "fuck",
        dashed: "f-u-c-k" => "fuck",
        spaced_phrase: "k i l l  y o u r s e l f" => "kill yourself",
        spaced_dots: "F . U . C . K .  Y . O . U" => "fuck . you",
        initials: "F. U. C. K. off" => "fuck. off",
        spaced_dash: "f -u- c - k" => "fuck",
        spaced_after_article: "you are a p r i c k" => "you are a prick",
        spaced_i_held_back: "I d i o t" => "i diot",
        article_before_dotted: "a f.u.c.k.i.n.g 1d10t" => "a fucking idiot",
        pronoun_before_initials: "I F. U. C. K. hate it" => "i fuck. hate it",
        dotted_then_spaced: "f.u.c.k y o u" => "fuck you",
        mixed_marks_join: "f.u-c_k" => "fuck",
        slashed: "f/u/c/k" => "fuck",
        emoji_between: "f🔥u🔥c🔥k" => "fuck",
        emoji_mask: "f🤬ck you" => "f*ck you",
        emoji_mask_short: "sh💩t" => "sh*t",
        emoji_after_a_word: "fags😷😷 lol" => "fags😷😷 lol",
        emoji_between_words: "word👌Grow up" => "word👌grow up",
        emoji_after_a_shout: "pussy!😓" => "pussy!😓",
        slashes_between_words_stay: "and/or w/o" => "and/or w/o",
        two_marks_end_a_chain: "a.. b.. c" => "a.. b.. c",
        initials_stay_short: "U.S. Ambassador" => "u.s. ambassador",
        hyphenated_words_split: "mother-fucker" => "mother fucker",
        hyphen_between_two_letters_splits: "é-1" => "e 1",
        elongation: "fuuuuck IDIOOOOT" => "fuck idiot",
        doubles_kept: "kill ass" => "kill ass",
        zero_width: "f\u{200B}u\u{200C}c\u{200D}k" => "fuck",
        soft_hyphen: "id\u{AD}iot" => "idiot",
        bidi_controls: "\u{202E}idiot\u{202C}" => "idiot",
        variation_selector: "i\u{FE0F}diot" => "idiot",
        combining_flood: "i\u{301}\u{301}\u{301}diot" => "idiot",
        whitespace_collapses: "  you \n\t idiot  " => "you idiot",
        controls_dropped: "id\u{1}iot\u{7f} x\u{0}" => "idiot x",
        curly_apostrophe: "you’re" => "youre",
        trailing_apostrophe_kept: "the players' union" => "the players' union",
    }

    /// Stage 4 stated plainly, one run at a time: the bulk-copying `squeeze` must give
    /// exactly what this gives.
    fn squeeze_reference(units: Vec<Unit>) -> Normalized {
        let (mut text, mut origin) = (Vec::new(), Vec::new());
        let mut i = 0;
        while i < units.len() {
            let u = units[i];
            let mut j = i + 1;
            while j < units.len() && units[j].ch == u.ch {
                j += 1;
            }
            let end = units[j - 1].end;
            if u.ch == ' ' {
                if !text.is_empty() && j < units.len() {
                    push_unit(&mut text, &mut origin, Unit { end, ..u });
                }
            } else if j - i >= 3 && u.ch.is_alphabetic() {
                push_unit(
                    &mut text,
                    &mut origin,
                    Unit {
                        end,
                        elongated: true,
                        ..u
                    },
                );
            } else {
                units[i..j].iter().for_each(|&v| push_unit(&mut text, &mut origin, v));
            }
            i = j;
        }
        Normalized {
            text: String::from_utf8(text).unwrap(),
            origin,
            spelled_after_head: false,
        }
    }

    fn same(a: &Normalized, b: &Normalized) -> bool {
        a.text == b.text
            && a.origin.len() == b.origin.len()
            && a.origin
                .iter()
                .zip(&b.origin)
                .all(|(x, y)| (x.start, x.end, x.elongated) == (y.start, y.end, y.elongated))
    }

    /// Stage 2 stated plainly: every token, then whether it holds a leet or mask symbol.
    fn leet_reference(mut units: Vec<Unit>, leet: &LeetTable) -> Vec<Unit> {
        let mut i = 0;
        while i < units.len() {
            let start = i;
            while i < units.len() && units[i].ch != ' ' {
                i += 1;
            }
            let token = &mut units[start..i];
            if token
                .iter()
                .any(|u| is_mask_symbol(u.ch) || is_pictograph(u.ch) || leet.get(u.ch).is_some())
            {
                rewrite_leet_token(token, leet);
            }
            i += 1;
        }
        units
    }

    /// Stage 3 stated plainly: chain separators (as `mark_spelled_out` finds them) and
    /// apostrophes between two word characters go, hyphens and underscores become spaces.
    fn join_reference(units: Vec<Unit>) -> Vec<Unit> {
        let n = units.len();
        let mut marked = units.clone();
        mark_spelled_out(&mut marked);
        let mut out = Vec::new();
        for k in 0..n {
            let mut u = units[k];
            let inner_apostrophe = u.ch == '\'' && k > 0 && k + 1 < n && units[k - 1].word && units[k + 1].word;
            let chain_separator = marked[k].ch == GONE && u.ch != '\'';
            if inner_apostrophe || chain_separator {
                continue;
            }
            if matches!(u.ch, '-' | '_') {
                u.ch = ' ';
            }
            out.push(u);
        }
        out
    }

    /// Wherever the fast path answers, it equals the four stages: with the default table, and
    /// with an operator's that maps a letter, a separator and a quote.
    fn plain_agrees(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        for leet in [
            LeetTable::default(),
            LeetTable::new(vec![('b', 'v'), ('.', 'o'), ('"', 'u')]),
        ] {
            if let Some(fast) = ascii::plain(text, &leet) {
                let slow = normalize_slow(text, &leet);
                proptest::prop_assert!(
                    same(&fast, &slow),
                    "{:?}: {:?} against {:?}",
                    text,
                    fast.text,
                    slow.text
                );
            }
        }
        Ok(())
    }

    proptest::proptest! {
        // Many cases: each input is a few dozen characters from an alphabet chosen to hit every
        // stage's corner (runs, chains, apostrophes, leet, masks, non-ASCII), and it runs fast.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(8192))]

        #[test]
        fn normalize_equals_its_plain_statement(text in "[ a-cA\\-_'.,*$!1é ñ\u{200B}]{0,40}") {
            let leet = LeetTable::default();
            let fast = normalize(&text, &leet);
            let slow = squeeze_reference(join_reference(leet_reference(fold_chars(&text), &leet)));
            proptest::prop_assert!(same(&fast, &slow), "{:?}: {:?} against {:?}", text, fast.text, slow.text);
        }

        /// The ASCII fast path, wherever it answers, gives exactly what the four stages give.
        #[test]
        fn plain_equals_the_stages(text in "[ a-cAB\\-_'.,*#$!|+13\n\t\u{1}’“—…\u{a0}\u{200B}éÉüßÆñ\u{301}]{0,40}") {
            plain_agrees(&text)?;
        }

        /// The same over words: one-letter words, separators one or two at a time, so spelled-out
        /// chains and lone spaces beside them come up often.
        #[test]
        fn plain_equals_the_stages_on_words(text in "((a|b|c|A|ab|abc|bca|aab|1|3|\\$|a1|é|éé|aé|ß|añ|Ñ|ññ|ñññ|ñ1|1ñ|ñ0ñ|peña)[ .\\-_,*/~🔥'\n\u{a0}]{0,2}){0,16}") {
            plain_agrees(&text)?;
        }

        /// Character references, whole, broken and bare: the fast path leaves every whole one to
        /// the stages, and both agree on the rest.
        #[test]
        fn plain_equals_the_stages_with_references(text in "((a|b|&amp;|&#117;|&#x75;|&nbsp;|&lt|&#|&|;|#|x|1|é)[ .]{0,1}){0,16}") {
            plain_agrees(&text)?;
        }

        /// Leet symbols in tokens with letters, beside masks, separators and each other: the
        /// fast path reads them as stage 2 does.
        #[test]
        fn plain_equals_the_stages_on_leet(text in "((wm1|añ0|ñ1|1ñ|ñ\\$|mike33|12th|4twenty|@taw|c0ck|1d10t|a1|1a|a!b|a!!|!a|a\\|b|a\\+|\\$\\$|a\\$\\$|s#it|f\\*ck|a|b|7|abc|é1|1—1|x{60}1)[ .\\-_,'\n]{0,2}){0,12}") {
            plain_agrees(&text)?;
        }

        #[test]
        fn squeeze_equals_its_plain_statement(text in "[ a-cA\\-'.!1é ñ\u{200B}]{0,40}") {
            let leet = LeetTable::default();
            let (units, _) = join_spelled_out(map_leet_and_masks(fold_chars(&text), &leet));
            let fast = squeeze(units.clone());
            let slow = squeeze_reference(units);
            proptest::prop_assert!(same(&fast, &slow), "{:?}: {:?} against {:?}", text, fast.text, slow.text);
        }
    }

    #[test]
    fn plain_path_takes_ordinary_comments_and_leaves_the_rest() {
        let leet = LeetTable::default();
        for (text, plain) in [
            ("Americans should hang their heads in shame, don't you think?", true),
            ("  It's a trade-war,\n\nnot a battle!  ", true),
            ("$20, 100% and 7 days #MAGA", true),
            ("you 1d10t", true),
            ("WM1 and Mike7 on the 12th, 4twenty @TAW", true),
            ("Mike333 reads as a stretched e", false),
            ("a token of more than sixty-four bytes with a leet digit: abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm1", false),
            ("sh1t and f*ck", false),
            ("f*ck off", false),
            ("f.u.c.k", false),
            ("U.S. policy", true),
            ("k i l l", false),
            ("sooo good", false),
            ("“Don’t” – they said… «no»\u{a0}more", true),
            ("pendéjo", true),
            ("año", true),
            ("Peña Nieto y el AÑO", true),
            ("ñññ", false),
            ("a\u{1a}b and año", false),
            ("a\u{1}b", false),
            ("AT&T and R&D; Tom & Jerry", true),
            ("f&#117;ck", false),
            ("Tom &amp; Jerry", false),
        ] {
            let fast = ascii::plain(text, &leet);
            assert_eq!(fast.is_some(), plain, "{text:?}");
            let slow = normalize_slow(text, &leet);
            assert!(same(&normalize(text, &leet), &slow), "{text:?}");
        }
    }

    #[test]
    fn accented_letters_fold_on_the_fast_path_as_stage_one_does() {
        assert_eq!(ascii::latin_fold('é'), Some("e"));
        assert_eq!(ascii::latin_fold('Ü'), Some("u"));
        assert_eq!(ascii::latin_fold('ß'), Some("ss"));
        assert_eq!(ascii::latin_fold('ñ'), None);
        assert_eq!(ascii::latin_fold('Ñ'), None);
        assert_eq!(ascii::latin_fold('a'), None);
        let leet = LeetTable::default();
        for text in ["Qué pendejo eres, cabrón", "Ärger über München", "straße"] {
            let fast = ascii::plain(text, &leet).expect(text);
            assert_eq!(fast.text, normalize_slow(text, &leet).text, "{text}");
        }
        // ñ, ¿ and ¡ are not ASCII after stage 1, so such comments take the four stages.
        assert!(ascii::plain("¿Qué año?", &leet).is_none());
    }

    /// The four stages, without the fast path.
    fn normalize_slow(text: &str, leet: &LeetTable) -> Normalized {
        squeeze(join_spelled_out(map_leet_and_masks(fold_chars(text), leet)).0)
    }

    #[test]
    fn punctuation_folds_as_stage_one_does() {
        for (c, ascii) in ascii::PUNCTUATION {
            let units = fold_chars(&c.to_string());
            let folded: String = units.iter().map(|u| u.ch).collect();
            assert_eq!(folded, ascii, "{c:?}");
            assert!(
                units.iter().all(|u| (u.start, u.end) == (0, c.len_utf8() as u32)),
                "{c:?}"
            );
        }
    }

    #[test]
    fn offsets_point_into_original() {
        let s = "Ну ты 1D10T!";
        let n = normalize(s, &LeetTable::default());
        let at = n.text().find("idiot").unwrap();
        let r = n.original_range(at, at + "idiot".len());
        assert_eq!(&s[r], "1D10T");
    }

    #[test]
    fn character_references_read_as_shown_and_quote_as_typed() {
        let leet = LeetTable::default();
        for (text, want) in [
            ("f&#117;ck", "fuck"),
            ("f&#x75;ck", "fuck"),
            ("Tom &amp; Jerry", "tom & jerry"),
            ("you&nbsp;&lt;idiot&gt;", "you <idiot>"),
            ("&#8220;quoted&#8221;", "\"quoted\""),
            ("zero&#8203;width", "zerowidth"),
            // Not references: left as typed.
            ("AT&T; R&D", "at&t; r&d"),
            ("&; &#; &#x; &#99999999;", "&; &#; &#x; &#99999999;"),
            ("a & b;c", "a & b;c"),
        ] {
            assert_eq!(normalize(text, &leet).text(), want, "{text:?}");
        }
        let s = "oh f&#117;ck";
        let n = normalize(s, &leet);
        let at = n.text().find("fuck").unwrap();
        assert_eq!(&s[n.original_range(at, at + 4)], "f&#117;ck");
    }

    #[test]
    fn offsets_skip_dropped_controls() {
        let s = "a\u{1}b idiot";
        let n = normalize(s, &LeetTable::default());
        assert_eq!(n.text(), "ab idiot");
        assert_eq!(n.original_range(1, 2), 2..3);
        assert_eq!(&s[n.original_range(3, 8)], "idiot");
    }

    #[test]
    fn offsets_cover_elongation_and_invisibles() {
        let s = "x fu\u{200B}uuuck y";
        let n = normalize(s, &LeetTable::default());
        let at = n.text().find("fuck").unwrap();
        let r = n.original_range(at, at + 4);
        assert_eq!(&s[r], "fu\u{200B}uuuck");
        assert!(n.is_elongated(at + 1));
    }
}
