//! Signals read from the original text: shouting (a high share of capital letters), runs of
//! repeated punctuation (`!!!!`, `???`) and grawlixes (`!@#$%`, the cartoon swear) add a little
//! toxicity or profanity, never a decision on their own at the default weights. The echo
//! (`(((globalists)))`) is an antisemitic mark and weighs enough for review alone.

use super::Finding;
use crate::engine::category::Category;

/// Fewer letters than this is too short to call shouting ("OK", "LOL!!").
const MIN_LETTERS_FOR_SHOUTING: usize = 12;
const SHOUTING_RATIO: f32 = 0.7;

/// Findings in original-text byte offsets (the caller maps them, unlike the other rules).
pub fn find(original: &str, out: &mut Vec<Finding>) {
    let bytes = original.as_bytes();
    // ASCII letters and capitals: byte-wide counters over chunks too short to overflow them,
    // with no branch per byte, which the compiler vectorizes. Only the lead bytes of multi-byte
    // characters are decoded, and only when the comment has any.
    let (mut letters, mut upper) = (0usize, 0usize);
    for chunk in bytes.chunks(255) {
        let (mut l, mut u) = (0u8, 0u8);
        for &b in chunk {
            l += b.is_ascii_alphabetic() as u8;
            u += b.is_ascii_uppercase() as u8;
        }
        letters += l as usize;
        upper += u as usize;
    }
    if !bytes.is_ascii() {
        for (i, &b) in bytes.iter().enumerate() {
            if b >= 0xC0 {
                if let Some(c) = original[i..].chars().next().filter(|c| c.is_alphabetic()) {
                    letters += 1;
                    upper += c.is_uppercase() as usize;
                }
            }
        }
    }
    // The longest run of `!`/`?` (the first of equal ones). Both are ASCII, so the run's
    // offsets are char boundaries.
    let mut best: Option<(usize, usize)> = None;
    let mut run: Option<(usize, usize)> = None;
    let mut close = |run: Option<(usize, usize)>| {
        if let Some((s, e)) = run {
            if e - s >= 3 && best.is_none_or(|(bs, be)| e - s > be - bs) {
                best = Some((s, e));
            }
        }
    };
    for i in memchr::memchr2_iter(b'!', b'?', bytes) {
        run = match run {
            Some((s, e)) if e == i => Some((s, i + 1)),
            _ => {
                close(run);
                Some((i, i + 1))
            }
        };
    }
    close(run);
    push_findings(original, (letters, upper), best, out);
}

/// The findings for `letters` letters of which `upper` capitals, and the longest `!`/`?` run.
fn push_findings(
    original: &str,
    (letters, upper): (usize, usize),
    best: Option<(usize, usize)>,
    out: &mut Vec<Finding>,
) {
    if letters >= MIN_LETTERS_FOR_SHOUTING && upper as f32 >= SHOUTING_RATIO * letters as f32 {
        out.push(Finding {
            category: Category::Toxicity,
            rule: "signal/shouting",
            term: format!("{}% capitals", upper * 100 / letters),
            start: 0,
            end: original.len(),
        });
    }
    if let Some((s, e)) = best {
        out.push(Finding {
            category: Category::Toxicity,
            rule: "signal/repeated-punctuation",
            term: original[s..e].to_string(),
            start: s,
            end: e,
        });
    }
}

/// Symbols a grawlix is drawn from.
fn is_grawlix_symbol(b: u8) -> bool {
    matches!(b, b'!' | b'@' | b'#' | b'$' | b'%' | b'^' | b'&' | b'*')
}

/// The first grawlix: a run of three or more of `!@#$%^&*` holding at least three different
/// ones (`$#!%`, `f*%#`). One symbol repeated is emphasis or a rule (`!!!`, `***`), and two
/// take in `@#tag`-like noise; a single `#` or `@` never starts a run of three distinct ones.
pub fn find_grawlix(original: &str, out: &mut Vec<Finding>) {
    let bytes = original.as_bytes();
    // Three different symbols take in at least one of the six rarer ones, so runs are only
    // looked for around those: nearly every comment has none, and a vectorized search says so.
    let mut a = memchr::memchr3_iter(b'#', b'$', b'%', bytes).peekable();
    let mut b = memchr::memchr3_iter(b'^', b'&', b'@', bytes).peekable();
    // The two searches' hits merged in text order, without collecting them.
    let seeds = std::iter::from_fn(|| match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y < x => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    });
    let mut done = 0; // runs end before this byte have been read
    for p in seeds {
        if p < done {
            continue;
        }
        let start = p - bytes[..p].iter().rev().take_while(|&&b| is_grawlix_symbol(b)).count();
        let end = p + bytes[p..].iter().take_while(|&&b| is_grawlix_symbol(b)).count();
        done = end;
        // The eight symbols as bits of one byte.
        let seen = bytes[start..end].iter().fold(0u8, |m, b| {
            m | 1 << b"!@#$%^&*".iter().position(|c| c == b).unwrap_or(0)
        });
        if end - start >= 3 && seen.count_ones() >= 3 {
            // The letters it censors belong to it (`f*%#`), when they open a word.
            let letters = bytes[..start]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_alphabetic())
                .count();
            let start = if letters <= 2 { start - letters } else { start };
            out.push(Finding {
                category: Category::Profanity,
                rule: "signal/grawlix",
                term: original[start..end].to_string(),
                start,
                end,
            });
            return;
        }
    }
}

