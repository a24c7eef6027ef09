//! Wordlist parsing: plain text files that operators edit, turned into typed entries.
//!
//! Layout of a wordlist directory (see `wordlists/README.md` for the operator's guide):
//!
//! ```text
//! wordlists/allow.txt               innocent words that contain bad ones (Scunthorpe)
//! wordlists/<lang>/<category>.txt   e.g. en/insult.txt, es/threat.txt
//! wordlists/<lang>/allow.txt        a language's own allowlist
//! wordlists/learned/<lang>.tsv      weights fitted by `tamiz train` (term, category, weight)
//! ```
//!
//! A line is `TERM [= WEIGHT] [FLAG ...]`, `#` starts a comment. `TERM*` matches as a prefix,
//! `*TERM*` as a substring, anything else as a whole word or phrase. Flags: `severe` (also
//! evidence of severe toxicity), `strict` (only in comments of the file's language).
//!
//! Every problem is reported with its file and line, and all of them at once, so an operator
//! fixes a broken list in one round.

use super::category::{Category, Language};
use super::normalize::{normalize, LeetTable};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How an entry must sit in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    /// Whole word or phrase: word boundaries on both sides.
    Word,
    /// Word boundary before, anything after (`fuck*`: fucking, fucker).
    Prefix,
    /// Anywhere, even inside words. Use sparingly: the allowlist is the guard.
    Substring,
}

impl MatchMode {
    /// `pattern` as a list writes it in this mode: `fuck*`, `*fuck*`, or as it is.
    pub fn list_form(self, pattern: &str) -> String {
        match self {
            MatchMode::Word => pattern.to_owned(),
            MatchMode::Prefix => format!("{pattern}*"),
            MatchMode::Substring => format!("*{pattern}*"),
        }
    }
}

/// Where an entry came from; it decides precedence and the rule id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Hand-written by an operator.
    Operator,
    /// Fitted by `tamiz train`.
    Learned,
}

/// One wordlist entry.
#[derive(Clone, Debug)]
pub struct Entry {
    /// As written in the file, mode marks included (`please*`, `*andal*`): what evidence cites,
    /// so an operator can find the very line (shared with every match that cites it).
    pub term: Arc<str>,
    /// Normalized form the automaton searches for.
    pub pattern: String,
    pub category: Category,
    pub language: Language,
    pub weight: f32,
    pub mode: MatchMode,
    pub severe: bool,
    pub strict: bool,
    pub source: Source,
    /// `lexicon:en/insult` and the like.
    pub rule: &'static str,
    pub file: Arc<str>,
    pub line: u32,
}

/// The rule id of a list entry: `lexicon:en/insult`, `learned:es/toxicity`. Static strings, so a
/// match cites its rule without an allocation or a shared reference count.
pub fn rule_id(source: Source, language: Language, category: Category) -> &'static str {
    // One row per language, one column per category in `Category::ALL` order.
    macro_rules! ids {
        ($source:literal) => {
            [ids!($source, "en"), ids!($source, "es")]
        };
        ($source:literal, $language:literal) => {
            [
                concat!($source, ":", $language, "/toxicity"),
                concat!($source, ":", $language, "/severe_toxicity"),
                concat!($source, ":", $language, "/insult"),
                concat!($source, ":", $language, "/threat"),
                concat!($source, ":", $language, "/profanity"),
                concat!($source, ":", $language, "/identity_attack"),
                concat!($source, ":", $language, "/sexually_explicit"),
            ]
        };
    }
    const OPERATOR: [[&str; 7]; 2] = ids!("lexicon");
    const LEARNED: [[&str; 7]; 2] = ids!("learned");
    let table = match source {
        Source::Operator => &OPERATOR,
        Source::Learned => &LEARNED,
    };
    let l = match language {
        Language::En => 0,
        Language::Es => 1,
    };
    table[l][category.index()]
}

