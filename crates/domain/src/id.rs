//! Stream ids: 128 random bits as 22 base64url characters (decisions.md §6).
//!
//! An event's id is `(stream, seq)`: one stream per tab and page load, a counter within it.
//! As unique as a UUID per event, at a fraction of the bytes, since a batch names each stream once.

use alloc::string::String;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Length of an encoded stream id.
pub const STREAM_ID_LEN: usize = 22;

/// The largest `seq`: 2⁵³ − 1, JavaScript's `Number.MAX_SAFE_INTEGER`. The shell counts a
/// stream's events with a JS number, exact up to there and no further: a larger seq cannot
/// come from a shell, and would not name one event.
pub const MAX_SEQ: u64 = (1 << 53) - 1;

/// Encodes 16 random bytes as an unpadded base64url stream id.
pub fn stream_id(random: [u8; 16]) -> String {
    let mut bits: u128 = u128::from_be_bytes(random);
    let mut out = [0u8; STREAM_ID_LEN];
    // 22 × 6 = 132 bits: the first character carries the top 2 bits, as in base64.
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(bits & 0x3f) as usize];
        bits >>= 6;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

/// Whether `id` has the shape of a stream id.
pub fn is_stream_id(id: &str) -> bool {
    // The alphabet's ranges, not `ALPHABET.contains`: a slice search is 0.3 KB of wasm.
    id.len() == STREAM_ID_LEN && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_22_base64url_characters_and_keep_all_bits() {
        assert_eq!(stream_id([0; 16]), "A".repeat(22));
        assert_eq!(stream_id([0xff; 16]), "D".to_owned() + &"_".repeat(21));
        let mut seen = std::collections::HashSet::new();
        for i in 0..=255u8 {
            let mut bytes = [0u8; 16];
            bytes[(i % 16) as usize] = i;
            bytes[15 - (i % 16) as usize] ^= 0x5a;
            let id = stream_id(bytes);
            assert!(is_stream_id(&id), "{id}");
            seen.insert((bytes, id));
        }
        let ids: std::collections::HashSet<_> = seen.iter().map(|(_, id)| id.clone()).collect();
        let inputs: std::collections::HashSet<_> = seen.iter().map(|(b, _)| *b).collect();
        assert_eq!(ids.len(), inputs.len(), "distinct inputs give distinct ids");
        assert!(!is_stream_id("short") && !is_stream_id(&"+".repeat(22)));
    }
}