/// The first echo: one to three words in triple parentheses, `(((globalists)))`, the mark that
/// names a target as Jewish. Exactly three on each side, around letters, spaces, hyphens and
/// apostrophes only, so nested calls (`f(g(h(x)))`) and deeper nesting are not read.
pub fn find_echo(original: &str, out: &mut Vec<Finding>) {
    let bytes = original.as_bytes();
    // A plain byte search: building a substring searcher would cost more than most comments'
    // few parentheses.
    for open in memchr::memchr_iter(b'(', bytes) {
        if !bytes[open..].starts_with(b"(((") || (open > 0 && bytes[open - 1] == b'(') {
            continue;
        }
        let inner = open + 3;
        let len = bytes[inner..]
            .iter()
            .take(40)
            .take_while(|b| b.is_ascii_alphabetic() || matches!(b, b' ' | b'\'' | b'-'))
            .count();
        let close = inner + len;
        let words = original[inner..close].split_whitespace().count();
        if (1..=3).contains(&words)
            && bytes[inner].is_ascii_alphabetic()
            && bytes[close..].starts_with(b")))")
            && bytes.get(close + 3) != Some(&b')')
        {
            out.push(Finding {
                category: Category::IdentityAttack,
                rule: "signal/echo",
                term: original[open..close + 3].to_string(),
                start: open,
                end: close + 3,
            });
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Vec<&'static str> {
        let mut out = Vec::new();
        find(text, &mut out);
        out.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn shouting() {
        assert_eq!(rules("THE PREMIER BITCH BOY ODUMBDUMB"), vec!["signal/shouting"]);
        assert_eq!(rules("LOL ok"), Vec::<&str>::new());
        assert_eq!(rules("The US and NAFTA talks"), Vec::<&str>::new());
    }

    /// The counting rule as first written: one character at a time.
    fn by_chars(text: &str) -> Vec<Finding> {
        let (mut letters, mut upper) = (0, 0);
        let (mut best, mut run): (Option<(usize, usize)>, Option<usize>) = (None, None);
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            if i < text.len() && (c == '!' || c == '?') {
                run.get_or_insert(i);
                continue;
            }
            if let Some(s) = run.take() {
                if i - s >= 3 && best.is_none_or(|(bs, be)| i - s > be - bs) {
                    best = Some((s, i));
                }
            }
            if i < text.len() && c.is_alphabetic() {
                letters += 1;
                upper += c.is_uppercase() as usize;
            }
        }
        let mut out = Vec::new();
        push_findings(text, (letters, upper), best, &mut out);
        out
    }

    proptest::proptest! {
        #[test]
        fn signals_follow_the_rule(text in "([A-Za-z!? ]|[ÁÉñß]|\\PC){0,80}") {
            let mut fast = Vec::new();
            find(&text, &mut fast);
            proptest::prop_assert_eq!(fast, by_chars(&text));
        }
    }

    fn grawlixes(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        find_grawlix(text, &mut out);
        out.into_iter().map(|f| f.term).collect()
    }

    proptest::proptest! {
        /// Against the rule stated plainly: the first maximal run of symbols, three long with
        /// three different ones.
        #[test]
        fn grawlix_follows_the_rule(text in "([a-z !@#$%^&*]){0,40}") {
            let b = text.as_bytes();
            let mut want = None;
            let mut i = 0;
            while i < b.len() && want.is_none() {
                let s = i;
                while i < b.len() && is_grawlix_symbol(b[i]) { i += 1; }
                let run = &b[s..i];
                let mut kinds = run.to_vec();
                kinds.sort_unstable();
                kinds.dedup();
                if run.len() >= 3 && kinds.len() >= 3 {
                    let letters = b[..s].iter().rev().take_while(|c| c.is_ascii_alphabetic()).count();
                    want = Some(text[if letters <= 2 { s - letters } else { s }..i].to_string());
                }
                i = i.max(s + 1);
            }
            proptest::prop_assert_eq!(grawlixes(&text), want.into_iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn grawlix() {
        assert_eq!(grawlixes("shut the !@#$%^&* up"), vec!["!@#$%^&*"]);
        assert_eq!(grawlixes("what the f*%# is this"), vec!["f*%#"]);
        assert_eq!(grawlixes("the thing*%#"), vec!["*%#"]);
        assert_eq!(grawlixes("what the $#!% man, and #@%!"), vec!["$#!%"]);
        for clean in [
            "***",
            "wow!!!",
            "@user #tag",
            "$100 & more",
            "50% off!",
            "a&b",
            "**bold**",
            "C# & F#",
        ] {
            assert_eq!(grawlixes(clean), Vec::<String>::new(), "{clean}");
        }
    }

    #[test]
    fn echo() {
        let echoes = |text: &str| {
            let mut out = Vec::new();
            find_echo(text, &mut out);
            out.into_iter()
                .map(|f| text[f.start..f.end].to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(echoes("the (((globalists))) again"), ["(((globalists)))"]);
        assert_eq!(echoes("ask (((George Soros)))!"), ["(((George Soros)))"]);
        assert_eq!(echoes("x = f(g(h(y)))"), Vec::<String>::new());
        assert_eq!(echoes("((((four))))"), Vec::<String>::new());
        assert_eq!(echoes("((( spaced )))"), Vec::<String>::new());
        assert_eq!(echoes("(((unclosed"), Vec::<String>::new());
        assert_eq!(echoes("(((a b c d e)))"), Vec::<String>::new());
        assert_eq!(echoes("((("), Vec::<String>::new());
    }

    #[test]
    fn repeated_punctuation() {
        assert_eq!(rules("really?!?!"), vec!["signal/repeated-punctuation"]);
        assert_eq!(rules("LOL!!– 100% right."), Vec::<&str>::new());
    }
}
