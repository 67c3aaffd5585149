//! The targets: one module each, with its seeds, tokens and run function.

use crate::Target;

mod error_body;
mod multipart;
mod query;
mod responses;
mod retry_after;
mod sse;
mod sse_stream;
mod values;
mod webhooks;

/// Every target, in the order `all` runs them.
pub(crate) const ALL: &[Target] = &[
    Target {
        name: "sse",
        about: "SSE decoder: the same events whole or split at random points, and the model of its rules",
        seeds: sse::seeds,
        tokens: sse::TOKENS,
        run: sse::run,
    },
    Target {
        name: "sse-stream",
        about: "typed stream over a chunked body: the same items whole or split, nothing after an error",
        seeds: sse_stream::seeds,
        tokens: sse::TOKENS,
        run: sse_stream::run,
    },
    Target {
        name: "responses",
        about: "every response type's decoder: a typed error or a value that reads back the same",
        seeds: responses::seeds,
        tokens: responses::TOKENS,
        run: responses::run,
    },
    Target {
        name: "error-body",
        about: "error-body parser: any body, any status, a typed error with its status and message",
        seeds: error_body::seeds,
        tokens: error_body::TOKENS,
        run: error_body::run,
    },
    Target {
        name: "retry-after",
        about: "Retry-After parser: no delay or a number, and a bounded sleep",
        seeds: retry_after::seeds,
        tokens: retry_after::TOKENS,
        run: retry_after::run,
    },
    Target {
        name: "query",
        about: "query encoder: the bracket convention, a valid URI whose query decodes back",
        seeds: query::seeds,
        tokens: query::TOKENS,
        run: query::run,
    },
    Target {
        name: "multipart",
        about: "multipart encoder: the body parses back into the parts, the boundary only between them",
        seeds: multipart::seeds,
        tokens: multipart::TOKENS,
        run: multipart::run,
    },
    Target {
        name: "webhooks",
        about: "webhook verifier: signed verifies, any one-byte change or stale timestamp fails",
        seeds: webhooks::seeds,
        tokens: webhooks::TOKENS,
        run: webhooks::run,
    },
];

#[cfg(test)]
mod tests {
    use crate::{Config, input_for, target};

    /// The share of a brief run's inputs for which `reached` holds.
    fn share(name: &str, reached: impl Fn(&[u8], u64) -> bool) -> f64 {
        let t = target(name).expect("a target");
        let seeds = (t.seeds)();
        let config = Config::default();
        let hits = (0..2_000)
            .filter(|&i| {
                let (input, aux) = input_for(t, &seeds, &config, i);
                reached(&input, aux)
            })
            .count();
        hits as f64 / 2_000.0
    }

    // The mutated inputs still reach the code past the first checks, so the
    // properties are asserted on many inputs, not a few.
    #[test]
    fn inputs_reach_the_interesting_paths() {
        let events = share("sse", |input, _| {
            let mut d = openai_core::sse::Decoder::new();
            d.feed(bytes::Bytes::copy_from_slice(input));
            matches!(d.next_event(), Some(Ok(_)))
        });
        assert!(events > 0.3, "sse: {events}");
        let decoded = share("responses", |input, aux| {
            let (_, decode, body) = super::responses::pick(input, aux);
            decode(body).is_ok()
        });
        assert!(decoded > 0.1, "responses: {decoded}");
        let objects = share("query", |input, _| {
            super::values::value_of(input).is_object()
        });
        assert!(objects > 0.8, "query: {objects}");
        let text = share("webhooks", |input, _| std::str::from_utf8(input).is_ok());
        assert!(text > 0.5, "webhooks: {text}");
        let json = share("error-body", |input, _| {
            serde_json::from_slice::<serde_json::Value>(input).is_ok()
        });
        assert!(json > 0.1, "error-body: {json}");
    }
}
