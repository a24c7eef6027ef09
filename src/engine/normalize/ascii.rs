//! The fast path of [`normalize`](super::normalize) for the common comment: ASCII, perhaps
//! with typographic punctuation, that no rewriting stage but the leet reading would touch.
//!
//! For such a comment the four stages reduce to: lowercase, fold curly quotes, dashes and the
//! like to their ASCII forms, read leet digits and symbols in tokens with letters as letters
//! (`1d10t`, and the user names and ordinals of real comments: `WM1`, `12th`), drop apostrophes
//! between two word characters, read `-` and `_` as spaces, and collapse whitespace (leading
//! and trailing runs go, inner runs become one space). [`plain`] does exactly that over bytes,
//! with no per-character `Unit`s, and gives up (`None`) the moment the comment needs anything
//! else: another non-ASCII character (accented Latin letters that stage 1 folds to ASCII
//! letters, `é` or `ü`, are read as those, and `ñ`, which stage 1 keeps, as itself; see
//! [`ENYE`]), a control character, a mask (`f*ck`), a
//! spelled-out chain (`f.u.c.k`, `k i l l`) or a letter three times in a row. Then the general path runs from the
//! start, so the result never depends on which path ran; `plain_equals_the_stages` in the
//! parent's tests holds it to that.
//!
//! ```
//! use tamiz::engine::normalize::{normalize, LeetTable};
//! // Takes the fast path: ASCII and a curly apostrophe, nothing to rewrite.
//! let n = normalize("  Don’t  WHACK-a-mole\n", &LeetTable::default());
//! assert_eq!(n.text(), "dont whack a mole");
//! ```

use super::{
    ascii_run_end, ascii_unit, is_spelling_separator, leet_wordish, neighbours_allow, rewrite_leet_token,
    separator_run, LeetTable, Normalized, Origin, Unit, ASCII_FOLD,
};

/// Non-ASCII characters this path folds itself, each to what stage 1 makes of it (checked by
/// `punctuation_folds_as_stage_one_does`): the typography of news comments pasted from word
/// processors, and the zero-width characters that are dropped.
pub(super) const PUNCTUATION: [(char, &str); 16] = [
    ('\u{2018}', "'"),
    ('\u{2019}', "'"),
    ('\u{201C}', "\""),
    ('\u{201D}', "\""),
    ('\u{2013}', "-"),
    ('\u{2014}', "-"),
    ('\u{2026}', "..."),
    ('\u{00A0}', " "),
    ('\u{00AB}', "<<"),
    ('\u{00BB}', ">>"),
    ('\u{2022}', "."),
    ('\u{00B4}', "'"),
    ('\u{200B}', ""),
    ('\u{200C}', ""),
    ('\u{200D}', ""),
    ('\u{FEFF}', ""),
];

/// The byte [`transcode`] writes for `ñ` and `Ñ`, the one non-ASCII letter stage 1 keeps as it
/// is (`año` is not `ano`): Spanish comments and the news about Mexico ("Peña Nieto") are full
/// of it, and each sent a comment down the four stages. A control byte, so no comment the fold
/// reads holds one of its own ([`plain`] gives up on any); the fold reads it as a letter and
/// writes `ñ` back at the end ([`write_enye`]).
const ENYE: u8 = 0x1A;

/// [`ASCII_FOLD`] for the bytes the fold reads, [`ENYE`] included: the folded byte and whether
/// it is a word character.
fn class(b: u8) -> (u8, bool) {
    if b == ENYE {
        (ENYE, true)
    } else {
        ASCII_FOLD[b as usize]
    }
}

/// The character a folded byte stands for.
fn char_of(f: u8) -> char {
    if f == ENYE {
        'ñ'
    } else {
        f as char
    }
}

/// The accented Latin letters this path folds: Latin-1 Supplement to Latin Extended-B.
const LATIN: std::ops::RangeInclusive<u32> = 0xC0..=0x24F;

/// Each letter of [`LATIN`] whose stage-1 fold is plain ASCII letters (`é` → `e`, `Ü` → `u`,
/// `ß` → `ss`), read off stage 1 itself so the two cannot drift. Spanish comments are mostly
/// ASCII and accents. `ñ` is not here: stage 1 keeps it (`año` is not `ano`).
static LATIN_FOLDS: std::sync::LazyLock<Vec<Option<Box<str>>>> = std::sync::LazyLock::new(|| {
    LATIN
        .map(|cp| {
            let c = char::from_u32(cp)?;
            let folded: String = super::fold_chars(&c.to_string()).iter().map(|u| u.ch).collect();
            (!folded.is_empty() && folded.bytes().all(|b| b.is_ascii_alphabetic())).then(|| folded.into())
        })
        .collect()
});

