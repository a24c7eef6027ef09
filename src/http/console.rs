//! The operator console: one page at `GET /console` to try comments, browse the lexicon and
//! measure a small labeled file, served from assets compiled into the binary (no CDN, no build
//! step: plain HTML, CSS and JavaScript in `assets/console/`).
//!
//! The page itself is open (it holds no data); everything it shows comes from API calls that
//! take an API key like any scoring endpoint (`Authorization: Bearer KEY`, typed into the page and
//! kept in `sessionStorage`):
//!
//! ```text
//! GET  /console                      the page (also /console/app.js, /console/app.css)
//! POST /v1/moderate                  scoring: the native endpoint, as any client calls it
//! GET  /console/api/thresholds       review/reject per category, lexicon version and counts
//! GET  /console/api/lexicon?q=idiot&category=insult&language=en&source=operator&offset=0&limit=50
//! POST /console/api/eval             {"data": "<CSV or JSON lines>", "format": "csv"|"jsonl",
//!                                     "text_column": "text", "labels": ["toxicity=label"],
//!                                     "language": "en"}
//!                                    → the `tamiz eval` report, plus a threshold-sweep SVG
//!                                      per labeled category
//! ```

use super::auth::Access;
use super::errors::{method_not_allowed, ApiError};
use super::json::{self, ParseError};
use super::AppState;
use crate::engine::lexicon::{MatchMode, Source};
use crate::engine::{Category, Engine, Language};
use crate::quality::{data, eval};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

const INDEX_HTML: &str = include_str!("../../assets/console/index.html");
const APP_JS: &str = include_str!("../../assets/console/app.js");
const APP_CSS: &str = include_str!("../../assets/console/app.css");

/// Most lexicon rows one page of the browser returns.
const MAX_LIMIT: usize = 200;
/// Most rows `/console/api/eval` scores: the console is for small files; `tamiz eval` for big ones.
const MAX_EVAL_ROWS: usize = 5_000;

/// The page may load only its own script and style; the SVG charts are inline markup.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub fn configure(cfg: &mut web::ServiceConfig) {
    let asset = |path: &'static str, body: &'static str, content_type: &'static str| {
        web::resource(path)
            .route(web::get().to(move || async move { static_asset(body, content_type) }))
            .default_service(method_not_allowed("GET"))
    };
    cfg.service(asset("/console", INDEX_HTML, "text/html; charset=utf-8"))
        .service(asset("/console/", INDEX_HTML, "text/html; charset=utf-8"))
        .service(asset("/console/app.js", APP_JS, "text/javascript; charset=utf-8"))
        .service(asset("/console/app.css", APP_CSS, "text/css; charset=utf-8"))
        .service(
            web::resource("/console/api/thresholds")
                .route(web::get().to(thresholds))
                .default_service(method_not_allowed("GET")),
        )
        .service(
            web::resource("/console/api/lexicon")
                .route(web::get().to(lexicon))
                .default_service(method_not_allowed("GET")),
        )
        .service(
            web::resource("/console/api/eval")
                .route(web::post().to(evaluate))
                .default_service(method_not_allowed("POST")),
        );
}

fn static_asset(body: &'static str, content_type: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        // Assets change with the binary; revalidating is cheap and never shows a stale page.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

fn field_error(path: &str, message: impl Into<String>) -> ApiError {
    ApiError::Parse(ParseError::Field {
        path: path.to_string(),
        message: message.into(),
    })
}

#[derive(Serialize)]
struct ThresholdView {
    review: f64,
    reject: f64,
}

/// `0.85`, not `0.8500000238418579`: f32 settings shown as the operator wrote them.
fn shown(x: f32) -> f64 {
    (x as f64 * 1e4).round() / 1e4
}

/// `GET /console/api/thresholds`.
async fn thresholds(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.keys.check(Access::Api, &req)?;
    let engine = state.engine.current();
    let th = engine.thresholds();
    let thresholds: BTreeMap<&str, ThresholdView> = Category::ALL
        .iter()
        .map(|c| {
            let t = th[c.index()];
            (
                c.as_str(),
                ThresholdView {
                    review: shown(t.review),
                    reject: shown(t.reject),
                },
            )
        })
        .collect();
    let info = engine.info();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "categories": Category::ALL.map(|c| c.as_str()),
        "thresholds": thresholds,
        "lexicon_version": &*info.version,
        "entries": info.entries,
        "allowlist": info.allowlist,
    })))
}

/// Query of the lexicon browser; all optional, all strings so a bad value is a 400 naming it.
#[derive(Debug, Default, Deserialize)]
struct LexiconQuery {
    q: Option<String>,
    category: Option<String>,
    language: Option<String>,
    source: Option<String>,
    offset: Option<String>,
    limit: Option<String>,
}

