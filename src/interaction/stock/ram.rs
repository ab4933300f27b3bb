//! [`RamAttributes`]: a generic stock handler for capabilities whose
//! attributes are stored values.

use core::cell::Cell;

use crate::interaction::{Context, Handler};
use crate::message::{AttributeId, Status, Value};

/// One stored attribute value of a [`RamAttributes`] handler.
///
/// ```
/// use applink::interaction::stock::RamAttribute;
/// use applink::message::{AttributeId, Value};
///
/// let temperature = RamAttribute::new(AttributeId(0), Value::I16(2150));
/// // A new reading from the sensor: then `Dispatcher::attribute_changed`.
/// assert!(temperature.set(Value::I16(2175)));
/// assert_eq!(temperature.get(), Value::I16(2175));
/// ```
#[derive(Debug)]
pub struct RamAttribute {
    id: AttributeId,
    value: Cell<Value<'static>>,
}

impl RamAttribute {
    /// Attribute `id` holding `value`.
    pub const fn new(id: AttributeId, value: Value<'static>) -> Self {
        RamAttribute {
            id,
            value: Cell::new(value),
        }
    }

    /// The attribute's id.
    pub const fn id(&self) -> AttributeId {
        self.id
    }

    /// The value held.
    pub fn get(&self) -> Value<'static> {
        self.value.get()
    }

    /// Stores `value`; whether it differed from the value held.
    pub fn set(&self, value: Value<'static>) -> bool {
        self.value.replace(value) != value
    }
}

/// `value` without borrowed data, if it has none.
fn owned(value: &Value<'_>) -> Option<Value<'static>> {
    Some(match *value {
        Value::Null => Value::Null,
        Value::Bool(v) => Value::Bool(v),
        Value::U8(v) => Value::U8(v),
        Value::U16(v) => Value::U16(v),
        Value::U32(v) => Value::U32(v),
        Value::U64(v) => Value::U64(v),
        Value::I8(v) => Value::I8(v),
        Value::I16(v) => Value::I16(v),
        Value::I32(v) => Value::I32(v),
        Value::I64(v) => Value::I64(v),
        Value::F32(v) => Value::F32(v),
        Value::F64(v) => Value::F64(v),
        Value::Enum(v) => Value::Enum(v),
        Value::Bitmap(v) => Value::Bitmap(v),
        Value::Str(_) | Value::Bytes(_) | Value::List(_) | Value::Struct(_) => return None,
    })
}

/// A generic handler for a capability whose attributes are plain stored
/// values (a sensor's readings, a setting): reads serve the
/// [`RamAttribute`]s, writes store into them. It has no commands.
///
/// Values are scalars (numbers, booleans, enums, bitmaps, null); a
/// `'static` string can be served but a written string, byte string or
/// list cannot be stored and is answered `FAILURE`. An attribute of the
/// capability without a slot is answered `UNSUPPORTED_ATTRIBUTE`.
///
/// ```
/// use applink::catalog::measurement as m;
/// use applink::interaction::stock::{RamAttribute, RamAttributes};
/// use applink::message::Value;
///
/// // Behind `temperature_measurement::CAPABILITY`.
/// let values = [
///     RamAttribute::new(m::MEASURED_VALUE, Value::I16(2150)),
///     RamAttribute::new(m::MIN_MEASURED_VALUE, Value::I16(-4000)),
///     RamAttribute::new(m::MAX_MEASURED_VALUE, Value::I16(8500)),
/// ];
/// let handler = RamAttributes::new(&values);
/// assert_eq!(handler.get(m::MEASURED_VALUE), Some(Value::I16(2150)));
/// // A new reading: then `Dispatcher::attribute_changed`.
/// values[0].set(Value::I16(2175));
/// assert_eq!(handler.get(m::MEASURED_VALUE), Some(Value::I16(2175)));
/// ```
pub struct RamAttributes<'a> {
    attributes: &'a [RamAttribute],
    on_change: Option<&'a dyn Fn(AttributeId, Value<'static>)>,
}

impl<'a> RamAttributes<'a> {
    /// A handler over `attributes`.
    pub const fn new(attributes: &'a [RamAttribute]) -> Self {
        RamAttributes {
            attributes,
            on_change: None,
        }
    }

    /// Calls `f` with the attribute and its new value after a controller
    /// changed it.
    pub const fn on_change(mut self, f: &'a dyn Fn(AttributeId, Value<'static>)) -> Self {
        self.on_change = Some(f);
        self
    }

    /// The value of attribute `id`, if it has a slot.
    pub fn get(&self, id: AttributeId) -> Option<Value<'static>> {
        self.slot(id).map(RamAttribute::get)
    }

    fn slot(&self, id: AttributeId) -> Option<&'a RamAttribute> {
        self.attributes.iter().find(|a| a.id == id)
    }
}

impl Handler for RamAttributes<'_> {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        self.get(attribute).ok_or(Status::UNSUPPORTED_ATTRIBUTE)
    }

    fn write(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        cx: &mut Context,
    ) -> Result<(), Status> {
        let slot = self.slot(attribute).ok_or(Status::UNSUPPORTED_ATTRIBUTE)?;
        let value = owned(value).ok_or(Status::FAILURE)?;
        if slot.set(value) {
            cx.changed(attribute);
            if let Some(f) = self.on_change {
                f(attribute, value);
            }
        }
        Ok(())
    }
}
