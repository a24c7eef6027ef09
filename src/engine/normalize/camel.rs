//! Words run together in camel case, as hashtags and handles write them: `#YouAreAnIdiot`,
//! `GoFuckYourself`, `#TrumpIsAMoron`. Folded to lowercase they read as one long word that no
//! entry matches, so the capitals are read as the spaces they stand for.
//!
//! Only a word that reads as camel case is split: each part a capital and lowercase letters
//! (`Are`), an acronym (`readUSAToday`), a lone `A` or `I`, or a lowercase opening (`youAreDumb`),
//! with at least three parts, two of them of three letters or more (`YouTube` and `#FakeNews`
//! stay words). A split hashtag ends its clause: the engine reads it as a phrase of its own. Mocking case (`StUpId`, `ShIt`, `MoRoN`)
//! and names (`McDonald`, `DeSantis`) stay whole: splitting them would hide the word or make
//! up one. A hashtag written in one case (`#youareanidiot`) has no capitals to read: its parts
//! come from the word-frequency model of [`super::segment`], under the same bar.
//!
//! ```
//! use tamiz::engine::normalize::{normalize, LeetTable};
//! let n = normalize("#YouAreAMoron", &LeetTable::default());
//! assert_eq!(n.text(), "#you are a moron");
//! assert_eq!(normalize("StUpId McDonald", &LeetTable::default()).text(), "stupid mcdonald");
//! ```

use super::{segment, Normalized, Origin};

/// Whether the original has a lowercase ASCII letter right before a capital: the cheap look
/// that spares ordinary comments the split.
pub(super) fn has_hump(original: &str) -> bool {
    let bytes = original.as_bytes();
    // No early exit and no short-circuit, so the compiler can vectorize it: every comment pays
    // this look, and an early exit made it cost 5 % of the engine.
    bytes.iter().zip(bytes.iter().skip(1)).fold(false, |hump, (&a, &b)| {
        hump | (a.wrapping_sub(b'a') < 26) & (b.wrapping_sub(b'A') < 26)
    })
}

/// Case of an original byte: `Some(true)` upper, `Some(false)` lower, `None` not an ASCII letter.
fn case(b: u8) -> Option<bool> {
    if b.is_ascii_uppercase() {
        Some(true)
    } else if b.is_ascii_lowercase() {
        Some(false)
    } else {
        None
    }
}

