//! The handshake messages alone, encoded and decoded without the rest of
//! the vocabulary.
//!
//! The bytes are exactly those of [`Message`](crate::message::Message)
//! (the varint message type, then the message's fields), but the
//! handshake machines link only the handful of types they exchange: an
//! appliance image that runs pairing and resumption does not carry the
//! decoders of reads, writes and reports through this path.

use serde::Serialize;

use crate::message::{
    HelloReply, MESSAGE_TYPES, Message, MessageError, PairChallenge, PairFinish, PairRequest,
    ResumeReply, ResumeRequest, StatusReport,
};
use crate::wire::{Frame, Header, frame::CRC_LEN};

use super::{MAX_HANDSHAKE_FRAME, Outbox, SessionError};

/// A handshake message, or the type number of any other message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flight {
    HelloReply(HelloReply),
    PairRequest(PairRequest),
    PairChallenge(PairChallenge),
    PairFinish(PairFinish),
    ResumeRequest(ResumeRequest),
    ResumeReply(ResumeReply),
    Status(StatusReport),
    /// Any other message type (not decoded further).
    Other(u32),
}

const HELLO_REPLY: u32 = 1;
const PAIR_REQUEST: u32 = 2;
const PAIR_CHALLENGE: u32 = 3;
const PAIR_FINISH: u32 = 4;
pub(crate) const RESUME_REQUEST: u32 = 5;
const RESUME_REPLY: u32 = 6;
const STATUS: u32 = 20;

impl Flight {
    /// The message type number.
    pub(crate) const fn message_type(&self) -> u32 {
        match self {
            Flight::HelloReply(_) => HELLO_REPLY,
            Flight::PairRequest(_) => PAIR_REQUEST,
            Flight::PairChallenge(_) => PAIR_CHALLENGE,
            Flight::PairFinish(_) => PAIR_FINISH,
            Flight::ResumeRequest(_) => RESUME_REQUEST,
            Flight::ResumeReply(_) => RESUME_REPLY,
            Flight::Status(_) => STATUS,
            Flight::Other(ty) => *ty,
        }
    }
}

fn take<'de, T: serde::Deserialize<'de>>(rest: &'de [u8]) -> Result<T, SessionError> {
    // Trailing bytes are ignored, as for every message (compatibility
    // rule 2).
    postcard::take_from_bytes(rest)
        .map(|(value, _)| value)
        .map_err(|_| SessionError::Message(MessageError::Malformed))
}

/// Checks a plaintext frame and decodes a handshake message from it.
pub(crate) fn decode(bytes: &[u8]) -> Result<(Header, Flight), SessionError> {
    let frame = Frame::parse(bytes)?;
    if frame.tag.is_some() {
        return Err(SessionError::WrongFrameKind);
    }
    let ty = Message::peek_type(frame.body)?;
    if ty >= MESSAGE_TYPES {
        return Err(MessageError::UnknownType(ty).into());
    }
    let (_, rest) = postcard::take_from_bytes::<u32>(frame.body)
        .map_err(|_| SessionError::Message(MessageError::Malformed))?;
    let flight = match ty {
        HELLO_REPLY => Flight::HelloReply(take(rest)?),
        PAIR_REQUEST => Flight::PairRequest(take(rest)?),
        PAIR_CHALLENGE => Flight::PairChallenge(take(rest)?),
        PAIR_FINISH => Flight::PairFinish(take(rest)?),
        RESUME_REQUEST => Flight::ResumeRequest(take(rest)?),
        RESUME_REPLY => Flight::ResumeReply(take(rest)?),
        STATUS => Flight::Status(take(rest)?),
        other => Flight::Other(other),
    };
    Ok((frame.header, flight))
}

fn write<T: Serialize>(
    buf: &mut [u8],
    header: &Header,
    ty: u32,
    body: &T,
) -> Result<usize, SessionError> {
    let h = header.emit(buf)?;
    let end = buf.len().saturating_sub(CRC_LEN);
    let room = buf.get_mut(h..end).ok_or(SessionError::BufferTooSmall)?;
    let n = postcard::to_slice(&(ty, body), room)
        .map_err(|_| SessionError::BufferTooSmall)?
        .len();
    Ok(crate::wire::frame::seal_crc(buf, h + n + CRC_LEN)?)
}

