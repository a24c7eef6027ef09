//! `tamiz lint`: checks a wordlist directory before an operator reloads it.
//!
//! The parser ([`crate::engine::lexicon`]) already refuses lines it cannot read; lint looks for
//! entries that parse but do not do what their author meant:
//!
//! | check | severity | what |
//! |---|---|---|
//! | `parse` | error | a line the parser refuses (the same `file:line` message the reload gives) |
//! | `allowlisted` | error | the whole-word entry is itself allowlisted: it can never fire |
//! | `never-matches` | error | the pattern is not what normalized comment text can contain |
//! | `duplicate` | warning | the same pattern twice in one category: the second never applies |
//! | `weight-conflict` | warning | the same pattern in another language's file of the category with another weight: the first one loaded wins |
//! | `shadowed` | warning | a prefix/substring entry whose every victim in the vocabulary is allowlisted |
//! | `innocent-words` | warning | a prefix/substring entry fires inside common words (Scunthorpe), listed by frequency |
//! | `other-language` | warning | a whole-word entry is a common word of the other language and not `strict` |
//! | `leetspeak` | warning | the term is written with digits or symbols the normalizer already folds |
//! | `punctuation` | warning | the pattern contains punctuation, so only text with exactly that punctuation matches |
//! | `group-word` | warning | the entry is a neutral group word, or one with function words (`gay`, `the jews`, `musl*`): a mention of a group is no evidence |
//!
//! "Common words" come from the word-frequency lists in `data/words/` (OpenSubtitles via
//! zxcvbn-ts, ODC-BY; see its README), compiled into the binary so lint works offline and in the
//! container.
//!
//! ```no_run
//! let report = tamiz::lint::lint_dir("wordlists".as_ref(), &tamiz::engine::EngineConfig::default());
//! print!("{}", report.render());
//! assert!(!report.has_errors());
//! ```
//!
//! `check-config` runs the same checks; the reload path can call [`lint_engine`] on the engine it
//! has just built and refuse to swap on errors.

use crate::engine::heuristics::vocab;
use crate::engine::lexicon::{Entry, FileKind, Lexicon, LoadError, MatchMode, Source};
use crate::engine::normalize::{normalize, LeetTable, MASK};
use crate::engine::{Engine, EngineConfig, Language};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// How many victims a finding names (the count covers all of them).
const SHOWN_VICTIMS: usize = 8;

/// A whole-word entry is flagged as a word of the other language only if it ranks within this
/// many words there (and at least twice as high as in its own language: `sexy` is both).
const OTHER_LANGUAGE_RANK: u32 = 20_000;

/// How bad a finding is: errors fail `lint`, `check-config` and a reload; warnings are advice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Which check produced a finding (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    Parse,
    Allowlisted,
    NeverMatches,
    Duplicate,
    WeightConflict,
    Shadowed,
    InnocentWords,
    OtherLanguage,
    Leetspeak,
    Punctuation,
    GroupWord,
}

impl Check {
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Parse => "parse",
            Check::Allowlisted => "allowlisted",
            Check::NeverMatches => "never-matches",
            Check::Duplicate => "duplicate",
            Check::WeightConflict => "weight-conflict",
            Check::Shadowed => "shadowed",
            Check::InnocentWords => "innocent-words",
            Check::OtherLanguage => "other-language",
            Check::Leetspeak => "leetspeak",
            Check::Punctuation => "punctuation",
            Check::GroupWord => "group-word",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A common word an entry would fire inside, with its frequency rank (1 = most frequent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Victim {
    pub word: String,
    pub language: Language,
    pub rank: u32,
}

impl fmt::Display for Victim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} #{})", self.word, self.language, self.rank)
    }
}

/// One problem, at a line of a file of the wordlist directory.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Relative to the wordlist directory, as the parser names files (`en/insult.txt`).
    pub file: String,
    /// 1-based; 0 for the file as a whole.
    pub line: u32,
    pub severity: Severity,
    pub check: Check,
    pub message: String,
    /// For `innocent-words` and `shadowed`: the words, most frequent first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub victims: Vec<Victim>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: ", self.file, self.line)?;
        } else {
            write!(f, "{}: ", self.file)?;
        }
        write!(f, "{}: {} [{}]", self.severity, self.message, self.check)
    }
}

/// Everything lint found in one wordlist directory.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub dir: PathBuf,
    pub entries: usize,
    pub allowlist: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Sorted by file and line.
    pub findings: Vec<Finding>,
}

