//! Evidence a wordlist alone cannot give: who an insult is aimed at, whether violent words form a
//! threat or an idiom, whether an insult is negated or only reported, and weak signals such as
//! shouting.
//!
//! Heuristics read the token stream of the normalized text (so `YOUUU 1D10T` reads `you idiot`)
//! and the lexicon hits. Each rule looks only a bounded number of tokens around a trigger, so the
//! whole pass is linear in the comment. The word tables live in [`vocab`], one place per language
//! pair, so adding a language is adding rows.

pub mod identity;
pub mod insult;
pub mod negation;
pub mod signals;
pub mod threat;
pub mod vocab;

use super::category::Category;

/// A word of the normalized text.
#[derive(Clone, Copy, Debug)]
pub struct Token<'a> {
    pub text: &'a str,
    /// Byte range in the normalized text.
    pub start: usize,
    pub end: usize,
    /// Index of the sentence the token is in.
    pub sentence: u32,
    /// Index of the clause: sentences split again at commas. A negation reaches to the end of
    /// its clause ("I'm not surprised, you idiot").
    pub clause: u32,
    /// Inside quotation marks: reported speech, not the commenter's own words.
    pub quoted: bool,
    /// Which per-token rules this word opens ([`vocab::cue`] flags), looked up once here.
    pub cues: u16,
}

const TOK: u8 = 1;
const BREAK: u8 = 2;
const QUOTE: u8 = 3;
const COMMA: u8 = 4;

/// What an ASCII byte is to the tokenizer. A table keeps the per-byte work to one lookup.
const ASCII_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() || c == b'\'' || c == super::normalize::MASK as u8 {
            TOK
        } else if matches!(c, b'.' | b'!' | b'?' | b';' | b':' | b'\n') {
            BREAK
        } else if c == b'"' {
            QUOTE
        } else if c == b',' {
            COMMA
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The tokenizer's class of the character at byte `i` (a char boundary) and its length.
/// Inlined for its ASCII test: the tokenizer asks for every byte between words.
#[inline]
fn class_at(text: &str, i: usize) -> (u8, usize) {
    let b = text.as_bytes()[i];
    if b.is_ascii() {
        return (ASCII_CLASS[b as usize], 1);
    }
    class_of_char(text, i)
}

/// [`class_at`] for a multi-byte character, out of line.
#[cold]
fn class_of_char(text: &str, i: usize) -> (u8, usize) {
    match text[i..].chars().next() {
        Some(c) if c.is_alphanumeric() => (TOK, c.len_utf8()),
        Some(c @ ('\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}')) => (QUOTE, c.len_utf8()),
        Some(c) => (0, c.len_utf8()),
        None => (0, 1),
    }
}

/// Quotation marks that do not mark reported speech, as byte offsets to skip, in text order. A
/// comment wrapped
/// whole in quotes is the commenter's own voice: `"You are pathetic"` alone, or a quoted string
/// whose inner quotes are doubled, as CSV and wiki exports write them (`"he said ""no"" …"`:
/// there the outer pair is skipped and each doubled pair counts as one mark). So is a comment
/// opened by a quote that is never closed. Anything else is left to quote as written
/// (`"idiot" and "moron"` quotes two words).
fn unquoting_marks(text: &str) -> Vec<usize> {
    let first = text.len() - text.trim_start().len();
    if first >= text.len() || class_at(text, first).0 != QUOTE {
        return Vec::new();
    }
    let quotes: Vec<(usize, usize)> = text
        .char_indices()
        .filter(|&(i, c)| c == '"' || (!c.is_ascii() && class_at(text, i).0 == QUOTE))
        .map(|(i, c)| (i, i + c.len_utf8()))
        .collect();
    let end = text.trim_end().len();
    match quotes.as_slice() {
        [_] => vec![first],
        [_, (l, e)] if *e == end => vec![first, *l],
        [_, inner @ .., (l, e)] if *e == end => {
            // Doubled inner quotes: pairs of marks with nothing between them.
            let doubled = inner.len() % 2 == 0 && inner.chunks(2).all(|p| p[0].1 == p[1].0);
            if !doubled {
                return Vec::new();
            }
            let mut skip = vec![first];
            skip.extend(inner.chunks(2).map(|p| p[1].0));
            skip.push(*l);
            skip
        }
        _ => Vec::new(),
    }
}

/// Splits normalized text into tokens: letters, digits, apostrophes and masks; sentence breaks at
/// `.`, `!`, `?`, `;` and `:`.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let mut sentence = 0u32;
    let mut clause = 0u32;
    let mut quoted = false;
    // In text order, as the marks are met: each is passed once (a comment of thousands of
    // doubled quotes stays linear).
    let mut unquoting = unquoting_marks(text).into_iter().peekable();
    let bytes = text.as_bytes();
    // Apostrophes at either end are quotation, not part of the word ('idiot' is idiot).
    let mut flush = |s: usize, e: usize, (sentence, clause): (u32, u32), quoted: bool| {
        let (mut s, mut e) = (s, e);
        while s < e && bytes[s] == b'\'' {
            s += 1;
        }
        while e > s && bytes[e - 1] == b'\'' {
            e -= 1;
        }
        if s < e {
            let word = &text[s..e];
            out.push(Token {
                text: word,
                start: s,
                end: e,
                sentence,
                clause,
                quoted,
                cues: vocab::cues(word),
            });
        }
    };
    // Bytes, not chars: the normalized text is mostly ASCII, and only a multi-byte character's
    // lead byte needs decoding. A token's bytes are skipped in a tight loop of their own.
    let mut i = 0;
    while i < bytes.len() {
        let (class, len) = class_at(text, i);
        match class {
            TOK => {
                let start = i;
                i += len;
                loop {
                    while i < bytes.len() && bytes[i].is_ascii() && ASCII_CLASS[bytes[i] as usize] == TOK {
                        i += 1;
                    }
                    match bytes.get(i) {
                        Some(b) if !b.is_ascii() => match class_at(text, i) {
                            (TOK, len) => i += len,
                            _ => break,
                        },
                        _ => break,
                    }
                }
                flush(start, i, (sentence, clause), quoted);
                continue;
            }
            BREAK => {
                sentence += 1;
                clause += 1;
            }
            COMMA => clause += 1,
            QUOTE if unquoting.next_if_eq(&i).is_none() => quoted = !quoted,
            _ => {}
        }
        i += len;
    }
    out
}

