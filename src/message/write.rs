//! A postcard serializer into a slice that writes each [`Seq`]'s byte-length
//! prefix in the same pass as its elements.
//!
//! postcard's own serializer cannot know a list's byte length before writing
//! it, so [`Seq`] measures its elements first (a second serialization, and
//! a fourth at depth two). [`Writer`] recognises a `Seq` instead: it reserves
//! one byte for the length, writes the elements after it and, if the length
//! turns out to need more varint bytes, moves the elements right. The bytes
//! are exactly postcard's (the vector tests and the differential tests check
//! it); only the work differs.
//!
//! A writer never stops at a full buffer: it goes on counting, so one pass
//! gives either the encoding or the exact length that did not fit, and a
//! writer over an empty buffer is the length counter of
//! [`Message::encoded_len`](super::Message::encoded_len).
//!
//! [`Seq`]: super::Seq

use core::fmt;

use serde::ser::{self, Serialize};

/// The `newtype_struct` name by which [`Seq`](super::Seq) announces a list
/// in the slice form: its content is a tuple of the measured byte length and
/// the elements, and a [`Writer`] skips the measured length. A static, so
/// that the writer recognises it by address (one comparison, no `memcmp`).
pub(crate) static SEQ_MARKER: &str = "\0applink::Seq\0";

/// Whether `name` is [`SEQ_MARKER`] itself.
fn is_seq_marker(name: &'static str) -> bool {
    core::ptr::eq(name.as_ptr(), SEQ_MARKER.as_ptr()) && name.len() == SEQ_MARKER.len()
}

/// Why serializing failed: a `Serialize` impl reported an error (the
/// message types never do), or a list or map of unknown length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WriteError;

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("value cannot be serialized")
    }
}

impl ser::StdError for WriteError {}

impl ser::Error for WriteError {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        WriteError
    }
}

/// Serializes `value` into the start of `buf`: `Ok(len)` when it fits,
/// `Err(Some(needed))` when it needs `needed` bytes, `Err(None)` when it
/// cannot be serialized at all.
pub(crate) fn to_slice<T: Serialize + ?Sized>(
    value: &T,
    buf: &mut [u8],
) -> core::result::Result<usize, Option<usize>> {
    let mut w = Writer {
        buf,
        pos: 0,
        full: false,
        skip_length: false,
    };
    value.serialize(&mut w).map_err(|_| None)?;
    if w.full { Err(Some(w.pos)) } else { Ok(w.pos) }
}

/// The exact length [`to_slice`] writes for `value`, if it serializes.
pub(crate) fn encoded_len<T: Serialize + ?Sized>(value: &T) -> Option<usize> {
    match to_slice(value, &mut []) {
        Ok(n) | Err(Some(n)) => Some(n),
        Err(None) => None,
    }
}

/// The serializer. `pos` counts every byte, written or not; `full` is set
/// once a byte did not fit.
pub(crate) struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
    full: bool,
    /// Set by a `Seq` marker: the next tuple's first element is the
    /// measured length, which this writer replaces with its own.
    skip_length: bool,
}

type Result<T = ()> = core::result::Result<T, WriteError>;

impl Writer<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.pos + bytes.len();
        match self.buf.get_mut(self.pos..end) {
            Some(dst) if !self.full => dst.copy_from_slice(bytes),
            _ => self.full = true,
        }
        self.pos = end;
    }

    #[inline]
    fn byte(&mut self, b: u8) {
        match self.buf.get_mut(self.pos) {
            Some(dst) if !self.full => *dst = b,
            _ => self.full = true,
        }
        self.pos += 1;
    }

    /// A varint: one byte inline (ids, small values, lengths), the rest
    /// out of line.
    #[inline(always)]
    fn varint(&mut self, v: u64) {
        if v < 0x80 {
            self.byte(v as u8)
        } else {
            self.varint_long(v)
        }
    }

    #[inline(never)]
    fn varint_long(&mut self, mut v: u64) {
        // Byte by byte: a copy of a few bytes of unknown count would be a
        // call to `memcpy`.
        while v >= 0x80 {
            self.byte((v as u8) | 0x80);
            v >>= 7;
        }
        self.byte(v as u8);
    }

    /// A 128-bit varint (no message has one; apart, so that the common path
    /// has no 128-bit arithmetic).
    fn varint128(&mut self, mut v: u128) {
        let mut tmp = [0u8; 19];
        let mut n = 0;
        while v >= 0x80 {
            tmp[n] = (v as u8) | 0x80;
            v >>= 7;
            n += 1;
        }
        tmp[n] = v as u8;
        self.put(&tmp[..=n]);
    }

    /// Writes a list whose content `body` serializes: a one-byte length
    /// placeholder, the content, then the real length, moving the content
    /// right when the length needs more than one byte.
    fn prefixed<T: Serialize + ?Sized>(&mut self, body: &T) -> Result {
        let start = self.pos;
        self.byte(0);
        self.skip_length = true;
        body.serialize(&mut *self)?;
        self.skip_length = false;
        let len = self.pos - start - 1;
        let mut tmp = [0u8; 10];
        let n = encode_u64(len as u64, &mut tmp);
        if n > 1 {
            let end = self.pos + n - 1;
            if !self.full && end <= self.buf.len() {
                self.buf.copy_within(start + 1..self.pos, start + n);
            } else {
                self.full = true;
            }
            self.pos = end;
        }
        match self.buf.get_mut(start..start + n) {
            Some(dst) if !self.full => dst.copy_from_slice(&tmp[..n]),
            _ => self.full = true,
        }
        Ok(())
    }
}

