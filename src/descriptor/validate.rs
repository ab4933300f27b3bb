//! The one validator both sides use: types, ranges, steps, enumeration
//! membership, lengths, nullability and access rights, plus the
//! well-formedness rules of a descriptor itself.
//!
//! Every function here is pure: it reads a descriptor entry and a value and
//! answers with a [`DescriptorError`](super::DescriptorError), which maps to the [`Status`] the
//! appliance sends ([`DescriptorError::status`](super::DescriptorError::status)).
//!
//! [`Status`]: crate::message::Status

use crate::message::{Field, Seq, Value};

use super::compact::{CapabilityEntry, Compact, Expanded};
use super::types::{
    Attribute, Capability, Command, Device, DeviceInfo, Elem, Endpoint, FieldDesc, IntType,
    MAX_NAME, Named, Type, Width,
};
use super::{DescriptorError as E, Privilege};

/// Checks `value` against a type, allowing `Null` only when `nullable`.
pub fn check_value(ty: &Type<'_>, nullable: bool, value: &Value<'_>) -> Result<(), E> {
    if value.is_null() {
        return if nullable {
            Ok(())
        } else {
            Err(E::NotNullable)
        };
    }
    match (ty, value) {
        (Type::Bool, Value::Bool(_)) => Ok(()),
        (Type::Int(t), v) => check_int(t, v),
        (Type::Float { min, max, .. }, v) => match v.as_f64() {
            Some(f) if !f.is_finite() => Err(E::OutOfRange),
            Some(f) if f < f64::from(*min) || f > f64::from(*max) => Err(E::OutOfRange),
            Some(_) => Ok(()),
            None => Err(E::WrongType),
        },
        (Type::Enum { values }, Value::Enum(v)) => {
            if values.iter().any(|n| n.value == *v) {
                Ok(())
            } else {
                Err(E::NotAMember)
            }
        }
        (Type::Bitmap { bits }, Value::Bitmap(b)) => {
            if b & !bit_mask(bits) == 0 {
                Ok(())
            } else {
                Err(E::NotAMember)
            }
        }
        (Type::Str { max_len }, Value::Str(s)) => check_len(s.len(), *max_len),
        (Type::Bytes { max_len }, Value::Bytes(b)) => check_len(b.0.len(), *max_len),
        (Type::List { item, max_items }, Value::List(items)) => {
            check_len(items.len(), *max_items)?;
            items.iter().try_for_each(|v| check_elem(item, &v))
        }
        _ => Err(E::WrongType),
    }
}

fn check_len(len: usize, max: u16) -> Result<(), E> {
    if len <= usize::from(max) {
        Ok(())
    } else {
        Err(E::TooLong)
    }
}

fn bit_mask(bits: &Seq<'_, Named<'_>>) -> u64 {
    bits.iter()
        .filter(|n| n.value < 64)
        .fold(0, |m, n| m | 1u64 << n.value)
}

/// The raw integer if `value` is the variant `width` names.
pub fn int_of(width: Width, value: &Value<'_>) -> Option<i128> {
    let matches = matches!(
        (width, value),
        (Width::U8, Value::U8(_))
            | (Width::U16, Value::U16(_))
            | (Width::U32, Value::U32(_))
            | (Width::U64, Value::U64(_))
            | (Width::I8, Value::I8(_))
            | (Width::I16, Value::I16(_))
            | (Width::I32, Value::I32(_))
            | (Width::I64, Value::I64(_))
    );
    if matches { value.as_i128() } else { None }
}

fn check_int(t: &IntType, value: &Value<'_>) -> Result<(), E> {
    let v = int_of(t.width, value).ok_or(E::WrongType)?;
    let (min, max) = (i128::from(t.min), i128::from(t.max));
    if v < min || v > max {
        return Err(E::OutOfRange);
    }
    // In range, so `v - min` fits a u64 and the step check needs no i128
    // division (which costs flash on a microcontroller).
    if t.step > 1 && !((v - min) as u64).is_multiple_of(u64::from(t.step)) {
        return Err(E::NotOnStep);
    }
    Ok(())
}

fn check_elem(elem: &Elem, value: &Value<'_>) -> Result<(), E> {
    match (elem, value) {
        (Elem::Bool, Value::Bool(_)) => Ok(()),
        (Elem::Int { width, min, max }, v) => check_int(&IntType::new(*width, *min, *max), v),
        (Elem::Enum { max }, Value::Enum(v)) if v <= max => Ok(()),
        (Elem::Enum { .. }, Value::Enum(_)) => Err(E::NotAMember),
        (Elem::Str { max_len }, Value::Str(s)) => check_len(s.len(), *max_len),
        _ => Err(E::WrongType),
    }
}

