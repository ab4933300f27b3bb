//! The fixed frame header.
//!
//! ```text
//!  byte   0         1         2    3    4    5    6    7    8    9
//!       +---------+---------+---------+-------------------+---------+
//!       | version |  flags  | session |      counter      | exchange|
//!       |   u8    |   u8    | u16 LE  |      u32 LE       |  u16 LE |
//!       +---------+---------+---------+-------------------+---------+
//!  then, only when flag A is set:
//!  byte  10   11   12   13
//!       +-------------------+
//!       |   acked counter   |
//!       |      u32 LE       |
//!       +-------------------+
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
//! A header is exactly [`FIXED_LEN`] bytes, or [`FIXED_LEN`] + 4 when it
//! carries an acknowledgement. [`Header::parse`] rejects an unknown version,
//! reserved flag bits and a secured flag that disagrees with the session id.

use super::WireError;

/// The protocol version this implementation writes and reads.
pub const VERSION: u8 = 1;

/// Length of the fixed part of the header.
pub const FIXED_LEN: usize = 10;

/// Length of the optional acknowledgement field.
pub const ACK_LEN: usize = 4;

/// Longest possible header.
pub const MAX_LEN: usize = FIXED_LEN + ACK_LEN;

/// Byte offsets of the header fields.
pub mod field {
    /// A range of byte offsets.
    pub type Field = core::ops::Range<usize>;
    /// Protocol version.
    pub const VERSION: usize = 0;
    /// Flag bits.
    pub const FLAGS: usize = 1;
    /// Session id, little-endian.
    pub const SESSION: Field = 2..4;
    /// Per-direction message counter, little-endian.
    pub const COUNTER: Field = 4..8;
    /// Exchange id, little-endian.
    pub const EXCHANGE: Field = 8..10;
    /// Acknowledged counter (present only with flag A), little-endian.
    pub const ACK: Field = 10..14;
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
    /// Protocol version of the frame format; [`VERSION`] for this crate.
    pub version: u8,
    /// Flag bits S, R, I, K.
    pub flags: Flags,
    /// Session id: 0 for the plaintext session, otherwise a secured session.
    pub session: u16,
    /// Per-direction message counter.
    pub counter: u32,
    /// Exchange id: a request and its responses share it.
    pub exchange: u16,
    /// A piggybacked acknowledgement of the peer's counter (flag A).
    pub ack: Option<u32>,
}

impl Header {
    /// A plaintext (session 0) header with no flags and no acknowledgement.
    pub const fn plaintext(counter: u32, exchange: u16) -> Header {
        Header {
            version: VERSION,
            flags: Flags::EMPTY,
            session: 0,
            counter,
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
        if self.ack.is_some() {
            MAX_LEN
        } else {
            FIXED_LEN
        }
    }

    /// Checks the header's own consistency: version, and flag S against the
    /// session id (S is set exactly when the session id is not 0).
    pub fn check(&self) -> Result<(), WireError> {
        if self.version != VERSION {
            return Err(WireError::UnsupportedVersion(self.version));
        }
        if self.is_secured() != (self.session != 0) {
            return Err(WireError::SessionMismatch);
        }
        Ok(())
    }

    /// Parses a header from the start of `bytes`, returning it and its length.
    pub fn parse(bytes: &[u8]) -> Result<(Header, usize), WireError> {
        let fixed = bytes.get(..FIXED_LEN).ok_or(WireError::Truncated)?;
        let version = fixed[field::VERSION];
        if version != VERSION {
            return Err(WireError::UnsupportedVersion(version));
        }
        let raw_flags = fixed[field::FLAGS];
        if raw_flags & Flags::RESERVED_BITS != 0 {
            return Err(WireError::ReservedFlags(raw_flags));
        }
        let flags = Flags(raw_flags & !Flags::ACK_PRESENT_BIT);
        let (ack, len) = if raw_flags & Flags::ACK_PRESENT_BIT != 0 {
            let ack = bytes.get(field::ACK).ok_or(WireError::Truncated)?;
            (Some(le_u32(ack)), MAX_LEN)
        } else {
            (None, FIXED_LEN)
        };
        let header = Header {
            version,
            flags,
            session: le_u16(&fixed[field::SESSION]),
            counter: le_u32(&fixed[field::COUNTER]),
            exchange: le_u16(&fixed[field::EXCHANGE]),
            ack,
        };
        header.check()?;
        Ok((header, len))
    }

    /// Writes the header to the start of `buf`, returning its length.
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
        out[field::SESSION].copy_from_slice(&self.session.to_le_bytes());
        out[field::COUNTER].copy_from_slice(&self.counter.to_le_bytes());
        out[field::EXCHANGE].copy_from_slice(&self.exchange.to_le_bytes());
        if let Some(ack) = self.ack {
            out[field::ACK].copy_from_slice(&ack.to_le_bytes());
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

    /// Plaintext header: counter 0x04030201, exchange 0x0605, no ack.
    const PLAIN: [u8; 10] = [0x01, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06];
    /// Secured header, session 0x1234, flags S|R|I, ack 7.
    const SECURED: [u8; 14] = [
        0x01, 0x0F, 0x34, 0x12, 0x2A, 0x00, 0x00, 0x00, 0x09, 0x00, 0x07, 0x00, 0x00, 0x00,
    ];

    #[test]
    fn plaintext_golden() {
        let h = Header::plaintext(0x0403_0201, 0x0605);
        let mut buf = [0u8; MAX_LEN];
        assert_eq!(h.emit(&mut buf), Ok(10));
        assert_eq!(buf[..10], PLAIN);
        assert_eq!(Header::parse(&PLAIN), Ok((h, 10)));
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
    }

    #[test]
    fn rejects_bad_headers() {
        assert_eq!(Header::parse(&PLAIN[..9]), Err(WireError::Truncated));
        assert_eq!(Header::parse(&SECURED[..12]), Err(WireError::Truncated));
        let mut v = PLAIN;
        v[0] = 2;
        assert_eq!(Header::parse(&v), Err(WireError::UnsupportedVersion(2)));
        let mut r = PLAIN;
        r[1] = 0x20;
        assert_eq!(Header::parse(&r), Err(WireError::ReservedFlags(0x20)));
        let mut s = PLAIN;
        s[1] = 0x01;
        assert_eq!(Header::parse(&s), Err(WireError::SessionMismatch));
        let mut z = SECURED;
        z[1] = 0x0E;
        assert_eq!(Header::parse(&z), Err(WireError::SessionMismatch));
    }

    #[test]
    fn emit_checks_buffer_and_consistency() {
        let mut small = [0u8; 9];
        assert_eq!(
            Header::plaintext(0, 0).emit(&mut small),
            Err(WireError::BufferTooSmall { needed: 10 })
        );
        let bad = Header::plaintext(0, 0).with_flags(Flags::SECURED);
        assert_eq!(bad.emit(&mut [0u8; 14]), Err(WireError::SessionMismatch));
        assert_eq!(Flags::from_bits(0x04), None);
        assert_eq!(Flags::from_bits(0x1B), Some(Flags(0x1B)));
    }
}
