//! The descriptor's types. Every list is a [`Seq`], so one set of types
//! serves a `const` descriptor in flash (built with [`Seq::from_slice`]), its
//! encoding (no allocator), and a received descriptor walked in place
//! (borrowed, lazily decoded, checked once).
//!
//! The declaration order of every struct field and enum variant below is the
//! wire contract (see `spec/INTERACTION.md`, "Descriptor encoding").

use serde::{Deserialize, Serialize};

use crate::message::{
    AttributeId, CapabilityId, CommandId, EndpointId, EventId, FieldId, Item, Priority, Seq,
    VendorId,
};

/// What a device is: identity, versions and endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Device<'a> {
    /// Identity and versions.
    pub info: DeviceInfo,
    /// The endpoints, in increasing id order.
    #[serde(borrow)]
    pub endpoints: Seq<'a, Endpoint<'a>>,
}

/// A device's identity and versions: what identifies the model and the
/// protocol versions it speaks, shared by every unit of one model and
/// firmware build. The product's name, the unit's serial number and the
/// firmware version are `basic_information` attributes, not descriptor
/// fields, so the descriptor stays small and every unit of a build has the
/// same descriptor hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DeviceInfo {
    /// The vendor.
    pub vendor: VendorId,
    /// The vendor's product number.
    pub product: u16,
    /// Hardware revision.
    pub hardware_version: u16,
    /// Oldest protocol version the device speaks.
    pub min_protocol: u8,
    /// Newest protocol version the device speaks.
    pub max_protocol: u8,
}

impl DeviceInfo {
    /// A device of `vendor`'s `product`, hardware version 1, speaking
    /// protocol version 1 only; set the other fields by name.
    ///
    /// ```
    /// use applink::descriptor::DeviceInfo;
    ///
    /// let info = DeviceInfo { hardware_version: 3, ..DeviceInfo::new(0xFFF1, 1) };
    /// assert_eq!((info.vendor.0, info.hardware_version, info.max_protocol), (0xFFF1, 3, 1));
    /// ```
    pub const fn new(vendor: u16, product: u16) -> Self {
        DeviceInfo {
            vendor: VendorId(vendor),
            product,
            hardware_version: 1,
            min_protocol: 1,
            max_protocol: 1,
        }
    }
}

/// Longest name key, in bytes.
pub const MAX_NAME: usize = 64;

/// One functional unit of a device.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Endpoint<'a> {
    /// The endpoint's id.
    pub id: EndpointId,
    /// The device types this endpoint implements.
    #[serde(borrow)]
    pub device_types: Seq<'a, DeviceTypeRef>,
    /// The capabilities, in increasing id order.
    #[serde(borrow)]
    pub capabilities: Seq<'a, Capability<'a>>,
}

/// A device type an endpoint implements, at a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DeviceTypeRef {
    /// The device type's catalog id.
    pub id: u16,
    /// Its revision.
    pub revision: u16,
}

/// A capability: attributes, commands and events under one id.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Capability<'a> {
    /// Standard catalog id or vendor id.
    pub id: CapabilityId,
    /// Name key (snake case).
    pub name: &'a str,
    /// Revision implemented.
    pub revision: u16,
    /// Feature bits implemented (meaning defined per capability).
    pub features: u32,
    /// Attributes, in increasing id order.
    #[serde(borrow)]
    pub attributes: Seq<'a, Attribute<'a>>,
    /// Commands, in increasing id order.
    #[serde(borrow)]
    pub commands: Seq<'a, Command<'a>>,
    /// Events, in increasing id order.
    #[serde(borrow)]
    pub events: Seq<'a, EventDesc<'a>>,
}

