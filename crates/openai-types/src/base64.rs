//! Standard base64 (RFC 4648): the encoder of data URLs and input audio, the
//! decoder of base64 embeddings ([`decode_f32s`]) and of audio deltas
//! ([`decode_into`]).

// Each resource group uses a part: data URLs (chat) and input audio
// (realtime) encode, embeddings decode to floats, audio deltas (realtime,
// responses) decode to bytes.
#![cfg_attr(
    not(all(feature = "embeddings", feature = "realtime")),
    allow(dead_code, reason = "each resource group uses a part of the codec")
)]

use std::fmt;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Encodes `data` as standard base64 with padding.
pub(crate) fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Why a base64 text did not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// A byte outside the alphabet (or padding inside the text), at this offset.
    InvalidByte(usize),
    /// A length no base64 text has (one character past a group of four).
    InvalidLength,
    /// Decoded bytes that do not make whole little-endian `f32`s.
    NotWholeFloats(usize),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidByte(at) => write!(f, "invalid base64 byte at offset {at}"),
            Self::InvalidLength => f.write_str("invalid base64 length"),
            Self::NotWholeFloats(n) => {
                write!(
                    f,
                    "{n} decoded bytes are not a whole number of 4-byte floats"
                )
            }
        }
    }
}

/// Decodes standard base64 (padded or not) into little-endian `f32`s, as the API sends
/// embeddings with `encoding_format: "base64"`. Decodes straight into the floats: no
/// intermediate byte buffer. Sixteen characters (three floats) at a time through a
/// lookup table; the tail byte by byte.
pub(crate) fn decode_f32s(text: &str) -> Result<Vec<f32>, DecodeError> {
    let input = text.as_bytes();
    let data = strip_padding(input)?;
    let bytes = data.len() / 4 * 3
        + match data.len() % 4 {
            0 => 0,
            2 => 1,
            3 => 2,
            _ => return Err(DecodeError::InvalidLength),
        };
    if bytes % 4 != 0 {
        return Err(DecodeError::NotWholeFloats(bytes));
    }
    let mut out = Vec::with_capacity(bytes / 4);
    let mut groups = data.chunks_exact(16);
    for (g, group) in (&mut groups).enumerate() {
        let mut raw = [0u8; 12];
        let mut seen = 0u8;
        for (q, quad) in group.chunks_exact(4).enumerate() {
            let [a, b, c, d] = [0, 1, 2, 3].map(|i| SEXTETS[usize::from(quad[i])]);
            seen |= a | b | c | d;
            let n =
                (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(c) << 6) | u32::from(d);
            raw[q * 3..q * 3 + 3].copy_from_slice(&n.to_be_bytes()[1..]);
        }
        // Valid sextets are below 64; `INVALID` has the top bits set.
        if seen & 0xC0 != 0 {
            let at = group
                .iter()
                .position(|&c| SEXTETS[usize::from(c)] == INVALID)
                .unwrap_or(0);
            return Err(DecodeError::InvalidByte(g * 16 + at));
        }
        for f in raw.chunks_exact(4) {
            out.push(f32::from_le_bytes([f[0], f[1], f[2], f[3]]));
        }
    }
    // The tail (fewer than 16 characters) carries whole floats too: 12 bytes
    // per group of 16 and a whole number of floats in all.
    let offset = data.len() - groups.remainder().len();
    let mut word = [0u8; 4];
    let mut filled = 0;
    decode_each(groups.remainder(), |byte| {
        word[filled] = byte;
        filled += 1;
        if filled == 4 {
            out.push(f32::from_le_bytes(word));
            filled = 0;
        }
    })
    .map_err(|e| match e {
        DecodeError::InvalidByte(at) => DecodeError::InvalidByte(offset + at),
        other => other,
    })?;
    Ok(out)
}

