//! Ready-made [`Handler`](super::Handler)s for the simple catalog
//! capabilities, so a lamp needs no handler code of its own.
//!
//! | handler | capability | state the application owns |
//! |---|---|---|
//! | [`OnOff`] | [`on_off`](crate::catalog::on_off) | a `Cell<bool>` |
//! | [`Level`] | [`level_control`](crate::catalog::level_control) | a [`LevelState`] |
//! | [`Identify`] | [`identify`](crate::catalog::identify) | an [`IdentifyState`] |
//! | [`BasicInformation`] | [`basic_information`](crate::catalog::basic_information) | none: built from the [`DeviceInfo`](crate::descriptor::DeviceInfo) |
//! | [`RamAttributes`] | any capability whose attributes are stored scalars | [`RamAttribute`]s |
//!
//! # Sharing state with the firmware
//!
//! The [`Dispatcher`](super::Dispatcher) holds every handler as
//! `&mut dyn Handler` for its whole life, so the state lives outside the
//! handler, in `Cell`s the application owns and the handler borrows. The
//! firmware reads the state at any time. When the firmware changes it
//! itself (a button press), it calls
//! [`Dispatcher::attribute_changed`](super::Dispatcher::attribute_changed)
//! so the data version moves and subscribers are told. A handler's optional
//! change callback runs after a *controller* changed the state, so the
//! firmware can drive the hardware and persist what the catalog marks as
//! persisted.
//!
//! # Contract
//!
//! Nothing here allocates or panics. A handler relies on the dispatcher's
//! validation (attribute and command ids, value types, ranges, access) and
//! checks only what the descriptor cannot say, such as a level inside the
//! device's own `min_level..=max_level`. A value the validation would have
//! refused still gets a [`Status`](crate::message::Status), never a panic.
//! A command marks an attribute changed (new data version, reports) only
//! when its value really changes; the dispatcher marks every attribute
//! written.
//!
//! # Example
//!
//! A dimmable lamp, with no handler code:
//!
//! ```
//! use core::cell::Cell;
//!
//! use applink::catalog::{basic_information, device_types, identify, level_control, on_off};
//! use applink::descriptor::{DeviceInfo, DeviceTypeRef, Privilege};
//! use applink::interaction::stock::{self, IdentifyState, LevelState};
//! use applink::interaction::{Dispatcher, EndpointEntry, EventCounter, Instance, Peer, RamSequenceStore};
//! use applink::message::{CapabilityId, EndpointId, Invoke, Message, Seq, VendorId};
//! use applink::time::Instant;
//!
//! const INFO: DeviceInfo = DeviceInfo {
//!     vendor: VendorId(0xFFF1),
//!     product: 1,
//!     hardware_version: 1,
//!     min_protocol: 1,
//!     max_protocol: 1,
//! };
//! const ROOT: [DeviceTypeRef; 1] = [device_types::ROOT_NODE.reference()];
//! const LAMP: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];
//!
//! // The state the firmware owns and reads.
//! let on = Cell::new(false);
//! let level = LevelState::new(Some(128));
//! let blink = IdentifyState::new();
//! let pwm = Cell::new(0u8); // stands for the hardware
//! let drive = |on: bool| pwm.set(if on { 128 } else { 0 });
//!
//! let mut basic = stock::BasicInformation::new("Acme", "Desk lamp", 7).unwrap();
//! let mut identify = stock::Identify::new(&blink);
//! let mut on_off = stock::OnOff::new(&on).on_change(&drive);
//! let mut dimmer = stock::Level::new(&level);
//! let mut root = [Instance::new(&basic_information::CAPABILITY, &mut basic)];
//! let mut lamp = [
//!     Instance::new(&identify::CAPABILITY, &mut identify),
//!     Instance::new(&on_off::CAPABILITY, &mut on_off),
//!     Instance::new(&level_control::CAPABILITY, &mut dimmer),
//! ];
//! let mut endpoints = [
//!     EndpointEntry::new(0, &ROOT, &mut root),
//!     EndpointEntry::new(1, &LAMP, &mut lamp),
//! ];
//! let counter = EventCounter::new(RamSequenceStore::default(), 16);
//! let mut d: Dispatcher<'_, _, 2, 256> =
//!     Dispatcher::new(INFO, &mut endpoints, counter, 0).unwrap();
//!
//! let toggle = Message::Invoke(Invoke {
//!     endpoint: EndpointId(1),
//!     capability: on_off::ID,
//!     command: on_off::toggle::ID,
//!     timed_ms: None,
//!     args: Seq::empty(),
//! });
//! let phone = Peer { session: 1, privilege: Privilege::User };
//! let mut buf = [0u8; 128];
//! d.handle(&toggle, phone, Instant::ZERO, &mut buf, &mut |_reply| {}).unwrap();
//! assert!(on.get());
//! assert_eq!(pwm.get(), 128);
//! assert_eq!(level.level(), Some(128));
//! ```

mod basic_information;
mod identify;
mod level_control;
mod on_off;
mod ram;

pub use basic_information::{BasicInformation, MAX_INFO_STRING, MAX_LOCATION};
pub use identify::{Identify, IdentifyState};
pub use level_control::{Level, LevelChange, LevelState};
pub use on_off::OnOff;
pub use ram::{RamAttribute, RamAttributes};

use crate::message::{Field, FieldId, Seq, Value};

/// The value of argument `id`, if given.
fn arg<'v>(args: &Seq<'v, Field<'v>>, id: FieldId) -> Option<Value<'v>> {
    args.iter().find(|f| f.id == id).map(|f| f.value)
}

#[cfg(test)]
mod tests;
