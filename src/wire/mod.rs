//! The wire layer: bytes to frames and back.
//!
//! This layer knows nothing of messages. It provides:
//!
//! - [`header`]: the little-endian [`Header`] (version, flags, exchange id
//!   and an optional acknowledgement; a secured header adds the session id
//!   and the message counter);
//! - [`frame`]: whole [`Frame`]s, CRC-32C protected when plaintext, with a
//!   16-byte AEAD tag slot when secured;
//! - [`stream`]: COBS framing for byte streams (UART, TCP), with a push
//!   [`Deframer`] that resynchronises after garbage;
//! - [`segment`]: segmentation and reassembly for small-MTU links (BLE).
//!
//! # Contract
//!
//! Every parser in this module takes untrusted bytes and never panics, never
//! allocates, and never writes beyond the capacity it was given. Every
//! rejection is a [`WireError`]. A plaintext frame's CRC is verified before its
//! payload is handed to anything above this layer.
//!
//! # Integrity check
//!
//! Plaintext frames end in CRC-32C (the catalogue's `CRC-32/ISCSI`, polynomial
//! `0x1EDC6F41`, reflected, init and xorout `0xFFFFFFFF`, check value
//! `0xE3069283`). It has Hamming distance 6 for frames up to 655 bytes and 4
//! up to 2^31 bits, beating CRC-32 (IEEE) at the frame sizes this protocol
//! uses. Its table costs 1 KiB of flash on a microcontroller; hosts use the
//! 16 KiB slice-by-16 table for speed. Both compute the same value.

pub mod frame;
pub mod header;
pub mod segment;
pub mod stream;

pub use frame::{Frame, SecuredLayout, encode_plain, layout_secured};
pub use header::{Flags, Header};
pub use segment::{Reassembler, Segmenter};
pub use stream::Deframer;

/// Everything the wire layer rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum WireError {
    /// The input ends before the header or trailer does.
    #[error("frame truncated")]
    Truncated,
    /// The frame's version byte names a version this implementation does not speak.
    #[error("unsupported frame version {0}")]
    UnsupportedVersion(u8),
    /// A reserved flag bit is set.
    #[error("reserved flag bits set in {0:#04x}")]
    ReservedFlags(u8),
    /// Flag S is set with session 0, or clear with a non-zero session.
    #[error("secured flag and session id disagree")]
    SessionMismatch,
    /// A plaintext frame's CRC does not match its contents.
    #[error("CRC mismatch")]
    BadCrc,
    /// A plaintext header was given a non-zero counter to emit: a plaintext
    /// frame has no counter field. Never returned by a parser.
    #[error("a plaintext header has no counter")]
    PlaintextCounter,
    /// A secured frame was emitted without a tag.
    #[error("secured frame has no tag")]
    MissingTag,
    /// The output buffer is too small.
    #[error("buffer too small: {needed} bytes needed")]
    BufferTooSmall {
        /// Bytes the operation needs.
        needed: usize,
    },
    /// A stream frame grew past the deframer's capacity before its delimiter.
    #[error("frame exceeds the {capacity}-byte buffer")]
    Oversize {
        /// The receiver's capacity in bytes.
        capacity: usize,
    },
    /// A delimited chunk is not valid COBS.
    #[error("invalid COBS encoding")]
    BadCobs,
    /// A segment is shorter than its header or its header is malformed.
    #[error("malformed segment")]
    BadSegment,
    /// A segment repeats data already received.
    #[error("duplicate segment")]
    DuplicateSegment,
    /// A segment starts beyond the next expected offset.
    #[error("segment out of order")]
    OutOfOrderSegment,
    /// A segment overlaps data already received but also extends past it.
    #[error("segment overlaps received data")]
    OverlappingSegment,
    /// A segment extends past the message's declared length, or its message
    /// does not match the one being reassembled.
    #[error("segment beyond the declared message length")]
    SegmentOverrun,
    /// The declared message length exceeds the reassembly capacity.
    #[error("message of {len} bytes exceeds the {capacity}-byte buffer")]
    MessageTooLarge {
        /// Declared length.
        len: usize,
        /// Receiver's capacity.
        capacity: usize,
    },
    /// A continuation segment arrived for a message that is not being
    /// reassembled (its first segment was lost or has expired).
    #[error("segment for an unknown message")]
    UnknownMessage,
    /// Every reassembly slot is busy.
    #[error("no free reassembly slot")]
    NoSlot,
    /// The link MTU is too small to carry a segment header and one byte.
    #[error("MTU too small")]
    MtuTooSmall,
}

/// The table-driven CRC-32C of firmware (one 1 KiB table; no allocator, no
/// intrinsics). Hosts use the `crc32c` crate instead, which runs the CPU's
/// CRC32C instructions; the tests hold the two together.
#[cfg(any(not(feature = "std"), test))]
const CRC32C_TABLE: crc::Crc<u32, crc::Table<1>> =
    crc::Crc::<u32, crc::Table<1>>::new(&crc::CRC_32_ISCSI);

/// CRC-32C (`CRC-32/ISCSI`) of `bytes`.
///
/// ```
/// assert_eq!(applink::wire::crc32c(b"123456789"), 0xE306_9283);
/// ```
#[cfg(feature = "std")]
#[inline]
pub fn crc32c(bytes: &[u8]) -> u32 {
    // SSE4.2 or ARMv8 CRC32C instructions when the CPU has them (detected
    // once at run time), a table otherwise.
    ::crc32c::crc32c(bytes)
}

/// CRC-32C (`CRC-32/ISCSI`) of `bytes`.
///
/// ```
/// assert_eq!(applink::wire::crc32c(b"123456789"), 0xE306_9283);
/// ```
#[cfg(not(feature = "std"))]
pub fn crc32c(bytes: &[u8]) -> u32 {
    CRC32C_TABLE.checksum(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc_check_value() {
        assert_eq!(super::crc32c(b"123456789"), 0xE306_9283);
        assert_eq!(super::crc32c(b""), 0);
    }

    /// The host's CRC-32C (instructions or their fallback) and the table of
    /// firmware agree on every length and alignment up to a few blocks.
    #[test]
    fn host_crc_matches_the_table() {
        let data: [u8; 600] = core::array::from_fn(|i| (i as u8).wrapping_mul(167) ^ 0x5A);
        for start in 0..8 {
            for end in start..data.len() {
                let bytes = &data[start..end];
                assert_eq!(
                    super::crc32c(bytes),
                    super::CRC32C_TABLE.checksum(bytes),
                    "{start}..{end}"
                );
            }
        }
    }
}
