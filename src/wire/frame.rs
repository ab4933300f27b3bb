//! Whole frames: header, body and integrity trailer.
//!
//! ```text
//!  plaintext (S = 0):  | header 4 (8) | payload (postcard) | CRC-32C, u32 LE |
//!  secured   (S = 1):  | header 10/14 | ciphertext         | AEAD tag, 16    |
//! ```
//!
//! The CRC covers every byte before it (header and payload). A secured frame
//! carries no CRC: its tag authenticates the header (as associated data) and
//! the ciphertext. A frame has no length field; its length is the datagram's,
//! the COBS chunk's or the reassembled message's.

use super::{
    WireError, crc32c,
    header::{self, Header},
};

/// Length of the CRC-32C trailer of a plaintext frame.
pub const CRC_LEN: usize = 4;

/// Length of the AEAD tag that ends a secured frame.
pub const TAG_LEN: usize = 16;

/// The shortest frame the frame layer accepts: a plaintext header, an empty
/// payload and a CRC. (An empty payload holds no message, so the message
/// layer rejects it; the shortest frame with a message is one byte longer.)
pub const MIN_LEN: usize = header::PLAIN_LEN + CRC_LEN;

/// The shortest secured frame: a secured header, an empty ciphertext, a tag.
pub const MIN_SECURED_LEN: usize = header::SECURED_LEN + TAG_LEN;

/// A checked view of one frame, borrowing its body from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Frame<'a> {
    /// The parsed header.
    pub header: Header,
    /// The header exactly as received: the associated data of a secured frame.
    pub header_bytes: &'a [u8],
    /// The payload of a plaintext frame, or the ciphertext of a secured one.
    pub body: &'a [u8],
    /// The AEAD tag of a secured frame; `None` for a plaintext frame, whose CRC
    /// has already been checked.
    pub tag: Option<&'a [u8; TAG_LEN]>,
}

impl<'a> Frame<'a> {
    /// Parses and checks one frame.
    ///
    /// For a plaintext frame the CRC is verified before anything else looks at
    /// the payload. For a secured frame the header is checked and the tag split
    /// off; the session layer verifies it. Never panics.
    #[cfg_attr(feature = "std", inline)]
    pub fn parse(bytes: &'a [u8]) -> Result<Frame<'a>, WireError> {
        let (header, header_len) = Header::parse(bytes)?;
        let trailer = if header.is_secured() {
            TAG_LEN
        } else {
            CRC_LEN
        };
        if bytes.len() < header_len + trailer {
            return Err(WireError::Truncated);
        }
        let (covered, trailer_bytes) = bytes.split_at(bytes.len() - trailer);
        let (header_bytes, body) = covered.split_at(header_len);
        if header.is_secured() {
            let tag =
                <&[u8; TAG_LEN]>::try_from(trailer_bytes).map_err(|_| WireError::Truncated)?;
            Ok(Frame {
                header,
                header_bytes,
                body,
                tag: Some(tag),
            })
        } else {
            let expected = crc32c(covered);
            let got = u32::from_le_bytes([
                trailer_bytes[0],
                trailer_bytes[1],
                trailer_bytes[2],
                trailer_bytes[3],
            ]);
            if got != expected {
                return Err(WireError::BadCrc);
            }
            Ok(Frame {
                header,
                header_bytes,
                body,
                tag: None,
            })
        }
    }

    /// Number of bytes this frame occupies on the wire.
    pub fn buffer_len(&self) -> usize {
        let trailer = if self.header.is_secured() {
            TAG_LEN
        } else {
            CRC_LEN
        };
        self.header.buffer_len() + self.body.len() + trailer
    }

    /// Writes the frame into `buf` and returns its length. A plaintext frame
    /// gets a fresh CRC; a secured frame needs its `tag`. `header_bytes` is
    /// ignored: the header is emitted from `header`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        let len = self.buffer_len();
        if buf.len() < len {
            return Err(WireError::BufferTooSmall { needed: len });
        }
        if self.header.is_secured() {
            let tag = self.tag.ok_or(WireError::MissingTag)?;
            let h = self.header.emit(buf)?;
            buf[h..h + self.body.len()].copy_from_slice(self.body);
            buf[h + self.body.len()..len].copy_from_slice(tag);
            Ok(len)
        } else {
            encode_plain(&self.header, self.body, buf)
        }
    }
}

/// Writes a plaintext frame (header, `payload`, CRC) into `buf`, returning
/// its length.
pub fn encode_plain(header: &Header, payload: &[u8], buf: &mut [u8]) -> Result<usize, WireError> {
    if header.is_secured() {
        return Err(WireError::SessionMismatch);
    }
    let len = header.buffer_len() + payload.len() + CRC_LEN;
    if buf.len() < len {
        return Err(WireError::BufferTooSmall { needed: len });
    }
    let h = header.emit(buf)?;
    buf[h..h + payload.len()].copy_from_slice(payload);
    seal_crc(buf, len)
}

/// Completes a plaintext frame whose header and payload already fill
/// `buf[..len - CRC_LEN]`, by writing the CRC into its last four bytes.
#[cfg_attr(feature = "std", inline)]
pub(crate) fn seal_crc(buf: &mut [u8], len: usize) -> Result<usize, WireError> {
    let body_end = len
        .checked_sub(CRC_LEN)
        .ok_or(WireError::BufferTooSmall { needed: CRC_LEN })?;
    let crc = crc32c(&buf[..body_end]);
    buf[body_end..len].copy_from_slice(&crc.to_le_bytes());
    Ok(len)
}