#[cfg(test)]
mod quote_tests {
    use super::*;

    fn quoted_words(text: &str) -> Vec<&str> {
        tokenize(text)
            .into_iter()
            .filter(|t| t.quoted)
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn a_quote_wrapping_the_whole_comment_is_the_commenters_voice() {
        assert!(quoted_words("\"you are pathetic. grow up.\"").is_empty());
        assert!(quoted_words("  \"\n\nyou are pathetic ...\" ").is_empty());
        assert!(quoted_words("\u{201C}you are pathetic\u{201D}").is_empty());
        // Never closed: the opening mark quotes nothing.
        assert!(quoted_words("\"you are pathetic").is_empty());
        // Doubled quotes inside a wrapped comment still quote, once each.
        assert_eq!(
            quoted_words("\"\nhe called me \"\"an idiot\"\" today\""),
            vec!["an", "idiot"]
        );
    }

    #[test]
    fn reported_speech_stays_quoted() {
        assert_eq!(quoted_words("\"idiot\" is what he said"), vec!["idiot"]);
        assert_eq!(quoted_words("he said \"idiot\""), vec!["idiot"]);
        assert_eq!(quoted_words("\"idiot\" and \"moron\""), vec!["idiot", "moron"]);
        assert_eq!(
            quoted_words("\"he called me \"an idiot\" today\""),
            vec!["he", "called", "me", "today"]
        );
    }
}

/// One piece of heuristic evidence, in normalized-text coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub category: Category,
    /// Rule name without the `heuristic:` prefix, e.g. `threat/intent-violence-target`.
    pub rule: &'static str,
    /// The words that made the rule fire, e.g. `will … kill … you`.
    pub term: String,
    pub start: usize,
    pub end: usize,
}

/// Whether token `i` is written as a name in the original: a capital and then a lowercase letter,
/// not opening its sentence ("shoot Maarten", "punch John"; not a sentence's first word, not a
/// shouted "JOHN", which says nothing).
pub fn is_name(original: &str, n: &crate::engine::normalize::Normalized, tokens: &[Token<'_>], i: usize) -> bool {
    let t = &tokens[i];
    if i == 0 || tokens[i - 1].sentence != t.sentence {
        return false;
    }
    let word = original.get(n.original_range(t.start, t.end)).unwrap_or("");
    // "Trump's" is a possession ("kill Trump's bill"), not a person.
    !word.contains(['\'', '\u{2019}']) && is_capitalized(word)
}

/// "Trump", not "trump" or "TRUMP".
fn is_capitalized(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase())
}

