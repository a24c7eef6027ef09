//! The `tamiz` command line: every subcommand and flag is defined and documented here.
//!
//! `tamiz` with no subcommand serves, like `tamiz serve`.

use crate::engine::{Comment, Detail, Engine, Language, Verdict};
use crate::http::native::ResponseDetail;
use crate::settings::Settings;
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "tamiz",
    version,
    about = "Self-hosted comment moderation and toxicity scoring"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: ConfigArg,
}

#[derive(Debug, Clone, Args)]
pub struct ConfigArg {
    /// Directory holding default.toml (and $TAMIZ_ENV.toml overlays).
    #[arg(long, global = true, default_value = "config", env = "TAMIZ_CONFIG_DIR")]
    pub config: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP service (the default).
    Serve,
    /// Score comments and print one result JSON per comment.
    Score(ScoreArgs),
    /// Print a human-readable breakdown of one comment's verdict.
    Explain(ExplainArgs),
    /// Validate a config directory and its wordlists; exits non-zero listing each problem.
    CheckConfig,
    /// Check the wordlists: malformed lines, duplicates, entries the allowlist makes dead,
    /// entries that fire inside common innocent words; exits non-zero on errors.
    Lint(LintArgs),
    /// Measure the engine on a labeled file: per-category precision, recall, F1, ROC-AUC, PR-AUC,
    /// confusion, threshold sweep, worst errors with their evidence, throughput.
    Eval(EvalArgs),
    /// Fit learned n-gram weights on labeled data and write wordlists/learned/en.tsv.
    Train(TrainArgs),
    /// GET a URL and exit 0 on a 2xx answer (the container HEALTHCHECK).
    Healthcheck {
        #[arg(long, default_value = "http://127.0.0.1:8080/healthz")]
        url: String,
    },
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Comments to score (ignored with --jsonl).
    pub texts: Vec<String>,
    /// Read JSON lines with a `text` field (and optional `id`, `language`) from stdin.
    #[arg(long)]
    pub jsonl: bool,
    /// Language of the comments (en, es); detected when omitted.
    #[arg(long)]
    pub language: Option<String>,
    /// What each result lists, as the API's `detail`: the matches that raised a score
    /// (`evidence`), every match (`full`) or none (`summary`).
    #[arg(long, value_enum, default_value_t = ResponseDetail::Evidence)]
    pub detail: ResponseDetail,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Wordlist directory to check; default: `[lexicon] dir` of the configuration.
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Exit non-zero on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The comment to explain.
    pub text: String,
    #[arg(long)]
    pub language: Option<String>,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labeled comments: CSV, or JSON lines (.jsonl), e.g. the suggestscore feedback log.
    #[arg(long)]
    pub data: PathBuf,
    /// Column (CSV) or dotted path (JSON lines, e.g. comment.text) of the comment text.
    #[arg(long)]
    pub text_column: Option<String>,
    /// A label column as CATEGORY=COLUMN (repeatable); known sets are recognised without it.
    #[arg(long = "label", value_parser = crate::quality::data::parse_label_spec)]
    pub labels: Vec<(crate::engine::Category, String)>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write PR-curve and threshold-sweep SVGs into this directory.
    #[arg(long)]
    pub plots: Option<PathBuf>,
    /// Only the first N rows (after --fold).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Only rows of this fold (0 is the fold `train` holds back).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..5))]
    pub fold: Option<u8>,
    /// Language given with every comment (en, es); detected when omitted.
    #[arg(long)]
    pub language: Option<String>,
    /// How many worst false positives and negatives to list.
    #[arg(long, default_value_t = 10)]
    pub worst: usize,
    /// Score without wordlists/learned/ (the hand-written lists and heuristics alone).
    #[arg(long)]
    pub without_learned: bool,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Directory holding the training CSVs (relative paths: against the repository root).
    #[arg(long, default_value = "data/train")]
    pub data: PathBuf,
    /// Where to write the learned list; default <wordlists>/learned/en.tsv.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Folds to train on (0 is held back and refused).
    #[arg(long, value_delimiter = ',', default_value = "1,2,3,4")]
    pub folds: Vec<u8>,
    /// Longest word n-gram.
    #[arg(long, default_value_t = 3)]
    pub max_n: usize,
    /// Fewest training rows an n-gram must occur in.
    #[arg(long, default_value_t = 3)]
    pub min_df: u32,
    /// Also learn word prefixes (`idiot*`) of at least this many letters (0: none).
    #[arg(long, default_value_t = 0)]
    pub prefix_min: usize,
    /// Longest word prefix learned.
    #[arg(long, default_value_t = 8)]
    pub prefix_max: usize,
    /// Also learn in-word substrings (`*fuck*`) of at least this many letters (0: none; else 4 or
    /// more, the engine's shortest substring entry).
    #[arg(long, default_value_t = 0)]
    pub substr_min: usize,
    /// Longest in-word substring learned.
    #[arg(long, default_value_t = 6)]
    pub substr_max: usize,
    /// Fewest positives a category needs to be fitted (fewer: left to the operator's lists).
    #[arg(long, default_value_t = crate::quality::train::MIN_POSITIVES)]
    pub min_positives: usize,
    /// Write every training row's cross-validated scores (and fold 0's) as CSV here.
    #[arg(long)]
    pub oof: Option<PathBuf>,
    /// L1 penalty (larger: fewer terms).
    #[arg(long, default_value_t = 1.0)]
    pub l1: f64,
    /// L2 penalty.
    #[arg(long, default_value_t = 5.0)]
    pub l2: f64,
    /// Coordinate-descent sweeps at most.
    #[arg(long, default_value_t = 60)]
    pub sweeps: usize,
    /// Drop learned weights smaller than this.
    #[arg(long, default_value_t = 0.05)]
    pub prune: f64,
    /// Row weight of a training set as NAME=WEIGHT (jigsaw2018, davidson2017, convabuse).
    #[arg(long = "set-weight", value_parser = parse_set_weight)]
    pub set_weights: Vec<(String, f64)>,
    /// Sets fitted with an intercept of their own (repeatable; "none" for none); the others
    /// share the intercept the list ships as @bias.
    #[arg(long, default_value = "davidson2017")]
    pub own_intercept: Vec<String>,
    /// Only non-negative weights: learned terms add evidence, never subtract it.
    #[arg(long)]
    pub nonneg: bool,
    /// Only non-negative weights for learned substrings (`*part*`).
    #[arg(long)]
    pub substr_nonneg: bool,
    /// L1 penalty grows with a term's share of rows: l1 * (1 + L1_FREQ * share).
    #[arg(long, default_value_t = 0.0)]
    pub l1_freq: f64,
    /// Also report figures cross-validated over the training folds.
    #[arg(long)]
    pub cv: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_set_weight(s: &str) -> Result<(String, f64), String> {
    let (n, w) = s.split_once('=').ok_or("expected NAME=WEIGHT")?;
    let w: f64 = w.parse().map_err(|_| format!("weight {w:?} is not a number"))?;
    if !crate::quality::train::TRAIN_SETS.iter().any(|(name, _)| *name == n) {
        return Err(format!("unknown set {n:?}"));
    }
    Ok((n.to_string(), w))
}

/// `tamiz eval`.
pub fn eval(config: &ConfigArg, args: &EvalArgs) -> anyhow::Result<()> {
    use crate::quality::{data, eval, plots};
    let settings = Settings::load(&config.config).map_err(|e| anyhow::anyhow!("{e}"))?;
    let engine = Engine::build_with(
        &settings.engine,
        &settings.thresholds,
        &settings.wordlist_dir(),
        !args.without_learned,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let opts = data::ReadOptions {
        text_column: args.text_column.clone(),
        labels: args.labels.clone(),
    };
    let mut rows = data::read_file(&args.data, &opts)?;
    if let Some(k) = args.fold {
        rows.retain(|r| r.fold == k);
    }
    if let Some(n) = args.limit {
        rows.truncate(n);
    }
    let name = args
        .data
        .file_stem()
        .map_or_else(|| "data".to_string(), |s| s.to_string_lossy().into_owned());
    let name = match args.fold {
        Some(k) => format!("{name} (fold {k})"),
        None => name,
    };
    let eval_opts = eval::EvalOptions {
        language: parse_language(&args.language)?,
        worst: args.worst,
        ..Default::default()
    };
    let report = eval::evaluate(&engine, &name, &rows, &eval_opts);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render());
    }
    if let Some(dir) = &args.plots {
        let stem: String = name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        for p in plots::write(&report, dir, stem.trim_end_matches('_'))? {
            eprintln!("wrote {}", p.display());
        }
    }
    Ok(())
}