/// The browser's filter, parsed.
#[derive(Debug, Default)]
struct LexiconFilter {
    /// Lowercased and normalized like the entries' patterns, so `Cabrón` and `1d10t` find them.
    needle: Option<String>,
    category: Option<Category>,
    /// `category=allow`: the allowlist instead of the entries.
    allowlist: bool,
    language: Option<Language>,
    source: Option<Source>,
    offset: usize,
    limit: usize,
}

impl LexiconFilter {
    fn parse(q: LexiconQuery, engine: &Engine) -> Result<LexiconFilter, ApiError> {
        let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let number = |s: Option<String>, name: &str, default: usize| -> Result<usize, ApiError> {
            match nonempty(s) {
                None => Ok(default),
                Some(s) => s
                    .parse::<usize>()
                    .map_err(|_| field_error(name, format!("{s:?} is not a non-negative integer"))),
            }
        };
        let mut f = LexiconFilter {
            needle: nonempty(q.q).map(|s| engine.normalize(&s).text().to_string()),
            offset: number(q.offset, "offset", 0)?,
            limit: number(q.limit, "limit", 50)?.clamp(1, MAX_LIMIT),
            ..Default::default()
        };
        match nonempty(q.category).as_deref() {
            None => {}
            Some("allow") => f.allowlist = true,
            Some(c) => f.category = Some(c.parse().map_err(|e: String| field_error("category", e))?),
        }
        if let Some(l) = nonempty(q.language) {
            f.language = Some(l.parse().map_err(|e: String| field_error("language", e))?);
        }
        f.source = match nonempty(q.source).as_deref() {
            None => None,
            Some("operator") => Some(Source::Operator),
            Some("learned") => Some(Source::Learned),
            Some(s) => return Err(field_error("source", format!("{s:?} is not operator or learned"))),
        };
        Ok(f)
    }
}

#[derive(Serialize)]
struct LexiconRow<'a> {
    term: &'a str,
    pattern: &'a str,
    mode: MatchMode,
    category: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<Language>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weight: Option<f64>,
    severe: bool,
    strict: bool,
    source: &'a str,
    rule: &'a str,
    file: &'a str,
    line: u32,
}

/// `GET /console/api/lexicon`: entries of the engine answering now, filtered, exact matches of
/// the search first, then by file and line.
async fn lexicon(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<LexiconQuery>,
) -> Result<HttpResponse, ApiError> {
    state.keys.check(Access::Api, &req)?;
    let engine = state.engine.current();
    let f = LexiconFilter::parse(query.into_inner(), &engine)?;
    let lex = engine.lexicon();
    let needle = f.needle.as_deref().unwrap_or("");
    let mut rows: Vec<(bool, LexiconRow)> = if f.allowlist {
        lex.allow
            .iter()
            .filter(|a| a.pattern.contains(needle))
            .map(|a| {
                (
                    a.pattern == needle,
                    LexiconRow {
                        term: &a.term,
                        pattern: &a.pattern,
                        mode: MatchMode::Word,
                        category: "allow",
                        language: None,
                        weight: None,
                        severe: false,
                        strict: false,
                        source: "operator",
                        rule: "allowlist",
                        file: &a.file,
                        line: a.line,
                    },
                )
            })
            .collect()
    } else {
        lex.entries
            .iter()
            .filter(|e| f.category.is_none_or(|c| e.category == c))
            .filter(|e| f.language.is_none_or(|l| e.language == l))
            .filter(|e| f.source.is_none_or(|s| e.source == s))
            .filter(|e| e.pattern.contains(needle))
            .map(|e| {
                (
                    e.pattern == needle,
                    LexiconRow {
                        term: &e.term,
                        pattern: &e.pattern,
                        mode: e.mode,
                        category: e.category.as_str(),
                        language: Some(e.language),
                        weight: Some(shown(e.weight)),
                        severe: e.severe,
                        strict: e.strict,
                        source: match e.source {
                            Source::Operator => "operator",
                            Source::Learned => "learned",
                        },
                        rule: e.rule,
                        file: &e.file,
                        line: e.line,
                    },
                )
            })
            .collect()
    };
    // Stable: exact matches first, otherwise the lexicon's own order (file, line).
    rows.sort_by_key(|(exact, _)| !exact);
    let total = rows.len();
    let page: Vec<LexiconRow> = rows.into_iter().skip(f.offset).take(f.limit).map(|(_, r)| r).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "lexicon_version": &**engine.version(),
        "total": total,
        "offset": f.offset,
        "limit": f.limit,
        "entries": page,
    })))
}

