//! The reference lamp of `spec/vectors/interaction.json` (root endpoint 0
//! with `basic_information`; endpoint 1 a dimmable light with `identify`,
//! `on_off` and `level_control`), assembled from catalog capabilities with
//! table handlers that store what is written and run each command.

use applink::catalog::{basic_information, device_types, identify, level_control, on_off};
use applink::descriptor::DeviceTypeRef;
use applink::interaction::{
    Context, Dispatcher, EndpointEntry, EventCounter, Handler, Instance, RamSequenceStore, Response,
};
use applink::message::{AttributeId, CapabilityId, CommandId, Field, FieldId, Seq, Status, Value};

/// Subscriptions the lamp holds at most.
pub const SUBS: usize = 3;
/// The lamp's event log, in bytes.
pub const EVENTS: usize = 256;

/// The lamp's dispatcher.
pub type Lamp<'a> = Dispatcher<'a, RamSequenceStore, SUBS, EVENTS>;

enum Slot {
    Scalar(Value<'static>),
    Text(heapless::String<32>),
}

/// One capability instance's attribute values, and its commands.
pub struct Table {
    capability: CapabilityId,
    slots: heapless::Vec<(AttributeId, Slot), 8>,
}

impl Table {
    fn new(capability: CapabilityId, values: &[(AttributeId, Value<'static>)]) -> Self {
        let mut t = Table {
            capability,
            slots: heapless::Vec::new(),
        };
        for (a, v) in values {
            let mut cx = Context::new(applink::time::Instant::ZERO);
            t.store(*a, v, &mut cx).expect("a default fits its table");
        }
        t
    }

    fn get(&self, attribute: AttributeId) -> Option<Value<'_>> {
        self.slots
            .iter()
            .find(|(a, _)| *a == attribute)
            .map(|(_, s)| match s {
                Slot::Scalar(v) => *v,
                Slot::Text(s) => Value::Str(s.as_str()),
            })
    }

    fn store(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        cx: &mut Context,
    ) -> Result<(), Status> {
        let slot = match *value {
            Value::Str(s) => {
                Slot::Text(heapless::String::try_from(s).map_err(|_| Status::FAILURE)?)
            }
            Value::Null => Slot::Scalar(Value::Null),
            Value::Bool(b) => Slot::Scalar(Value::Bool(b)),
            Value::U8(n) => Slot::Scalar(Value::U8(n)),
            Value::U16(n) => Slot::Scalar(Value::U16(n)),
            Value::U32(n) => Slot::Scalar(Value::U32(n)),
            Value::Enum(n) => Slot::Scalar(Value::Enum(n)),
            Value::Bitmap(n) => Slot::Scalar(Value::Bitmap(n)),
            // Nothing of the lamp's has another type.
            _ => return Err(Status::FAILURE),
        };
        match self.slots.iter_mut().find(|(a, _)| *a == attribute) {
            Some(entry) => entry.1 = slot,
            None => self
                .slots
                .push((attribute, slot))
                .map_err(|_| Status::RESOURCE_EXHAUSTED)?,
        }
        cx.changed(attribute);
        Ok(())
    }

    fn arg(args: &Seq<'_, Field<'_>>, id: u16) -> Option<Value<'static>> {
        args.iter()
            .find(|f| f.id == FieldId(id))
            .and_then(|f| f.value.as_i128())
            .and_then(|n| u16::try_from(n).ok())
            .map(Value::U16)
    }
}

impl Handler for Table {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        self.get(attribute).ok_or(Status::UNSUPPORTED_ATTRIBUTE)
    }

    fn write(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        cx: &mut Context,
    ) -> Result<(), Status> {
        self.store(attribute, value, cx)
    }

