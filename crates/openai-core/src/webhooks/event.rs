//! [`WebhookEvent`]: a verified payload, by its `type`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use openai_types::webhooks::{
    WebhookBatchCancelled, WebhookBatchCompleted, WebhookBatchExpired, WebhookBatchFailed,
    WebhookEvalRunCanceled, WebhookEvalRunFailed, WebhookEvalRunSucceeded,
    WebhookFineTuningJobCancelled, WebhookFineTuningJobFailed, WebhookFineTuningJobSucceeded,
    WebhookLiveCallIncoming, WebhookRealtimeCallIncoming, WebhookResponseCancelled,
    WebhookResponseCompleted, WebhookResponseFailed, WebhookResponseIncomplete,
};

/// Writes [`WebhookEvent`] and its dispatch from one table, so a variant, its
/// type and its wire name cannot drift apart.
macro_rules! webhook_events {
    ($( $variant:ident($ty:ident) = $wire:literal, )*) => {
        /// A webhook event: Python's `UnwrapWebhookEvent`, chosen by the
        /// JSON `type` field.
        ///
        /// The 16 event types of the spec's `webhooks` section each have a
        /// variant; any other `type` (`safety_identifier.blocked`, which the
        /// Python union has but the spec does not, or one added later) is kept
        /// whole in [`Unknown`](Self::Unknown). Match with a `_` arm: new
        /// variants may be added.
        ///
        /// A known `type` whose payload does not fit its type (a field of
        /// the wrong JSON type) is also kept in [`Unknown`](Self::Unknown),
        /// never an error: the signature proved it came from OpenAI, and
        /// refusing it would make the sender retry a delivery that can never
        /// succeed. Missing fields do not send an event there: the generated
        /// types record them (see their `field_state`).
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            $(
                #[doc = concat!("`", $wire, "`.")]
                $variant($ty),
            )*
            /// Any other event type, or a payload that is not an object with
            /// a string `type`, or a known type of an unexpected shape: the
            /// JSON as received.
            Unknown(Value),
        }

        impl WebhookEvent {
            /// The event for a JSON value, by its `type`; never fails.
            pub fn from_value(value: Value) -> Self {
                let known = match value.get("type").and_then(Value::as_str) {
                    $( Some($wire) => $ty::deserialize(&value).ok().map(Self::$variant), )*
                    _ => None,
                };
                known.unwrap_or(Self::Unknown(value))
            }

            /// The `type` field (`"batch.completed"`, ...); `None` for an
            /// [`Unknown`](Self::Unknown) value without a string `type`.
            pub fn event_type(&self) -> Option<&str> {
                match self {
                    $( Self::$variant(_) => Some($wire), )*
                    Self::Unknown(v) => v.get("type").and_then(Value::as_str),
                }
            }

            /// The event's `id` (`evt_...`), when it has a string one.
            pub fn id(&self) -> Option<&str> {
                match self {
                    $( Self::$variant(e) => Some(&e.id), )*
                    Self::Unknown(v) => v.get("id").and_then(Value::as_str),
                }
            }
        }

        impl Serialize for WebhookEvent {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(e) => e.serialize(s), )*
                    Self::Unknown(v) => v.serialize(s),
                }
            }
        }
    };
}

webhook_events! {
    BatchCancelled(WebhookBatchCancelled) = "batch.cancelled",
    BatchCompleted(WebhookBatchCompleted) = "batch.completed",
    BatchExpired(WebhookBatchExpired) = "batch.expired",
    BatchFailed(WebhookBatchFailed) = "batch.failed",
    EvalRunCanceled(WebhookEvalRunCanceled) = "eval.run.canceled",
    EvalRunFailed(WebhookEvalRunFailed) = "eval.run.failed",
    EvalRunSucceeded(WebhookEvalRunSucceeded) = "eval.run.succeeded",
    FineTuningJobCancelled(WebhookFineTuningJobCancelled) = "fine_tuning.job.cancelled",
    FineTuningJobFailed(WebhookFineTuningJobFailed) = "fine_tuning.job.failed",
    FineTuningJobSucceeded(WebhookFineTuningJobSucceeded) = "fine_tuning.job.succeeded",
    LiveCallIncoming(WebhookLiveCallIncoming) = "live.call.incoming",
    RealtimeCallIncoming(WebhookRealtimeCallIncoming) = "realtime.call.incoming",
    ResponseCancelled(WebhookResponseCancelled) = "response.cancelled",
    ResponseCompleted(WebhookResponseCompleted) = "response.completed",
    ResponseFailed(WebhookResponseFailed) = "response.failed",
    ResponseIncomplete(WebhookResponseIncomplete) = "response.incomplete",
}

