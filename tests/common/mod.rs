//! In-memory appliance building blocks shared by the integration tests.
#![allow(dead_code)]

use applink::catalog::{on_off, operational_state};
use applink::descriptor::{DeviceInfo, Privilege};
use applink::interaction::{Context, Dispatcher, Handler, Peer, RamSequenceStore, Response};
use applink::message::{AttributeId, CommandId, Field, Message, Seq, Status, Value, VendorId};
use applink::time::Instant;

/// Copies a borrowed value into one that lives for the whole test.
pub fn to_static(v: &Value<'_>) -> Value<'static> {
    let bytes: &'static [u8] = Box::leak(postcard::to_allocvec(v).unwrap().into_boxed_slice());
    postcard::from_bytes(bytes).unwrap()
}

/// A handler that keeps attribute values in a table and runs simple
/// command logic for on/off and operational state.
pub struct Store {
    pub values: Vec<(AttributeId, Value<'static>)>,
    pub writes: usize,
    pub invokes: Vec<CommandId>,
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
            values: values.iter().map(|(a, v)| (AttributeId(*a), *v)).collect(),
            writes: 0,
            invokes: Vec::new(),
            kind,
        }
    }

    pub fn get(&self, id: u16) -> Option<Value<'static>> {
        self.values.iter().find(|(a, _)| a.0 == id).map(|(_, v)| *v)
    }

    pub fn set(&mut self, id: AttributeId, v: Value<'static>) {
        match self.values.iter_mut().find(|(a, _)| *a == id) {
            Some(slot) => slot.1 = v,
            None => self.values.push((id, v)),
        }
    }
}

impl Handler for Store {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        self.get(attribute.0).ok_or(Status::UNSUPPORTED_ATTRIBUTE)
    }

    fn write(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        _cx: &mut Context,
    ) -> Result<(), Status> {
        self.writes += 1;
        self.set(attribute, to_static(value));
        Ok(())
    }

    fn invoke(
        &mut self,
        command: CommandId,
        _args: &Seq<'_, Field<'_>>,
        response: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        self.invokes.push(command);
        match self.kind {
            Kind::OnOff => {
                let on = matches!(self.get(0), Some(Value::Bool(true)));
                let next = match command {
                    on_off::OFF => false,
                    on_off::ON_CMD => true,
                    _ => !on,
                };
                self.set(on_off::ON, Value::Bool(next));
                cx.changed(on_off::ON);
                Ok(())
            }
            Kind::Operational => {
                let state = match (command, self.get(0)) {
                    (operational_state::START, Some(Value::Enum(operational_state::RUNNING))) => {
                        return Err(Status::INVALID_STATE);
                    }
                    (operational_state::START | operational_state::RESUME, _) => {
                        operational_state::RUNNING
                    }
                    (operational_state::PAUSE, _) => operational_state::PAUSED,
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

pub fn info(name: &'static str) -> DeviceInfo<'static> {
    DeviceInfo {
        vendor: VendorId(0xFFF1),
        product: 0x0042,
        product_name: name,
        serial: "SN-0001",
        hardware_version: 2,
        firmware_version: 0x0001_0300,
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
