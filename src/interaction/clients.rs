//! Typed clients for catalog capabilities: requests built from Rust values
//! in natural units, validated against the catalog entry before anything
//! is sent, so a constraint error is caught on the phone.
//!
//! ```
//! use applink::interaction::clients::{OnOff, Thermostat};
//! use applink::message::{EndpointId, Message};
//!
//! let toggle = OnOff::new(EndpointId(1)).toggle();
//! assert!(matches!(toggle.message(), Message::Invoke(_)));
//! let set = Thermostat::new(EndpointId(1)).set_heating_setpoint(21.5).unwrap();
//! assert!(matches!(set.message(), Message::Write(_)));
//! assert!(Thermostat::new(EndpointId(1)).set_heating_setpoint(31.0).is_err()); // above 30 °C
//! assert!(Thermostat::new(EndpointId(1)).set_heating_setpoint(21.3).is_err()); // not on 0.5 °C
//! ```

use crate::catalog::{
    basic_information, door_lock, level_control, on_off, operational_state, thermostat,
    window_covering,
};
use crate::descriptor::{Capability, DescriptorError, IntType, Type, Width, validate};
use crate::message::{
    AttributeId, AttributeValue, BatchItem, CapabilityId, CommandId, EndpointId, Field, Invoke,
    Message, Read, Seq, Value, Write,
};

/// Most arguments a typed client passes.
const MAX_ARGS: usize = 3;

/// A validated command invocation, ready to send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InvokeRequest {
    endpoint: EndpointId,
    capability: CapabilityId,
    command: CommandId,
    timed_ms: Option<u16>,
    args: [Field<'static>; MAX_ARGS],
    count: usize,
}

impl InvokeRequest {
    fn request(&self) -> Invoke<'_> {
        Invoke {
            endpoint: self.endpoint,
            capability: self.capability,
            command: self.command,
            timed_ms: self.timed_ms,
            args: Seq::from_slice(&self.args[..self.count]),
        }
    }

    /// The `Invoke` message.
    pub fn message(&self) -> Message<'_> {
        Message::Invoke(self.request())
    }

    /// The invoke as an item of a [`Batch`](crate::message::Batch).
    pub fn item(&self) -> BatchItem<'_> {
        BatchItem::Invoke(self.request())
    }
}

/// A validated single-attribute write, ready to send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WriteRequest {
    endpoint: EndpointId,
    capability: CapabilityId,
    value: AttributeValue<'static>,
    /// Only if the capability instance is still at this data version.
    pub data_version: Option<u32>,
}

impl WriteRequest {
    fn request(&self) -> Write<'_> {
        Write {
            endpoint: self.endpoint,
            capability: self.capability,
            data_version: self.data_version,
            values: Seq::from_slice(core::slice::from_ref(&self.value)),
        }
    }

    /// The `Write` message.
    pub fn message(&self) -> Message<'_> {
        Message::Write(self.request())
    }

    /// The write as an item of a [`Batch`](crate::message::Batch).
    pub fn item(&self) -> BatchItem<'_> {
        BatchItem::Write(self.request())
    }
}

/// Builds an invoke of `command` of `cap` after checking `args` against it.
pub fn invoke(
    endpoint: EndpointId,
    cap: &Capability<'_>,
    command: CommandId,
    args: &[Field<'static>],
    timed_ms: Option<u16>,
) -> Result<InvokeRequest, DescriptorError> {
    let desc = cap
        .command(command)
        .ok_or(DescriptorError::UnknownCommand)?;
    if args.len() > MAX_ARGS {
        return Err(DescriptorError::UnknownField);
    }
    validate::check_fields(&desc.params, &Seq::from_slice(args))?;
    if desc.timed && timed_ms.unwrap_or(0) == 0 {
        return Err(DescriptorError::NeedsTimedInvoke);
    }
    let mut out = [Field::new(0, Value::Null); MAX_ARGS];
    out[..args.len()].copy_from_slice(args);
    Ok(InvokeRequest {
        endpoint,
        capability: cap.id,
        command,
        timed_ms,
        args: out,
        count: args.len(),
    })
}

/// Builds a write of `attribute` of `cap` after checking `value` against it.
pub fn write(
    endpoint: EndpointId,
    cap: &Capability<'_>,
    attribute: AttributeId,
    value: Value<'static>,
) -> Result<WriteRequest, DescriptorError> {
    let attr = cap
        .attribute(attribute)
        .ok_or(DescriptorError::UnknownAttribute)?;
    if !attr.access.contains(crate::descriptor::Access::WRITE) {
        return Err(DescriptorError::NotWritable);
    }
    validate::check_value(&attr.ty, attr.nullable, &value)?;
    Ok(WriteRequest {
        endpoint,
        capability: cap.id,
        value: AttributeValue { attribute, value },
        data_version: None,
    })
}

/// Reads `attributes` of capability `capability` (all when empty).
pub fn read(
    endpoint: EndpointId,
    capability: CapabilityId,
    attributes: &[AttributeId],
) -> Read<'_> {
    Read {
        endpoint,
        capability: Some(capability),
        attributes: Seq::from_slice(attributes),
    }
}

