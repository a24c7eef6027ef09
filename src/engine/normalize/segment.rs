//! Hashtags run together in one case: `#youareanidiot`, `#KILLALLMUSLIMS`. With no capitals to
//! read (see [`super::camel`]) the parts are found by word frequency: `instant-segment`'s unigram
//! model over the word-frequency lists that `tamiz lint` ships (`data/words/`), each word counted
//! by Zipf's law from its rank, one model per language (English first, then Spanish).
//!
//! Only hashtags are read this way: a hashtag must be written without spaces, while a long word
//! elsewhere is most often just a word the lists lack. The same bar as camel case applies: three
//! parts or more, two of them of three letters or more, every part a listed word. A tag the lists
//! hold whole (`#therapists`) stays whole, so the model is never asked to choose between a word
//! and a split of it ("the rapists").

use instant_segment::{Search, Segmenter};
use std::sync::OnceLock;

/// The English list, most frequent first (also `tamiz lint`'s).
pub(crate) const EN_WORDS: &str = include_str!("../../../data/words/en.txt");
/// The Spanish list, most frequent first (also `tamiz lint`'s).
pub(crate) const ES_WORDS: &str = include_str!("../../../data/words/es.txt");

/// Shorter tags are acronyms and names more often than phrases (`#maga`, `#nfl`).
pub(super) const MIN_LEN: usize = 8;
/// The search is quadratic in a tag's length (up to the crate's longest word): bounded.
pub(super) const MAX_LEN: usize = 48;

/// One language's model: mixing the lists lets a word of one language break a phrase of the
/// other ("trump is amor on").
struct Model {
    segmenter: Segmenter,
    /// The listed words, sorted, one after another; `starts` holds where each begins. Kept
    /// this way rather than as a set of strings: a set held 3 MB more per language.
    words: String,
    starts: Vec<u32>,
}

impl Model {
    fn new(list: &str) -> Model {
        // Spanish words are matched folded, as the normalizer writes them (`cancion`); words with
        // `ñ` never reach the model, which reads ASCII only. A folded word listed twice keeps
        // its first (more frequent) rank.
        let mut counts: Vec<(String, f64)> = list
            .lines()
            .enumerate()
            .filter_map(|(rank, line)| Some((fold(line.trim())?, 1e9 / (rank + 1) as f64)))
            .collect();
        // The lists keep no one-letter words; "a" (and English "i") are among the most frequent.
        counts.extend(["a", "i"].map(|w| (w.to_string(), 1e9 / 5.0)));
        counts.sort_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)));
        counts.dedup_by(|later, first| later.0 == first.0);
        let mut words = String::new();
        let mut starts = Vec::with_capacity(counts.len());
        for (w, _) in &counts {
            starts.push(words.len() as u32);
            words.push_str(w);
        }
        let segmenter = Segmenter::new(counts.into_iter().map(|(w, c)| (w.into(), c)), std::iter::empty());
        Model {
            segmenter,
            words,
            starts,
        }
    }

    fn knows(&self, word: &str) -> bool {
        let at = |k: usize| {
            let end = self.starts.get(k + 1).map_or(self.words.len(), |&e| e as usize);
            &self.words[self.starts[k] as usize..end]
        };
        let (mut lo, mut hi) = (0, self.starts.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match at(mid).cmp(word) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    /// The parts of `word` if every one is a listed word.
    fn split<'s>(&self, word: &str, search: &'s mut Search) -> Option<Vec<&'s str>> {
        let parts: Vec<&str> = self.segmenter.segment(word, search).ok()?.collect();
        parts.iter().all(|p| self.knows(p)).then_some(parts)
    }
}

/// English, then Spanish; built on the first lowercase hashtag, not at start-up: most
/// deployments never see one.
fn models() -> &'static [Model; 2] {
    static MODELS: OnceLock<[Model; 2]> = OnceLock::new();
    MODELS.get_or_init(|| [Model::new(EN_WORDS), Model::new(ES_WORDS)])
}

/// `word` in lowercase ASCII, accents dropped; `None` if it has any other character.
fn fold(word: &str) -> Option<String> {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            'a'..='z' => out.push(c),
            // Stage 1's own folding of accented letters (`ñ` has none: it stays a letter).
            _ => out.push_str(super::ascii::latin_fold(c)?),
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The part boundaries (offsets into `word`, a lowercase ASCII tag without its `#`) where the
/// model reads it as three or more listed words; empty where it stays whole.
pub(super) fn parts(word: &str) -> Vec<usize> {
    let models = models();
    if models.iter().any(|m| m.knows(word)) {
        return Vec::new();
    }
    let mut search = Search::default();
    let mut spare = Search::default();
    let Some(parts) = models[0]
        .split(word, &mut search)
        .or_else(|| models[1].split(word, &mut spare))
    else {
        return Vec::new();
    };
    let long = parts.iter().filter(|s| s.len() >= 3).count();
    if parts.len() < 3 || long < 2 {
        return Vec::new();
    }
    parts[..parts.len() - 1]
        .iter()
        .scan(0, |at, s| {
            *at += s.len();
            Some(*at)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(word: &str) -> String {
        let cuts = parts(word);
        let mut out = String::new();
        let mut from = 0;
        for c in cuts.iter().copied().chain(std::iter::once(word.len())) {
            if from > 0 {
                out.push(' ');
            }
            out.push_str(&word[from..c]);
            from = c;
        }
        out
    }

    #[test]
    fn phrases_split_into_listed_words() {
        assert_eq!(split("youareanidiot"), "you are an idiot");
        assert_eq!(split("killallmuslims"), "kill all muslims");
        assert_eq!(split("buildthewall"), "build the wall");
        assert_eq!(split("muerteatodos"), "muerte a todos");
        // Each language on its own: not "trump is amor on".
        assert_eq!(split("trumpisamoron"), "trump is a moron");
    }

    #[test]
    fn listed_words_and_short_splits_stay_whole() {
        // Listed whole: never "the rapist", "grape fruit".
        assert_eq!(split("therapist"), "therapist");
        assert_eq!(split("grapefruit"), "grapefruit");
        // Two parts are a tag's name more often than a sentence ("fake news").
        assert_eq!(split("fakenews"), "fakenews");
        // A part the lists lack: a name, left whole.
        assert_eq!(split("kavanaughconfirmation"), "kavanaughconfirmation");
    }
}
