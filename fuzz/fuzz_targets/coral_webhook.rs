//! Coral's webhook: any body and signature header through `verify_signature` (never panics; a
//! signature made with the secret always verifies), then `ModerationRequest` and the HTML
//! stripping the handler applies to `comment.body`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tamiz::http::coral::{sign, strip_html, verify_signature, ModerationRequest};
use tamiz::http::json;

fuzz_target!(|data: &[u8]| {
    let secrets = [secrecy::SecretString::from("fuzz-secret".to_string())];
    // Bytes up to the first newline are the signature header, the rest the body.
    let (header, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..0], data),
    };
    let _ = verify_signature(&secrets, std::str::from_utf8(header).ok(), body);
    assert!(verify_signature(&secrets, Some(&sign("fuzz-secret", body)), body));
    if json::nesting_depth(body) > 32 {
        return;
    }
    if let Ok(request) = json::parse::<ModerationRequest>(body) {
        let text = strip_html(&request.comment.body);
        assert_eq!(text, text.trim());
    }
    if let Ok(html) = std::str::from_utf8(data) {
        let _ = strip_html(html);
    }
});