impl Entry {
    /// `strict` entries, and learned n-grams (fitted on one language's data, where function
    /// words like `de` or `la` carry weight), apply only to comments in their own language.
    pub fn only_in_own_language(&self) -> bool {
        self.strict || self.source == Source::Learned
    }
}

/// An allowlist entry: matches of bad entries that overlap it are dropped.
#[derive(Clone, Debug)]
pub struct AllowEntry {
    pub term: String,
    pub pattern: String,
    pub file: Arc<str>,
    pub line: u32,
}

/// A problem in a wordlist, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LoadError {
    pub file: String,
    /// 1-based; 0 when the problem is the file as a whole.
    pub line: u32,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

/// All problems found while loading, reported together.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, thiserror::Error)]
pub struct LoadErrors(pub Vec<LoadError>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// The parsed contents of a wordlist directory.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    pub entries: Vec<Entry>,
    pub allow: Vec<AllowEntry>,
    /// Bias adjustments fitted by `tamiz train` (`@bias` rows of learned lists), per category.
    pub learned_bias: [f32; 7],
    /// Hash input: every file's relative path and bytes, in a stable order.
    pub(crate) content_hash: blake3::Hasher,
}

impl Lexicon {
    /// Entry counts by language and category (operator entries and learned ones together).
    pub fn counts(&self) -> BTreeMap<(Language, Category), usize> {
        let mut m = BTreeMap::new();
        for e in &self.entries {
            *m.entry((e.language, e.category)).or_insert(0) += 1;
        }
        m
    }

    /// Parses a whole wordlist directory. `include_learned: false` leaves out `learned/`, which
    /// is what `tamiz train` fits against.
    pub fn load_dir(
        dir: &Path,
        default_weight: f32,
        leet: &LeetTable,
        include_learned: bool,
    ) -> Result<Lexicon, LoadErrors> {
        let mut lex = Lexicon::default();
        let mut errors = Vec::new();
        let files = match list_files(dir) {
            Ok(f) => f,
            Err(e) => {
                return Err(LoadErrors(vec![LoadError {
                    file: dir.display().to_string(),
                    line: 0,
                    message: format!("cannot read wordlist directory: {e}"),
                }]))
            }
        };
        for (rel, path) in files {
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) => {
                    errors.push(LoadError {
                        file: rel.clone(),
                        line: 0,
                        message: format!("cannot read: {e}"),
                    });
                    continue;
                }
            };
            lex.content_hash.update(rel.as_bytes());
            lex.content_hash.update(&[0]);
            lex.content_hash.update(&bytes);
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count() as u32;
                    errors.push(LoadError {
                        file: rel.clone(),
                        line,
                        message: "file is not valid UTF-8".into(),
                    });
                    continue;
                }
            };
            let kind = match FileKind::of(&rel) {
                Ok(Some(FileKind::Learned { .. })) if !include_learned => continue,
                Ok(Some(k)) => k,
                Ok(None) => continue,
                Err(message) => {
                    errors.push(LoadError {
                        file: rel.clone(),
                        line: 0,
                        message,
                    });
                    continue;
                }
            };
            let file: Arc<str> = Arc::from(rel.as_str());
            lex.parse_file(&kind, &file, &text, default_weight, leet, &mut errors);
        }
        if errors.is_empty() {
            Ok(lex)
        } else {
            Err(LoadErrors(errors))
        }
    }

    /// Parses one file's text. Public so tests and `lint` can parse without a directory.
    pub fn parse_file(
        &mut self,
        kind: &FileKind,
        file: &Arc<str>,
        text: &str,
        default_weight: f32,
        leet: &LeetTable,
        errors: &mut Vec<LoadError>,
    ) {
        for (i, raw) in text.lines().enumerate() {
            let line = i as u32 + 1;
            let err = |message: String| LoadError {
                file: file.to_string(),
                line,
                message,
            };
            let content = strip_comment(raw).trim();
            if content.is_empty() {
                continue;
            }
            match kind {
                FileKind::Allow => match parse_term(content, leet) {
                    Ok((term, pattern, MatchMode::Word)) => self.allow.push(AllowEntry {
                        term,
                        pattern,
                        file: file.clone(),
                        line,
                    }),
                    Ok(_) => errors.push(err("allowlist entries are whole words; remove the '*'".into())),
                    Err(m) => errors.push(err(m)),
                },
                FileKind::List { language, category } => match parse_list_line(content, default_weight, leet) {
                    Ok(p) => self.entries.push(Entry {
                        term: Arc::from(p.term),
                        pattern: p.pattern,
                        category: *category,
                        language: *language,
                        weight: p.weight,
                        mode: p.mode,
                        severe: p.severe,
                        strict: p.strict,
                        source: Source::Operator,
                        rule: rule_id(Source::Operator, *language, *category),
                        file: file.clone(),
                        line,
                    }),
                    Err(m) => errors.push(err(m)),
                },
                FileKind::Learned { .. } if content.starts_with("@bias") => match parse_bias_line(content) {
                    Ok((category, value)) => self.learned_bias[category.index()] += value,
                    Err(m) => errors.push(err(m)),
                },
                FileKind::Learned { language } => match parse_learned_line(content, leet) {
                    Ok((term, pattern, mode, category, weight)) => self.entries.push(Entry {
                        term: Arc::from(term),
                        pattern,
                        category,
                        language: *language,
                        weight,
                        mode,
                        severe: false,
                        strict: false,
                        source: Source::Learned,
                        rule: rule_id(Source::Learned, *language, category),
                        file: file.clone(),
                        line,
                    }),
                    Err(m) => errors.push(err(m)),
                },
            }
        }
    }
}

