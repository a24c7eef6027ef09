//! Labeled comments for `eval` and `train`: CSV or JSON lines in, [`LabeledRow`]s out.
//!
//! A row carries a label per category where its source has one (`None` elsewhere: a category is
//! only measured and fitted on rows that say something about it) and a fold, a hash of its text,
//! so the split is the same on every machine and every run, and copies of one text (ConvAbuse
//! has 38 rows of "fuck you") always land in the same fold rather than on both sides of it.
//!
//! The public sets the project uses are recognised by their columns ([`Schema::detect`]) and
//! mapped to categories as `data/train/README.md` documents; any other file names its columns
//! with `--label CATEGORY=COLUMN`. JSON lines take dotted paths (`comment.text`), and the
//! feedback log of `/v1alpha1/comments:suggestscore` (`attributeScores.TOXICITY.summaryScore.value`)
//! is read without flags.
//!
//! ```
//! use tamiz::quality::data::{read_str, Format, ReadOptions};
//! use tamiz::engine::Category;
//! let csv = "id,text,is_toxic\n1,you idiot,1\n2,nice post,0\n";
//! let rows = read_str(csv, Format::Csv, &ReadOptions::default()).unwrap();
//! assert_eq!(rows[0].labels[Category::Toxicity.index()], Some(true));
//! ```

use crate::engine::Category;
use anyhow::{bail, Context};
use serde_json::Value;
use std::path::Path;

/// How many folds the data is split into; fold 0 is held back from training.
pub const FOLDS: u8 = 5;

/// The held-back fold: never trained on, the one the reported figures come from.
pub const HELD_BACK: u8 = 0;

/// One labeled comment.
#[derive(Clone, Debug)]
pub struct LabeledRow {
    pub id: String,
    pub text: String,
    /// Per category (`Category::index`): the label, where the source has one.
    pub labels: [Option<bool>; 7],
    /// `fold_of(text)`.
    pub fold: u8,
}

impl LabeledRow {
    pub fn label(&self, c: Category) -> Option<bool> {
        self.labels[c.index()]
    }
}

/// The fold of a comment: blake3 of its trimmed, lowercased text, modulo [`FOLDS`].
pub fn fold_of(text: &str) -> u8 {
    let h = blake3::hash(text.trim().to_lowercase().as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&h.as_bytes()[..8]);
    (u64::from_le_bytes(b) % FOLDS as u64) as u8
}

/// File format, from the extension (`.jsonl`, `.ndjson`, `.json` are JSON lines).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
}

impl Format {
    pub fn of(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
            _ => Format::Csv,
        }
    }
}

/// What to read from each record.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// Column or dotted path of the text; `text` (then `comment.text` in JSON) when `None`.
    pub text_column: Option<String>,
    /// Explicit label columns; when empty the schema is detected.
    pub labels: Vec<(Category, String)>,
}

/// Parses `CATEGORY=COLUMN` (the `--label` flag).
pub fn parse_label_spec(s: &str) -> Result<(Category, String), String> {
    let (c, col) = s
        .split_once('=')
        .ok_or_else(|| format!("expected CATEGORY=COLUMN, got {s:?}"))?;
    let c: Category = c.trim().parse()?;
    if col.trim().is_empty() {
        return Err(format!("empty column in {s:?}"));
    }
    Ok((c, col.trim().to_string()))
}

/// How a record's fields become labels.
#[derive(Clone, Debug, PartialEq)]
pub enum Schema {
    /// Jigsaw 2018: `toxic, severe_toxic, obscene, threat, insult, identity_hate` (+ `is_toxic`).
    Jigsaw2018,
    /// Davidson et al. 2017: `class` 0 hate speech, 1 offensive, 2 neither.
    Davidson,
    /// ConvAbuse: `is_toxic`, `n_annotators` and `votes_<type>`.
    ConvAbuse,
    /// The suggestscore feedback log: `attributeScores.<ATTR>.summaryScore.value`.
    Feedback,
    /// Named columns (`--label`, or `is_toxic` / `toxic` → toxicity).
    Columns(Vec<(Category, String)>),
}

