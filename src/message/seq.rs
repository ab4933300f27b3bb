//! Borrowed building blocks of messages: [`Seq`], [`Bytes`] and [`Fixed`].
//!
//! A [`Seq`] is a list that is encoded as a postcard byte string whose content
//! is the concatenation of its elements' encodings:
//!
//! ```text
//!  varint(byte length)  element 0  element 1  ...
//! ```
//!
//! Prefixing the byte length (rather than postcard's element count) lets a
//! receiver borrow the whole list from the frame without an allocator and
//! decode its elements lazily. Every element, and every list nested in one,
//! is checked when the outermost list is decoded, so iterating a received
//! list cannot fail; iterating decodes each element once more but does not
//! check its nested lists again ([`Nested::Checked`]).
//!
//! A list being sent is written in one pass by [`to_slice`](crate::message::Message::to_slice):
//! one byte is reserved for the length, the elements are written after it,
//! and they are moved right in the rare case the length needs more bytes.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeTuple, Serializer};

use super::write::SEQ_MARKER;

/// How much of a decoded element's own nested lists [`Item::take`] checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nested {
    /// Every nested list is checked element by element (bytes from the
    /// wire).
    Check,
    /// The bytes lie inside a list that was already checked as a whole, so
    /// nested lists are captured without being walked again. Decoding still
    /// never panics: it only skips work that cannot fail on checked bytes.
    Checked,
}

/// An element type of a [`Seq`]: how a received list of it is checked and
/// its elements decoded.
pub trait Item<'a>: Sized + Clone + Serialize + Deserialize<'a> {
    /// Decodes the element at the start of `bytes` and advances `bytes`
    /// past it. With [`Nested::Check`] it checks everything a
    /// postcard decode checks; with [`Nested::Checked`] a type may capture
    /// its nested lists without checking them, because `bytes` lies inside
    /// a list that [`Item::validate`] accepted.
    ///
    /// The default decodes with postcard, checking nested lists either way.
    fn take(bytes: &mut &'a [u8], nested: Nested) -> Result<Self, postcard::Error> {
        let _ = nested;
        let (item, rest) = postcard::take_from_bytes::<Self>(bytes)?;
        *bytes = rest;
        Ok(item)
    }

    /// Checks that `bytes` is a concatenation of whole, valid elements and
    /// returns how many there are.
    fn validate(bytes: &'a [u8]) -> Result<usize, postcard::Error> {
        let mut rest = bytes;
        let mut count = 0;
        while !rest.is_empty() {
            let before = rest.len();
            Self::take(&mut rest, Nested::Check)?;
            if rest.len() >= before {
                return Err(postcard::Error::DeserializeBadEncoding);
            }
            count += 1;
        }
        Ok(count)
    }
}

/// A list inside a message: a borrowed slice when sending, a checked, borrowed
/// encoding when received.
#[derive(Clone, Copy)]
pub struct Seq<'a, T> {
    repr: Repr<'a, T>,
}

#[derive(Clone, Copy)]
enum Repr<'a, T> {
    Slice(&'a [T]),
    /// Checked by `Item::validate`, which counted the elements.
    Encoded {
        bytes: &'a [u8],
        len: usize,
    },
    /// Nested inside a list that was checked as a whole: checked, but not
    /// counted.
    Nested(&'a [u8]),
}

impl<'a, T> Seq<'a, T> {
    /// A list of the given elements.
    pub const fn from_slice(items: &'a [T]) -> Self {
        Seq {
            repr: Repr::Slice(items),
        }
    }

    /// The empty list.
    pub const fn empty() -> Self {
        Seq::from_slice(&[])
    }

    /// The received encoding of the elements, if this list was decoded.
    pub fn encoded(&self) -> Option<&'a [u8]> {
        match self.repr {
            Repr::Slice(_) => None,
            Repr::Encoded { bytes, .. } | Repr::Nested(bytes) => Some(bytes),
        }
    }

    /// A received list whose `len` elements `bytes` holds, as
    /// [`Item::validate`] counted them.
    pub(crate) const fn checked(bytes: &'a [u8], len: usize) -> Self {
        Seq {
            repr: Repr::Encoded { bytes, len },
        }
    }

    /// A list nested inside an element of a list that was checked as a
    /// whole. Only [`Item::take`] with [`Nested::Checked`] makes one.
    pub(crate) const fn nested(bytes: &'a [u8]) -> Self {
        Seq {
            repr: Repr::Nested(bytes),
        }
    }
}

