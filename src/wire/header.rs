//! The frame header, format version 2.
//!
//! A plaintext frame's header has no session and no counter field: it
//! belongs to session 0, which has no counters. A secured frame's header
//! carries both (they select the key and form the nonce), and is the AEAD
//! associated data.
//!
//! ```text
//!  plaintext (S = 0):
//!  byte   0         1         2    3       4    5    6    7
//!       +---------+---------+---------+  +-------------------+
//!       | version |  flags  | exchange|  |   acked counter   |  only with
//!       |  0x02   |   u8    |  u16 LE |  |      u32 LE       |  flag A
//!       +---------+---------+---------+  +-------------------+
//!
//!  secured (S = 1):
//!  byte   0         1         2    3    4    5    6    7    8    9      10 .. 13
//!       +---------+---------+---------+-------------------+---------+  +-----------+
//!       | version |  flags  | session |      counter      | exchange|  |   acked   |  only with
//!       |  0x02   |   u8    | u16 LE  |      u32 LE       |  u16 LE |  |  counter  |  flag A
//!       +---------+---------+---------+-------------------+---------+  +-----------+
//!
//!  flags:   7   6   5   4   3   2   1   0
//!         +---+---+---+---+---+---+---+---+
//!         | 0 | 0 | 0 | K | I | A | R | S |
//!         +---+---+---+---+---+---+---+---+
//!  S  secured: the body is AEAD ciphertext followed by a 16-byte tag
//!  R  ack requested: the receiver acknowledges this counter
//!  A  ack present: the 4-byte acked counter follows the fixed header
//!  I  initiator: sent by the side that opened the exchange
//!  K  key phase: which of the two current key generations sealed the body
//! ```
//!
//! A header is [`PLAIN_LEN`] or [`SECURED_LEN`] bytes, [`ACK_LEN`] more when
//! it carries an acknowledgement. [`Header::parse`] checks the version before
//! anything else (it decides the layout), then the reserved flag bits, then
//! the length the flags call for, then that a secured header names a session.
//! On a plaintext header R, A and K mean nothing: they are carried, the ack
//! field is skipped over, and nothing is rejected for them.

use super::WireError;

/// The frame format version this implementation writes and reads.
pub const VERSION: u8 = 2;

/// Length of a plaintext header without an acknowledgement.
pub const PLAIN_LEN: usize = 4;

/// Length of a secured header without an acknowledgement.
pub const SECURED_LEN: usize = 10;

/// Length of the optional acknowledgement field.
pub const ACK_LEN: usize = 4;

/// Longest plaintext header (with the acknowledgement field, which a sender
/// never writes there but a receiver skips over).
pub const MAX_PLAIN_LEN: usize = PLAIN_LEN + ACK_LEN;

/// Longest possible header: a secured one with an acknowledgement.
pub const MAX_LEN: usize = SECURED_LEN + ACK_LEN;

/// Byte offsets of the header fields.
pub mod field {
    /// A range of byte offsets.
    pub type Field = core::ops::Range<usize>;
    /// Frame format version (both layouts).
    pub const VERSION: usize = 0;
    /// Flag bits (both layouts).
    pub const FLAGS: usize = 1;

    /// Offsets in a plaintext header (flag S clear).
    pub mod plain {
        use super::Field;
        /// Exchange id, little-endian.
        pub const EXCHANGE: Field = 2..4;
        /// Acknowledged counter (present only with flag A), little-endian.
        pub const ACK: Field = 4..8;
    }

    /// Offsets in a secured header (flag S set).
    pub mod secured {
        use super::Field;
        /// Session id, little-endian.
        pub const SESSION: Field = 2..4;
        /// Per-direction message counter, little-endian.
        pub const COUNTER: Field = 4..8;
        /// Exchange id, little-endian.
        pub const EXCHANGE: Field = 8..10;
        /// Acknowledged counter (present only with flag A), little-endian.
        pub const ACK: Field = 10..14;
    }
}

/// The flag bits a caller chooses. Bit A is not here: it follows from
/// [`Header::ack`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Flags(u8);