impl Schema {
    /// Recognises the known sets by their fields; falls back to `is_toxic` or `toxic`.
    pub fn detect(fields: &[String]) -> Schema {
        let has = |f: &str| fields.iter().any(|x| x == f);
        if has("severe_toxic") && has("identity_hate") && has("obscene") {
            Schema::Jigsaw2018
        } else if has("class") && has("hate_speech") && has("offensive_language") {
            Schema::Davidson
        } else if has("votes_intellectual") && has("n_annotators") {
            Schema::ConvAbuse
        } else if has("attributeScores") {
            Schema::Feedback
        } else if has("is_toxic") {
            Schema::Columns(vec![(Category::Toxicity, "is_toxic".into())])
        } else if has("toxic") {
            Schema::Columns(vec![(Category::Toxicity, "toxic".into())])
        } else {
            Schema::Columns(Vec::new())
        }
    }

    fn labels(&self, get: &dyn Fn(&str) -> Option<Value>) -> [Option<bool>; 7] {
        let mut l = [None; 7];
        let flag = |f: &str| get(f).as_ref().and_then(truth);
        let num = |f: &str| get(f).as_ref().and_then(number);
        match self {
            Schema::Jigsaw2018 => {
                // The umbrella label is "any of the six", as the sets' `is_toxic` is.
                let cols = [
                    (Category::SevereToxicity, "severe_toxic"),
                    (Category::Profanity, "obscene"),
                    (Category::Threat, "threat"),
                    (Category::Insult, "insult"),
                    (Category::IdentityAttack, "identity_hate"),
                ];
                for (c, f) in cols {
                    l[c.index()] = flag(f);
                }
                let any = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
                    .iter()
                    .filter_map(|f| flag(f))
                    .reduce(|a, b| a || b);
                l[Category::Toxicity.index()] = flag("is_toxic").or(any);
            }
            Schema::Davidson => {
                if let Some(class) = num("class") {
                    l[Category::Toxicity.index()] = Some(class < 1.5);
                    l[Category::IdentityAttack.index()] = Some(class < 0.5);
                }
            }
            Schema::ConvAbuse => {
                let toxic = flag("is_toxic");
                l[Category::Toxicity.index()] = toxic;
                let n = num("n_annotators").unwrap_or(0.0);
                // A type counts when a strict majority of the annotators named it, the same
                // rule as `is_toxic`; a non-abusive turn is a negative for every type; an abusive
                // turn without a majority type says nothing about the types.
                let majority = |fields: &[&str]| fields.iter().any(|f| num(f).unwrap_or(0.0) * 2.0 > n);
                let typed = |fields: &[&str]| match toxic {
                    Some(false) => Some(false),
                    Some(true) if majority(fields) => Some(true),
                    _ => None,
                };
                l[Category::Insult.index()] = typed(&["votes_intellectual"]);
                l[Category::IdentityAttack.index()] = typed(&[
                    "votes_sexist",
                    "votes_racist",
                    "votes_homophobic",
                    "votes_transphobic",
                    "votes_ableist",
                ]);
                l[Category::SexuallyExplicit.index()] = typed(&["votes_sex_harassment"]);
            }
            Schema::Feedback => {
                if let Some(Value::Object(attrs)) = get("attributeScores") {
                    for (name, v) in attrs {
                        let Some(c) = category_of_attribute(&name) else {
                            continue;
                        };
                        let value = v
                            .pointer("/summaryScore/value")
                            .or_else(|| v.get("value"))
                            .or_else(|| v.get("score"));
                        l[c.index()] = value.and_then(truth);
                    }
                }
            }
            Schema::Columns(cols) => {
                for (c, f) in cols {
                    l[c.index()] = flag(f);
                }
            }
        }
        l
    }
}

/// `TOXICITY`, `SEVERE_TOXICITY_EXPERIMENTAL`, ... → the category.
fn category_of_attribute(name: &str) -> Option<Category> {
    let n = name.trim_end_matches("_EXPERIMENTAL").to_ascii_lowercase();
    n.parse().ok()
}