impl<'a, T: Item<'a>> Seq<'a, T> {
    /// Number of elements. A received list nested inside another received
    /// list counts its elements by decoding them (its encoding carries a
    /// byte length, not a count).
    pub fn len(&self) -> usize {
        match self.repr {
            Repr::Slice(items) => items.len(),
            Repr::Encoded { len, .. } => len,
            Repr::Nested(_) => self.iter().count(),
        }
    }

    /// Whether the list has no elements.
    pub fn is_empty(&self) -> bool {
        match self.repr {
            Repr::Slice(items) => items.is_empty(),
            Repr::Encoded { bytes, .. } | Repr::Nested(bytes) => bytes.is_empty(),
        }
    }

    /// The elements, in order.
    #[inline]
    pub fn iter(&self) -> SeqIter<'a, T> {
        SeqIter(match self.repr {
            Repr::Slice(items) => IterRepr::Slice(items.iter()),
            Repr::Encoded { bytes, .. } | Repr::Nested(bytes) => {
                IterRepr::Encoded(bytes, PhantomData)
            }
        })
    }

    /// Checks an encoding and wraps it, as a received list.
    pub fn from_encoded(bytes: &'a [u8]) -> Result<Self, postcard::Error> {
        let len = T::validate(bytes)?;
        Ok(Seq::checked(bytes, len))
    }
}

impl<T> Default for Seq<'_, T> {
    fn default() -> Self {
        Seq::empty()
    }
}

impl<'a, T> From<&'a [T]> for Seq<'a, T> {
    fn from(items: &'a [T]) -> Self {
        Seq::from_slice(items)
    }
}

impl<'a, T, const N: usize> From<&'a [T; N]> for Seq<'a, T> {
    fn from(items: &'a [T; N]) -> Self {
        Seq::from_slice(items)
    }
}

/// Iterator over a [`Seq`].
pub struct SeqIter<'a, T>(IterRepr<'a, T>);

enum IterRepr<'a, T> {
    /// Over a slice.
    Slice(core::slice::Iter<'a, T>),
    /// Over a checked encoding.
    Encoded(&'a [u8], PhantomData<T>),
}

impl<'a, T: Item<'a>> Iterator for SeqIter<'a, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        match &mut self.0 {
            IterRepr::Slice(it) => it.next().cloned(),
            IterRepr::Encoded(rest, _) => {
                if rest.is_empty() {
                    return None;
                }
                match T::take(rest, Nested::Checked) {
                    Ok(item) => Some(item),
                    // Unreachable: only checked encodings are iterated.
                    // Should it happen anyway, the list ends here.
                    Err(_) => {
                        *rest = &[];
                        None
                    }
                }
            }
        }
    }
}

impl<'a, T: Item<'a> + PartialEq> PartialEq for Seq<'a, T> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl<'a, T: Item<'a> + fmt::Debug> fmt::Debug for Seq<'a, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(feature = "defmt")]
impl<'a, T: Item<'a> + defmt::Format> defmt::Format for Seq<'a, T> {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "[");
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                defmt::write!(f, ", ");
            }
            defmt::write!(f, "{}", item);
        }
        defmt::write!(f, "]");
    }
}

impl<T: Serialize> Serialize for Seq<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.repr {
            Repr::Encoded { bytes, .. } | Repr::Nested(bytes) => serializer.serialize_bytes(bytes),
            // The crate's writer recognises the marker and writes the length
            // in the same pass as the elements; any other serializer sees a
            // newtype around the measured length and the elements.
            Repr::Slice(items) => serializer.serialize_newtype_struct(SEQ_MARKER, &Measured(items)),
        }
    }
}

/// A list's content for a serializer that cannot write its length in the
/// same pass: the byte length, measured by serializing every element once
/// more, then the elements.
struct Measured<'x, T>(&'x [T]);

impl<T: Serialize> Serialize for Measured<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_tuple(self.0.len() + 1)?;
        out.serialize_element(&MeasuredLength(self.0))?;
        for item in self.0 {
            out.serialize_element(item)?;
        }
        out.end()
    }
}

/// The byte length of a list's elements, measured only when serialized (the
/// crate's writer skips it).
struct MeasuredLength<'x, T>(&'x [T]);

