//! [`Value`]: the typed data of attributes, command arguments and events.
//!
//! A value is a postcard enum: a varint variant index (the table below; it is
//! the wire contract and only ever grows at the end) followed by the content.
//!
//! | index | variant | content |
//! |---|---|---|
//! | 0 | `Null` | nothing |
//! | 1 | `Bool` | one byte, 0 or 1 |
//! | 2, 3, 4, 5 | `U8`, `U16`, `U32`, `U64` | `U8` one raw byte; the others a varint |
//! | 6, 7, 8, 9 | `I8`, `I16`, `I32`, `I64` | `I8` one raw byte; the others a zigzag varint |
//! | 10, 11 | `F32`, `F64` | IEEE 754, little-endian, 4 or 8 bytes |
//! | 12 | `Str` | varint byte length, UTF-8 |
//! | 13 | `Bytes` | varint byte length, bytes |
//! | 14 | `Enum` | varint (u16) |
//! | 15 | `Bitmap` | varint (u64) |
//! | 16 | `List` | a [`Seq`] of values |
//! | 17 | `Struct` | a [`Seq`] of [`Field`]s |
//!
//! Lists and structs nest at most [`MAX_DEPTH`] levels deep; a deeper value is
//! rejected when decoded, so checking a received value needs bounded stack.

use serde::{Deserialize, Serialize};

use super::data::{AttributeValue, Record};
use super::ids::{AttributeId, CapabilityId, EndpointId, FieldId};
use postcard::Error;

use super::seq::raw::{self, Cursor};
use super::seq::{Bytes, Item, Nested, Seq};

/// How deeply lists and structs may nest inside one value.
pub const MAX_DEPTH: usize = 4;

/// A typed value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Value<'a> {
    /// No value (for nullable attributes).
    Null,
    /// A boolean.
    Bool(bool),
    /// An unsigned 8-bit integer.
    U8(u8),
    /// An unsigned 16-bit integer.
    U16(u16),
    /// An unsigned 32-bit integer.
    U32(u32),
    /// An unsigned 64-bit integer.
    U64(u64),
    /// A signed 8-bit integer.
    I8(i8),
    /// A signed 16-bit integer.
    I16(i16),
    /// A signed 32-bit integer.
    I32(i32),
    /// A signed 64-bit integer.
    I64(i64),
    /// A single-precision float.
    F32(f32),
    /// A double-precision float.
    F64(f64),
    /// A UTF-8 string, borrowed from the frame.
    Str(&'a str),
    /// A byte string, borrowed from the frame.
    #[serde(borrow)]
    Bytes(Bytes<'a>),
    /// A member of an enumeration the descriptor defines.
    Enum(u16),
    /// A set of bits the descriptor names.
    Bitmap(u64),
    /// A list of values.
    #[serde(borrow)]
    List(Seq<'a, Value<'a>>),
    /// A structure: values tagged with field ids.
    #[serde(borrow)]
    Struct(Seq<'a, Field<'a>>),
}

/// One field of a structure, a command's arguments or an event.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Field<'a> {
    /// Which field.
    pub id: FieldId,
    /// Its value.
    #[serde(borrow)]
    pub value: Value<'a>,
}

impl<'a> Field<'a> {
    /// A field.
    pub const fn new(id: u16, value: Value<'a>) -> Self {
        Field {
            id: FieldId(id),
            value,
        }
    }
}

impl Value<'_> {
    /// The value as a signed 128-bit integer, for any integer, enum or bitmap
    /// variant.
    pub fn as_i128(&self) -> Option<i128> {
        Some(match *self {
            Value::U8(v) => v.into(),
            Value::U16(v) => v.into(),
            Value::U32(v) => v.into(),
            Value::U64(v) => v.into(),
            Value::I8(v) => v.into(),
            Value::I16(v) => v.into(),
            Value::I32(v) => v.into(),
            Value::I64(v) => v.into(),
            Value::Enum(v) => v.into(),
            Value::Bitmap(v) => v.into(),
            _ => return None,
        })
    }

    /// The value as a float, for the float variants.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::F32(v) => Some(v.into()),
            Value::F64(v) => Some(v),
            _ => None,
        }
    }

    /// Whether this is [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Lists and structs are logged by their length, not their contents: a
