//! The engine's tunable numbers: category biases, rule weights, toxicity shares, dampening and
//! decision thresholds. Deserialized from the `[engine]` and `[thresholds]` sections of the
//! settings, validated once, then read on every comment.

use super::category::{Category, Language};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every heuristic rule, by the stable id it has in `matches`; config names a rule without the
/// `heuristic:` prefix, and a typo there is an error rather than a silent zero. Static strings, so
/// evidence carries no allocation and no shared reference count per match.
pub const RULES: [&str; 12] = [
    "heuristic:insult/second-person",
    "heuristic:insult/name-calling",
    "heuristic:insult/exclamative",
    "heuristic:threat/intent-violence-target",
    "heuristic:threat/wish-harm",
    "heuristic:threat/passive-deserve",
    "heuristic:identity/group-attack",
    "heuristic:signal/shouting",
    "heuristic:signal/repeated-punctuation",
    "heuristic:signal/grawlix",
    "heuristic:signal/echo",
    "heuristic:context/reply-to-parent",
];

/// A rule's name as config writes it: its id without `heuristic:`.
fn rule_name(id: &'static str) -> &'static str {
    id.strip_prefix("heuristic:").unwrap_or(id)
}

/// The stable id of a heuristic rule named as in config (`insult/second-person`).
pub fn heuristic_rule_id(rule: &str) -> &'static str {
    RULES
        .iter()
        .copied()
        .find(|id| rule_name(id) == rule)
        .unwrap_or("heuristic:unknown")
}

/// A category's decision thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub review: f32,
    pub reject: f32,
}

/// Engine settings as written in config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineConfig {
    #[serde(default = "default_language")]
    pub default_language: Language,
    #[serde(default = "default_term_weight")]
    pub default_term_weight: f32,
    #[serde(default = "default_dampening")]
    pub dampening: f32,
    #[serde(default)]
    pub bias: BTreeMap<Category, f32>,
    #[serde(default)]
    pub rules: BTreeMap<String, f32>,
    #[serde(default)]
    pub toxicity_share: BTreeMap<Category, f32>,
    /// Extra leetspeak substitutions, e.g. `{ "9" = "g" }`, added to the built-in table.
    #[serde(default)]
    pub leet: BTreeMap<String, String>,
}

fn default_language() -> Language {
    Language::En
}
fn default_term_weight() -> f32 {
    1.5
}
fn default_dampening() -> f32 {
    0.3
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            default_language: default_language(),
            default_term_weight: default_term_weight(),
            dampening: default_dampening(),
            bias: BTreeMap::new(),
            rules: BTreeMap::new(),
            toxicity_share: BTreeMap::new(),
            leet: BTreeMap::new(),
        }
    }
}

/// Validated, array-indexed parameters the scorer reads.
#[derive(Clone, Debug)]
pub struct Params {
    pub default_language: Language,
    pub default_term_weight: f32,
    pub dampening: f32,
    pub bias: [f32; 7],
    pub share: [f32; 7],
    pub rules: BTreeMap<&'static str, f32>,
    pub thresholds: [Threshold; 7],
    pub leet: Vec<(char, char)>,
}

impl Params {
    /// Weight of a heuristic rule (0 when config leaves it out).
    pub fn rule(&self, name: &str) -> f32 {
        self.rules.get(name).copied().unwrap_or(0.0)
    }

    /// Checks everything and collects every problem, each naming its setting.
    pub fn new(cfg: &EngineConfig, thresholds: &BTreeMap<Category, Threshold>) -> Result<Params, Vec<String>> {
        let mut problems = Vec::new();
        let mut bias = [-3.0f32; 7];
        for (c, v) in &cfg.bias {
            if !v.is_finite() {
                problems.push(format!("engine.bias.{c} must be a finite number"));
            }
            bias[c.index()] = *v;
        }
        let mut share = [0.0f32; 7];
        for c in [
            Category::Insult,
            Category::Threat,
            Category::Profanity,
            Category::IdentityAttack,
            Category::SexuallyExplicit,
            Category::SevereToxicity,
        ] {
            share[c.index()] = 1.0;
        }
        share[Category::Toxicity.index()] = 1.0;
        for (c, v) in &cfg.toxicity_share {
            if !(0.0..=2.0).contains(v) {
                problems.push(format!("engine.toxicity_share.{c} must be between 0 and 2"));
            }
            share[c.index()] = *v;
        }
        let mut rules = BTreeMap::new();
        for (name, w) in &cfg.rules {
            match RULES.iter().map(|id| rule_name(id)).find(|r| r == name) {
                Some(r) if w.is_finite() => {
                    rules.insert(r, *w);
                }
                Some(_) => problems.push(format!("engine.rules.\"{name}\" must be a finite number")),
                None => problems.push(format!(
                    "engine.rules: unknown rule \"{name}\" (known: {})",
                    RULES.map(rule_name).join(", ")
                )),
            }
        }
        if !(0.0..=1.0).contains(&cfg.dampening) {
            problems.push("engine.dampening must be between 0 and 1".into());
        }
        if !cfg.default_term_weight.is_finite() {
            problems.push("engine.default_term_weight must be a finite number".into());
        }
        let mut th = [Threshold {
            review: 0.5,
            reject: 0.85,
        }; 7];
        for c in Category::ALL {
            match thresholds.get(&c) {
                Some(t) => {
                    let ok = (0.0..=1.0).contains(&t.review) && (0.0..=1.0).contains(&t.reject) && t.review <= t.reject;
                    if !ok {
                        problems.push(format!(
                            "thresholds.{c}: review ({}) and reject ({}) must be within 0..1 with review <= reject",
                            t.review, t.reject
                        ));
                    }
                    th[c.index()] = *t;
                }
                None => problems.push(format!("thresholds.{c} is missing")),
            }
        }
        let mut leet = Vec::new();
        for (k, v) in &cfg.leet {
            let (mut kc, mut vc) = (k.chars(), v.chars());
            match (kc.next(), kc.next(), vc.next(), vc.next()) {
                (Some(a), None, Some(b), None) => leet.push((a, b)),
                _ => problems.push(format!(
                    "engine.leet: {k:?} = {v:?} must map one character to one letter"
                )),
            }
        }
        if problems.is_empty() {
            Ok(Params {
                default_language: cfg.default_language,
                default_term_weight: cfg.default_term_weight,
                dampening: cfg.dampening,
                bias,
                share,
                rules,
                thresholds: th,
                leet,
            })
        } else {
            Err(problems)
        }
    }
}
