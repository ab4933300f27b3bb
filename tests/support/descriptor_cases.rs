//! The cases behind `spec/vectors/descriptors.json`: the reference devices
//! and the conformance probe (valid, with hash and expansion), and
//! descriptors a receiver rejects, each breaking one rule of INTERACTION.md
//! 2.2 (or 2 for a catalog reference's bits).

use applink::catalog::{on_off, reference};
use applink::descriptor::{
    self, Access, Attribute, Capability, CapabilityEntry, CatalogRef, Compact, CompactEndpoint,
    DescriptorError, DeviceInfo, Elem, Named, Present, Type, Unit, Width,
};
use applink::message::{CapabilityId, EndpointId, Seq};
use serde_json::{Value as Json, json};

use super::probe;
use super::spec_codec::{self, Tables};

/// A valid descriptor: name, description, the device.
pub struct Valid {
    pub name: &'static str,
    pub description: &'static str,
    pub device: Compact<'static>,
}

/// A rejected descriptor: name, description, bytes, and the rejection
/// (`{"type", "rule"}`; `stage` says whether decoding or expanding finds it).
pub struct Rejected {
    pub name: &'static str,
    pub description: &'static str,
    pub bytes: Vec<u8>,
    pub error: Json,
}

/// The valid descriptors.
pub fn valid() -> Vec<Valid> {
    vec![
        Valid {
            name: "descriptor_lamp",
            description: "The reference lamp: root endpoint with basic_information, a dimmable light on endpoint 1 (identify, on_off, level_control with three optional attributes), all by catalog reference",
            device: reference::LAMP,
        },
        Valid {
            name: "descriptor_washer",
            description: "The reference washer: optional attributes, commands and an event of operational_state by reference",
            device: reference::WASHER,
        },
        Valid {
            name: "descriptor_probe",
            description: "The conformance probe: one vendor capability in full that uses every Type, Elem, Width, Unit and Priority variant, every access bit, a timed and an admin command, optional and nullable fields",
            device: probe::compact(),
        },
    ]
}

fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

