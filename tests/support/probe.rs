//! The conformance probe: a test device with one vendor capability that
//! uses every variant of the descriptor grammar (every `Type`, `Elem`,
//! `Width`, `Unit` and `Priority`, access bits, admin and timed commands,
//! optional and nullable fields), so its descriptor and the requests run
//! against it pin each variant's index and each validation rule.

use applink::catalog::reference;
use applink::descriptor::{
    Access, Attribute, Capability, CapabilityEntry, Command, Compact, CompactEndpoint, DeviceInfo,
    Elem, EventDesc, Expanded, FieldDesc, IntType, Named, Present, Type, Unit, Width,
};
use applink::interaction::{Context, Handler, Response};
use applink::message::{
    AttributeId, CapabilityId, CommandId, EndpointId, Field, Priority, Seq, Status, Value, VendorId,
};

/// The probe capability's id: vendor 0xFFF1, capability 1.
pub const ID: CapabilityId = CapabilityId(0xFFF1_0001);
/// The endpoint it sits on.
pub const ENDPOINT: EndpointId = EndpointId(1);

/// Every unit, in the order of INTERACTION.md's table.
pub const UNITS: [Unit; 24] = [
    Unit::None,
    Unit::Percent,
    Unit::Celsius,
    Unit::Kelvin,
    Unit::Mired,
    Unit::Lux,
    Unit::Watt,
    Unit::WattHour,
    Unit::Volt,
    Unit::Ampere,
    Unit::Hertz,
    Unit::Pascal,
    Unit::Second,
    Unit::Minute,
    Unit::Meter,
    Unit::SquareMeter,
    Unit::Liter,
    Unit::MicrogramPerCubicMeter,
    Unit::PartsPerMillion,
    Unit::PartsPerBillion,
    Unit::Rpm,
    Unit::Degree,
    Unit::Gram,
    Unit::LiterPerHour,
];

/// The integer attribute of width `k % 8`: width, min, max, step, scale.
const INTS: [(Width, i64, i64, u32, i8); 8] = [
    (Width::U8, 0, 100, 0, 0),
    (Width::U16, 10, 1000, 10, 0),
    (Width::U32, 0, 100_000, 1, -3),
    (Width::U64, 0, 1 << 40, 0, 0),
    (Width::I8, -100, 100, 0, 1),
    (Width::I16, -2000, 6000, 0, -2),
    (Width::I32, -100_000, 100_000, 5, 0),
    (Width::I64, i64::MIN, i64::MAX, 0, 0),
];

// Attribute ids after the 24 integers (0..=23, one per unit).
/// `Bool`.
pub const FLAG: u16 = 24;
/// `Float`.
pub const RATIO: u16 = 25;
/// `Enum` {0, 2, 5}.
pub const MODE: u16 = 26;
/// `Bitmap` {0, 3, 63}.
pub const OPTIONS: u16 = 27;
/// `Str` of at most 8 bytes.
pub const LABEL: u16 = 28;
/// `Bytes` of at most 4 bytes.
pub const BLOB: u16 = 29;
/// `List` of at most 3 `Bool`.
pub const FLAGS: u16 = 30;
/// `List` of at most 4 `U8` in 1..=10.
pub const LEVELS: u16 = 31;
/// `List` of at most 2 enum members up to 3.
pub const MODES: u16 = 32;
/// `List` of at most 2 strings of at most 5 bytes.
pub const NAMES: u16 = 33;
/// Read-only.
pub const SERIAL: u16 = 34;
/// Writing needs an admin.
pub const SECRET: u16 = 35;
/// Nullable.
pub const TARGET: u16 = 36;
/// Readable, not subscribable.
pub const COUNTER: u16 = 37;
/// Writable only.
pub const COMMAND_WORD: u16 = 38;

/// `configure { 0 level: U8 1..=10, 1 mode: Enum (optional), 2 note: Str
/// (optional, nullable) } -> { 0 accepted: Bool }`.
pub const CONFIGURE: CommandId = CommandId(0);
/// A timed command.
pub const UNLOCK: CommandId = CommandId(1);
/// An admin command.
pub const RESET: CommandId = CommandId(2);

fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

