//! The engine over the ~300-byte pieces of the engine bench, a given number of passes, for an
//! instruction count: `benches/instructions.sh` runs it under callgrind at two pass counts and
//! divides the difference by the comments scored, so start-up and lazy tables drop out. Counted
//! instructions do not depend on what else the machine is doing, unlike criterion's timings.
//!
//! `passes.rs PASSES MODE [SET]`, SET `300B` (the default) or `jigsaw` (1,000 Jigsaw comments as
//! written, see `support::jigsaw`), MODE one of `full` (every piece of evidence), `evidence` (what
//! raised a score, the native API's default), `scores` (scores and decision only), `summary`
//! (scores and reasons), `json` (the default verdict plus the JSON answer `/v1/moderate`
//! writes) and `rustrict` (the peer's `Censor::analyze`).

use std::hint::black_box;
use tamiz::engine::{Comment, Detail};

mod support;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // `cargo bench` adds `--bench`; the positional arguments are ours.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let passes: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(0);
    let mode = args.get(1).map(String::as_str).unwrap_or("full");
    let engine = support::engine();
    let pieces = match args.get(2).map(String::as_str).unwrap_or("300B") {
        "300B" => support::pieces(300),
        "jigsaw" => support::jigsaw(1000),
        other => {
            eprintln!("unknown set {other:?}: 300B or jigsaw");
            std::process::exit(2);
        }
    };
    let score: Box<dyn Fn(&str) -> usize> = match mode {
        "full" => Box::new(|t| engine.score(&Comment::new(t)).matches.len()),
        "scores" => Box::new(|t| engine.score_with(&Comment::new(t), Detail::Scores).reasons.len()),
        "evidence" => Box::new(|t| engine.score_with(&Comment::new(t), Detail::Evidence).matches.len()),
        "summary" => Box::new(|t| engine.score_with(&Comment::new(t), Detail::Summary).reasons.len()),
        "json" => Box::new(|t| {
            let v = engine.score_with(&Comment::new(t), Detail::Evidence);
            let mut out = Vec::with_capacity(tamiz::http::verdict_json::size_hint(&v));
            tamiz::http::verdict_json::write_moderated(&mut out, None, &v, 5, Detail::Evidence);
            out.len()
        }),
        "rustrict" => Box::new(|t| {
            rustrict::Censor::from_str(t)
                .analyze()
                .is(rustrict::Type::INAPPROPRIATE) as usize
        }),
        other => {
            eprintln!("unknown mode {other:?}: full, evidence, scores, summary, json or rustrict");
            std::process::exit(2);
        }
    };
    let mut sink = 0usize;
    for _ in 0..passes {
        for p in &pieces {
            sink = sink.wrapping_add(score(black_box(p)));
        }
    }
    black_box(sink);
    eprintln!("pieces {} passes {passes} mode {mode}", pieces.len());
}