impl fmt::Write for Writer<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.put(s.as_bytes());
        Ok(())
    }
}

/// Writes `v` as a varint into `out`, returning its length.
fn encode_u64(mut v: u64, out: &mut [u8; 10]) -> usize {
    let mut i = 0;
    while v >= 0x80 {
        out[i] = (v as u8) | 0x80;
        v >>= 7;
        i += 1;
    }
    out[i] = v as u8;
    i + 1
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

impl<'w, 'b> ser::Serializer for &'w mut Writer<'b> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Compound<'w, 'b>;
    type SerializeTuple = Compound<'w, 'b>;
    type SerializeTupleStruct = Compound<'w, 'b>;
    type SerializeTupleVariant = Compound<'w, 'b>;
    type SerializeMap = Compound<'w, 'b>;
    type SerializeStruct = Compound<'w, 'b>;
    type SerializeStructVariant = Compound<'w, 'b>;

    fn is_human_readable(&self) -> bool {
        false
    }

    #[inline]
    fn serialize_bool(self, v: bool) -> Result {
        self.byte(u8::from(v));
        Ok(())
    }
    #[inline]
    fn serialize_i8(self, v: i8) -> Result {
        self.byte(v as u8);
        Ok(())
    }
    #[inline]
    fn serialize_i16(self, v: i16) -> Result {
        self.varint(zigzag(v.into()));
        Ok(())
    }
    #[inline]
    fn serialize_i32(self, v: i32) -> Result {
        self.varint(zigzag(v.into()));
        Ok(())
    }
    #[inline]
    fn serialize_i64(self, v: i64) -> Result {
        self.varint(zigzag(v));
        Ok(())
    }
    #[inline]
    fn serialize_i128(self, v: i128) -> Result {
        self.varint128(((v << 1) ^ (v >> 127)) as u128);
        Ok(())
    }
    #[inline]
    fn serialize_u8(self, v: u8) -> Result {
        self.byte(v);
        Ok(())
    }
    #[inline]
    fn serialize_u16(self, v: u16) -> Result {
        self.varint(v.into());
        Ok(())
    }
    #[inline]
    fn serialize_u32(self, v: u32) -> Result {
        self.varint(v.into());
        Ok(())
    }
    #[inline]
    fn serialize_u64(self, v: u64) -> Result {
        self.varint(v);
        Ok(())
    }
    #[inline]
    fn serialize_u128(self, v: u128) -> Result {
        self.varint128(v);
        Ok(())
    }
    #[inline]
    fn serialize_f32(self, v: f32) -> Result {
        self.put(&v.to_le_bytes());
        Ok(())
    }
    #[inline]
    fn serialize_f64(self, v: f64) -> Result {
        self.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result {
        self.serialize_str(v.encode_utf8(&mut [0u8; 4]))
    }
    #[inline]
    fn serialize_str(self, v: &str) -> Result {
        self.serialize_bytes(v.as_bytes())
    }
    #[inline]
    fn serialize_bytes(self, v: &[u8]) -> Result {
        self.varint(v.len() as u64);
        self.put(v);
        Ok(())
    }
    #[inline]
    fn serialize_none(self) -> Result {
        self.byte(0);
        Ok(())
    }
    #[inline]
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        self.byte(1);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        Ok(())
    }
    #[inline]
    fn serialize_unit_variant(self, _name: &'static str, index: u32, _v: &'static str) -> Result {
        self.varint(index.into());
        Ok(())
    }
    #[inline]
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result {
        if is_seq_marker(name) {
            self.prefixed(value)
        } else {
            value.serialize(self)
        }
    }
    #[inline]
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result {
        self.varint(index.into());
        value.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'w, 'b>> {
        self.counted(len)
    }
    #[inline]
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'w, 'b>> {
        Ok(Compound::new(self))
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'w, 'b>> {
        Ok(Compound::new(self))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'b>> {
        self.variant(index)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'w, 'b>> {
        self.counted(len)
    }
    #[inline]
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'w, 'b>> {
        Ok(Compound::new(self))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'b>> {
        self.variant(index)
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result {
        use fmt::Write;
        struct Count(usize);
        impl Write for Count {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0 += s.len();
                Ok(())
            }
        }
        let mut count = Count(0);
        write!(count, "{value}").map_err(|_| WriteError)?;
        self.varint(count.0 as u64);
        write!(self, "{value}").map_err(|_| WriteError)
    }
}

impl<'b> Writer<'b> {
    /// A sequence or map: its element count, then the elements.
    fn counted(&mut self, len: Option<usize>) -> Result<Compound<'_, 'b>> {
        self.varint(len.ok_or(WriteError)? as u64);
        Ok(Compound::new(self))
    }

    /// A tuple or struct variant: its index, then the fields.
    fn variant(&mut self, index: u32) -> Result<Compound<'_, 'b>> {
        self.varint(index.into());
        Ok(Compound::new(self))
    }
}

/// Every compound of postcard is its elements one after the other.
pub(crate) struct Compound<'w, 'b> {
    w: &'w mut Writer<'b>,
    /// Drop the first element: a `Seq`'s measured length.
    skip: bool,
}

impl<'w, 'b> Compound<'w, 'b> {
    #[inline]
    fn new(w: &'w mut Writer<'b>) -> Self {
        let skip = core::mem::take(&mut w.skip_length);
        Compound { w, skip }
    }

    #[inline]
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        if core::mem::take(&mut self.skip) {
            return Ok(());
        }
        value.serialize(&mut *self.w)
    }
}

macro_rules! compound {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = WriteError;
            #[inline]
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
                self.element(value)
            }
            #[inline]
            fn end(self) -> Result {
                Ok(())
            }
        }
    )*};
}