/// An attribute: a typed, constrained value with access rights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Attribute<'a> {
    /// The attribute's id.
    pub id: AttributeId,
    /// Name key.
    pub name: &'a str,
    /// Type and constraints.
    #[serde(borrow)]
    pub ty: Type<'a>,
    /// Who may do what.
    pub access: Access,
    /// May hold [`Value::Null`](crate::message::Value::Null).
    pub nullable: bool,
    /// Survives a reboot.
    pub persisted: bool,
    /// Whether a standard capability's instance must have it (catalog
    /// only: not encoded, [`Conformance::Mandatory`] when decoded).
    #[serde(skip)]
    pub conformance: Conformance,
}

/// A command: typed parameters and response fields.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Command<'a> {
    /// The command's id.
    pub id: CommandId,
    /// Name key.
    pub name: &'a str,
    /// Parameters.
    #[serde(borrow)]
    pub params: Seq<'a, FieldDesc<'a>>,
    /// Response fields.
    #[serde(borrow)]
    pub response: Seq<'a, FieldDesc<'a>>,
    /// Must be sent as a timed invoke (unlocking a door).
    pub timed: bool,
    /// Only an admin controller may invoke it.
    pub admin: bool,
    /// Whether a standard capability's instance must have it (catalog
    /// only: not encoded).
    #[serde(skip)]
    pub conformance: Conformance,
}

/// An event the capability emits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct EventDesc<'a> {
    /// The event's id.
    pub id: EventId,
    /// Name key.
    pub name: &'a str,
    /// How much it matters.
    pub priority: Priority,
    /// Its fields.
    #[serde(borrow)]
    pub fields: Seq<'a, FieldDesc<'a>>,
    /// Whether a standard capability's instance must have it (catalog
    /// only: not encoded).
    #[serde(skip)]
    pub conformance: Conformance,
}

/// Whether an instance of a standard capability has an attribute, command
/// or event: the catalog says so per element (`spec/CATALOG.md`), and a
/// descriptor's [`CatalogRef`](super::CatalogRef) names the optional ones
/// present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Conformance {
    /// Every instance has it.
    #[default]
    Mandatory,
    /// An instance has it when its descriptor entry says so.
    Optional,
    /// An instance has it exactly when it implements this feature bit.
    Feature(u8),
}

impl Conformance {
    /// Whether an instance implementing `features`, with the optional
    /// elements whose ids are set in `optional`, has the element `id`.
    pub const fn present(self, id: u16, features: u32, optional: u64) -> bool {
        match self {
            Conformance::Mandatory => true,
            Conformance::Optional => id < 64 && optional & (1 << id) != 0,
            Conformance::Feature(bit) => bit < 32 && features & (1 << bit) != 0,
        }
    }
}

/// A field of a command's parameters, its response, or an event.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FieldDesc<'a> {
    /// The field's id.
    pub id: FieldId,
    /// Name key.
    pub name: &'a str,
    /// Type and constraints.
    #[serde(borrow)]
    pub ty: Type<'a>,
    /// May be left out.
    pub optional: bool,
    /// May be [`Value::Null`](crate::message::Value::Null).
    pub nullable: bool,
}

/// A value's type and constraints.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Type<'a> {
    /// 0: [`Value::Bool`](crate::message::Value::Bool).
    Bool,
    /// 1: an integer of exactly `width`, with `min <= v <= max`,
    /// `(v - min) % step == 0` (step 0 or 1: any), meaning `v * 10^scale`
    /// `unit`s.
    Int(IntType),
    /// 2: a finite float `min <= v <= max`, in `unit`s.
    Float {
        /// Smallest value.
        min: f32,
        /// Largest value.
        max: f32,
        /// Unit.
        unit: Unit,
    },
    /// 3: [`Value::Enum`](crate::message::Value::Enum), one of `values`.
    Enum {
        /// The members.
        #[serde(borrow)]
        values: Seq<'a, Named<'a>>,
    },
    /// 4: [`Value::Bitmap`](crate::message::Value::Bitmap) using only the
    /// named bit positions.
    Bitmap {
        /// The bits: `value` is the bit position (0..64).
        #[serde(borrow)]
        bits: Seq<'a, Named<'a>>,
    },
    /// 5: a UTF-8 string of at most `max_len` bytes.
    Str {
        /// Longest length in bytes.
        max_len: u16,
    },
    /// 6: a byte string of at most `max_len` bytes.
    Bytes {
        /// Longest length in bytes.
        max_len: u16,
    },
    /// 7: a list of at most `max_items` elements of one element type.
    List {
        /// The element type.
        item: Elem,
        /// Most elements.
        max_items: u16,
    },
}

