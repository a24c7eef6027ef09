//! Perspective `comments:analyze` and `comments:suggestscore` bodies through the surface's own
//! parsing: `AnalyzeRequest` then `ParsedAnalyze::parse` (HTML stripping, attributes, languages,
//! context), and `SuggestRequest` then `ParsedSuggest::parse`; every error renders its body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tamiz::engine::Language;
use tamiz::http::json;
use tamiz::http::perspective::{AnalyzeRequest, ParsedAnalyze, ParsedSuggest, SuggestRequest};

fuzz_target!(|data: &[u8]| {
    if json::nesting_depth(data) > 32 {
        return;
    }
    if let Ok(request) = json::parse::<AnalyzeRequest>(data) {
        match ParsedAnalyze::parse(request, 2_000) {
            Ok(parsed) => {
                assert!(!parsed.attributes.is_empty());
                assert!(!parsed.text.trim().is_empty());
            }
            Err(e) => {
                let body = e.body();
                assert_eq!(body["error"]["code"], e.status());
            }
        }
    }
    if let Ok(request) = json::parse::<SuggestRequest>(data) {
        if let Err(e) = ParsedSuggest::parse(request, 2_000, Language::En, "fuzz") {
            let _ = e.body();
        }
    }
});
