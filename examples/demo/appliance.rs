//! A washer (endpoint 1) and a lamp (endpoint 2) in one appliance, and a
//! phone controlling it, in memory: describe, read, write, invoke (start a
//! cycle), subscribe, and events, printed as a readable transcript.
//!
//! Part 2 of `cargo run --example demo`.

use core::cell::Cell;

use applink::catalog::{
    basic_information, device_types, identify, laundry_controls, level_control, mode_select,
    on_off, operational_state,
};
use applink::descriptor::{Device, DeviceInfo, DeviceTypeRef, Privilege, Type};
use applink::interaction::clients::{self, LevelControl, OnOff, OperationalState};
use applink::interaction::controller::{Controller, Notice, Outcome};
use applink::interaction::{
    Context, Dispatcher, EndpointEntry, EventCounter, Handler, Instance, Peer, RamSequenceStore,
    Response, stock,
};
use applink::message::*;
use applink::time::Instant;
use applink::wire::Header;

/// Largest frame both sides accept; replies are sized to fit it.
const MAX_FRAME: usize = 128;
/// Frame overhead: the 10-byte header and the CRC-32C trailer.
const OVERHEAD: usize = 14;

// ---- the appliance's firmware: one small handler per capability ----

/// Device information on the root endpoint.
struct Info;
impl Handler for Info {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        Ok(match attribute {
            basic_information::VENDOR_NAME => Value::Str("Example Appliances"),
            basic_information::PRODUCT_NAME => Value::Str("WashLight 2000"),
            basic_information::SERIAL_NUMBER => Value::Str("WL-42"),
            basic_information::FIRMWARE_VERSION => Value::Str("1.3.0"),
            basic_information::REACHABLE => Value::Bool(true),
            _ => return Err(Status::UNSUPPORTED_ATTRIBUTE),
        })
    }
}

/// The washer's cycle. Firmware advances it from its main loop, so its
/// state lives in cells the handler shares.
#[derive(Default)]
struct Cycle {
    state: Cell<u16>,
    remaining_s: Cell<u32>,
}
impl Handler for &Cycle {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        Ok(match attribute {
            operational_state::STATE => Value::Enum(self.state.get()),
            operational_state::PHASE => Value::Null,
            operational_state::REMAINING => Value::U32(self.remaining_s.get()),
            operational_state::ERROR_CODE => Value::U16(0),
            _ => return Err(Status::UNSUPPORTED_ATTRIBUTE),
        })
    }
    fn invoke(
        &mut self,
        command: CommandId,
        _: &Seq<'_, Field<'_>>,
        response: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        let next = match command {
            operational_state::START if self.state.get() == operational_state::RUNNING => {
                return Err(Status::INVALID_STATE);
            }
            operational_state::START => {
                self.remaining_s.set(40);
                cx.changed(operational_state::REMAINING);
                operational_state::RUNNING
            }
            operational_state::PAUSE => operational_state::PAUSED,
            operational_state::RESUME => operational_state::RUNNING,
            _ => operational_state::STOPPED,
        };
        self.state.set(next);
        cx.changed(operational_state::STATE);
        response
            .push(Field::new(0, Value::Enum(next)))
            .map_err(|_| Status::FAILURE)
    }
}

/// Program selection.
struct Programs {
    current: u8,
}
impl Handler for Programs {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        const NAMES: [Value<'static>; 3] = [
            Value::Str("cotton"),
            Value::Str("synthetics"),
            Value::Str("quick 30"),
        ];
        Ok(match attribute {
            mode_select::SUPPORTED_MODES => Value::List(Seq::from_slice(&NAMES)),
            mode_select::CURRENT_MODE => Value::U8(self.current),
            _ => return Err(Status::UNSUPPORTED_ATTRIBUTE),
        })
    }
    fn write(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        _: &mut Context,
    ) -> Result<(), Status> {
        match (attribute, value) {
            (mode_select::CURRENT_MODE, Value::U8(m)) if *m < 3 => self.current = *m,
            _ => return Err(Status::CONSTRAINT_ERROR),
        }
        Ok(())
    }
}