/// Spans (of the folded text) of names that are also crude words: the first name in "Dick
/// Cheney", "Senator Dick Durbin" (written capitalized, a capitalized word after it in its
/// sentence, and no article, intensifier or "you" before it: "You Dick Head", "What A Dick" stay
/// words, "Thank you Dick Durbin" does not), and the surname in "Van Dyke". Every match inside
/// such a span is dropped, as an allowlisted word's are.
pub fn first_name_spans(
    original: &str,
    n: &crate::engine::normalize::Normalized,
    tokens: &[Token<'_>],
) -> Vec<(usize, usize)> {
    let capitalized = |t: &Token<'_>| is_capitalized(original.get(n.original_range(t.start, t.end)).unwrap_or(""));
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.cues & vocab::cue::NAME_WORD == 0 {
            continue;
        }
        if t.text == "dyke"
            && capitalized(t)
            && i.checked_sub(1)
                .is_some_and(|k| tokens[k].text == "van" && capitalized(&tokens[k]))
        {
            out.push((t.start, t.end));
        }
        if t.text != "dick" || !capitalized(t) {
            continue;
        }
        let Some(after) = tokens.get(i + 1).filter(|u| u.sentence == t.sentence && capitalized(u)) else {
            continue;
        };
        // After "you" it is a name unless the next word makes the crude compound ("You Dick
        // Head"): "Thank you Dick Durbin".
        let compound = matches!(
            after.text,
            "head" | "heads" | "face" | "wad" | "hole" | "less" | "weed" | "bag" | "sucker" | "licker" | "brain"
        );
        let plain = i.checked_sub(1).is_none_or(|k| {
            let w = tokens[k].text;
            tokens[k].sentence != t.sentence
                || (w == "you" && !compound)
                || !(vocab::is_filler(w) || vocab::is_second_person(w) || matches!(w, "what" | "this" | "that" | "ur"))
        });
        if plain {
            out.push((t.start, t.end));
        }
    }
    out
}

/// Whether token `v` reports someone else's words: a verb of saying whose subject, the word
/// before it, is not the commenter ("Trump said", "he says"; not "I said").
pub(crate) fn said_by_another(tokens: &[Token<'_>], v: usize) -> bool {
    let sentence = tokens[v].sentence;
    vocab::is_saying_verb(tokens[v].text)
        && !(v > 0 && tokens[v - 1].sentence == sentence && matches!(tokens[v - 1].text, "i" | "we" | "yo"))
}

/// Tokens `[from, to)` of the same sentence as token `at`.
pub(crate) fn same_sentence(tokens: &[Token<'_>], at: usize, from: usize, to: usize) -> std::ops::Range<usize> {
    let s = tokens[at].sentence;
    let mut lo = from;
    let mut hi = to.min(tokens.len());
    while lo < hi && tokens[lo].sentence != s {
        lo += 1;
    }
    while hi > lo && tokens[hi - 1].sentence != s {
        hi -= 1;
    }
    lo..hi
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokenizer's rule read one character at a time, as plainly as it can be said.
    fn by_chars(text: &str) -> Vec<(String, usize, usize, u32, bool)> {
        let (mut out, mut sentence, mut quoted) = (Vec::new(), 0, false);
        let mut word: Option<usize> = None;
        // Which marks quote is `unquoting_marks`'s business (tested on its own above).
        let unquoting = unquoting_marks(text);
        let mut push = |s: usize, e: usize, sentence: u32, quoted: bool| {
            let w = text[s..e].trim_matches('\'');
            if !w.is_empty() {
                let s = s + text[s..e].find(w).unwrap_or(0);
                out.push((w.to_string(), s, s + w.len(), sentence, quoted));
            }
        };
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            if i < text.len() && (c.is_alphanumeric() || c == '\'' || c == crate::engine::normalize::MASK) {
                word.get_or_insert(i);
                continue;
            }
            if let Some(s) = word.take() {
                push(s, i, sentence, quoted);
            }
            match c {
                '.' | '!' | '?' | ';' | ':' | '\n' if i < text.len() => sentence += 1,
                '"' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' if !unquoting.contains(&i) => quoted = !quoted,
                _ => {}
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn tokens_follow_the_rule(text in "([a-z0-9'*\"“”«».!?;: \n,é😀ñ]|\\PC){0,60}") {
            let fast: Vec<_> = tokenize(&text)
                .iter()
                .map(|t| (t.text.to_string(), t.start, t.end, t.sentence, t.quoted))
                .collect();
            proptest::prop_assert_eq!(fast, by_chars(&text));
        }
    }

    #[test]
    fn tokens_sentences_and_quotes() {
        let t = tokenize("you're an idiot. he said \"moron\" ok");
        let words: Vec<_> = t.iter().map(|t| (t.text, t.sentence, t.quoted)).collect();
        assert_eq!(
            words,
            vec![
                ("you're", 0, false),
                ("an", 0, false),
                ("idiot", 0, false),
                ("he", 1, false),
                ("said", 1, false),
                ("moron", 1, true),
                ("ok", 1, false),
            ]
        );
    }
}
