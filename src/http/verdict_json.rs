//! The native verdict written straight to JSON bytes, for the hot scoring routes.
//!
//! A verdict carries dozens of pieces of evidence (every learned term that fired), and writing
//! them through serde costs more than scoring the comment: serde_json escapes every key and
//! moves each field through `io::Write` one small write at a time. Here keys are constants,
//! numbers go through `itoa`/`zmij` as serde_json does, and strings are copied whole when nothing
//! in them needs escaping (serde_json itself escapes the rest). The serde `Serialize` impls stay
//! the reference: the tests below hold these bytes equal to serde_json's for the same value.

use super::native::CommentId;
use crate::engine::{Category, Detail, Evidence, Verdict};
use actix_web::web::Bytes;
use serde::Serialize;

/// Appends `{"id":..,"decision":..,...,"took_us":..}`, byte for byte what serde_json writes for
/// [`super::native::Moderated`]. `matches` is left out unless `detail` is [`Detail::Full`] or
/// [`Detail::Evidence`]: absent means "not asked for", never "nothing matched".
pub fn write_moderated(out: &mut Vec<u8>, id: Option<&CommentId>, v: &Verdict, took_us: u64, detail: Detail) {
    out.push(b'{');
    if let Some(id) = id {
        out.extend_from_slice(b"\"id\":");
        serde_into(out, id);
        out.push(b',');
    }
    out.extend_from_slice(b"\"decision\":\"");
    out.extend_from_slice(v.decision.as_str().as_bytes());
    out.extend_from_slice(b"\",\"scores\":");
    serde_into(out, &v.scores);
    if matches!(detail, Detail::Full | Detail::Evidence) {
        out.extend_from_slice(b",\"matches\":[");
        let mut openings = Openings::default();
        for (i, e) in v.matches.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_evidence(out, e, &mut openings);
        }
        out.push(b']');
    }
    out.extend_from_slice(b",\"reasons\":");
    serde_into(out, &v.reasons);
    out.extend_from_slice(b",\"language\":\"");
    out.extend_from_slice(v.language.as_str().as_bytes());
    out.extend_from_slice(b"\",\"lexicon_version\":");
    string(out, &v.lexicon_version);
    out.extend_from_slice(b",\"took_us\":");
    out.extend_from_slice(itoa::Buffer::new().format(took_us).as_bytes());
    out.push(b'}');
}

/// `{"results":[...]}` as a list of chunks which, joined, are byte for byte what serde_json
/// writes for [`super::native::BatchResponse`]: each slot a result or that item's error object.
/// A scored slot comes already written by [`write_moderated`] and becomes a chunk of its own
/// without being copied: a batch of 100 full answers is ~2 MB, and copying it into one body
/// doubled the memory each batch in flight held.
pub fn batch_chunks(slots: impl Iterator<Item = Result<Vec<u8>, serde_json::Value>>) -> Vec<Bytes> {
    let mut chunks = Vec::new();
    // Separators and error objects gather here between scored slots.
    let mut small = b"{\"results\":[".to_vec();
    for (i, slot) in slots.enumerate() {
        if i > 0 {
            small.push(b',');
        }
        match slot {
            Ok(written) => {
                chunks.push(Bytes::from(std::mem::take(&mut small)));
                chunks.push(Bytes::from(written));
            }
            Err(error) => serde_into(&mut small, &error),
        }
    }
    small.extend_from_slice(b"]}");
    chunks.push(Bytes::from(small));
    chunks
}

/// A size for the output buffer that a full answer rarely outgrows, so it is allocated once:
/// each piece of evidence is its keys and numbers (under 200 bytes) plus its three strings.
/// (Growing the buffer mid-write cost ~7 % of writing a 300-character comment's answer.)
pub fn size_hint(v: &Verdict) -> usize {
    let strings: usize = v
        .matches
        .iter()
        .map(|e| e.rule.len() + e.term.len() + e.matched.len())
        .sum();
    512 + v.lexicon_version.len() + v.matches.len() * 200 + strings
}

