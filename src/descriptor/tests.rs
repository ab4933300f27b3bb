use super::*;
use crate::message::{
    AttributeId, Bytes, CapabilityId, EndpointId, Field, Priority, Seq, Value, VendorId,
};

const MODES: [Named<'static>; 2] = [Named::new(0, "eco"), Named::new(2, "boost")];

const ATTRS: [Attribute<'static>; 5] = [
    Attribute::new(0, "on", Type::Bool, Access::RWN).persisted(),
    Attribute::new(
        1,
        "level",
        Type::stepped(Width::U8, 0, 100, 5, Unit::Percent),
        Access::RWN,
    ),
    Attribute::new(2, "mode", Type::enumeration(&MODES), Access::RWN_ADMIN).nullable(),
    Attribute::new(3, "label", Type::string(4), Access::RWN),
    Attribute::new(
        4,
        "temp",
        Type::scaled(Width::I16, -4000, 12500, -2, Unit::Celsius),
        Access::RN,
    ),
];
const PARAMS: [FieldDesc<'static>; 2] = [
    FieldDesc::new(0, "level", Type::int(Width::U8, 0, 100, Unit::Percent)),
    FieldDesc::new(1, "ms", Type::int(Width::U16, 0, 60000, Unit::None)).optional(),
];
const COMMANDS: [Command<'static>; 2] = [
    Command::new(0, "move", &PARAMS),
    Command::new(1, "unlock", &[]).timed().admin(),
];
const EVENTS: [EventDesc<'static>; 1] = [EventDesc::new(0, "fault", Priority::Critical, &[])];
const CAP: Capability<'static> = Capability::new(0x42, "test", 1, &ATTRS, &COMMANDS, &EVENTS);
const CAPS: [Capability<'static>; 1] = [CAP];
const TYPES: [DeviceTypeRef; 1] = [DeviceTypeRef { id: 1, revision: 1 }];
const ENDPOINTS: [Endpoint<'static>; 1] = [Endpoint {
    id: EndpointId(1),
    device_types: Seq::from_slice(&TYPES),
    capabilities: Seq::from_slice(&CAPS),
}];
static DEVICE: Device<'static> = Device {
    info: DeviceInfo {
        vendor: VendorId(0xFFF1),
        product: 7,
        hardware_version: 1,
        min_protocol: 1,
        max_protocol: 1,
    },
    endpoints: Seq::from_slice(&ENDPOINTS),
};

const VENDOR_CAP: Capability<'static> =
    Capability::new(0xFFF1_0042, "test", 1, &ATTRS, &COMMANDS, &EVENTS);
const LEVEL_PRESENT: Present = Present {
    attributes: 1 << crate::catalog::level_control::ON_LEVEL.0,
    commands: 0,
    events: 0,
};
const ENTRIES: [CapabilityEntry<'static>; 3] = [
    CapabilityEntry::Standard(
        Expanded::new(&crate::catalog::on_off::CAPABILITY, Present::NONE).reference(),
    ),
    CapabilityEntry::Standard(
        Expanded::new(&crate::catalog::level_control::CAPABILITY, LEVEL_PRESENT).reference(),
    ),
    CapabilityEntry::Vendor(VENDOR_CAP),
];
const COMPACT_ENDPOINTS: [CompactEndpoint<'static>; 1] = [CompactEndpoint {
    id: EndpointId(1),
    device_types: Seq::from_slice(&TYPES),
    capabilities: Seq::from_slice(&ENTRIES),
}];
static COMPACT: Compact<'static> = Compact {
    info: DEVICE.info,
    endpoints: Seq::from_slice(&COMPACT_ENDPOINTS),
};