/// Inserts a space at each part boundary of every camel-case word of `n`.
pub(super) fn split(n: &mut Normalized, original: &str) {
    let text = n.text.as_bytes();
    let orig = original.as_bytes();
    // Where to insert which byte: a space between parts, a comma after a split hashtag.
    let mut cuts: Vec<(usize, u8)> = Vec::new();
    // The whitespace-free stretch the last humped word was in, kept so that a stretch of many
    // words ("aB.aB.aB…") is read once, not once per word.
    let mut stretch: Option<(usize, Chunk)> = None;
    let mut i = 0;
    while i < text.len() {
        if !text[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < text.len() && text[j].is_ascii_alphanumeric() {
            j += 1;
        }
        // Most words of a comment with a hump have none of their own.
        let hump = (i + 1..j).any(|k| {
            let (a, b) = (n.origin[k - 1].start as usize, n.origin[k].start as usize);
            orig.get(a).is_some_and(u8::is_ascii_lowercase) && orig.get(b).is_some_and(u8::is_ascii_uppercase)
        });
        // A tag written in one case ("#youareanidiot", "#YOUAREANIDIOT") is left to the
        // word-frequency model; one capitalized ("#Distractification") is a single word.
        let lower_tag = !hump
            && i > 0
            && text[i - 1] == b'#'
            && (segment::MIN_LEN..=segment::MAX_LEN).contains(&(j - i))
            && text[i..j].iter().all(u8::is_ascii_lowercase)
            && one_case(&n.origin[i..j], orig);
        if !hump && !lower_tag {
            i = j;
            continue;
        }
        let at = n.origin[i].start as usize;
        let kind = match stretch {
            Some((end, kind)) if at < end => kind,
            _ => {
                let (end, kind) = chunk(orig, at);
                stretch = Some((end, kind));
                kind
            }
        };
        match kind {
            Chunk::Name => {}
            Chunk::Hashtag => {
                let cut = if hump {
                    word_cuts(&n.origin[i..j], orig, i, &mut cuts)
                } else {
                    // Only ASCII letters, checked above.
                    let parts = segment::parts(std::str::from_utf8(&text[i..j]).unwrap_or_default());
                    cuts.extend(parts.iter().map(|&k| (i + k, b' ')));
                    !parts.is_empty()
                };
                // A hashtag is a phrase of its own: what follows it is not in the scope of a
                // negation inside it ("#MusicThatDoesntMatch these hoes aint loyal").
                if cut && text.get(j) == Some(&b' ') {
                    cuts.push((j, b','));
                }
            }
            Chunk::Plain if hump => {
                word_cuts(&n.origin[i..j], orig, i, &mut cuts);
            }
            Chunk::Plain => {}
        }
        i = j;
    }
    if cuts.is_empty() {
        return;
    }
    let mut out = Vec::with_capacity(text.len() + cuts.len());
    let mut origin = Vec::with_capacity(out.capacity());
    let mut from = 0;
    for &(c, byte) in &cuts {
        out.extend_from_slice(&text[from..c]);
        origin.extend_from_slice(&n.origin[from..c]);
        out.push(byte);
        // The inserted byte borrows the origin of the letter before it, so a lookup by original
        // offset still finds the letter first and the map stays ordered.
        origin.push(n.origin[c - 1]);
        from = c;
    }
    out.extend_from_slice(&text[from..]);
    origin.extend_from_slice(&n.origin[from..]);
    // Only ASCII bytes went in, after ASCII letters.
    n.text = String::from_utf8(out).unwrap_or_default();
    n.origin = origin;
}

/// Whether the original letters behind a folded word are all lowercase or all capitals.
fn one_case(origin: &[Origin], orig: &[u8]) -> bool {
    let mut cases = origin
        .iter()
        .filter_map(|o| orig.get(o.start as usize).copied().and_then(case));
    let Some(first) = cases.next() else { return true };
    cases.all(|c| c == first)
}

/// What the original's whitespace-free stretch around a word is.
#[derive(Clone, Copy)]
enum Chunk {
    /// A user handle (`@Marlin_FishyAss`) or a link: names chosen once, not words typed at the
    /// reader.
    Name,
    /// `#YouAreAnIdiot`: run together because a hashtag must be.
    Hashtag,
    Plain,
}

/// The end of the whitespace-free stretch of the original around byte `at`, and what it is.
fn chunk(orig: &[u8], at: usize) -> (usize, Chunk) {
    let start = orig[..at]
        .iter()
        .rposition(u8::is_ascii_whitespace)
        .map_or(0, |k| k + 1);
    let end = orig[at..]
        .iter()
        .position(u8::is_ascii_whitespace)
        .map_or(orig.len(), |k| at + k);
    let chunk = &orig[start..end];
    let kind = if chunk.first() == Some(&b'@') || chunk.windows(3).any(|w| w == b"://") || chunk.starts_with(b"www.") {
        Chunk::Name
    } else if chunk.first() == Some(&b'#') {
        Chunk::Hashtag
    } else {
        Chunk::Plain
    };
    (end, kind)
}

/// The cuts (folded byte offsets, `base` + index) of one word, whose bytes map one to one onto
/// adjacent original letters; none if it does not read as camel case in three parts or more
/// (two parts are mostly a brand, `YouTube`, `BlackBerry`, or a tag, `#FakeNews`, whose made-up
/// words "you" and "black" would be read as evidence). Whether it cut.
fn word_cuts(origin: &[Origin], orig: &[u8], base: usize, cuts: &mut Vec<(usize, u8)>) -> bool {
    // Each folded byte must stand for exactly one original ASCII letter, the next one along:
    // leet digits, stretched letters and folded look-alikes say nothing about case.
    let mut upper = Vec::with_capacity(origin.len());
    for (k, o) in origin.iter().enumerate() {
        let one = o.end == o.start + 1 && (k == 0 || origin[k - 1].end == o.start);
        match orig.get(o.start as usize).copied().filter(|_| one).and_then(case) {
            Some(u) => upper.push(u),
            None => return false,
        }
    }
    let len = upper.len();
    // A part starts at a capital after a lowercase letter, or at a capital followed by a
    // lowercase letter after another capital (`AMoron`, `USAToday`); not before a plural `s`
    // (`CEOs`).
    let starts = |k: usize| {
        k > 0
            && upper[k]
            && (!upper[k - 1]
                || (k + 1 < len && !upper[k + 1] && !(k + 2 == len && orig[origin[k + 1].start as usize] == b's')))
    };
    let bounds: Vec<usize> = (0..len).filter(|&k| starts(k)).collect();
    if bounds.is_empty() {
        return false;
    }
    let mut long = 0;
    let mut from = 0;
    for (p, &to) in bounds.iter().chain(std::iter::once(&len)).enumerate() {
        let part = &upper[from..to];
        let first = part[0];
        let rest_lower = part[1..].iter().all(|&u| !u);
        let acronym = part.iter().all(|&u| u);
        let ok = if p == 0 && !first {
            // A lowercase opening: `youAreDumb`, `iPhone`.
            rest_lower
        } else if acronym {
            // A lone capital only as a word of its own (`A`, `I`); longer runs are acronyms.
            part.len() > 1 || matches!(orig[origin[from].start as usize], b'A' | b'I')
        } else {
            first && rest_lower
        };
        if !ok {
            return false;
        }
        long += usize::from(part.len() >= 3);
        from = to;
    }
    let cut = long >= 2 && bounds.len() >= 2;
    if cut {
        cuts.extend(bounds.iter().map(|&k| (base + k, b' ')));
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::super::{normalize, LeetTable};

    fn norm(s: &str) -> String {
        normalize(s, &LeetTable::default()).text().to_string()
    }

    #[test]
    fn splits_camel_case_and_keeps_the_rest() {
        for (input, want) in [
            ("#YouAreAnIdiot", "#you are an idiot"),
            ("GoFuckYourself", "go fuck yourself"),
            ("#TrumpIsAMoron now", "#trump is a moron, now"),
            ("youAreDumb", "you are dumb"),
            ("readUSAToday daily", "read usa today daily"),
            ("#LiberalsAreIdiots!", "#liberals are idiots!"),
            // Mocking case, names, plurals of acronyms and single humps stay whole.
            ("StUpId", "stupid"),
            ("ShIt", "shit"),
            ("MoRoN", "moron"),
            ("FuCK", "fuck"),
            ("McDonald and DeSantis", "mcdonald and desantis"),
            ("the CEOs and MPs", "the ceos and mps"),
            // Two parts are a brand or a tag.
            ("on YouTube and PayPal", "on youtube and paypal"),
            ("#FakeNews now", "#fakenews now"),
            ("#IDontHaveTimeFor Ratchet hoes", "#i dont have time for, ratchet hoes"),
            ("my iPhone", "my iphone"),
            // Leet, stretched letters and accents are not read for case.
            ("YouAre1D10T", "youareidiot"),
            ("YouAreIdiooooot", "youareidiot"),
            // Handles and links are names, not words at the reader (`@` reads as a leet `a`).
            ("@Marlin_FishyAss hi", "amarlin fishyass hi"),
            (
                "see https://example.com/YouAreDumb",
                "see https://example.com/youaredumb",
            ),
        ] {
            assert_eq!(norm(input), want, "{input}");
        }
    }

    #[test]
    fn tags_in_one_case_are_split_by_word_frequency() {
        for (input, want) in [
            ("#youareanidiot", "#you are an idiot"),
            ("#YOUAREANIDIOT now", "#you are an idiot, now"),
            ("so #trumpisamoron lol", "so #trump is a moron, lol"),
            ("#muerteatodoslosgringos", "#muerte a todos los gringos"),
            // A word the lists hold, a single capitalized word, two parts and short tags stay.
            ("#therapists", "#therapists"),
            ("#Distractification", "#distractification"),
            ("#fakenews", "#fakenews"),
            ("#maga", "#maga"),
            // Not a tag: a long word elsewhere is a word.
            ("youareanidiot", "youareanidiot"),
            (
                "see https://example.com/#youareanidiot",
                "see https://example.com/#youareanidiot",
            ),
        ] {
            assert_eq!(norm(input), want, "{input}");
        }
        let text = "ok #youareamoron";
        let n = normalize(text, &LeetTable::default());
        let at = n.text().find("moron").unwrap();
        assert_eq!(&text[n.original_range(at, at + 5)], "moron");
    }

    #[test]
    fn a_long_stretch_of_tags_is_read_in_linear_time() {
        let text = "#youareanidiot".repeat(20_000);
        let started = std::time::Instant::now();
        let n = normalize(&text, &LeetTable::default());
        assert!(n.text().starts_with("#you are an idiot#you are"), "{}", &n.text()[..40]);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_long_stretch_of_humped_words_is_read_once() {
        // 200k words in one whitespace-free stretch: reading the stretch per word would be
        // quadratic (minutes); once, it is a few milliseconds.
        let text = "aB.".repeat(200_000);
        let started = std::time::Instant::now();
        let n = normalize(&text, &LeetTable::default());
        assert!(n.text().starts_with("ab.ab."));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn split_words_map_back_to_what_was_typed() {
        let text = "ok #YouAreAMoron";
        let n = normalize(text, &LeetTable::default());
        let at = n.text().find("moron").unwrap();
        assert_eq!(&text[n.original_range(at, at + 5)], "Moron");
        let you = n.text().find("you are").unwrap();
        assert_eq!(&text[n.original_range(you, you + 7)], "YouAre");
    }
}
