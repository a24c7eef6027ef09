//! Binary classification metrics over scores: precision, recall, F1 at a threshold, ROC-AUC,
//! PR-AUC (average precision) and threshold sweeps.
//!
//! Ties are handled the way scikit-learn handles them (a threshold takes every row at or above
//! it; ROC-AUC counts a tied positive/negative pair as half right), so figures are comparable
//! with the peers'.
//!
//! ```
//! use tamiz::quality::metrics::{roc_auc, average_precision};
//! let scores = [0.1, 0.4, 0.35, 0.8];
//! let labels = [false, false, true, true];
//! assert_eq!(roc_auc(&scores, &labels), Some(0.75));
//! assert!((average_precision(&scores, &labels).unwrap() - 0.8333).abs() < 1e-3);
//! ```

use serde::Serialize;

/// Counts of a binary decision against a binary label.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Confusion {
    pub tp: u64,
    pub fp: u64,
    pub tn: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
}

impl Confusion {
    pub fn add(&mut self, predicted: bool, actual: bool) {
        match (predicted, actual) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, false) => self.tn += 1,
            (false, true) => self.fn_ += 1,
        }
    }

    /// Precision; 0 when nothing was flagged.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// Recall; 0 when there are no positives.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    pub fn summary(&self) -> Prf {
        Prf {
            precision: self.precision(),
            recall: self.recall(),
            f1: self.f1(),
            confusion: *self,
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Precision, recall and F1 with the counts behind them.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    #[serde(flatten)]
    pub confusion: Confusion,
}

/// Counts at a threshold: a row is flagged when its score is at or above `threshold`.
pub fn at_threshold(scores: &[f32], labels: &[bool], threshold: f32) -> Confusion {
    let mut c = Confusion::default();
    for (&s, &l) in scores.iter().zip(labels) {
        c.add(s >= threshold, l);
    }
    c
}

/// Area under the ROC curve (the probability a random positive outscores a random negative, ties
/// half). `None` without both classes.
pub fn roc_auc(scores: &[f32], labels: &[bool]) -> Option<f64> {
    let pos = labels.iter().filter(|&&l| l).count() as f64;
    let neg = labels.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return None;
    }
    // Mann-Whitney U over ranks, ties getting their average rank.
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum = 0.0f64;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += order[i..=j].iter().filter(|&&k| labels[k]).count() as f64 * avg_rank;
        i = j + 1;
    }
    Some((rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

/// One point per distinct score, from the highest: (threshold, precision, recall).
pub fn pr_curve(scores: &[f32], labels: &[bool]) -> Vec<(f32, f64, f64)> {
    let pos = labels.iter().filter(|&&l| l).count() as f64;
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut tp, mut fp) = (0.0f64, 0.0f64);
    let mut out = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let s = scores[order[i]];
        while i < order.len() && scores[order[i]] == s {
            if labels[order[i]] {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
            i += 1;
        }
        let recall = if pos > 0.0 { tp / pos } else { 0.0 };
        out.push((s, tp / (tp + fp), recall));
    }
    out
}

/// Average precision (scikit-learn's PR-AUC): Σ (R_k − R_{k−1}) · P_k over the PR curve.
pub fn average_precision(scores: &[f32], labels: &[bool]) -> Option<f64> {
    if !labels.iter().any(|&l| l) {
        return None;
    }
    let mut prev_recall = 0.0;
    let mut ap = 0.0;
    for (_, p, r) in pr_curve(scores, labels) {
        ap += (r - prev_recall) * p;
        prev_recall = r;
    }
    Some(ap)
}

/// A row of a threshold sweep.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SweepPoint {
    pub threshold: f32,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Share of all rows flagged at this threshold.
    pub flagged: f64,
}

/// Precision, recall, F1 and flagged share at each threshold.
pub fn sweep(scores: &[f32], labels: &[bool], thresholds: &[f32]) -> Vec<SweepPoint> {
    thresholds
        .iter()
        .map(|&t| {
            let c = at_threshold(scores, labels, t);
            SweepPoint {
                threshold: t,
                precision: c.precision(),
                recall: c.recall(),
                f1: c.f1(),
                flagged: ratio(c.tp + c.fp, scores.len() as u64),
            }
        })
        .collect()
}

