//! The scoring engine: a comment in, a [`Verdict`] out.
//!
//! An [`Engine`] is built once per lexicon version from a wordlist directory and the engine
//! settings, validated as a whole, and is then immutable and `Send + Sync`: the HTTP layer keeps
//! it behind an `ArcSwap` and swaps in a new one on reload.
//!
//! ```no_run
//! use tamiz::engine::{Comment, Engine, EngineConfig};
//! use std::collections::BTreeMap;
//! # fn thresholds() -> BTreeMap<tamiz::engine::Category, tamiz::engine::config::Threshold> { unimplemented!() }
//! let engine = Engine::build(&EngineConfig::default(), &thresholds(), "wordlists".as_ref()).unwrap();
//! let verdict = engine.score(&Comment::new("you are a moron"));
//! println!("{} {:?}", verdict.decision, verdict.scores);
//! ```

pub mod category;
pub mod config;
pub mod heuristics;
pub mod lexicon;
pub mod matcher;
pub mod normalize;
mod score;
pub mod span;

pub use category::{Category, Decision, Language};
pub use config::{EngineConfig, Threshold};
pub use lexicon::{LoadError, LoadErrors};
pub use score::{Explanation, Features};

use config::Params;
use lexicon::Lexicon;
use matcher::Matcher;
use normalize::LeetTable;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

/// A comment to score. Parse it at the edge; the engine trusts nothing else about it.
#[derive(Clone, Debug, Default)]
pub struct Comment<'a> {
    pub text: &'a str,
    /// Given by the client; detected when `None`.
    pub language: Option<Language>,
    /// The comment this one replies to, if any.
    pub parent: Option<&'a str>,
}

impl<'a> Comment<'a> {
    pub fn new(text: &'a str) -> Self {
        Comment {
            text,
            ..Default::default()
        }
    }
}

/// Scores for the seven categories, each in [0, 1].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Scores(pub [f32; 7]);

impl Scores {
    pub fn get(&self, c: Category) -> f32 {
        self.0[c.index()]
    }
}

impl Serialize for Scores {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(7))?;
        for c in Category::ALL {
            // Rounded: six decimals is more than any threshold needs and keeps JSON short.
            let v = (self.0[c.index()] as f64 * 1e6).round() / 1e6;
            m.serialize_entry(c.as_str(), &v)?;
        }
        m.end()
    }
}

/// Where a piece of evidence came from; bounded, so it can be a metric label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceSource {
    Lexicon,
    Learned,
    Heuristic,
}

impl EvidenceSource {
    /// In declaration order, so `source as usize` indexes it.
    pub const ALL: [EvidenceSource; 3] = [
        EvidenceSource::Lexicon,
        EvidenceSource::Learned,
        EvidenceSource::Heuristic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceSource::Lexicon => "lexicon",
            EvidenceSource::Learned => "learned",
            EvidenceSource::Heuristic => "heuristic",
        }
    }
}

/// One piece of evidence behind a score, with its span in the original text.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    pub category: Category,
    /// Stable id: `lexicon:en/insult`, `heuristic:threat/intent-violence-target`, `learned:es/insult`.
    #[schema(value_type = String)]
    pub rule: &'static str,
    /// The wordlist entry as its list writes it (`idiot`, `stupi*`, `*bitch*`), or the words
    /// that made a heuristic rule fire.
    #[schema(value_type = String)]
    pub term: Arc<str>,
    /// The original text the evidence covers.
    #[schema(value_type = String)]
    pub matched: span::Excerpt,
    #[serde(flatten)]
    pub span: span::Span,
    /// What it added to its category's logit, after dampening (rounded to 3 decimals).
    pub weight: f64,
    /// Negated, reported or quoted, so its weight was reduced.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[schema(required = false)]
    pub dampened: bool,
    #[serde(skip)]
    pub source: EvidenceSource,
    #[serde(skip)]
    pub severe: bool,
}

/// The engine's answer for one comment.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Verdict {
    pub decision: Decision,
    pub scores: Scores,
    /// The evidence, in text order: every piece with `"detail": "full"`; the pieces that raised
    /// a score with `"evidence"` (the native default, see [`Detail::Evidence`]). Left out of the
    /// native answer when the request asked for `"detail": "summary"`.
    #[schema(required = false)]
    pub matches: Vec<Evidence>,
    pub reasons: Vec<String>,
    pub language: Language,
    #[schema(value_type = String)]
    pub lexicon_version: Arc<str>,
    /// How many pieces of evidence were weighed, whatever the [`Detail`] (for metrics).
    #[serde(skip)]
    pub evidence_counts: EvidenceCounts,
}

/// Pieces of evidence weighed for one comment, by category (`Category::index`) and source
/// (`EvidenceSource as usize`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EvidenceCounts(pub [[u32; 3]; 7]);

/// How much of a [`Verdict`] to build.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Detail {
    /// Everything: scores, decision, every piece of evidence located in the text (the learned
    /// terms that lowered a score too), reasons.
    #[default]
    Full,
    /// Scores, decision, reasons and the evidence that raised a score: every hand-written piece
    /// (lexicon entries and heuristic rules, dampened or not) and each learned term that added
    /// at least [`Detail::LEARNED_FLOOR`] to its category's logit (the native API's default).
    /// A learned list puts about a hundred terms on a 400-character comment, most of them
    /// common words weighed a little either way ("review" −0.13, "you" +0.10): listing them
    /// all made the answer ~20 KB and said little about why a comment was held.
    Evidence,
    /// Decision, scores and reasons, no `matches`: for clients that show why a comment was
    /// held but never the spans (the native API's `"detail": "summary"`). Reasons name the same
    /// rules and terms as with `Full`; only locating and copying every piece of evidence is
    /// skipped.
    Summary,
    /// Decision and scores only (`matches` and `reasons` left empty), for clients that never
    /// show evidence (the OpenAI surface, Perspective without span annotations). The scores are
    /// exactly those of `Full`: the same evidence is weighed, just not reported.
    Scores,
}

