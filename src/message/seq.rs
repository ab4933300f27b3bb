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
//! decode its elements lazily. Every element is checked when the list is
//! decoded, so iterating a received list cannot fail.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeTuple, Serializer};

/// An element type of a [`Seq`]: how a received list of it is checked.
pub trait Item<'a>: Sized + Clone + Serialize + Deserialize<'a> {
    /// Checks that `bytes` is a concatenation of whole, valid elements and
    /// returns how many there are.
    fn validate(bytes: &'a [u8]) -> Result<usize, postcard::Error> {
        let mut rest = bytes;
        let mut count = 0;
        while !rest.is_empty() {
            let (_, tail) = postcard::take_from_bytes::<Self>(rest)?;
            if tail.len() >= rest.len() {
                return Err(postcard::Error::DeserializeBadEncoding);
            }
            rest = tail;
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
    Encoded { bytes: &'a [u8], len: usize },
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

    /// Number of elements.
    pub fn len(&self) -> usize {
        match self.repr {
            Repr::Slice(items) => items.len(),
            Repr::Encoded { len, .. } => len,
        }
    }

    /// Whether the list has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The received encoding of the elements, if this list was decoded.
    pub fn encoded(&self) -> Option<&'a [u8]> {
        match self.repr {
            Repr::Slice(_) => None,
            Repr::Encoded { bytes, .. } => Some(bytes),
        }
    }
}

impl<'a, T: Item<'a>> Seq<'a, T> {
    /// The elements, in order.
    pub fn iter(&self) -> SeqIter<'a, T> {
        match self.repr {
            Repr::Slice(items) => SeqIter::Slice(items.iter()),
            Repr::Encoded { bytes, .. } => SeqIter::Encoded(bytes, PhantomData),
        }
    }

    /// Checks an encoding and wraps it, as a received list.
    pub fn from_encoded(bytes: &'a [u8]) -> Result<Self, postcard::Error> {
        let len = T::validate(bytes)?;
        Ok(Seq {
            repr: Repr::Encoded { bytes, len },
        })
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
pub enum SeqIter<'a, T> {
    /// Over a slice.
    Slice(core::slice::Iter<'a, T>),
    /// Over a checked encoding.
    Encoded(&'a [u8], PhantomData<T>),
}

impl<'a, T: Item<'a>> Iterator for SeqIter<'a, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        match self {
            SeqIter::Slice(it) => it.next().cloned(),
            SeqIter::Encoded(rest, _) => {
                if rest.is_empty() {
                    return None;
                }
                match postcard::take_from_bytes::<T>(rest) {
                    Ok((item, tail)) => {
                        *rest = tail;
                        Some(item)
                    }
                    // Unreachable for a list that passed `validate`; a list
                    // built from unchecked bytes simply ends here.
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
        self.len() == other.len() && self.iter().eq(other.iter())
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
            Repr::Encoded { bytes, .. } => serializer.serialize_bytes(bytes),
            Repr::Slice(items) => {
                let mut total = 0usize;
                for item in items {
                    total += postcard::experimental::serialized_size(item)
                        .map_err(serde::ser::Error::custom)?;
                }
                let mut out = serializer.serialize_tuple(items.len() + 1)?;
                out.serialize_element(&total)?;
                for item in items {
                    out.serialize_element(item)?;
                }
                out.end()
            }
        }
    }
}

impl<'de: 'a, 'a, T: Item<'a>> Deserialize<'de> for Seq<'a, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes: &'a [u8] = <&'de [u8]>::deserialize(deserializer)?;
        Seq::from_encoded(bytes).map_err(de::Error::custom)
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
