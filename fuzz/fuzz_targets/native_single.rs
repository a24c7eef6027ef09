//! `POST /v1/moderate` bodies: the bytes go through the handler's own parsing (`json::parse`
//! into `ModerateRequest`, then `ModerationItem::parse` with the default limits). Any input gives
//! a request or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tamiz::http::json;
use tamiz::http::native::{ModerateRequest, ModerationItem};
use tamiz::settings::Limits;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_body_bytes: 1 << 20,
        max_text_chars: 2_000,
        max_batch_items: 100,
        max_json_depth: 32,
        rate_limit_per_minute: 0,
        rate_limit_burst: 0,
    };
    if json::nesting_depth(data) > limits.max_json_depth {
        return;
    }
    if let Ok(request) = json::parse::<ModerateRequest>(data) {
        if let Ok(item) = ModerationItem::parse(request, &limits, "") {
            assert!(item.comment.text.chars().count() <= limits.max_text_chars);
        }
    }
});