#[test]
fn golden_small_capability() {
    const A: [Attribute<'static>; 1] = [Attribute::new(0, "on", Type::Bool, Access::RN)];
    const C: [Command<'static>; 1] = [Command::new(2, "t", &[])];
    let cap = Capability::new(6, "on", 1, &A, &C, &[]);
    let mut buf = [0u8; 64];
    let n = encode(&cap, &mut buf).unwrap();
    assert_eq!(
        &buf[..n],
        &[
            6, 2, b'o', b'n', 1, 0, // id, name, revision, features
            8, 0, 2, b'o', b'n', 0, 5, 0, 0, // attributes: id, name, Bool, access, flags
            7, 2, 1, b't', 0, 0, 0, 0, // commands: id, name, params, response, timed, admin
            0, // events
        ]
    );
    assert_eq!(encoded_len(&cap), n);
}

#[test]
fn encode_decode_round_trip_and_windows() {
    let mut buf = [0u8; 512];
    let n = encode(&DEVICE, &mut buf).unwrap();
    assert_eq!(encoded_len(&DEVICE), n);
    let back = decode_device(&buf[..n]).unwrap();
    assert_eq!(back, DEVICE);
    let cap = back.capability(EndpointId(1), CapabilityId(0x42)).unwrap();
    assert_eq!(cap.attribute(AttributeId(2)).unwrap().name, "mode");
    assert_eq!(cap.attribute_named("temp").unwrap().id, AttributeId(4));
    assert!(cap.command(crate::message::CommandId(1)).unwrap().timed);
    // Every window of the encoding is the matching slice.
    for offset in [0, 1, 17, n - 3, n] {
        let mut w = [0u8; 16];
        let (total, written) = encode_range(&DEVICE, offset, &mut w).unwrap();
        assert_eq!(total, n);
        assert_eq!(&w[..written], &buf[offset..(offset + 16).min(n)]);
    }
    assert_eq!(
        encode(&DEVICE, &mut [0u8; 8]),
        Err(DescriptorError::BufferTooSmall { needed: n })
    );
    assert_eq!(hash_of(&DEVICE).unwrap(), hash_bytes(&buf[..n]));
}

#[test]
fn truncated_or_corrupt_descriptors_are_rejected() {
    let mut buf = [0u8; 512];
    let n = encode(&DEVICE, &mut buf).unwrap();
    for cut in 0..n {
        assert!(decode_device(&buf[..cut]).is_err(), "cut at {cut}");
    }
    let mut long = buf;
    long[n] = 0;
    assert_eq!(
        decode_device(&long[..n + 1]),
        Err(DescriptorError::Malformed)
    );
    for i in 0..n {
        let mut bad = buf;
        bad[i] ^= 0xFF;
        let _ = decode_device(&bad[..n]); // must not panic
    }
    let n = encode(&COMPACT, &mut buf).unwrap();
    for cut in 0..n {
        assert!(decode(&buf[..cut]).is_err(), "cut at {cut}");
    }
    for i in 0..n {
        let mut bad = buf;
        bad[i] ^= 0xFF;
        if let Ok(compact) = decode(&bad[..n]) {
            // Expanding what decodes must not panic either.
            let _ = OwnedDescriptor::from_vec(bad[..n].to_vec());
            let _ = compact.endpoints.iter().count();
        }
    }
}

#[test]
fn well_formedness() {
    let swapped = [ATTRS[1], ATTRS[0]];
    let cap = Capability::new(1, "x", 1, &swapped, &[], &[]);
    assert!(matches!(
        validate::check_capability(&cap),
        Err(DescriptorError::Invalid { .. })
    ));
    let empty_range = [Attribute::new(
        0,
        "x",
        Type::int(Width::U8, 5, 300, Unit::None),
        Access::R,
    )];
    let cap = Capability::new(1, "x", 1, &empty_range, &[], &[]);
    assert!(validate::check_capability(&cap).is_err());
    let no_members = [Attribute::new(0, "x", Type::enumeration(&[]), Access::R)];
    let cap = Capability::new(1, "x", 1, &no_members, &[], &[]);
    assert!(validate::check_capability(&cap).is_err());
    assert!(validate::check_capability(&CAP).is_ok());
}

#[test]
fn value_validation_maps_to_statuses() {
    use crate::message::Status;
    let check = |i: usize, v: Value<'_>| validate::check_write(&ATTRS[i], Privilege::User, &v);
    assert_eq!(check(0, Value::Bool(true)), Ok(()));
    assert_eq!(
        check(0, Value::U8(1)).unwrap_err().status(),
        Status::INVALID_DATA_TYPE
    );
    assert_eq!(check(1, Value::U8(55)), Ok(()));
    assert_eq!(check(1, Value::U8(101)), Err(DescriptorError::OutOfRange));
    assert_eq!(check(1, Value::U8(52)), Err(DescriptorError::NotOnStep));
    assert_eq!(check(1, Value::U16(50)), Err(DescriptorError::WrongType));
    assert_eq!(check(1, Value::Null), Err(DescriptorError::NotNullable));
    assert_eq!(check(3, Value::Str("abcd")), Ok(()));
    assert_eq!(
        check(3, Value::Str("abcde")).unwrap_err().status(),
        Status::CONSTRAINT_ERROR
    );
    assert_eq!(
        check(4, Value::I16(0)).unwrap_err().status(),
        Status::ACCESS_DENIED
    );
    // Admin-only attribute.
    assert_eq!(check(2, Value::Enum(2)), Err(DescriptorError::NeedsAdmin));
    let admin = |v: Value<'_>| validate::check_write(&ATTRS[2], Privilege::Admin, &v);
    assert_eq!(admin(Value::Enum(2)), Ok(()));
    assert_eq!(admin(Value::Null), Ok(()));
    assert_eq!(admin(Value::Enum(1)), Err(DescriptorError::NotAMember));
    assert_eq!(
        validate::check_read(&ATTRS[0], Privilege::Unauthenticated)
            .unwrap_err()
            .status(),
        Status::NEEDS_PAIRING
    );
    let bytes = Type::Bytes { max_len: 1 };
    assert_eq!(
        validate::check_value(&bytes, false, &Value::Bytes(Bytes(&[1, 2]))),
        Err(DescriptorError::TooLong)
    );
    let list = Type::List {
        item: Elem::Int {
            width: Width::U8,
            min: 1,
            max: 3,
        },
        max_items: 2,
    };
    let ok = [Value::U8(1), Value::U8(3)];
    let bad = [Value::U8(1), Value::U8(4)];
    assert_eq!(
        validate::check_value(&list, false, &Value::List(Seq::from_slice(&ok))),
        Ok(())
    );
    assert_eq!(
        validate::check_value(&list, false, &Value::List(Seq::from_slice(&bad))),
        Err(DescriptorError::OutOfRange)
    );
    let float = Type::Float {
        min: -1.0,
        max: 1.0,
        unit: Unit::None,
    };
    assert_eq!(
        validate::check_value(&float, false, &Value::F32(f32::NAN)),
        Err(DescriptorError::OutOfRange)
    );
    assert_eq!(
        validate::check_value(&float, false, &Value::F64(0.5)),
        Ok(())
    );
}

#[test]
fn invoke_validation() {
    use crate::message::Status;
    let args = [Field::new(0, Value::U8(40))];
    let cmd = &COMMANDS[0];
    let go = |args: &[Field<'_>]| {
        validate::check_invoke(cmd, Privilege::User, None, &Seq::from_slice(args))
    };
    assert_eq!(go(&args), Ok(()));
    assert_eq!(go(&[]).unwrap_err().status(), Status::MISSING_FIELD);
    assert_eq!(
        go(&[Field::new(0, Value::U8(40)), Field::new(0, Value::U8(41))]),
        Err(DescriptorError::DuplicateField)
    );
    assert_eq!(
        go(&[Field::new(0, Value::U8(40)), Field::new(9, Value::U8(1))]),
        Err(DescriptorError::UnknownField)
    );
    assert_eq!(
        go(&[Field::new(0, Value::U8(140))]),
        Err(DescriptorError::OutOfRange)
    );
    let unlock = &COMMANDS[1];
    let empty = Seq::empty();
    assert_eq!(
        validate::check_invoke(unlock, Privilege::User, Some(500), &empty),
        Err(DescriptorError::NeedsAdmin)
    );
    assert_eq!(
        validate::check_invoke(unlock, Privilege::Admin, None, &empty)
            .unwrap_err()
            .status(),
        Status::NEEDS_TIMED_INVOKE
    );
    assert_eq!(
        validate::check_invoke(unlock, Privilege::Admin, Some(500), &empty),
        Ok(())
    );
}

#[cfg(feature = "alloc")]
#[test]
fn owned_descriptor_expands_catalog_references() {
    use crate::catalog::{level_control, on_off};
    let bytes = encode::encode_to_vec(&COMPACT);
    let hash = hash_bytes(&bytes);
    let owned = OwnedDescriptor::from_vec_with_hash(bytes.clone(), &hash).unwrap();
    assert_eq!(owned.hash(), hash);
    assert_eq!(owned.as_bytes(), &bytes[..]);
    assert_eq!(owned.compact(), COMPACT);
    let device = owned.device();
    let ep = device.endpoint(EndpointId(1)).unwrap();
    fn names<'a>(c: Capability<'a>) -> std::vec::Vec<&'a str> {
        c.attributes.iter().map(|a| a.name).collect()
    }
    assert_eq!(names(ep.capability(on_off::ID).unwrap()), ["on"]);
    // Mandatory `level` and the one optional attribute named present.
    let level = ep.capability(level_control::ID).unwrap();
    assert_eq!(names(level), ["level", "on_level"]);
    assert_eq!(level.commands.len(), 1, "`step` is optional and absent");
    assert_eq!(level.name, "level_control");
    // The vendor capability travels, and expands, in full.
    let vendor = ep.capability(VENDOR_CAP.id).unwrap();
    assert_eq!(vendor, VENDOR_CAP);
    let wrong = crate::message::Fixed([0; 16]);
    assert_eq!(
        OwnedDescriptor::from_vec_with_hash(bytes, &wrong),
        Err(DescriptorError::HashMismatch)
    );
}

