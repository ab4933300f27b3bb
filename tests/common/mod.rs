//! In-memory appliance building blocks shared by the integration tests.
#![allow(dead_code)]

use applink::catalog::{on_off, operational_state};
use core::cell::{Cell, RefCell};

use applink::descriptor::{Capability, DeviceInfo, IntType, Privilege, Type};
use applink::interaction::{Context, Dispatcher, Handler, Peer, RamSequenceStore, Response};
use applink::message::{
    AttributeId, Bytes, CommandId, Field, Message, Seq, Status, Value, VendorId,
};
use applink::time::Instant;

/// Copies a borrowed value into one that lives for the whole test.
pub fn to_static(v: &Value<'_>) -> Value<'static> {
    let bytes: &'static [u8] = Box::leak(postcard::to_allocvec(v).unwrap().into_boxed_slice());
    postcard::from_bytes(bytes).unwrap()
}

/// A handler that keeps attribute values in a table and runs simple
/// command logic for on/off and operational state. Interior mutability lets
/// a test change values (as firmware would) while the dispatcher holds it.
pub struct Store {
    pub values: RefCell<Vec<(AttributeId, Value<'static>)>>,
    pub writes: Cell<usize>,
    pub invokes: RefCell<Vec<CommandId>>,
    pub kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Plain,
    OnOff,
    Operational,
}

impl Store {
    pub fn new(kind: Kind, values: &[(u16, Value<'static>)]) -> Self {
        Store {
            values: RefCell::new(values.iter().map(|(a, v)| (AttributeId(*a), *v)).collect()),
            writes: Cell::new(0),
            invokes: RefCell::new(Vec::new()),
            kind,
        }
    }

    pub fn get(&self, id: u16) -> Option<Value<'static>> {
        self.values
            .borrow()
            .iter()
            .find(|(a, _)| a.0 == id)
            .map(|(_, v)| *v)
    }

    pub fn set(&self, id: AttributeId, v: Value<'static>) {
        let mut values = self.values.borrow_mut();
        match values.iter_mut().find(|(a, _)| *a == id) {
            Some(slot) => slot.1 = v,
            None => values.push((id, v)),
        }
    }

    fn do_write(&self, attribute: AttributeId, value: &Value<'_>) -> Result<(), Status> {
        self.writes.set(self.writes.get() + 1);
        self.set(attribute, to_static(value));
        Ok(())
    }

    fn do_invoke(
        &self,
        command: CommandId,
        response: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        self.invokes.borrow_mut().push(command);
        match self.kind {
            Kind::OnOff => {
                let on = matches!(self.get(0), Some(Value::Bool(true)));
                let next = match command {
                    on_off::off::ID => false,
                    on_off::on::ID => true,
                    _ => !on,
                };
                self.set(on_off::ON, Value::Bool(next));
                cx.changed(on_off::ON);
                Ok(())
            }
            Kind::Operational => {
                let state = match (command, self.get(0)) {
                    (
                        operational_state::start::ID,
                        Some(Value::Enum(operational_state::RUNNING)),
                    ) => {
                        return Err(Status::INVALID_STATE);
                    }
                    (operational_state::start::ID | operational_state::resume::ID, _) => {
                        operational_state::RUNNING
                    }
                    (operational_state::pause::ID, _) => operational_state::PAUSED,
                    _ => operational_state::STOPPED,
                };
                self.set(operational_state::STATE, Value::Enum(state));
                cx.changed(operational_state::STATE);
                response.push(Field::new(0, Value::Enum(state))).unwrap();
                Ok(())
            }
            Kind::Plain => Ok(()),
        }
    }
}

/// One handler body for the store and for a shared reference to it (the
/// store mutates through cells, so both forms serve).
macro_rules! store_handler {
    ($ty:ty) => {
        impl Handler for $ty {
            fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
                self.get(attribute.0).ok_or(Status::UNSUPPORTED_ATTRIBUTE)
            }

            fn write(
                &mut self,
                attribute: AttributeId,
                value: &Value<'_>,
                _cx: &mut Context,
            ) -> Result<(), Status> {
                self.do_write(attribute, value)
            }

            fn invoke(
                &mut self,
                command: CommandId,
                _args: &Seq<'_, Field<'_>>,
                response: &mut Response,
                cx: &mut Context,
            ) -> Result<(), Status> {
                self.do_invoke(command, response, cx)
            }
        }
    };
}

store_handler!(Store);
store_handler!(&Store);

/// A valid starting value for every attribute of `cap`.
pub fn defaults(cap: &Capability<'_>) -> Vec<(u16, Value<'static>)> {
    cap.attributes
        .iter()
        .map(|a| {
            let v = match a.ty {
                Type::Bool => Value::Bool(false),
                Type::Int(t) => {
                    applink::interaction::clients::to_raw(&IntType { scale: 0, ..t }, t.min as f64)
                        .unwrap()
                }
                Type::Float { min, .. } => Value::F32(min),
                Type::Enum { values } => Value::Enum(values.iter().next().unwrap().value),
                Type::Bitmap { .. } => Value::Bitmap(0),
                Type::Str { .. } => Value::Str(""),
                Type::Bytes { .. } => Value::Bytes(Bytes(&[])),
                Type::List { .. } => Value::List(Seq::empty()),
            };
            (a.id.0, v)
        })
        .collect()
}

/// The handler kind the test store uses for a capability.
pub fn kind_for(cap: &Capability<'_>) -> Kind {
    if cap.id == on_off::ID {
        Kind::OnOff
    } else if cap.id == operational_state::ID {
        Kind::Operational
    } else {
        Kind::Plain
    }
}

pub type Appliance<'a> = Dispatcher<'a, RamSequenceStore, 4, 512>;

pub const USER: Peer = Peer {
    session: 7,
    privilege: Privilege::User,
};
pub const ADMIN: Peer = Peer {
    session: 8,
    privilege: Privilege::Admin,
};
pub const STRANGER: Peer = Peer {
    session: 0,
    privilege: Privilege::Unauthenticated,
};

pub fn info() -> DeviceInfo {
    DeviceInfo {
        vendor: VendorId(0xFFF1),
        product: 0x0042,
        hardware_version: 2,
        min_protocol: 1,
        max_protocol: 1,
    }
}

/// Sends one request; returns every reply payload.
pub fn call(
    d: &mut Appliance<'_>,
    request: &Message<'_>,
    peer: Peer,
    now: u64,
    frame: usize,
) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; frame];
    d.handle(
        request,
        peer,
        Instant::from_millis(now),
        &mut buf,
        &mut |m| out.push(m.to_vec()),
    )
    .unwrap();
    out
}

/// The single reply's status, if it is a `StatusReport`.
pub fn status_of(replies: &[Vec<u8>]) -> Option<Status> {
    assert_eq!(replies.len(), 1);
    match Message::from_bytes(&replies[0]).unwrap() {
        Message::Status(s) => Some(s.status),
        _ => None,
    }
}

/// Drains due reports and events at `now`.
pub fn reports(d: &mut Appliance<'_>, now: u64) -> Vec<Vec<u8>> {
    d.handle_timeout(Instant::from_millis(now));
    let mut out = Vec::new();
    let mut buf = [0u8; 256];
    while let Some(o) = d.poll_report(&mut buf).unwrap() {
        out.push(buf[..o.len].to_vec());
    }
    out
}