/// A one-endpoint device whose endpoint 1 has `entries`.
fn device_with(entries: Vec<CapabilityEntry<'static>>) -> Compact<'static> {
    let endpoints = leak(vec![CompactEndpoint {
        id: EndpointId(1),
        device_types: Seq::empty(),
        capabilities: Seq::from_slice(leak(entries)),
    }]);
    Compact {
        info: DeviceInfo::new(0xFFF1, 0x00FE),
        endpoints: Seq::from_slice(endpoints),
    }
}

/// A device with one vendor capability of one attribute of type `ty`.
fn with_type(ty: Type<'static>) -> Compact<'static> {
    let attrs = leak(vec![Attribute::new(0, "x", ty, Access::RWN)]);
    let cap = Capability::new(0xFFF1_0002, "broken", 1, attrs, &[], &[]);
    device_with(vec![CapabilityEntry::Vendor(cap)])
}

fn invalid(rule: u8) -> Json {
    json!({"stage": "decode", "type": "Invalid", "rule": rule})
}

/// The rejected descriptors.
pub fn rejected() -> Vec<Rejected> {
    let enc = descriptor::encode::encode_to_vec;
    let int = |w, min, max| Type::int(w, min, max, Unit::None);
    let mut out = Vec::new();
    let mut push = |name, description, bytes: Vec<u8>, error| {
        out.push(Rejected {
            name,
            description,
            bytes,
            error,
        })
    };
    let long = Box::leak("n".repeat(65).into_boxed_str());
    let attrs = leak(vec![Attribute::new(0, long, Type::Bool, Access::RWN)]);
    let cap = Capability::new(0xFFF1_0002, "broken", 1, attrs, &[], &[]);
    push(
        "descriptor_name_65_bytes",
        "an attribute name of 65 bytes (rule 1: every name at most 64)",
        enc(&device_with(vec![CapabilityEntry::Vendor(cap)])),
        invalid(1),
    );
    let mut d = with_type(Type::Bool);
    d.info.min_protocol = 2;
    push(
        "descriptor_protocol_range_empty",
        "min_protocol 2 above max_protocol 1 (rule 2)",
        enc(&d),
        invalid(2),
    );
    let mut d = with_type(Type::Bool);
    let twice = leak(vec![
        d.endpoints.iter().next().unwrap(),
        d.endpoints.iter().next().unwrap(),
    ]);
    d.endpoints = Seq::from_slice(twice);
    push(
        "descriptor_endpoint_ids_repeated",
        "two endpoints with id 1 (rule 3: endpoint ids strictly increase)",
        enc(&d),
        invalid(3),
    );
    let mut d = with_type(Type::Bool);
    let mut ep = d.endpoints.iter().next().unwrap();
    ep.id = EndpointId(0xFFFF);
    d.endpoints = Seq::from_slice(leak(vec![ep]));
    push(
        "descriptor_endpoint_ffff",
        "endpoint id 0xFFFF, reserved (rule 3)",
        enc(&d),
        invalid(3),
    );
    let attrs = leak(vec![
        Attribute::new(1, "b", Type::Bool, Access::R),
        Attribute::new(1, "c", Type::Bool, Access::R),
    ]);
    let cap = Capability::new(0xFFF1_0002, "broken", 1, attrs, &[], &[]);
    push(
        "descriptor_attribute_ids_repeated",
        "attribute id 1 twice in one capability (rule 3)",
        enc(&device_with(vec![CapabilityEntry::Vendor(cap)])),
        invalid(3),
    );
    let cap = Capability::new(0, "zero", 1, &[], &[], &[]);
    push(
        "descriptor_capability_id_0",
        "a vendor entry with capability id 0 (rule 3: none is 0)",
        enc(&device_with(vec![CapabilityEntry::Vendor(cap)])),
        invalid(3),
    );
    push(
        "descriptor_int_min_above_max",
        "Int with min 5 above max 4 (rule 4)",
        enc(&with_type(int(Width::U8, 5, 4))),
        invalid(4),
    );
    push(
        "descriptor_int_outside_width",
        "U8 Int with max 256 (rule 4: both bounds representable in the width)",
        enc(&with_type(int(Width::U8, 0, 256))),
        invalid(4),
    );
    push(
        "descriptor_unsigned_int_negative_min",
        "U16 Int with min -1 (rule 4)",
        enc(&with_type(int(Width::U16, -1, 10))),
        invalid(4),
    );
    let list_int = Type::List {
        item: Elem::Int {
            width: Width::I8,
            min: -129,
            max: 0,
        },
        max_items: 2,
    };
    push(
        "descriptor_list_int_outside_width",
        "a List of I8 with min -129 (rule 4 applies to Elem::Int too)",
        enc(&with_type(list_int)),
        invalid(4),
    );
    let float = |min, max| Type::Float {
        min,
        max,
        unit: Unit::None,
    };
    push(
        "descriptor_float_min_above_max",
        "Float with min 2.0 above max 1.0 (rule 4)",
        enc(&with_type(float(2.0, 1.0))),
        invalid(4),
    );
    push(
        "descriptor_float_infinite",
        "Float with max +infinity (rule 4: both finite)",
        enc(&with_type(float(0.0, f32::INFINITY))),
        invalid(4),
    );
    push(
        "descriptor_enum_empty",
        "Enum without members (rule 4)",
        enc(&with_type(Type::enumeration(&[]))),
        invalid(4),
    );
    let down = leak(vec![Named::new(2, "b"), Named::new(1, "a")]);
    push(
        "descriptor_enum_not_increasing",
        "Enum members 2 then 1 (rule 4: values strictly increase)",
        enc(&with_type(Type::enumeration(down))),
        invalid(4),
    );
    let high = leak(vec![Named::new(64, "beyond")]);
    push(
        "descriptor_bitmap_position_64",
        "Bitmap bit position 64 (rule 4: below 64)",
        enc(&with_type(Type::bitmap(high))),
        invalid(4),
    );
    push(
        "descriptor_standard_in_full",
        "on_off (a standard id) sent as a Vendor entry (rule 5)",
        enc(&device_with(vec![CapabilityEntry::Vendor(
            on_off::CAPABILITY,
        )])),
        invalid(5),
    );
    let vendor_ref = CatalogRef {
        id: CapabilityId(0xFFF1_0004),
        revision: 1,
        features: 0,
        present: Present::NONE,
    };
    push(
        "descriptor_reference_to_vendor_id",
        "a Standard entry naming a vendor id (rule 5)",
        enc(&device_with(vec![CapabilityEntry::Standard(vendor_ref)])),
        invalid(5),
    );
    let mandatory = CatalogRef {
        id: on_off::ID,
        revision: 1,
        features: 0,
        present: Present {
            attributes: 1 << on_off::ON.0,
            commands: 0,
            events: 0,
        },
    };
    push(
        "descriptor_reference_names_mandatory",
        "a reference to on_off with bit 0 of attributes set: attribute 0 is mandatory, not optional (section 2: found when expanding)",
        enc(&device_with(vec![CapabilityEntry::Standard(mandatory)])),
        json!({"stage": "expand", "type": "NotOptional"}),
    );
    let mut bytes = enc(&with_type(Type::Bool));
    bytes.push(0);
    push(
        "descriptor_trailing_byte",
        "a valid descriptor followed by one more byte (section 2: nothing after it)",
        bytes,
        json!({"stage": "decode", "type": "Malformed"}),
    );
    // Index 24 of Unit does not exist: encode with a table that has a gap
    // before LiterPerHour.
    let mut gap = Tables::spec();
    gap.unit.insert(23, "(none)".into());
    let d = with_type(Type::int(Width::U8, 0, 1, Unit::LiterPerHour));
    let bytes = spec_codec::encode(
        &gap,
        &super::descriptor_json::compact(&d),
        spec_codec::Encoder::compact,
    )
    .expect("encodes");
    push(
        "descriptor_unit_24",
        "a Unit index of 24, beyond the table (an enum index the version does not define is malformed)",
        bytes,
        json!({"stage": "decode", "type": "Malformed"}),
    );
    out
}

/// How the crate rejects `bytes`, as the vectors' error object.
pub fn rejection(bytes: &[u8]) -> Option<Json> {
    let stage = match descriptor::decode(bytes) {
        Err(e) => ("decode", e),
        Ok(_) => match descriptor::OwnedDescriptor::from_vec(bytes.to_vec()) {
            Err(e) => ("expand", e),
            Ok(_) => return None,
        },
    };
    let ty = match stage.1 {
        DescriptorError::Malformed => "Malformed",
        DescriptorError::Invalid { .. } => "Invalid",
        DescriptorError::NotOptional { .. } => "NotOptional",
        other => panic!("unexpected rejection {other:?}"),
    };
    Some(json!({"stage": stage.0, "type": ty}))
}
