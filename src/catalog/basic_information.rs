//! `basic_information` (0x0001): who the device is, on the root endpoint.

use super::prelude::*;

/// The capability id.
pub const ID: CapabilityId = CapabilityId(0x0001);
/// `vendor_name` (string, read).
pub const VENDOR_NAME: AttributeId = AttributeId(0);
/// `product_name` (string, read): not a descriptor field, which names the
/// model by vendor and product number only.
pub const PRODUCT_NAME: AttributeId = AttributeId(1);
/// `serial_number` (string, read; optional): the unit's, so not a
/// descriptor field.
pub const SERIAL_NUMBER: AttributeId = AttributeId(2);
/// `firmware_version` (string, read).
pub const FIRMWARE_VERSION: AttributeId = AttributeId(3);
/// `location` (string, admin-writable, persisted; optional).
pub const LOCATION: AttributeId = AttributeId(4);
/// `label` (string, writable, persisted; optional): a user-given name.
pub const LABEL: AttributeId = AttributeId(5);
/// `reachable` (bool, read, notify; optional).
pub const REACHABLE: AttributeId = AttributeId(6);

const ATTRIBUTES: [Attribute<'static>; 7] = [
    Attribute::new(VENDOR_NAME.0, "vendor_name", Type::string(32), Access::R),
    Attribute::new(PRODUCT_NAME.0, "product_name", Type::string(32), Access::R),
    Attribute::new(
        SERIAL_NUMBER.0,
        "serial_number",
        Type::string(32),
        Access::R,
    )
    .optional(),
    Attribute::new(
        FIRMWARE_VERSION.0,
        "firmware_version",
        Type::string(32),
        Access::R,
    ),
    Attribute::new(LOCATION.0, "location", Type::string(2), Access::RWN_ADMIN)
        .persisted()
        .optional(),
    Attribute::new(LABEL.0, "label", Type::string(32), Access::RWN)
        .persisted()
        .optional(),
    Attribute::new(REACHABLE.0, "reachable", Type::Bool, Access::RN).optional(),
];
const EVENTS: [EventDesc<'static>; 2] = [
    EventDesc::new(0, "start_up", Priority::Info, &[]),
    EventDesc::new(1, "shut_down", Priority::Info, &[]).optional(),
];

/// The catalog entry.
pub const CAPABILITY: Capability<'static> =
    Capability::new(ID.0, "basic_information", 1, &ATTRIBUTES, &[], &EVENTS);