/// What a file in the wordlist directory holds, from its path.
#[derive(Clone, Debug)]
pub enum FileKind {
    Allow,
    List { language: Language, category: Category },
    Learned { language: Language },
}

impl FileKind {
    /// `Ok(None)` for files that are not wordlists (README.md, licenses/).
    pub fn of(rel: &str) -> Result<Option<FileKind>, String> {
        let parts: Vec<&str> = rel.split('/').collect();
        match parts.as_slice() {
            ["allow.txt"] => Ok(Some(FileKind::Allow)),
            ["learned", name] if name.ends_with(".tsv") => {
                let lang = name.trim_end_matches(".tsv");
                let language = lang.parse().map_err(|e: String| format!("learned list: {e}"))?;
                Ok(Some(FileKind::Learned { language }))
            }
            [lang, name] if name.ends_with(".txt") && lang.len() == 2 => {
                let language: Language = lang.parse()?;
                let stem = name.trim_end_matches(".txt");
                if stem == "allow" {
                    return Ok(Some(FileKind::Allow));
                }
                let category: Category = stem.parse()?;
                Ok(Some(FileKind::List { language, category }))
            }
            _ => Ok(None),
        }
    }
}

fn list_files(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            for sub in std::fs::read_dir(&path)? {
                let sub = sub?;
                let sname = sub.file_name().to_string_lossy().into_owned();
                if sub.path().is_file() && !sname.starts_with('.') {
                    out.push((format!("{name}/{sname}"), sub.path()));
                }
            }
        } else if path.is_file() {
            out.push((name, path));
        }
    }
    // Stable order: the version hash must not depend on directory iteration order.
    out.sort();
    Ok(out)
}

fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    }
}

struct ParsedLine {
    term: String,
    pattern: String,
    weight: f32,
    mode: MatchMode,
    severe: bool,
    strict: bool,
}

