//! Batched requests (`spec/INTERACTION.md`, section 10): several writes and
//! invokes in one message, run in order, answered in one `BatchReply` that
//! fits the same frame.
//!
//! Each item is checked and run exactly as its own `Write` or `Invoke`
//! would be (privilege, access, timed invokes, data versions as they stand
//! when the item runs). An item runs only if the reply still has room for
//! the largest entry it can produce and the smallest entry of every item
//! after it, so a reply never has to drop the result of an item that ran.

use crate::descriptor::{Elem, FieldDesc, Privilege, Type, Width};
use crate::message::{
    Batch, BatchItem, BatchResult, InvokeReply, MAX_BATCH_ITEMS, Seq, Status, WriteReply,
};
use crate::time::Instant;

use super::dispatcher::{Dispatcher, send_status};
use super::events::SequenceStore;
use super::writer::Cursor;
use super::{InteractionError, Response};

/// The message type of `Message::BatchReply`.
pub(crate) const BATCH_REPLY_TYPE: u32 = 30;
/// The longest entry of an item that does not run: `Failed` (one byte)
/// and a status (a varint of a u16, at most 3 bytes). `NotRun` is 1 byte.
pub(crate) const MAX_FAILED_ENTRY: usize = 4;
/// The longest `Written` entry: one byte and a varint of a u32.
const MAX_WRITTEN_ENTRY: usize = 6;
/// The reply's message type (1 byte) and the room the cursor keeps for
/// the results' length prefix while writing them.
const REPLY_HEAD: usize = 1 + 5;

const fn varint_len(n: usize) -> usize {
    let mut len = 1;
    let mut n = n >> 7;
    while n != 0 {
        len += 1;
        n >>= 7;
    }
    len
}

/// The longest varint of an integer of width `w` (`U8` and `I8` are one
/// raw byte).
const fn int_len(w: Width) -> usize {
    match w {
        Width::U8 | Width::I8 => 1,
        Width::U16 | Width::I16 => 3,
        Width::U32 | Width::I32 => 5,
        Width::U64 | Width::I64 => 10,
    }
}

/// The longest encoding of a value of type `ty` (tag included).
fn value_len(ty: &Type<'_>) -> usize {
    let body = match ty {
        Type::Bool => 1,
        Type::Int(i) => int_len(i.width),
        Type::Float { .. } => 8,
        Type::Enum { .. } => 3,
        Type::Bitmap { .. } => 10,
        Type::Str { max_len } | Type::Bytes { max_len } => {
            varint_len(usize::from(*max_len)) + usize::from(*max_len)
        }
        Type::List { item, max_items } => {
            let one = 1 + match item {
                Elem::Bool => 1,
                Elem::Int { width, .. } => int_len(*width),
                Elem::Enum { .. } => 3,
                Elem::Str { max_len } => varint_len(usize::from(*max_len)) + usize::from(*max_len),
            };
            let all = usize::from(*max_items) * one;
            varint_len(all) + all
        }
    };
    1 + body
}

/// The longest encoding of a field list as `fields` declares it: a length
/// prefix, then each field's id (at most 3 bytes) and value.
pub(crate) fn fields_len(fields: &Seq<'_, FieldDesc<'_>>) -> usize {
    let body: usize = fields.iter().map(|f| 3 + value_len(&f.ty)).sum();
    varint_len(body) + body
}

