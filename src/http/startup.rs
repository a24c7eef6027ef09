//! Building and running the service (zero-to-production's `Application`).
//!
//! [`Application::build`] does everything that can fail before the first request: it builds the
//! engine (a broken wordlist stops start-up with its file and line), binds the listener (port 0
//! picks a free port, which tests use), creates the metrics registry and the shared
//! [`AppState`], and starts the file watcher. [`Application::run_until_stopped`] serves until
//! SIGTERM or SIGINT, reloading on SIGHUP.
//!
//! Shutdown: on SIGTERM/SIGINT the service marks itself draining (`/readyz` answers 503), keeps
//! serving for `server.drain_delay_secs` so load balancers notice, then stops accepting
//! connections and gives requests in flight `server.shutdown_grace_secs` to finish.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use tamiz::{http::Application, settings::Settings};
//! let settings = Settings::load("config".as_ref())?;
//! tamiz::telemetry::init(&settings.log);
//! Application::build(settings).await?.run_until_stopped().await
//! # }
//! ```

use super::{access, auth::KeyRing, errors, AppState, Lifecycle};
use crate::metrics::{Metrics, GIT_SHA};
use crate::reload::{self, FileWatch, LiveEngine, Reloader};
use crate::settings::Settings;
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// A bound, built service, ready to run.
pub struct Application {
    addr: SocketAddr,
    server: Server,
    state: web::Data<AppState>,
    handle_signals: bool,
    _watch: Option<FileWatch>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Builds the engine, binds `server.host:server.port`, and starts the file watcher when
    /// `lexicon.watch`. Prints `listening on http://HOST:PORT` to stderr once bound.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let metrics = Arc::new(Metrics::new().context("cannot create the metrics registry")?);
        let wordlists = settings.wordlist_dir();
        let engine = {
            let settings = settings.clone();
            tokio::task::spawn_blocking(move || settings.build_engine())
                .await
                .context("the engine build task failed")?
                .with_context(|| format!("cannot build the engine from {}", wordlists.display()))?
        };
        metrics.lexicon_loaded(&engine);
        let live = Arc::new(LiveEngine::new(engine));
        let reloader = Arc::new(Reloader::new(settings.clone(), live.clone(), metrics.clone()));

        let keys = KeyRing::new(&settings.auth)
            .with_rate_limit(settings.limits.rate_limit_per_minute, settings.limits.rate_limit_burst);
        if keys.api_open() {
            tracing::warn!("NO API KEYS CONFIGURED: anyone who can reach this port can use the scoring API; set auth.api_keys (TAMIZ__AUTH__API_KEYS) to require keys");
        }
        if keys.admin_open() {
            tracing::warn!("NO ADMIN KEYS CONFIGURED and auth.admin_open = true: anyone who can reach this port can reload the lexicon");
        }

        let watch = if settings.lexicon.watch {
            let mut dirs = vec![wordlists.clone()];
            if settings.config_dir.is_dir() && !wordlists.starts_with(&settings.config_dir) {
                dirs.push(settings.config_dir.clone());
            }
            let debounce = Duration::from_millis(settings.lexicon.watch_debounce_ms);
            match reload::watch(reloader.clone(), &dirs, debounce) {
                Ok(w) => Some(w),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot watch the wordlist and config directories; reload with SIGHUP or POST /admin/reload");
                    None
                }
            }
        } else {
            None
        };

        let host = settings.server.host.clone();
        let listener = TcpListener::bind((host.as_str(), settings.server.port))
            .with_context(|| format!("cannot listen on {host}:{}", settings.server.port))?;
        let addr = listener.local_addr()?;

        let state = web::Data::new(AppState {
            engine: live,
            reloader,
            metrics,
            admission: Arc::new(Semaphore::new(settings.server.max_in_flight)),
            keys,
            lifecycle: Lifecycle::default(),
            settings: Arc::new(settings),
        });
        let server = serve(listener, state.clone())?;
        // A plain line, whatever the log settings: scripts and tests read the port from it.
        eprintln!("listening on http://{addr}");
        tracing::info!(
            %addr,
            version = env!("CARGO_PKG_VERSION"),
            git_sha = GIT_SHA,
            lexicon_version = %state.engine.current().version(),
            "tamiz serving"
        );
        Ok(Application {
            addr,
            server,
            state,
            handle_signals: true,
            _watch: watch,
        })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The shared state (tests use it to begin draining or read the engine).
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Whether `run_until_stopped` installs the SIGTERM/SIGINT/SIGHUP handlers (default: yes).
    /// In-process tests turn it off so the test binary keeps its default signal behaviour.
    pub fn handle_signals(mut self, yes: bool) -> Self {
        self.handle_signals = yes;
        self
    }

    /// Serves until SIGTERM/SIGINT (then drains gracefully) or until the server is stopped.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let Application {
            server,
            state,
            handle_signals,
            _watch,
            ..
        } = self;
        if handle_signals {
            install_signal_handlers(&server, &state)?;
        }
        server.await.context("the HTTP server failed")?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Wires every surface, the access middleware and the 404 default service onto `listener`.
fn serve(listener: TcpListener, state: web::Data<AppState>) -> anyhow::Result<Server> {
    let s = &state.settings.server;
    let workers = match s.workers {
        0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        n => n,
    };
    let (max_connections, client_timeout, grace) = (
        s.max_connections,
        Duration::from_secs(s.client_request_timeout_secs),
        s.shutdown_grace_secs,
    );
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(from_fn(access::middleware))
            .configure(super::configure)
            .default_service(web::to(errors::not_found))
    })
    .workers(workers)
    .max_connections(max_connections)
    .client_request_timeout(client_timeout)
    // A batch answer goes out as several writes (its slots are not copied into one body); with
    // Nagle's algorithm the last one waited for the client's delayed ACK, 40 ms on Linux.
    .tcp_nodelay(true)
    .shutdown_timeout(grace)
    // Our own handler marks the service draining before actix stops accepting.
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(server)
}

#[cfg(unix)]
fn install_signal_handlers(server: &Server, state: &web::Data<AppState>) -> anyhow::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    reload::reload_on_sighup(state.reloader.clone()).context("cannot install the SIGHUP handler")?;
    let mut term = signal(SignalKind::terminate()).context("cannot install the SIGTERM handler")?;
    let mut int = signal(SignalKind::interrupt()).context("cannot install the SIGINT handler")?;
    let handle = server.handle();
    let lifecycle = state.lifecycle.clone();
    let grace = state.settings.server.shutdown_grace_secs;
    let delay = state.settings.server.drain_delay_secs;
    tokio::spawn(async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        lifecycle.begin_draining();
        tracing::info!(
            signal = name,
            delay_secs = delay,
            grace_secs = grace,
            "draining: /readyz answers 503; finishing requests in flight"
        );
        if delay > 0 {
            tokio::time::sleep(std::time::Duration::from_secs(delay)).await;
        }
        handle.stop(true).await;
    });
    Ok(())
}

#[cfg(not(unix))]
fn install_signal_handlers(server: &Server, state: &web::Data<AppState>) -> anyhow::Result<()> {
    let handle = server.handle();
    let lifecycle = state.lifecycle.clone();
    let delay = state.settings.server.drain_delay_secs;
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            lifecycle.begin_draining();
            if delay > 0 {
                tokio::time::sleep(std::time::Duration::from_secs(delay)).await;
            }
            handle.stop(true).await;
        }
    });
    Ok(())
}