/// `tamiz train`.
pub fn train(config: &ConfigArg, args: &TrainArgs) -> anyhow::Result<()> {
    use crate::quality::train;
    let settings = Settings::load(&config.config).map_err(|e| anyhow::anyhow!("{e}"))?;
    let dir = settings.wordlist_dir();
    let engine =
        Engine::build_with(&settings.engine, &settings.thresholds, &dir, false).map_err(|e| anyhow::anyhow!("{e}"))?;
    let opts = train::TrainOptions {
        data_dir: settings.resolve(&args.data),
        out: args.out.clone().unwrap_or_else(|| dir.join("learned").join("en.tsv")),
        seed: args.seed,
        folds: args.folds.clone(),
        max_n: args.max_n,
        prefix_min: args.prefix_min,
        prefix_max: args.prefix_max,
        substr_min: args.substr_min,
        substr_max: args.substr_max,
        min_positives: args.min_positives,
        oof: args.oof.clone(),
        min_df: args.min_df,
        l1: args.l1,
        l2: args.l2,
        sweeps: args.sweeps,
        prune: args.prune,
        set_weights: args.set_weights.clone(),
        own_intercept: args.own_intercept.clone(),
        nonneg: args.nonneg,
        substr_nonneg: args.substr_nonneg,
        l1_freq: args.l1_freq,
        cv: args.cv,
        ..Default::default()
    };
    // Date- and machine-free, so a rerun writes the same bytes.
    let mut command = format!(
        "tamiz train --data {} --seed {} --folds {} --max-n {} --min-df {} --l1 {} --l2 {} --sweeps {} --prune {}",
        args.data.display(),
        args.seed,
        args.folds.iter().map(|f| f.to_string()).collect::<Vec<_>>().join(","),
        args.max_n,
        args.min_df,
        args.l1,
        args.l2,
        args.sweeps,
        args.prune
    );
    if args.prefix_min > 0 {
        command.push_str(&format!(
            " --prefix-min {} --prefix-max {}",
            args.prefix_min, args.prefix_max
        ));
    }
    if args.substr_min > 0 {
        command.push_str(&format!(
            " --substr-min {} --substr-max {}",
            args.substr_min, args.substr_max
        ));
    }
    if args.min_positives != train::MIN_POSITIVES {
        command.push_str(&format!(" --min-positives {}", args.min_positives));
    }
    for (n, w) in &args.set_weights {
        command.push_str(&format!(" --set-weight {n}={w}"));
    }
    for n in &args.own_intercept {
        command.push_str(&format!(" --own-intercept {n}"));
    }
    if args.nonneg {
        command.push_str(" --nonneg");
    }
    if args.substr_nonneg {
        command.push_str(" --substr-nonneg");
    }
    if args.l1_freq != 0.0 {
        command.push_str(&format!(" --l1-freq {}", args.l1_freq));
    }
    if args.cv {
        command.push_str(" --cv");
    }
    let report = train::train(&engine, settings.engine.dampening, &opts, &command)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "wrote {} ({} terms) in {:.1}s\nheld-back fold 0:\n{}",
            report.out.display(),
            report.terms,
            report.seconds,
            train::render_figures(&report.held_back)
        );
        if !report.cross_validated.is_empty() {
            println!(
                "cross-validated:\n{}\n{}",
                train::render_figures(&report.cross_validated),
                train::render_sweep(&report.cross_validated)
            );
        }
    }
    Ok(())
}

