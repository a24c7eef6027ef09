//! `tamiz train`: fit per-category weights for word n-grams and write them as a learned wordlist.
//!
//! The model of a category `c` is the engine's own formula with extra terms:
//!
//! ```text
//! logit_c = offset_c + b_c + Σ_j w_cj · x_j
//! ```
//!
//! `offset_c` is the logit the engine gives without learned lists (operator wordlists and
//! heuristics, with the configured bias), held fixed; `b_c` becomes the `@bias` row; `x_j` is
//! what the engine will add for learned n-gram `j`: 1 for its first occurrence, halved for each
//! repeat, times the dampening factor where an insult, threat or identity-attack term is negated or
//! reported. So the fitted numbers are exactly the numbers the service computes, and every
//! learned term shows in a verdict's `matches` as `learned:en/<category>` with its weight.
//!
//! The fit is an elastic-net logistic regression (L1 keeps the list short, L2 keeps correlated
//! n-grams from trading huge weights) by cyclic coordinate descent with a Newton step per
//! coordinate, in a seeded order, so reruns write byte-identical files. A category is fitted only
//! on rows that carry a label for it. Rows of fold 0 ([`HELD_BACK`]) are never used.

use super::data::{self, LabeledRow, HELD_BACK};
use super::metrics::{self, Confusion};
use crate::engine::heuristics::{negation, tokenize, vocab};
use crate::engine::lexicon::MatchMode;
use crate::engine::{Category, Comment, Engine};
use aho_corasick::{AhoCorasick, MatchKind};
use anyhow::Context;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The training sets: (name, file under the data directory).
pub const TRAIN_SETS: [(&str, &str); 3] = [
    ("jigsaw2018", "en_jigsaw2018_train_subsets.csv"),
    ("davidson2017", "en_davidson2017.csv"),
    ("convabuse", "en_convabuse_train_valid.csv"),
];

/// A category with fewer positives than this (threat: 67, sexually_explicit: 99) is too thinly
/// labeled to learn from: it is left to the operator's lists and heuristics. Fitted on so few, its
/// terms were generic words ("head") and its bias silenced the hand-written threat rules.
pub const MIN_POSITIVES: usize = 200;

/// Hyperparameters and paths; the defaults are what the shipped list was fitted with.
#[derive(Clone, Debug, Serialize)]
pub struct TrainOptions {
    pub data_dir: PathBuf,
    pub out: PathBuf,
    pub seed: u64,
    /// Folds trained on (fold 0 is never allowed).
    pub folds: Vec<u8>,
    /// Longest n-gram.
    pub max_n: usize,
    /// Shortest word prefix learned as a `stem*` entry (0: no prefix features).
    pub prefix_min: usize,
    /// Longest word prefix learned as a `stem*` entry.
    pub prefix_max: usize,
    /// Shortest in-word substring learned as a `*part*` entry (0: no substring features; the
    /// engine takes substring entries of 4 letters or more).
    pub substr_min: usize,
    /// Longest in-word substring learned as a `*part*` entry.
    pub substr_max: usize,
    /// Fewest positives a category needs to be fitted.
    pub min_positives: usize,
    /// Fewest training rows an n-gram must occur in.
    pub min_df: u32,
    /// Largest vocabulary (most frequent first).
    pub max_vocab: usize,
    pub l1: f64,
    pub l2: f64,
    /// Coordinate-descent sweeps at most.
    pub sweeps: usize,
    /// Weights smaller than this are dropped from the list.
    pub prune: f64,
    /// Row weight per set name (default 1).
    pub set_weights: Vec<(String, f64)>,
    /// Sets fitted with an intercept of their own; the others share the one the list ships.
    pub own_intercept: Vec<String>,
    /// Only non-negative weights: learned terms add evidence, never subtract it.
    pub nonneg: bool,
    /// Only non-negative weights for substrings: a word fragment may add evidence, not take it.
    pub substr_nonneg: bool,
    /// L1 grows with how often a term fires: l1 · (1 + l1_freq · share of rows holding it). A
    /// common word's weight is evidence built for most comments, so it must earn more.
    pub l1_freq: f64,
    /// Also report cross-validated figures over the training folds.
    pub cv: bool,
    /// Where to write each row's cross-validated (folds 1-4) and held-back (fold 0) scores as CSV,
    /// for choosing thresholds.
    pub oof: Option<PathBuf>,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            data_dir: "data/train".into(),
            out: "wordlists/learned/en.tsv".into(),
            seed: 42,
            folds: vec![1, 2, 3, 4],
            max_n: 3,
            prefix_min: 0,
            prefix_max: 0,
            substr_min: 0,
            substr_max: 0,
            min_positives: MIN_POSITIVES,
            min_df: 3,
            max_vocab: 200_000,
            l1: 1.0,
            l2: 5.0,
            sweeps: 60,
            prune: 0.05,
            set_weights: Vec::new(),
            own_intercept: vec!["davidson2017".into()],
            nonneg: false,
            substr_nonneg: false,
            l1_freq: 0.0,
            cv: false,
            oof: None,
        }
    }
}