/// What stage 1 makes of the accented Latin letter `c`, if it is plain ASCII letters.
pub(super) fn latin_fold(c: char) -> Option<&'static str> {
    let i = (c as u32).checked_sub(*LATIN.start())?;
    LATIN_FOLDS.get(i as usize)?.as_deref()
}

/// Folds `original` if it is plain (see the module docs), else `None`.
pub(super) fn plain(original: &str, leet: &LeetTable) -> Option<Normalized> {
    let bytes = original.as_bytes();
    if memchr::memchr(ENYE, bytes).is_some() {
        return None;
    }
    // A character reference (`&#117;`) is the four stages' to read; `&` alone is not.
    if memchr::memchr_iter(b'&', bytes).any(|p| super::entity_at(&original[p..]).is_some()) {
        return None;
    }
    // Checked up front: it is vectorized, and most comments are ASCII.
    if bytes.is_ascii() {
        return fold_reading_leet(bytes, None, leet);
    }
    let (folded, spans) = transcode(original)?;
    fold_reading_leet(&folded, Some(&spans), leet)
}

/// Why [`fold`] stopped short of a result.
enum Stop {
    /// The comment needs the four stages.
    GiveUp,
    /// A token with letters holds a leet symbol stage 2 may read as a letter (`WM1`, `12th`,
    /// `Mike33`: user names, ordinals and models, common enough that the stages' cost showed).
    Leet,
}

/// [`fold`], and where it meets a token stage 2 would rewrite, [`fold`] again over the bytes
/// with stage 2's letters in place ([`read_leet`]). Every stage after 2 reads those letters
/// as letters, and so does [`fold`]: the result is the stages' all the same.
fn fold_reading_leet(bytes: &[u8], spans: Option<&[Origin]>, leet: &LeetTable) -> Option<Normalized> {
    match fold(bytes, spans, leet) {
        Ok(n) => Some(n),
        Err(Stop::GiveUp) => None,
        // A second `Leet` stop is a symbol the rewrite left whose neighbours now differ: rare,
        // and the stages take it.
        Err(Stop::Leet) => fold(&read_leet(bytes, leet)?, spans, leet).ok(),
    }
}

/// Stage 2 itself ([`super::rewrite_leet_token`]) over each whitespace-delimited token of ASCII
/// `bytes` (transcoded, one byte per stage-1 unit) that holds a leet or mask symbol, its
/// letters written back over the bytes. A mask it marks stays a mask symbol, which [`fold`]
/// leaves to the stages. `None` if a letter it writes is not ASCII.
fn read_leet(bytes: &[u8], leet: &LeetTable) -> Option<Vec<u8>> {
    let folded = |b: u8| class(b).0;
    let mut out = bytes.to_vec();
    for token in out.split_mut(|&b| folded(b) == b' ') {
        if !token.iter().any(|&b| leet.candidate[folded(b) as usize]) {
            continue;
        }
        let unit = |b: u8| match b {
            ENYE => Unit::new('ñ', 0, 0),
            _ => ascii_unit(b, 0, 0),
        };
        let mut units: Vec<Unit> = token.iter().map(|&b| unit(b)).collect();
        rewrite_leet_token(&mut units, leet);
        for (b, u) in token.iter_mut().zip(&units) {
            if u.ch != char_of(folded(*b)) {
                *b = u8::try_from(u.ch).ok().filter(u8::is_ascii)?;
            }
        }
    }
    Some(out)
}

/// The original bytes behind each byte of a transcoded comment, in the form the result keeps,
/// so the fold copies them in runs.
type Spans = Vec<Origin>;

/// The original bytes `start..end`, not stretched.
fn unstretched(start: u32, end: u32) -> Origin {
    Origin {
        start,
        end,
        elongated: false,
    }
}