/// `POST /console/api/eval` as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EvalRequest {
    /// The file's contents.
    data: String,
    /// `csv` or `jsonl`; guessed from the first line when absent.
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    text_column: Option<String>,
    /// `CATEGORY=COLUMN`, as `tamiz eval --label`.
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    language: Option<String>,
    /// Shown in the report.
    #[serde(default)]
    name: Option<String>,
}

/// The first record's field names (CSV header or first JSON line's keys).
fn fields_of(data: &str, format: data::Format) -> Vec<String> {
    let first = data.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    match format {
        data::Format::Csv => csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(first.as_bytes())
            .records()
            .next()
            .and_then(Result::ok)
            .map(|r| r.iter().map(|f| f.trim().to_string()).collect())
            .unwrap_or_default(),
        data::Format::JsonLines => serde_json::from_str::<serde_json::Value>(first)
            .ok()
            .and_then(|v| v.as_object().map(|o| o.keys().cloned().collect()))
            .unwrap_or_default(),
    }
}

/// `POST /console/api/eval`: `tamiz eval` on a pasted or uploaded file, with sweep charts.
async fn evaluate(req: HttpRequest, body: web::Payload, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.keys.check(Access::Api, &req)?;
    let _permit = state.admit()?;
    let bytes = json::read_body(&req, body, &state.settings.limits).await?;
    let r: EvalRequest = json::parse(&bytes)?;
    let format = match r.format.as_deref().map(str::trim) {
        Some("csv") => data::Format::Csv,
        Some("jsonl" | "ndjson" | "json") => data::Format::JsonLines,
        Some(other) => return Err(field_error("format", format!("{other:?} is not csv or jsonl"))),
        None if r.data.trim_start().starts_with('{') => data::Format::JsonLines,
        None => data::Format::Csv,
    };
    let mut labels = Vec::new();
    for (i, spec) in r.labels.iter().enumerate() {
        labels.push(data::parse_label_spec(spec).map_err(|e| field_error(&format!("labels[{i}]"), e))?);
    }
    // A bare `label` column is the common case of a hand-made file: read it as toxicity.
    if labels.is_empty() {
        let fields = fields_of(&r.data, format);
        if matches!(data::Schema::detect(&fields), data::Schema::Columns(ref c) if c.is_empty())
            && fields.iter().any(|f| f == "label")
        {
            labels.push((Category::Toxicity, "label".to_string()));
        }
    }
    let language = r
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| l.parse::<Language>().map_err(|e| field_error("language", e)))
        .transpose()?;
    let opts = data::ReadOptions {
        text_column: r.text_column.filter(|c| !c.trim().is_empty()),
        labels,
    };
    let rows = data::read_str(&r.data, format, &opts).map_err(|e| field_error("data", format!("{e:#}")))?;
    if rows.is_empty() {
        return Err(field_error("data", "no rows"));
    }
    if rows.len() > MAX_EVAL_ROWS {
        return Err(field_error(
            "data",
            format!(
                "{} rows, over the console's {MAX_EVAL_ROWS}; use `tamiz eval` for larger files",
                rows.len()
            ),
        ));
    }
    if !rows.iter().any(|row| row.labels.iter().any(Option::is_some)) {
        return Err(field_error(
            "labels",
            "no label column found: name one as CATEGORY=COLUMN (e.g. toxicity=label)",
        ));
    }
    let name = r.name.unwrap_or_else(|| "console".to_string());
    let engine = state.engine.current();
    let report = web::block(move || {
        let opts = eval::EvalOptions {
            language,
            worst: 5,
            sweep: (1..50).map(|i| i as f32 * 0.02).collect(),
        };
        eval::evaluate(&engine, &name, &rows, &opts)
    })
    .await
    .map_err(|e| ApiError::Scoring(super::scoring::ScoreError::Pool(e.to_string())))?;
    let plots: Vec<serde_json::Value> = report
        .categories
        .iter()
        .filter(|c| c.positives > 0 && c.positives < c.labeled)
        .map(|c| serde_json::json!({"category": c.category, "svg": sweep_svg(c)}))
        .collect();
    let mut value = serde_json::to_value(&report).map_err(|e| field_error("", e.to_string()))?;
    value["plots"] = serde_json::Value::Array(plots);
    Ok(HttpResponse::Ok().json(value))
}

/// A line of the sweep chart: its name, colour and value.
type Series = (
    &'static str,
    &'static str,
    fn(&crate::quality::metrics::SweepPoint) -> f64,
);

