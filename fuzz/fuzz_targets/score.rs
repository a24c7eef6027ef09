//! The whole scorer (normalize, match, heuristics, score, decide) with the shipped wordlists on
//! any UTF-8, with and without a parent and a language, reporting every match or the evidence
//! that raised a score (whose few spans are counted another way): never panics, scores are in
//! [0, 1], and every piece of evidence has a valid span whose `matched` is exactly that slice of
//! the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tamiz::engine::{Comment, Detail, Engine, Language};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config");
        tamiz::settings::Settings::load_with(&config, None, false)
            .expect("config/default.toml")
            .build_engine()
            .expect("the shipped wordlists build")
    })
}

fuzz_target!(|data: &[u8]| {
    // First byte picks the options; the rest is the comment (and, split at 0xFF, a parent).
    let Some((&opts, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let (text, parent) = match (opts & 1 == 1, text.split_once('\u{FFFD}')) {
        (true, Some((t, p))) => (t.to_string(), Some(p.to_string())),
        _ => (text.into_owned(), None),
    };
    let language = match opts >> 1 & 3 {
        1 => Some(Language::En),
        2 => Some(Language::Es),
        _ => None,
    };
    let detail = if opts & 8 == 8 { Detail::Evidence } else { Detail::Full };
    let comment = Comment {
        text: &text,
        language,
        parent: parent.as_deref(),
    };
    let verdict = engine().score_with(&comment, detail);
    for c in tamiz::engine::Category::ALL {
        let s = verdict.scores.get(c);
        assert!((0.0..=1.0).contains(&s), "{c}: {s}");
    }
    for e in &verdict.matches {
        let s = e.span;
        assert!(
            s.byte_start <= s.byte_end && s.byte_end <= text.len(),
            "{s:?} in {text:?}"
        );
        assert!(text.is_char_boundary(s.byte_start) && text.is_char_boundary(s.byte_end));
        let slice = &text[s.byte_start..s.byte_end];
        assert_eq!(e.matched, slice, "matched differs from the span's slice");
        let before = &text[..s.byte_start];
        assert_eq!(s.start, before.chars().count());
        assert_eq!(s.end - s.start, slice.chars().count());
        assert_eq!(s.utf16_start, before.encode_utf16().count());
        assert_eq!(s.utf16_end - s.utf16_start, slice.encode_utf16().count());
    }
});