/// Encodes a plaintext handshake frame into `out`, replacing what it held.
pub(crate) fn emit(
    out: &mut Outbox,
    exchange: u16,
    initiator: bool,
    flight: &Flight,
) -> Result<(), SessionError> {
    let mut header = Header::plaintext(exchange);
    if initiator {
        header = header.with_flags(crate::wire::Flags::INITIATOR);
    }
    let mut buf = [0u8; MAX_HANDSHAKE_FRAME];
    let ty = flight.message_type();
    let n = match flight {
        Flight::HelloReply(m) => write(&mut buf, &header, ty, m),
        Flight::PairRequest(m) => write(&mut buf, &header, ty, m),
        Flight::PairChallenge(m) => write(&mut buf, &header, ty, m),
        Flight::PairFinish(m) => write(&mut buf, &header, ty, m),
        Flight::ResumeRequest(m) => write(&mut buf, &header, ty, m),
        Flight::ResumeReply(m) => write(&mut buf, &header, ty, m),
        Flight::Status(m) => write(&mut buf, &header, ty, m),
        Flight::Other(_) => Err(SessionError::WrongFrameKind),
    }?;
    out.clear();
    out.extend_from_slice(&buf[..n])
        .map_err(|_| SessionError::BufferTooSmall)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Features, Fixed, HelloReject, Offer, Ping, Status};

    const OFFER: Offer = Offer {
        max_frame: 1024,
        features: Features(0xF),
    };

    fn flights() -> [(Flight, Message<'static>); 7] {
        let pr = PairRequest {
            session: 0x1234,
            share: Fixed([4; 65]),
            offer: OFFER,
        };
        let pc = PairChallenge {
            session: 7,
            share: Fixed([4; 65]),
            confirm: Fixed([1; 32]),
            identity: Fixed([2; 78]),
        };
        let pf = PairFinish {
            confirm: Fixed([3; 32]),
            identity: Fixed([5; 48]),
            proof: Fixed([12; 32]),
        };
        let rq = ResumeRequest {
            session: 300,
            ephemeral: Fixed([6; 32]),
            identity: Fixed([7; 48]),
            payload: Fixed([8; 24]),
            offer: OFFER,
            mac: Fixed([13; 16]),
        };
        let rp = ResumeReply {
            ephemeral: Fixed([10; 32]),
            payload: Fixed([11; 40]),
        };
        let st = StatusReport {
            status: Status::WRONG_SETUP_CODE,
        };
        let hr = HelloReply::Reject(HelloReject::Busy {
            retry_after_ms: 1500,
        });
        [
            (Flight::PairRequest(pr), Message::PairRequest(pr)),
            (Flight::PairChallenge(pc), Message::PairChallenge(pc)),
            (Flight::PairFinish(pf), Message::PairFinish(pf)),
            (Flight::ResumeRequest(rq), Message::ResumeRequest(rq)),
            (Flight::ResumeReply(rp), Message::ResumeReply(rp)),
            (Flight::Status(st), Message::Status(st)),
            (Flight::HelloReply(hr), Message::HelloReply(hr)),
        ]
    }

    #[test]
    fn the_same_bytes_as_the_full_vocabulary_both_ways() {
        for (flight, message) in flights() {
            let mut out = Outbox::new();
            emit(&mut out, 0x0102, true, &flight).unwrap();
            let mut full = [0u8; MAX_HANDSHAKE_FRAME];
            let header = Header::plaintext(0x0102).with_flags(crate::wire::Flags::INITIATOR);
            let n = crate::to_slice(&header, &message, &mut full).unwrap();
            assert_eq!(&out[..], &full[..n], "{}", message.name());
            assert_eq!(decode(&out).unwrap(), (header, flight));
            assert_eq!(flight.message_type(), message.message_type());
        }
    }

    #[test]
    fn other_types_are_named_and_garbage_rejected() {
        let mut full = [0u8; 64];
        let n = crate::to_slice(
            &Header::plaintext(1),
            &Message::Ping(Ping { nonce: 3 }),
            &mut full,
        )
        .unwrap();
        assert_eq!(decode(&full[..n]).unwrap().1, Flight::Other(21));
        // A truncated PairRequest: the frame is sound, the message is not.
        let mut out = Outbox::new();
        emit(&mut out, 1, false, &flights()[0].0).unwrap();
        let body_end = out.len() - CRC_LEN - 10;
        let mut short = [0u8; MAX_HANDSHAKE_FRAME];
        short[..body_end].copy_from_slice(&out[..body_end]);
        let n = crate::wire::frame::seal_crc(&mut short, body_end + CRC_LEN).unwrap();
        assert_eq!(
            decode(&short[..n]),
            Err(SessionError::Message(MessageError::Malformed))
        );
        // An unknown type.
        let mut unknown = [0u8; 32];
        Header::plaintext(1).emit(&mut unknown).unwrap();
        let h = crate::wire::header::PLAIN_LEN;
        unknown[h] = 99;
        let n = crate::wire::frame::seal_crc(&mut unknown, h + 1 + CRC_LEN).unwrap();
        assert_eq!(
            decode(&unknown[..n]),
            Err(SessionError::Message(MessageError::UnknownType(99)))
        );
        assert!(emit(&mut out, 1, false, &Flight::Other(21)).is_err());
    }
}
