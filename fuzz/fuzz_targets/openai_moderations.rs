//! OpenAI `POST /v1/moderations` bodies: `ModerationRequest`, then `texts()` with limits (string,
//! array of strings, multimodal parts).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tamiz::http::json;
use tamiz::http::openai::ModerationRequest;

fuzz_target!(|data: &[u8]| {
    if json::nesting_depth(data) > 32 {
        return;
    }
    let Ok(request) = json::parse::<ModerationRequest>(data) else {
        return;
    };
    match request.texts(100, 2_000) {
        Ok(texts) => {
            assert!(!texts.is_empty() && texts.len() <= 100);
            assert!(texts.iter().all(|t| t.chars().count() <= 2_000));
        }
        Err(e) => assert_eq!(e.status, 400),
    }
});