/// The threshold (among the scores themselves) with the highest F1.
pub fn best_f1(scores: &[f32], labels: &[bool]) -> Option<SweepPoint> {
    let n = scores.len() as f64;
    let mut best: Option<SweepPoint> = None;
    let (mut tp, mut fp) = (0u64, 0u64);
    let pos = labels.iter().filter(|&&l| l).count() as u64;
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut i = 0;
    while i < order.len() {
        let s = scores[order[i]];
        while i < order.len() && scores[order[i]] == s {
            if labels[order[i]] {
                tp += 1
            } else {
                fp += 1
            }
            i += 1;
        }
        let c = Confusion {
            tp,
            fp,
            tn: 0,
            fn_: pos - tp,
        };
        if best.is_none_or(|b| c.f1() > b.f1) {
            best = Some(SweepPoint {
                threshold: s,
                precision: c.precision(),
                recall: c.recall(),
                f1: c.f1(),
                flagged: (tp + fp) as f64 / n,
            });
        }
    }
    best
}

/// The highest recall reachable with precision at least `min_precision`, and its threshold.
pub fn recall_at_precision(scores: &[f32], labels: &[bool], min_precision: f64) -> Option<(f32, f64)> {
    pr_curve(scores, labels)
        .into_iter()
        .filter(|&(_, p, _)| p >= min_precision)
        .map(|(t, _, r)| (t, r))
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// (scores, labels, roc_auc, average precision), values from scikit-learn.
    const CASES: &[(&[f32], &[bool], f64, f64)] = &[
        (
            &[0.1, 0.4, 0.35, 0.8],
            &[false, false, true, true],
            0.75,
            0.8333333333333333,
        ),
        (&[0.9, 0.8, 0.7, 0.1], &[true, true, false, false], 1.0, 1.0),
        (&[0.5, 0.5, 0.5, 0.5], &[true, false, true, false], 0.5, 0.5),
        (
            &[0.2, 0.3, 0.3, 0.6, 0.9, 0.1],
            &[false, true, false, true, false, true],
            0.3888888888888889,
            0.5,
        ),
    ];

    #[test]
    fn auc_and_average_precision_match_known_values() {
        for (s, l, auc, ap) in CASES {
            assert!(close(roc_auc(s, l).unwrap(), *auc), "{s:?}: auc {:?}", roc_auc(s, l));
            let got = average_precision(s, l).unwrap();
            assert!(close(got, *ap), "{s:?}: ap {got}");
        }
    }

    #[test]
    fn single_class_has_no_auc() {
        assert_eq!(roc_auc(&[0.1, 0.2], &[true, true]), None);
        assert_eq!(average_precision(&[0.1, 0.2], &[false, false]), None);
    }

    #[test]
    fn precision_recall_f1_at_a_threshold() {
        let c = at_threshold(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true], 0.38);
        assert_eq!(
            c,
            Confusion {
                tp: 1,
                fp: 1,
                tn: 1,
                fn_: 1
            }
        );
        assert!(close(c.f1(), 0.5));
        assert_eq!(Confusion::default().f1(), 0.0);
    }

    #[test]
    fn best_f1_and_recall_at_precision() {
        let s = [0.1, 0.4, 0.35, 0.8];
        let l = [false, false, true, true];
        let b = best_f1(&s, &l).unwrap();
        assert_eq!(b.threshold, 0.35);
        assert!(close(b.f1, 0.8));
        assert_eq!(recall_at_precision(&s, &l, 1.0), Some((0.8, 0.5)));
        let sw = sweep(&s, &l, &[0.0, 0.5]);
        assert!(close(sw[0].recall, 1.0) && close(sw[0].flagged, 1.0));
        assert!(close(sw[1].precision, 1.0) && close(sw[1].recall, 0.5));
    }
}
