//! Writing reply messages straight into the caller's buffer, with nested
//! length prefixes fixed up in place, so a reply needs no second buffer.

use serde::Serialize;

use crate::descriptor::{Access, validate};
use crate::message::{AttributeId, AttributeValue, CapabilityId, Seq, Status, Value};

use super::dispatcher::EndpointEntry;

/// Bytes reserved for a length prefix (a varint of a u32).
const PREFIX: usize = 5;

/// The buffer is full.
#[derive(Debug)]
pub(crate) struct Full;

pub(crate) struct Cursor<'b> {
    pub buf: &'b mut [u8],
    pub pos: usize,
    pub limit: usize,
}

impl<'b> Cursor<'b> {
    pub fn new(buf: &'b mut [u8]) -> Self {
        let limit = buf.len();
        Cursor { buf, pos: 0, limit }
    }

    pub fn put<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Full> {
        let room = self.buf.get_mut(self.pos..self.limit).ok_or(Full)?;
        let n = postcard::to_slice(value, room).map_err(|_| Full)?.len();
        self.pos += n;
        Ok(())
    }

    /// Opens a length-prefixed region; returns its mark.
    pub fn open(&mut self) -> Result<usize, Full> {
        if self.pos + PREFIX > self.limit {
            return Err(Full);
        }
        self.pos += PREFIX;
        Ok(self.pos - PREFIX)
    }

    /// Closes the region opened at `mark`: writes its byte length as a
    /// varint and moves the content down to follow it.
    pub fn close(&mut self, mark: usize) {
        let len = self.pos - mark - PREFIX;
        let mut tmp = [0u8; PREFIX];
        let n = postcard::to_slice(&(len as u32), &mut tmp).map_or(0, |v| v.len());
        self.buf[mark..mark + n].copy_from_slice(&tmp[..n]);
        self.buf.copy_within(mark + PREFIX..self.pos, mark + n);
        self.pos = mark + n + len;
    }
}

/// Which attributes of which capabilities of one endpoint go into records.
pub(crate) struct Selection<'s> {
    /// Only this capability, or all.
    pub capability: Option<CapabilityId>,
    /// These attributes, or (when empty) every one with `wildcard` access.
    pub attributes: Seq<'s, AttributeId>,
    /// The access an attribute needs to be picked by a wildcard.
    pub wildcard: Access,
}

/// Where a multi-message answer continues: instance and attribute index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Position {
    pub instance: usize,
    pub attribute: usize,
}

/// Globals served from the descriptor, after a capability's own attributes.
const GLOBALS: [AttributeId; 2] = [AttributeId::REVISION, AttributeId::FEATURES];

/// Writes records for `selection` from `pos` on, as many as fit. Returns
/// whether everything was written; `pos` is where the next message goes on.
/// An explicitly named attribute whose handler fails ends the answer with
/// that handler's status.
pub(crate) fn write_records(
    cur: &mut Cursor<'_>,
    endpoint: &EndpointEntry<'_>,
    selection: &Selection<'_>,
    pos: &mut Position,
) -> Result<bool, Status> {
    let explicit = !selection.attributes.is_empty();
    while let Some(inst) = endpoint.instances.get(pos.instance) {
        let cap = inst.capability;
        if selection.capability.is_some_and(|c| c != cap.id) {
            pos.instance += 1;
            pos.attribute = 0;
            continue;
        }
        let record_start = cur.pos;
        let head = cur
            .put(&endpoint.id)
            .and_then(|_| cur.put(&cap.id))
            .and_then(|_| cur.put(&inst.data_version))
            .and_then(|_| cur.open());
        let Ok(values) = head else {
            cur.pos = record_start;
            return Ok(false);
        };
        let mut wrote = 0usize;
        let own = inst.attributes().count();
        while pos.attribute < own + GLOBALS.len() {
            let (id, value) = if pos.attribute < own {
                let Some(attr) = inst.attributes().nth(pos.attribute) else {
                    break;
                };
                let wanted = if explicit {
                    selection.attributes.iter().any(|a| a == attr.id)
                } else {
                    attr.access.contains(selection.wildcard)
                };
                if !wanted {
                    pos.attribute += 1;
                    continue;
                }
                let value = inst.handler.read(attr.id).and_then(|v| {
                    match validate::check_value(&attr.ty, attr.nullable, &v) {
                        Ok(()) => Ok(v),
                        Err(_) => Err(Status::FAILURE),
                    }
                });
                match value {
                    Ok(v) => (attr.id, v),
                    Err(status) if explicit => return Err(status),
                    Err(_) => {
                        pos.attribute += 1;
                        continue;
                    }
                }
            } else {
                let id = GLOBALS[pos.attribute - own];
                if !explicit || !selection.attributes.iter().any(|a| a == id) {
                    pos.attribute += 1;
                    continue;
                }
                let v = if id == AttributeId::REVISION {
                    Value::U16(cap.revision)
                } else {
                    Value::U32(cap.features)
                };
                (id, v)
            };
            let before = cur.pos;
            if cur
                .put(&AttributeValue {
                    attribute: id,
                    value,
                })
                .is_err()
            {
                cur.pos = before;
                if wrote == 0 {
                    cur.pos = record_start;
                } else {
                    cur.close(values);
                }
                return Ok(false);
            }
            wrote += 1;
            pos.attribute += 1;
        }
        if wrote == 0 {
            cur.pos = record_start;
        } else {
            cur.close(values);
        }
        pos.instance += 1;
        pos.attribute = 0;
    }
    Ok(true)
}