/// Loads settings and builds the engine, with every problem in the error.
pub fn load_engine(config: &ConfigArg) -> anyhow::Result<(Settings, Engine)> {
    let settings = Settings::load(&config.config).map_err(|e| anyhow::anyhow!("{e}"))?;
    let engine = settings.build_engine().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((settings, engine))
}

fn parse_language(l: &Option<String>) -> anyhow::Result<Option<Language>> {
    l.as_deref()
        .map(|s| s.parse::<Language>().map_err(|e| anyhow::anyhow!(e)))
        .transpose()
}

#[derive(Serialize)]
struct Scored<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    #[serde(flatten)]
    verdict: &'a Verdict,
}

/// A result line without `matches`, in the full line's order of keys.
#[derive(Serialize)]
struct Summary<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    decision: crate::engine::Decision,
    scores: &'a crate::engine::Scores,
    reasons: &'a [String],
    language: Language,
    lexicon_version: &'a str,
}

/// One result line; a summary leaves `matches` out, as the API's does (absent means "not asked
/// for", never "nothing matched").
fn write_scored(
    out: &mut impl Write,
    id: Option<&serde_json::Value>,
    v: &Verdict,
    detail: Detail,
) -> anyhow::Result<()> {
    if detail == Detail::Summary {
        let summary = Summary {
            id,
            decision: v.decision,
            scores: &v.scores,
            reasons: &v.reasons,
            language: v.language,
            lexicon_version: &v.lexicon_version,
        };
        serde_json::to_writer(out, &summary)?;
    } else {
        serde_json::to_writer(out, &Scored { id, verdict: v })?;
    }
    Ok(())
}

