//! `tamiz eval`: run the engine over labeled comments and measure it.
//!
//! Per category: precision, recall and F1 at the configured review threshold, ROC-AUC, PR-AUC, the
//! best-F1 threshold and a sweep. For the service as a whole: `decision != allow` against the
//! toxicity label (the binary figure the peers are compared on), the confusion of
//! allow/review/reject against that label, the worst false positives and negatives with the
//! evidence that fired, and throughput.
//!
//! ```no_run
//! use tamiz::quality::{data, eval};
//! # fn engine() -> tamiz::engine::Engine { unimplemented!() }
//! let rows = data::read_file("data/train/en_convabuse_train_valid.csv".as_ref(), &Default::default()).unwrap();
//! let report = eval::evaluate(&engine(), "convabuse", &rows, &eval::EvalOptions::default());
//! print!("{}", report.render());
//! ```

use super::data::LabeledRow;
use super::metrics::{self, Confusion, Prf, SweepPoint};
use crate::engine::{Category, Comment, Decision, Engine, Language};
use rayon::prelude::*;
use serde::Serialize;
use std::fmt::Write as _;
use std::time::Instant;

/// What to measure and how much to show.
#[derive(Clone, Debug)]
pub struct EvalOptions {
    /// Language given with every comment; detected when `None`, as the service does.
    pub language: Option<Language>,
    /// How many of the worst false positives and negatives to list.
    pub worst: usize,
    /// Thresholds of the sweep table.
    pub sweep: Vec<f32>,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            language: None,
            worst: 10,
            sweep: (1..20).map(|i| i as f32 * 0.05).collect(),
        }
    }
}

/// A piece of evidence, as the worst-case lists show it.
#[derive(Clone, Debug, Serialize)]
pub struct Fired {
    pub category: Category,
    pub rule: String,
    pub term: String,
    pub weight: f32,
}

/// What the engine said about one row.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub scores: [f32; 7],
    pub decision: Decision,
    pub evidence: Vec<Fired>,
}