/// ASCII bytes for `original`, each with the original byte range it stands for; `None` if a
/// character is neither ASCII, nor in [`PUNCTUATION`], nor an accented letter of [`LATIN`]
/// that stage 1 folds to ASCII.
fn transcode(original: &str) -> Option<(Vec<u8>, Spans)> {
    let bytes = original.as_bytes();
    let mut folded = Vec::with_capacity(bytes.len());
    let mut spans = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let run = ascii_run_end(bytes, i);
        folded.extend_from_slice(&bytes[i..run]);
        spans.extend((i as u32..run as u32).map(|k| unstretched(k, k + 1)));
        i = run;
        let Some(c) = original.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let end = i + c.len_utf8();
        if matches!(c, 'ñ' | 'Ñ') {
            folded.push(ENYE);
            spans.push(unstretched(i as u32, end as u32));
            i = end;
            continue;
        }
        let ascii = match PUNCTUATION.iter().find(|(p, _)| *p == c) {
            Some((_, ascii)) => *ascii,
            None => latin_fold(c)?,
        };
        folded.extend_from_slice(ascii.as_bytes());
        spans.extend(std::iter::repeat_n(unstretched(i as u32, end as u32), ascii.len()));
        i = end;
    }
    Some((folded, spans))
}

/// Bytes the run loop of [`fold`] stops at (besides leet symbols): controls, whitespace, the
/// separators of spelled-out words and apostrophes. Everything else goes out folded as it is.
pub(super) static STOP: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_control()
            || c.is_ascii_whitespace()
            || matches!(c, b'-' | b'_' | b'.' | b',' | b'*' | b'/' | b'~' | b'\'');
        b += 1;
    }
    t
};

/// The fast path proper, over ASCII `bytes` whose byte `k` stands for `spans[k]` of the
/// original (byte `k` itself when `None`). Runs between stop bytes are copied in bulk (most of
/// a comment); each stop byte is looked at on its own.
fn fold(bytes: &[u8], spans: Option<&[Origin]>, leet: &LeetTable) -> Result<Normalized, Stop> {
    let n = bytes.len();
    let word = |k: usize| k < n && class(bytes[k]).1;
    // Byte `k` comes right after a one-letter word: where a spelled-out chain may start.
    let after_lone_letter = |k: usize| k > 0 && word(k - 1) && (k < 2 || !word(k - 2));
    let span = |k: usize| spans.map_or((k as u32, k as u32 + 1), |s| (s[k].start, s[k].end));
    let mut text: Vec<u8> = Vec::with_capacity(n);
    let mut origin: Vec<Origin> = Vec::with_capacity(n);
    // A whitespace run not written yet: written as one space when a character follows.
    let mut space: Option<(u32, u32)> = None;
    // Bytes before this end a token already found to have no letter: its other leet symbols
    // need no second look (a long run of digits would otherwise rescan its token per digit).
    let mut letterless_until = 0;
    // An `ENYE` was written: the result needs `ñ` back (it is a stop byte, so seen below).
    let mut enye = false;
    let mut i = 0;
    while i < n {
        let mut end = i;
        while end < n {
            if !leet.stop[bytes[end] as usize] {
                end += 1;
                continue;
            }
            // A lone space between two ordinary bytes of a run goes out as it is, with its own
            // origin, exactly as the stop-byte branch below would write it, unless it could
            // follow the first letter of a spelled-out chain (a one-letter word). Without this
            // every word would be a run of its own.
            let lone_space = bytes[end] == b' '
                && end > i
                && end + 1 < n
                && !leet.stop[bytes[end + 1] as usize]
                && !after_lone_letter(end);
            if !lone_space {
                break;
            }
            end += 1;
        }
        if end == i {
            // A stop byte.
            let f = class(bytes[i]).0;
            if f == 0 {
                return Err(Stop::GiveUp); // a control character
            }
            enye |= f == ENYE;
            if is_spelling_separator(f as char) && after_lone_letter(i) && starts_chain(bytes, i - 1) {
                return Err(Stop::GiveUp);
            }
            if leet.candidate[f as usize] && i >= letterless_until && rewritable(bytes, i, leet) {
                letterless_until = letterless_token_end(bytes, i).ok_or(Stop::Leet)?;
            }
            if matches!(f, b' ' | b'-' | b'_') {
                let (start, end) = span(i);
                space = Some(space.map_or((start, end), |(first, _)| (first, end)));
                i += 1;
                continue;
            }
            if f == b'\'' && i > 0 && word(i - 1) && word(i + 1) {
                i += 1;
                continue;
            }
            end = i + 1;
        }
        if let Some((first, last)) = space.take() {
            if !text.is_empty() {
                text.push(b' ');
                origin.push(unstretched(first, last));
            }
        }
        // Between stops every byte folds to its lowercase (whitespace and controls are stops).
        let from = text.len();
        text.extend_from_slice(&bytes[i..end]);
        text[from..].make_ascii_lowercase();
        match spans {
            None => origin.extend((i as u32..end as u32).map(|k| unstretched(k, k + 1))),
            Some(s) => origin.extend_from_slice(&s[i..end]),
        }
        // Stage 4 would squeeze a letter three times in a row (also across a dropped apostrophe).
        // (No early exit: runs are now long, and a loop without one is vectorized.)
        let t = &text[from.saturating_sub(2)..];
        let triple = t
            .iter()
            .zip(t.iter().skip(1))
            .zip(t.iter().skip(2))
            .fold(false, |seen, ((&a, &b), &c)| {
                seen | (a == b && b == c && (a.is_ascii_alphabetic() || a == ENYE))
            });
        if triple {
            return Err(Stop::GiveUp);
        }
        i = end;
    }
    if enye {
        return write_enye(&text, &origin);
    }
    // Only ASCII bytes were pushed, so this never fails.
    let text = String::from_utf8(text).map_err(|_| Stop::GiveUp)?;
    Ok(Normalized {
        text,
        origin,
        spelled_after_head: false,
    })
}