/// Converts a real quantity into an integer type's raw value, rounding to
/// the nearest raw unit, then checks it (range and step).
pub fn to_raw(t: &IntType, real: f64) -> Result<Value<'static>, DescriptorError> {
    if !real.is_finite() {
        return Err(DescriptorError::OutOfRange);
    }
    let mut x = real;
    let mut s = t.scale;
    while s < 0 {
        x *= 10.0;
        s += 1;
    }
    while s > 0 {
        x /= 10.0;
        s -= 1;
    }
    let rounded = if x >= 0.0 { x + 0.5 } else { x - 0.5 };
    if rounded < i64::MIN as f64 || rounded > i64::MAX as f64 {
        return Err(DescriptorError::OutOfRange);
    }
    let raw = rounded as i64;
    if raw < t.min || raw > t.max {
        return Err(DescriptorError::OutOfRange);
    }
    let v = match t.width {
        Width::U8 => Value::U8(raw as u8),
        Width::U16 => Value::U16(raw as u16),
        Width::U32 => Value::U32(raw as u32),
        Width::U64 => Value::U64(raw as u64),
        Width::I8 => Value::I8(raw as i8),
        Width::I16 => Value::I16(raw as i16),
        Width::I32 => Value::I32(raw as i32),
        Width::I64 => Value::I64(raw),
    };
    validate::check_value(&Type::Int(*t), false, &v)?;
    Ok(v)
}

fn int_type(cap: &Capability<'_>, attribute: AttributeId) -> Result<IntType, DescriptorError> {
    match cap.attribute(attribute).map(|a| a.ty) {
        Some(Type::Int(t)) => Ok(t),
        Some(_) => Err(DescriptorError::WrongType),
        None => Err(DescriptorError::UnknownAttribute),
    }
}

macro_rules! client {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name {
            /// The endpoint the capability is on.
            pub endpoint: EndpointId,
        }

        impl $name {
            /// A client for the capability on `endpoint`.
            pub const fn new(endpoint: EndpointId) -> Self {
                $name { endpoint }
            }
        }
    };
}

client!(
    /// [`basic_information`] client.
    BasicInformation
);
client!(
    /// [`on_off`] client.
    OnOff
);
client!(
    /// [`level_control`] client.
    LevelControl
);
client!(
    /// [`thermostat`] client.
    Thermostat
);
client!(
    /// [`operational_state`] client.
    OperationalState
);
client!(
    /// [`door_lock`] client.
    DoorLock
);
client!(
    /// [`window_covering`] client.
    WindowCovering
);

impl BasicInformation {
    /// Reads the product's name and the vendor's (`product_name`,
    /// `vendor_name`): the descriptor names the model by number only.
    pub fn read_names(&self) -> Read<'static> {
        read(
            self.endpoint,
            basic_information::ID,
            &[
                basic_information::VENDOR_NAME,
                basic_information::PRODUCT_NAME,
            ],
        )
    }
}

impl OnOff {
    fn command(&self, command: CommandId) -> InvokeRequest {
        InvokeRequest {
            endpoint: self.endpoint,
            capability: on_off::ID,
            command,
            timed_ms: None,
            args: [Field::new(0, Value::Null); MAX_ARGS],
            count: 0,
        }
    }

    /// Switches on.
    pub fn on(&self) -> InvokeRequest {
        self.command(on_off::on::ID)
    }

    /// Switches off.
    pub fn off(&self) -> InvokeRequest {
        self.command(on_off::off::ID)
    }

    /// Toggles.
    pub fn toggle(&self) -> InvokeRequest {
        self.command(on_off::toggle::ID)
    }

    /// Reads whether it is on.
    pub fn read_on(&self) -> Read<'static> {
        read(self.endpoint, on_off::ID, &[on_off::ON])
    }
}

impl LevelControl {
    /// Moves to `level` (1..=254), optionally over `transition_s` seconds.
    pub fn move_to_level(
        &self,
        level: u8,
        transition_s: Option<f32>,
    ) -> Result<InvokeRequest, DescriptorError> {
        use level_control::move_to_level::{LEVEL, TRANSITION_DS};
        let mut args = [
            Field::new(LEVEL.0, Value::U8(level)),
            Field::new(TRANSITION_DS.0, Value::Null),
        ];
        let mut n = 1;
        if let Some(s) = transition_s {
            let t = IntType {
                scale: -1,
                ..IntType::new(Width::U16, 0, 6000)
            };
            args[1] = Field::new(TRANSITION_DS.0, to_raw(&t, s.into())?);
            n = 2;
        }
        invoke(
            self.endpoint,
            &level_control::CAPABILITY,
            level_control::move_to_level::ID,
            &args[..n],
            None,
        )
    }
}