compound!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

macro_rules! keyed {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = WriteError;
            #[inline]
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                _key: &'static str,
                value: &T,
            ) -> Result {
                self.element(value)
            }
            fn end(self) -> Result {
                Ok(())
            }
        }
    )*};
}

keyed!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.element(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{
        AttributeValue, CapabilityId, EndpointId, Field, Message, Record, Report, Seq, Value,
    };

    /// The writer and postcard's own serializer (which measures each list
    /// first) give the same bytes, and the writer's count is exact whether
    /// or not the buffer is big enough.
    fn same_as_postcard(m: &Message<'_>) {
        let mut ours = std::vec![0u8; 1 << 16];
        let mut theirs = std::vec![0u8; 1 << 16];
        let n = to_slice(m, &mut ours).unwrap();
        let reference = postcard::to_slice(m, &mut theirs).unwrap();
        assert_eq!(&ours[..n], &reference[..]);
        assert_eq!(encoded_len(m), Some(n));
        for short in [0, 1, n / 2, n - 1] {
            assert_eq!(to_slice(m, &mut ours[..short]), Err(Some(n)));
        }
    }

    #[test]
    fn lists_of_every_length_class_match_postcard() {
        // Byte lengths around the one-, two- and three-byte varint limits,
        // so the in-place shift runs at every nesting level.
        let text = [b'x'; 20000];
        for len in [0usize, 1, 100, 127, 128, 129, 300, 16383, 16384, 17000] {
            let s = core::str::from_utf8(&text[..len]).unwrap();
            let inner = [Value::Str(s), Value::U16(4000)];
            let fields = [Field::new(1, Value::List(Seq::from_slice(&inner)))];
            let values = [
                AttributeValue::new(0, Value::Struct(Seq::from_slice(&fields))),
                AttributeValue::new(1, Value::Str(s)),
            ];
            let records = [
                Record {
                    endpoint: EndpointId(1),
                    capability: CapabilityId(6),
                    data_version: 9,
                    values: Seq::from_slice(&values),
                },
                Record {
                    endpoint: EndpointId(2),
                    capability: CapabilityId(0x1_0001),
                    data_version: 0,
                    values: Seq::empty(),
                },
            ];
            let m = Message::Report(Report {
                subscription: 300,
                records: Seq::from_slice(&records),
            });
            same_as_postcard(&m);
            // A received list is written back as its bytes.
            let mut buf = std::vec![0u8; 1 << 16];
            let n = to_slice(&m, &mut buf).unwrap();
            let back = Message::from_bytes(&buf[..n]).unwrap();
            same_as_postcard(&back);
            assert_eq!(back, m);
        }
    }
}