/// The fold's result with each [`ENYE`] written as `ñ`: two bytes, both standing for its
/// original character.
fn write_enye(text: &[u8], origin: &[Origin]) -> Result<Normalized, Stop> {
    const UTF8: [u8; 2] = [0xC3, 0xB1];
    let mut out = Vec::with_capacity(text.len() + 8);
    let mut origins = Vec::with_capacity(origin.len() + 8);
    // The runs between them copied whole: there are few, and a comment is hundreds of bytes.
    let mut from = 0;
    for at in memchr::memchr_iter(ENYE, text) {
        out.extend_from_slice(&text[from..at]);
        out.extend_from_slice(&UTF8);
        origins.extend_from_slice(&origin[from..at]);
        origins.extend_from_slice(&[origin[at]; 2]);
        from = at + 1;
    }
    out.extend_from_slice(&text[from..]);
    origins.extend_from_slice(&origin[from..]);
    // ASCII bytes and whole `ñ`s, so this never fails.
    let text = String::from_utf8(out).map_err(|_| Stop::GiveUp)?;
    Ok(Normalized {
        text,
        origin: origins,
        spelled_after_head: false,
    })
}

/// The end of the whitespace-delimited token around `i` if it has no letter (stage 2 leaves
/// such tokens, `$20` or `100%`, alone), else `None`.
fn letterless_token_end(bytes: &[u8], i: usize) -> Option<usize> {
    let space = |b: &u8| ASCII_FOLD[*b as usize].0 == b' ';
    let start = bytes[..i].iter().rposition(space).map_or(0, |k| k + 1);
    let end = bytes[i..].iter().position(space).map_or(bytes.len(), |k| i + k);
    (!bytes[start..end].iter().any(|&b| b.is_ascii_alphabetic() || b == ENYE)).then_some(end)
}

/// Whether stage 2 could rewrite the leet or mask symbol at `i` in a token with letters: its
/// neighbour rule, without its letter count (so at worst this says yes where stage 2 would
/// not, and the general path runs). Whitespace ends the token, so it is never a neighbour.
fn rewritable(bytes: &[u8], i: usize, leet: &LeetTable) -> bool {
    let wordish = |k: usize| {
        bytes.get(k).is_some_and(|&b| {
            let f = class(b).0;
            f != b' ' && leet_wordish(char_of(f), leet)
        })
    };
    neighbours_allow(
        ASCII_FOLD[bytes[i] as usize].0 as char,
        i > 0 && wordish(i - 1),
        wordish(i + 1),
    )
}

/// Whether the one-character word at `i` starts a spelled-out chain that stage 3 would join:
/// three one-character words with one separator between each, both bare spaces or both with a
/// mark (`i` is the first, a word of its own; see [`separator_run`]). (A chain of two, as in
/// "it's a deal", is left as it is, but for a hyphen becoming a space, which this path does
/// anyway.)
fn starts_chain(bytes: &[u8], i: usize) -> bool {
    let word = |k: usize| bytes.get(k).is_some_and(|&b| class(b).1);
    let ch = |k: usize| bytes.get(k).map(|&b| char_of(class(b).0));
    let mut j = i;
    let mut marked = None;
    for _ in 0..2 {
        let Some((len, mark)) = separator_run(ch, j + 1) else {
            return false;
        };
        if marked.is_some_and(|m| m != mark) {
            return false;
        }
        marked = Some(mark);
        j += 1 + len;
        if !word(j) || word(j + 1) {
            return false;
        }
    }
    true
}
