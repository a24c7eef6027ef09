//! Engine throughput on one core: the full pipeline (normalize → match → heuristics → score)
//! against rustrict (the Rust profanity crate) and a bare aho-corasick scan of the same patterns over the same texts, so the cost of
//! normalization and heuristics shows as a ratio. Texts: the real comment thread, ~300-character
//! comments and ~1 KB comments cut from the thread and the news paragraphs, and 1,000 Jigsaw
//! comments as written (their lengths and spam included).
//!
//! `pipeline_scores` is the same pipeline building scores and decision only (no evidence report).
//!
//! Run: `cargo bench --bench engine`. Numbers and method are recorded in BENCHMARKS.md.

use aho_corasick::{AhoCorasick, MatchKind};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use support::{engine, jigsaw, pieces, texts};
use tamiz::engine::{Comment, Detail};

mod support;

// The allocator the `tamiz` binary runs with, so the pipeline is measured as deployed.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let engine = engine();
    let patterns: Vec<&str> = engine.lexicon().entries.iter().map(|e| e.pattern.as_str()).collect();
    let bare = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .ascii_case_insensitive(true)
        .build(&patterns)
        .unwrap();
    let sets = [
        ("thread", texts("corpus_comments.jsonl")),
        ("300B", pieces(300)),
        ("1KB", pieces(1024)),
        ("jigsaw", jigsaw(1000)),
    ];
    for unit in ["comments", "bytes"] {
        let mut g = c.benchmark_group(format!("engine_{unit}"));
        for (name, set) in &sets {
            let bytes: usize = set.iter().map(|t| t.len()).sum();
            g.throughput(if unit == "comments" {
                Throughput::Elements(set.len() as u64)
            } else {
                Throughput::Bytes(bytes as u64)
            });
            g.bench_with_input(BenchmarkId::new("pipeline", name), set, |b, set| {
                b.iter(|| {
                    for t in set {
                        black_box(engine.score(&Comment::new(t)));
                    }
                })
            });
            // Scores and decision only, no evidence reported: what the OpenAI and Perspective
            // surfaces ask for, and like for like with rustrict's analysis (a type, no spans).
            g.bench_with_input(BenchmarkId::new("pipeline_scores", name), set, |b, set| {
                b.iter(|| {
                    for t in set {
                        black_box(engine.score_with(&Comment::new(t), Detail::Scores));
                    }
                })
            });
            // The peer: rustrict's full analysis (its own normalization and matching) per comment.
            g.bench_with_input(BenchmarkId::new("rustrict", name), set, |b, set| {
                b.iter(|| {
                    for t in set {
                        black_box(rustrict::Censor::from_str(t).analyze());
                    }
                })
            });
            g.bench_with_input(BenchmarkId::new("bare_scan", name), set, |b, set| {
                b.iter(|| {
                    for t in set {
                        black_box(bare.find_overlapping_iter(t.as_str()).count());
                    }
                })
            });
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