impl<T: Serialize> Serialize for MeasuredLength<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut total = 0usize;
        for item in self.0 {
            // The crate's writer, counting: one pass even over nested
            // lists, and no second serializer linked into firmware.
            total += super::write::encoded_len(item)
                .ok_or_else(|| serde::ser::Error::custom("unserializable list element"))?;
        }
        serializer.serialize_u64(total as u64)
    }
}

impl<'de: 'a, 'a, T: Item<'a>> Deserialize<'de> for Seq<'a, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes: &'a [u8] = <&'de [u8]>::deserialize(deserializer)?;
        Seq::from_encoded(bytes).map_err(de::Error::custom)
    }
}

/// Postcard's primitive decodings, for the hand-written [`Item::take`]s of
/// the hot element types. Each accepts exactly what postcard's
/// deserializer accepts (a varint may be longer than needed, but not longer
/// than its type allows, and its last byte may not overflow the type).
pub(crate) mod raw {
    use postcard::Error;

    /// Each function decodes from the front of `bytes` and advances it past
    /// what it decoded; on an error `bytes` is left somewhere inside.
    pub(crate) type Cursor<'x, 'a> = &'x mut &'a [u8];

    #[inline(always)]
    fn varint(bytes: Cursor<'_, '_>, max_len: usize, last_max: u8) -> Result<u64, Error> {
        let mut out = 0u64;
        for (i, &b) in bytes.iter().enumerate().take(max_len) {
            out |= u64::from(b & 0x7F) << (7 * i);
            if b & 0x80 == 0 {
                if i == max_len - 1 && b > last_max {
                    return Err(Error::DeserializeBadVarint);
                }
                *bytes = &bytes[i + 1..];
                return Ok(out);
            }
        }
        Err(if bytes.len() < max_len {
            Error::DeserializeUnexpectedEnd
        } else {
            Error::DeserializeBadVarint
        })
    }

    /// One raw byte.
    #[inline(always)]
    pub(crate) fn byte(bytes: Cursor<'_, '_>) -> Result<u8, Error> {
        let (&b, rest) = bytes.split_first().ok_or(Error::DeserializeUnexpectedEnd)?;
        *bytes = rest;
        Ok(b)
    }

    /// A varint of at most `max_len` bytes, with a one-byte fast path (ids
    /// and small values).
    #[inline(always)]
    fn small(bytes: Cursor<'_, '_>, max_len: usize, last_max: u8) -> Result<u64, Error> {
        match bytes.split_first() {
            Some((&b, rest)) if b < 0x80 => {
                *bytes = rest;
                Ok(u64::from(b))
            }
            _ => varint(bytes, max_len, last_max),
        }
    }

    /// A varint `u16`.
    #[inline]
    pub(crate) fn u16(bytes: Cursor<'_, '_>) -> Result<u16, Error> {
        small(bytes, 3, 0b11).map(|v| v as u16)
    }

    /// A varint `u32`.
    #[inline]
    pub(crate) fn u32(bytes: Cursor<'_, '_>) -> Result<u32, Error> {
        small(bytes, 5, 0b1111).map(|v| v as u32)
    }

    /// A varint `u64`.
    #[inline]
    pub(crate) fn u64(bytes: Cursor<'_, '_>) -> Result<u64, Error> {
        small(bytes, 10, 0b1)
    }

    /// A varint `usize` (postcard's width is the target's).
    #[inline]
    pub(crate) fn usize(bytes: Cursor<'_, '_>) -> Result<usize, Error> {
        #[cfg(target_pointer_width = "16")]
        let r = u16(bytes).map(usize::from);
        #[cfg(target_pointer_width = "32")]
        let r = u32(bytes).map(|v| v as usize);
        #[cfg(target_pointer_width = "64")]
        let r = u64(bytes).map(|v| v as usize);
        r
    }

    /// `N` raw bytes.
    #[inline]
    pub(crate) fn array<const N: usize>(bytes: Cursor<'_, '_>) -> Result<[u8; N], Error> {
        let (head, rest) = bytes
            .split_first_chunk::<N>()
            .ok_or(Error::DeserializeUnexpectedEnd)?;
        *bytes = rest;
        Ok(*head)
    }