/// recursive `Format` would make `defmt` code size (and compile time)
/// unbounded.
#[cfg(feature = "defmt")]
impl defmt::Format for Value<'_> {
    fn format(&self, f: defmt::Formatter) {
        match *self {
            Value::Null => defmt::write!(f, "Null"),
            Value::Bool(v) => defmt::write!(f, "Bool({})", v),
            Value::U8(v) => defmt::write!(f, "U8({})", v),
            Value::U16(v) => defmt::write!(f, "U16({})", v),
            Value::U32(v) => defmt::write!(f, "U32({})", v),
            Value::U64(v) => defmt::write!(f, "U64({})", v),
            Value::I8(v) => defmt::write!(f, "I8({})", v),
            Value::I16(v) => defmt::write!(f, "I16({})", v),
            Value::I32(v) => defmt::write!(f, "I32({})", v),
            Value::I64(v) => defmt::write!(f, "I64({})", v),
            Value::F32(v) => defmt::write!(f, "F32({})", v),
            Value::F64(v) => defmt::write!(f, "F64({})", v),
            Value::Str(v) => defmt::write!(f, "Str({=str})", v),
            Value::Bytes(v) => defmt::write!(f, "{}", v),
            Value::Enum(v) => defmt::write!(f, "Enum({})", v),
            Value::Bitmap(v) => defmt::write!(f, "Bitmap({=u64:#x})", v),
            Value::List(ref items) => defmt::write!(f, "List(len {})", items.len()),
            Value::Struct(ref fields) => defmt::write!(f, "Struct(len {})", fields.len()),
        }
    }
}

/// Decodes the value at the start of `bytes` by hand, exactly as its serde
/// derive does (the differential tests hold the two together), but without
/// serde's generic machinery: values are the hot path of every report.
/// Nested lists and structs are checked per `nested`, bounded by
/// [`MAX_DEPTH`] from a list at depth 1.
///
/// Inlined into its callers on hosts: a value returned through memory and
/// then copied into the caller's element stalls on the copy (the stores and
/// the load differ in width), which cost more than decoding it.
#[cfg_attr(feature = "std", inline(always))]
fn take_value<'a>(bytes: Cursor<'_, 'a>, nested: Nested) -> Result<Value<'a>, Error> {
    Ok(match raw::u32(bytes)? {
        0 => Value::Null,
        1 => match raw::byte(bytes)? {
            0 => Value::Bool(false),
            1 => Value::Bool(true),
            _ => return Err(Error::DeserializeBadBool),
        },
        2 => Value::U8(raw::byte(bytes)?),
        3 => Value::U16(raw::u16(bytes)?),
        4 => Value::U32(raw::u32(bytes)?),
        5 => Value::U64(raw::u64(bytes)?),
        6 => Value::I8(raw::byte(bytes)? as i8),
        7 => Value::I16(raw::unzigzag(raw::u16(bytes)?.into()) as i16),
        8 => Value::I32(raw::unzigzag(raw::u32(bytes)?.into()) as i32),
        9 => Value::I64(raw::unzigzag(raw::u64(bytes)?)),
        10 => Value::F32(f32::from_le_bytes(raw::array(bytes)?)),
        11 => Value::F64(f64::from_le_bytes(raw::array(bytes)?)),
        12 => Value::Str(
            core::str::from_utf8(raw::bytes(bytes)?).map_err(|_| Error::DeserializeBadUtf8)?,
        ),
        13 => Value::Bytes(Bytes(raw::bytes(bytes)?)),
        14 => Value::Enum(raw::u16(bytes)?),
        15 => Value::Bitmap(raw::u64(bytes)?),
        16 => {
            let inner = raw::bytes(bytes)?;
            Value::List(match nested {
                Nested::Check => Seq::checked(inner, check_values(inner, 1)?),
                Nested::Checked => Seq::nested(inner),
            })
        }
        17 => {
            let inner = raw::bytes(bytes)?;
            Value::Struct(match nested {
                Nested::Check => Seq::checked(inner, check_fields(inner, 1)?),
                Nested::Checked => Seq::nested(inner),
            })
        }
        _ => return Err(Error::DeserializeBadEnum),
    })
}

/// Checks the nested content of a value at `depth`, whose own lists were
/// captured unchecked.
fn check_nested(value: &Value<'_>, depth: usize) -> Result<(), Error> {
    match value {
        Value::List(items) => check_values(items.encoded().unwrap_or(&[]), depth + 1).map(drop),
        Value::Struct(fields) => check_fields(fields.encoded().unwrap_or(&[]), depth + 1).map(drop),
        _ => Ok(()),
    }
}