/// Checks a list of fields against their descriptions: every field known
/// and present once, every required field present, every value valid.
pub fn check_fields(descs: &Seq<'_, FieldDesc<'_>>, fields: &Seq<'_, Field<'_>>) -> Result<(), E> {
    for (i, field) in fields.iter().enumerate() {
        let desc = descs
            .iter()
            .find(|d| d.id == field.id)
            .ok_or(E::UnknownField)?;
        if fields.iter().skip(i + 1).any(|f| f.id == field.id) {
            return Err(E::DuplicateField);
        }
        check_value(&desc.ty, desc.nullable, &field.value)?;
    }
    for desc in descs.iter().filter(|d| !d.optional) {
        if !fields.iter().any(|f| f.id == desc.id) {
            return Err(E::MissingField);
        }
    }
    Ok(())
}

/// Whether `privilege` may read `attribute`.
pub fn check_read(attribute: &Attribute<'_>, privilege: Privilege) -> Result<(), E> {
    if privilege == Privilege::Unauthenticated {
        return Err(E::NeedsPairing);
    }
    if !attribute.access.contains(super::Access::READ) {
        return Err(E::NotReadable);
    }
    Ok(())
}

/// Whether `privilege` may write `value` to `attribute`.
pub fn check_write(
    attribute: &Attribute<'_>,
    privilege: Privilege,
    value: &Value<'_>,
) -> Result<(), E> {
    if privilege == Privilege::Unauthenticated {
        return Err(E::NeedsPairing);
    }
    if !attribute.access.contains(super::Access::WRITE) {
        return Err(E::NotWritable);
    }
    if attribute.access.contains(super::Access::ADMIN) && privilege < Privilege::Admin {
        return Err(E::NeedsAdmin);
    }
    check_value(&attribute.ty, attribute.nullable, value)
}

/// Whether `privilege` may invoke `command` with `args`, timed or not.
pub fn check_invoke(
    command: &Command<'_>,
    privilege: Privilege,
    timed_ms: Option<u16>,
    args: &Seq<'_, Field<'_>>,
) -> Result<(), E> {
    if privilege == Privilege::Unauthenticated {
        return Err(E::NeedsPairing);
    }
    if command.admin && privilege < Privilege::Admin {
        return Err(E::NeedsAdmin);
    }
    if command.timed && timed_ms.unwrap_or(0) == 0 {
        return Err(E::NeedsTimedInvoke);
    }
    check_fields(&command.params, args)
}

// ---- well-formedness of a descriptor ----

fn invalid(what: &'static str) -> E {
    E::Invalid { what }
}

fn check_name(name: &str) -> Result<(), E> {
    if name.len() > MAX_NAME {
        return Err(invalid("name longer than 64 bytes"));
    }
    Ok(())
}

/// Checks ids strictly increase along an iterator.
fn increasing<T: PartialOrd>(
    mut ids: impl Iterator<Item = T>,
    what: &'static str,
) -> Result<(), E> {
    let Some(mut prev) = ids.next() else {
        return Ok(());
    };
    for id in ids {
        if id <= prev {
            return Err(invalid(what));
        }
        prev = id;
    }
    Ok(())
}

fn width_range(width: Width) -> (i128, i128) {
    match width {
        Width::U8 => (0, u8::MAX.into()),
        Width::U16 => (0, u16::MAX.into()),
        Width::U32 => (0, u32::MAX.into()),
        Width::U64 => (0, u64::MAX.into()),
        Width::I8 => (i8::MIN.into(), i8::MAX.into()),
        Width::I16 => (i16::MIN.into(), i16::MAX.into()),
        Width::I32 => (i32::MIN.into(), i32::MAX.into()),
        Width::I64 => (i64::MIN.into(), i64::MAX.into()),
    }
}

fn check_int_type(width: Width, min: i64, max: i64) -> Result<(), E> {
    let (lo, hi) = width_range(width);
    if min > max || i128::from(min) < lo || i128::from(max) > hi {
        return Err(invalid("integer range empty or outside its width"));
    }
    Ok(())
}

