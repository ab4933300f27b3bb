//! Whole-frame encoding and decoding of plaintext messages.

use crate::message::{Message, MessageError, Status};
use crate::wire::{Frame, Header, WireError, frame::CRC_LEN};

/// Why a plaintext frame could not be encoded or decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum CodecError {
    /// The frame itself was rejected.
    #[error("frame: {0}")]
    Wire(#[from] WireError),
    /// The frame was sound but its payload was not a message.
    #[error("message: {0}")]
    Message(#[from] MessageError),
    /// The frame is secured: its body must be opened by its session first.
    #[error("secured frame")]
    Secured,
}

impl CodecError {
    /// The status a receiver answers with, if it answers.
    pub fn status(self) -> Option<Status> {
        match self {
            CodecError::Wire(e) => Some(e.into()),
            CodecError::Message(e) => e.status(),
            CodecError::Secured => Some(Status::NEEDS_PAIRING),
        }
    }
}

/// Encodes `message` as a complete plaintext frame with `header` into the
/// start of `buf`, returning the frame's length.
///
/// ```
/// use applink::message::{Message, Ping};
/// use applink::wire::Header;
///
/// let mut buf = [0u8; 32];
/// let n = applink::to_slice(&Header::plaintext(2), &Message::Ping(Ping { nonce: 42 }), &mut buf).unwrap();
/// assert_eq!(
///     &buf[..n],
///     &[0x02, 0x00, 0x02, 0x00,  // header: version 2, no flags, exchange 2
///       0x15, 0x2A,              // Ping { nonce: 42 }
///       0x04, 0x51, 0x73, 0x1A], // CRC-32C
/// );
/// let (header, message) = applink::from_bytes(&buf[..n]).unwrap();
/// assert_eq!(header.exchange, 2);
/// assert_eq!(message, Message::Ping(Ping { nonce: 42 }));
/// ```
pub fn to_slice(
    header: &Header,
    message: &Message<'_>,
    buf: &mut [u8],
) -> Result<usize, CodecError> {
    if header.is_secured() {
        return Err(CodecError::Secured);
    }
    let h = header.emit(buf)?;
    let room = buf.len().saturating_sub(h + CRC_LEN);
    let n = match message.to_slice(&mut buf[h..h + room]) {
        Ok(out) => out.len(),
        Err(_) => {
            return Err(WireError::BufferTooSmall {
                needed: encoded_len(header, message),
            }
            .into());
        }
    };
    Ok(crate::wire::frame::seal_crc(buf, h + n + CRC_LEN)?)
}

/// The exact length of the frame [`to_slice`] writes.
pub fn encoded_len(header: &Header, message: &Message<'_>) -> usize {
    header.buffer_len() + message.encoded_len() + CRC_LEN
}

/// Checks a plaintext frame and decodes its message, borrowing from `bytes`.
#[cfg_attr(feature = "std", inline)]
pub fn from_bytes(bytes: &[u8]) -> Result<(Header, Message<'_>), CodecError> {
    let frame = Frame::parse(bytes)?;
    if frame.tag.is_some() {
        return Err(CodecError::Secured);
    }
    let header = frame.header;
    Message::decode(frame.body, |m| Ok((header, m)), |e| Err(e.into()))
}