/// Checks a list of values at `depth`, returning how many there are.
fn check_values(bytes: &[u8], depth: usize) -> Result<usize, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::DeserializeBadEncoding);
    }
    let (mut rest, mut count) = (bytes, 0);
    while !rest.is_empty() {
        // Captured unchecked, then checked here with the depth in hand.
        let value = take_value(&mut rest, Nested::Checked)?;
        check_nested(&value, depth)?;
        count += 1;
    }
    Ok(count)
}

/// Checks a list of fields at `depth`, returning how many there are.
fn check_fields(bytes: &[u8], depth: usize) -> Result<usize, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::DeserializeBadEncoding);
    }
    let (mut rest, mut count) = (bytes, 0);
    while !rest.is_empty() {
        raw::u16(&mut rest)?;
        let value = take_value(&mut rest, Nested::Checked)?;
        check_nested(&value, depth)?;
        count += 1;
    }
    Ok(count)
}

impl<'a> Item<'a> for Value<'a> {
    #[cfg_attr(feature = "std", inline(always))]
    fn take(bytes: Cursor<'_, 'a>, nested: Nested) -> Result<Self, Error> {
        take_value(bytes, nested)
    }

    fn validate(bytes: &'a [u8]) -> Result<usize, Error> {
        check_values(bytes, 1)
    }
}

impl<'a> Item<'a> for Field<'a> {
    #[cfg_attr(feature = "std", inline(always))]
    fn take(bytes: Cursor<'_, 'a>, nested: Nested) -> Result<Self, Error> {
        let id = FieldId(raw::u16(bytes)?);
        Ok(Field {
            id,
            value: take_value(bytes, nested)?,
        })
    }

    fn validate(bytes: &'a [u8]) -> Result<usize, Error> {
        check_fields(bytes, 1)
    }
}

impl<'a> Item<'a> for AttributeValue<'a> {
    #[cfg_attr(feature = "std", inline(always))]
    fn take(bytes: Cursor<'_, 'a>, nested: Nested) -> Result<Self, Error> {
        let attribute = AttributeId(raw::u16(bytes)?);
        Ok(AttributeValue {
            attribute,
            value: take_value(bytes, nested)?,
        })
    }
}

