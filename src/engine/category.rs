//! The closed vocabularies of the engine: categories, languages and decisions.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The seven scored categories, named as Perspective names its attributes (in snake_case).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Toxicity,
    SevereToxicity,
    Insult,
    Threat,
    Profanity,
    IdentityAttack,
    SexuallyExplicit,
}

impl Category {
    /// All categories, in the order scores are reported.
    pub const ALL: [Category; 7] = [
        Category::Toxicity,
        Category::SevereToxicity,
        Category::Insult,
        Category::Threat,
        Category::Profanity,
        Category::IdentityAttack,
        Category::SexuallyExplicit,
    ];

    /// Index into per-category arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The snake_case name used in JSON, config, wordlist file names and metric labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Toxicity => "toxicity",
            Category::SevereToxicity => "severe_toxicity",
            Category::Insult => "insult",
            Category::Threat => "threat",
            Category::Profanity => "profanity",
            Category::IdentityAttack => "identity_attack",
            Category::SexuallyExplicit => "sexually_explicit",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| {
            format!(
                "unknown category {s:?} (expected one of: {})",
                Category::ALL.map(|c| c.as_str()).join(", ")
            )
        })
    }
}

/// Languages with wordlists and heuristics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Es,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Es];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Language {
    type Err = String;
    /// Accepts BCP-47 style tags and keeps the primary subtag: `es-MX` is Spanish.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "en" => Ok(Language::En),
            "es" => Ok(Language::Es),
            _ => Err(format!("unsupported language {s:?} (supported: en, es)")),
        }
    }
}

/// What the CMS should do with the comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Allow,
    Review,
    Reject,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Allow, Decision::Review, Decision::Reject];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Review => "review",
            Decision::Reject => "reject",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