impl Report {
    fn new(dir: &Path, lex: &Lexicon, mut findings: Vec<Finding>) -> Report {
        findings.sort_by(|a, b| {
            (&a.file, a.line, std::cmp::Reverse(a.severity), a.check).cmp(&(
                &b.file,
                b.line,
                std::cmp::Reverse(b.severity),
                b.check,
            ))
        });
        findings.dedup();
        let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
        Report {
            dir: dir.to_path_buf(),
            entries: lex.entries.len(),
            allowlist: lex.allow.len(),
            errors,
            warnings: findings.len() - errors,
            findings,
        }
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// Findings of one severity.
    pub fn of(&self, severity: Severity) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.severity == severity)
    }

    /// One finding a line, each with the directory in front of its file (so editors and
    /// terminals can jump to it), then a summary line.
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        for f in &self.findings {
            let _ = writeln!(s, "{}/{f}", self.dir.display());
        }
        let _ = writeln!(s, "{}", self.summary());
        s
    }

    /// `wordlists: 3105 entries, 140 allowlist words: 0 errors, 12 warnings`.
    pub fn summary(&self) -> String {
        format!(
            "{}: {} entries, {} allowlist words: {} error(s), {} warning(s)",
            self.dir.display(),
            self.entries,
            self.allowlist,
            self.errors,
            self.warnings
        )
    }
}

/// Word-frequency lists: which words are common, in which language, how common.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// Normalized word, language, rank; in list order (English first).
    words: Vec<(String, Language, u32)>,
    /// Best rank of a word per language.
    ranks: HashMap<String, [Option<u32>; 2]>,
}

impl Vocabulary {
    /// The lists shipped in `data/words/`, compiled in.
    pub fn builtin() -> &'static Vocabulary {
        static BUILTIN: OnceLock<Vocabulary> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Vocabulary::from_lists(&[
                (Language::En, crate::engine::normalize::EN_WORDS),
                (Language::Es, crate::engine::normalize::ES_WORDS),
            ])
        })
    }

    /// From lists of one word a line, most frequent first. Words are normalized as comments
    /// are, so `canción` is looked up as `cancion`.
    pub fn from_lists(lists: &[(Language, &str)]) -> Vocabulary {
        let leet = LeetTable::default();
        let mut v = Vocabulary::default();
        for (language, text) in lists {
            let mut rank = 0;
            for line in text.lines() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                rank += 1;
                let word = normalize(line, &leet).text().to_string();
                if word.is_empty() || word.contains(' ') {
                    continue;
                }
                let slot = &mut v.ranks.entry(word.clone()).or_default()[lang_index(*language)];
                if slot.is_none() {
                    *slot = Some(rank);
                    v.words.push((word, *language, rank));
                }
            }
        }
        v
    }

    /// The word's rank in `language`, if it is on that list.
    pub fn rank(&self, word: &str, language: Language) -> Option<u32> {
        self.ranks.get(word).and_then(|r| r[lang_index(language)])
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

fn lang_index(l: Language) -> usize {
    match l {
        Language::En => 0,
        Language::Es => 1,
    }
}

fn other(l: Language) -> Language {
    match l {
        Language::En => Language::Es,
        Language::Es => Language::En,
    }
}

/// The leetspeak table the engine would use with `cfg` (invalid extra mappings are the
/// settings check's business; they are skipped here).
pub fn leet_table(cfg: &EngineConfig) -> LeetTable {
    let mut leet = LeetTable::default();
    for (k, v) in &cfg.leet {
        let (mut kc, mut vc) = (k.chars(), v.chars());
        if let (Some(a), None, Some(b), None) = (kc.next(), kc.next(), vc.next(), vc.next()) {
            leet.set(a, b);
        }
    }
    leet
}

/// Lints a wordlist directory with the built-in vocabulary.
pub fn lint_dir(dir: &Path, cfg: &EngineConfig) -> Report {
    lint_dir_with(dir, cfg, Vocabulary::builtin())
}

/// Lints a wordlist directory against `vocabulary`.
///
/// Parse errors are exactly what loading (and so a reload) reports; the other checks run on
/// every line that did parse, so one broken line does not hide the rest.
pub fn lint_dir_with(dir: &Path, cfg: &EngineConfig, vocabulary: &Vocabulary) -> Report {
    let leet = leet_table(cfg);
    let (lex, load_errors) = match Lexicon::load_dir(dir, cfg.default_term_weight, &leet, true) {
        Ok(lex) => (lex, Vec::new()),
        Err(errors) => (parse_partially(dir, cfg.default_term_weight, &leet), errors.0),
    };
    let mut findings: Vec<Finding> = load_errors.into_iter().map(parse_finding).collect();
    findings.extend(lint_lexicon(
        &lex,
        &|t: &str| normalize(t, &leet).text().to_string(),
        vocabulary,
    ));
    Report::new(dir, &lex, findings)
}

/// Lints the lexicon of a built engine (no parse errors are possible there): what the reload
/// path runs before it swaps.
pub fn lint_engine(engine: &Engine, dir: &Path) -> Report {
    let lex = engine.lexicon();
    let findings = lint_lexicon(
        lex,
        &|t: &str| engine.normalize(t).text().to_string(),
        Vocabulary::builtin(),
    );
    Report::new(dir, lex, findings)
}

fn parse_finding(e: LoadError) -> Finding {
    Finding {
        file: e.file,
        line: e.line,
        severity: Severity::Error,
        check: Check::Parse,
        message: e.message,
        victims: Vec::new(),
    }
}

/// Every line that parses, from a directory that does not load as a whole. Walks the directory
/// as the loader does (top-level files and one level of subdirectories, no dot-files).
fn parse_partially(dir: &Path, default_weight: f32, leet: &LeetTable) -> Lexicon {
    let mut lex = Lexicon::default();
    let mut ignored = Vec::new();
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let visible = |e: &std::fs::DirEntry| !e.file_name().to_string_lossy().starts_with('.');
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten().filter(visible) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            for sub in std::fs::read_dir(&path).into_iter().flatten().flatten().filter(visible) {
                if sub.path().is_file() {
                    files.push((format!("{name}/{}", sub.file_name().to_string_lossy()), sub.path()));
                }
            }
        } else if path.is_file() {
            files.push((name, path));
        }
    }
    files.sort();
    for (rel, path) in files {
        let (Ok(Some(kind)), Ok(text)) = (FileKind::of(&rel), std::fs::read_to_string(&path)) else {
            continue;
        };
        lex.parse_file(
            &kind,
            &Arc::from(rel.as_str()),
            &text,
            default_weight,
            leet,
            &mut ignored,
        );
    }
    lex
}