/// Precision, recall and F1 against the threshold, with the category's review threshold marked:
/// a hand-written SVG (no fonts, no scripts), sized by its viewBox so the page can scale it.
fn sweep_svg(c: &eval::CategoryReport) -> String {
    const W: f64 = 640.0;
    const H: f64 = 360.0;
    const L: f64 = 48.0; // left margin (y labels)
    const R: f64 = 16.0;
    const T: f64 = 48.0; // title and legend above the plot
    const B: f64 = 40.0;
    let x = |t: f64| L + t.clamp(0.0, 1.0) * (W - L - R);
    let y = |v: f64| H - B - v.clamp(0.0, 1.0) * (H - T - B);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" class="sweep" font-family="sans-serif" font-size="12">"#
    );
    let _ = write!(
        s,
        r##"<title>{} threshold sweep</title><rect x="0" y="0" width="{W}" height="{H}" fill="#fff"/>"##,
        c.category
    );
    let _ = write!(
        s,
        r#"<text x="{L}" y="20" font-size="14" font-weight="bold">{}: precision, recall, F1 by threshold ({} labeled, {} positive)</text>"#,
        c.category, c.labeled, c.positives
    );
    // Grid and axes.
    for i in 0..=10 {
        let v = i as f64 / 10.0;
        let _ = write!(
            s,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#e5e5e5"/><line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#e5e5e5"/>"##,
            x(v),
            y(0.0),
            x(v),
            y(1.0),
            x(0.0),
            y(v),
            x(1.0),
            y(v)
        );
        if i % 2 == 0 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{v:.1}</text><text x="{:.1}" y="{:.1}" text-anchor="end">{v:.1}</text>"#,
                x(v),
                H - B + 16.0,
                L - 6.0,
                y(v) + 4.0
            );
        }
    }
    let _ = write!(
        s,
        r##"<rect x="{L}" y="{T}" width="{:.1}" height="{:.1}" fill="none" stroke="#888"/><text x="{:.1}" y="{:.1}" text-anchor="middle">threshold</text>"##,
        W - L - R,
        H - T - B,
        (L + W - R) / 2.0,
        H - 6.0
    );
    // The review threshold in force.
    let rt = c.review_threshold as f64;
    let _ = write!(
        s,
        r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#555" stroke-dasharray="5,4"/><text x="{:.1}" y="{:.1}" fill="#555">review {rt:.2}</text>"##,
        x(rt),
        y(0.0),
        x(rt),
        y(1.0),
        x(rt) + 4.0,
        y(1.0) + 14.0
    );
    let series: [Series; 3] = [
        ("precision", "#1f77b4", |p| p.precision),
        ("recall", "#ff7f0e", |p| p.recall),
        ("F1", "#2ca02c", |p| p.f1),
    ];
    for (i, (name, color, value)) in series.iter().enumerate() {
        let points: Vec<String> = c
            .sweep
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.threshold as f64), y(value(p))))
            .collect();
        let _ = write!(
            s,
            r#"<polyline class="series-{name}" fill="none" stroke="{color}" stroke-width="2.5" points="{}"/>"#,
            points.join(" ")
        );
        let lx = L + i as f64 * 95.0;
        let _ = write!(
            s,
            r#"<line x1="{lx:.1}" y1="34" x2="{:.1}" y2="34" stroke="{color}" stroke-width="3"/><text x="{:.1}" y="38">{name}</text>"#,
            lx + 18.0,
            lx + 22.0
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::metrics::{Prf, SweepPoint};

    #[test]
    fn sweep_svg_is_one_well_formed_svg_with_three_series() {
        let point = |t: f32| SweepPoint {
            threshold: t,
            precision: 0.5 + t as f64 / 2.0,
            recall: 1.0 - t as f64,
            f1: 0.6,
            flagged: 0.5,
        };
        let c = eval::CategoryReport {
            category: Category::Toxicity,
            labeled: 10,
            positives: 4,
            review_threshold: 0.5,
            at_review: Prf {
                precision: 1.0,
                recall: 0.5,
                f1: 0.66,
                confusion: Default::default(),
            },
            roc_auc: None,
            pr_auc: None,
            best_f1: None,
            recall_at_precision_50: None,
            sweep: vec![point(0.1), point(0.5), point(0.9)],
            curve: Vec::new(),
        };
        let svg = sweep_svg(&c);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 3);
        assert!(svg.contains("review 0.50"));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn csv_and_jsonl_fields() {
        assert_eq!(
            fields_of("text,label\n\"a\",1\n", data::Format::Csv),
            vec!["text", "label"]
        );
        let mut f = fields_of("{\"text\":\"a\",\"label\":1}\n", data::Format::JsonLines);
        f.sort();
        assert_eq!(f, vec!["label", "text"]);
    }
}