#[cfg(feature = "alloc")]
#[test]
fn an_unknown_revision_needs_its_definition() {
    use crate::catalog::on_off;
    let newer = [CapabilityEntry::Standard(CatalogRef {
        id: on_off::ID,
        revision: 9,
        features: 0,
        present: Present::NONE,
    })];
    let endpoints = [CompactEndpoint {
        id: EndpointId(1),
        device_types: Seq::empty(),
        capabilities: Seq::from_slice(&newer),
    }];
    let compact = Compact {
        info: COMPACT.info,
        endpoints: Seq::from_slice(&endpoints),
    };
    let bytes = encode::encode_to_vec(&compact);
    let hash = hash_bytes(&bytes);
    assert_eq!(
        OwnedDescriptor::from_vec(bytes.clone()),
        Err(DescriptorError::UnknownCatalogEntry {
            endpoint: 1,
            capability: on_off::ID,
            revision: 9
        })
    );
    // The definition the appliance serves for it.
    let mut future = on_off::CAPABILITY;
    future.revision = 9;
    let definition = Definition {
        endpoint: EndpointId(1),
        bytes: encode::encode_to_vec(&Expanded::new(&future, Present::NONE)),
    };
    let owned =
        OwnedDescriptor::from_parts(bytes.clone(), &hash, core::slice::from_ref(&definition))
            .unwrap();
    let cap = owned
        .device()
        .capability(EndpointId(1), on_off::ID)
        .unwrap();
    assert_eq!((cap.revision, cap.name), (9, "on_off"));
    // A definition of another revision does not stand in for it.
    let stale = Definition {
        bytes: encode::encode_to_vec(&Expanded::new(&on_off::CAPABILITY, Present::NONE)),
        ..definition
    };
    assert!(OwnedDescriptor::from_parts(bytes, &hash, &[stale]).is_err());
}