/// A record's fields in declaration order; its serde derive is the
/// reference the differential tests compare this with.
impl<'a> Item<'a> for Record<'a> {
    #[cfg_attr(feature = "std", inline(always))]
    fn take(bytes: Cursor<'_, 'a>, nested: Nested) -> Result<Self, Error> {
        let endpoint = EndpointId(raw::u16(bytes)?);
        let capability = CapabilityId(raw::u32(bytes)?);
        let data_version = raw::u32(bytes)?;
        let inner = raw::bytes(bytes)?;
        let values = match nested {
            Nested::Check => Seq::checked(inner, AttributeValue::validate(inner)?),
            Nested::Checked => Seq::nested(inner),
        };
        Ok(Record {
            endpoint,
            capability,
            data_version,
            values,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(v: &Value<'_>, expect: &[u8]) {
        let mut buf = [0u8; 64];
        let out = postcard::to_slice(v, &mut buf).unwrap();
        assert_eq!(out, expect, "{v:?}");
        let back: Value<'_> = postcard::from_bytes(out).unwrap();
        assert_eq!(&back, v);
    }

    #[test]
    fn golden_scalars() {
        round_trip(&Value::Null, &[0]);
        round_trip(&Value::Bool(true), &[1, 1]);
        round_trip(&Value::U8(200), &[2, 200]);
        round_trip(&Value::U16(300), &[3, 0xAC, 0x02]);
        round_trip(&Value::I16(-2), &[7, 3]);
        round_trip(&Value::F32(1.5), &[10, 0, 0, 0xC0, 0x3F]);
        round_trip(&Value::Str("hi"), &[12, 2, b'h', b'i']);
        round_trip(&Value::Bytes(Bytes(&[0xAB])), &[13, 1, 0xAB]);
        round_trip(&Value::Enum(3), &[14, 3]);
        round_trip(&Value::Bitmap(0x81), &[15, 0x81, 0x01]);
    }

    #[test]
    fn golden_nested() {
        let fields = [
            Field::new(1, Value::U8(7)),
            Field::new(2, Value::Bool(false)),
        ];
        let items = [Value::Struct(Seq::from_slice(&fields)), Value::Null];
        round_trip(
            &Value::List(Seq::from_slice(&items)),
            &[16, 9, 17, 6, 1, 2, 7, 2, 1, 0, 0],
        );
    }

    #[test]
    fn depth_is_bounded() {
        // MAX_DEPTH nested lists are fine; one more is rejected.
        let mut ok = [0u8; 16];
        let mut deep = [0u8; 16];
        for (buf, levels) in [(&mut ok, MAX_DEPTH), (&mut deep, MAX_DEPTH + 1)] {
            // Each level: tag 16, byte length of the rest.
            for level in 0..levels {
                buf[2 * level] = 16;
                buf[2 * level + 1] = (2 * (levels - level - 1) + 1) as u8;
            }
            buf[2 * levels] = 0; // innermost: Null
        }
        assert!(postcard::from_bytes::<Value<'_>>(&ok[..2 * MAX_DEPTH + 1]).is_ok());
        assert!(postcard::from_bytes::<Value<'_>>(&deep[..2 * MAX_DEPTH + 3]).is_err());
    }

    #[test]
    fn bad_inner_values_are_rejected_at_decode() {
        // A list holding a string with invalid UTF-8.
        assert!(postcard::from_bytes::<Value<'_>>(&[16, 3, 12, 1, 0xFF]).is_err());
        // A struct whose field value is cut short.
        assert!(postcard::from_bytes::<Value<'_>>(&[17, 2, 1, 3]).is_err());
        // Unknown value tag.
        assert!(postcard::from_bytes::<Value<'_>>(&[18]).is_err());
    }

    /// The hand-written decoders accept exactly what the serde derives
    /// accept, with the same results, on arbitrary bytes.
    mod differential {
        use super::*;
        use proptest::prelude::*;
        use std::vec::Vec;

        fn tagged() -> impl Strategy<Value = Vec<u8>> {
            // A plausible tag first, so most inputs reach a variant's body.
            (0u8..20, proptest::collection::vec(any::<u8>(), 0..40)).prop_map(|(tag, mut rest)| {
                rest.insert(0, tag);
                rest
            })
        }

        fn agree<'a, T: Item<'a> + PartialEq + core::fmt::Debug>(bytes: &'a [u8]) {
            let reference = postcard::take_from_bytes::<T>(bytes).ok();
            let mut rest = bytes;
            let ours = T::take(&mut rest, Nested::Check).ok().map(|v| (v, rest));
            assert_eq!(ours, reference, "{bytes:02x?}");
            if let Some((value, tail)) = reference {
                // The same bytes taken as already checked give the same value.
                let mut rest = bytes;
                assert_eq!(T::take(&mut rest, Nested::Checked).ok(), Some(value));
                assert_eq!(rest, tail);
            }
        }

        proptest! {
            #[test]
            fn value(bytes in tagged()) {
                agree::<Value<'_>>(&bytes);
            }

            #[test]
            fn field_attribute_and_record(bytes in proptest::collection::vec(any::<u8>(), 0..48)) {
                agree::<Field<'_>>(&bytes);
                agree::<AttributeValue<'_>>(&bytes);
                agree::<Record<'_>>(&bytes);
            }
        }

        #[test]
        fn varint_limits() {
            // u16: three bytes at most, the last at most 0b11.
            agree::<Value<'_>>(&[3, 0xFF, 0xFF, 0x03]);
            agree::<Value<'_>>(&[3, 0xFF, 0xFF, 0x04]);
            agree::<Value<'_>>(&[3, 0x80, 0x80, 0x80, 0x00]);
            // Longer than needed but within the width: accepted.
            agree::<Value<'_>>(&[3, 0x81, 0x00]);
            // u64: ten bytes, the last at most 1.
            let mut max = [0xFFu8; 11];
            max[0] = 5;
            max[10] = 1;
            agree::<Value<'_>>(&max);
            max[10] = 2;
            agree::<Value<'_>>(&max);
            // Signed, floats, strings cut short.
            agree::<Value<'_>>(&[
                9, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
            ]);
            agree::<Value<'_>>(&[11, 1, 2, 3]);
            agree::<Value<'_>>(&[12, 5, b'a']);
        }
    }
}
