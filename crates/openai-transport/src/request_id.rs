//! The server's `x-request-id`, which matches a call with OpenAI's support
//! records.
//!
//! The id stays in the response's header, where [`request_id`] reads it; the
//! [trace layer](crate::trace) records it on the call's span and in the debug
//! log.

use crate::headers::X_REQUEST_ID;

/// The server's request id of `resp` (`x-request-id`), when it is visible ASCII.
pub fn request_id<B>(resp: &http::Response<B>) -> Option<&str> {
    resp.headers()
        .get(X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_read_from_the_header_when_it_is_visible_ascii() {
        let resp = http::Response::builder()
            .header("x-request-id", "req_123")
            .body(())
            .unwrap();
        assert_eq!(request_id(&resp), Some("req_123"));
        let odd = http::Response::builder()
            .header(
                "x-request-id",
                http::HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
            )
            .body(())
            .unwrap();
        assert_eq!(request_id(&odd), None);
        assert_eq!(request_id(&http::Response::new(())), None);
    }
}