impl WebhookEvent {
    /// Whether this is [`Unknown`](Self::Unknown).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown(_))
    }
}

impl<'de> Deserialize<'de> for WebhookEvent {
    /// Any JSON value deserializes; see [`from_value`](Self::from_value).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(Self::from_value)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event(ty: &str) -> Value {
        json!({
            "id": "evt_1",
            "object": "event",
            "created_at": 1_700_000_000,
            "type": ty,
            "data": {"id": "x_1"},
        })
    }

    #[test]
    fn every_known_type_has_its_variant() {
        let types = [
            "batch.cancelled",
            "batch.completed",
            "batch.expired",
            "batch.failed",
            "eval.run.canceled",
            "eval.run.failed",
            "eval.run.succeeded",
            "fine_tuning.job.cancelled",
            "fine_tuning.job.failed",
            "fine_tuning.job.succeeded",
            "live.call.incoming",
            "realtime.call.incoming",
            "response.cancelled",
            "response.completed",
            "response.failed",
            "response.incomplete",
        ];
        for ty in types {
            let mut value = event(ty);
            let sip_headers = json!([{"name": "From", "value": "sip:a@b"}]);
            if ty == "live.call.incoming" {
                value["data"] = json!({"session_id": "s_1", "sip_headers": sip_headers});
            } else if ty == "realtime.call.incoming" {
                value["data"] = json!({"call_id": "call_1", "sip_headers": sip_headers});
            }
            let e = WebhookEvent::from_value(value.clone());
            assert!(!e.is_unknown(), "{ty}: {e:?}");
            assert_eq!(e.event_type(), Some(ty));
            assert_eq!(e.id(), Some("evt_1"));
            // Serializing gives the JSON back.
            assert_eq!(serde_json::to_value(&e).unwrap(), value, "{ty}");
        }
    }

    #[test]
    fn fields_are_typed() {
        match WebhookEvent::from_value(event("batch.completed")) {
            WebhookEvent::BatchCompleted(e) => {
                assert_eq!(e.data.id, "x_1");
                assert_eq!(e.created_at, 1_700_000_000);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_types_are_kept_whole() {
        let value = event("safety_identifier.blocked");
        let e = WebhookEvent::from_value(value.clone());
        assert_eq!(e, WebhookEvent::Unknown(value));
        assert_eq!(e.event_type(), Some("safety_identifier.blocked"));
        assert_eq!(e.id(), Some("evt_1"));
    }

    #[test]
    fn odd_shapes_do_not_panic_and_stay_unknown() {
        let mut wrong_field = event("batch.completed");
        wrong_field["created_at"] = json!("yesterday");
        let mut wrong_data = event("response.completed");
        wrong_data["data"] = json!([1, 2]);
        for value in [
            wrong_field,
            wrong_data,
            json!({"type": 7}),
            json!({"no": "type"}),
            json!([1, 2, 3]),
            json!("batch.completed"),
            Value::Null,
        ] {
            let e = WebhookEvent::from_value(value.clone());
            assert_eq!(e, WebhookEvent::Unknown(value));
        }
        assert_eq!(
            WebhookEvent::from_value(json!({"type": 7})).event_type(),
            None
        );
    }

    #[test]
    fn missing_fields_keep_the_variant() {
        let e = WebhookEvent::from_value(json!({"type": "batch.failed"}));
        assert!(matches!(e, WebhookEvent::BatchFailed(_)), "{e:?}");
    }

    #[test]
    fn deserializes_from_json_text() {
        let e: WebhookEvent = serde_json::from_str(&event("eval.run.failed").to_string()).unwrap();
        assert!(matches!(e, WebhookEvent::EvalRunFailed(_)));
    }
}
