//! The standard appliance catalog: one file per capability, plus the
//! [`device_types`].
//!
//! Each capability module holds its id (`ID`), named ids of its attributes,
//! commands and events, and the full descriptor entry `CAPABILITY`, all
//! `const`: a firmware links only the entries it names, so three
//! capabilities cost the flash of three, not of the catalog.
//!
//! Ids never change once published; new attributes, commands, events and
//! enumeration members are appended with a new revision. `spec/CATALOG.md`
//! is generated from these entries ([`write_markdown`]).

/// Declares a capability's commands, one module per command: `ID` (the
/// [`CommandId`](crate::message::CommandId)), a
/// [`FieldId`](crate::message::FieldId) constant per argument field and,
/// in `response`, per response field. So `on_off::ON` is the attribute
/// and `on_off::on::ID` the command, and
/// `level_control::move_to_level::LEVEL` names an argument. A test the
/// macro writes into each entry's module checks that every constant matches
/// the entry's `CAPABILITY` (id, name, field ids and field names).
macro_rules! commands {
    ($(
        $(#[$doc:meta])*
        $name:ident = $id:literal ($($arg:ident = $aid:literal),* $(,)?)
        $(-> ($($resp:ident = $rid:literal),* $(,)?))?;
    )*) => {
        $(
            $(#[$doc])*
            pub mod $name {
                /// The command's id.
                pub const ID: crate::message::CommandId = crate::message::CommandId($id);
                $(
                    #[doc = concat!("Argument field ", stringify!($aid), ".")]
                    pub const $arg: crate::message::FieldId = crate::message::FieldId($aid);
                )*
                $(
                    /// The response fields.
                    pub mod response {
                        $(
                            #[doc = concat!("Response field ", stringify!($rid), ".")]
                            pub const $resp: crate::message::FieldId =
                                crate::message::FieldId($rid);
                        )*
                    }
                )?
            }
        )*

        #[cfg(test)]
        #[test]
        fn command_constants_match_the_entry() {
            let fields = |list: &crate::message::Seq<'_, crate::descriptor::FieldDesc<'_>>,
                          names: &[(&str, u16)]| {
                assert_eq!(list.len(), names.len());
                for (f, (name, id)) in list.iter().zip(names) {
                    assert!(f.name.eq_ignore_ascii_case(name), "{} / {name}", f.name);
                    assert_eq!(f.id.0, *id, "{}", f.name);
                }
            };
            let commands = CAPABILITY.commands;
            let declared: &[&str] = &[$(stringify!($name)),*];
            assert_eq!(commands.len(), declared.len(), "every command declared");
            $(
                let c = commands
                    .iter()
                    .find(|c| c.id.0 == $id)
                    .expect(stringify!($name));
                assert_eq!(c.name, stringify!($name));
                fields(&c.params, &[$((stringify!($arg), $aid)),*]);
                #[allow(unused_variables)]
                let response: &[(&str, u16)] = &[];
                $(let response: &[(&str, u16)] = &[$((stringify!($resp), $rid)),*];)?
                fields(&c.response, response);
            )*
        }
    };
}

pub mod device_types;
mod doc;
pub mod measurement;
pub mod reference;

pub mod air_quality;
pub mod basic_information;
pub mod co2_concentration;
pub mod color_control;
pub mod color_temperature;
pub mod contact_sensing;
pub mod cooktop;
pub mod dishwasher_alarm;
pub mod door_lock;
pub mod dryer_controls;
pub mod electrical_energy;
pub mod electrical_power;
pub mod fan_control;
pub mod filter_monitoring;
pub mod humidity_measurement;
pub mod identify;
pub mod illuminance_measurement;
pub mod laundry_controls;
pub mod level_control;
pub mod microwave_control;
pub mod mode_select;
pub mod occupancy_sensing;
pub mod on_off;
pub mod operational_state;
pub mod oven_cavity;
pub mod pm25_concentration;
pub mod power_source;
pub mod refrigerator_alarm;
pub mod rvc_clean_mode;
pub mod rvc_run_mode;
pub mod service_area;
pub mod smoke_co_alarm;
pub mod temperature_control;
pub mod temperature_measurement;
pub mod thermostat;
pub mod tvoc_concentration;
pub mod valve;
pub mod water_leak_detection;
pub mod window_covering;

pub use device_types::DeviceType;
pub use doc::write_markdown;

use crate::descriptor::Capability;

mod prelude {
    pub use crate::descriptor::{
        Access, Attribute, Capability, Command, Elem, EventDesc, FieldDesc, IntType, Named, Type,
        Unit, Width,
    };
    pub use crate::message::{AttributeId, CapabilityId, EventId, FieldId, Priority};
}

/// Every standard capability, in id order. Naming this table links them
/// all: firmware names single entries instead.
pub const ALL: &[&Capability<'static>] = &[
    &basic_information::CAPABILITY,
    &identify::CAPABILITY,
    &power_source::CAPABILITY,
    &on_off::CAPABILITY,
    &level_control::CAPABILITY,
    &color_temperature::CAPABILITY,
    &color_control::CAPABILITY,
    &electrical_power::CAPABILITY,
    &electrical_energy::CAPABILITY,
    &thermostat::CAPABILITY,
    &fan_control::CAPABILITY,
    &air_quality::CAPABILITY,
    &pm25_concentration::CAPABILITY,
    &co2_concentration::CAPABILITY,
    &tvoc_concentration::CAPABILITY,
    &filter_monitoring::CAPABILITY,
    &temperature_measurement::CAPABILITY,
    &humidity_measurement::CAPABILITY,
    &illuminance_measurement::CAPABILITY,
    &occupancy_sensing::CAPABILITY,
    &contact_sensing::CAPABILITY,
    &water_leak_detection::CAPABILITY,
    &smoke_co_alarm::CAPABILITY,
    &operational_state::CAPABILITY,
    &mode_select::CAPABILITY,
    &temperature_control::CAPABILITY,
    &laundry_controls::CAPABILITY,
    &oven_cavity::CAPABILITY,
    &microwave_control::CAPABILITY,
    &refrigerator_alarm::CAPABILITY,
    &dishwasher_alarm::CAPABILITY,
    &cooktop::CAPABILITY,
    &dryer_controls::CAPABILITY,
    &rvc_run_mode::CAPABILITY,
    &rvc_clean_mode::CAPABILITY,
    &service_area::CAPABILITY,
    &door_lock::CAPABILITY,
    &window_covering::CAPABILITY,
    &valve::CAPABILITY,
];

/// The standard capability with this id.
pub fn by_id(id: crate::message::CapabilityId) -> Option<&'static Capability<'static>> {
    ALL.iter().copied().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::validate;

    #[test]
    fn catalog_is_well_formed_and_sorted() {
        assert!(ALL.len() >= 30);
        assert!(device_types::ALL.len() >= 25);
        for pair in ALL.windows(2) {
            assert!(
                pair[0].id < pair[1].id,
                "{} / {}",
                pair[0].name,
                pair[1].name
            );
        }
        for cap in ALL {
            validate::check_capability(cap).unwrap_or_else(|e| panic!("{}: {e}", cap.name));
            assert!(cap.id.is_standard());
        }
        for pair in device_types::ALL.windows(2) {
            assert!(pair[0].id < pair[1].id);
        }
        for t in device_types::ALL {
            for id in t.required.iter().chain(t.optional) {
                assert!(by_id(*id).is_some(), "{}: {id:?}", t.name);
            }
        }
    }
}