/// A label value: numbers at or above 0.5, `true`, `yes`, `OFF` (OLID) are positive.
fn truth(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_f64().map(|x| x >= 0.5),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(x) = s.parse::<f64>() {
                return Some(x >= 0.5);
            }
            match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "off" | "toxic" => Some(true),
                "false" | "no" | "not" | "none" => Some(false),
                _ => None,
            }
        }
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Follows a dotted path (`comment.text`) into a JSON value.
fn dotted<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    if let Some(x) = v.get(path) {
        return Some(x);
    }
    path.split('.').try_fold(v, |v, k| v.get(k))
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Reads a labeled file; the format from its extension.
pub fn read_file(path: &Path, opts: &ReadOptions) -> anyhow::Result<Vec<LabeledRow>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    read_str(&text, Format::of(path), opts).with_context(|| format!("in {}", path.display()))
}

/// Reads labeled rows from a string.
pub fn read_str(text: &str, format: Format, opts: &ReadOptions) -> anyhow::Result<Vec<LabeledRow>> {
    match format {
        Format::Csv => read_csv(text, opts),
        Format::JsonLines => read_jsonl(text, opts),
    }
}

fn read_csv(text: &str, opts: &ReadOptions) -> anyhow::Result<Vec<LabeledRow>> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
    let text_col = opts.text_column.as_deref().unwrap_or("text");
    let Some(text_idx) = headers.iter().position(|h| h == text_col) else {
        bail!("no column {text_col:?} (columns: {})", headers.join(", "));
    };
    let schema = if opts.labels.is_empty() {
        Schema::detect(&headers)
    } else {
        for (_, col) in &opts.labels {
            if !headers.contains(col) {
                bail!("no label column {col:?} (columns: {})", headers.join(", "));
            }
        }
        Schema::Columns(opts.labels.clone())
    };
    let id_idx = ["id", "example_id"]
        .iter()
        .find_map(|c| headers.iter().position(|h| h == c));
    let mut rows = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("record {}", i + 1))?;
        let get = |f: &str| {
            headers
                .iter()
                .position(|h| h == f)
                .and_then(|k| rec.get(k))
                .filter(|s| !s.trim().is_empty())
                .map(|s| Value::String(s.to_string()))
        };
        let text = rec.get(text_idx).unwrap_or("").to_string();
        let id = id_idx
            .and_then(|k| rec.get(k))
            .map_or_else(|| (i + 1).to_string(), str::to_string);
        rows.push(LabeledRow {
            labels: schema.labels(&get),
            fold: fold_of(&text),
            id,
            text,
        });
    }
    Ok(rows)
}