impl Detail {
    /// The least a learned term must add to its category's logit to be listed with
    /// [`Detail::Evidence`]: 0.25 multiplies the odds by 1.28. Hand-written evidence is always
    /// listed, whatever its weight.
    pub const LEARNED_FLOOR: f64 = 0.25;
}

/// Counts and identity of the loaded lexicon, for `/v1/lexicon` and metrics.
#[derive(Clone, Debug, Serialize)]
pub struct LexiconInfo {
    pub version: Arc<str>,
    pub loaded_at: SystemTime,
    pub entries: usize,
    pub allowlist: usize,
    pub counts: BTreeMap<Language, BTreeMap<Category, usize>>,
}

/// Why an engine could not be built: wordlist problems with file and line, or settings problems.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("wordlists: {0}")]
    Wordlists(LoadErrors),
    #[error("settings: {}", .0.join("; "))]
    Settings(Vec<String>),
    #[error("automaton: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}

/// An immutable, validated scoring engine for one lexicon version.
#[derive(Debug)]
pub struct Engine {
    params: Params,
    lexicon: Lexicon,
    matcher: Matcher,
    leet: LeetTable,
    info: LexiconInfo,
}

impl Engine {
    /// Loads the wordlists in `dir`, validates the settings and compiles the automaton.
    pub fn build(
        cfg: &EngineConfig,
        thresholds: &BTreeMap<Category, Threshold>,
        dir: &Path,
    ) -> Result<Engine, BuildError> {
        Self::build_with(cfg, thresholds, dir, true)
    }

    /// As [`Engine::build`]; `include_learned: false` ignores `learned/` (what `train` fits on).
    pub fn build_with(
        cfg: &EngineConfig,
        thresholds: &BTreeMap<Category, Threshold>,
        dir: &Path,
        include_learned: bool,
    ) -> Result<Engine, BuildError> {
        let mut params = Params::new(cfg, thresholds).map_err(BuildError::Settings)?;
        let mut leet = LeetTable::default();
        for &(k, v) in &params.leet {
            leet.set(k, v);
        }
        let lexicon = Lexicon::load_dir(dir, params.default_term_weight, &leet, include_learned)
            .map_err(BuildError::Wordlists)?;
        for (b, l) in params.bias.iter_mut().zip(lexicon.learned_bias) {
            *b += l;
        }
        Self::from_lexicon(params, lexicon, leet, cfg, thresholds)
    }

    /// What `tamiz train` fits on: the normalized words of a comment and the logit each
    /// category gets from the loaded lexicon and heuristics.
    pub fn features(&self, comment: &Comment<'_>) -> Features {
        score::features(self, comment)
    }

    /// The normalizer as this engine configures it (its leetspeak table), with self-censored
    /// words read as the lexicon's entries (`f***` as `fuck`) and split words joined where they
    /// make one (`half-wits` as `halfwits`).
    pub fn normalize(&self, text: &str) -> normalize::Normalized {
        let mut n = normalize::normalize(text, &self.leet);
        self.matcher.demask(&mut n, &self.lexicon.entries);
        self.matcher.join_split_words(&mut n, text);
        n
    }

    fn from_lexicon(
        params: Params,
        lexicon: Lexicon,
        leet: LeetTable,
        cfg: &EngineConfig,
        thresholds: &BTreeMap<Category, Threshold>,
    ) -> Result<Engine, BuildError> {
        let matcher = Matcher::build(&lexicon)?;
        // The version names the wordlists and the numbers that turn them into decisions.
        let mut hasher = lexicon.content_hash.clone();
        hasher.update(serde_json::to_string(cfg).unwrap_or_default().as_bytes());
        hasher.update(serde_json::to_string(thresholds).unwrap_or_default().as_bytes());
        let version: Arc<str> = Arc::from(&hasher.finalize().to_hex()[..12]);
        let mut counts: BTreeMap<Language, BTreeMap<Category, usize>> = BTreeMap::new();
        for ((l, c), n) in lexicon.counts() {
            counts.entry(l).or_default().insert(c, n);
        }
        let info = LexiconInfo {
            version,
            loaded_at: SystemTime::now(),
            entries: lexicon.entries.len(),
            allowlist: lexicon.allow.len(),
            counts,
        };
        Ok(Engine {
            params,
            lexicon,
            matcher,
            leet,
            info,
        })
    }

    /// Scores one comment. Never panics on any input.
    pub fn score(&self, comment: &Comment<'_>) -> Verdict {
        score::score(self, comment, Detail::Full).0
    }

    /// Scores one comment, building as much of the verdict as `detail` asks. Never panics.
    pub fn score_with(&self, comment: &Comment<'_>, detail: Detail) -> Verdict {
        score::score(self, comment, detail).0
    }

    /// Scores one comment and also returns the normalized text, for `tamiz explain`.
    pub fn explain(&self, comment: &Comment<'_>) -> Explanation {
        let (verdict, normalized, _) = score::score(self, comment, Detail::Full);
        Explanation {
            verdict,
            normalized: normalized.text().to_string(),
        }
    }

    /// The content hash of the wordlists and settings.
    pub fn version(&self) -> &Arc<str> {
        &self.info.version
    }

    pub fn info(&self) -> &LexiconInfo {
        &self.info
    }

    /// The decision thresholds in force.
    pub fn thresholds(&self) -> &[Threshold; 7] {
        &self.params.thresholds
    }

    /// The parsed lexicon, for `lint` and the console's lexicon browser.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }
}
