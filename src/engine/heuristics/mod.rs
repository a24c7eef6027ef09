//! Evidence a wordlist alone cannot give: who an insult is aimed at, whether violent words form a
//! threat or an idiom, whether an insult is negated or only reported, and weak signals such as
//! shouting.
//!
//! Heuristics read the token stream of the normalized text (so `YOUUU 1D10T` reads `you idiot`)
//! and the lexicon hits. Each rule looks only a bounded number of tokens around a trigger, so the
//! whole pass is linear in the comment. The word tables live in [`vocab`], one place per language
//! pair, so adding a language is adding rows.

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
    /// Inside quotation marks: reported speech, not the commenter's own words.
    pub quoted: bool,
}

/// Splits normalized text into tokens: letters, digits, apostrophes and masks; sentence breaks at
/// `.`, `!`, `?`, `;` and `:`.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let mut sentence = 0u32;
    let mut quoted = false;
    let mut start: Option<usize> = None;
    let is_tok = |c: char| c.is_alphanumeric() || c == '\'' || c == super::normalize::MASK;
    fn flush<'a>(text: &'a str, s: usize, e: usize, sentence: u32, quoted: bool, out: &mut Vec<Token<'a>>) {
        let raw = &text[s..e];
        let t = raw.trim_matches('\'');
        if !t.is_empty() {
            let lead = raw.len() - raw.trim_start_matches('\'').len();
            out.push(Token {
                text: t,
                start: s + lead,
                end: s + lead + t.len(),
                sentence,
                quoted,
            });
        }
    }
    for (i, c) in text.char_indices() {
        if is_tok(c) {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(s) = start.take() {
            flush(text, s, i, sentence, quoted, &mut out);
        }
        match c {
            '.' | '!' | '?' | ';' | ':' | '\n' => sentence += 1,
            '"' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' => quoted = !quoted,
            _ => {}
        }
    }
    if let Some(s) = start {
        flush(text, s, text.len(), sentence, quoted, &mut out);
    }
    out
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