fn read_jsonl(text: &str, opts: &ReadOptions) -> anyhow::Result<Vec<LabeledRow>> {
    let mut rows = Vec::new();
    let mut schema: Option<Schema> = (!opts.labels.is_empty()).then(|| Schema::Columns(opts.labels.clone()));
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).with_context(|| format!("line {}", i + 1))?;
        let text = match &opts.text_column {
            Some(c) => dotted(&v, c),
            None => dotted(&v, "text").or_else(|| dotted(&v, "comment.text")),
        }
        .and_then(text_of)
        .with_context(|| format!("line {}: no text", i + 1))?;
        let schema = schema.get_or_insert_with(|| {
            let fields: Vec<String> = v.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
            Schema::detect(&fields)
        });
        let get = |f: &str| dotted(&v, f).cloned();
        let id = ["id", "clientToken"]
            .iter()
            .find_map(|k| v.get(*k).and_then(text_of))
            .unwrap_or_else(|| (i + 1).to_string());
        rows.push(LabeledRow {
            labels: schema.labels(&get),
            fold: fold_of(&text),
            id,
            text,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(rows: &[LabeledRow], c: Category) -> Vec<Option<bool>> {
        rows.iter().map(|r| r.label(c)).collect()
    }

    #[test]
    fn folds_are_stable_and_ignore_case_and_outer_space() {
        assert_eq!(fold_of("Fuck you "), fold_of("fuck you"));
        let counts = (0..1000).fold([0u32; 5], |mut c, i| {
            c[fold_of(&format!("comment {i}")) as usize] += 1;
            c
        });
        assert!(counts.iter().all(|&n| (150..250).contains(&n)), "{counts:?}");
    }

    #[test]
    fn jigsaw_columns_map_to_categories() {
        let csv = "id,text,toxic,severe_toxic,obscene,threat,insult,identity_hate,is_toxic\n\
                   a,you idiot,1,0,0,0,1,0,1\nb,hi,0,0,0,0,0,0,0\n";
        let rows = read_str(csv, Format::Csv, &ReadOptions::default()).unwrap();
        assert_eq!(labels(&rows, Category::Insult), vec![Some(true), Some(false)]);
        assert_eq!(labels(&rows, Category::Toxicity), vec![Some(true), Some(false)]);
        assert_eq!(labels(&rows, Category::SexuallyExplicit), vec![None, None]);
        assert_eq!(rows[0].id, "a");
    }

    #[test]
    fn davidson_and_convabuse_rules() {
        let d = "id,text,count,hate_speech,offensive_language,neither,class,is_toxic\n\
                 0,a,3,3,0,0,0,1\n1,b,3,0,3,0,1,1\n2,c,3,0,0,3,2,0\n";
        let rows = read_str(d, Format::Csv, &ReadOptions::default()).unwrap();
        assert_eq!(
            labels(&rows, Category::Toxicity),
            vec![Some(true), Some(true), Some(false)]
        );
        assert_eq!(
            labels(&rows, Category::IdentityAttack),
            vec![Some(true), Some(false), Some(false)]
        );
        let c = "example_id,text,n_annotators,votes_intellectual,votes_sexist,votes_racist,votes_homophobic,votes_transphobic,votes_ableist,votes_sex_harassment,is_toxic\n\
                 1,you are dumb,3,2,0,0,0,0,0,0,1\n2,fuck you,3,1,0,0,0,0,0,0,1\n3,hello,3,0,0,0,0,0,0,0,0\n";
        let rows = read_str(c, Format::Csv, &ReadOptions::default()).unwrap();
        assert_eq!(labels(&rows, Category::Insult), vec![Some(true), None, Some(false)]);
        assert_eq!(labels(&rows, Category::IdentityAttack), vec![None, None, Some(false)]);
    }

    #[test]
    fn jsonl_dotted_paths_and_feedback_log() {
        let log = r#"{"comment":{"text":"you idiot"},"attributeScores":{"TOXICITY":{"summaryScore":{"value":1}}},"clientToken":"t1"}
{"comment":{"text":"thanks"},"attributeScores":{"TOXICITY":{"summaryScore":{"value":0}},"INSULT_EXPERIMENTAL":{"summaryScore":{"value":0}}}}
"#;
        let rows = read_str(log, Format::JsonLines, &ReadOptions::default()).unwrap();
        assert_eq!(rows[0].text, "you idiot");
        assert_eq!(rows[0].id, "t1");
        assert_eq!(labels(&rows, Category::Toxicity), vec![Some(true), Some(false)]);
        assert_eq!(labels(&rows, Category::Insult), vec![None, Some(false)]);
        let opts = ReadOptions {
            text_column: Some("c.body".into()),
            labels: vec![parse_label_spec("insult=y.v").unwrap()],
        };
        let rows = read_str(r#"{"c":{"body":"x"},"y":{"v":"1"}}"#, Format::JsonLines, &opts).unwrap();
        assert_eq!(rows[0].label(Category::Insult), Some(true));
    }

    #[test]
    fn missing_columns_are_named() {
        let err = read_str("a,b\n1,2\n", Format::Csv, &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"text\""), "{err}");
        assert!(parse_label_spec("insult").is_err());
        assert!(parse_label_spec("rudeness=x").is_err());
    }
}