#[cfg(feature = "alloc")]
#[test]
fn references_name_only_optional_elements_and_only_vendors_travel_in_full() {
    use crate::catalog::{level_control, on_off};
    let mandatory = Present {
        attributes: 1 << level_control::LEVEL.0,
        ..Present::NONE
    };
    let bad = [CapabilityEntry::Standard(
        Expanded::new(&level_control::CAPABILITY, mandatory).reference(),
    )];
    let endpoints = [CompactEndpoint {
        id: EndpointId(1),
        device_types: Seq::empty(),
        capabilities: Seq::from_slice(&bad),
    }];
    let compact = Compact {
        info: COMPACT.info,
        endpoints: Seq::from_slice(&endpoints),
    };
    assert_eq!(
        OwnedDescriptor::from_vec(encode::encode_to_vec(&compact)),
        Err(DescriptorError::NotOptional {
            capability: level_control::ID,
            element: Element::Attribute(level_control::LEVEL),
        })
    );
    let full = [CapabilityEntry::Vendor(on_off::CAPABILITY)];
    let endpoints = [CompactEndpoint {
        capabilities: Seq::from_slice(&full),
        ..endpoints[0]
    }];
    let compact = Compact {
        info: COMPACT.info,
        endpoints: Seq::from_slice(&endpoints),
    };
    assert!(matches!(
        decode(&encode::encode_to_vec(&compact)),
        Err(DescriptorError::Invalid { .. })
    ));
}

#[test]
fn golden_catalog_reference() {
    let r = CapabilityEntry::Standard(CatalogRef {
        id: CapabilityId(5),
        revision: 1,
        features: 0,
        present: Present {
            attributes: 0b1000,
            commands: 0,
            events: 0,
        },
    });
    let mut buf = [0u8; 16];
    let n = encode(&r, &mut buf).unwrap();
    // Standard, id 5, revision 1, features 0, attributes {3}, no commands or events.
    assert_eq!(&buf[..n], &[0, 5, 1, 0, 8, 0, 0]);
}
