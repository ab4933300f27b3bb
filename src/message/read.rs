//! Hand-written decoders of the hot messages: [`Report`], [`Invoke`] and
//! [`DescriptorChunk`].
//!
//! They read the fields in declaration order exactly as the serde derives do
//! (the differential tests below hold the two together on arbitrary bytes),
//! without going through postcard's generic deserializer. Every other
//! message decodes with the derive, and so does every message on firmware
//! (builds without `std`), where flash counts for more than these
//! nanoseconds.

use postcard::Error;

use super::data::{DescriptorChunk, Invoke, Report};
use super::ids::{CapabilityId, CommandId, EndpointId};
use super::seq::raw::{self, Cursor};
use super::seq::{Bytes, Fixed, Seq};

/// Message type of [`DescriptorChunk`].
pub(super) const DESCRIPTOR: u32 = 8;
/// Message type of [`Invoke`].
pub(super) const INVOKE: u32 = 13;
/// Message type of [`Report`].
pub(super) const REPORT: u32 = 18;

/// The fields of a [`Report`], after its message type.
#[inline]
pub(super) fn report<'a>(bytes: Cursor<'_, 'a>) -> Result<Report<'a>, Error> {
    let subscription = raw::u16(bytes)?;
    let records = Seq::from_encoded(raw::bytes(bytes)?)?;
    Ok(Report {
        subscription,
        records,
    })
}

/// The fields of an [`Invoke`], after its message type.
#[inline]
pub(super) fn invoke<'a>(bytes: Cursor<'_, 'a>) -> Result<Invoke<'a>, Error> {
    let endpoint = EndpointId(raw::u16(bytes)?);
    let capability = CapabilityId(raw::u32(bytes)?);
    let command = CommandId(raw::u16(bytes)?);
    // postcard's option: one byte, 0 (none) or 1 (some, then the value).
    let timed_ms = match raw::byte(bytes)? {
        0 => None,
        1 => Some(raw::u16(bytes)?),
        _ => return Err(Error::DeserializeBadOption),
    };
    let args = Seq::from_encoded(raw::bytes(bytes)?)?;
    Ok(Invoke {
        endpoint,
        capability,
        command,
        timed_ms,
        args,
    })
}

/// The fields of a [`DescriptorChunk`], after its message type.
#[inline]
pub(super) fn descriptor<'a>(bytes: Cursor<'_, 'a>) -> Result<DescriptorChunk<'a>, Error> {
    let hash = Fixed(raw::array(bytes)?);
    let total_len = raw::u32(bytes)?;
    let offset = raw::u32(bytes)?;
    let data = Bytes(raw::bytes(bytes)?);
    Ok(DescriptorChunk {
        hash,
        total_len,
        offset,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::super::Message;
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    /// The hand decoder of `ty` and the serde derive agree on `body`.
    fn agree(ty: u32, body: &[u8]) {
        let mut payload = Vec::new();
        payload.push(ty as u8);
        payload.extend_from_slice(body);
        let reference = postcard::take_from_bytes::<Message<'_>>(&payload)
            .ok()
            .map(|(m, rest)| (m, rest.len()));
        let mut rest = body;
        let ours = match ty {
            REPORT => report(&mut rest).map(Message::Report),
            INVOKE => invoke(&mut rest).map(Message::Invoke),
            _ => descriptor(&mut rest).map(Message::Descriptor),
        }
        .ok()
        .map(|m| (m, rest.len()));
        // And the whole payload through the message layer.
        assert_eq!(
            Message::from_bytes(&payload).ok(),
            reference.map(|(m, _)| m),
            "{payload:02x?}"
        );
        assert_eq!(ours, reference, "{payload:02x?}");
    }

    proptest! {
        #[test]
        fn hot_messages_decode_as_their_derives(
            ty in prop::sample::select(std::vec![DESCRIPTOR, INVOKE, REPORT]),
            body in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            agree(ty, &body);
        }

        /// Plausible bodies: small field values, then a list whose length
        /// prefix matches what follows, so the list checks are reached.
        #[test]
        fn hot_messages_with_plausible_lists(
            ty in prop::sample::select(std::vec![INVOKE, REPORT]),
            head in proptest::collection::vec(0u8..3, 0..6),
            list in proptest::collection::vec(0u8..20, 0..40),
            tail in proptest::collection::vec(any::<u8>(), 0..4),
        ) {
            let mut body = head;
            body.push(list.len() as u8);
            body.extend_from_slice(&list);
            body.extend_from_slice(&tail);
            agree(ty, &body);
        }
    }

    #[test]
    fn edge_cases() {
        // Invoke: bad option byte, some timed_ms, truncated.
        agree(INVOKE, &[1, 8, 0, 2]);
        agree(INVOKE, &[1, 8, 0, 1, 0x90, 0x03, 0]);
        agree(INVOKE, &[1, 8, 0, 0, 4, 0, 2, 128, 1]);
        agree(INVOKE, &[1, 8, 0, 0, 6, 0, 2, 128, 1, 3, 10, 9, 9]);
        // Report: a record list, an oversized length, trailing bytes.
        agree(REPORT, &[1, 7, 1, 6, 42, 3, 0, 1, 1, 0xEE]);
        agree(REPORT, &[1, 0x80]);
        agree(REPORT, &[0xFF, 0xFF, 0x04, 0]);
        // Descriptor: a whole chunk, and one cut inside the hash.
        let mut chunk = [7u8; 16].to_vec();
        chunk.extend_from_slice(&[150, 1, 0, 3, 1, 2, 3]);
        agree(DESCRIPTOR, &chunk);
        agree(DESCRIPTOR, &chunk[..10]);
        agree(DESCRIPTOR, &chunk[..chunk.len() - 1]);
    }
}