/// Spin speed, rinses, extra water.
struct Laundry {
    spin: u16,
    rinses: u8,
    extra_water: bool,
}
impl Handler for Laundry {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        Ok(match attribute {
            laundry_controls::SPIN_RPM => Value::U16(self.spin),
            laundry_controls::RINSES => Value::U8(self.rinses),
            laundry_controls::EXTRA_WATER => Value::Bool(self.extra_water),
            _ => return Err(Status::UNSUPPORTED_ATTRIBUTE),
        })
    }
    fn write(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        _: &mut Context,
    ) -> Result<(), Status> {
        // Values arrive validated: the right variant, in range, on step.
        match (attribute, *value) {
            (laundry_controls::SPIN_RPM, Value::U16(v)) => self.spin = v,
            (laundry_controls::RINSES, Value::U8(v)) => self.rinses = v,
            (laundry_controls::EXTRA_WATER, Value::Bool(v)) => self.extra_water = v,
            _ => return Err(Status::FAILURE),
        }
        Ok(())
    }
}

/// The lamp's switch.
struct Switch {
    on: bool,
}
impl Handler for Switch {
    fn read(&self, _: AttributeId) -> Result<Value<'_>, Status> {
        Ok(Value::Bool(self.on))
    }
    fn write(&mut self, _: AttributeId, value: &Value<'_>, _: &mut Context) -> Result<(), Status> {
        self.on = matches!(value, Value::Bool(true));
        Ok(())
    }
    fn invoke(
        &mut self,
        command: CommandId,
        _: &Seq<'_, Field<'_>>,
        _: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        self.on = match command {
            on_off::OFF => false,
            on_off::ON_CMD => true,
            _ => !self.on,
        };
        cx.changed(on_off::ON);
        Ok(())
    }
}

/// The lamp's dimmer.
struct Dimmer {
    level: u8,
}
impl Handler for Dimmer {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        Ok(match attribute {
            level_control::LEVEL => Value::U8(self.level),
            level_control::MIN_LEVEL => Value::U8(1),
            level_control::MAX_LEVEL => Value::U8(254),
            level_control::ON_LEVEL => Value::Null,
            _ => return Err(Status::UNSUPPORTED_ATTRIBUTE),
        })
    }
    fn invoke(
        &mut self,
        _: CommandId,
        args: &Seq<'_, Field<'_>>,
        _: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        if let Some(Field {
            value: Value::U8(level),
            ..
        }) = args.iter().next()
        {
            self.level = level;
            cx.changed(level_control::LEVEL);
        }
        Ok(())
    }
}

// ---- printing ----

/// Renders a value with its attribute's name, enumeration names and unit.
fn show(
    device: &Device<'_>,
    endpoint: EndpointId,
    capability: CapabilityId,
    av: &AttributeValue<'_>,
) -> String {
    let cap = device.capability(endpoint, capability).expect("described");
    let Some(attr) = cap.attribute(av.attribute) else {
        return format!("{:?} = {:?}", av.attribute, av.value);
    };
    let value = match (attr.ty, av.value) {
        (Type::Enum { values }, Value::Enum(v)) => values
            .iter()
            .find(|n| n.value == v)
            .map_or(format!("{v}"), |n| n.name.to_string()),
        (Type::Int(t), v) => match v.as_i128() {
            Some(raw) => format!(
                "{}{}{}",
                raw as f64 * 10f64.powi(t.scale.into()),
                if t.unit.symbol().is_empty() { "" } else { " " },
                t.unit.symbol()
            ),
            None => format!("{v:?}"),
        },
        (_, Value::Str(s)) => format!("{s:?}"),
        (_, Value::List(items)) => format!("{:?}", items.iter().collect::<Vec<_>>()),
        (_, v) => format!("{v:?}"),
    };
    format!("{}.{} = {}", cap.name, attr.name, value)
}

struct Wire {
    counter: u32,
}

