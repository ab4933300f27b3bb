//! The message layer: the protocol's vocabulary as serde types, encoded with
//! postcard into the payload of a frame.
//!
//! A payload is exactly one [`Message`]: a varint message type (the variant
//! index in the table of [`Message`]) followed by that message's fields in
//! declaration order. Strings, byte strings and lists are borrowed from the
//! payload when decoded, so decoding needs no allocator.
//!
//! # Contract
//!
//! [`Message::from_bytes`] never panics and never allocates. It rejects a
//! message type it does not know with [`MessageError::UnknownType`] (answered
//! with [`Status::UNSUPPORTED_MESSAGE`]) and anything else it cannot decode
//! with [`MessageError::Malformed`] (answered with
//! [`Status::INVALID_MESSAGE`]). Every list in a decoded message has been
//! checked element by element, and values nest at most
//! [`value::MAX_DEPTH`] levels.
//!
//! # Compatibility rules
//!
//! postcard is not self-describing: the bytes carry no field names, types or
//! lengths of structs. The order of declarations is therefore the wire
//! contract.
//!
//! 1. Message types, [`Value`] variants, [`Status`] codes and the variants of
//!    every enum in a message are **append-only**: new ones are added at the
//!    end, none is removed, reordered or renumbered.
//! 2. A message's fields never change type or order. A later protocol
//!    version may **append** fields to the end of a message; a receiver
//!    decodes the fields it knows and **ignores trailing bytes** after them.
//!    A sender only sends appended fields to a peer that negotiated (in
//!    [`Hello`]) a version that defines them.
//! 3. A receiver that meets an unknown message type answers with a
//!    [`StatusReport`] of [`Status::UNSUPPORTED_MESSAGE`] on the same exchange
//!    and carries on; it never drops the session for it. An unknown variant
//!    inside a known message makes the message malformed:
//!    [`Status::INVALID_MESSAGE`].
//! 4. Unknown [`Status`] codes and [`Features`] bits are carried and
//!    ignored, never rejected.

mod admin;
mod data;
mod handshake;
mod ids;
#[cfg(feature = "std")]
mod read;
mod seq;
mod status;
pub mod value;
pub(crate) mod write;

pub use admin::{AdminRequest, PairingAdded, PairingEntry, PairingList};
pub use data::{
    AttributeValue, Batch, BatchItem, BatchReply, BatchResult, Close, Describe, DescribeCapability,
    DescriptorChunk, Event, Invoke, InvokeReply, MAX_BATCH_ITEMS, Ping, Pong, Priority, Read,
    ReadReply, Record, Report, StatusReport, Subscribe, SubscribeReply, Unsubscribe, Write,
    WriteReply,
};
pub use handshake::{
    DescriptorHash, Features, Hello, HelloAccept, HelloReject, HelloReply, Offer, PairChallenge,
    PairFinish, PairRequest, Purpose, ResumeReply, ResumeRequest,
};
pub use ids::{AttributeId, CapabilityId, CommandId, EndpointId, EventId, FieldId, VendorId};
pub use seq::{Bytes, Fixed, Item, Nested, Seq, SeqIter};
pub use status::Status;
pub use value::{Field, Value};

use serde::{Deserialize, Serialize};

use crate::wire::WireError;