fn parse_list_line(content: &str, default_weight: f32, leet: &LeetTable) -> Result<ParsedLine, String> {
    let (term_part, rest) = match content.split_once('=') {
        Some((t, r)) => (t.trim(), Some(r.trim())),
        None => (content, None),
    };
    let (term, pattern, mode) = parse_term(term_part, leet)?;
    let mut weight = default_weight;
    let mut severe = false;
    let mut strict = false;
    if let Some(rest) = rest {
        let mut words = rest.split_whitespace();
        let w = words.next().ok_or("missing weight after '='")?;
        weight = w.parse::<f32>().map_err(|_| format!("weight {w:?} is not a number"))?;
        if !weight.is_finite() || !(-10.0..=10.0).contains(&weight) {
            return Err(format!("weight {weight} is outside -10..10"));
        }
        for flag in words {
            match flag {
                "severe" => severe = true,
                "strict" => strict = true,
                other => return Err(format!("unknown flag {other:?} (expected: severe, strict)")),
            }
        }
    }
    Ok(ParsedLine {
        term,
        pattern,
        weight,
        mode,
        severe,
        strict,
    })
}

/// Parses a term with its mode marks and normalizes it exactly as comments are normalized,
/// so `cabrón` in a list matches `CABRON` in a comment.
fn parse_term(raw: &str, leet: &LeetTable) -> Result<(String, String, MatchMode), String> {
    let raw = raw.trim();
    let (core, mode) = match (raw.starts_with('*'), raw.ends_with('*') && raw.len() > 1) {
        (true, true) => (&raw[1..raw.len() - 1], MatchMode::Substring),
        (false, true) => (&raw[..raw.len() - 1], MatchMode::Prefix),
        (true, false) => return Err("a leading '*' needs a trailing one too (substring mode: *term*)".into()),
        (false, false) => (raw, MatchMode::Word),
    };
    if core.contains('*') {
        return Err("'*' may only mark the start or end of a term".into());
    }
    let chars: Vec<char> = core.chars().collect();
    if chars
        .windows(3)
        .any(|w| w[0] == w[1] && w[1] == w[2] && w[0].is_alphabetic())
    {
        return Err(format!(
            "term {core:?} repeats a letter three times; comments read such runs as one stretched letter, so write at most two"
        ));
    }
    let pattern = normalize(core, leet).text().to_string();
    if pattern.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return Err(format!("term {core:?} has fewer than two letters after normalization"));
    }
    if mode == MatchMode::Substring && pattern.chars().count() < 4 {
        return Err(format!("substring term {core:?} is too short (at least 4 letters)"));
    }
    Ok((mode.list_form(core), pattern, mode))
}

/// `@bias<TAB>category<TAB>value`: the fitted intercept shift of a category.
fn parse_bias_line(content: &str) -> Result<(Category, f32), String> {
    let cols: Vec<&str> = content.split('\t').collect();
    if cols.len() != 3 {
        return Err("expected @bias, category and value separated by tabs".into());
    }
    let category: Category = cols[1].trim().parse()?;
    let value: f32 = cols[2]
        .trim()
        .parse()
        .map_err(|_| format!("bias {:?} is not a number", cols[2]))?;
    if !value.is_finite() || value.abs() > 20.0 {
        return Err(format!("bias {value} is outside -20..20"));
    }
    Ok((category, value))
}