/// The three regions of a secured frame laid out in a caller's buffer, for the
/// session layer to fill: encrypt `body` in place with `aad` as associated
/// data, then write the tag into `tag`.
#[derive(Debug)]
pub struct SecuredLayout<'b> {
    /// The emitted header: the associated data.
    pub aad: &'b [u8],
    /// The payload, to be encrypted in place.
    pub body: &'b mut [u8],
    /// Where the tag goes.
    pub tag: &'b mut [u8; TAG_LEN],
}

/// Lays out a secured frame for `header` with a `body_len`-byte payload at the
/// start of `buf`. The payload region is left as it was, so a caller may
/// serialize into it before or after this call.
pub fn layout_secured<'b>(
    header: &Header,
    body_len: usize,
    buf: &'b mut [u8],
) -> Result<SecuredLayout<'b>, WireError> {
    if !header.is_secured() {
        return Err(WireError::SessionMismatch);
    }
    let len = header.buffer_len() + body_len + TAG_LEN;
    let buf = buf
        .get_mut(..len)
        .ok_or(WireError::BufferTooSmall { needed: len })?;
    let h = header.emit(buf)?;
    let (aad, rest) = buf.split_at_mut(h);
    let (body, tag) = rest.split_at_mut(body_len);
    let tag = <&mut [u8; TAG_LEN]>::try_from(tag).map_err(|_| WireError::Truncated)?;
    Ok(SecuredLayout { aad, body, tag })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::header::Flags;

    /// A plaintext frame: exchange 2, payload [0x14, 0x2A] (two opaque
    /// payload bytes).
    const PING_FRAME: [u8; 10] = [0x02, 0x00, 0x02, 0x00, 0x14, 0x2A, 0, 0, 0, 0];

    fn ping_frame() -> [u8; 10] {
        let mut f = PING_FRAME;
        let crc = crc32c(&f[..6]);
        f[6..].copy_from_slice(&crc.to_le_bytes());
        f
    }

    #[test]
    fn plaintext_golden() {
        let golden = ping_frame();
        let mut buf = [0u8; 32];
        let n = encode_plain(&Header::plaintext(2), &[0x14, 0x2A], &mut buf).unwrap();
        assert_eq!(buf[..n], golden);
        let f = Frame::parse(&golden).unwrap();
        assert_eq!(f.header, Header::plaintext(2));
        assert_eq!(f.header_bytes, &golden[..4]);
        assert_eq!(f.body, &[0x14, 0x2A]);
        assert_eq!(f.tag, None);
        assert_eq!(f.buffer_len(), n);
    }

    #[test]
    fn every_flipped_bit_is_caught() {
        let golden = ping_frame();
        for byte in 0..golden.len() {
            for bit in 0..8 {
                let mut bad = golden;
                bad[byte] ^= 1 << bit;
                assert!(Frame::parse(&bad).is_err(), "byte {byte} bit {bit}");
            }
        }
    }

    #[test]
    fn secured_layout_and_parse() {
        let header = Header::secured(7, 3, 4).with_flags(Flags::KEY_PHASE);
        let mut buf = [0u8; 64];
        let layout = layout_secured(&header, 3, &mut buf).unwrap();
        assert_eq!(layout.aad.len(), 10);
        layout.body.copy_from_slice(&[1, 2, 3]);
        layout.tag.copy_from_slice(&[0xAA; TAG_LEN]);
        let f = Frame::parse(&buf[..10 + 3 + 16]).unwrap();
        assert_eq!(f.header, header);
        assert_eq!(f.body, &[1, 2, 3]);
        assert_eq!(f.tag, Some(&[0xAA; TAG_LEN]));
        let mut again = [0u8; 64];
        assert_eq!(f.emit(&mut again), Ok(29));
        assert_eq!(again[..29], buf[..29]);
    }

    #[test]
    fn short_frames_are_truncated() {
        let golden = ping_frame();
        assert_eq!(Frame::parse(&golden[..7]), Err(WireError::Truncated));
        let mut empty = [0u8; 16];
        let n = encode_plain(&Header::plaintext(2), &[], &mut empty).unwrap();
        assert_eq!(n, MIN_LEN);
        assert_eq!(Frame::parse(&empty[..n]).map(|f| f.body), Ok(&[][..]));
        let mut buf = [0u8; 64];
        layout_secured(&Header::secured(7, 3, 4), 0, &mut buf).unwrap();
        assert_eq!(
            Frame::parse(&buf[..MIN_SECURED_LEN - 1]),
            Err(WireError::Truncated)
        );
        assert!(Frame::parse(&buf[..MIN_SECURED_LEN]).is_ok());
    }

    #[test]
    fn encode_checks_sizes() {
        let mut buf = [0u8; 9];
        assert_eq!(
            encode_plain(&Header::plaintext(2), &[0x14, 0x2A], &mut buf),
            Err(WireError::BufferTooSmall { needed: 10 })
        );
        assert_eq!(
            encode_plain(&Header::secured(1, 1, 1), &[], &mut [0u8; 64]),
            Err(WireError::SessionMismatch)
        );
        assert_eq!(
            encode_plain(
                &Header {
                    counter: 5,
                    ..Header::plaintext(1)
                },
                &[],
                &mut [0u8; 64]
            ),
            Err(WireError::PlaintextCounter)
        );
    }
}