/// Scores every row, in parallel, in row order.
pub fn score_rows(engine: &Engine, rows: &[LabeledRow], language: Option<Language>) -> Vec<Outcome> {
    rows.par_iter()
        .map(|r| {
            let v = engine.score(&Comment {
                text: &r.text,
                language,
                parent: None,
            });
            Outcome {
                scores: v.scores.0,
                decision: v.decision,
                evidence: v
                    .matches
                    .into_iter()
                    .map(|m| Fired {
                        category: m.category,
                        rule: m.rule.to_string(),
                        term: m.term.to_string(),
                        weight: m.weight as f32,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Figures for one category.
#[derive(Clone, Debug, Serialize)]
pub struct CategoryReport {
    pub category: Category,
    /// Rows with a label for this category, and how many are positive.
    pub labeled: usize,
    pub positives: usize,
    pub review_threshold: f32,
    /// Flagged = score at or above the review threshold.
    pub at_review: Prf,
    pub roc_auc: Option<f64>,
    pub pr_auc: Option<f64>,
    pub best_f1: Option<SweepPoint>,
    /// Highest recall with precision at least 0.5: (threshold, recall).
    pub recall_at_precision_50: Option<(f32, f64)>,
    pub sweep: Vec<SweepPoint>,
    /// The PR curve (threshold, precision, recall), for plots.
    #[serde(skip)]
    pub curve: Vec<(f32, f64, f64)>,
}

/// `decision != allow` against the toxicity label.
#[derive(Clone, Debug, Serialize)]
pub struct BinaryReport {
    pub labeled: usize,
    pub positives: usize,
    pub flagged: Prf,
    /// Over the toxicity score.
    pub roc_auc: Option<f64>,
    pub pr_auc: Option<f64>,
    /// Rows per decision with label 0 and label 1: `[[allow_0, allow_1], [review_0, ...], ...]`.
    pub confusion: [[u64; 2]; 3],
}

/// A row the engine got wrong, with why.
#[derive(Clone, Debug, Serialize)]
pub struct Example {
    pub id: String,
    pub text: String,
    pub decision: Decision,
    pub toxicity: f32,
    pub evidence: Vec<Fired>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Throughput {
    pub comments: usize,
    pub seconds: f64,
    pub per_second: f64,
    pub threads: usize,
}

/// Everything `eval` measured on one file.
#[derive(Clone, Debug, Serialize)]
pub struct EvalReport {
    pub name: String,
    pub rows: usize,
    pub lexicon_version: String,
    pub throughput: Throughput,
    pub binary: Option<BinaryReport>,
    pub categories: Vec<CategoryReport>,
    pub worst_false_positives: Vec<Example>,
    pub worst_false_negatives: Vec<Example>,
}

/// Scores `rows` with `engine` and measures the result.
pub fn evaluate(engine: &Engine, name: &str, rows: &[LabeledRow], opts: &EvalOptions) -> EvalReport {
    let started = Instant::now();
    let outcomes = score_rows(engine, rows, opts.language);
    let seconds = started.elapsed().as_secs_f64();
    let mut report = measure(engine, name, rows, &outcomes, opts);
    report.throughput = Throughput {
        comments: rows.len(),
        seconds,
        per_second: rows.len() as f64 / seconds.max(1e-9),
        threads: rayon::current_num_threads(),
    };
    report
}

/// Measures given outcomes (one per row) against the rows' labels.
pub fn measure(
    engine: &Engine,
    name: &str,
    rows: &[LabeledRow],
    outcomes: &[Outcome],
    opts: &EvalOptions,
) -> EvalReport {
    let thresholds = engine.thresholds();
    let mut categories = Vec::new();
    for c in Category::ALL {
        let (scores, labels): (Vec<f32>, Vec<bool>) = rows
            .iter()
            .zip(outcomes)
            .filter_map(|(r, o)| r.label(c).map(|l| (o.scores[c.index()], l)))
            .unzip();
        if scores.is_empty() {
            continue;
        }
        let t = thresholds[c.index()].review;
        categories.push(CategoryReport {
            category: c,
            labeled: labels.len(),
            positives: labels.iter().filter(|&&l| l).count(),
            review_threshold: t,
            at_review: metrics::at_threshold(&scores, &labels, t).summary(),
            roc_auc: metrics::roc_auc(&scores, &labels),
            pr_auc: metrics::average_precision(&scores, &labels),
            best_f1: metrics::best_f1(&scores, &labels),
            recall_at_precision_50: metrics::recall_at_precision(&scores, &labels, 0.5),
            sweep: metrics::sweep(&scores, &labels, &opts.sweep),
            curve: metrics::pr_curve(&scores, &labels),
        });
    }
    let tox = Category::Toxicity.index();
    let labeled: Vec<(usize, bool)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.labels[tox].map(|l| (i, l)))
        .collect();
    let binary = (!labeled.is_empty()).then(|| {
        let mut flagged = Confusion::default();
        let mut confusion = [[0u64; 2]; 3];
        for &(i, l) in &labeled {
            let d = outcomes[i].decision;
            flagged.add(d != Decision::Allow, l);
            confusion[d as usize][l as usize] += 1;
        }
        let scores: Vec<f32> = labeled.iter().map(|&(i, _)| outcomes[i].scores[tox]).collect();
        let labels: Vec<bool> = labeled.iter().map(|&(_, l)| l).collect();
        BinaryReport {
            labeled: labeled.len(),
            positives: labels.iter().filter(|&&l| l).count(),
            flagged: flagged.summary(),
            roc_auc: metrics::roc_auc(&scores, &labels),
            pr_auc: metrics::average_precision(&scores, &labels),
            confusion,
        }
    });
    let example = |i: usize| Example {
        id: rows[i].id.clone(),
        text: clip(&rows[i].text, 240),
        decision: outcomes[i].decision,
        toxicity: outcomes[i].scores[tox],
        evidence: outcomes[i].evidence.clone(),
    };
    let mut fps: Vec<usize> = labeled
        .iter()
        .filter(|&&(i, l)| !l && outcomes[i].decision != Decision::Allow)
        .map(|&(i, _)| i)
        .collect();
    fps.sort_by(|&a, &b| {
        outcomes[b].scores[tox]
            .total_cmp(&outcomes[a].scores[tox])
            .then(a.cmp(&b))
    });
    let mut fns: Vec<usize> = labeled
        .iter()
        .filter(|&&(i, l)| l && outcomes[i].decision == Decision::Allow)
        .map(|&(i, _)| i)
        .collect();
    fns.sort_by(|&a, &b| {
        outcomes[a].scores[tox]
            .total_cmp(&outcomes[b].scores[tox])
            .then(a.cmp(&b))
    });
    EvalReport {
        name: name.to_string(),
        rows: rows.len(),
        lexicon_version: engine.version().to_string(),
        throughput: Throughput {
            comments: 0,
            seconds: 0.0,
            per_second: 0.0,
            threads: 0,
        },
        binary,
        categories,
        worst_false_positives: fps.into_iter().take(opts.worst).map(example).collect(),
        worst_false_negatives: fns.into_iter().take(opts.worst).map(example).collect(),
    }
}

fn clip(s: &str, max: usize) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut t: String = one_line.chars().take(max).collect();
        t.push('…');
        t
    }
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "  –  ".to_string(), |v| format!("{v:.3}"))
}

impl EvalReport {
    /// The readable table `tamiz eval` prints by default.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}: {} rows, lexicon {}, {:.0} comments/s on {} threads",
            self.name, self.rows, self.lexicon_version, self.throughput.per_second, self.throughput.threads
        );
        if let Some(b) = &self.binary {
            let _ = writeln!(
                s,
                "\nflagged (decision != allow) vs toxic label: {} rows, {} toxic\n  precision {:.3}  recall {:.3}  F1 {:.3}  ROC-AUC {}  PR-AUC {} (toxicity score)",
                b.labeled,
                b.positives,
                b.flagged.precision,
                b.flagged.recall,
                b.flagged.f1,
                opt(b.roc_auc),
                opt(b.pr_auc)
            );
            let _ = writeln!(s, "\n  decision   label 0   label 1");
            for d in Decision::ALL {
                let row = b.confusion[d as usize];
                let _ = writeln!(s, "  {:<8} {:>9} {:>9}", d.as_str(), row[0], row[1]);
            }
        }
        let _ = writeln!(
            s,
            "\ncategory            rows   pos  review   prec  recall     F1  ROC-AUC  PR-AUC  best F1 @ thr  R@P>=.5"
        );
        for c in &self.categories {
            let best = c.best_f1.map_or_else(
                || "     –       ".to_string(),
                |b| format!("{:.3} @ {:.2}", b.f1, b.threshold),
            );
            let rap = c
                .recall_at_precision_50
                .map_or_else(|| "  –  ".to_string(), |(_, r)| format!("{r:.3}"));
            let _ = writeln!(
                s,
                "{:<18} {:>5} {:>5}  {:>5.2}  {:.3}   {:.3}  {:.3}    {}   {}  {}  {}",
                c.category.as_str(),
                c.labeled,
                c.positives,
                c.review_threshold,
                c.at_review.precision,
                c.at_review.recall,
                c.at_review.f1,
                opt(c.roc_auc),
                opt(c.pr_auc),
                best,
                rap
            );
        }
        if let Some(c) = self.categories.iter().find(|c| c.category == Category::Toxicity) {
            let _ = writeln!(s, "\ntoxicity threshold sweep:\n  thr    prec  recall     F1  flagged");
            for p in &c.sweep {
                let _ = writeln!(
                    s,
                    "  {:.2}  {:.3}   {:.3}  {:.3}   {:.3}",
                    p.threshold, p.precision, p.recall, p.f1, p.flagged
                );
            }
        }
        for (title, list) in [
            ("worst false positives", &self.worst_false_positives),
            ("worst false negatives", &self.worst_false_negatives),
        ] {
            let _ = writeln!(s, "\n{title}:");
            if list.is_empty() {
                let _ = writeln!(s, "  (none)");
            }
            for e in list {
                let _ = writeln!(s, "  [{}] {} toxicity {:.3}: {}", e.id, e.decision, e.toxicity, e.text);
                let mut ev: Vec<&Fired> = e.evidence.iter().collect();
                ev.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
                let shown: Vec<String> = ev
                    .iter()
                    .take(6)
                    .map(|f| format!("{} {:?} {:+.2}", f.rule, f.term, f.weight))
                    .collect();
                if !shown.is_empty() {
                    let _ = writeln!(s, "      {}", shown.join(", "));
                }
            }
        }
        s
    }
}