impl Flags {
    /// S: the frame is secured (AEAD) rather than CRC-protected.
    pub const SECURED: Flags = Flags(0x01);
    /// R: the sender asks for an acknowledgement of this frame's counter.
    pub const ACK_REQUESTED: Flags = Flags(0x02);
    /// I: the sender opened the exchange this frame belongs to.
    pub const INITIATOR: Flags = Flags(0x08);
    /// K: the key phase of a secured frame.
    pub const KEY_PHASE: Flags = Flags(0x10);
    /// No flags.
    pub const EMPTY: Flags = Flags(0);

    /// Bit A on the wire: an acknowledgement field follows.
    pub(crate) const ACK_PRESENT_BIT: u8 = 0x04;
    /// Bits that must be zero in this version.
    pub(crate) const RESERVED_BITS: u8 = 0xE0;
    const SETTABLE: u8 = 0x01 | 0x02 | 0x08 | 0x10;

    /// The raw bits (never includes bit A).
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Flags from raw bits; `None` if a reserved bit or bit A is set.
    pub const fn from_bits(bits: u8) -> Option<Flags> {
        if bits & !Self::SETTABLE != 0 {
            None
        } else {
            Some(Flags(bits))
        }
    }

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// These flags with `other`'s bits added.
    pub const fn union(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }
}

impl core::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        self.union(rhs)
    }
}

/// A parsed frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Header {
    /// Frame format version; [`VERSION`] for this crate.
    pub version: u8,
    /// Flag bits S, R, I, K.
    pub flags: Flags,
    /// Session id: 0 for the plaintext session (a plaintext header has no
    /// session field), otherwise a secured session.
    pub session: u16,
    /// Per-direction message counter of a secured frame; 0 in a plaintext
    /// header, which has no counter field.
    pub counter: u32,
    /// Exchange id: a request and its responses share it.
    pub exchange: u16,
    /// A piggybacked acknowledgement of the peer's counter (flag A).
    pub ack: Option<u32>,
}

impl Header {
    /// A plaintext (session 0) header on `exchange`, with no flags and no
    /// acknowledgement.
    ///
    /// A plaintext frame carries no counter: its `counter` is 0, and
    /// [`Header::emit`] refuses a header built by hand with any other value
    /// ([`WireError::PlaintextCounter`]).
    pub const fn plaintext(exchange: u16) -> Header {
        Header {
            version: VERSION,
            flags: Flags::EMPTY,
            session: 0,
            counter: 0,
            exchange,
            ack: None,
        }
    }

    /// A secured header for `session` (which must not be 0).
    pub const fn secured(session: u16, counter: u32, exchange: u16) -> Header {
        Header {
            version: VERSION,
            flags: Flags::SECURED,
            session,
            counter,
            exchange,
            ack: None,
        }
    }

    /// This header with extra flags set.
    pub const fn with_flags(mut self, flags: Flags) -> Header {
        self.flags = self.flags.union(flags);
        self
    }

    /// This header carrying an acknowledgement of `counter`.
    pub const fn with_ack(mut self, counter: u32) -> Header {
        self.ack = Some(counter);
        self
    }

    /// Whether the frame is secured (flag S).
    pub const fn is_secured(&self) -> bool {
        self.flags.contains(Flags::SECURED)
    }

    /// Number of bytes [`Header::emit`] writes.
    pub const fn buffer_len(&self) -> usize {
        let fixed = if self.is_secured() {
            SECURED_LEN
        } else {
            PLAIN_LEN
        };
        if self.ack.is_some() {
            fixed + ACK_LEN
        } else {
            fixed
        }
    }

    /// Checks that the header can be written: its version, flag S against
    /// the session id (S is set exactly when the session id is not 0), and a
    /// plaintext header's counter (0: the field does not exist).
    pub fn check(&self) -> Result<(), WireError> {
        if self.version != VERSION {
            return Err(WireError::UnsupportedVersion(self.version));
        }
        if self.is_secured() != (self.session != 0) {
            return Err(WireError::SessionMismatch);
        }
        if !self.is_secured() && self.counter != 0 {
            return Err(WireError::PlaintextCounter);
        }
        Ok(())
    }

