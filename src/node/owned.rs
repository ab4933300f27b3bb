//! Owned forms of received data, for phone apps: a reply or a report
//! outlives the frame it came in.

use alloc::string::String;
use alloc::vec::Vec;

use crate::message::{
    AttributeId, CapabilityId, EndpointId, Event, EventId, Field, FieldId, Priority, Record,
    Status, Value,
};

/// An owned [`Value`].
#[derive(Debug, Clone, PartialEq)]
pub enum OwnedValue {
    /// No value.
    Null,
    /// A boolean.
    Bool(bool),
    /// Any unsigned integer variant.
    Unsigned(u64),
    /// Any signed integer variant.
    Signed(i64),
    /// Either float variant.
    Float(f64),
    /// A string.
    Str(String),
    /// A byte string.
    Bytes(Vec<u8>),
    /// An enumeration member.
    Enum(u16),
    /// A bitmap.
    Bitmap(u64),
    /// A list.
    List(Vec<OwnedValue>),
    /// A structure.
    Struct(Vec<(FieldId, OwnedValue)>),
}

impl OwnedValue {
    /// The value as a bool, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            OwnedValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The value as an unsigned integer (unsigned, enum, bitmap or a
    /// non-negative signed value).
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            OwnedValue::Unsigned(v) | OwnedValue::Bitmap(v) => Some(v),
            OwnedValue::Enum(v) => Some(v.into()),
            OwnedValue::Signed(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }

    /// The value as a string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            OwnedValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a signed integer, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            OwnedValue::Signed(v) => Some(v),
            OwnedValue::Unsigned(v) | OwnedValue::Bitmap(v) => i64::try_from(v).ok(),
            OwnedValue::Enum(v) => Some(v.into()),
            _ => None,
        }
    }
}

impl From<&Value<'_>> for OwnedValue {
    fn from(v: &Value<'_>) -> Self {
        match *v {
            Value::Null => OwnedValue::Null,
            Value::Bool(b) => OwnedValue::Bool(b),
            Value::U8(x) => OwnedValue::Unsigned(x.into()),
            Value::U16(x) => OwnedValue::Unsigned(x.into()),
            Value::U32(x) => OwnedValue::Unsigned(x.into()),
            Value::U64(x) => OwnedValue::Unsigned(x),
            Value::I8(x) => OwnedValue::Signed(x.into()),
            Value::I16(x) => OwnedValue::Signed(x.into()),
            Value::I32(x) => OwnedValue::Signed(x.into()),
            Value::I64(x) => OwnedValue::Signed(x),
            Value::F32(x) => OwnedValue::Float(x.into()),
            Value::F64(x) => OwnedValue::Float(x),
            Value::Str(s) => OwnedValue::Str(s.into()),
            Value::Bytes(b) => OwnedValue::Bytes(b.0.to_vec()),
            Value::Enum(x) => OwnedValue::Enum(x),
            Value::Bitmap(x) => OwnedValue::Bitmap(x),
            Value::List(items) => OwnedValue::List(items.iter().map(|v| (&v).into()).collect()),
            Value::Struct(fields) => OwnedValue::Struct(fields_of(fields.iter())),
        }
    }
}

/// Owned fields.
pub(crate) fn fields_of<'a>(fields: impl Iterator<Item = Field<'a>>) -> Vec<(FieldId, OwnedValue)> {
    fields.map(|f| (f.id, (&f.value).into())).collect()
}

/// The values of one capability instance, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedRecord {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The capability.
    pub capability: CapabilityId,
    /// Its data version after these values.
    pub data_version: u32,
    /// The values.
    pub values: Vec<(AttributeId, OwnedValue)>,
}

impl OwnedRecord {
    /// The value of `attribute`, if present.
    pub fn get(&self, attribute: AttributeId) -> Option<&OwnedValue> {
        self.values
            .iter()
            .find(|(a, _)| *a == attribute)
            .map(|(_, v)| v)
    }
}

impl From<&Record<'_>> for OwnedRecord {
    fn from(r: &Record<'_>) -> Self {
        OwnedRecord {
            endpoint: r.endpoint,
            capability: r.capability,
            data_version: r.data_version,
            values: r
                .values
                .iter()
                .map(|av| (av.attribute, (&av.value).into()))
                .collect(),
        }
    }
}

/// An event, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedEvent {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The capability.
    pub capability: CapabilityId,
    /// The event.
    pub event: EventId,
    /// The appliance-wide sequence number.
    pub sequence: u64,
    /// How much it matters.
    pub priority: Priority,
    /// When, if the appliance knows.
    pub timestamp_ms: Option<u64>,
    /// Its fields.
    pub fields: Vec<(FieldId, OwnedValue)>,
}

impl From<&Event<'_>> for OwnedEvent {
    fn from(e: &Event<'_>) -> Self {
        OwnedEvent {
            endpoint: e.endpoint,
            capability: e.capability,
            event: e.event,
            sequence: e.sequence,
            priority: e.priority,
            timestamp_ms: e.timestamp_ms,
            fields: fields_of(e.fields.iter()),
        }
    }
}

/// A command's outcome, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoked {
    /// The command's status.
    pub status: Status,
    /// Its response fields.
    pub fields: Vec<(FieldId, OwnedValue)>,
}

/// What became of one item of a batch, owned.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemOutcome {
    /// The write succeeded: the instance's new data version.
    Written {
        /// The new data version.
        data_version: u32,
    },
    /// The command ran (successfully unless `status` says otherwise).
    Invoked(Invoked),
    /// The item was refused, or its write failed, with this status.
    Failed(Status),
    /// Not run: an earlier item failed and the batch stops on failure.
    NotRun,
}

impl ItemOutcome {
    /// Whether the item succeeded (a write done, a command that answered
    /// success).
    pub fn is_success(&self) -> bool {
        match self {
            ItemOutcome::Written { .. } => true,
            ItemOutcome::Invoked(i) => i.status.is_success(),
            ItemOutcome::Failed(_) | ItemOutcome::NotRun => false,
        }
    }
}

impl From<&crate::message::BatchResult<'_>> for ItemOutcome {
    fn from(r: &crate::message::BatchResult<'_>) -> Self {
        use crate::message::BatchResult;
        match r {
            BatchResult::Written(w) => ItemOutcome::Written {
                data_version: w.data_version,
            },
            BatchResult::Invoked(i) => ItemOutcome::Invoked(Invoked {
                status: i.status,
                fields: fields_of(i.fields.iter()),
            }),
            BatchResult::Failed(status) => ItemOutcome::Failed(*status),
            BatchResult::NotRun => ItemOutcome::NotRun,
        }
    }
}