/// An integer type's constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct IntType {
    /// The [`Value`](crate::message::Value) variant used.
    pub width: Width,
    /// Smallest raw value.
    pub min: i64,
    /// Largest raw value.
    pub max: i64,
    /// Raw values go in steps of this from `min` (0 or 1: any).
    pub step: u32,
    /// Decimal exponent: the raw value times `10^scale` is in `unit`s.
    pub scale: i8,
    /// Unit.
    pub unit: Unit,
}

/// An integer's width and signedness: which [`Value`](crate::message::Value)
/// variant carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[allow(missing_docs)]
pub enum Width {
    U8,
    U16,
    U32,
    U64,
    I8,
    I16,
    I32,
    I64,
}

/// A list's element type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Elem {
    /// 0: booleans.
    Bool,
    /// 1: integers of one width within `min..=max`.
    Int {
        /// Width.
        width: Width,
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// 2: enum members `0..=max`.
    Enum {
        /// Largest member.
        max: u16,
    },
    /// 3: strings of at most `max_len` bytes.
    Str {
        /// Longest length in bytes.
        max_len: u16,
    },
}

/// A named enumeration member or bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Named<'a> {
    /// The member's value (or the bit's position).
    pub value: u16,
    /// Name key.
    pub name: &'a str,
}

/// Who may read, write and subscribe to an attribute, as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Access(pub u8);

impl Access {
    /// May be read.
    pub const READ: Access = Access(1);
    /// May be written.
    pub const WRITE: Access = Access(2);
    /// May be subscribed to.
    pub const NOTIFY: Access = Access(4);
    /// Writing needs an admin controller.
    pub const ADMIN: Access = Access(8);
    /// Read and notify: a read-only status attribute.
    pub const RN: Access = Access(1 | 4);
    /// Read, write and notify: a setting.
    pub const RWN: Access = Access(1 | 2 | 4);
    /// Read only, no reports.
    pub const R: Access = Access(1);
    /// Read, notify, and written by admins only.
    pub const RWN_ADMIN: Access = Access(1 | 2 | 4 | 8);

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Access) -> bool {
        self.0 & other.0 == other.0
    }
}

/// The closed set of units a value may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Unit {
    /// 0: dimensionless.
    None,
    /// 1: percent.
    Percent,
    /// 2: degrees Celsius.
    Celsius,
    /// 3: kelvin.
    Kelvin,
    /// 4: mired (10^6 / kelvin).
    Mired,
    /// 5: lux.
    Lux,
    /// 6: watt.
    Watt,
    /// 7: watt-hour.
    WattHour,
    /// 8: volt.
    Volt,
    /// 9: ampere.
    Ampere,
    /// 10: hertz.
    Hertz,
    /// 11: pascal.
    Pascal,
    /// 12: second.
    Second,
    /// 13: minute.
    Minute,
    /// 14: metre.
    Meter,
    /// 15: square metre.
    SquareMeter,
    /// 16: litre.
    Liter,
    /// 17: micrograms per cubic metre.
    MicrogramPerCubicMeter,
    /// 18: parts per million.
    PartsPerMillion,
    /// 19: parts per billion.
    PartsPerBillion,
    /// 20: revolutions per minute.
    Rpm,
    /// 21: degree of angle.
    Degree,
    /// 22: gram.
    Gram,
    /// 23: litres per hour.
    LiterPerHour,
}

