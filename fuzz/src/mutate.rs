//! The mutator: a seed input changed a few times, or random bytes.

use crate::rng::Rng;

/// Tokens every target's inputs get: JSON and SSE syntax, line endings,
/// byte-order marks, bytes that are not UTF-8, and numbers at and past the
/// edges of `i64`, `u64` and `f64`.
pub const COMMON_TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"\\",
    b":",
    b",",
    b"null",
    b"true",
    b"false",
    b"\n",
    b"\r",
    b"\r\n",
    b"\n\n",
    b" ",
    b"\t",
    b"\0",
    b"\xEF\xBB\xBF",
    b"\xFF",
    b"\xC3",
    b"\xE2\x80\xA8",
    b"\\u0000",
    b"\\ud800",
    b"0",
    b"-0",
    b"-1",
    b"1e309",
    b"-1e309",
    b"1.7976931348623157e308",
    b"5e-324",
    b"9223372036854775807",
    b"9223372036854775808",
    b"-9223372036854775809",
    b"18446744073709551615",
    b"18446744073709551616",
    b"123456789012345678901234567890",
    b"NaN",
    b"Infinity",
];

/// Numbers inserted as text.
const NUMBERS: &[&[u8]] = &[
    b"0",
    b"1",
    b"-1",
    b"255",
    b"65535",
    b"4294967296",
    b"9223372036854775807",
    b"18446744073709551616",
    b"1e400",
    b"0.1",
    b"1.5e-7",
    b"99999999999999999999999999999999999999999",
];

/// An input for one iteration: usually a seed with one to eight mutations (few more often),
/// sometimes a seed as it is, sometimes random bytes. At most `max_len` bytes.
pub fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], tokens: &[&[u8]], max_len: usize) -> Vec<u8> {
    if seeds.is_empty() || rng.one_in(20) {
        let len = rng.below(256.min(max_len) + 1);
        return (0..len).map(|_| rng.byte()).collect();
    }
    let mut data = rng.pick(seeds).clone();
    if rng.one_in(16) {
        data.truncate(max_len);
        return data;
    }
    // One to eight, fewer more often: JSON that a single change leaves
    // valid goes deeper into the decoders.
    let most = 1 + rng.below(8);
    let count = 1 + rng.below(most);
    for _ in 0..count {
        mutate_once(rng, &mut data, seeds, tokens);
    }
    data.truncate(max_len);
    data
}

fn token<'a>(rng: &mut Rng, tokens: &[&'a [u8]]) -> &'a [u8] {
    if !tokens.is_empty() && rng.one_in(2) {
        tokens[rng.below(tokens.len())]
    } else {
        COMMON_TOKENS[rng.below(COMMON_TOKENS.len())]
    }
}

/// A range `start..end` of `data` (empty when `data` is).
fn range(rng: &mut Rng, len: usize) -> (usize, usize) {
    let start = rng.below(len + 1);
    // Mostly short ranges, sometimes long ones.
    let max = if rng.one_in(8) {
        len - start
    } else {
        (len - start).min(16)
    };
    (start, start + rng.below(max + 1))
}

fn mutate_once(rng: &mut Rng, data: &mut Vec<u8>, seeds: &[Vec<u8>], tokens: &[&[u8]]) {
    let len = data.len();
    match rng.below(11) {
        // Flip a bit.
        0 if len > 0 => {
            let at = rng.below(len);
            data[at] ^= 1 << rng.below(8);
        }
        // Set a byte.
        1 if len > 0 => {
            let at = rng.below(len);
            data[at] = rng.byte();
        }
        // Set a byte to an ASCII one (keeps text text).
        2 if len > 0 => {
            let at = rng.below(len);
            data[at] = 0x20 + (rng.byte() % 0x5f);
        }
        // Insert a token.
        3 | 4 => {
            let at = rng.below(len + 1);
            let t = token(rng, tokens);
            data.splice(at..at, t.iter().copied());
        }
        // Replace a range with a token.
        5 => {
            let (start, end) = range(rng, len);
            let t = token(rng, tokens);
            data.splice(start..end, t.iter().copied());
        }
        // Delete a range.
        6 => {
            let (start, end) = range(rng, len);
            data.drain(start..end);
        }
        // Duplicate a range elsewhere.
        7 => {
            let (start, end) = range(rng, len);
            let copy = data[start..end].to_vec();
            let at = rng.below(len + 1);
            data.splice(at..at, copy);
        }
        // Splice in a range of another seed.
        8 => {
            let other = rng.pick(seeds);
            let (start, end) = range(rng, other.len());
            let at = rng.below(len + 1);
            data.splice(at..at, other[start..end].iter().copied());
        }
        // Insert a number.
        9 => {
            let at = rng.below(len + 1);
            let n = NUMBERS[rng.below(NUMBERS.len())];
            data.splice(at..at, n.iter().copied());
        }
        // Cut the end off.
        _ => {
            let at = rng.below(len + 1);
            data.truncate(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_stay_under_the_limit_and_change() {
        let seeds = vec![b"data: {\"a\":1}\n\n".to_vec()];
        let mut rng = Rng::new(3);
        let mut changed = 0;
        for _ in 0..2_000 {
            let input = mutate(&mut rng, &seeds, &[b"[DONE]"], 64);
            assert!(input.len() <= 64);
            changed += usize::from(input != seeds[0]);
        }
        assert!(changed > 1_500, "{changed}");
    }
}