/// A training row after the engine has read it.
struct Prepared {
    set: usize,
    labels: [Option<bool>; 7],
    fold: u8,
    offset: [f32; 7],
    /// (n-gram id, x): what the engine adds per unit of the n-gram's weight.
    grams: Vec<(u32, f32)>,
}

/// The fitted model of one category.
#[derive(Clone, Debug, Default)]
pub struct CategoryModel {
    pub bias: f64,
    /// (n-gram id, weight), sorted by id.
    pub weights: Vec<(u32, f64)>,
    pub rows: usize,
    pub positives: usize,
}

/// Figures on one set's rows of one fold (from the fitted numbers, as the engine computes them).
#[derive(Clone, Debug, Serialize)]
pub struct SetFigures {
    pub set: String,
    pub rows: usize,
    pub positives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub roc_auc: Option<f64>,
    /// Per category with labels here: (category, F1 at review, ROC-AUC).
    pub categories: Vec<(Category, f64, Option<f64>)>,
    /// F1 of the decision if toxicity's review threshold were each of [`TOXICITY_SWEEP`].
    pub toxicity_sweep: Vec<f64>,
}

/// Review thresholds for toxicity that `figures` tries (the others stay as configured).
pub const TOXICITY_SWEEP: [f32; 8] = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];

/// What `train` did.
#[derive(Clone, Debug, Serialize)]
pub struct TrainReport {
    pub out: PathBuf,
    pub terms: usize,
    pub bias: Vec<(Category, f64)>,
    pub held_back: Vec<SetFigures>,
    /// Mean over the training folds, each predicted by a model fitted on the others.
    pub cross_validated: Vec<SetFigures>,
    pub seconds: f64,
}

/// The n-grams of one comment the engine's matcher would find, with their effective weights.
struct GramReader {
    allow: Option<AhoCorasick>,
    dampening: f32,
    max_n: usize,
    prefix: (usize, usize),
    substr: (usize, usize),
}

impl GramReader {
    fn new(
        engine: &Engine,
        dampening: f32,
        max_n: usize,
        prefix: (usize, usize),
        substr: (usize, usize),
    ) -> anyhow::Result<Self> {
        let patterns: Vec<&str> = engine.lexicon().allow.iter().map(|a| a.pattern.as_str()).collect();
        let allow = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .context("allowlist automaton")?,
            )
        };
        Ok(GramReader {
            allow,
            dampening,
            max_n,
            prefix,
            substr,
        })
    }

    /// (n-gram, x), in first-occurrence order.
    fn read(&self, engine: &Engine, text: &str) -> Vec<(String, f32)> {
        if text.trim().is_empty() {
            return Vec::new();
        }
        let n = engine.normalize(text);
        let t = n.text();
        let tokens = tokenize(t);
        let is_word = |c: char| c.is_alphanumeric() || c == crate::engine::normalize::MASK;
        let mut allowed: Vec<(usize, usize)> = self.allow.as_ref().map_or_else(Vec::new, |ac| {
            ac.find_overlapping_iter(t)
                .map(|m| (m.start(), m.end()))
                .filter(|&(s, e)| {
                    !t[..s].chars().next_back().is_some_and(is_word) && !t[e..].chars().next().is_some_and(is_word)
                })
                .collect()
        });
        // First names that are words ("Dick Cheney") are left out as the engine leaves them.
        allowed.extend(crate::engine::heuristics::first_name_spans(text, &n, &tokens));
        let plain_word = |i: usize| tokens[i].text.chars().all(|c| c.is_alphanumeric());
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut pindex: HashMap<String, usize> = HashMap::new();
        let mut out: Vec<(String, f32, i32)> = Vec::new();
        // The engine's own table (`score` reads the same), not one window per token.
        let damped = negation::dampened_tokens(&tokens);
        for i in 0..tokens.len() {
            let damp = if damped[i] { self.dampening } else { 1.0 };
            let n_max = if plain_word(i) { self.max_n } else { 0 };
            for j in i..(i + n_max).min(tokens.len()) {
                if j > i && (!plain_word(j) || &t[tokens[j - 1].end..tokens[j].start] != " ") {
                    break;
                }
                let (s, e) = (tokens[i].start, tokens[j].end);
                if allowed.iter().any(|&(a, b)| a <= s && e <= b) {
                    continue;
                }
                let gram = &t[s..e];
                if gram.chars().count() < 2 {
                    continue;
                }
                let k = *index.entry(gram).or_insert_with(|| {
                    out.push((gram.to_string(), 0.0, 0));
                    out.len() - 1
                });
                let o = &mut out[k];
                // The engine halves each repeat of a term, counted in text order, and dampens
                // a negated or reported one.
                o.1 += 0.5f32.powi(o.2) * damp;
                o.2 += 1;
            }
            // Word prefixes (`idiot*`: idiot, idiots, idiotic), as the engine's prefix entries
            // match them: letters at the start of a word (the token's start, or just after an
            // apostrophe inside it), whatever follows (`bull****`, `edit*` count too).
            let (lo, hi) = self.prefix;
            if lo > 0 {
                let mut word_start = tokens[i].start;
                for part in tokens[i].text.split('\'') {
                    let s = word_start;
                    word_start += part.len() + 1;
                    for (len, (b, c)) in part.char_indices().enumerate() {
                        let (len, e) = (len + 1, s + b + c.len_utf8());
                        if len > hi || !c.is_alphabetic() {
                            break;
                        }
                        if len < lo || allowed.iter().any(|&(a, z)| a <= s && e <= z) {
                            continue;
                        }
                        add_occurrence(&mut out, &mut pindex, MatchMode::Prefix.list_form(&t[s..e]), damp);
                    }
                }
            }
            // In-word substrings (`*fuck*`: motherfucking, clusterfuck), as the engine's substring
            // entries match them: letters anywhere, no boundary, so every run of letters inside
            // the token yields each of its substrings, in text order (the halving follows it).
            // The engine dampens a hit by the token it starts in: this one.
            let (lo, hi) = self.substr;
            if lo > 0 {
                let tok = tokens[i].text;
                let chars: Vec<(usize, char)> = tok.char_indices().collect();
                for a in 0..chars.len() {
                    for len in lo..=hi {
                        let Some(&(last, c)) = chars.get(a + len - 1) else {
                            break;
                        };
                        if !chars[a..a + len].iter().all(|&(_, c)| c.is_alphabetic()) {
                            break;
                        }
                        let (s, e) = (tokens[i].start + chars[a].0, tokens[i].start + last + c.len_utf8());
                        if allowed.iter().any(|&(x, z)| x <= s && e <= z) {
                            continue;
                        }
                        let key = MatchMode::Substring.list_form(&t[s..e]);
                        // Inside a word (after a letter) the substring says what its prefix
                        // cannot; a marker (x 0, never a term) lets `select_vocab` count those rows.
                        let inner = a > 0 && chars[a - 1].1.is_alphabetic();
                        let marker = inner.then(|| format!("~{key}"));
                        for (key, x) in [(Some(key), 1.0), (marker, 0.0)] {
                            let Some(key) = key else { continue };
                            add_occurrence(&mut out, &mut pindex, key, damp * x);
                        }
                    }
                }
            }
        }
        out.into_iter().map(|(g, x, _)| (g, x)).collect()
    }
}

