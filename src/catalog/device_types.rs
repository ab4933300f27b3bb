//! The standard device types: what an endpoint must and may implement to
//! be a lamp, a washer, a door lock. An endpoint names its device types in
//! its descriptor ([`DeviceTypeRef`]); [`DeviceType::check`] tells whether
//! it carries the required capabilities.

use crate::descriptor::{DeviceTypeRef, Endpoint};
use crate::message::CapabilityId;

use super::{
    air_quality, basic_information, co2_concentration, color_control, color_temperature,
    contact_sensing, cooktop, dishwasher_alarm, door_lock, dryer_controls, electrical_energy,
    electrical_power, fan_control, filter_monitoring, humidity_measurement, identify,
    illuminance_measurement, laundry_controls, level_control, microwave_control, mode_select,
    occupancy_sensing, on_off, operational_state, oven_cavity, pm25_concentration, power_source,
    refrigerator_alarm, rvc_clean_mode, rvc_run_mode, service_area, smoke_co_alarm,
    temperature_control, temperature_measurement, thermostat, tvoc_concentration, valve,
    water_leak_detection, window_covering,
};

/// A standard device type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceType {
    /// Its id (never reused).
    pub id: u16,
    /// Name key.
    pub name: &'static str,
    /// Current revision.
    pub revision: u16,
    /// Capabilities an endpoint of this type must have.
    pub required: &'static [CapabilityId],
    /// Capabilities it may have.
    pub optional: &'static [CapabilityId],
}

impl DeviceType {
    /// The reference an endpoint's descriptor carries.
    pub const fn reference(&self) -> DeviceTypeRef {
        DeviceTypeRef {
            id: self.id,
            revision: self.revision,
        }
    }

    /// Checks that `endpoint` carries every required capability; on failure
    /// returns the first one missing.
    pub fn check(&self, endpoint: &Endpoint<'_>) -> Result<(), CapabilityId> {
        match self
            .required
            .iter()
            .find(|id| endpoint.capability(**id).is_none())
        {
            Some(missing) => Err(*missing),
            None => Ok(()),
        }
    }

    /// The standard device type with this id.
    pub fn by_id(id: u16) -> Option<&'static DeviceType> {
        ALL.iter().copied().find(|t| t.id == id)
    }
}

macro_rules! device_types {
    ($($(#[$doc:meta])* $name:ident = $id:literal, $key:literal, [$($req:ident),*], [$($opt:ident),*];)*) => {
        $($(#[$doc])* pub const $name: DeviceType = DeviceType {
            id: $id,
            name: $key,
            revision: 1,
            required: &[$($req::ID),*],
            optional: &[$($opt::ID),*],
        };)*

        /// Every standard device type, in id order.
        pub const ALL: &[&DeviceType] = &[$(&$name),*];
    };
}

device_types! {
    /// The root endpoint of every device.
    ROOT_NODE = 0x0016, "root_node", [basic_information], [power_source];
    /// A light that switches on and off.
    ON_OFF_LIGHT = 0x0100, "on_off_light", [on_off, identify], [level_control];
    /// A dimmable light.
    DIMMABLE_LIGHT = 0x0101, "dimmable_light", [on_off, level_control, identify], [];
    /// A tunable-white light.
    COLOR_TEMPERATURE_LIGHT = 0x0102, "color_temperature_light", [on_off, level_control, color_temperature, identify], [];
    /// A full-color light.
    COLOR_LIGHT = 0x0103, "color_light", [on_off, level_control, color_control, identify], [color_temperature];
    /// A smart plug.
    PLUG = 0x010A, "plug", [on_off, identify], [electrical_power, electrical_energy];
    /// A thermostat.
    THERMOSTAT = 0x0301, "thermostat", [thermostat], [temperature_measurement, humidity_measurement, fan_control, power_source];
    /// A fan.
    FAN = 0x0302, "fan", [fan_control], [on_off];
    /// An air purifier.
    AIR_PURIFIER = 0x0303, "air_purifier", [fan_control], [on_off, filter_monitoring, air_quality, pm25_concentration, co2_concentration, tvoc_concentration];
    /// A room air conditioner.
    ROOM_AIR_CONDITIONER = 0x0304, "room_air_conditioner", [on_off, thermostat], [fan_control, temperature_measurement, humidity_measurement];
    /// An air quality sensor.
    AIR_QUALITY_SENSOR = 0x0305, "air_quality_sensor", [air_quality], [pm25_concentration, co2_concentration, tvoc_concentration, temperature_measurement, humidity_measurement];
    /// A refrigerator compartment.
    REFRIGERATOR = 0x0401, "refrigerator", [temperature_control], [refrigerator_alarm, mode_select, temperature_measurement];
    /// A washing machine.
    WASHER = 0x0402, "washer", [operational_state], [on_off, mode_select, laundry_controls, temperature_control];
    /// A tumble dryer.
    DRYER = 0x0403, "dryer", [operational_state], [on_off, mode_select, dryer_controls, temperature_control];
    /// A dishwasher.
    DISHWASHER = 0x0404, "dishwasher", [operational_state], [on_off, mode_select, dishwasher_alarm, temperature_control];
    /// An oven cavity.
    OVEN = 0x0405, "oven", [operational_state, temperature_control, oven_cavity], [mode_select];
    /// A cooktop (hob).
    COOKTOP = 0x0406, "cooktop", [cooktop], [on_off];
    /// A microwave oven.
    MICROWAVE_OVEN = 0x0407, "microwave_oven", [operational_state, microwave_control], [mode_select];
    /// A range hood.
    RANGE_HOOD = 0x0408, "range_hood", [fan_control], [on_off, level_control, filter_monitoring];
    /// A robot vacuum cleaner.
    ROBOT_VACUUM = 0x0409, "robot_vacuum", [rvc_run_mode, operational_state], [rvc_clean_mode, service_area, power_source];
    /// A door lock.
    DOOR_LOCK = 0x0501, "door_lock", [door_lock], [power_source];
    /// Blinds, shades and shutters.
    WINDOW_COVERING = 0x0502, "window_covering", [window_covering], [power_source];
    /// A door or window contact sensor.
    CONTACT_SENSOR = 0x0601, "contact_sensor", [contact_sensing], [power_source];
    /// An occupancy sensor.
    OCCUPANCY_SENSOR = 0x0602, "occupancy_sensor", [occupancy_sensing], [illuminance_measurement, power_source];
    /// A temperature sensor.
    TEMPERATURE_SENSOR = 0x0603, "temperature_sensor", [temperature_measurement], [power_source];
    /// A humidity sensor.
    HUMIDITY_SENSOR = 0x0604, "humidity_sensor", [humidity_measurement], [power_source];
    /// A water leak detector.
    WATER_LEAK_DETECTOR = 0x0605, "water_leak_detector", [water_leak_detection], [power_source];
    /// A smoke and CO alarm.
    SMOKE_CO_ALARM = 0x0606, "smoke_co_alarm", [smoke_co_alarm], [power_source];
    /// A light sensor.
    LIGHT_SENSOR = 0x0607, "light_sensor", [illuminance_measurement], [power_source];
    /// A water valve.
    WATER_VALVE = 0x0701, "water_valve", [valve], [power_source, electrical_power];
    /// An energy meter.
    ENERGY_METER = 0x0702, "energy_meter", [electrical_power, electrical_energy], [];
}