/// A learned line: `term<TAB>category<TAB>weight`; the term is a whole-word n-gram, a word
/// prefix (`idiot*`) or an in-word substring (`*fuck*`), matched as an operator's entry is.
fn parse_learned_line(content: &str, leet: &LeetTable) -> Result<(String, String, MatchMode, Category, f32), String> {
    let cols: Vec<&str> = content.split('\t').collect();
    if cols.len() < 3 {
        return Err("expected three tab-separated columns: term, category, weight".into());
    }
    let (term, pattern, mode) = parse_term(cols[0], leet)?;
    let category: Category = cols[1].trim().parse()?;
    let weight: f32 = cols[2]
        .trim()
        .parse()
        .map_err(|_| format!("weight {:?} is not a number", cols[2]))?;
    if !weight.is_finite() {
        return Err("weight is not finite".into());
    }
    Ok((term, pattern, mode, category, weight))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_name_source_language_and_category() {
        for l in Language::ALL {
            for c in Category::ALL {
                assert_eq!(rule_id(Source::Operator, l, c), format!("lexicon:{l}/{c}"));
                assert_eq!(rule_id(Source::Learned, l, c), format!("learned:{l}/{c}"));
            }
        }
    }

    fn parse(kind: FileKind, text: &str) -> (Lexicon, Vec<LoadError>) {
        let mut lex = Lexicon::default();
        let mut errors = Vec::new();
        lex.parse_file(
            &kind,
            &Arc::from("en/insult.txt"),
            text,
            1.5,
            &LeetTable::default(),
            &mut errors,
        );
        (lex, errors)
    }

    fn insult() -> FileKind {
        FileKind::List {
            language: Language::En,
            category: Category::Insult,
        }
    }

    #[test]
    fn learned_lists_hold_words_prefixes_and_substrings() {
        let learned = FileKind::Learned { language: Language::En };
        let (lex, errors) = parse(
            learned.clone(),
            "idiot*\tinsult\t0.5\nyou are\ttoxicity\t-0.25\n*diot*\tinsult\t0.5\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(lex.entries[0].mode, MatchMode::Prefix);
        assert_eq!(lex.entries[0].pattern, "idiot");
        assert_eq!(lex.entries[0].source, Source::Learned);
        assert_eq!(lex.entries[1].mode, MatchMode::Word);
        assert_eq!(lex.entries[2].mode, MatchMode::Substring);
        // The engine's floor for substrings holds for learned lists too.
        let (_, errors) = parse(learned, "*dio*\tinsult\t0.5\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
    }

    #[test]
    fn parses_terms_weights_modes_flags_and_comments() {
        let (lex, errors) = parse(
            insult(),
            "# header\n\nidiot = 2.0\nfuck* = 1.0 severe\n*shithead* = 3 strict # trailing\npiece of shit\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let e: Vec<_> = lex
            .entries
            .iter()
            .map(|e| (e.pattern.as_str(), e.weight, e.mode, e.severe, e.strict))
            .collect();
        assert_eq!(
            e,
            vec![
                ("idiot", 2.0, MatchMode::Word, false, false),
                ("fuck", 1.0, MatchMode::Prefix, true, false),
                ("shithead", 3.0, MatchMode::Substring, false, true),
                ("piece of shit", 1.5, MatchMode::Word, false, false),
            ]
        );
        assert_eq!(lex.entries[0].rule, "lexicon:en/insult");
        assert_eq!(lex.entries[3].line, 6);
    }

    #[test]
    fn terms_are_normalized_like_comments() {
        let (lex, _) = parse(insult(), "Cabrón\n");
        assert_eq!(lex.entries[0].pattern, "cabron");
    }

    #[test]
    fn errors_name_the_line() {
        let (_, errors) = parse(insult(), "ok\nbad = x\nworse = 1 loud\n*half\nx\n");
        let lines: Vec<u32> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5]);
        assert!(errors[0].to_string().starts_with("en/insult.txt:2: "));
    }

    #[test]
    fn file_kinds_from_paths() {
        assert!(matches!(FileKind::of("allow.txt"), Ok(Some(FileKind::Allow))));
        assert!(matches!(
            FileKind::of("es/threat.txt"),
            Ok(Some(FileKind::List {
                language: Language::Es,
                category: Category::Threat
            }))
        ));
        assert!(matches!(
            FileKind::of("learned/en.tsv"),
            Ok(Some(FileKind::Learned { .. }))
        ));
        assert!(matches!(FileKind::of("README.md"), Ok(None)));
        assert!(FileKind::of("en/insults.txt").is_err());
        assert!(FileKind::of("fr/insult.txt").is_err());
    }
}
