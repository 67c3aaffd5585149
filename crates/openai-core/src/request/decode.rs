//! Turning a successful response into a call's result.
// NOTE: each decoder serves the operations of some resource groups; a build
// with only a few groups on leaves some unused. With every group on (the
// default, and CI's passes) unused code is still reported.
#![cfg_attr(
    not(feature = "full"),
    allow(dead_code, reason = "some decoders serve groups that are off")
)]

use openai_transport::HttpResponse;
use openai_transport::request_id::request_id;
use openai_types::ResponseMeta;
use serde::de::DeserializeOwned;

use crate::binary::Binary;
use crate::error::{DecodeError, Error};
use crate::sse::Stream;

/// Decodes a JSON body into `T` and records the request id on it.
pub(crate) fn decode_json<T: DeserializeOwned + ResponseMeta>(
    resp: HttpResponse,
) -> Result<T, Error> {
    let id = request_id(&resp);
    let bytes = resp.body().as_bytes().unwrap_or_default();
    if let Some(span) = crate::telemetry::span_of(&resp) {
        crate::telemetry::record_response(span, bytes);
    }
    let mut value: T = from_json_bytes(bytes).map_err(|e| {
        let content_type = resp
            .headers()
            .get(http::header::CONTENT_TYPE)
            .map_or("none".into(), |v| String::from_utf8_lossy(v.as_bytes()));
        Error::Decode(
            DecodeError::new(
                format!(
                    "the response body is not the expected JSON ({e}); got {} with content type {content_type}: {}",
                    resp.status(),
                    body_start(bytes)
                ),
                Some(e),
            )
            .with_request_id(id),
        )
    })?;
    if let Some(id) = id {
        value.set_request_id(id);
    }
    Ok(value)
}

/// How much of an unexpected body an error message shows.
pub(crate) const BODY_START: usize = 512;

/// The start of a body for an error message: at most [`BODY_START`] bytes,
/// as text, with `…` when there was more.
pub(crate) fn body_start(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if bytes.len() <= BODY_START {
        String::from_utf8_lossy(bytes)
    } else {
        let mut start = String::from_utf8_lossy(&bytes[..BODY_START]).into_owned();
        start.push('…');
        start.into()
    }
}

/// Parses JSON from bytes. The bytes are checked as UTF-8 once, in one pass,
/// and parsed as `str`, so serde_json does not check every string it meets
/// again (a check per string costs more than one over the whole body). Bytes
/// that are not UTF-8 go through `from_slice`, whose error says where.
pub(crate) fn from_json_bytes<T: DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    }
}

/// Turns an SSE response into a [`Stream`] (its rules are on the type).
pub(crate) fn decode_stream<T>(resp: HttpResponse) -> Result<Stream<T>, Error> {
    Ok(Stream::from_response(resp))
}

/// A success without a body (`Accept: */*` endpoints): whatever came is
/// ignored.
pub(crate) fn decode_empty(_resp: HttpResponse) -> Result<(), Error> {
    Ok(())
}

/// A body returned as text (the deprecated `files.retrieve_content`).
pub(crate) fn decode_text(resp: HttpResponse) -> Result<String, Error> {
    let id = request_id(&resp);
    let bytes = resp.body().as_bytes().unwrap_or_default();
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        Error::Decode(
            DecodeError::new("the response body is not UTF-8 text", None).with_request_id(id),
        )
    })
}

/// A body read on demand (downloads): [`Binary`].
pub(crate) fn decode_binary(resp: HttpResponse) -> Result<Binary, Error> {
    Ok(Binary::new(resp))
}