/// Every message of the protocol. The variant index is the message type on
/// the wire (see the compatibility rules in the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Message<'a> {
    /// 0: version and limits negotiation, phone to appliance.
    Hello(Hello),
    /// 1: the answer to [`Hello`].
    HelloReply(HelloReply),
    /// 2: pairing flight 1, phone to appliance.
    PairRequest(PairRequest),
    /// 3: pairing flight 2, appliance to phone.
    PairChallenge(PairChallenge),
    /// 4: pairing flight 3, phone to appliance.
    PairFinish(PairFinish),
    /// 5: resumption flight 1, phone to appliance.
    ResumeRequest(ResumeRequest),
    /// 6: resumption flight 2, appliance to phone.
    ResumeReply(ResumeReply),
    /// 7: asks for the descriptor.
    Describe(Describe),
    /// 8: a chunk of the descriptor.
    #[serde(borrow)]
    Descriptor(DescriptorChunk<'a>),
    /// 9: reads attributes.
    #[serde(borrow)]
    Read(Read<'a>),
    /// 10: attribute values read.
    #[serde(borrow)]
    ReadReply(ReadReply<'a>),
    /// 11: writes attributes.
    #[serde(borrow)]
    Write(Write<'a>),
    /// 12: a write succeeded.
    WriteReply(WriteReply),
    /// 13: invokes a command.
    #[serde(borrow)]
    Invoke(Invoke<'a>),
    /// 14: a command's outcome.
    #[serde(borrow)]
    InvokeReply(InvokeReply<'a>),
    /// 15: subscribes to changes.
    #[serde(borrow)]
    Subscribe(Subscribe<'a>),
    /// 16: a subscription was accepted.
    SubscribeReply(SubscribeReply),
    /// 17: ends a subscription.
    Unsubscribe(Unsubscribe),
    /// 18: values for a subscription.
    #[serde(borrow)]
    Report(Report<'a>),
    /// 19: an event.
    #[serde(borrow)]
    Event(Event<'a>),
    /// 20: a status answer.
    Status(StatusReport),
    /// 21: a liveness probe.
    Ping(Ping),
    /// 22: the answer to a ping.
    Pong(Pong),
    /// 23: ends the session.
    Close(Close),
    /// 24: a standalone acknowledgement (the frame header carries the
    /// acknowledged counter).
    Ack,
    /// 25: a pairing administration request (secured, admin).
    Admin(AdminRequest),
    /// 26: the pairings, answering [`AdminRequest::List`].
    #[serde(borrow)]
    PairingList(PairingList<'a>),
    /// 27: a phone paired (unsolicited, to admins).
    PairingAdded(PairingAdded),
    /// 28: asks for one capability's full definition.
    DescribeCapability(DescribeCapability),
    /// 29: several writes and invokes, run in order.
    #[serde(borrow)]
    Batch(Batch<'a>),
    /// 30: the results of a [`Batch`], one per item.
    #[serde(borrow)]
    BatchReply(BatchReply<'a>),
}

/// Number of message types this implementation knows.
pub const MESSAGE_TYPES: u32 = 31;

/// The names of the message types, indexed by type.
pub const MESSAGE_NAMES: [&str; MESSAGE_TYPES as usize] = [
    "Hello",
    "HelloReply",
    "PairRequest",
    "PairChallenge",
    "PairFinish",
    "ResumeRequest",
    "ResumeReply",
    "Describe",
    "Descriptor",
    "Read",
    "ReadReply",
    "Write",
    "WriteReply",
    "Invoke",
    "InvokeReply",
    "Subscribe",
    "SubscribeReply",
    "Unsubscribe",
    "Report",
    "Event",
    "Status",
    "Ping",
    "Pong",
    "Close",
    "Ack",
    "Admin",
    "PairingList",
    "PairingAdded",
    "DescribeCapability",
    "Batch",
    "BatchReply",
];

/// Everything the message layer rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum MessageError {
    /// The message type is not one this implementation knows.
    #[error("unknown message type {0}")]
    UnknownType(u32),
    /// The payload does not decode as the message its type names.
    #[error("malformed message")]
    Malformed,
    /// The output buffer is too small for the encoded message.
    #[error("buffer too small for the message")]
    BufferTooSmall,
}

impl MessageError {
    /// The status a receiver answers with, if it answers.
    pub const fn status(self) -> Option<Status> {
        match self {
            MessageError::UnknownType(_) => Some(Status::UNSUPPORTED_MESSAGE),
            MessageError::Malformed => Some(Status::INVALID_MESSAGE),
            MessageError::BufferTooSmall => None,
        }
    }
}

impl From<MessageError> for Status {
    fn from(e: MessageError) -> Status {
        e.status().unwrap_or(Status::FAILURE)
    }
}

impl From<WireError> for Status {
    /// A rejected frame is normally dropped without an answer (it may not
    /// even be addressed to this receiver); when a receiver does answer, this
    /// is the status it uses.
    fn from(e: WireError) -> Status {
        match e {
            WireError::UnsupportedVersion(_) => Status::UNSUPPORTED_VERSION,
            WireError::Oversize { .. } | WireError::MessageTooLarge { .. } | WireError::NoSlot => {
                Status::RESOURCE_EXHAUSTED
            }
            _ => Status::INVALID_MESSAGE,
        }
    }
}

impl<'a> Message<'a> {
    /// Decodes a payload. Trailing bytes after the message are ignored
    /// (compatibility rule 2).
    #[inline]
    pub fn from_bytes(payload: &'a [u8]) -> Result<Message<'a>, MessageError> {
        Self::decode(payload, Ok, Err)
    }

    /// Decodes a payload and hands the message to `ok` or the error to
    /// `err`. The caller's result is built where the message is decoded, so
    /// a message (the size of its largest variant) is not copied from one
    /// result into the next.
    #[cfg_attr(feature = "std", inline)]
    #[cfg_attr(not(feature = "std"), inline(never))]
    pub(crate) fn decode<T>(
        payload: &'a [u8],
        ok: impl FnOnce(Message<'a>) -> T,
        err: impl FnOnce(MessageError) -> T,
    ) -> T {
        let mut fields = payload;
        let ty = match seq::raw::u32(&mut fields) {
            Ok(ty) if ty < MESSAGE_TYPES => ty,
            Ok(ty) => return err(MessageError::UnknownType(ty)),
            Err(_) => return err(MessageError::Malformed),
        };
        // On hosts the hot messages decode by hand (see `read.rs`), each arm
        // handing over its own variant so that only its fields are moved.
        // Firmware decodes them with their derives, which accept the same
        // bytes (the differential tests), in less flash.
        match ty {
            #[cfg(feature = "std")]
            read::REPORT => match read::report(&mut fields) {
                Ok(report) => ok(Message::Report(report)),
                Err(_) => err(MessageError::Malformed),
            },
            #[cfg(feature = "std")]
            read::INVOKE => match read::invoke(&mut fields) {
                Ok(invoke) => ok(Message::Invoke(invoke)),
                Err(_) => err(MessageError::Malformed),
            },
            #[cfg(feature = "std")]
            read::DESCRIPTOR => match read::descriptor(&mut fields) {
                Ok(chunk) => ok(Message::Descriptor(chunk)),
                Err(_) => err(MessageError::Malformed),
            },
            _ => match postcard::take_from_bytes(payload) {
                Ok((message, _)) => ok(message),
                Err(_) => err(MessageError::Malformed),
            },
        }
    }

    /// The message type at the start of a payload, without decoding the rest.
    pub fn peek_type(payload: &[u8]) -> Result<u32, MessageError> {
        let mut rest = payload;
        seq::raw::u32(&mut rest).map_err(|_| MessageError::Malformed)
    }

    /// Encodes into the start of `buf`, returning the bytes written.
    pub fn to_slice<'b>(&self, buf: &'b mut [u8]) -> Result<&'b mut [u8], MessageError> {
        match write::to_slice(self, buf) {
            Ok(n) => buf.get_mut(..n).ok_or(MessageError::BufferTooSmall),
            Err(_) => Err(MessageError::BufferTooSmall),
        }
    }

    /// The exact number of bytes [`Message::to_slice`] writes.
    pub fn encoded_len(&self) -> usize {
        // Serializing into a size counter has no failure mode for these types.
        write::encoded_len(self).unwrap_or(0)
    }

    /// The message type: its index in [`Message`].
    pub const fn message_type(&self) -> u32 {
        match self {
            Message::Hello(_) => 0,
            Message::HelloReply(_) => 1,
            Message::PairRequest(_) => 2,
            Message::PairChallenge(_) => 3,
            Message::PairFinish(_) => 4,
            Message::ResumeRequest(_) => 5,
            Message::ResumeReply(_) => 6,
            Message::Describe(_) => 7,
            Message::Descriptor(_) => 8,
            Message::Read(_) => 9,
            Message::ReadReply(_) => 10,
            Message::Write(_) => 11,
            Message::WriteReply(_) => 12,
            Message::Invoke(_) => 13,
            Message::InvokeReply(_) => 14,
            Message::Subscribe(_) => 15,
            Message::SubscribeReply(_) => 16,
            Message::Unsubscribe(_) => 17,
            Message::Report(_) => 18,
            Message::Event(_) => 19,
            Message::Status(_) => 20,
            Message::Ping(_) => 21,
            Message::Pong(_) => 22,
            Message::Close(_) => 23,
            Message::Ack => 24,
            Message::Admin(_) => 25,
            Message::PairingList(_) => 26,
            Message::PairingAdded(_) => 27,
            Message::DescribeCapability(_) => 28,
            Message::Batch(_) => 29,
            Message::BatchReply(_) => 30,
        }
    }

    /// The message type's name.
    pub const fn name(&self) -> &'static str {
        MESSAGE_NAMES[self.message_type() as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_ping() {
        let mut buf = [0u8; 8];
        let m = Message::Ping(Ping { nonce: 42 });
        assert_eq!(m.to_slice(&mut buf).unwrap(), &[21, 42]);
        assert_eq!(m.encoded_len(), 2);
        assert_eq!(Message::from_bytes(&[21, 42]), Ok(m));
        // Trailing bytes (fields of a later version) are ignored.
        assert_eq!(Message::from_bytes(&[21, 42, 7, 7]), Ok(m));
    }

    #[test]
    fn unknown_and_malformed() {
        assert_eq!(
            Message::from_bytes(&[31]),
            Err(MessageError::UnknownType(31))
        );
        assert_eq!(
            Message::from_bytes(&[0x80, 0x01]),
            Err(MessageError::UnknownType(128))
        );
        assert_eq!(Message::from_bytes(&[]), Err(MessageError::Malformed));
        assert_eq!(Message::from_bytes(&[21]), Err(MessageError::Malformed));
        assert_eq!(Message::from_bytes(&[0x80]), Err(MessageError::Malformed));
        assert_eq!(
            Status::from(MessageError::UnknownType(99)),
            Status::UNSUPPORTED_MESSAGE
        );
    }

    #[test]
    fn golden_report() {
        let values = [
            AttributeValue::new(0, Value::Bool(true)),
            AttributeValue::new(1, Value::U8(128)),
            AttributeValue::new(2, Value::U16(1000)),
        ];
        let records = [Record {
            endpoint: EndpointId(1),
            capability: CapabilityId(6),
            data_version: 3,
            values: Seq::from_slice(&values),
        }];
        let m = Message::Report(Report {
            subscription: 1,
            records: Seq::from_slice(&records),
        });
        let mut buf = [0u8; 64];
        let out = m.to_slice(&mut buf).unwrap();
        assert_eq!(
            out,
            &[18, 1, 14, 1, 6, 3, 10, 0, 1, 1, 1, 2, 128, 2, 3, 0xE8, 0x07]
        );
        assert_eq!(m.encoded_len(), out.len());
        assert_eq!(Message::from_bytes(out), Ok(m));
    }

    #[test]
    fn names_match_types() {
        assert_eq!(Message::Ack.name(), "Ack");
        let last = Message::BatchReply(BatchReply {
            results: Seq::empty(),
        });
        assert_eq!(last.message_type() + 1, MESSAGE_TYPES);
        assert_eq!(Message::Ping(Ping { nonce: 0 }).name(), "Ping");
    }
}
