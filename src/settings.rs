//! Typed settings: `config/default.toml`, then `config/$TAMIZ_ENV.toml`, then environment
//! variables `TAMIZ__SECTION__KEY` (e.g. `TAMIZ__SERVER__PORT=9000`).
//!
//! Secrets (API keys, admin keys, webhook secrets) are `SecretString`s so they never reach a log
//! through `Debug`. Relative paths are resolved against the parent of the config directory, which
//! is the repository root when run from a clone.

use crate::engine::{Category, EngineConfig, Threshold};
use secrecy::SecretString;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Environment variable naming the overlay file (`production` reads `config/production.toml`).
pub const ENV_VAR: &str = "TAMIZ_ENV";

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub limits: Limits,
    pub auth: AuthSettings,
    pub log: LogSettings,
    pub lexicon: LexiconSettings,
    pub engine: EngineConfig,
    pub thresholds: BTreeMap<Category, Threshold>,
    #[serde(default)]
    pub feedback: FeedbackSettings,
    #[serde(default)]
    pub coral: CoralSettings,
    /// The directory the settings were read from.
    #[serde(skip)]
    pub config_dir: PathBuf,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub workers: usize,
    #[serde(default)]
    pub external_url: String,
    pub shutdown_grace_secs: u64,
    /// Seconds between SIGTERM and closing the listener, while `/readyz` answers 503 and
    /// requests are still served, so load balancers see the replica unready first.
    #[serde(default)]
    pub drain_delay_secs: u64,
    pub request_timeout_secs: u64,
    pub client_request_timeout_secs: u64,
    pub max_connections: usize,
    pub max_in_flight: usize,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub max_text_chars: usize,
    pub max_batch_items: usize,
    pub max_json_depth: usize,
    /// Scoring requests per minute per API key (per client address when open); 0 is no limit.
    #[serde(default)]
    pub rate_limit_per_minute: u32,
    /// Requests a client may send at once before the rate applies; 0 means one second's worth
    /// (at least 1).
    #[serde(default)]
    pub rate_limit_burst: u32,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    #[serde(default)]
    pub api_keys: Vec<SecretString>,
    #[serde(default)]
    pub admin_keys: Vec<SecretString>,
    #[serde(default)]
    pub admin_open: bool,
    #[serde(default)]
    pub protect_ops_endpoints: bool,
    /// Refuse to start without API and admin keys (set in production.toml).
    #[serde(default)]
    pub require_keys: bool,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    pub level: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconSettings {
    pub dir: PathBuf,
    pub watch: bool,
    pub watch_debounce_ms: u64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackSettings {
    pub path: PathBuf,
}

impl Default for FeedbackSettings {
    fn default() -> Self {
        FeedbackSettings {
            path: PathBuf::from("data/feedback.jsonl"),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoralSettings {
    #[serde(default)]
    pub signing_secrets: Vec<SecretString>,
}

/// Every problem found in the settings, each naming its file or key.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct SettingsError(pub Vec<String>);

impl Settings {
    /// Reads `dir/default.toml`, the `$TAMIZ_ENV` overlay and `TAMIZ__*` variables.
    pub fn load(dir: &Path) -> Result<Settings, SettingsError> {
        let env = std::env::var(ENV_VAR).ok().filter(|e| !e.is_empty());
        Self::load_with(dir, env.as_deref(), true)
    }

    /// As [`Settings::load`], with the overlay name given and environment variables optional
    /// (tests and `check-config` use this).
    pub fn load_with(dir: &Path, env: Option<&str>, read_env_vars: bool) -> Result<Settings, SettingsError> {
        let base = dir.join("default.toml");
        if !base.is_file() {
            return Err(SettingsError(vec![format!("{}: not found", base.display())]));
        }
        let mut builder = config::Config::builder().add_source(config::File::from(base.as_path()).required(true));
        if let Some(env) = env {
            if env.contains(['/', '\\']) || env.starts_with('.') {
                return Err(SettingsError(vec![format!("{ENV_VAR}={env:?} is not a plain name")]));
            }
            let overlay = dir.join(format!("{env}.toml"));
            if !overlay.is_file() {
                return Err(SettingsError(vec![format!(
                    "{}: not found (from {ENV_VAR}={env})",
                    overlay.display()
                )]));
            }
            builder = builder.add_source(config::File::from(overlay.as_path()).required(true));
        }
        if read_env_vars {
            builder = builder.add_source(
                config::Environment::with_prefix("TAMIZ")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true)
                    .list_separator(",")
                    .with_list_parse_key("auth.api_keys")
                    .with_list_parse_key("auth.admin_keys")
                    .with_list_parse_key("coral.signing_secrets"),
            );
        }
        let raw = builder.build().map_err(|e| SettingsError(vec![e.to_string()]))?;
        let mut settings: Settings = raw
            .try_deserialize()
            .map_err(|e| SettingsError(vec![format!("{}: {e}", dir.display())]))?;
        settings.config_dir = dir.to_path_buf();
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let mut p = Vec::new();
        if self.limits.max_body_bytes == 0 || self.limits.max_text_chars == 0 || self.limits.max_batch_items == 0 {
            p.push("limits: max_body_bytes, max_text_chars and max_batch_items must be positive".into());
        }
        if self.limits.max_json_depth < 4 {
            p.push("limits.max_json_depth must be at least 4".into());
        }
        if self.server.request_timeout_secs == 0 {
            p.push("server.request_timeout_secs must be positive".into());
        }
        if self.auth.require_keys && (self.auth.api_keys.is_empty() || self.auth.admin_keys.is_empty()) {
            p.push("auth.require_keys is set: configure auth.api_keys and auth.admin_keys (e.g. TAMIZ__AUTH__API_KEYS=...)".into());
        }
        if self.server.max_in_flight == 0 {
            p.push("server.max_in_flight must be positive".into());
        }
        if let Err(problems) = crate::engine::config::Params::new(&self.engine, &self.thresholds) {
            p.extend(problems);
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(SettingsError(p))
        }
    }

    /// Resolves a configured path: absolute as is, relative against the config dir's parent.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            return path.to_path_buf();
        }
        let root = self
            .config_dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        root.join(path)
    }

    /// The wordlist directory, resolved.
    pub fn wordlist_dir(&self) -> PathBuf {
        self.resolve(&self.lexicon.dir)
    }

    /// Builds the engine these settings describe.
    pub fn build_engine(&self) -> Result<crate::engine::Engine, crate::engine::BuildError> {
        crate::engine::Engine::build(&self.engine, &self.thresholds, &self.wordlist_dir())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_config() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config")
    }

    #[test]
    fn default_config_loads_and_validates() {
        let s = Settings::load_with(&repo_config(), None, false).expect("default.toml is valid");
        assert_eq!(s.server.host, "127.0.0.1");
        assert_eq!(s.server.port, 8080);
        assert_eq!(s.thresholds.len(), 7);
        assert!(s.wordlist_dir().ends_with("wordlists"));
    }

    #[test]
    fn production_overlay_requires_keys() {
        let err = Settings::load_with(&repo_config(), Some("production"), false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("auth.require_keys"), "{err}");
    }

    #[test]
    fn bad_threshold_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(repo_config().join("default.toml"))
            .unwrap()
            .replace(
                "[thresholds.insult]\nreview = 0.2",
                "[thresholds.insult]\nreview = 0.95",
            );
        std::fs::write(dir.path().join("default.toml"), text).unwrap();
        let err = Settings::load_with(dir.path(), None, false).unwrap_err().to_string();
        assert!(err.contains("thresholds.insult"), "{err}");
    }

    #[test]
    fn unknown_key_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(repo_config().join("default.toml"))
            .unwrap()
            .replace("[server]\n", "[server]\nprot = 1\n");
        std::fs::write(dir.path().join("default.toml"), text).unwrap();
        let err = Settings::load_with(dir.path(), None, false).unwrap_err().to_string();
        assert!(err.contains("prot"), "{err}");
    }
}