/// The opening of a piece of evidence up to its term, `{"category":"..","rule":"..","term":`,
/// per rule already written in this answer. An answer has dozens of pieces of evidence and
/// only a handful of distinct rules (`learned:en/toxicity`, ...), so each opening is built
/// (and its rule id scanned for escapes) once per answer and then copied whole.
#[derive(Default)]
struct Openings {
    seen: Vec<(&'static str, Category, Vec<u8>)>,
}

impl Openings {
    fn write(&mut self, out: &mut Vec<u8>, category: Category, rule: &'static str) {
        let cached = self
            .seen
            .iter()
            .find(|(r, c, _)| std::ptr::eq(*r, rule) && *c == category);
        if let Some((_, _, opening)) = cached {
            out.extend_from_slice(opening);
            return;
        }
        let mut opening = Vec::with_capacity(48 + rule.len());
        opening.extend_from_slice(b"{\"category\":\"");
        opening.extend_from_slice(category.as_str().as_bytes());
        opening.extend_from_slice(b"\",\"rule\":");
        string(&mut opening, rule);
        opening.extend_from_slice(b",\"term\":");
        out.extend_from_slice(&opening);
        // Bounded, in case some answer ever cites many rules: past it, openings are rebuilt.
        if self.seen.len() < 16 {
            self.seen.push((rule, category, opening));
        }
    }
}

/// The six offsets, the weight and the close of a piece of evidence, put together on the
/// stack and appended with one copy: written one by one into the answer, each short piece was
/// a call to `memcpy` of its own, which cost more than the formatting.
struct Tail {
    /// Room for the longest tail: six keys of at most 15 bytes and six numbers of at most 20
    /// digits (210), the weight's key and at most 24 characters (34), `,"dampened":true` and
    /// the close (17): 261.
    buf: [u8; 272],
    len: usize,
}

impl Tail {
    fn new() -> Self {
        Tail { buf: [0; 272], len: 0 }
    }

    /// For constant keys: the copy's length is known, so it compiles to a few moves.
    #[inline(always)]
    fn key<const N: usize>(&mut self, key: &[u8; N]) {
        self.buf[self.len..self.len + N].copy_from_slice(key);
        self.len += N;
    }