/// Decodes standard base64 (padded or not) onto the end of `out`, reserving
/// the decoded length once; returns the number of bytes added. On an error
/// `out` keeps what it held before.
pub(crate) fn decode_into(text: &str, out: &mut Vec<u8>) -> Result<usize, DecodeError> {
    let start = out.len();
    out.reserve(text.len() / 4 * 3 + 2);
    match decode_each(text.as_bytes(), |byte| out.push(byte)) {
        Ok(n) => Ok(n),
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

/// A byte outside the alphabet in [`SEXTETS`].
const INVALID: u8 = 0xFF;

/// The value of each base64 character, [`INVALID`] for the other bytes.
static SEXTETS: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// `input` without its `=` padding; padding is allowed only where it makes a
/// group of four.
fn strip_padding(input: &[u8]) -> Result<&[u8], DecodeError> {
    let data = match input {
        [rest @ .., b'=', b'='] => rest,
        [rest @ .., b'='] => rest,
        _ => input,
    };
    if input.len() != data.len() && input.len() % 4 != 0 {
        return Err(DecodeError::InvalidLength);
    }
    Ok(data)
}

/// Decodes standard base64, handing each byte to `sink`; returns the number of bytes.
/// Padding is optional but, when present, only at the end; bits past the last whole byte
/// are ignored.
fn decode_each(input: &[u8], mut sink: impl FnMut(u8)) -> Result<usize, DecodeError> {
    let data = strip_padding(input)?;
    if data.len() % 4 == 1 {
        return Err(DecodeError::InvalidLength);
    }
    let mut count = 0;
    for (i, chunk) in data.chunks(4).enumerate() {
        let mut n: u32 = 0;
        for (j, &c) in chunk.iter().enumerate() {
            let v = sextet(c).ok_or(DecodeError::InvalidByte(i * 4 + j))?;
            n |= u32::from(v) << (18 - 6 * j);
        }
        // 2, 3 or 4 characters carry 1, 2 or 3 bytes.
        for k in 0..chunk.len() - 1 {
            sink((n >> (16 - 8 * k)) as u8);
            count += 1;
        }
    }
    Ok(count)
}

fn sextet(c: u8) -> Option<u8> {
    Some(SEXTETS[usize::from(c)]).filter(|&v| v != INVALID)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(input.as_bytes()), want);
        }
    }

    fn bytes(text: &str) -> Result<Vec<u8>, DecodeError> {
        let mut out = Vec::new();
        decode_each(text.as_bytes(), |b| out.push(b))?;
        Ok(out)
    }

    #[test]
    fn decodes_what_it_encodes() {
        for input in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            let text = encode(input.as_bytes());
            assert_eq!(bytes(&text).unwrap(), input.as_bytes(), "{text}");
            // Unpadded too.
            assert_eq!(bytes(text.trim_end_matches('=')).unwrap(), input.as_bytes());
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(bytes(&encode(&all)).unwrap(), all);
    }

    #[test]
    fn decode_into_appends_and_keeps_the_buffer_on_errors() {
        let mut buffer = b"ab".to_vec();
        assert_eq!(decode_into("Zm9vYg==", &mut buffer), Ok(4));
        assert_eq!(buffer, b"abfoob");
        assert_eq!(
            decode_into("Zm9v!mFy", &mut buffer),
            Err(DecodeError::InvalidByte(4))
        );
        assert_eq!(buffer, b"abfoob");
    }

    #[test]
    fn malformed_text_is_an_error() {
        assert_eq!(bytes("Zm9v!A=="), Err(DecodeError::InvalidByte(4)));
        assert_eq!(bytes("Zm=v"), Err(DecodeError::InvalidByte(2)));
        assert_eq!(bytes("Zm9vY"), Err(DecodeError::InvalidLength));
        assert_eq!(bytes("Zg="), Err(DecodeError::InvalidLength));
        assert_eq!(bytes("="), Err(DecodeError::InvalidLength));
        assert_eq!(bytes("Zm9v\nAA="), Err(DecodeError::InvalidByte(4)));
    }

    #[test]
    fn floats_are_little_endian() {
        let raw: Vec<u8> = [1.0f32, -2.5, 0.0]
            .iter()
            .flat_map(|f| f.to_le_bytes())
            .collect();
        assert_eq!(decode_f32s(&encode(&raw)).unwrap(), [1.0, -2.5, 0.0]);
        assert_eq!(decode_f32s("").unwrap(), Vec::<f32>::new());
        // Long inputs take the sixteen-character path: every length of floats
        // up to several groups, values that exercise every sextet.
        for n in 0..40 {
            let floats: Vec<f32> = (0..n)
                .map(|i| (i as f32 - 7.3) * 1.37e-3 * (i as f32).exp2())
                .collect();
            let raw: Vec<u8> = floats.iter().flat_map(|f| f.to_le_bytes()).collect();
            let text = encode(&raw);
            assert_eq!(decode_f32s(&text).unwrap(), floats, "{n} floats");
            assert_eq!(decode_f32s(text.trim_end_matches('=')).unwrap(), floats);
        }
        let all: Vec<u8> = (0..=255).collect();
        let decoded = decode_f32s(&encode(&all)).unwrap();
        let back: Vec<u8> = decoded.iter().flat_map(|f| f.to_le_bytes()).collect();
        assert_eq!(back, all);
        // A bad byte in a group of sixteen and in the tail, at its offset.
        let mut text = encode(&[0u8; 48]).into_bytes();
        text[21] = b'!';
        assert_eq!(
            decode_f32s(std::str::from_utf8(&text).unwrap()),
            Err(DecodeError::InvalidByte(21))
        );
        let mut text = encode(&[0u8; 28]).into_bytes();
        text[33] = b'*';
        assert_eq!(
            decode_f32s(std::str::from_utf8(&text).unwrap()),
            Err(DecodeError::InvalidByte(33))
        );
        // Five bytes: one float and a stray byte.
        assert_eq!(
            decode_f32s(&encode(&raw[..5])),
            Err(DecodeError::NotWholeFloats(5))
        );
    }
}
