//! The reference appliances of the specification: a dimmable lamp and a
//! washer, as `const` descriptors. Their encodings and hashes are the
//! vectors in `spec/vectors/descriptors.json`.

use crate::descriptor::{Capability, Device, DeviceInfo, DeviceTypeRef, Endpoint};
use crate::message::{EndpointId, Seq, VendorId};

use super::{
    basic_information, device_types, identify, laundry_controls, level_control, mode_select,
    on_off, operational_state, temperature_control,
};

const ROOT_TYPES: [DeviceTypeRef; 1] = [device_types::ROOT_NODE.reference()];
const ROOT_CAPS: [Capability<'static>; 1] = [basic_information::CAPABILITY];
/// The root endpoint every reference device has.
pub const ROOT: Endpoint<'static> = Endpoint {
    id: EndpointId::ROOT,
    device_types: Seq::from_slice(&ROOT_TYPES),
    capabilities: Seq::from_slice(&ROOT_CAPS),
};

const LAMP_TYPES: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];
/// The lamp's capabilities: identify, on/off, level control.
pub const LAMP_CAPS: [Capability<'static>; 3] = [
    identify::CAPABILITY,
    on_off::CAPABILITY,
    level_control::CAPABILITY,
];
const LAMP_ENDPOINTS: [Endpoint<'static>; 2] = [
    ROOT,
    Endpoint {
        id: EndpointId(1),
        device_types: Seq::from_slice(&LAMP_TYPES),
        capabilities: Seq::from_slice(&LAMP_CAPS),
    },
];

/// The reference lamp: a dimmable light on endpoint 1.
pub const LAMP: Device<'static> = Device {
    info: DeviceInfo {
        vendor: VendorId(0xFFF1),
        product: 0x0001,
        product_name: "Reference Lamp",
        serial: "L-0001",
        hardware_version: 1,
        firmware_version: 0x0001_0000,
        min_protocol: 1,
        max_protocol: 1,
    },
    endpoints: Seq::from_slice(&LAMP_ENDPOINTS),
};

const WASHER_TYPES: [DeviceTypeRef; 1] = [device_types::WASHER.reference()];
/// The washer's capabilities: on/off, operational state, program select,
/// temperature control, laundry controls.
pub const WASHER_CAPS: [Capability<'static>; 5] = [
    on_off::CAPABILITY,
    operational_state::CAPABILITY,
    mode_select::CAPABILITY,
    temperature_control::CAPABILITY,
    laundry_controls::CAPABILITY,
];
const WASHER_ENDPOINTS: [Endpoint<'static>; 2] = [
    ROOT,
    Endpoint {
        id: EndpointId(1),
        device_types: Seq::from_slice(&WASHER_TYPES),
        capabilities: Seq::from_slice(&WASHER_CAPS),
    },
];

/// The reference washer on endpoint 1.
pub const WASHER: Device<'static> = Device {
    info: DeviceInfo {
        vendor: VendorId(0xFFF1),
        product: 0x0002,
        product_name: "Reference Washer",
        serial: "W-0001",
        hardware_version: 1,
        firmware_version: 0x0001_0000,
        min_protocol: 1,
        max_protocol: 1,
    },
    endpoints: Seq::from_slice(&WASHER_ENDPOINTS),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{decode, encode, validate};

    #[test]
    fn reference_devices_are_valid_and_round_trip() {
        for (device, ty) in [
            (LAMP, &device_types::DIMMABLE_LIGHT),
            (WASHER, &device_types::WASHER),
        ] {
            validate::check_device(&device).unwrap();
            let mut buf = [0u8; 4096];
            let n = encode(&device, &mut buf).unwrap();
            let back = decode(&buf[..n]).unwrap();
            assert_eq!(back, device);
            ty.check(&back.endpoint(EndpointId(1)).unwrap()).unwrap();
        }
    }
}
