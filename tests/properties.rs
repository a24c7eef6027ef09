//! Property tests: scoring never panics on arbitrary Unicode, every span lies on character
//! boundaries of the original and covers exactly what `matched` says, and normalization stays
//! linear on hostile inputs.

use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tamiz::engine::normalize::{normalize, LeetTable};
use tamiz::engine::{Comment, Engine};
use tamiz::settings::Settings;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config");
        Settings::load_with(&dir, None, false).unwrap().build_engine().unwrap()
    })
}

/// Text that looks like comments and evasions, mixed with arbitrary Unicode.
fn comment_text() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            Just("you ".to_string()),
            Just("idiot".to_string()),
            Just("f.u.c.k ".to_string()),
            Just("1d10t".to_string()),
            Just("\u{200B}".to_string()),
            Just("і".to_string()),
            Just("ñ".to_string()),
            Just("\u{301}".to_string()),
            Just("😀".to_string()),
            Just("*".to_string()),
            Just(" i will kill you ".to_string()),
            Just("te voy a matar ".to_string()),
            Just("\"".to_string()),
            "\\PC{0,8}",
            any::<char>().prop_map(|c| c.to_string()),
        ],
        0..40,
    );
    pieces.prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn scoring_never_panics_and_spans_are_exact(text in comment_text()) {
        let v = engine().score(&Comment::new(&text));
        for s in v.scores.0 {
            prop_assert!((0.0..=1.0).contains(&s));
        }
        let chars: Vec<char> = text.chars().collect();
        let utf16: Vec<u16> = text.encode_utf16().collect();
        for m in &v.matches {
            let sp = m.span;
            prop_assert!(sp.byte_start <= sp.byte_end && sp.byte_end <= text.len());
            prop_assert!(text.is_char_boundary(sp.byte_start) && text.is_char_boundary(sp.byte_end));
            prop_assert_eq!(&text[sp.byte_start..sp.byte_end], m.matched.as_str());
            prop_assert_eq!(chars[sp.start..sp.end].iter().collect::<String>(), m.matched.clone());
            prop_assert_eq!(String::from_utf16(&utf16[sp.utf16_start..sp.utf16_end]).unwrap(), m.matched.clone());
        }
    }

    #[test]
    fn normalized_offsets_map_into_the_original(text in "\\PC{0,64}") {
        let n = normalize(&text, &LeetTable::default());
        let t = n.text();
        for (i, c) in t.char_indices() {
            let r = n.original_range(i, i + c.len_utf8());
            prop_assert!(r.start < r.end && r.end <= text.len());
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
    }
}

/// Hostile inputs finish in bounded time. The bound is generous (debug builds on a shared CI
/// core); a quadratic step would take minutes on these sizes, not seconds.
fn bounded(name: &str, text: &str) {
    let start = Instant::now();
    let v = engine().score(&Comment::new(text));
    let took = start.elapsed();
    assert!(took < Duration::from_secs(20), "{name}: {took:?}");
    assert!(v.scores.0.iter().all(|s| s.is_finite()));
}

#[test]
fn one_megabyte_comment() {
    let text = "you idiot, I will find you and kill you. Scunthorpe f.u.c.k 1d10t ".repeat(16_000);
    assert!(text.len() > 1_000_000);
    bounded("1 MB comment", &text);
}

#[test]
fn a_million_combining_marks() {
    let text = format!("i{}diot", "\u{301}".repeat(1_000_000));
    bounded("combining marks", &text);
    let n = normalize(&text, &LeetTable::default());
    assert_eq!(n.text(), "idiot");
}

#[test]
fn a_million_zero_width_characters() {
    let text = format!("f{}uck", "\u{200B}".repeat(1_000_000));
    bounded("zero-width", &text);
}

#[test]
fn a_million_single_letters_and_masks() {
    bounded("spelled", &"a ".repeat(500_000));
    bounded("masks", &"f*".repeat(500_000));
    bounded("stretched", &"o".repeat(1_000_000));
    bounded("punctuation", &"!?".repeat(500_000));
}

#[test]
fn a_million_digits() {
    // Every digit is a leet symbol; a token of them has no letter, and is looked at once.
    bounded("one token of digits", &"0".repeat(1_000_000));
    bounded("digits and signs", &"$1+0|".repeat(200_000));
}
