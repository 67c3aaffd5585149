//! Strict standard-alphabet base64 (RFC 4648 section 4, with padding).
//!
//! Small enough to keep here rather than add a crate for two call sites: the
//! `whsec_` secret and the signature candidates. Decoding is strict, so a
//! string decodes only if it is the one canonical encoding of its bytes. That
//! makes "decode the candidate, compare bytes" accept exactly the strings
//! that "encode the expected MAC, compare strings" would.

/// The standard alphabet, by value (decoding matches on ranges instead).
#[cfg(test)]
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Decodes canonical, padded, standard-alphabet base64; `None` for anything
/// else (a length that is not a multiple of 4, a character outside the
/// alphabet, padding in the middle, non-zero bits in the padding position,
/// whitespace).
pub(super) fn decode(input: &[u8]) -> Option<Vec<u8>> {
    if input.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut chunks = input.chunks_exact(4).peekable();
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        let pad = match chunk {
            [.., b'=', b'='] => 2,
            [.., b'='] => 1,
            _ => 0,
        };
        // Padding only closes the last quantum.
        if pad > 0 && !last {
            return None;
        }
        let mut acc: u32 = 0;
        for &c in &chunk[..4 - pad] {
            acc = (acc << 6) | u32::from(value(c)?);
        }
        match pad {
            0 => out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]),
            1 => {
                // 18 bits: 16 of data, 2 that must be zero.
                if acc & 0b11 != 0 {
                    return None;
                }
                out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]);
            }
            _ => {
                // 12 bits: 8 of data, 4 that must be zero.
                if acc & 0b1111 != 0 {
                    return None;
                }
                out.push((acc >> 4) as u8);
            }
        }
    }
    Some(out)
}

/// Encodes with the standard alphabet and padding (tests sign with it).
#[cfg(test)]
pub(super) fn encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let acc = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = (acc >> (18 - 6 * i)) & 0b11_1111;
                out.push(char::from(ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The 6-bit value of an alphabet character.
fn value(c: u8) -> Option<u8> {
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

    // RFC 4648 section 10.
    const VECTORS: [(&str, &str); 7] = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn rfc_4648_vectors_round_trip() {
        for (plain, encoded) in VECTORS {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(
                decode(encoded.as_bytes()).as_deref(),
                Some(plain.as_bytes())
            );
        }
    }

    #[test]
    fn every_byte_value_round_trips() {
        let all: Vec<u8> = (0..=255).collect();
        for len in 0..all.len() {
            let encoded = encode(&all[..len]);
            assert_eq!(
                decode(encoded.as_bytes()).as_deref(),
                Some(&all[..len]),
                "{len}"
            );
        }
        // The two characters outside the letters and digits.
        assert_eq!(decode(b"+/+/").unwrap(), [0xfb, 0xff, 0xbf]);
    }

    #[test]
    fn non_canonical_input_is_rejected() {
        for bad in [
            "Zg", "Zg=", "Zm8", "Zg===", // missing or extra padding
            "Zh==", "Zm9=",     // non-zero bits under the padding
            "Zg==Zg==", // padding in the middle
            "Zm9v\n", "Zm 9v", " Zm9v", // whitespace
            "Zm9-", "Zm9_", "Zm9.", // URL-safe alphabet and others
            "=Zg=", "Z=g=", // padding before data
            "====",
        ] {
            assert_eq!(decode(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(decode("Zm9\u{e9}".as_bytes()), None);
    }
}
