//! The native verdict written straight to JSON bytes, for the hot scoring routes.
//!
//! A verdict carries dozens of pieces of evidence (every learned term that fired), and writing
//! them through serde costs more than scoring the comment: serde_json escapes every key and
//! moves each field through `io::Write` one small write at a time. Here keys are constants,
//! numbers go through `itoa`/`zmij` as serde_json does, and strings are copied whole when nothing
//! in them needs escaping (serde_json itself escapes the rest). The serde `Serialize` impls stay
//! the reference: the tests below hold these bytes equal to serde_json's for the same value.

use super::native::CommentId;
use crate::engine::{Detail, Evidence, Verdict};
use actix_web::web::Bytes;
use serde::Serialize;

/// Appends `{"id":..,"decision":..,...,"took_us":..}`, byte for byte what serde_json writes for
/// [`super::native::Moderated`]. `matches` is left out unless `detail` is [`Detail::Full`]:
/// absent means "not asked for", never "nothing matched".
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
    if detail == Detail::Full {
        out.extend_from_slice(b",\"matches\":[");
        let mut rules = CleanRules::default();
        for (i, e) in v.matches.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_evidence(out, e, &mut rules);
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

/// Rule ids already written in this answer that needed no escaping. An answer has dozens of
/// pieces of evidence and only a handful of distinct rules (`learned:en/toxicity`, ...), so each
/// rule id is scanned once per answer rather than once per piece.
#[derive(Default)]
struct CleanRules {
    seen: [&'static str; 8],
    len: usize,
}

impl CleanRules {
    fn write(&mut self, out: &mut Vec<u8>, rule: &'static str) {
        if !self.seen[..self.len].iter().any(|s| std::ptr::eq(*s, rule)) {
            if needs_escape(rule) {
                serde_into(out, rule);
                return;
            }
            if self.len < self.seen.len() {
                self.seen[self.len] = rule;
                self.len += 1;
            }
        }
        quoted(out, rule);
    }
}

fn write_evidence(out: &mut Vec<u8>, e: &Evidence, rules: &mut CleanRules) {
    let mut int = itoa::Buffer::new();
    out.extend_from_slice(b"{\"category\":\"");
    out.extend_from_slice(e.category.as_str().as_bytes());
    out.extend_from_slice(b"\",\"rule\":");
    rules.write(out, e.rule);
    out.extend_from_slice(b",\"term\":");
    string(out, &e.term);
    out.extend_from_slice(b",\"matched\":");
    string(out, &e.matched);
    let s = &e.span;
    for (key, n) in [
        (&b",\"start\":"[..], s.start),
        (b",\"end\":", s.end),
        (b",\"utf16_start\":", s.utf16_start),
        (b",\"utf16_end\":", s.utf16_end),
        (b",\"byte_start\":", s.byte_start),
        (b",\"byte_end\":", s.byte_end),
    ] {
        out.extend_from_slice(key);
        out.extend_from_slice(int.format(n).as_bytes());
    }
    out.extend_from_slice(b",\"weight\":");
    if e.weight.is_finite() {
        out.extend_from_slice(zmij::Buffer::new().format_finite(e.weight).as_bytes());
    } else {
        // What serde_json writes for a non-finite float.
        out.extend_from_slice(b"null");
    }
    if e.dampened {
        out.extend_from_slice(b",\"dampened\":true");
    }
    out.push(b'}');
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
    fn rule_ids_are_written_as_serde_json_writes_them() {
        // More distinct rules than the cache holds, repeated, and one needing escapes.
        let rules: Vec<&'static str> = (0..12)
            .map(|i| &*format!("lexicon:en/list-{i}").leak())
            .chain(["heuristic:\"odd\"\\rule"])
            .collect();
        let mut cache = CleanRules::default();
        for round in 0..3 {
            for &rule in &rules {
                let mut out = Vec::new();
                cache.write(&mut out, rule);
                assert_eq!(out, serde_json::to_vec(rule).unwrap(), "round {round}: {rule}");
            }
        }
        assert_eq!(cache.len, cache.seen.len());
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
