//! The checked-in facts the resource generator adds to the spec model:
//! where the operations Python leaves out live, which operations Python
//! streams, and where Python and the spec disagree.

use crate::ir::Pagination;

/// Spec operations the Python SDK does not expose, and where they live here.
pub(super) const EXTRA_METHODS: &[(&str, &str, &str)] = &[
    ("createVoiceConsent", "audio.voice_consents", "create"),
    ("listVoiceConsents", "audio.voice_consents", "list"),
    ("getVoiceConsent", "audio.voice_consents", "retrieve"),
    ("updateVoiceConsent", "audio.voice_consents", "update"),
    ("deleteVoiceConsent", "audio.voice_consents", "delete"),
    ("createVoice", "audio.voices", "create"),
    (
        "create-realtime-translation-client-secret",
        "realtime.translations.client_secrets",
        "create",
    ),
];

/// Pagination of the extra list methods (the Python table has no row).
pub(super) const EXTRA_PAGINATION: &[(&str, Pagination)] =
    &[("listVoiceConsents", Pagination::ConversationCursorPage)];

/// Operations the Python SDK streams although the spec declares no
/// `text/event-stream` answer, with the spec schema of each event.
pub(super) const PYTHON_STREAMS: &[(&str, &str)] = &[
    ("createCompletion", "CreateCompletionResponse"),
    ("getResponse", "ResponseStreamEvent"),
    ("beta_getResponse", "BetaResponseStreamEvent"),
    ("createRun", "AssistantStreamEvent"),
    ("submitToolOuputsToRun", "AssistantStreamEvent"),
    ("createThreadAndRun", "AssistantStreamEvent"),
];

/// Where Python and the spec disagree (`api-surface.md`): what we follow.
pub(super) const DISAGREEMENTS: &[(&str, &str)] = &[
    (
        "createCompletion",
        "The spec declares a JSON answer only; like the Python SDK, `create_stream` streams it.",
    ),
    (
        "getResponse",
        "The spec declares a JSON answer only; like the Python SDK, `retrieve_stream` streams it.",
    ),
    (
        "beta_getResponse",
        "The spec declares a JSON answer only; like the Python SDK, `retrieve_stream` streams it.",
    ),
    (
        "createRun",
        "The spec declares a JSON answer only; like the Python SDK, `create_stream` streams it; the helper `stream` adds the run, message and step snapshots.",
    ),
    (
        "submitToolOuputsToRun",
        "The spec declares a JSON answer only; like the Python SDK (`submit_tool_outputs(stream=True)`), `submit_tool_outputs_raw_stream` streams it; the helper `submit_tool_outputs_stream` adds the run, message and step snapshots.",
    ),
    (
        "createThreadAndRun",
        "The spec declares a JSON answer only; like the Python SDK (`create_and_run(stream=True)`), `create_and_run_raw_stream` streams it; the helper `create_and_run_stream` adds the run, message and step snapshots.",
    ),
    (
        "downloadFile",
        "The spec types the answer as a JSON string; like the Python SDK, this sends `Accept: application/binary` and returns the bytes.",
    ),
    (
        "RetrieveContainerFileContent",
        "The spec declares no answer body; like the Python SDK, this returns the bytes.",
    ),
    (
        "CreateVideoRemix",
        "The spec also allows multipart; like the Python SDK, this sends JSON.",
    ),
    (
        "create-realtime-call",
        "The spec takes multipart or a raw SDP body; like the Python SDK, this sends JSON `{sdp, session}` with `Accept: application/sdp` and returns the SDP answer as bytes.",
    ),
    (
        "createSpeech",
        "The spec also declares an SSE answer (`stream_format: \"sse\"`); like the Python SDK, this returns the raw bytes.",
    ),
];

/// Operations sent as JSON although the spec offers multipart first.
pub(super) const JSON_NOT_MULTIPART: &[&str] = &["CreateVideoRemix", "create-realtime-call"];

/// Request fields the Python SDK fills in when the caller leaves them out:
/// (operation, field, enum variant of the field's type, JSON value, note for
/// the method's doc).
pub(super) const REQUEST_DEFAULTS: &[(&str, &str, &str, &str, &str)] = &[(
    "createEmbedding",
    "encoding_format",
    "Base64",
    "\"base64\"",
    "Unless `encoding_format` is set, asks for `\"base64\"` as the Python SDK does (about a quarter of the bytes of JSON floats, and no float parsing); the embeddings read as `Vec<f32>` either way.",
)];