impl Thermostat {
    /// Sets the heating setpoint in degrees Celsius (5.0..=30.0, in 0.5 °C
    /// steps).
    pub fn set_heating_setpoint(&self, celsius: f32) -> Result<WriteRequest, DescriptorError> {
        let cap = &thermostat::CAPABILITY;
        let raw = to_raw(
            &int_type(cap, thermostat::HEATING_SETPOINT)?,
            celsius.into(),
        )?;
        write(self.endpoint, cap, thermostat::HEATING_SETPOINT, raw)
    }

    /// Sets the system mode (a member of `system_mode`).
    pub fn set_system_mode(&self, mode: u16) -> Result<WriteRequest, DescriptorError> {
        write(
            self.endpoint,
            &thermostat::CAPABILITY,
            thermostat::SYSTEM_MODE,
            Value::Enum(mode),
        )
    }
}

impl OperationalState {
    fn command(&self, command: CommandId) -> InvokeRequest {
        InvokeRequest {
            endpoint: self.endpoint,
            capability: operational_state::ID,
            command,
            timed_ms: None,
            args: [Field::new(0, Value::Null); MAX_ARGS],
            count: 0,
        }
    }

    /// Starts a cycle.
    pub fn start(&self) -> InvokeRequest {
        self.command(operational_state::start::ID)
    }

    /// Stops.
    pub fn stop(&self) -> InvokeRequest {
        self.command(operational_state::stop::ID)
    }

    /// Pauses.
    pub fn pause(&self) -> InvokeRequest {
        self.command(operational_state::pause::ID)
    }

    /// Resumes.
    pub fn resume(&self) -> InvokeRequest {
        self.command(operational_state::resume::ID)
    }
}

impl DoorLock {
    /// Locks.
    pub fn lock(&self) -> InvokeRequest {
        InvokeRequest {
            endpoint: self.endpoint,
            capability: door_lock::ID,
            command: door_lock::lock::ID,
            timed_ms: None,
            args: [Field::new(0, Value::Null); MAX_ARGS],
            count: 0,
        }
    }

    /// Unlocks: a timed invoke valid for `timeout_ms`.
    pub fn unlock(&self, timeout_ms: u16) -> Result<InvokeRequest, DescriptorError> {
        invoke(
            self.endpoint,
            &door_lock::CAPABILITY,
            door_lock::unlock::ID,
            &[],
            Some(timeout_ms),
        )
    }
}

impl WindowCovering {
    /// Moves to `percent` closed (0.0 open ..= 100.0 closed).
    pub fn go_to_position(&self, percent: f32) -> Result<InvokeRequest, DescriptorError> {
        let t = IntType {
            scale: -2,
            ..IntType::new(Width::U16, 0, 10000)
        };
        let position = window_covering::go_to_position::POSITION;
        let args = [Field::new(position.0, to_raw(&t, percent.into())?)];
        invoke(
            self.endpoint,
            &window_covering::CAPABILITY,
            window_covering::go_to_position::ID,
            &args,
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setpoint_is_scaled_and_checked() {
        let t = Thermostat::new(EndpointId(1));
        let w = t.set_heating_setpoint(21.5).unwrap();
        let Message::Write(msg) = w.message() else {
            panic!()
        };
        assert_eq!(msg.values.iter().next().unwrap().value, Value::I16(2150));
        assert_eq!(
            t.set_heating_setpoint(4.5),
            Err(DescriptorError::OutOfRange)
        );
        assert_eq!(
            t.set_heating_setpoint(21.3),
            Err(DescriptorError::NotOnStep)
        );
        assert_eq!(
            t.set_heating_setpoint(f32::NAN),
            Err(DescriptorError::OutOfRange)
        );
        assert_eq!(t.set_system_mode(9), Err(DescriptorError::NotAMember));
    }

    #[test]
    fn commands_are_checked() {
        let l = LevelControl::new(EndpointId(1));
        assert!(l.move_to_level(128, Some(1.5)).is_ok());
        assert_eq!(l.move_to_level(0, None), Err(DescriptorError::OutOfRange));
        assert_eq!(
            l.move_to_level(10, Some(900.0)),
            Err(DescriptorError::OutOfRange)
        );
        let lock = DoorLock::new(EndpointId(1));
        assert_eq!(lock.unlock(0), Err(DescriptorError::NeedsTimedInvoke));
        let req = lock.unlock(500).unwrap();
        let Message::Invoke(inv) = req.message() else {
            panic!()
        };
        assert_eq!(inv.timed_ms, Some(500));
        let w = WindowCovering::new(EndpointId(3));
        let req = w.go_to_position(42.25).unwrap();
        let Message::Invoke(inv) = req.message() else {
            panic!()
        };
        assert_eq!(inv.args.iter().next().unwrap().value, Value::U16(4225));
        assert!(w.go_to_position(101.0).is_err());
        let req = OnOff::new(EndpointId(2)).toggle();
        let Message::Invoke(inv) = req.message() else {
            panic!()
        };
        assert_eq!(
            (inv.capability, inv.command),
            (on_off::ID, on_off::toggle::ID)
        );
    }
}