impl Wire {
    /// Frames a payload as it would travel, and returns the frame length.
    fn frame(&mut self, exchange: u16, payload: &[u8]) -> usize {
        self.counter += 1;
        let mut buf = [0u8; MAX_FRAME];
        let message = Message::from_bytes(payload).expect("valid payload");
        applink::to_slice(
            &Header::plaintext(self.counter, exchange),
            &message,
            &mut buf,
        )
        .expect("fits the frame")
    }
}

/// Runs the washer-and-lamp transcript.
pub fn run() {
    // The appliance.
    let mut info = Info;
    let cycle = Cycle::default();
    let mut cycle_ref = &cycle;
    let mut programs = Programs { current: 0 };
    let mut laundry = Laundry {
        spin: 1200,
        rinses: 2,
        extra_water: false,
    };
    let mut switch = Switch { on: false };
    let mut dimmer = Dimmer { level: 100 };
    // A dimmable light must also identify itself; the stock handler does.
    let blink = stock::IdentifyState::new();
    let mut identify = stock::Identify::new(&blink);
    let mut root = [Instance::new(&basic_information::CAPABILITY, &mut info)];
    let mut washer = [
        Instance::new(&operational_state::CAPABILITY, &mut cycle_ref),
        Instance::new(&mode_select::CAPABILITY, &mut programs),
        Instance::new(&laundry_controls::CAPABILITY, &mut laundry),
    ];
    let mut lamp = [
        Instance::new(&identify::CAPABILITY, &mut identify),
        Instance::new(&on_off::CAPABILITY, &mut switch),
        Instance::new(&level_control::CAPABILITY, &mut dimmer),
    ];
    let root_types = [device_types::ROOT_NODE.reference()];
    let washer_types: [DeviceTypeRef; 1] = [device_types::WASHER.reference()];
    let lamp_types: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];
    let mut endpoints = [
        EndpointEntry::new(0, &root_types, &mut root),
        EndpointEntry::new(1, &washer_types, &mut washer),
        EndpointEntry::new(2, &lamp_types, &mut lamp),
    ];
    let device_info = DeviceInfo {
        vendor: VendorId(0xFFF1),
        product: 0x2000,
        product_name: "WashLight 2000",
        serial: "WL-42",
        hardware_version: 1,
        firmware_version: 0x0001_0300,
        min_protocol: 1,
        max_protocol: 1,
    };
    let counter = EventCounter::new(RamSequenceStore::default(), 32);
    let mut appliance: Dispatcher<'_, _, 4, 512> =
        Dispatcher::new(device_info, &mut endpoints, counter, 0x5EED).expect("valid descriptor");
    let peer = Peer {
        session: 1,
        privilege: Privilege::User,
    };
    let mut phone = Controller::new();
    let mut wire = Wire { counter: 0 };
    let mut now = Instant::ZERO;

    // One request from the phone, and every reply back.
    let mut ask = |appliance: &mut Dispatcher<'_, _, 4, 512>,
                   phone: &mut Controller,
                   request: &Message<'_>,
                   now: Instant|
     -> Vec<Vec<u8>> {
        let exchange = phone.start(request).expect("a request");
        let mut req = [0u8; MAX_FRAME];
        let n = request.to_slice(&mut req).expect("fits").len();
        println!(
            "phone -> appliance  [{:>3} B] {request:?}",
            wire.frame(exchange, &req[..n])
        );
        let mut replies = Vec::new();
        let mut buf = [0u8; MAX_FRAME - OVERHEAD];
        appliance
            .handle(request, peer, now, &mut buf, &mut |r| {
                replies.push(r.to_vec())
            })
            .expect("answered");
        for r in &replies {
            let len = wire.frame(exchange, r);
            let outcome = phone
                .handle_reply(exchange, &Message::from_bytes(r).expect("valid"), now)
                .expect("matches");
            match &outcome {
                Outcome::DescriptorNeeds { offset } => println!(
                    "appliance -> phone  [{len:>3} B] descriptor chunk, continue at {offset}"
                ),
                Outcome::DescriptorReady(d) => println!(
                    "appliance -> phone  [{len:>3} B] last descriptor chunk: {} bytes, hash {:?} verified",
                    d.as_bytes().len(),
                    d.hash()
                ),
                Outcome::Values { records, more } => {
                    let values: usize = records.iter().map(|r| r.values.len()).sum();
                    println!(
                        "appliance -> phone  [{len:>3} B] ReadReply: {} records, {values} values, more: {more}",
                        records.len()
                    );
                }
                other => println!("appliance -> phone  [{len:>3} B] {other:?}"),
            }
        }
        replies
    };

    println!(
        "== HelloAccept announces descriptor hash {:?}",
        appliance.descriptor_hash()
    );
    println!("\n== Describe (the phone has no cached copy)");
    let mut next = phone
        .describe(appliance.descriptor_hash())
        .expect("not cached yet");
    let descriptor = loop {
        let replies = ask(&mut appliance, &mut phone, &Message::Describe(next), now);
        let Message::Descriptor(chunk) = Message::from_bytes(&replies[0]).expect("valid") else {
            panic!("refused")
        };
        let have = chunk.offset + chunk.data.0.len() as u32;
        if have == chunk.total_len {
            break phone
                .cached(&chunk.hash)
                .expect("cached after the last chunk");
        }
        next = Describe { offset: have };
    };
    let device = descriptor.device();
    for ep in device.endpoints.iter() {
        let types: Vec<_> = ep
            .device_types
            .iter()
            .map(|t| device_types::DeviceType::by_id(t.id).map_or("?", |t| t.name))
            .collect();
        let caps: Vec<_> = ep.capabilities.iter().map(|c| c.name).collect();
        println!("   endpoint {}: {types:?} with {caps:?}", ep.id.0);
    }
    println!(
        "   a second connection skips Describe: cached = {}",
        phone.describe(appliance.descriptor_hash()).is_err()
    );

    let print_values = |replies: &[Vec<u8>]| {
        for r in replies {
            if let Message::ReadReply(reply) = Message::from_bytes(r).expect("valid") {
                for rec in reply.records.iter() {
                    for av in rec.values.iter() {
                        println!("      {}", show(&device, rec.endpoint, rec.capability, &av));
                    }
                }
            }
        }
    };

    println!("\n== Read everything on the washer (endpoint 1)");
    let read = Message::Read(Read {
        endpoint: EndpointId(1),
        capability: None,
        attributes: Seq::empty(),
    });
    let replies = ask(&mut appliance, &mut phone, &read, now);
    print_values(&replies);

    println!("\n== Write: program \"quick 30\" and 800 rpm");
    let program = clients::write(
        EndpointId(1),
        &mode_select::CAPABILITY,
        mode_select::CURRENT_MODE,
        Value::U8(2),
    )
    .expect("valid");
    ask(&mut appliance, &mut phone, &program.message(), now);
    let spin = clients::write(
        EndpointId(1),
        &laundry_controls::CAPABILITY,
        laundry_controls::SPIN_RPM,
        Value::U16(800),
    )
    .expect("valid");
    ask(&mut appliance, &mut phone, &spin.message(), now);
    println!(
        "   the phone refuses 1100 rpm before sending: {:?}",
        clients::write(
            EndpointId(1),
            &laundry_controls::CAPABILITY,
            laundry_controls::SPIN_RPM,
            Value::U16(1100)
        )
        .unwrap_err()
    );
    println!("   sent anyway, the appliance refuses it and nothing changes:");
    let bad = [AttributeValue::new(
        laundry_controls::SPIN_RPM.0,
        Value::U16(1100),
    )];
    ask(
        &mut appliance,
        &mut phone,
        &Message::Write(Write {
            endpoint: EndpointId(1),
            capability: laundry_controls::ID,
            data_version: None,
            values: Seq::from_slice(&bad),
        }),
        now,
    );

    println!(
        "\n== Subscribe to the washer's cycle: reports 1 s apart at most, heartbeat every 60 s, and events"
    );
    let sub = Message::Subscribe(Subscribe {
        endpoint: EndpointId(1),
        capability: Some(operational_state::ID),
        attributes: Seq::empty(),
        min_interval_ms: 1000,
        max_interval_ms: 60_000,
        min_change: 10,
        events: true,
    });
    ask(&mut appliance, &mut phone, &sub, now);

    let drain = |appliance: &mut Dispatcher<'_, _, 4, 512>,
                 phone: &mut Controller,
                 now: Instant| {
        appliance.handle_timeout(now);
        let mut buf = [0u8; MAX_FRAME - OVERHEAD];
        while let Some(out) = appliance.poll_report(&mut buf).expect("fits") {
            let message = Message::from_bytes(&buf[..out.len]).expect("valid");
            match phone
                .handle_unsolicited(&message, now)
                .expect("known subscription")
            {
                Notice::Report(r) => {
                    let values: Vec<_> = r
                        .records
                        .iter()
                        .flat_map(|rec| rec.values.iter().map(move |av| (rec, av)))
                        .map(|(rec, av)| show(&device, rec.endpoint, rec.capability, &av))
                        .collect();
                    println!(
                        "t={:>5} ms  appliance -> phone  Report #{}: {}",
                        now.millis(),
                        r.subscription,
                        values.join(", ")
                    );
                }
                Notice::Event { event, missed } => {
                    let cap = device
                        .capability(event.endpoint, event.capability)
                        .expect("described");
                    let name = cap.event(event.event).map_or("?", |e| e.name);
                    println!(
                        "t={:>5} ms  appliance -> phone  Event #{} {}.{} {:?} (missed before it: {missed})",
                        now.millis(),
                        event.sequence,
                        cap.name,
                        name,
                        event.fields
                    );
                }
            }
        }
    };
    drain(&mut appliance, &mut phone, now);

    println!("\n== Invoke: start the cycle");
    ask(
        &mut appliance,
        &mut phone,
        &OperationalState::new(EndpointId(1)).start().message(),
        now,
    );
    drain(&mut appliance, &mut phone, now);

    println!(
        "\n== The cycle runs (firmware ticks every 5 s; reports need a change of 10 s or more)"
    );
    while cycle.remaining_s.get() > 0 {
        now = now + applink::time::Duration::from_secs(5);
        cycle
            .remaining_s
            .set(cycle.remaining_s.get().saturating_sub(5));
        appliance
            .attribute_changed(
                EndpointId(1),
                operational_state::ID,
                operational_state::REMAINING,
                now,
            )
            .expect("known");
        if cycle.remaining_s.get() == 0 {
            cycle.state.set(operational_state::FINISHED);
            appliance
                .attribute_changed(
                    EndpointId(1),
                    operational_state::ID,
                    operational_state::STATE,
                    now,
                )
                .expect("known");
            let total = [Field::new(0, Value::U32(40))];
            appliance
                .emit_event(
                    EndpointId(1),
                    operational_state::ID,
                    operational_state::CYCLE_COMPLETE,
                    &total,
                    None,
                )
                .expect("valid event");
        }
        drain(&mut appliance, &mut phone, now);
    }
    now = now + applink::time::Duration::from_secs(1);
    drain(&mut appliance, &mut phone, now);

    println!("\n== The lamp (endpoint 2): toggle, dim, read back");
    ask(
        &mut appliance,
        &mut phone,
        &OnOff::new(EndpointId(2)).toggle().message(),
        now,
    );
    ask(
        &mut appliance,
        &mut phone,
        &LevelControl::new(EndpointId(2))
            .move_to_level(180, Some(0.5))
            .expect("valid")
            .message(),
        now,
    );
    let read = Message::Read(Read {
        endpoint: EndpointId(2),
        capability: None,
        attributes: Seq::empty(),
    });
    let replies = ask(&mut appliance, &mut phone, &read, now);
    print_values(&replies);
    println!(
        "\n{} frames exchanged; largest allowed {MAX_FRAME} bytes.",
        wire.counter
    );
}