/// A row's engine logits and n-grams with their x.
type RowFeatures = ([f32; 7], Vec<(String, f32)>);

/// Adds one occurrence of feature `key` (x = `damp`) to a row's features, as the engine weighs
/// repeats: halved for each earlier occurrence of the same term, in text order.
fn add_occurrence(out: &mut Vec<(String, f32, i32)>, index: &mut HashMap<String, usize>, key: String, damp: f32) {
    let k = match index.get(&key) {
        Some(&k) => k,
        None => {
            out.push((key.clone(), 0.0, 0));
            index.insert(key, out.len() - 1);
            out.len() - 1
        }
    };
    let o = &mut out[k];
    o.1 += 0.5f32.powi(o.2) * damp;
    o.2 += 1;
}

/// Reads the training sets, computes the engine's features for every row (fold 0 included, for
/// the held-back figures) and interns the n-grams.
fn prepare(
    engine: &Engine,
    dampening: f32,
    opts: &TrainOptions,
) -> anyhow::Result<(Vec<Prepared>, Vec<String>, Vec<&'static str>)> {
    let reader = GramReader::new(
        engine,
        dampening,
        opts.max_n,
        (opts.prefix_min, opts.prefix_max),
        (opts.substr_min, opts.substr_max),
    )?;
    let mut all: Vec<(usize, LabeledRow)> = Vec::new();
    let mut names = Vec::new();
    for (k, (name, file)) in TRAIN_SETS.iter().enumerate() {
        let path = opts.data_dir.join(file);
        let rows = data::read_file(&path, &Default::default())?;
        all.extend(rows.into_iter().map(|r| (k, r)));
        names.push(*name);
    }
    let read: Vec<RowFeatures> = all
        .par_iter()
        .map(|(_, r)| {
            let f = engine.features(&Comment::new(&r.text));
            (f.logits, reader.read(engine, &r.text))
        })
        .collect();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut vocab: Vec<String> = Vec::new();
    let mut prepared = Vec::with_capacity(all.len());
    for ((set, row), (offset, grams)) in all.into_iter().zip(read) {
        let grams = grams
            .into_iter()
            .map(|(g, x)| {
                let id = match ids.get(&g) {
                    Some(&id) => id,
                    None => {
                        let id = vocab.len() as u32;
                        ids.insert(g.clone(), id);
                        vocab.push(g);
                        id
                    }
                };
                (id, x)
            })
            .collect();
        prepared.push(Prepared {
            set,
            labels: row.labels,
            fold: row.fold,
            offset,
            grams,
        });
    }
    Ok((prepared, vocab, names))
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The n-grams frequent enough in the training rows that a learned list can hold them.
fn select_vocab(rows: &[&Prepared], vocab: &[String], opts: &TrainOptions, leet_ok: &dyn Fn(&str) -> bool) -> Vec<u32> {
    let mut df = vec![0u32; vocab.len()];
    for r in rows {
        for &(id, _) in &r.grams {
            df[id as usize] += 1;
        }
    }
    let df_of: HashMap<&str, u32> = vocab.iter().map(String::as_str).zip(df.iter().copied()).collect();
    // A prefix found in exactly the rows of a shorter prefix, or of the word it spells, is the
    // same feature again: only the shortest of such a chain is kept (fewer hits per comment, and
    // the shortest covers the most unseen inflections).
    // Likewise a substring found in exactly the rows of a shorter substring (one letter less at
    // either end), of the prefix or of the word it spells: it only ever shows at word starts, or
    // always next to the same letters.
    let substr_redundant = |part: &str, d: u32| {
        let same = |g: String| df_of.get(g.as_str()) == Some(&d);
        let drop_last = part.char_indices().next_back().map_or("", |(i, _)| &part[..i]);
        let drop_first = part.chars().next().map_or("", |c| &part[c.len_utf8()..]);
        df_of.get(format!("~*{part}*").as_str()).copied().unwrap_or(0) < opts.min_df
            || same(format!("{part}*"))
            || same(part.to_string())
            || [drop_last, drop_first]
                .iter()
                .any(|p| p.chars().count() >= opts.substr_min && same(format!("*{p}*")))
    };
    let redundant = |g: &str, d: u32| {
        if let Some(part) = g.strip_prefix('*').and_then(|p| p.strip_suffix('*')) {
            return substr_redundant(part, d);
        }
        let Some(stem) = g.strip_suffix('*') else {
            return false;
        };
        let shorter = stem.char_indices().next_back().map(|(i, _)| &stem[..i]).unwrap_or("");
        (shorter.chars().count() >= opts.prefix_min && df_of.get(format!("{shorter}*").as_str()) == Some(&d))
            || df_of.get(stem) == Some(&d)
    };
    let mut keep: Vec<u32> = (0..vocab.len() as u32)
        .filter(|&id| {
            let (g, d) = (&vocab[id as usize], df[id as usize]);
            d >= opts.min_df && leet_ok(g) && !redundant(g, d)
        })
        .collect();
    keep.sort_by(|&a, &b| {
        df[b as usize]
            .cmp(&df[a as usize])
            .then(vocab[a as usize].cmp(&vocab[b as usize]))
    });
    keep.truncate(opts.max_vocab);
    keep.sort_unstable();
    keep
}

/// Fits one category on `rows` (those labeled for it) over the n-grams `keep`.
fn fit_category(c: Category, rows: &[&Prepared], keep: &[u32], vocab: &[String], opts: &TrainOptions) -> CategoryModel {
    let n_vocab = vocab.len();
    let ci = c.index();
    let rows: Vec<&&Prepared> = rows.iter().filter(|r| r.labels[ci].is_some()).collect();
    if rows.is_empty() {
        return CategoryModel::default();
    }
    let mut col_of = vec![u32::MAX; n_vocab];
    for (k, &id) in keep.iter().enumerate() {
        col_of[id as usize] = k as u32;
    }
    let mut cols: Vec<Vec<(u32, f64)>> = vec![Vec::new(); keep.len()];
    let mut y = Vec::with_capacity(rows.len());
    let mut s = Vec::with_capacity(rows.len());
    let mut z = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        y.push(if r.labels[ci] == Some(true) { 1.0 } else { 0.0 });
        s.push(set_weight(opts, r.set));
        z.push(r.offset[ci] as f64);
        for &(id, x) in &r.grams {
            let k = col_of[id as usize];
            if k != u32::MAX {
                cols[k as usize].push((i as u32, x as f64));
            }
        }
    }
    let positives = y.iter().filter(|&&v| v > 0.5).count();
    let mut w = vec![0.0f64; keep.len()];
    // Sets named in `own_intercept` (by default Davidson: 83% "toxic" tweets, a label nearer
    // "offensive") get an intercept of their own while fitting, so their share of positives lands
    // there instead of in word weights. The others share the intercept the list ships; sharing it
    // between Jigsaw (35% toxic) and ConvAbuse (13%) teaches short neutral turns to stay low.
    if positives < opts.min_positives {
        return CategoryModel {
            rows: rows.len(),
            positives,
            ..Default::default()
        };
    }
    let set_of: Vec<usize> = rows
        .iter()
        .map(|r| {
            let name = TRAIN_SETS[r.set].0;
            if opts.own_intercept.iter().any(|n| n == name) {
                1 + r.set
            } else {
                0
            }
        })
        .collect();
    let fit_bias = true;
    let mut biases = [0.0f64; TRAIN_SETS.len() + 1];
    if fit_bias {
        fit_intercepts(&mut biases, &set_of, &mut z, &y, &s, 20);
    }
    // A group's name is evidence of an attack on a group, and of nothing else: the other
    // categories learn no term built on one (see `vocab::is_built_on_identity`).
    let mut order: Vec<usize> = (0..keep.len())
        .filter(|&k| !cols[k].is_empty())
        .filter(|&k| c == Category::IdentityAttack || !vocab::is_built_on_identity(&vocab[keep[k] as usize]))
        .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(opts.seed ^ (ci as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    for _ in 0..opts.sweeps {
        order.shuffle(&mut rng);
        let mut max_step = 0.0f64;
        for &k in &order {
            let (mut g, mut h) = (0.0, 0.0);
            for &(i, x) in &cols[k] {
                let i = i as usize;
                let p = sigmoid(z[i]);
                g += s[i] * (p - y[i]) * x;
                h += s[i] * p * (1.0 - p) * x * x;
            }
            let old = w[k];
            let l1 = opts.l1 * (1.0 + opts.l1_freq * cols[k].len() as f64 / rows.len() as f64);
            if old == 0.0 && g.abs() <= l1 {
                continue;
            }
            // Newton step on this coordinate with the L1 term handled by soft-thresholding.
            let u = h * old - g;
            let mut new = u.signum() * (u.abs() - l1).max(0.0) / (h + opts.l2 + 1e-12);
            if opts.nonneg || (opts.substr_nonneg && vocab[keep[k] as usize].starts_with('*')) {
                new = new.max(0.0);
            }
            let step = (new - old).clamp(-1.0, 1.0);
            if step == 0.0 {
                continue;
            }
            w[k] = old + step;
            max_step = max_step.max(step.abs());
            for &(i, x) in &cols[k] {
                z[i as usize] += step * x;
            }
        }
        if fit_bias {
            fit_intercepts(&mut biases, &set_of, &mut z, &y, &s, 2);
        }
        if max_step < 1e-3 {
            break;
        }
    }
    // Prune and round to what the file holds, then refit the intercept against exactly that.
    let mut weights = Vec::new();
    for (k, &id) in keep.iter().enumerate() {
        let rounded = (w[k] * 1e4).round() / 1e4;
        let kept = if rounded.abs() >= opts.prune { rounded } else { 0.0 };
        if kept != w[k] {
            for &(i, x) in &cols[k] {
                z[i as usize] += (kept - w[k]) * x;
            }
        }
        if kept != 0.0 {
            weights.push((id, kept));
        }
    }
    if fit_bias {
        fit_intercepts(&mut biases, &set_of, &mut z, &y, &s, 20);
    }
    // Shared intercept when any shared set labels the category, else the first own one.
    let reference = set_of.iter().copied().min().unwrap_or(0);
    CategoryModel {
        bias: (biases[reference] * 1e4).round() / 1e4,
        weights,
        rows: rows.len(),
        positives,
    }
}

/// Newton steps on the per-set intercepts alone.
fn fit_intercepts(biases: &mut [f64], set_of: &[usize], z: &mut [f64], y: &[f64], s: &[f64], steps: usize) {
    for _ in 0..steps {
        let mut g = vec![0.0; biases.len()];
        let mut h = vec![0.0; biases.len()];
        for i in 0..z.len() {
            let p = sigmoid(z[i]);
            g[set_of[i]] += s[i] * (p - y[i]);
            h[set_of[i]] += s[i] * p * (1.0 - p);
        }
        let step: Vec<f64> = g
            .iter()
            .zip(&h)
            .map(|(g, h)| {
                if *h > 0.0 {
                    (-g / (h + 1e-9)).clamp(-2.0, 2.0)
                } else {
                    0.0
                }
            })
            .collect();
        for (b, d) in biases.iter_mut().zip(&step) {
            *b += d;
        }
        for (v, &k) in z.iter_mut().zip(set_of) {
            *v += step[k];
        }
        if step.iter().all(|d| d.abs() < 1e-6) {
            break;
        }
    }
}

fn set_weight(opts: &TrainOptions, set: usize) -> f64 {
    let name = TRAIN_SETS[set].0;
    opts.set_weights
        .iter()
        .find(|(n, _)| n == name)
        .map_or(1.0, |(_, w)| *w)
}

/// Fits every category on the rows of `folds`.
fn fit_all(
    prepared: &[Prepared],
    vocab: &[String],
    folds: &[u8],
    opts: &TrainOptions,
    valid: &dyn Fn(&str) -> bool,
) -> [CategoryModel; 7] {
    let rows: Vec<&Prepared> = prepared
        .iter()
        .filter(|r| r.fold != HELD_BACK && folds.contains(&r.fold))
        .collect();
    let keep = select_vocab(&rows, vocab, opts, valid);
    let models: Vec<CategoryModel> = Category::ALL
        .par_iter()
        .map(|&c| fit_category(c, &rows, &keep, vocab, opts))
        .collect();
    std::array::from_fn(|i| models[i].clone())
}

/// Per set, figures on the rows of `fold` from the fitted models, as the engine would score them.
fn figures(
    prepared: &[Prepared],
    models: &[CategoryModel; 7],
    fold: u8,
    names: &[&str],
    engine: &Engine,
) -> Vec<SetFigures> {
    let thresholds = engine.thresholds();
    let mut out = Vec::new();
    for (k, name) in names.iter().enumerate() {
        let rows: Vec<&Prepared> = prepared.iter().filter(|r| r.set == k && r.fold == fold).collect();
        let scores = row_scores(&rows, models);
        let tox = Category::Toxicity.index();
        let mut flagged = Confusion::default();
        let mut swept = [Confusion::default(); TOXICITY_SWEEP.len()];
        let (mut ts, mut tl) = (Vec::new(), Vec::new());
        for (r, sc) in rows.iter().zip(&scores) {
            if let Some(l) = r.labels[tox] {
                let any = Category::ALL
                    .iter()
                    .any(|c| sc[c.index()] >= thresholds[c.index()].review);
                flagged.add(any, l);
                let others = Category::ALL
                    .iter()
                    .any(|c| *c != Category::Toxicity && sc[c.index()] >= thresholds[c.index()].review);
                for (k, t) in TOXICITY_SWEEP.iter().enumerate() {
                    swept[k].add(others || sc[tox] >= *t, l);
                }
                ts.push(sc[tox]);
                tl.push(l);
            }
        }
        let mut categories = Vec::new();
        for c in Category::ALL {
            let (s, l): (Vec<f32>, Vec<bool>) = rows
                .iter()
                .zip(&scores)
                .filter_map(|(r, sc)| r.labels[c.index()].map(|l| (sc[c.index()], l)))
                .unzip();
            if l.iter().any(|&x| x) {
                let f1 = metrics::at_threshold(&s, &l, thresholds[c.index()].review).f1();
                categories.push((c, f1, metrics::roc_auc(&s, &l)));
            }
        }
        out.push(SetFigures {
            set: name.to_string(),
            rows: tl.len(),
            positives: tl.iter().filter(|&&x| x).count(),
            precision: flagged.precision(),
            recall: flagged.recall(),
            f1: flagged.f1(),
            roc_auc: metrics::roc_auc(&ts, &tl),
            categories,
            toxicity_sweep: swept.iter().map(|c| c.f1()).collect(),
        });
    }
    out
}

/// Each row's scores from the fitted models, as the engine computes them.
fn row_scores(rows: &[&Prepared], models: &[CategoryModel; 7]) -> Vec<[f32; 7]> {
    let maps: Vec<HashMap<u32, f64>> = models.iter().map(|m| m.weights.iter().copied().collect()).collect();
    rows.iter()
        .map(|r| {
            std::array::from_fn(|ci| {
                let mut z = r.offset[ci] as f64 + models[ci].bias;
                for &(id, x) in &r.grams {
                    if let Some(w) = maps[ci].get(&id) {
                        z += w * x as f64;
                    }
                }
                sigmoid(z) as f32
            })
        })
        .collect()
}

/// CSV lines `set,fold,<label per category>,<score per category>` for the rows of `fold`.
fn oof_lines(prepared: &[Prepared], models: &[CategoryModel; 7], fold: u8, names: &[&str], out: &mut String) {
    let rows: Vec<&Prepared> = prepared.iter().filter(|r| r.fold == fold).collect();
    for (r, sc) in rows.iter().zip(row_scores(&rows, models)) {
        let _ = write!(out, "{},{}", names[r.set], r.fold);
        for l in r.labels {
            let _ = write!(out, ",{}", l.map_or("", |b| if b { "1" } else { "0" }));
        }
        for v in sc {
            let _ = write!(out, ",{v:.6}");
        }
        out.push('\n');
    }
}

fn mean_figures(runs: &[Vec<SetFigures>]) -> Vec<SetFigures> {
    let n = runs.len() as f64;
    let mut out = runs[0].clone();
    for (k, f) in out.iter_mut().enumerate() {
        let avg = |g: &dyn Fn(&SetFigures) -> f64| runs.iter().map(|r| g(&r[k])).sum::<f64>() / n;
        f.rows = runs.iter().map(|r| r[k].rows).sum();
        f.positives = runs.iter().map(|r| r[k].positives).sum();
        f.precision = avg(&|x| x.precision);
        f.recall = avg(&|x| x.recall);
        f.f1 = avg(&|x| x.f1);
        f.roc_auc = Some(avg(&|x| x.roc_auc.unwrap_or(0.0)));
        for (j, v) in f.toxicity_sweep.iter_mut().enumerate() {
            *v = avg(&|x| x.toxicity_sweep[j]);
        }
        for (j, c) in f.categories.iter_mut().enumerate() {
            let get = |r: &Vec<SetFigures>| r[k].categories.get(j).map_or((0.0, 0.0), |x| (x.1, x.2.unwrap_or(0.0)));
            c.1 = runs.iter().map(|r| get(r).0).sum::<f64>() / n;
            c.2 = Some(runs.iter().map(|r| get(r).1).sum::<f64>() / n);
        }
    }
    out
}

/// Renders figures as a small table.
pub fn render_figures(figs: &[SetFigures]) -> String {
    let mut s = String::new();
    for f in figs {
        let _ = write!(
            s,
            "{:<13} rows {:>5} toxic {:>5}  P {:.3} R {:.3} F1 {:.3} AUC {}",
            f.set,
            f.rows,
            f.positives,
            f.precision,
            f.recall,
            f.f1,
            f.roc_auc.map_or("–".into(), |a| format!("{a:.3}"))
        );
        for (c, f1, auc) in &f.categories {
            if *c != Category::Toxicity {
                let _ = write!(
                    s,
                    " | {} F1 {:.2} AUC {}",
                    c.as_str(),
                    f1,
                    auc.map_or("–".into(), |a| format!("{a:.2}"))
                );
            }
        }
        s.push('\n');
    }
    s
}

/// Decision F1 per set as toxicity's review threshold varies.
pub fn render_sweep(figs: &[SetFigures]) -> String {
    let mut s = String::from("toxicity review threshold:");
    for t in TOXICITY_SWEEP {
        let _ = write!(s, " {t:>5.2}");
    }
    s.push('\n');
    for f in figs {
        let _ = write!(s, "{:<26}", f.set);
        for v in &f.toxicity_sweep {
            let _ = write!(s, " {v:>5.3}");
        }
        s.push('\n');
    }
    s
}

/// Runs the whole training: features, fit, the learned list, held-back (and cross-validated)
/// figures. `engine` must be built without learned lists; `command` goes into the file header.
pub fn train(engine: &Engine, dampening: f32, opts: &TrainOptions, command: &str) -> anyhow::Result<TrainReport> {
    let started = std::time::Instant::now();
    anyhow::ensure!(
        !opts.folds.contains(&HELD_BACK),
        "fold {HELD_BACK} is the held-back fold and is never trained on"
    );
    anyhow::ensure!(!opts.folds.is_empty(), "no training folds");
    anyhow::ensure!(
        opts.substr_min == 0 || (4..=opts.substr_max).contains(&opts.substr_min),
        "substrings need 4 letters or more (the engine's shortest substring entry), and min <= max"
    );
    let (prepared, vocab, names) = prepare(engine, dampening, opts)?;
    // A term must read back as itself, or the loader would store a different pattern.
    // A prefix's stem must be letters only, as the prefix features are read.
    let valid = |g: &str| match g.strip_suffix('*') {
        Some(stem) => {
            let stem = stem.strip_prefix('*').unwrap_or(stem);
            stem.chars().all(char::is_alphabetic) && engine.normalize(stem).text() == stem
        }
        None => engine.normalize(g).text() == g,
    };
    let models = fit_all(&prepared, &vocab, &opts.folds, opts, &valid);
    let held_back = figures(&prepared, &models, HELD_BACK, &names, engine);
    let mut cross_validated = Vec::new();
    let mut oof = String::from("set,fold");
    for prefix in ["label", "score"] {
        for c in Category::ALL {
            let _ = write!(oof, ",{prefix}_{}", c.as_str());
        }
    }
    oof.push('\n');
    oof_lines(&prepared, &models, HELD_BACK, &names, &mut oof);
    if opts.cv && opts.folds.len() > 1 {
        let runs: Vec<Vec<SetFigures>> = opts
            .folds
            .iter()
            .map(|&k| {
                let rest: Vec<u8> = opts.folds.iter().copied().filter(|&f| f != k).collect();
                let m = fit_all(&prepared, &vocab, &rest, opts, &valid);
                oof_lines(&prepared, &m, k, &names, &mut oof);
                figures(&prepared, &m, k, &names, engine)
            })
            .collect();
        cross_validated = mean_figures(&runs);
    }
    if let Some(path) = &opts.oof {
        std::fs::write(path, &oof).with_context(|| format!("writing {}", path.display()))?;
    }
    let text = render_list(
        &models,
        &vocab,
        &prepared,
        &names,
        opts,
        command,
        &held_back,
        &cross_validated,
    );
    if let Some(dir) = opts.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&opts.out, text).with_context(|| format!("writing {}", opts.out.display()))?;
    Ok(TrainReport {
        out: opts.out.clone(),
        terms: models.iter().map(|m| m.weights.len()).sum(),
        bias: Category::ALL.iter().map(|c| (*c, models[c.index()].bias)).collect(),
        held_back,
        cross_validated,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[allow(clippy::too_many_arguments)]
fn render_list(
    models: &[CategoryModel; 7],
    vocab: &[String],
    prepared: &[Prepared],
    names: &[&str],
    opts: &TrainOptions,
    command: &str,
    held_back: &[SetFigures],
    cv: &[SetFigures],
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Learned English weights, written by `tamiz train`. Do not edit: retrain instead."
    );
    let _ = writeln!(s, "# Reproduce: {command}");
    let _ = writeln!(
        s,
        "# Model: per category, logit = engine logit without learned lists (fixed offset) + @bias + sum of"
    );
    let prefixes = if opts.prefix_min > 0 {
        format!(
            " and word prefixes of {}..{} letters (`stem*`)",
            opts.prefix_min, opts.prefix_max
        )
    } else {
        String::new()
    };
    let prefixes = if opts.substr_min > 0 {
        format!(
            "{prefixes}, in-word substrings of {}..{} letters (`*part*`)",
            opts.substr_min, opts.substr_max
        )
    } else {
        prefixes
    };
    let _ = writeln!(
        s,
        "# term weights; elastic-net logistic regression (l1 {}, l2 {}), word 1..{}-grams{prefixes} in >= {} training rows,",
        opts.l1, opts.l2, opts.max_n, opts.min_df
    );
    if opts.l1_freq != 0.0 || opts.substr_nonneg {
        let _ = writeln!(
            s,
            "# A term's l1 is l1 * (1 + {} * share of rows it fires in){}.",
            opts.l1_freq,
            if opts.substr_nonneg {
                "; substring weights are >= 0"
            } else {
                ""
            }
        );
    }
    let _ = writeln!(
        s,
        "# coordinate descent (seed {}, <= {} sweeps), |weight| < {} pruned. Trained on folds {:?} of:",
        opts.seed, opts.sweeps, opts.prune, opts.folds
    );
    for (k, name) in names.iter().enumerate() {
        let n = prepared
            .iter()
            .filter(|r| r.set == k && opts.folds.contains(&r.fold))
            .count();
        let own = if opts.own_intercept.iter().any(|o| o == name) {
            ", own intercept"
        } else {
            ""
        };
        let _ = writeln!(s, "#   {name} ({n} rows, weight {}{own})", set_weight(opts, k));
    }
    let _ = writeln!(s, "# Rows per category (positives):");
    for c in Category::ALL {
        let m = &models[c.index()];
        let _ = writeln!(
            s,
            "#   {:<18} {} ({}), {} terms",
            c.as_str(),
            m.rows,
            m.positives,
            m.weights.len()
        );
    }
    let _ = writeln!(
        s,
        "# Held-back fold {HELD_BACK} (never trained on), flagged = any category at its review threshold:"
    );
    for line in render_figures(held_back).lines() {
        let _ = writeln!(s, "#   {line}");
    }
    if !cv.is_empty() {
        let _ = writeln!(
            s,
            "# Cross-validated over folds {:?} (mean of each fold predicted by the others):",
            opts.folds
        );
        for line in render_figures(cv).lines() {
            let _ = writeln!(s, "#   {line}");
        }
    }
    let _ = writeln!(s, "#");
    for c in Category::ALL {
        let m = &models[c.index()];
        if m.bias != 0.0 {
            let _ = writeln!(s, "@bias\t{}\t{:.4}", c.as_str(), m.bias);
        }
    }
    for c in Category::ALL {
        let mut terms: Vec<(&str, f64)> = models[c.index()]
            .weights
            .iter()
            .map(|&(id, w)| (vocab[id as usize].as_str(), w))
            .collect();
        terms.sort_by(|a, b| a.0.cmp(b.0));
        for (t, w) in terms {
            let _ = writeln!(s, "{t}\t{}\t{w:.4}", c.as_str());
        }
    }
    s
}

/// The default training data directory, relative to the repository root.
pub fn default_data_dir(root: &Path) -> PathBuf {
    root.join("data/train")
}

#[cfg(test)]
mod tests {
    use crate::engine::heuristics::vocab::is_built_on_identity as built_on_identity;

    #[test]
    fn no_term_is_built_on_a_group_word_alone() {
        for f in [
            "gay",
            "are gay",
            "the jews",
            "you are gay",
            "all muslims",
            "musl*",
            "jewi*",
            "*homo*",
            "*exica*",
        ] {
            assert!(built_on_identity(f), "{f} is a group word with function words");
        }
        for f in [
            "white trash",
            "stupid jew",
            "idiot",
            "you are",
            "fag*",
            "*fuck*",
            "homo",
            "gaylord",
        ] {
            assert!(!built_on_identity(f), "{f} says more than who it names");
        }
    }
}