impl Unit {
    /// The unit's symbol, for display.
    pub const fn symbol(self) -> &'static str {
        match self {
            Unit::None => "",
            Unit::Percent => "%",
            Unit::Celsius => "°C",
            Unit::Kelvin => "K",
            Unit::Mired => "mired",
            Unit::Lux => "lx",
            Unit::Watt => "W",
            Unit::WattHour => "Wh",
            Unit::Volt => "V",
            Unit::Ampere => "A",
            Unit::Hertz => "Hz",
            Unit::Pascal => "Pa",
            Unit::Second => "s",
            Unit::Minute => "min",
            Unit::Meter => "m",
            Unit::SquareMeter => "m²",
            Unit::Liter => "L",
            Unit::MicrogramPerCubicMeter => "µg/m³",
            Unit::PartsPerMillion => "ppm",
            Unit::PartsPerBillion => "ppb",
            Unit::Rpm => "rpm",
            Unit::Degree => "°",
            Unit::Gram => "g",
            Unit::LiterPerHour => "L/h",
        }
    }
}

impl<'a> Item<'a> for Endpoint<'a> {}
impl<'a> Item<'a> for Capability<'a> {}
impl<'a> Item<'a> for Attribute<'a> {}
impl<'a> Item<'a> for Command<'a> {}
impl<'a> Item<'a> for EventDesc<'a> {}
impl<'a> Item<'a> for FieldDesc<'a> {}
impl<'a> Item<'a> for Named<'a> {}
impl Item<'_> for DeviceTypeRef {}

// ---- const constructors, so catalog entries read as tables ----

impl IntType {
    /// An integer type with no step, scale or unit.
    pub const fn new(width: Width, min: i64, max: i64) -> IntType {
        IntType {
            width,
            min,
            max,
            step: 0,
            scale: 0,
            unit: Unit::None,
        }
    }
}

impl<'a> Type<'a> {
    /// An integer of `width` in `min..=max` with `unit`.
    pub const fn int(width: Width, min: i64, max: i64, unit: Unit) -> Type<'a> {
        Type::Int(IntType {
            unit,
            ..IntType::new(width, min, max)
        })
    }

    /// A scaled integer: raw `v` means `v * 10^scale` `unit`s.
    pub const fn scaled(width: Width, min: i64, max: i64, scale: i8, unit: Unit) -> Type<'a> {
        Type::Int(IntType {
            scale,
            unit,
            ..IntType::new(width, min, max)
        })
    }

    /// An integer that moves in steps of `step` from `min`.
    pub const fn stepped(width: Width, min: i64, max: i64, step: u32, unit: Unit) -> Type<'a> {
        Type::Int(IntType {
            step,
            unit,
            ..IntType::new(width, min, max)
        })
    }

    /// An enumeration.
    pub const fn enumeration(values: &'a [Named<'a>]) -> Type<'a> {
        Type::Enum {
            values: Seq::from_slice(values),
        }
    }

    /// A bitmap with named bits.
    pub const fn bitmap(bits: &'a [Named<'a>]) -> Type<'a> {
        Type::Bitmap {
            bits: Seq::from_slice(bits),
        }
    }

    /// A string of at most `max_len` bytes.
    pub const fn string(max_len: u16) -> Type<'a> {
        Type::Str { max_len }
    }
}

impl<'a> Named<'a> {
    /// A named member.
    pub const fn new(value: u16, name: &'a str) -> Named<'a> {
        Named { value, name }
    }
}

impl<'a> Attribute<'a> {
    /// An attribute, neither nullable nor persisted.
    pub const fn new(id: u16, name: &'a str, ty: Type<'a>, access: Access) -> Attribute<'a> {
        Attribute {
            id: AttributeId(id),
            name,
            ty,
            access,
            nullable: false,
            persisted: false,
            conformance: Conformance::Mandatory,
        }
    }