impl<S: SequenceStore, const SUBS: usize, const EVENTS: usize> Dispatcher<'_, S, SUBS, EVENTS> {
    /// The longest entry `item` can produce.
    fn largest_entry(&self, item: &BatchItem<'_>) -> usize {
        match item {
            BatchItem::Write(_) => MAX_WRITTEN_ENTRY,
            BatchItem::Invoke(inv) => self
                .locate(inv.endpoint, inv.capability)
                .ok()
                .and_then(|(e, i)| self.endpoints[e].instances[i].command(inv.command))
                // Variant, status, response fields.
                .map_or(MAX_FAILED_ENTRY, |cmd| 1 + 3 + fields_len(&cmd.response)),
        }
    }

    /// Serves a [`Batch`]: one `BatchReply`, or a `StatusReport` when
    /// nothing ran (not paired, too many items, or a frame too small for
    /// every item's smallest entry).
    pub(crate) fn batch(
        &mut self,
        b: &Batch<'_>,
        privilege: Privilege,
        now: Instant,
        buf: &mut [u8],
        emit: &mut dyn FnMut(&[u8]),
    ) -> Result<(), InteractionError> {
        if privilege == Privilege::Unauthenticated {
            return send_status(Status::NEEDS_PAIRING, buf, emit);
        }
        let count = b.items.len();
        if count > MAX_BATCH_ITEMS || REPLY_HEAD + count * MAX_FAILED_ENTRY > buf.len() {
            return send_status(Status::RESOURCE_EXHAUSTED, buf, emit);
        }
        let mut cur = Cursor::new(buf);
        let Ok(mark) = cur.put(&BATCH_REPLY_TYPE).and_then(|_| cur.open()) else {
            return Err(InteractionError::BufferTooSmall);
        };
        let mut failed = false;
        let mut response = Response::new();
        for (k, item) in b.items.iter().enumerate() {
            let later = (count - k - 1) * MAX_FAILED_ENTRY;
            let room = cur.limit.saturating_sub(cur.pos).saturating_sub(later);
            let entry = if failed && b.stop_on_failure {
                BatchResult::NotRun
            } else if self.largest_entry(&item) > room {
                BatchResult::Failed(Status::RESOURCE_EXHAUSTED)
            } else {
                match item {
                    BatchItem::Write(w) => match self.write(&w, privilege, now) {
                        Ok(data_version) => BatchResult::Written(WriteReply { data_version }),
                        Err(status) => BatchResult::Failed(status),
                    },
                    BatchItem::Invoke(inv) => {
                        match self.run_invoke(&inv, privilege, now, &mut response) {
                            Ok(status) => BatchResult::Invoked(InvokeReply {
                                status,
                                fields: Seq::from_slice(&response),
                            }),
                            Err(status) => BatchResult::Failed(status),
                        }
                    }
                }
            };
            failed |= entry.is_failure();
            // Cannot fail: room was kept for this entry and every later one.
            cur.put(&entry)
                .map_err(|_| InteractionError::BufferTooSmall)?;
        }
        cur.close(mark);
        let n = cur.pos;
        emit(&cur.buf[..n]);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{door_lock, operational_state};
    use crate::message::{BatchReply, Message};

    #[test]
    fn reply_type_matches() {
        let m = Message::BatchReply(BatchReply {
            results: Seq::empty(),
        });
        assert_eq!(m.message_type(), BATCH_REPLY_TYPE);
    }

    #[test]
    fn entry_bounds_cover_the_largest_encodings() {
        let mut buf = [0u8; 16];
        let failed = BatchResult::Failed(Status(0xFFFF));
        assert_eq!(
            postcard::to_slice(&failed, &mut buf).unwrap().len(),
            MAX_FAILED_ENTRY
        );
        let written = BatchResult::Written(WriteReply {
            data_version: u32::MAX,
        });
        assert_eq!(
            postcard::to_slice(&written, &mut buf).unwrap().len(),
            MAX_WRITTEN_ENTRY
        );
        // operational_state answers every command with an enum `state`:
        // prefix 1, field id up to 3, tag 1, varint up to 3.
        let stop = operational_state::CAPABILITY
            .commands
            .iter()
            .next()
            .unwrap();
        assert_eq!(fields_len(&stop.response), 1 + 3 + 1 + 3);
        let lock = door_lock::CAPABILITY.commands.iter().next().unwrap();
        assert_eq!(fields_len(&lock.response), 1);
        assert_eq!(varint_len(127), 1);
        assert_eq!(varint_len(128), 2);
    }
}
