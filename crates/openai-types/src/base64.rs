//! Standard base64 (RFC 4648): the encoder of data URLs, and the decoder of base64
//! embeddings ([`decode_f32s`]).

use std::fmt;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#[cfg_attr(
    not(feature = "chat"),
    allow(dead_code, reason = "only data URLs are encoded")
)]
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

#[cfg_attr(
    not(feature = "embeddings"),
    allow(dead_code, reason = "only base64 embeddings are decoded")
)]
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

#[cfg_attr(
    not(feature = "embeddings"),
    allow(dead_code, reason = "only base64 embeddings are decoded")
)]
/// Decodes standard base64 (padded or not) into little-endian `f32`s, as the API sends
/// embeddings with `encoding_format: "base64"`. Decodes straight into the floats: no
/// intermediate byte buffer.
pub(crate) fn decode_f32s(text: &str) -> Result<Vec<f32>, DecodeError> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 / 4);
    let mut word = [0u8; 4];
    let mut filled = 0;
    let total = decode_each(text.as_bytes(), |byte| {
        word[filled] = byte;
        filled += 1;
        if filled == 4 {
            out.push(f32::from_le_bytes(word));
            filled = 0;
        }
    })?;
    if filled != 0 {
        return Err(DecodeError::NotWholeFloats(total));
    }
    Ok(out)
}

#[cfg_attr(
    not(feature = "embeddings"),
    allow(dead_code, reason = "only base64 embeddings are decoded")
)]
/// Decodes standard base64, handing each byte to `sink`; returns the number of bytes.
/// Padding is optional but, when present, only at the end; bits past the last whole byte
/// are ignored.
fn decode_each(input: &[u8], mut sink: impl FnMut(u8)) -> Result<usize, DecodeError> {
    let data = match input {
        [rest @ .., b'=', b'='] => rest,
        [rest @ .., b'='] => rest,
        _ => input,
    };
    if input.len() != data.len() && input.len() % 4 != 0 {
        return Err(DecodeError::InvalidLength);
    }
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

#[cfg_attr(
    not(feature = "embeddings"),
    allow(dead_code, reason = "only base64 embeddings are decoded")
)]
fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
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
        // Five bytes: one float and a stray byte.
        assert_eq!(
            decode_f32s(&encode(&raw[..5])),
            Err(DecodeError::NotWholeFloats(5))
        );
    }
}
