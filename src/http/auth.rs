//! API keys: who may score, who may administer, and whether the ops endpoints are guarded.
//!
//! A key arrives as `Authorization: Bearer KEY` or as `?key=KEY` (what Perspective clients send).
//! Configured keys are kept only as SHA-256 digests; a presented key is hashed and compared with
//! every digest in constant time (`subtle`), so neither the content nor the length of a key leaks
//! through timing, and the position of the matching key does not either.
//!
//! Rules:
//! - scoring ([`Access::Api`]): open when `auth.api_keys` is empty (start-up warns), else an API key;
//! - admin ([`Access::Admin`]): an admin key; with none configured, open if `auth.admin_open`,
//!   else 403;
//! - ops ([`Access::Ops`], `/metrics`, `/healthz`, `/readyz`): open unless
//!   `auth.protect_ops_endpoints`, then an API or admin key.
//!
//! Rate limit (`limits.rate_limit_per_minute`, off at 0): scoring requests are counted per API key,
//! or per client address when the service runs open, in a token bucket (`governor`); over it,
//! [`AuthError::RateLimited`] becomes a 429 with `Retry-After` in each surface's shape
//! (Perspective's `RESOURCE_EXHAUSTED`). Admin and ops endpoints are never limited.
//!
//! Handlers of the native surface take the extractors [`ApiKey`], [`AdminKey`] or [`OpsKey`];
//! other surfaces call [`KeyRing::check`] and map [`AuthError`] into their own error shape.

use super::errors::ApiError;
use super::AppState;
use crate::settings::AuthSettings;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use std::future::{ready, Ready};
use std::num::NonZeroU32;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("an API key is required: send `Authorization: Bearer KEY` or `?key=KEY`")]
    Missing,
    #[error("the key is not valid for this endpoint")]
    Invalid,
    #[error("admin endpoints are disabled: configure auth.admin_keys")]
    AdminDisabled,
    #[error("rate limit exceeded for this client: retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
}

/// Which set of keys an endpoint takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Api,
    Admin,
    Ops,
}

type Digest32 = [u8; 32];

/// The configured keys, as digests.
#[derive(Clone)]
pub struct KeyRing {
    api: Vec<Digest32>,
    admin: Vec<Digest32>,
    admin_open: bool,
    protect_ops: bool,
    /// Scoring requests per client, when `limits.rate_limit_per_minute` is set.
    limiter: Option<Arc<DefaultKeyedRateLimiter<Digest32>>>,
}

/// Clients remembered by the rate limiter before idle ones are forgotten, so a flood of
/// addresses cannot grow it without bound.
const MAX_TRACKED_CLIENTS: usize = 10_000;

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("api_keys", &self.api.len())
            .field("admin_keys", &self.admin.len())
            .field("admin_open", &self.admin_open)
            .field("protect_ops", &self.protect_ops)
            .field("rate_limited", &self.limiter.is_some())
            .finish()
    }
}

fn digest(key: &str) -> Digest32 {
    Sha256::digest(key.as_bytes()).into()
}

impl KeyRing {
    pub fn new(settings: &AuthSettings) -> KeyRing {
        let digests = |keys: &[secrecy::SecretString]| keys.iter().map(|k| digest(k.expose_secret())).collect();
        KeyRing {
            api: digests(&settings.api_keys),
            admin: digests(&settings.admin_keys),
            admin_open: settings.admin_open,
            protect_ops: settings.protect_ops_endpoints,
            limiter: None,
        }
    }

    /// Limits scoring requests to `per_minute` per client with bursts of `burst` (0: one
    /// second's worth, at least 1); `per_minute` 0 turns the limit off.
    pub fn with_rate_limit(mut self, per_minute: u32, burst: u32) -> KeyRing {
        self.limiter = NonZeroU32::new(per_minute).map(|rate| {
            let burst = NonZeroU32::new(burst)
                .or(NonZeroU32::new(rate.get().div_ceil(60)))
                .unwrap_or(NonZeroU32::MIN);
            Arc::new(RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst)))
        });
        self
    }

    /// True when scoring needs no key.
    pub fn api_open(&self) -> bool {
        self.api.is_empty()
    }

    /// True when admin endpoints need no key.
    pub fn admin_open(&self) -> bool {
        self.admin.is_empty() && self.admin_open
    }

    /// Decides whether `req` may use an endpoint of kind `access` now: the right key, and for
    /// scoring, within the client's rate.
    pub fn check(&self, access: Access, req: &HttpRequest) -> Result<(), AuthError> {
        let client = self.authenticate(access, req)?;
        if access == Access::Api {
            self.within_rate(req, client)?;
        }
        Ok(())
    }

    /// Counts the request against its client's bucket: the key's digest, else the peer address.
    fn within_rate(&self, req: &HttpRequest, client: Option<Digest32>) -> Result<(), AuthError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        let client = client.unwrap_or_else(|| {
            let peer = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
            digest(&format!("peer:{peer}"))
        });
        if limiter.len() > MAX_TRACKED_CLIENTS {
            limiter.retain_recent();
        }
        limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AuthError::RateLimited {
                retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
            }
        })
    }

    /// Checks the key; returns the digest of the presented key, or `None` where none is needed.
    fn authenticate(&self, access: Access, req: &HttpRequest) -> Result<Option<Digest32>, AuthError> {
        let (sets, open): (&[&[Digest32]], bool) = match access {
            Access::Api => (&[&self.api], self.api.is_empty()),
            Access::Admin if self.admin.is_empty() => {
                return if self.admin_open {
                    Ok(None)
                } else {
                    Err(AuthError::AdminDisabled)
                };
            }
            Access::Admin => (&[&self.admin], false),
            Access::Ops => (
                &[&self.api, &self.admin],
                !self.protect_ops || (self.api.is_empty() && self.admin.is_empty()),
            ),
        };
        if open {
            return Ok(None);
        }
        let key = presented_key(req).ok_or(AuthError::Missing)?;
        let presented = digest(&key);
        // Visit every key, so timing does not tell which one matched.
        let mut found = subtle::Choice::from(0u8);
        for set in sets {
            for known in set.iter() {
                found |= known.ct_eq(&presented);
            }
        }
        if bool::from(found) {
            Ok(Some(presented))
        } else {
            Err(AuthError::Invalid)
        }
    }
}

