//! A firmware image serving on/off, level control and identify on one
//! endpoint: decode a frame, dispatch it, encode the reply, drive
//! subscriptions. Inputs and outputs go through `black_box` so nothing is
//! optimised away.

#![no_std]
#![no_main]

use core::hint::black_box;
use core::panic::PanicInfo;

#[cfg(feature = "dispatcher")]
mod firmware {
    use core::hint::black_box;

    use applink::catalog::{device_types, identify, level_control, on_off};
    use applink::descriptor::{DeviceInfo, DeviceTypeRef, Privilege};
    use applink::interaction::{
        Context, Dispatcher, EndpointEntry, EventCounter, Handler, Instance, Peer, SequenceStore,
    };
    use applink::message::{AttributeId, CommandId, Field, Message, Seq, Status, Value, VendorId};
    use applink::time::Instant;
    use applink::wire::Header;

    struct Flash;
    impl SequenceStore for Flash {
        fn load(&mut self) -> u64 {
            black_box(0)
        }
        fn store(&mut self, limit: u64) -> bool {
            black_box(limit);
            true
        }
    }

    struct Light {
        on: bool,
        level: u8,
        identify: u16,
    }

    struct Power<'l>(&'l core::cell::Cell<bool>);
    impl Handler for Power<'_> {
        fn read(&self, _: AttributeId) -> Result<Value<'_>, Status> {
            Ok(Value::Bool(self.0.get()))
        }
        fn invoke(
            &mut self,
            command: CommandId,
            _: &Seq<'_, Field<'_>>,
            _: &mut applink::interaction::Response,
            cx: &mut Context,
        ) -> Result<(), Status> {
            self.0.set(match command {
                on_off::off::ID => false,
                on_off::on::ID => true,
                _ => !self.0.get(),
            });
            cx.changed(on_off::ON);
            Ok(())
        }
    }

    struct Level(u8);
    impl Handler for Level {
        fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
            match attribute {
                level_control::LEVEL => Ok(Value::U8(self.0)),
                level_control::MIN_LEVEL => Ok(Value::U8(1)),
                level_control::MAX_LEVEL => Ok(Value::U8(254)),
                _ => Err(Status::UNSUPPORTED_ATTRIBUTE),
            }
        }
        fn write(
            &mut self,
            _: AttributeId,
            value: &Value<'_>,
            _: &mut Context,
        ) -> Result<(), Status> {
            if let Value::U8(v) = value {
                self.0 = *v;
            }
            Ok(())
        }
    }

    struct Identify(u16);
    impl Handler for Identify {
        fn read(&self, _: AttributeId) -> Result<Value<'_>, Status> {
            Ok(Value::U16(self.0))
        }
    }

    pub fn run() -> ! {
        let light = Light {
            on: false,
            level: 100,
            identify: 0,
        };
        let on = core::cell::Cell::new(light.on);
        let mut power = Power(&on);
        let mut level = Level(light.level);
        let mut ident = Identify(light.identify);
        let mut instances = [
            Instance::new(&identify::CAPABILITY, &mut ident),
            Instance::new(&on_off::CAPABILITY, &mut power),
            Instance::new(&level_control::CAPABILITY, &mut level),
        ];
        let types: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];
        let mut endpoints = [EndpointEntry::new(1, &types, &mut instances)];
        let info = DeviceInfo {
            vendor: VendorId(0xFFF1),
            product: 1,
            hardware_version: 1,
            min_protocol: 1,
            max_protocol: 1,
        };
        let Ok(mut d) = Dispatcher::<_, 2, 128>::new(
            info,
            &mut endpoints,
            EventCounter::new(Flash, 64),
            black_box(7),
        ) else {
            loop {}
        };
        black_box(d.descriptor_hash());
        let peer = Peer {
            session: 1,
            privilege: Privilege::User,
        };
        let mut rx = [0u8; 128];
        let mut payload = [0u8; 110];
        let mut tx = [0u8; 128];
        let mut now = 0u64;
        loop {
            let rx = black_box(&mut rx);
            now += black_box(1);
            if let Ok((header, request)) = applink::from_bytes(rx) {
                let mut emit = |reply: &[u8]| {
                    if let Ok(m) = Message::from_bytes(reply) {
                        let _ = applink::to_slice(&Header::plaintext(header.exchange), &m, &mut tx);
                        black_box(&tx);
                    }
                };
                let _ = d.handle(
                    &request,
                    peer,
                    Instant::from_millis(now),
                    &mut payload,
                    &mut emit,
                );
            }
            d.handle_timeout(Instant::from_millis(now));
            while let Ok(Some(out)) = d.poll_report(&mut payload) {
                black_box(&payload[..out.len]);
            }
        }
    }
}

#[cfg(not(feature = "dispatcher"))]
mod firmware {
    use core::hint::black_box;

    use applink::wire::Header;

    /// The baseline: decode a frame and encode the message back.
    pub fn run() -> ! {
        let mut rx = [0u8; 128];
        let mut tx = [0u8; 128];
        loop {
            let rx = black_box(&mut rx);
            if let Ok((header, message)) = applink::from_bytes(rx) {
                let _ = applink::to_slice(&Header::plaintext(header.exchange), &message, &mut tx);
                black_box(&tx);
            }
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    black_box(firmware::run())
}

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {}
}