fn name(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn named(items: &[(u16, &'static str)]) -> &'static [Named<'static>] {
    leak(items.iter().map(|&(v, n)| Named::new(v, n)).collect())
}

/// The probe capability.
pub fn capability() -> &'static Capability<'static> {
    let mut attributes = Vec::new();
    for (k, unit) in UNITS.iter().enumerate() {
        let (width, min, max, step, scale) = INTS[k % 8];
        let ty = Type::Int(IntType {
            step,
            scale,
            unit: *unit,
            ..IntType::new(width, min, max)
        });
        let n = name(format!("{width:?}_{unit:?}").to_lowercase());
        attributes.push(Attribute::new(k as u16, n, ty, Access::RWN));
    }
    let list = |item, max_items| Type::List { item, max_items };
    let more = [
        (FLAG, "flag", Type::Bool, Access::RWN),
        (
            RATIO,
            "ratio",
            Type::Float {
                min: -1.5,
                max: 100.25,
                unit: Unit::Liter,
            },
            Access::RWN,
        ),
        (
            MODE,
            "mode",
            Type::enumeration(named(&[(0, "off"), (2, "eco"), (5, "boost")])),
            Access::RWN,
        ),
        (
            OPTIONS,
            "options",
            Type::bitmap(named(&[(0, "a"), (3, "b"), (63, "top")])),
            Access::RWN,
        ),
        (LABEL, "label", Type::string(8), Access::RWN),
        (BLOB, "blob", Type::Bytes { max_len: 4 }, Access::RWN),
        (FLAGS, "flags", list(Elem::Bool, 3), Access::RWN),
        (
            LEVELS,
            "levels",
            list(
                Elem::Int {
                    width: Width::U8,
                    min: 1,
                    max: 10,
                },
                4,
            ),
            Access::RWN,
        ),
        (MODES, "modes", list(Elem::Enum { max: 3 }, 2), Access::RWN),
        (
            NAMES,
            "names",
            list(Elem::Str { max_len: 5 }, 2),
            Access::RWN,
        ),
        (SERIAL, "serial", Type::string(16), Access::R),
        (
            SECRET,
            "secret",
            Type::int(Width::U8, 0, 255, Unit::None),
            Access::RWN_ADMIN,
        ),
        (
            TARGET,
            "target",
            Type::int(Width::I16, -500, 500, Unit::None),
            Access::RWN,
        ),
        (
            COUNTER,
            "counter",
            Type::int(Width::U32, 0, u32::MAX.into(), Unit::None),
            Access::R,
        ),
        (COMMAND_WORD, "command_word", Type::Bool, Access::WRITE),
    ];
    for (id, n, ty, access) in more {
        let a = Attribute::new(id, n, ty, access);
        attributes.push(if id == TARGET {
            a.nullable().persisted()
        } else {
            a
        });
    }
    let params = leak(vec![
        FieldDesc::new(0, "level", Type::int(Width::U8, 1, 10, Unit::None)),
        FieldDesc::new(
            1,
            "mode",
            Type::enumeration(named(&[(0, "off"), (2, "eco")])),
        )
        .optional(),
        FieldDesc {
            nullable: true,
            ..FieldDesc::new(2, "note", Type::string(8)).optional()
        },
    ]);
    let response = leak(vec![FieldDesc::new(0, "accepted", Type::Bool)]);
    let commands = leak(vec![
        Command::new(CONFIGURE.0, "configure", params).responds(response),
        Command::new(UNLOCK.0, "unlock", &[]).timed(),
        Command::new(RESET.0, "reset", &[]).admin(),
    ]);
    let tick = leak(vec![FieldDesc::new(
        0,
        "n",
        Type::int(Width::U32, 0, u32::MAX.into(), Unit::None),
    )]);
    let fault = leak(vec![
        FieldDesc::new(0, "code", Type::int(Width::U16, 0, 1000, Unit::None)).optional(),
    ]);
    let events = leak(vec![
        EventDesc::new(0, "tick", Priority::Debug, tick),
        EventDesc::new(1, "alert", Priority::Info, &[]),
        EventDesc::new(2, "fault", Priority::Critical, fault),
    ]);
    Box::leak(Box::new(
        Capability::new(
            ID.0,
            "conformance_probe",
            1,
            leak(attributes),
            commands,
            events,
        )
        .with_features(0b101),
    ))
}

/// The probe's compact descriptor: the reference root endpoint and the
/// probe capability in full on endpoint 1.
pub fn compact() -> Compact<'static> {
    let caps = leak(vec![CapabilityEntry::Vendor(*capability())]);
    let endpoints = leak(vec![
        reference::ROOT,
        CompactEndpoint {
            id: ENDPOINT,
            device_types: Seq::empty(),
            capabilities: Seq::from_slice(caps),
        },
    ]);
    Compact {
        info: DeviceInfo {
            vendor: VendorId(0xFFF1),
            product: 0x00FF,
            hardware_version: 1,
            min_protocol: 1,
            max_protocol: 1,
        },
        endpoints: Seq::from_slice(endpoints),
    }
}

/// The probe's handler: every readable attribute has a fixed valid value;
/// writes are accepted and not kept; `configure` answers `accepted: true`.
pub struct ProbeHandler;

impl Handler for ProbeHandler {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        let k = attribute.0;
        if usize::from(k) < UNITS.len() {
            let (width, min, ..) = INTS[usize::from(k) % 8];
            let v = min.max(0);
            return Ok(match width {
                Width::U8 => Value::U8(v as u8),
                Width::U16 => Value::U16(v as u16),
                Width::U32 => Value::U32(v as u32),
                Width::U64 => Value::U64(v as u64),
                Width::I8 => Value::I8(v as i8),
                Width::I16 => Value::I16(v as i16),
                Width::I32 => Value::I32(v as i32),
                Width::I64 => Value::I64(v),
            });
        }
        Ok(match k {
            FLAG => Value::Bool(false),
            RATIO => Value::F32(0.5),
            MODE => Value::Enum(0),
            OPTIONS => Value::Bitmap(0),
            LABEL => Value::Str("probe"),
            BLOB => Value::Bytes(applink::message::Bytes(&[1, 2])),
            FLAGS | LEVELS | MODES | NAMES => Value::List(Seq::empty()),
            SERIAL => Value::Str("P-0001"),
            SECRET => Value::U8(0),
            TARGET => Value::Null,
            COUNTER => Value::U32(0),
            _ => return Err(Status::UNSUPPORTED_ATTRIBUTE),
        })
    }

    fn write(
        &mut self,
        _attribute: AttributeId,
        _value: &Value<'_>,
        _cx: &mut Context,
    ) -> Result<(), Status> {
        Ok(())
    }

    fn invoke(
        &mut self,
        command: CommandId,
        _args: &Seq<'_, Field<'_>>,
        response: &mut Response,
        _cx: &mut Context,
    ) -> Result<(), Status> {
        if command == CONFIGURE {
            response
                .push(Field::new(0, Value::Bool(true)))
                .map_err(|_| Status::RESOURCE_EXHAUSTED)?;
        }
        Ok(())
    }
}

/// The instance of the probe capability: every element (it has no
/// optional ones).
pub fn instance() -> Expanded<'static, 'static> {
    Expanded::new(capability(), Present::NONE)
}