/// `tamiz score`.
pub fn score(config: &ConfigArg, args: &ScoreArgs) -> anyhow::Result<()> {
    let (_, engine) = load_engine(config)?;
    let language = parse_language(&args.language)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.jsonl {
        let stdin = std::io::stdin();
        score_jsonl(&engine, language, args.detail.into(), stdin.lock(), &mut out)?;
    } else {
        for text in &args.texts {
            let comment = Comment {
                text,
                language,
                parent: None,
            };
            let v = engine.score_with(&comment, args.detail.into());
            write_scored(&mut out, None, &v, args.detail.into())?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(())
}

#[derive(serde::Deserialize)]
struct Line {
    text: String,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    language: Option<String>,
}

/// Scores JSON lines from `input`, one output line per input line, in order. A bad line gets an
/// `{"error": ...}` object in its place so outputs never shift against inputs.
pub fn score_jsonl(
    engine: &Engine,
    language: Option<Language>,
    detail: Detail,
    mut input: impl BufRead,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    let mut line_no = 0u64;
    loop {
        buf.clear();
        let n = input.read_until(b'\n', &mut buf).context("reading stdin")?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let raw = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let result = match std::str::from_utf8(raw) {
            Err(e) => Err(format!("line {line_no}: invalid UTF-8 at byte {}", e.valid_up_to())),
            Ok(s) => match serde_json::from_str::<Line>(s) {
                Err(e) => Err(format!("line {line_no}: {e}")),
                Ok(l) => match parse_language(&l.language) {
                    Err(e) => Err(format!("line {line_no}: language: {e}")),
                    Ok(lang) => {
                        let comment = Comment {
                            text: &l.text,
                            language: lang.or(language),
                            parent: None,
                        };
                        let v = engine.score_with(&comment, detail);
                        write_scored(&mut *out, l.id.as_ref(), &v, detail)?;
                        Ok(())
                    }
                },
            },
        };
        if let Err(message) = result {
            serde_json::to_writer(&mut *out, &serde_json::json!({ "error": message, "line": line_no }))?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// `tamiz explain`: the normalized text, each match with its span underlined, scores against
/// thresholds and the reasons.
pub fn explain(config: &ConfigArg, args: &ExplainArgs) -> anyhow::Result<()> {
    let (_, engine) = load_engine(config)?;
    let language = parse_language(&args.language)?;
    let e = engine.explain(&Comment {
        text: &args.text,
        language,
        parent: None,
    });
    print!("{}", render_explanation(&engine, &args.text, &e));
    Ok(())
}

/// Renders an explanation as text (separate from printing so it can be tested).
pub fn render_explanation(engine: &Engine, text: &str, e: &crate::engine::Explanation) -> String {
    use std::fmt::Write as _;
    let v = &e.verdict;
    let mut s = String::new();
    let _ = writeln!(s, "decision:   {}", v.decision);
    let _ = writeln!(s, "language:   {}", v.language);
    let _ = writeln!(s, "lexicon:    {}", v.lexicon_version);
    let _ = writeln!(s, "normalized: {}", e.normalized);
    let _ = writeln!(s, "\nscores (review / reject thresholds):");
    for c in crate::engine::Category::ALL {
        let t = engine.thresholds()[c.index()];
        let score = v.scores.get(c);
        let bar = "#".repeat((score * 20.0).round() as usize);
        let mark = if score >= t.reject {
            "REJECT"
        } else if score >= t.review {
            "review"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "  {:<18} {:.3} {:<20} ({:.2} / {:.2}) {mark}",
            c.as_str(),
            score,
            bar,
            t.review,
            t.reject
        );
    }
    let _ = writeln!(s, "\nmatches:");
    if v.matches.is_empty() {
        let _ = writeln!(s, "  (none)");
    }
    for m in &v.matches {
        let _ = writeln!(
            s,
            "  {} {:+.2}  {}  term={:?}{}",
            m.category,
            m.weight,
            m.rule,
            m.term,
            if m.dampened { " (dampened)" } else { "" }
        );
        // Underline the span on the line of the original it starts on.
        let line_start = text[..m.span.byte_start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[m.span.byte_start..]
            .find('\n')
            .map_or(text.len(), |i| m.span.byte_start + i);
        let line = &text[line_start..line_end];
        let pad = text[line_start..m.span.byte_start].chars().count();
        let width = text[m.span.byte_start..m.span.byte_end.min(line_end)]
            .chars()
            .count()
            .max(1);
        let _ = writeln!(s, "      {line}");
        let _ = writeln!(s, "      {}{}", " ".repeat(pad), "^".repeat(width));
    }
    let _ = writeln!(s, "\nreasons:");
    for r in &v.reasons {
        let _ = writeln!(s, "  - {r}");
    }
    s
}

/// `tamiz check-config`: prints every problem with file and line; the error carries the count.
pub fn check_config(config: &ConfigArg) -> anyhow::Result<()> {
    let settings = match Settings::load(&config.config) {
        Ok(s) => s,
        Err(e) => {
            for p in &e.0 {
                eprintln!("error: {p}");
            }
            anyhow::bail!("{} problem(s) in {}", e.0.len(), config.config.display());
        }
    };
    match settings.build_engine() {
        Ok(engine) => {
            // The same checks as `tamiz lint` (and the reload path): errors fail, warnings print.
            let dir = settings.wordlist_dir();
            let lint = crate::lint::lint_engine(&engine, &dir);
            for f in &lint.findings {
                eprintln!("{}/{f}", dir.display());
            }
            if lint.has_errors() {
                anyhow::bail!("{} problem(s) in {}", lint.errors, dir.display());
            }
            let info = engine.info();
            println!(
                "ok: {} (lexicon {} with {} entries and {} allowlist terms from {})",
                config.config.display(),
                info.version,
                info.entries,
                info.allowlist,
                settings.wordlist_dir().display()
            );
            Ok(())
        }
        Err(crate::engine::BuildError::Wordlists(errs)) => {
            let dir = settings.wordlist_dir();
            for e in &errs.0 {
                eprintln!("error: {}/{e}", dir.display());
            }
            anyhow::bail!("{} problem(s) in {}", errs.0.len(), dir.display())
        }
        Err(e) => anyhow::bail!("{e}"),
    }
}

/// `tamiz serve`: settings, logging, then the HTTP service until SIGTERM/SIGINT.
pub fn serve(config: &ConfigArg) -> anyhow::Result<()> {
    let settings = Settings::load(&config.config).map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::telemetry::init(&settings.log);
    actix_web::rt::System::new().block_on(async move {
        crate::http::startup::Application::build(settings)
            .await?
            .run_until_stopped()
            .await
    })
}

/// `tamiz lint`: every finding as `file:line: severity: message`, or the report as JSON.
pub fn lint(config: &ConfigArg, args: &LintArgs) -> anyhow::Result<()> {
    // Without --dir the configuration names the directory and the leetspeak table; with --dir
    // and no readable configuration, the defaults do.
    let (dir, engine_cfg) = match (Settings::load(&config.config), &args.dir) {
        (Ok(s), dir) => (dir.clone().unwrap_or_else(|| s.wordlist_dir()), s.engine),
        (Err(_), Some(dir)) => (dir.clone(), crate::engine::EngineConfig::default()),
        (Err(e), None) => anyhow::bail!("{e}"),
    };
    let report = crate::lint::lint_dir(&dir, &engine_cfg);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render());
    }
    if report.has_errors() || (args.deny_warnings && report.warnings > 0) {
        anyhow::bail!(
            "{} error(s), {} warning(s) in {}",
            report.errors,
            report.warnings,
            dir.display()
        );
    }
    Ok(())
}

/// `tamiz healthcheck`: a dependency-free HTTP/1.0 GET, so the runtime image needs no curl.
pub fn healthcheck(url: &str) -> anyhow::Result<()> {
    let rest = url.strip_prefix("http://").context("only http:// URLs are supported")?;
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(a, p)| (a, format!("/{p}")));
    let addr = std::net::ToSocketAddrs::to_socket_addrs(authority)?
        .next()
        .context("address did not resolve")?;
    let timeout = std::time::Duration::from_secs(3);
    let mut stream = std::net::TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {authority}\r\n\r\n")?;
    let mut status = String::new();
    std::io::BufReader::new(stream).read_line(&mut status)?;
    let code: u16 = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    if (200..300).contains(&code) {
        Ok(())
    } else {
        anyhow::bail!("{url} answered {:?}", status.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_cli() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