    /// For short variable pieces (digits): a byte loop, not a call.
    #[inline(always)]
    fn bytes(&mut self, s: &[u8]) {
        for &b in s {
            self.buf[self.len] = b;
            self.len += 1;
        }
    }
}

fn write_evidence(out: &mut Vec<u8>, e: &Evidence, openings: &mut Openings) {
    openings.write(out, e.category, e.rule);
    string(out, &e.term);
    out.extend_from_slice(b",\"matched\":");
    string(out, &e.matched);
    let s = &e.span;
    let mut int = itoa::Buffer::new();
    let mut t = Tail::new();
    t.key(b",\"start\":");
    t.bytes(int.format(s.start).as_bytes());
    t.key(b",\"end\":");
    t.bytes(int.format(s.end).as_bytes());
    t.key(b",\"utf16_start\":");
    t.bytes(int.format(s.utf16_start).as_bytes());
    t.key(b",\"utf16_end\":");
    t.bytes(int.format(s.utf16_end).as_bytes());
    t.key(b",\"byte_start\":");
    t.bytes(int.format(s.byte_start).as_bytes());
    t.key(b",\"byte_end\":");
    t.bytes(int.format(s.byte_end).as_bytes());
    t.key(b",\"weight\":");
    if !weight_in_thousandths(&mut t, e.weight) {
        if e.weight.is_finite() {
            t.bytes(zmij::Buffer::new().format_finite(e.weight).as_bytes());
        } else {
            // What serde_json writes for a non-finite float.
            t.key(b"null");
        }
    }
    if e.dampened {
        t.key(b",\"dampened\":true");
    }
    t.key(b"}");
    out.extend_from_slice(&t.buf[..t.len]);
}

/// Writes `w` as serde_json does if it is a whole number of thousandths under a million (every
/// weight the engine reports: it rounds them to three decimals), and says whether it did.
/// serde_json writes the shortest decimal that reads back as the same double; for such a value
/// that is its three decimals less trailing zeros (keeping one, `2.0`): a shorter decimal is
/// at least a thousandth away, far more than the doubles' spacing there. Checked against
/// serde_json by `weights_are_written_as_serde_json_writes_them`.
fn weight_in_thousandths(t: &mut Tail, w: f64) -> bool {
    let k = (w * 1000.0).round();
    // NaN and infinities fail the first test.
    if k.abs().partial_cmp(&1e9) != Some(std::cmp::Ordering::Less) || k / 1000.0 != w {
        return false;
    }
    let k = k.abs() as u64;
    if w.is_sign_negative() {
        t.key(b"-");
    }
    t.bytes(itoa::Buffer::new().format(k / 1000).as_bytes());
    t.key(b".");
    let frac = k % 1000;
    let digits = [
        b'0' + (frac / 100) as u8,
        b'0' + (frac / 10 % 10) as u8,
        b'0' + (frac % 10) as u8,
    ];
    let keep = if frac.is_multiple_of(100) {
        1
    } else if frac.is_multiple_of(10) {
        2
    } else {
        3
    };
    t.bytes(&digits[..keep]);
    true
}

/// A JSON string: copied whole when no byte needs escaping, else escaped by serde_json.
fn string(out: &mut Vec<u8>, s: &str) {
    if !needs_escape(s) {
        quoted(out, s);
    } else {
        serde_into(out, s);
    }
}

/// `s` between quotes, as it is: for strings known to need no escaping.
fn quoted(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

fn needs_escape(s: &str) -> bool {
    s.bytes().any(|b| ESCAPED[b as usize])
}

/// Bytes a JSON string cannot hold as they are: controls, `"` and `\`.
static ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

fn serde_into<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing to a Vec cannot fail, and these types always serialize.
    let _ = serde_json::to_writer(&mut *out, value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Comment, Engine};
    use crate::http::native::{BatchResponse, Moderated, Slot};
    use crate::http::scoring::Scored;
    use std::time::Duration;

    fn engine() -> Engine {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        crate::settings::Settings::load_with(&dir, None, false)
            .unwrap()
            .build_engine()
            .unwrap()
    }

    fn both(engine: &Engine, text: &str, id: Option<&CommentId>) -> (Vec<u8>, Vec<u8>) {
        let scored = Scored {
            verdict: engine.score(&Comment::new(text)),
            took: Duration::from_micros(text.len() as u64),
        };
        let reference = serde_json::to_vec(&Moderated::new(id, &scored)).unwrap();
        let mut fast = Vec::new();
        write_moderated(&mut fast, id, &scored.verdict, scored.took_us(), Detail::Full);
        (fast, reference)
    }

    #[test]
    fn a_summary_is_the_full_answer_without_its_matches() {
        let engine = engine();
        let id = CommentId::Text("c-1".into());
        for text in [
            "you are an idiot and I will find you",
            "Americans should hang their heads in shame",
            "",
            "Ты 1D10T 😀 pendejo",
        ] {
            let comment = Comment::new(text);
            let took = Duration::from_micros(9);
            let full = Scored {
                verdict: engine.score_with(&comment, Detail::Full),
                took,
            };
            let summary = Scored {
                verdict: engine.score_with(&comment, Detail::Summary),
                took,
            };
            assert!(summary.verdict.matches.is_empty());
            let mut expected = serde_json::to_value(Moderated::new(Some(&id), &full)).unwrap();
            expected.as_object_mut().unwrap().remove("matches").unwrap();
            let mut written = Vec::new();
            write_moderated(&mut written, Some(&id), &summary.verdict, 9, Detail::Summary);
            let written: serde_json::Value = serde_json::from_slice(&written).unwrap();
            assert_eq!(written, expected, "{text}");
        }
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let engine = engine();
        // Read at run time: an `include_str!` would make the image build need the test data.
        let corpus = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus_comments.jsonl"),
        )
        .unwrap();
        let mut texts: Vec<String> = serde_json::Deserializer::from_str(&corpus)
            .into_iter::<serde_json::Value>()
            .map(|v| v.unwrap()["text"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert!(texts.len() > 10);
        // Escapes in matched text and terms, non-ASCII offsets, emoji, controls, empty.
        texts.extend(
            [
                "you \"idiot\" \\ moron",
                "fuck\u{1}you\tidiot\nmoron\r",
                "Ты 1D10T 😀 idiot, pendejo cabrón",
                "",
                "I don't think you are an idiot",
            ]
            .map(String::from),
        );
        let ids = [
            None,
            Some(CommentId::Text("c-\"17\"".into())),
            Some(CommentId::Number(serde_json::Number::from(42))),
        ];
        for (i, text) in texts.iter().enumerate() {
            let id = ids[i % ids.len()].as_ref();
            let (fast, reference) = both(&engine, text, id);
            assert_eq!(
                String::from_utf8_lossy(&fast),
                String::from_utf8_lossy(&reference),
                "text {text:?}"
            );
        }
    }

    #[test]
    fn batches_write_what_serde_json_writes() {
        let engine = engine();
        let scored: Vec<Scored> = ["you idiot", "a \"quoted\" moron", "buenos días"]
            .iter()
            .map(|t| Scored {
                verdict: engine.score(&Comment::new(t)),
                took: Duration::from_micros(7),
            })
            .collect();
        let id = CommentId::Text("c-1".into());
        let error = serde_json::json!({"error": {"code": "bad_request", "message": "items[1]: no"}});
        let slots = || {
            vec![
                Ok((Some(&id), &scored[0])),
                Err(error.clone()),
                Ok((None, &scored[1])),
                Ok((None, &scored[2])),
            ]
        };
        let reference = BatchResponse {
            results: slots()
                .into_iter()
                .map(|s| match s {
                    Ok((id, s)) => Slot::Scored(Moderated::new(id, s)),
                    Err(e) => Slot::Error(e),
                })
                .collect(),
        };
        let written: Vec<Result<Vec<u8>, serde_json::Value>> = slots()
            .into_iter()
            .map(|s| {
                s.map(|(id, s)| {
                    let mut b = Vec::new();
                    write_moderated(&mut b, id, &s.verdict, s.took_us(), Detail::Full);
                    b
                })
            })
            .collect();
        let fast = batch_chunks(written.into_iter()).concat();
        assert_eq!(
            String::from_utf8(fast).unwrap(),
            serde_json::to_string(&reference).unwrap()
        );
        assert_eq!(batch_chunks(std::iter::empty()).concat(), br#"{"results":[]}"#);
        let only_errors = batch_chunks([Err(error.clone()), Err(error.clone())].into_iter()).concat();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&only_errors).unwrap(),
            serde_json::json!({"results": [error.clone(), error]})
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        // Any text, with insults mixed in so evidence (and its escapes and offsets) is written.
        #[test]
        fn any_comment_writes_what_serde_json_writes(
            text in "(\\PC|[\\x00-\\x1f\"\\\\]|idiot |f\\.u\\.c\\.k |pendejo ){0,40}",
        ) {
            static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
            let engine = ENGINE.get_or_init(engine);
            let (fast, reference) = both(engine, &text, None);
            proptest::prop_assert_eq!(fast, reference);
        }
    }

    #[test]
    fn openings_are_written_as_serde_json_writes_them() {
        // More distinct rules than the cache holds, repeated, one needing escapes, and one
        // rule under two categories.
        let rules: Vec<(&'static str, Category)> = (0..20)
            .map(|i| (&*format!("lexicon:en/list-{i}").leak(), Category::ALL[i % 7]))
            .chain([
                ("heuristic:\"odd\"\\rule", Category::Threat),
                ("lexicon:en/list-0", Category::Insult),
            ])
            .collect();
        let mut cache = Openings::default();
        for round in 0..3 {
            for &(rule, category) in &rules {
                let mut out = Vec::new();
                cache.write(&mut out, category, rule);
                let want = format!(
                    "{{\"category\":{},\"rule\":{},\"term\":",
                    serde_json::to_string(category.as_str()).unwrap(),
                    serde_json::to_string(rule).unwrap()
                );
                assert_eq!(String::from_utf8(out).unwrap(), want, "round {round}: {rule}");
            }
        }
        assert_eq!(cache.seen.len(), 16);
    }

    #[test]
    fn the_longest_evidence_tail_fits_and_matches_serde_json() {
        let text: std::sync::Arc<str> = "a \"quoted\" word".into();
        let e = Evidence {
            category: Category::Threat,
            rule: "heuristic:threat/violent-intent",
            term: "*quoted*".into(),
            matched: crate::engine::span::Excerpt::new(text, 2, 10),
            span: crate::engine::span::Span {
                start: usize::MAX,
                end: usize::MAX,
                utf16_start: usize::MAX,
                utf16_end: usize::MAX,
                byte_start: usize::MAX,
                byte_end: usize::MAX,
            },
            // The longest shortest form of a double: 24 characters.
            weight: -1.2345678901234567e-300,
            dampened: true,
            source: crate::engine::EvidenceSource::Heuristic,
            severe: false,
        };
        let mut out = Vec::new();
        write_evidence(&mut out, &e, &mut Openings::default());
        assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&e).unwrap());
    }

    #[test]
    fn weights_are_written_as_serde_json_writes_them() {
        let mut weights: Vec<f64> = (-3000..=3000).map(|k| k as f64 / 1000.0).collect();
        weights.extend([-0.0, 0.0, 1e6, 999_999.999, 12.5, -7.25, 0.1 + 0.2, 1e-7, 1e300]);
        // The engine's own rounding of arbitrary weights.
        weights.extend((0..2000).map(|i| ((i as f64 * 0.7311).sin() * 9.0 * 1000.0).round() / 1000.0));
        let mut thousandths = 0;
        for &w in &weights {
            let mut t = Tail::new();
            let fast = if weight_in_thousandths(&mut t, w) {
                thousandths += 1;
                String::from_utf8(t.buf[..t.len].to_vec()).unwrap()
            } else {
                serde_json::to_string(&w).unwrap()
            };
            assert_eq!(fast, serde_json::to_string(&w).unwrap(), "{w:?}");
        }
        // All but the four that are not whole thousandths under the bound (0.1 + 0.2, 1e-7,
        // 1e300, 1e6) took the short path.
        assert_eq!(thousandths, weights.len() - 4, "{thousandths} of {}", weights.len());
    }

    #[test]
    fn strings_needing_escapes_match_serde_json() {
        for s in [
            "plain",
            "quote\"",
            "back\\slash",
            "ctl\u{7}",
            "tab\t",
            "nl\n",
            "del\u{7f}",
            "é😀",
            "",
        ] {
            let mut out = Vec::new();
            string(&mut out, s);
            assert_eq!(out, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
    }
}