    /// The same attribute, nullable.
    pub const fn nullable(mut self) -> Attribute<'a> {
        self.nullable = true;
        self
    }

    /// The same attribute, persisted.
    pub const fn persisted(mut self) -> Attribute<'a> {
        self.persisted = true;
        self
    }

    /// The same attribute, optional in its standard capability.
    pub const fn optional(mut self) -> Attribute<'a> {
        self.conformance = Conformance::Optional;
        self
    }

    /// The same attribute, present exactly when feature bit `bit` is.
    pub const fn with_feature(mut self, bit: u8) -> Attribute<'a> {
        self.conformance = Conformance::Feature(bit);
        self
    }
}

impl<'a> FieldDesc<'a> {
    /// A required, non-null field.
    pub const fn new(id: u16, name: &'a str, ty: Type<'a>) -> FieldDesc<'a> {
        FieldDesc {
            id: FieldId(id),
            name,
            ty,
            optional: false,
            nullable: false,
        }
    }

    /// The same field, optional.
    pub const fn optional(mut self) -> FieldDesc<'a> {
        self.optional = true;
        self
    }
}

impl<'a> Command<'a> {
    /// A command with parameters and no response fields.
    pub const fn new(id: u16, name: &'a str, params: &'a [FieldDesc<'a>]) -> Command<'a> {
        Command {
            id: CommandId(id),
            name,
            params: Seq::from_slice(params),
            response: Seq::empty(),
            timed: false,
            admin: false,
            conformance: Conformance::Mandatory,
        }
    }

    /// The same command, with response fields.
    pub const fn responds(mut self, response: &'a [FieldDesc<'a>]) -> Command<'a> {
        self.response = Seq::from_slice(response);
        self
    }

    /// The same command, requiring a timed invoke.
    pub const fn timed(mut self) -> Command<'a> {
        self.timed = true;
        self
    }

    /// The same command, for admins only.
    pub const fn admin(mut self) -> Command<'a> {
        self.admin = true;
        self
    }

    /// The same command, optional in its standard capability.
    pub const fn optional(mut self) -> Command<'a> {
        self.conformance = Conformance::Optional;
        self
    }

    /// The same command, present exactly when feature bit `bit` is.
    pub const fn with_feature(mut self, bit: u8) -> Command<'a> {
        self.conformance = Conformance::Feature(bit);
        self
    }
}

impl<'a> EventDesc<'a> {
    /// An event.
    pub const fn new(
        id: u16,
        name: &'a str,
        priority: Priority,
        fields: &'a [FieldDesc<'a>],
    ) -> EventDesc<'a> {
        EventDesc {
            id: EventId(id),
            name,
            priority,
            fields: Seq::from_slice(fields),
            conformance: Conformance::Mandatory,
        }
    }

    /// The same event, optional in its standard capability.
    pub const fn optional(mut self) -> EventDesc<'a> {
        self.conformance = Conformance::Optional;
        self
    }

    /// The same event, present exactly when feature bit `bit` is.
    pub const fn with_feature(mut self, bit: u8) -> EventDesc<'a> {
        self.conformance = Conformance::Feature(bit);
        self
    }
}

impl<'a> Capability<'a> {
    /// A standard capability.
    pub const fn new(
        id: u32,
        name: &'a str,
        revision: u16,
        attributes: &'a [Attribute<'a>],
        commands: &'a [Command<'a>],
        events: &'a [EventDesc<'a>],
    ) -> Capability<'a> {
        Capability {
            id: CapabilityId(id),
            name,
            revision,
            features: 0,
            attributes: Seq::from_slice(attributes),
            commands: Seq::from_slice(commands),
            events: Seq::from_slice(events),
        }
    }

    /// The same capability with `features` implemented.
    pub const fn with_features(mut self, features: u32) -> Capability<'a> {
        self.features = features;
        self
    }
}
