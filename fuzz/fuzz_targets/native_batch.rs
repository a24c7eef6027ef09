//! `POST /v1/moderate/batch` bodies: `BatchRequest`, then each item as the handler parses it
//! (`json::parse_value` into `ModerateRequest`, errors prefixed with `items[i]`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tamiz::http::json;
use tamiz::http::native::{BatchRequest, ModerateRequest, ModerationItem};
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
    let Ok(batch) = json::parse::<BatchRequest>(data) else {
        return;
    };
    for (i, value) in batch.items.into_iter().enumerate().take(limits.max_batch_items) {
        let at = format!("items[{i}]");
        match json::parse_value::<ModerateRequest>(value) {
            Ok(r) => {
                let _ = ModerationItem::parse(r, &limits, &at);
            }
            Err(e) => {
                let message = e.within(&at).to_string();
                assert!(!message.is_empty());
            }
        }
    }
});