    /// Parses a header from the start of `bytes`, returning it and its length.
    ///
    /// The checks run in the order of SPEC.md 3.9: the version (as soon as
    /// there is a byte), the reserved flag bits, the length the flags call
    /// for, then flag S against the session id.
    #[cfg_attr(feature = "std", inline)]
    pub fn parse(bytes: &[u8]) -> Result<(Header, usize), WireError> {
        let version = *bytes.first().ok_or(WireError::Truncated)?;
        if version != VERSION {
            return Err(WireError::UnsupportedVersion(version));
        }
        let raw_flags = *bytes.get(field::FLAGS).ok_or(WireError::Truncated)?;
        if raw_flags & Flags::RESERVED_BITS != 0 {
            return Err(WireError::ReservedFlags(raw_flags));
        }
        let flags = Flags(raw_flags & !Flags::ACK_PRESENT_BIT);
        let has_ack = raw_flags & Flags::ACK_PRESENT_BIT != 0;
        let header = if flags.contains(Flags::SECURED) {
            use field::secured as f;
            let len = if has_ack { MAX_LEN } else { SECURED_LEN };
            let b = bytes.get(..len).ok_or(WireError::Truncated)?;
            let header = Header {
                version,
                flags,
                session: le_u16(&b[f::SESSION]),
                counter: le_u32(&b[f::COUNTER]),
                exchange: le_u16(&b[f::EXCHANGE]),
                ack: has_ack.then(|| le_u32(&b[f::ACK])),
            };
            if header.session == 0 {
                return Err(WireError::SessionMismatch);
            }
            header
        } else {
            use field::plain as f;
            let len = if has_ack { MAX_PLAIN_LEN } else { PLAIN_LEN };
            let b = bytes.get(..len).ok_or(WireError::Truncated)?;
            Header {
                version,
                flags,
                session: 0,
                counter: 0,
                exchange: le_u16(&b[f::EXCHANGE]),
                ack: has_ack.then(|| le_u32(&b[f::ACK])),
            }
        };
        Ok((header, header.buffer_len()))
    }

    /// Writes the header to the start of `buf`, returning its length.
    #[cfg_attr(feature = "std", inline)]
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        self.check()?;
        let len = self.buffer_len();
        let out = buf
            .get_mut(..len)
            .ok_or(WireError::BufferTooSmall { needed: len })?;
        out[field::VERSION] = self.version;
        let ack_bit = if self.ack.is_some() {
            Flags::ACK_PRESENT_BIT
        } else {
            0
        };
        out[field::FLAGS] = self.flags.bits() | ack_bit;
        let ack = if self.is_secured() {
            use field::secured as f;
            out[f::SESSION].copy_from_slice(&self.session.to_le_bytes());
            out[f::COUNTER].copy_from_slice(&self.counter.to_le_bytes());
            out[f::EXCHANGE].copy_from_slice(&self.exchange.to_le_bytes());
            f::ACK
        } else {
            use field::plain as f;
            out[f::EXCHANGE].copy_from_slice(&self.exchange.to_le_bytes());
            f::ACK
        };
        if let Some(counter) = self.ack {
            out[ack].copy_from_slice(&counter.to_le_bytes());
        }
        Ok(len)
    }
}

fn le_u16(b: &[u8]) -> u16 {
    u16::from_le_bytes([b[0], b[1]])
}

fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plaintext header: exchange 0x0605, no ack.
    const PLAIN: [u8; 4] = [0x02, 0x00, 0x05, 0x06];
    /// Plaintext header with flags I and A: exchange 9, ack 7.
    const PLAIN_ACK: [u8; 8] = [0x02, 0x0C, 0x09, 0x00, 0x07, 0x00, 0x00, 0x00];
    /// Secured header, session 0x1234, flags S|R|I, ack 7.
    const SECURED: [u8; 14] = [
        0x02, 0x0F, 0x34, 0x12, 0x2A, 0x00, 0x00, 0x00, 0x09, 0x00, 0x07, 0x00, 0x00, 0x00,
    ];

    #[test]
    fn plaintext_golden() {
        let h = Header::plaintext(0x0605);
        let mut buf = [0u8; MAX_LEN];
        assert_eq!(h.emit(&mut buf), Ok(4));
        assert_eq!(buf[..4], PLAIN);
        assert_eq!(Header::parse(&PLAIN), Ok((h, 4)));
        let a = Header::plaintext(9)
            .with_flags(Flags::INITIATOR)
            .with_ack(7);
        assert_eq!(a.emit(&mut buf), Ok(8));
        assert_eq!(buf[..8], PLAIN_ACK);
        assert_eq!(Header::parse(&PLAIN_ACK), Ok((a, 8)));
    }

    #[test]
    fn secured_with_ack_golden() {
        let h = Header::secured(0x1234, 42, 9)
            .with_flags(Flags::ACK_REQUESTED | Flags::INITIATOR)
            .with_ack(7);
        let mut buf = [0u8; MAX_LEN];
        assert_eq!(h.emit(&mut buf), Ok(14));
        assert_eq!(buf, SECURED);
        assert_eq!(Header::parse(&SECURED), Ok((h, 14)));
        let bare = Header::secured(0x1234, 42, 9);
        assert_eq!(bare.emit(&mut buf), Ok(10));
        assert_eq!(Header::parse(&buf[..10]), Ok((bare, 10)));
    }

    #[test]
    fn version_is_checked_before_any_length() {
        assert_eq!(Header::parse(&[]), Err(WireError::Truncated));
        assert_eq!(
            Header::parse(&[0x01]),
            Err(WireError::UnsupportedVersion(1))
        );
        assert_eq!(Header::parse(&[0x02]), Err(WireError::Truncated));
        // A version 1 header, whole.
        let v1 = [0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00];
        assert_eq!(Header::parse(&v1), Err(WireError::UnsupportedVersion(1)));
        assert_eq!(
            Header::parse(&v1[..5]),
            Err(WireError::UnsupportedVersion(1))
        );
    }

    #[test]
    fn rejects_bad_headers() {
        assert_eq!(Header::parse(&PLAIN[..3]), Err(WireError::Truncated));
        assert_eq!(Header::parse(&PLAIN_ACK[..7]), Err(WireError::Truncated));
        assert_eq!(Header::parse(&SECURED[..9]), Err(WireError::Truncated));
        assert_eq!(Header::parse(&SECURED[..13]), Err(WireError::Truncated));
        let mut r = PLAIN;
        r[1] = 0x20;
        assert_eq!(Header::parse(&r), Err(WireError::ReservedFlags(0x20)));
        assert_eq!(Header::parse(&r[..2]), Err(WireError::ReservedFlags(0x20)));
        let mut z = SECURED;
        z[2] = 0;
        z[3] = 0;
        assert_eq!(Header::parse(&z), Err(WireError::SessionMismatch));
        // S set: the secured layout applies, so a plaintext-sized input is short.
        let mut s = PLAIN;
        s[1] = 0x01;
        assert_eq!(Header::parse(&s), Err(WireError::Truncated));
    }

    #[test]
    fn plaintext_r_a_k_are_carried_not_rejected() {
        let bytes = [0x02, 0x16, 0x03, 0x00, 0xFF, 0xFF, 0xFF, 0xFF];
        let (h, len) = Header::parse(&bytes).unwrap();
        assert_eq!(len, 8);
        assert!(h.flags.contains(Flags::ACK_REQUESTED | Flags::KEY_PHASE));
        assert_eq!((h.session, h.counter, h.ack), (0, 0, Some(u32::MAX)));
    }

    #[test]
    fn emit_checks_buffer_and_consistency() {
        let mut small = [0u8; 3];
        assert_eq!(
            Header::plaintext(0).emit(&mut small),
            Err(WireError::BufferTooSmall { needed: 4 })
        );
        let bad = Header::plaintext(0).with_flags(Flags::SECURED);
        assert_eq!(bad.emit(&mut [0u8; 14]), Err(WireError::SessionMismatch));
        let counted = Header {
            counter: 1,
            ..Header::plaintext(0)
        };
        assert_eq!(
            counted.emit(&mut [0u8; 14]),
            Err(WireError::PlaintextCounter)
        );
        assert_eq!(Flags::from_bits(0x04), None);
        assert_eq!(Flags::from_bits(0x1B), Some(Flags(0x1B)));
    }
}