    /// A byte string: varint length, bytes.
    #[inline]
    pub(crate) fn bytes<'a>(bytes: Cursor<'_, 'a>) -> Result<&'a [u8], Error> {
        let len = usize(bytes)?;
        let (head, rest) = bytes
            .split_at_checked(len)
            .ok_or(Error::DeserializeUnexpectedEnd)?;
        *bytes = rest;
        Ok(head)
    }

    /// Undoes zigzag: 0, -1, 1, -2, ... from 0, 1, 2, 3, ...
    #[inline]
    pub(crate) fn unzigzag(v: u64) -> i64 {
        ((v >> 1) as i64) ^ -((v & 1) as i64)
    }
}

/// A byte string, borrowed from the frame when received.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Bytes<'a>(pub &'a [u8]);

impl fmt::Debug for Bytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes(")?;
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Bytes<'_> {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "Bytes({=[u8]:x})", self.0);
    }
}

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Bytes<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <&'de [u8]>::deserialize(deserializer).map(Bytes)
    }
}

/// A fixed-size byte array, encoded as exactly `N` bytes with no length
/// prefix (keys, shares, tags, hashes).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fixed<const N: usize>(pub [u8; N]);

impl<const N: usize> Default for Fixed<N> {
    fn default() -> Self {
        Fixed([0; N])
    }
}

impl<const N: usize> fmt::Debug for Fixed<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "defmt")]
impl<const N: usize> defmt::Format for Fixed<N> {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "{=[u8]:x}", &self.0[..]);
    }
}

impl<const N: usize> Serialize for Fixed<N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_tuple(N)?;
        for b in &self.0 {
            out.serialize_element(b)?;
        }
        out.end()
    }
}

impl<'de, const N: usize> Deserialize<'de> for Fixed<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FixedVisitor<const N: usize>;
        impl<'de, const N: usize> Visitor<'de> for FixedVisitor<N> {
            type Value = Fixed<N>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{N} bytes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Fixed<N>, A::Error> {
                let mut out = [0u8; N];
                for (i, slot) in out.iter_mut().enumerate() {
                    *slot = seq
                        .next_element()?
                        .ok_or_else(|| de::Error::invalid_length(i, &self))?;
                }
                Ok(Fixed(out))
            }
        }
        deserializer.deserialize_tuple(N, FixedVisitor::<N>)
    }
}

impl Item<'_> for u8 {}
impl Item<'_> for u16 {}
impl Item<'_> for u32 {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_is_length_prefixed_in_bytes() {
        let items: [u32; 3] = [1, 300, 70000];
        let mut buf = [0u8; 16];
        let out = postcard::to_slice(&Seq::from_slice(&items), &mut buf).unwrap();
        assert_eq!(out, &[0x06, 0x01, 0xAC, 0x02, 0xF0, 0xA2, 0x04]);
        let back: Seq<'_, u32> = postcard::from_bytes(out).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(back.encoded(), Some(&out[1..]));
        assert!(back.iter().eq(items.iter().copied()));
        assert_eq!(back, Seq::from_slice(&items));
        let mut again = [0u8; 16];
        assert_eq!(postcard::to_slice(&back, &mut again).unwrap(), out);
    }

    #[test]
    fn seq_rejects_partial_elements() {
        // Byte length 2 but the varint inside never ends.
        assert!(postcard::from_bytes::<Seq<'_, u32>>(&[0x02, 0x80, 0x80]).is_err());
        // Byte length larger than the input.
        assert!(postcard::from_bytes::<Seq<'_, u32>>(&[0x05, 0x01]).is_err());
    }

    #[test]
    fn fixed_has_no_prefix() {
        let mut buf = [0u8; 8];
        let out = postcard::to_slice(&Fixed([1, 2, 3]), &mut buf).unwrap();
        assert_eq!(out, &[1, 2, 3]);
        assert_eq!(
            postcard::from_bytes::<Fixed<3>>(out).unwrap(),
            Fixed([1, 2, 3])
        );
        assert!(postcard::from_bytes::<Fixed<3>>(&[1, 2]).is_err());
    }

    #[test]
    fn bytes_borrow() {
        let mut buf = [0u8; 8];
        let out = postcard::to_slice(&Bytes(&[9, 8]), &mut buf).unwrap();
        assert_eq!(out, &[2, 9, 8]);
        let back: Bytes<'_> = postcard::from_bytes(out).unwrap();
        assert_eq!(back.0, &[9, 8]);
    }
}
