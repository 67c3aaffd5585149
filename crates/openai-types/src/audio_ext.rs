//! Audio carried as base64 in Realtime and Responses events: the deltas the
//! server streams decode into bytes, and input audio encodes from bytes.
//!
//! A delta's `delta` holds the base64 text the event arrived with; the
//! decoders here write the bytes straight into the caller's buffer, so a
//! player that keeps one buffer decodes every delta without a second copy
//! of the event or an allocation per delta.

use std::fmt;

use crate::base64;

/// The `delta` of an audio event was not valid base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidAudio {
    reason: base64::DecodeError,
}

impl fmt::Display for InvalidAudio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the audio delta is not valid base64: {}", self.reason)
    }
}

impl std::error::Error for InvalidAudio {}

/// `audio()` and `decode_audio_into()` for the events whose `delta` is
/// base64 audio.
macro_rules! audio_delta {
    ($($(#[$cfg:meta])* $ty:path;)*) => {$(
        $(#[$cfg])*
        impl $ty {
            /// The audio bytes of `delta`, decoded from base64.
            ///
            /// # Errors
            ///
            /// [`InvalidAudio`] when `delta` is not base64.
            pub fn audio(&self) -> Result<Vec<u8>, InvalidAudio> {
                let mut bytes = Vec::new();
                self.decode_audio_into(&mut bytes)?;
                Ok(bytes)
            }

            /// Decodes `delta` onto the end of `buffer` and returns how many
            /// bytes it added; on an error `buffer` is left as it was.
            ///
            /// # Errors
            ///
            /// [`InvalidAudio`] when `delta` is not base64.
            pub fn decode_audio_into(&self, buffer: &mut Vec<u8>) -> Result<usize, InvalidAudio> {
                base64::decode_into(&self.delta, buffer).map_err(|reason| InvalidAudio { reason })
            }
        }
    )*};
}

audio_delta! {
    #[cfg(feature = "realtime")]
    crate::realtime::RealtimeServerEventResponseAudioDelta;
    #[cfg(feature = "realtime")]
    crate::realtime::RealtimeBetaServerEventResponseAudioDelta;
    #[cfg(feature = "realtime")]
    crate::realtime::RealtimeTranslationServerEventSessionOutputAudioDelta;
    #[cfg(feature = "responses")]
    crate::responses::ResponseAudioDeltaEvent;
    #[cfg(feature = "beta-responses")]
    crate::beta::responses::BetaResponseAudioDeltaEvent;
}

#[cfg(feature = "realtime")]
impl crate::realtime::RealtimeClientEventInputAudioBufferAppend {
    /// An `input_audio_buffer.append` of `audio` (in the session's input
    /// format, PCM16 by default), encoded as base64 once, straight into the
    /// event.
    pub fn from_audio(audio: &[u8]) -> Self {
        Self::new(base64::encode(audio))
    }
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "realtime")]
    #[test]
    fn realtime_deltas_decode_and_input_audio_encodes() {
        use crate::realtime::{
            RealtimeClientEventInputAudioBufferAppend, RealtimeServerEvent,
            RealtimeServerEventResponseAudioDelta,
        };

        let pcm: Vec<u8> = (0..=255).collect();
        let append = RealtimeClientEventInputAudioBufferAppend::from_audio(&pcm);
        let json = serde_json::to_value(&append).unwrap();
        assert_eq!(json["type"], "input_audio_buffer.append");
        let audio = json["audio"].as_str().unwrap().to_owned();

        let event: RealtimeServerEvent = serde_json::from_value(serde_json::json!({
            "type": "response.output_audio.delta", "event_id": "e", "response_id": "r",
            "item_id": "i", "output_index": 0, "content_index": 0, "delta": audio,
        }))
        .unwrap();
        let RealtimeServerEvent::ResponseOutputAudioDelta(delta) = event else {
            panic!("not an audio delta: {event:?}");
        };
        assert_eq!(delta.audio().unwrap(), pcm);
        let mut buffer = vec![1, 2];
        assert_eq!(delta.decode_audio_into(&mut buffer).unwrap(), 256);
        assert_eq!(&buffer[..2], &[1, 2]);
        assert_eq!(&buffer[2..], &pcm[..]);

        let mut bad: RealtimeServerEventResponseAudioDelta = delta.clone();
        bad.delta = "not base64!".to_owned();
        let err = bad.decode_audio_into(&mut buffer).unwrap_err();
        assert!(err.to_string().contains("not valid base64"), "{err}");
        assert_eq!(buffer.len(), 258);
    }

    #[cfg(feature = "responses")]
    #[test]
    fn responses_deltas_decode() {
        let event = crate::responses::ResponseAudioDeltaEvent::new(1, "AAEC/w==");
        assert_eq!(event.audio().unwrap(), [0, 1, 2, 255]);
    }
}
