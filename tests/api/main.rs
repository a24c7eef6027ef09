//! HTTP tests: each starts the real service on 127.0.0.1:0 with a throw-away config directory and
//! talks to it over HTTP, like a CMS would.

mod auth;
mod batch;
mod errors;
mod helpers;
mod logging;
mod metrics;
mod moderate;
mod openapi;
mod ops;
mod process;
mod reload;
mod shutdown;
