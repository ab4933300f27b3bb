//! The reference appliances of the specification: a dimmable lamp and a
//! washer, as `const` compact descriptors. Their encodings, expansions and
//! hashes are the vectors in `spec/vectors/descriptors.json`.

use crate::descriptor::{
    CapabilityEntry, Compact, CompactEndpoint, DeviceInfo, DeviceTypeRef, Expanded, Present,
};
use crate::message::{EndpointId, Seq, VendorId};

use super::{
    basic_information, device_types, identify, laundry_controls, level_control, mode_select,
    on_off, operational_state, temperature_control,
};

const fn standard(
    capability: &'static crate::descriptor::Capability<'static>,
    present: Present,
) -> CapabilityEntry<'static> {
    CapabilityEntry::Standard(Expanded::new(capability, present).reference())
}

/// The optional `basic_information` attributes the reference devices have:
/// `serial_number`, `location`, `label` and `reachable`.
pub const ROOT_PRESENT: Present = Present {
    attributes: 1 << basic_information::SERIAL_NUMBER.0
        | 1 << basic_information::LOCATION.0
        | 1 << basic_information::LABEL.0
        | 1 << basic_information::REACHABLE.0,
    commands: 0,
    events: 0,
};
const ROOT_TYPES: [DeviceTypeRef; 1] = [device_types::ROOT_NODE.reference()];
const ROOT_CAPS: [CapabilityEntry<'static>; 1] =
    [standard(&basic_information::CAPABILITY, ROOT_PRESENT)];
/// The root endpoint every reference device has.
pub const ROOT: CompactEndpoint<'static> = CompactEndpoint {
    id: EndpointId::ROOT,
    device_types: Seq::from_slice(&ROOT_TYPES),
    capabilities: Seq::from_slice(&ROOT_CAPS),
};

/// The optional `level_control` attributes the reference lamp has:
/// `min_level`, `max_level` and `on_level`.
pub const LAMP_LEVEL_PRESENT: Present = Present {
    attributes: 1 << level_control::MIN_LEVEL.0
        | 1 << level_control::MAX_LEVEL.0
        | 1 << level_control::ON_LEVEL.0,
    commands: 0,
    events: 0,
};
const LAMP_TYPES: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];
/// The lamp's capabilities: identify, on/off, level control.
pub const LAMP_CAPS: [CapabilityEntry<'static>; 3] = [
    standard(&identify::CAPABILITY, Present::NONE),
    standard(&on_off::CAPABILITY, Present::NONE),
    standard(&level_control::CAPABILITY, LAMP_LEVEL_PRESENT),
];
const LAMP_ENDPOINTS: [CompactEndpoint<'static>; 2] = [
    ROOT,
    CompactEndpoint {
        id: EndpointId(1),
        device_types: Seq::from_slice(&LAMP_TYPES),
        capabilities: Seq::from_slice(&LAMP_CAPS),
    },
];

/// The reference lamp: a dimmable light on endpoint 1.
pub const LAMP: Compact<'static> = Compact {
    info: DeviceInfo {
        vendor: VendorId(0xFFF1),
        product: 0x0001,
        hardware_version: 1,
        min_protocol: 1,
        max_protocol: 1,
    },
    endpoints: Seq::from_slice(&LAMP_ENDPOINTS),
};

/// The optional `operational_state` elements the reference washer has:
/// `phase`, `remaining_s`, `pause`, `resume` and `cycle_complete`.
pub const WASHER_STATE_PRESENT: Present = Present {
    attributes: 1 << operational_state::PHASE.0 | 1 << operational_state::REMAINING.0,
    commands: 1 << operational_state::pause::ID.0 | 1 << operational_state::resume::ID.0,
    events: 1 << operational_state::CYCLE_COMPLETE.0,
};
const WASHER_TYPES: [DeviceTypeRef; 1] = [device_types::WASHER.reference()];
/// The washer's capabilities: on/off, operational state, program select,
/// temperature control, laundry controls.
pub const WASHER_CAPS: [CapabilityEntry<'static>; 5] = [
    standard(&on_off::CAPABILITY, Present::NONE),
    standard(&operational_state::CAPABILITY, WASHER_STATE_PRESENT),
    standard(&mode_select::CAPABILITY, Present::NONE),
    standard(&temperature_control::CAPABILITY, Present::NONE),
    standard(&laundry_controls::CAPABILITY, Present::NONE),
];
const WASHER_ENDPOINTS: [CompactEndpoint<'static>; 2] = [
    ROOT,
    CompactEndpoint {
        id: EndpointId(1),
        device_types: Seq::from_slice(&WASHER_TYPES),
        capabilities: Seq::from_slice(&WASHER_CAPS),
    },
];

/// The reference washer on endpoint 1.
pub const WASHER: Compact<'static> = Compact {
    info: DeviceInfo {
        vendor: VendorId(0xFFF1),
        product: 0x0002,
        hardware_version: 1,
        min_protocol: 1,
        max_protocol: 1,
    },
    endpoints: Seq::from_slice(&WASHER_ENDPOINTS),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{OwnedDescriptor, decode, encode, validate};

    #[test]
    fn reference_devices_are_valid_round_trip_and_expand() {
        for (device, ty) in [
            (LAMP, &device_types::DIMMABLE_LIGHT),
            (WASHER, &device_types::WASHER),
        ] {
            validate::check_compact(&device).unwrap();
            let mut buf = [0u8; 512];
            let n = encode(&device, &mut buf).unwrap();
            let back = decode(&buf[..n]).unwrap();
            assert_eq!(back, device);
            let owned = OwnedDescriptor::from_vec(buf[..n].to_vec()).unwrap();
            ty.check(&owned.device().endpoint(EndpointId(1)).unwrap())
                .unwrap();
        }
    }
}