/// Checks one type's constraints are coherent.
pub fn check_type(ty: &Type<'_>) -> Result<(), E> {
    match ty {
        Type::Int(t) => check_int_type(t.width, t.min, t.max),
        Type::Float { min, max, .. } => {
            if min.is_finite() && max.is_finite() && min <= max {
                Ok(())
            } else {
                Err(invalid("float range empty or not finite"))
            }
        }
        Type::Enum { values } => {
            if values.is_empty() {
                return Err(invalid("enumeration without members"));
            }
            values.iter().try_for_each(|n| check_name(n.name))?;
            increasing(
                values.iter().map(|n| n.value),
                "enumeration members not increasing",
            )
        }
        Type::Bitmap { bits } => {
            if bits.iter().any(|n| n.value >= 64) {
                return Err(invalid("bit position beyond 63"));
            }
            bits.iter().try_for_each(|n| check_name(n.name))?;
            increasing(bits.iter().map(|n| n.value), "bits not increasing")
        }
        Type::List {
            item: Elem::Int { width, min, max },
            ..
        } => check_int_type(*width, *min, *max),
        Type::Bool | Type::Str { .. } | Type::Bytes { .. } | Type::List { .. } => Ok(()),
    }
}

fn check_field_descs(fields: &Seq<'_, FieldDesc<'_>>) -> Result<(), E> {
    increasing(fields.iter().map(|f| f.id), "field ids not increasing")?;
    fields.iter().try_for_each(|f| {
        check_name(f.name)?;
        check_type(&f.ty)
    })
}

/// Checks one capability entry.
pub fn check_capability(cap: &Capability<'_>) -> Result<(), E> {
    if cap.id.0 == 0 {
        return Err(invalid("capability id 0"));
    }
    check_name(cap.name)?;
    increasing(
        cap.attributes.iter().map(|a| a.id),
        "attribute ids not increasing",
    )?;
    increasing(
        cap.commands.iter().map(|c| c.id),
        "command ids not increasing",
    )?;
    increasing(cap.events.iter().map(|e| e.id), "event ids not increasing")?;
    for a in cap.attributes.iter() {
        check_name(a.name)?;
        check_type(&a.ty)?;
    }
    for c in cap.commands.iter() {
        check_name(c.name)?;
        check_field_descs(&c.params)?;
        check_field_descs(&c.response)?;
    }
    for e in cap.events.iter() {
        check_name(e.name)?;
        check_field_descs(&e.fields)?;
    }
    Ok(())
}

fn check_info(info: &DeviceInfo) -> Result<(), E> {
    if info.min_protocol > info.max_protocol {
        return Err(invalid("protocol version range empty"));
    }
    Ok(())
}

fn check_endpoint_ids(ids: impl Iterator<Item = crate::message::EndpointId>) -> Result<(), E> {
    let mut reserved = false;
    increasing(
        ids.inspect(|id| reserved |= id.0 == 0xFFFF),
        "endpoint ids not increasing",
    )?;
    if reserved {
        return Err(invalid("reserved endpoint id"));
    }
    Ok(())
}

/// Checks an expanded descriptor: names within [`MAX_NAME`], every id list
/// strictly increasing, every type coherent.
pub fn check_device(device: &Device<'_>) -> Result<(), E> {
    check_info(&device.info)?;
    check_endpoint_ids(device.endpoints.iter().map(|e| e.id))?;
    device.endpoints.iter().try_for_each(|ep: Endpoint<'_>| {
        increasing(
            ep.capabilities.iter().map(|c| c.id),
            "capability ids not increasing",
        )?;
        ep.capabilities
            .iter()
            .try_for_each(|c| check_capability(&c))
    })
}

/// Checks a descriptor as it travels (section 2.2 of
/// `spec/INTERACTION.md`): the rules of [`check_device`], a standard id on
/// every catalog reference and a vendor id on every capability in full.
/// Whether a reference names a known catalog entry, and only optional
/// elements of it, is checked when it is expanded ([`check_reference`]).
pub fn check_compact(device: &Compact<'_>) -> Result<(), E> {
    check_info(&device.info)?;
    check_endpoint_ids(device.endpoints.iter().map(|e| e.id))?;
    for ep in device.endpoints.iter() {
        increasing(
            ep.capabilities.iter().map(|c| c.id()),
            "capability ids not increasing",
        )?;
        for entry in ep.capabilities.iter() {
            match entry {
                CapabilityEntry::Standard(r) if !r.id.is_standard() => {
                    return Err(invalid("catalog reference to a vendor id"));
                }
                CapabilityEntry::Vendor(c) if c.id.is_standard() || c.id.0 == 0 => {
                    return Err(invalid("standard capability sent in full"));
                }
                CapabilityEntry::Vendor(c) => check_capability(&c)?,
                CapabilityEntry::Standard(_) => {}
            }
        }
    }
    Ok(())
}

/// Checks an instance of a catalog entry: only the entry's optional
/// elements are named present.
pub fn check_reference(instance: &Expanded<'_, '_>) -> Result<(), E> {
    instance.check()
}