    fn invoke(
        &mut self,
        command: CommandId,
        args: &Seq<'_, Field<'_>>,
        _response: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        let level = |v: Option<Value<'static>>| match v {
            Some(Value::U16(n)) => Value::U8(u8::try_from(n).unwrap_or(254)),
            _ => Value::Null,
        };
        match (self.capability, command) {
            (on_off::ID, on_off::off::ID) => self.store(on_off::ON, &Value::Bool(false), cx),
            (on_off::ID, on_off::on::ID) => self.store(on_off::ON, &Value::Bool(true), cx),
            (on_off::ID, on_off::toggle::ID) => {
                let on = matches!(self.get(on_off::ON), Some(Value::Bool(true)));
                self.store(on_off::ON, &Value::Bool(!on), cx)
            }
            (level_control::ID, level_control::move_to_level::ID) => self.store(
                level_control::LEVEL,
                &level(Table::arg(args, level_control::move_to_level::LEVEL.0)),
                cx,
            ),
            (level_control::ID, level_control::step::ID) => {
                let up = args
                    .iter()
                    .any(|f| f.id == level_control::step::UP && f.value == Value::Bool(true));
                let step = Table::arg(args, level_control::step::STEP_SIZE.0)
                    .and_then(|v| v.as_i128())
                    .unwrap_or(1);
                let now = self
                    .get(level_control::LEVEL)
                    .and_then(|v| v.as_i128())
                    .unwrap_or(1);
                let next = if up { now + step } else { now - step }.clamp(1, 254);
                self.store(level_control::LEVEL, &Value::U8(next as u8), cx)
            }
            (identify::ID, identify::identify::ID) => {
                let seconds = match Table::arg(args, 0) {
                    Some(v) => v,
                    None => Value::U16(0),
                };
                self.store(identify::IDENTIFY_TIME, &seconds, cx)
            }
            _ => Err(Status::UNSUPPORTED_COMMAND),
        }
    }
}

const ROOT_TYPES: [DeviceTypeRef; 1] = [device_types::ROOT_NODE.reference()];
const LAMP_TYPES: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];

/// Builds the lamp (data versions seeded with `seed`) and hands its
/// dispatcher to `f`.
pub fn with_lamp<R>(seed: u32, f: impl FnOnce(&mut Lamp<'_>) -> R) -> R {
    let mut root = Table::new(
        basic_information::ID,
        &[
            (basic_information::VENDOR_NAME, Value::Str("applink")),
            (
                basic_information::PRODUCT_NAME,
                Value::Str("Reference Lamp"),
            ),
            (basic_information::SERIAL_NUMBER, Value::Str("L-0001")),
            (basic_information::FIRMWARE_VERSION, Value::Str("1.0.0")),
            (basic_information::LOCATION, Value::Str("")),
            (basic_information::LABEL, Value::Str("")),
            (basic_information::REACHABLE, Value::Bool(true)),
        ],
    );
    let mut ident = Table::new(identify::ID, &[(identify::IDENTIFY_TIME, Value::U16(0))]);
    let mut power = Table::new(on_off::ID, &[(on_off::ON, Value::Bool(false))]);
    let mut level = Table::new(
        level_control::ID,
        &[
            (level_control::LEVEL, Value::U8(100)),
            (level_control::MIN_LEVEL, Value::U8(1)),
            (level_control::MAX_LEVEL, Value::U8(254)),
            (level_control::ON_LEVEL, Value::Null),
        ],
    );
    let mut root_instances = [Instance::new(&basic_information::CAPABILITY, &mut root)];
    let mut lamp_instances = [
        Instance::new(&identify::CAPABILITY, &mut ident),
        Instance::new(&on_off::CAPABILITY, &mut power),
        Instance::new(&level_control::CAPABILITY, &mut level).with_all_optional(),
    ];
    let mut endpoints = [
        EndpointEntry::new(0, &ROOT_TYPES, &mut root_instances),
        EndpointEntry::new(1, &LAMP_TYPES, &mut lamp_instances),
    ];
    let counter = EventCounter::new(RamSequenceStore::default(), 8);
    let mut lamp = Lamp::new(
        applink::catalog::reference::LAMP.info,
        &mut endpoints,
        counter,
        seed,
    )
    .expect("the reference lamp is a valid descriptor");
    f(&mut lamp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use applink::descriptor::Privilege;
    use applink::interaction::Peer;
    use applink::message::{Message, Read};
    use applink::time::Instant;

    #[test]
    fn the_lamp_matches_the_reference_descriptor_and_answers_reads() {
        with_lamp(7, |lamp| {
            let mut buf = [0u8; 4096];
            let n =
                applink::descriptor::encode(&applink::catalog::reference::LAMP, &mut buf).unwrap();
            let mut ours = [0u8; 4096];
            assert_eq!(lamp.write_descriptor(0, &mut ours[..n]), n);
            assert_eq!(ours[..n], buf[..n]);
            let read = Message::Read(Read {
                endpoint: applink::message::EndpointId(1),
                capability: None,
                attributes: Seq::empty(),
            });
            let peer = Peer {
                session: 1,
                privilege: Privilege::User,
            };
            let mut replies = 0;
            let mut out = [0u8; 64];
            lamp.handle(&read, peer, Instant::ZERO, &mut out, &mut |r| {
                assert!(matches!(Message::from_bytes(r), Ok(Message::ReadReply(_))));
                replies += 1;
            })
            .unwrap();
            assert!(replies >= 1);
        });
    }
}