/// Runs every check but `parse` on a parsed lexicon. `normalize` is the engine's normalizer.
pub fn lint_lexicon(lex: &Lexicon, normalize: &dyn Fn(&str) -> String, vocabulary: &Vocabulary) -> Vec<Finding> {
    let mut out = Vec::new();
    let allow: HashMap<&str, (&str, u32)> = lex
        .allow
        .iter()
        .rev() // the first line of a pattern wins
        .map(|a| (a.pattern.as_str(), (&*a.file, a.line)))
        .collect();
    for e in &lex.entries {
        check_form(e, normalize, &mut out);
        check_allowlisted(e, &allow, &mut out);
    }
    check_duplicates(&lex.entries, &mut out);
    check_vocabulary(lex, &allow, vocabulary, &mut out);
    out
}

fn finding(e: &Entry, severity: Severity, check: Check, message: String) -> Finding {
    Finding {
        file: e.file.to_string(),
        line: e.line,
        severity,
        check,
        message,
        victims: Vec::new(),
    }
}

fn written(e: &Entry) -> String {
    match e.mode {
        MatchMode::Word => format!("{:?}", e.term),
        MatchMode::Prefix => format!("prefix \"{}\"", e.term),
        MatchMode::Substring => format!("substring \"{}\"", e.term),
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == MASK
}

/// `never-matches`, `leetspeak`, `punctuation`: is the pattern something comment text can
/// contain, and is it written the way the lists are meant to be written?
fn check_form(e: &Entry, normalize: &dyn Fn(&str) -> String, out: &mut Vec<Finding>) {
    // A normalized comment is a fixed point of the normalizer; a pattern that is not cannot
    // occur in one. The parser normalizes every term, so this guards against a normalizer that
    // stops being idempotent (and against hand-built lexicons).
    let again = normalize(&e.pattern);
    if again != e.pattern {
        out.push(finding(
            e,
            Severity::Error,
            Check::NeverMatches,
            format!(
                "{} can never match: its pattern {:?} is not normalized text (comments with it read {again:?})",
                written(e),
                e.pattern
            ),
        ));
        return;
    }
    if e.source == Source::Learned {
        return;
    }
    let term = e.mode.list_form(&e.pattern);
    if vocab::is_built_on_identity(&term) {
        out.push(finding(
            e,
            Severity::Warning,
            Check::GroupWord,
            format!(
                "{} is made of a neutral group word: it flags \"I am gay\" and \"my Muslim neighbour\"; name the attack instead (a slur, a phrase), the identity/group-attack rule reads insults, threats and hatred aimed at a group",
                written(e)
            ),
        ));
    }
    let leet: Vec<char> = e
        .term
        .chars()
        .filter(|c| c.is_ascii_digit() || "$@!|+".contains(*c))
        .filter(|c| !e.pattern.contains(*c))
        .collect();
    if !leet.is_empty() {
        let symbols: String = leet.iter().collect();
        out.push(finding(
            e,
            Severity::Warning,
            Check::Leetspeak,
            format!(
                "{} is written with {symbols:?}, which comments are read without: it is the entry {:?}; write the plain word",
                written(e),
                e.pattern
            ),
        ));
    }
    if e.pattern.contains(MASK) {
        out.push(finding(
            e,
            Severity::Warning,
            Check::Punctuation,
            format!(
                "{} contains a mask ('#' or '*' between letters): it matches only text masked at that very letter; list the plain word, masked spellings of it are matched already",
                written(e)
            ),
        ));
    } else if let Some(p) = e.pattern.chars().find(|&c| !is_word_char(c) && c != ' ') {
        out.push(finding(
            e,
            Severity::Warning,
            Check::Punctuation,
            format!(
                "{} contains {p:?}: it matches only text with exactly that punctuation; write words separated by spaces",
                written(e)
            ),
        ));
    }
}

/// `allowlisted`: the allowlist drops a match that lies inside an allowlisted word (a
/// word-bounded match of an allowlist pattern), so a whole-word entry whose pattern is itself
/// allowlisted can never fire. A prefix or substring entry still fires on longer words; an
/// allowlisted stem only stops it on the bare word.
fn check_allowlisted(e: &Entry, allow: &HashMap<&str, (&str, u32)>, out: &mut Vec<Finding>) {
    let Some(&(file, line)) = allow.get(e.pattern.as_str()) else {
        return;
    };
    match (e.mode, e.source) {
        (MatchMode::Word, source) => {
            // The allowlist winning over learned terms is by design; worth knowing, not an error.
            let severity = if source == Source::Learned {
                Severity::Warning
            } else {
                Severity::Error
            };
            out.push(finding(
                e,
                severity,
                Check::Allowlisted,
                format!(
                    "{} can never fire: the allowlist has {:?} ({file}:{line}); remove one of the two",
                    written(e),
                    e.pattern
                ),
            ));
        }
        (_, Source::Operator) => out.push(finding(
            e,
            Severity::Warning,
            Check::Allowlisted,
            format!(
                "{} never fires on the bare word: the allowlist has {:?} ({file}:{line}); it still fires on longer words",
                written(e),
                e.pattern
            ),
        )),
        _ => {}
    }
}

/// Modes as sets of matches: a word match is a prefix match is a substring match.
fn mode_rank(m: MatchMode) -> u8 {
    match m {
        MatchMode::Word => 0,
        MatchMode::Prefix => 1,
        MatchMode::Substring => 2,
    }
}

/// `duplicate` and `weight-conflict`. Within one category, hits of two entries at the same span
/// are one hit: the entry loaded first (sorted path, then line) wins and the other's weight never
/// applies. Across categories the same term is deliberate (`motherfucker` is profanity and
/// insult), and learned terms add to operator entries by design, so neither is reported.
fn check_duplicates(entries: &[Entry], out: &mut Vec<Finding>) {
    let mut by_key: BTreeMap<(crate::engine::Category, &str), Vec<&Entry>> = BTreeMap::new();
    for e in entries.iter().filter(|e| e.source == Source::Operator) {
        by_key.entry((e.category, e.pattern.as_str())).or_default().push(e);
    }
    for group in by_key.values().filter(|g| g.len() > 1) {
        for (i, later) in group.iter().enumerate() {
            // The first earlier entry that covers every match of this one.
            let winner = group[..i].iter().find(|earlier| {
                mode_rank(later.mode) <= mode_rank(earlier.mode)
                    && (!earlier.strict || (later.strict && later.language == earlier.language))
            });
            let Some(w) = winner else { continue };
            let same_file = w.file == later.file;
            let weights = if (w.weight - later.weight).abs() > f32::EPSILON {
                format!(
                    " (weight {} here, {} there: {} applies)",
                    later.weight, w.weight, w.weight
                )
            } else {
                String::new()
            };
            if same_file || w.language == later.language {
                out.push(finding(
                    later,
                    Severity::Warning,
                    Check::Duplicate,
                    format!(
                        "{} duplicates {}:{} {}{weights}; this line never applies",
                        written(later),
                        w.file,
                        w.line,
                        written(w)
                    ),
                ));
            } else if !weights.is_empty() {
                out.push(finding(
                    later,
                    Severity::Warning,
                    Check::WeightConflict,
                    format!(
                        "{} is also {}:{} {} in the same category{weights}; mark one `strict` or give them one weight",
                        written(later),
                        w.file,
                        w.line,
                        written(w)
                    ),
                ));
            }
        }
    }
}

/// Inflections and compound heads that make a word starting with a listed stem the same bad
/// word (`fucking`, `pendejada`, `shithead`), not a victim.
fn is_inflection(rest: &str, language: Language) -> bool {
    const EN: &[&str] = &[
        "s", "es", "ed", "d", "er", "ers", "ing", "ings", "in", "ins", "y", "ie", "ies", "ier", "iest", "ish", "ness",
        "ly", "ily", "ery", "ry", "al", "head", "heads", "face", "faces", "wit", "wits", "wad", "wads", "bag", "bags",
        "hole", "holes", "less", "ful", "stick", "sticks", "tard", "tards", "up", "ups", "off", "load", "loads", "boy",
        "boys", "brain", "brains", "nut", "nuts", "job", "jobs", "ass", "hat", "hats", "ic", "ical", "e", "ate",
        "ated", "ates", "ating", "ation", "ations", "ion", "ions", "or", "ors", "ism", "isms", "ist", "ists", "storm",
        "fest",
    ];
    const ES: &[&str] = &[
        "o", "a", "os", "as", "e", "es", "s", "ito", "ita", "itos", "itas", "illo", "illa", "illos", "illas", "on",
        "ona", "ones", "onas", "ote", "ota", "otes", "otas", "azo", "aza", "azos", "azas", "ada", "adas", "ado",
        "ados", "ez", "eces", "ear", "ea", "ean", "eas", "eando", "eo", "eria", "erias", "ero", "era", "eros", "eras",
        "isimo", "isima", "isimos", "isimas", "ar", "ando", "ida", "idas", "ido", "idos", "uda", "udo", "udos", "udas",
        "ucho", "ucha", "uchos", "uchas", "mente", "amente", "idamente", "ir", "iendo", "ador", "adora", "adores",
        "adoras",
    ];
    rest.is_empty()
        || match language {
            Language::En => EN.contains(&rest),
            Language::Es => ES.contains(&rest),
        }
}

/// `shadowed`, `innocent-words`, `other-language`: entries against the common words.
fn check_vocabulary(
    lex: &Lexicon,
    allow: &HashMap<&str, (&str, u32)>,
    vocabulary: &Vocabulary,
    out: &mut Vec<Finding>,
) {
    if vocabulary.is_empty() {
        return;
    }
    // Words some entry lists on its own: `fucker` under `fuck*` is meant, not a victim.
    let listed: HashSet<&str> = lex.entries.iter().map(|e| e.pattern.as_str()).collect();
    let listed_in: HashSet<(Language, &str)> = lex
        .entries
        .iter()
        .filter(|e| e.source == Source::Operator)
        .map(|e| (e.language, e.pattern.as_str()))
        .collect();
    for e in lex.entries.iter().filter(|e| e.source == Source::Operator) {
        let p = e.pattern.as_str();
        match e.mode {
            MatchMode::Word => {
                // A common word of the other language, more common there than here.
                let there = other(e.language);
                if e.strict || p.contains(' ') || allow.contains_key(p) || listed_in.contains(&(there, p)) {
                    continue;
                }
                let Some(rank) = vocabulary.rank(p, there) else {
                    continue;
                };
                let here = vocabulary.rank(p, e.language).unwrap_or(u32::MAX);
                if rank <= OTHER_LANGUAGE_RANK && rank.saturating_mul(2) < here {
                    let name = match there {
                        Language::En => "English",
                        Language::Es => "Spanish",
                    };
                    out.push(finding(
                        e,
                        Severity::Warning,
                        Check::OtherLanguage,
                        format!(
                            "{} is a common {name} word (#{rank}{}) and not `strict`: it fires on {name} comments",
                            written(e),
                            if here == u32::MAX {
                                String::new()
                            } else {
                                format!(", #{here} in {}", e.language)
                            }
                        ),
                    ));
                }
            }
            MatchMode::Prefix | MatchMode::Substring => {
                if p.contains(' ') {
                    continue; // the vocabulary is single words
                }
                let mut fires: Vec<Victim> = Vec::new();
                let mut seen: HashSet<&str> = HashSet::new();
                for (w, lang, rank) in &vocabulary.words {
                    if e.strict && *lang != e.language {
                        continue;
                    }
                    let hit = match e.mode {
                        MatchMode::Prefix => w.len() > p.len() && w.starts_with(p),
                        _ => w.len() > p.len() && w.contains(p),
                    };
                    if hit && seen.insert(w.as_str()) {
                        fires.push(Victim {
                            word: w.clone(),
                            language: *lang,
                            rank: *rank,
                        });
                    }
                }
                if fires.is_empty() {
                    continue;
                }
                let (allowed, open): (Vec<Victim>, Vec<Victim>) =
                    fires.into_iter().partition(|v| allow.contains_key(v.word.as_str()));
                let bare_fires = !allow.contains_key(p) && vocabulary.ranks.contains_key(p);
                if open.is_empty() && !bare_fires {
                    let mut f = finding(
                        e,
                        Severity::Warning,
                        Check::Shadowed,
                        format!(
                            "{} fires in no common word: all {} it would hit are allowlisted ({})",
                            written(e),
                            allowed.len(),
                            list(&allowed)
                        ),
                    );
                    f.victims = allowed;
                    out.push(f);
                    continue;
                }
                let mut victims: Vec<Victim> = open
                    .into_iter()
                    .filter(|v| !listed.contains(v.word.as_str()))
                    .filter(|v| {
                        let (before, after) = v.word.split_once(p).unwrap_or(("", ""));
                        // `shit` + `t` + `y`: English doubles a final consonant before a suffix.
                        let undoubled = p
                            .chars()
                            .next_back()
                            .and_then(|last| after.strip_prefix(last))
                            .is_some_and(|rest| !rest.is_empty() && is_inflection(rest, e.language));
                        // Either language's endings: `orgasm*` meets Spanish `orgasmo`.
                        let intended_after = is_inflection(after, e.language)
                            || is_inflection(after, v.language)
                            || undoubled
                            || listed.contains(after);
                        let intended_before = before.is_empty() || listed.contains(before);
                        !(intended_before && intended_after)
                    })
                    .collect();
                if victims.is_empty() {
                    continue;
                }
                victims.sort_by_key(|v| (v.rank, v.language));
                let mut f = finding(
                    e,
                    Severity::Warning,
                    Check::InnocentWords,
                    format!(
                        "{} fires inside {} common word(s) not in the allowlist: {}; add the innocent ones to allow.txt or narrow the entry",
                        written(e),
                        victims.len(),
                        list(&victims)
                    ),
                );
                f.victims = victims;
                out.push(f);
            }
        }
    }
}

fn list(victims: &[Victim]) -> String {
    let mut s: Vec<String> = victims.iter().take(SHOWN_VICTIMS).map(|v| v.to_string()).collect();
    if victims.len() > SHOWN_VICTIMS {
        s.push(format!("… {} more", victims.len() - SHOWN_VICTIMS));
    }
    s.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lexicon from `(path, text)` files, parsed as the loader would.
    fn lexicon(files: &[(&str, &str)]) -> Lexicon {
        let mut lex = Lexicon::default();
        let mut errors = Vec::new();
        let leet = LeetTable::default();
        let mut files = files.to_vec();
        files.sort();
        for (path, text) in files {
            let kind = FileKind::of(path).unwrap().unwrap();
            lex.parse_file(&kind, &Arc::from(path), text, 1.5, &leet, &mut errors);
        }
        assert!(errors.is_empty(), "{errors:?}");
        lex
    }

    fn vocabulary() -> Vocabulary {
        Vocabulary::from_lists(&[
            (
                Language::En,
                "the\nclass\nhello\nassume\nassassin\ntitle\ncumulative\nshiitake\nassess\nassessment\nfucking\nshitty\nnegro\nass\ncocktail",
            ),
            (Language::Es, "que\nnegro\ncomputadora\ndiputado\ncon\nhola\ncumbia\npendejada\nputa"),
        ])
    }

    fn run(files: &[(&str, &str)]) -> Vec<(Check, Severity, String)> {
        let leet = LeetTable::default();
        let lex = lexicon(files);
        let mut f = lint_lexicon(&lex, &|t: &str| normalize(t, &leet).text().to_string(), &vocabulary());
        f.sort_by(|a, b| (&a.file, a.line, a.check).cmp(&(&b.file, b.line, b.check)));
        f.into_iter()
            .map(|f| (f.check, f.severity, format!("{}:{}", f.file, f.line)))
            .collect()
    }

    use Check::*;
    use Severity::{Error as E, Warning as W};

    /// One row per case: name, files, expected findings as (check, severity, "file:line").
    macro_rules! cases {
        ($($name:ident: $files:expr => [$(($check:expr, $sev:expr, $at:expr)),* $(,)?];)*) => {
            $(
                #[test]
                fn $name() {
                    let got = run(&$files);
                    let want: Vec<(Check, Severity, String)> = vec![$(($check, $sev, $at.to_string())),*];
                    assert_eq!(got, want);
                }
            )*
        };
    }

    cases! {
        clean_list_has_no_findings:
            [("en/insult.txt", "idiot = 2\nmoron\npiece of shit = 3\n"), ("allow.txt", "scunthorpe\n")] => [];
        duplicate_in_one_file:
            [("en/insult.txt", "idiot = 2\nmoron\nIDIOT = 1\n")] => [(Duplicate, W, "en/insult.txt:3")];
        accent_variants_are_duplicates:
            [("es/insult.txt", "cabron\ncabrón = 2\n")] => [(Duplicate, W, "es/insult.txt:2")];
        prefix_covers_a_later_word_entry:
            [("en/profanity.txt", "fuck* = 2\nfuck = 1\n")] => [(Duplicate, W, "en/profanity.txt:2")];
        word_before_prefix_is_not_a_duplicate:
            [("en/profanity.txt", "fuck = 1\nfuck* = 2\n")] => [];
        same_term_in_two_categories_is_deliberate:
            [("en/insult.txt", "motherfucker = 3\n"), ("en/profanity.txt", "motherfucker = 2\n")] => [];
        same_term_across_languages_with_other_weight:
            [("en/insult.txt", "idiota = 2\n"), ("es/insult.txt", "idiota = 1\n")] => [(WeightConflict, W, "es/insult.txt:1")];
        same_term_across_languages_same_weight_is_fine:
            [("en/insult.txt", "idiota = 2\n"), ("es/insult.txt", "idiota = 2\n")] => [];
        strict_entries_of_two_languages_do_not_conflict:
            [("en/insult.txt", "negro = 2 strict\n"), ("es/insult.txt", "negro = 1 strict\n")] => [];
        allowlisted_word_never_fires:
            [("en/insult.txt", "wanker = 2\n"), ("allow.txt", "wanker\n")] => [(Allowlisted, E, "en/insult.txt:1")];
        allowlisted_word_inside_a_phrase_does_not_stop_the_phrase:
            [("en/insult.txt", "shoe licker = 2\n"), ("allow.txt", "shoe\n")] => [];
        allow_word_at_the_open_end_of_a_prefix_does_not_stop_it:
            [("en/profanity.txt", "dirty cock*\n"), ("allow.txt", "cock\n")] => [];
        allowlisted_bare_stem_of_a_prefix_warns:
            [("en/profanity.txt", "shitt*\n"), ("allow.txt", "shitt\n")] => [(Allowlisted, W, "en/profanity.txt:1")];
        leetspeak_term:
            [("en/insult.txt", "1d10t = 2\n")] => [(Leetspeak, W, "en/insult.txt:1")];
        leetspeak_variant_is_also_a_duplicate:
            [("en/insult.txt", "idiot = 2\nid1ot = 2\n")] => [(Duplicate, W, "en/insult.txt:2"), (Leetspeak, W, "en/insult.txt:2")];
        masked_term:
            [("en/profanity.txt", "sh#t\n")] => [(Punctuation, W, "en/profanity.txt:1")];
        punctuation_in_a_phrase:
            [("en/threat.txt", "watch out. you\n")] => [(Punctuation, W, "en/threat.txt:1")];
        scunthorpe_victims_of_a_prefix:
            [("en/profanity.txt", "ass* = 2\n"), ("allow.txt", "assassin\n")] => [(InnocentWords, W, "en/profanity.txt:1")];
        prefix_whose_victims_are_all_allowlisted:
            [("en/profanity.txt", "shiit*\n"), ("allow.txt", "shiitake\n")] => [(Shadowed, W, "en/profanity.txt:1")];
        inflections_are_not_victims:
            [("en/profanity.txt", "fuck*\nshit*\n"), ("es/insult.txt", "pendej*\n")] => [];
        substring_victims_in_both_languages:
            [("es/profanity.txt", "*puta*\n")] => [(InnocentWords, W, "es/profanity.txt:1")];
        strict_prefix_only_meets_its_own_language:
            [("es/profanity.txt", "cum* = 1 strict\n")] => [(InnocentWords, W, "es/profanity.txt:1")];
        word_of_the_other_language:
            [("en/identity_attack.txt", "negro = 3\n")] => [(OtherLanguage, W, "en/identity_attack.txt:1")];
        strict_word_of_the_other_language_is_fine:
            [("en/identity_attack.txt", "negro = 3 strict\n")] => [];
        word_listed_in_both_languages_is_fine:
            [("en/profanity.txt", "puta\n"), ("es/profanity.txt", "puta\n")] => [];
        learned_terms_under_the_allowlist_warn_only:
            [("learned/en.tsv", "cocktail\tinsult\t0.5\n"), ("allow.txt", "cocktail\n")] => [(Allowlisted, W, "learned/en.tsv:1")];
        learned_terms_are_not_duplicates:
            [("en/insult.txt", "idiot = 2\n"), ("learned/en.tsv", "idiot\tinsult\t0.5\n")] => [];
    }

    #[test]
    fn victims_are_listed_most_frequent_first_and_allowlisted_ones_left_out() {
        let leet = LeetTable::default();
        let lex = lexicon(&[("en/profanity.txt", "ass* = 2\n"), ("allow.txt", "assassin\n")]);
        let f = lint_lexicon(&lex, &|t: &str| normalize(t, &leet).text().to_string(), &vocabulary());
        let words: Vec<&str> = f[0].victims.iter().map(|v| v.word.as_str()).collect();
        assert_eq!(words, vec!["assume", "assess", "assessment"]);
        assert!(f[0].message.contains("assume (en #4)"), "{}", f[0].message);
    }

    #[test]
    fn substring_victims_name_their_language() {
        let leet = LeetTable::default();
        let lex = lexicon(&[("es/profanity.txt", "*puta*\n")]);
        let f = lint_lexicon(&lex, &|t: &str| normalize(t, &leet).text().to_string(), &vocabulary());
        let words: Vec<(&str, Language)> = f[0].victims.iter().map(|v| (v.word.as_str(), v.language)).collect();
        assert_eq!(words, vec![("computadora", Language::Es), ("diputado", Language::Es)]);
    }

    #[test]
    fn a_pattern_that_is_not_normalized_text_never_matches() {
        let mut lex = lexicon(&[("en/insult.txt", "idiot\n")]);
        lex.entries[0].pattern = "Idiot".into(); // as a hand-built lexicon might have it
        let leet = LeetTable::default();
        let f = lint_lexicon(
            &lex,
            &|t: &str| normalize(t, &leet).text().to_string(),
            &Vocabulary::default(),
        );
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].check, f[0].severity), (NeverMatches, E));
    }

    #[test]
    fn parse_errors_come_from_the_loader_with_file_and_line_and_other_checks_still_run() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("en")).unwrap();
        std::fs::write(dir.path().join("en/insult.txt"), "idiot\nbad = x\nidiot = 2\n").unwrap();
        std::fs::write(dir.path().join("en/insults.txt"), "x\n").unwrap();
        let r = lint_dir_with(dir.path(), &EngineConfig::default(), &vocabulary());
        let got: Vec<String> = r.findings.iter().map(|f| f.to_string()).collect();
        assert_eq!(r.errors, 2, "{got:#?}");
        assert_eq!(r.warnings, 1, "{got:#?}");
        assert!(
            got[0].starts_with("en/insult.txt:2: error: weight \"x\" is not a number [parse]"),
            "{got:#?}"
        );
        assert!(got[1].starts_with("en/insult.txt:3: warning: "), "{got:#?}");
        assert!(
            got[2].starts_with("en/insults.txt: error: unknown category"),
            "{got:#?}"
        );
        assert!(r
            .render()
            .contains(&format!("{}/en/insult.txt:2: error:", dir.path().display())));
    }

    #[test]
    fn builtin_vocabulary_has_both_languages() {
        let v = Vocabulary::builtin();
        assert!(v.len() > 70_000);
        assert!(v.rank("the", Language::En).is_some_and(|r| r < 10));
        assert!(v.rank("que", Language::Es).is_some_and(|r| r < 10));
        // Accents fold as in comments.
        assert!(v.rank("cancion", Language::Es).is_some());
    }

    #[test]
    fn shipped_wordlists_have_no_errors() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("wordlists");
        let r = lint_dir(&dir, &EngineConfig::default());
        let errors: Vec<String> = r.of(Severity::Error).map(|f| f.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(r.entries > 1000);
    }
}
