//! The OpenAPI 3.1 document of the whole HTTP API, generated from the handlers' own types
//! (`utoipa`), served at `GET /openapi.json`.
//!
//! Each handler carries its `#[utoipa::path]` (method, path, request body, every status it can
//! answer with the error shape of its surface) and each wire type its `ToSchema` derive, so the
//! document changes with the code. This module adds what no single handler owns: the schemas
//! of the engine's hand-serialized types ([`Scores`], [`LanguageTag`]), the error bodies that
//! the compatibility surfaces build as JSON values (mirrored here as schema-only types), the
//! security schemes, and the list of operations.
//!
//! `tests/schemathesis/run.sh` holds the running service to this document: every generated
//! request must get a documented status, a body matching its schema, and never a 5xx.
//!
//! ```
//! let doc = tamiz::http::openapi::document();
//! assert!(doc["paths"]["/v1/moderate"]["post"]["responses"]["413"].is_object());
//! ```

use super::errors::{ApiErrorBody, ApiErrorDetail};
use super::native::{CommentId, LanguageTag};
use super::perspective::AttributeParameters;
use crate::engine::{Category, Scores};
use actix_web::{web, HttpResponse};
use serde::Serialize;
use std::borrow::Cow;
use std::sync::OnceLock;
use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tamiz",
        description = "Self-hosted comment moderation: tamiz's own API, Perspective-, OpenAI- and Coral-compatible surfaces, and operations endpoints. Errors are in each surface's own shape.",
        license(name = "Apache-2.0")
    ),
    paths(
        super::native::moderate,
        super::native::moderate_batch,
        super::native::lexicon,
        super::perspective::analyze_handler,
        super::perspective::suggest_handler,
        super::perspective::discovery_handler,
        super::openai::moderations,
        super::coral::moderate,
        super::admin::reload,
        super::ops::healthz,
        super::ops::readyz,
        super::ops::metrics,
        openapi_json,
    ),
    components(schemas(ApiErrorBody, BatchItemError)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "native", description = "tamiz's own API"),
        (name = "perspective", description = "Google Perspective (Comment Analyzer v1alpha1) compatible"),
        (name = "openai", description = "OpenAI moderation endpoint compatible"),
        (name = "coral", description = "Coral Talk External Moderation Phase webhook"),
        (name = "admin", description = "Operator actions"),
        (name = "ops", description = "Health, readiness, metrics and this document"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "`Authorization: Bearer KEY` (auth.api_keys; auth.admin_keys for /admin)",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "key",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "key",
                "`?key=KEY`, as Perspective clients send it",
            ))),
        );
    }
}

/// The document as JSON, built once.
pub fn document() -> &'static serde_json::Value {
    static DOC: OnceLock<serde_json::Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::to_value(ApiDoc::openapi()).unwrap_or_default())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/openapi.json")
            .route(web::get().to(openapi_json))
            .default_service(super::errors::method_not_allowed("GET")),
    );
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "ops",
    responses(
        (status = 200, description = "The OpenAPI document of the whole API", body = Object),
        (status = 405, description = "Use GET", body = ApiErrorBody),
        (status = 503, description = "Timed out", body = ApiErrorBody),
    )
)]
pub(crate) async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(document())
}

// ---------------------------------------------------------------------------------------------
// Schemas of hand-serialized types

impl PartialSchema for Scores {
    fn schema() -> RefOr<Schema> {
        let mut object = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some("Score per category, each in [0, 1], six decimals"));
        for c in Category::ALL {
            object = object
                .property(
                    c.as_str(),
                    ObjectBuilder::new()
                        .schema_type(Type::Number)
                        .minimum(Some(0.0))
                        .maximum(Some(1.0)),
                )
                .required(c.as_str());
        }
        object.into()
    }
}

impl ToSchema for Scores {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Scores")
    }
}

impl PartialSchema for LanguageTag {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "`en` or `es`, any case, optionally with a region or script (`es-MX`, `en_US`)",
            ))
            .pattern(Some("^([eE][nN]|[eE][sS])([-_][A-Za-z0-9]{1,8})*$"))
            .into()
    }
}

impl ToSchema for LanguageTag {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("LanguageTag")
    }
}

/// Perspective's `requestedAttributes`: at least one of our seven attributes (the
/// `_EXPERIMENTAL` spellings are accepted too), each with its parameters or `{}`.
pub struct RequestedAttributes;

impl PartialSchema for RequestedAttributes {
    fn schema() -> RefOr<Schema> {
        let mut object = ObjectBuilder::new()
            .schema_type(Type::Object)
            .min_properties(Some(1))
            .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)));
        for c in Category::ALL {
            object = object.property(
                c.as_str().to_ascii_uppercase(),
                Ref::from_schema_name(AttributeParameters::name()),
            );
        }
        object.into()
    }
}

impl ToSchema for RequestedAttributes {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((AttributeParameters::name().into(), AttributeParameters::schema()));
    }
}

// ---------------------------------------------------------------------------------------------
// Error bodies built as JSON values (schema only: the surfaces' `body()` methods write them)

/// A batch slot whose item was refused: the native error, with the item's `id` when it had one.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct BatchItemError {
    #[schema(value_type = ApiErrorDetail)]
    error: ApiErrorDetail<'static>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<CommentId>,
}

/// Google's error shape: `{"error": {"code", "message", "status", "details"}}`.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct PerspectiveErrorBody {
    error: PerspectiveErrorDetail,
}

#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct PerspectiveErrorDetail {
    /// The HTTP status.
    code: u16,
    message: String,
    /// Google's canonical status name (`INVALID_ARGUMENT`, `UNAUTHENTICATED`, ...).
    status: String,
    /// `google.commentanalyzer.v1alpha1.Error` (with `errorType`) and `google.rpc.ErrorInfo`.
    #[schema(value_type = Vec<Object>)]
    details: Vec<serde_json::Value>,
}

/// OpenAI's error shape: `{"error": {"message", "type", "param", "code"}}`.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct OpenAiErrorBody {
    error: OpenAiErrorDetail,
}

#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct OpenAiErrorDetail {
    message: String,
    /// `invalid_request_error` or `server_error`.
    #[serde(rename = "type")]
    kind: String,
    /// The offending field, or null.
    #[schema(required = true)]
    param: Option<String>,
    /// `missing_api_key`, `invalid_api_key`, `request_too_large`, or null.
    #[schema(required = true)]
    code: Option<String>,
}

/// A 503 on a compatibility surface: the surface's own shape when it is overloaded, tamiz's
/// native shape when the request timed out in the shared middleware.
macro_rules! unavailable {
    ($name:ident, $own:ty) => {
        #[allow(dead_code)]
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                AnyOfBuilder::new()
                    .item(Ref::from_schema_name(<$own as ToSchema>::name()))
                    .item(Ref::from_schema_name(ApiErrorBody::name()))
                    .into()
            }
        }

        impl ToSchema for $name {
            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                schemas.push((
                    <$own as ToSchema>::name().into(),
                    <$own as PartialSchema>::schema(),
                ));
                <$own as ToSchema>::schemas(schemas);
                schemas.push((ApiErrorBody::name().into(), ApiErrorBody::schema()));
                <ApiErrorBody as ToSchema>::schemas(schemas);
            }
        }
    };
}

unavailable!(PerspectiveUnavailable, PerspectiveErrorBody);
unavailable!(OpenAiUnavailable, OpenAiErrorBody);