/// The key a request presents: the bearer token, else the `key` query parameter.
pub fn presented_key(req: &HttpRequest) -> Option<String> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let value = value.trim();
        if value.len() > 7 && value[..7].eq_ignore_ascii_case("bearer ") {
            let token = value[7..].trim();
            if !token.is_empty() {
                return Some(token.to_string());
            }
        }
    }
    #[derive(serde::Deserialize)]
    struct KeyParam {
        key: Option<String>,
    }
    web::Query::<KeyParam>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.into_inner().key)
        .filter(|k| !k.is_empty())
}

fn check(req: &HttpRequest, access: Access) -> Result<(), ApiError> {
    match req.app_data::<web::Data<AppState>>() {
        Some(state) => Ok(state.keys.check(access, req)?),
        // Only reachable if the app is wired without state, which startup never does.
        None => Err(AuthError::Invalid.into()),
    }
}

macro_rules! extractor {
    ($(#[$doc:meta])* $name:ident, $access:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = Ready<Result<Self, ApiError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                ready(check(req, $access).map(|()| $name))
            }
        }
    };
}

extractor!(
    /// Proof that the request may score comments.
    ApiKey,
    Access::Api
);
extractor!(
    /// Proof that the request may use `/admin/*`.
    AdminKey,
    Access::Admin
);
extractor!(
    /// Proof that the request may read `/metrics`, `/healthz`, `/readyz`.
    OpsKey,
    Access::Ops
);

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;
    use secrecy::SecretString;

    fn ring(api: &[&str], admin: &[&str], admin_open: bool, protect_ops: bool) -> KeyRing {
        let keys = |k: &[&str]| k.iter().map(|s| SecretString::from(s.to_string())).collect();
        KeyRing::new(&AuthSettings {
            api_keys: keys(api),
            admin_keys: keys(admin),
            admin_open,
            protect_ops_endpoints: protect_ops,
            require_keys: false,
        })
    }

    #[test]
    fn table() {
        use Access::*;
        let bearer = |k: &str| TestRequest::default().insert_header(("Authorization", format!("Bearer {k}")));
        let query = |k: &str| TestRequest::with_uri(&format!("/x?key={k}"));
        let none = TestRequest::default;
        type Row = (&'static str, KeyRing, Access, TestRequest, Result<(), AuthError>);
        let rows: Vec<Row> = vec![
            ("open api", ring(&[], &[], false, false), Api, none(), Ok(())),
            (
                "api bearer",
                ring(&["k1"], &[], false, false),
                Api,
                bearer("k1"),
                Ok(()),
            ),
            (
                "api query",
                ring(&["k1", "k2"], &[], false, false),
                Api,
                query("k2"),
                Ok(()),
            ),
            (
                "api missing",
                ring(&["k1"], &[], false, false),
                Api,
                none(),
                Err(AuthError::Missing),
            ),
            (
                "api wrong",
                ring(&["k1"], &[], false, false),
                Api,
                bearer("k2"),
                Err(AuthError::Invalid),
            ),
            (
                "admin key on api",
                ring(&["k1"], &["a"], false, false),
                Api,
                bearer("a"),
                Err(AuthError::Invalid),
            ),
            ("admin open", ring(&[], &[], true, false), Admin, none(), Ok(())),
            (
                "admin disabled",
                ring(&[], &[], false, false),
                Admin,
                none(),
                Err(AuthError::AdminDisabled),
            ),
            ("admin key", ring(&[], &["a"], true, false), Admin, bearer("a"), Ok(())),
            (
                "api key on admin",
                ring(&["k1"], &["a"], true, false),
                Admin,
                bearer("k1"),
                Err(AuthError::Invalid),
            ),
            ("ops open", ring(&["k1"], &[], false, false), Ops, none(), Ok(())),
            (
                "ops protected",
                ring(&["k1"], &[], false, true),
                Ops,
                none(),
                Err(AuthError::Missing),
            ),
            (
                "ops admin key",
                ring(&["k1"], &["a"], false, true),
                Ops,
                query("a"),
                Ok(()),
            ),
        ];
        for (name, ring, access, req, want) in rows {
            assert_eq!(ring.check(access, &req.to_http_request()), want, "{name}");
        }
    }
}
