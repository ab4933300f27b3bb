//! The WashLight 2000's firmware: a washer (endpoint 1) and a dimmable lamp
//! (endpoint 2) behind one [`Appliance`] node.
//!
//! The root endpoint and the lamp use the stock handlers
//! ([`stock::BasicInformation`], [`stock::Identify`], [`stock::OnOff`],
//! [`stock::Level`]); the washer's three capabilities have small handlers
//! of their own. The state the firmware's main loop shares with the
//! handlers lives in [`Firmware`], in cells. [`build`] registers every
//! endpoint under its device type (the dispatcher checks that each one has
//! what its type requires), boots the node from what the [`Factory`] wrote
//! to its flash, and hands the ready node to the story.
//!
//! The factory runs the setup code's Argon2id derivation once and keeps
//! only the verifier; it prints the label: a QR code and a manual code
//! (`applink::onboarding`). The node is generic over its peers' address,
//! so the same firmware serves UDP sockets (parts 2 and 3) and a BLE radio
//! (part 4) of `cargo run --example demo`.

use core::cell::Cell;

use applink::catalog::{
    basic_information, device_types, identify, laundry_controls, level_control, mode_select,
    on_off, operational_state,
};
use applink::crypto::setup_code::SetupCode;
use applink::crypto::{CryptoProvider, OsCrypto, os_crypto};
use applink::descriptor::{DeviceInfo, DeviceTypeRef};
use applink::interaction::{
    Context, Dispatcher, EndpointEntry, EventCounter, Handler, Instance, RamSequenceStore,
    Response, stock,
};
use applink::message::{AttributeId, CommandId, EndpointId, Field, Seq, Status, Value, VendorId};
use applink::node::{Address, Appliance, ApplianceConfig};
use applink::onboarding::{Discriminator, Flags, QrPayload, Transports};
use applink::session::pairing::{ApplianceIdentity, DeviceId, IDENTITY_LEN, identity_bytes};
use applink::session::store::MemoryStore;

/// The device id, printed on the appliance next to its setup code.
pub const DEVICE_ID: DeviceId = *b"WASH0042";
/// The setup code printed on the appliance.
pub const SETUP_CODE: &str = "3141-5926";
/// The 12-bit discriminator the factory chose for this unit: advertised,
/// and carried by the onboarding codes (the manual code, its top 6 bits).
pub const DISCRIMINATOR: u16 = 0xA5C;
/// The firmware build: a `basic_information` attribute, not a descriptor
/// field, so every unit of the build has the same descriptor hash.
pub const FIRMWARE_VERSION: u32 = 10_300;
/// This unit's serial number (a `basic_information` attribute).
pub const SERIAL: &str = "WL-42";
/// The product's name (a `basic_information` attribute: the descriptor
/// names the model by vendor and product number only).
pub const PRODUCT_NAME: &str = "WashLight 2000";
/// What the appliance says it is: the model and its protocol versions.
pub const INFO: DeviceInfo = DeviceInfo {
    vendor: VendorId(0xFFF1),
    product: 0x2000,
    hardware_version: 1,
    min_protocol: 1,
    max_protocol: 1,
};
/// The washer's endpoint.
pub const WASHER: EndpointId = EndpointId(1);
/// The lamp's endpoint.
pub const LAMP: EndpointId = EndpointId(2);

/// The appliance node: OS randomness, pairings in RAM, peers addressed by
/// `A` (a socket address, a radio's link address).
pub type WashLight<'a, A> = Appliance<'a, OsCrypto, MemoryStore<4>, RamSequenceStore, A>;

/// What the factory made for this unit: its flash contents and its label.
pub struct Factory {
    /// The identity as written to flash: the device id, the SPAKE2+
    /// verifier of the setup code (never the code) and the static X25519
    /// key.
    pub flash: [u8; IDENTITY_LEN],
    /// The onboarding payload printed on the label, as a QR code and as a
    /// manual code.
    pub label: QrPayload,
}

impl Factory {
    /// Makes the unit: runs the setup code's Argon2id derivation (once,
    /// here, never on the appliance), draws the static key.
    pub fn make() -> Factory {
        let mut crypto = os_crypto();
        let mut key = [0u8; 32];
        crypto.random_bytes(&mut key);
        let identity = ApplianceIdentity::from_setup_code(&crypto, DEVICE_ID, SETUP_CODE, &key)
            .expect("a valid setup code");
        let record = identity.record.to_bytes(&crypto).expect("a verifier");
        let label = QrPayload {
            vendor_id: INFO.vendor.0,
            product_id: INFO.product,
            device_id: DEVICE_ID,
            discriminator: Discriminator::new(DISCRIMINATOR).expect("12 bits"),
            setup_code: SetupCode::parse(SETUP_CODE).expect("a valid setup code"),
            transports: Transports::UDP | Transports::BLE,
            flags: Flags::FACTORY,
        };
        Factory {
            flash: identity_bytes(DEVICE_ID, &record, &key),
            label,
        }
    }

    /// The identity the firmware loads from flash at boot.
    pub fn identity(&self) -> ApplianceIdentity<OsCrypto> {
        ApplianceIdentity::from_bytes(&os_crypto(), &self.flash).expect("the factory's flash")
    }
}

/// The washer's cycle. The firmware advances it from its main loop, so its
/// state lives in cells the handler shares.
#[derive(Default)]
pub struct Cycle {
    /// The `operational_state.state` enumeration value.
    pub state: Cell<u16>,
    /// Seconds left in the cycle.
    pub remaining_s: Cell<u32>,
}

/// Everything the firmware's main loop and the handlers share.
pub struct Firmware {
    /// The washer's cycle.
    pub cycle: Cycle,
    /// The lamp's relay.
    pub lamp_on: Cell<bool>,
    /// The lamp's dimmer.
    pub level: stock::LevelState,
    /// The lamp's identify blinker.
    pub identify: stock::IdentifyState,
}

impl Firmware {
    /// The state at power-up: washer stopped, lamp off at level 100.
    pub fn new() -> Self {
        Firmware {
            cycle: Cycle::default(),
            lamp_on: Cell::new(false),
            level: stock::LevelState::new(Some(100)),
            identify: stock::IdentifyState::new(),
        }
    }

    /// One tick of the main loop, `seconds` after the last: the cycle
    /// counts down and finishes. Returns whether it just finished.
    pub fn tick(&self, seconds: u32) -> bool {
        let c = &self.cycle;
        if c.state.get() != operational_state::RUNNING {
            return false;
        }
        c.remaining_s
            .set(c.remaining_s.get().saturating_sub(seconds));
        let finished = c.remaining_s.get() == 0;
        if finished {
            c.state.set(operational_state::FINISHED);
        }
        finished
    }
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
            // Run twice, a start would be refused: a retransmitted Start
            // must be answered from the node's reply cache.
            operational_state::start::ID if self.state.get() == operational_state::RUNNING => {
                return Err(Status::INVALID_STATE);
            }
            operational_state::start::ID => {
                self.remaining_s.set(40);
                cx.changed(operational_state::REMAINING);
                operational_state::RUNNING
            }
            operational_state::pause::ID => operational_state::PAUSED,
            operational_state::resume::ID => operational_state::RUNNING,
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

/// The WashLight's dispatcher.
pub type WashLightDispatcher<'a> = Dispatcher<'a, RamSequenceStore, 4, 512>;

/// Boots the appliance node over `firmware` from `factory`'s flash and
/// runs `story` with it.
///
/// The handlers, endpoints and dispatcher are locals here, borrowed by the
/// node for as long as the story runs: on firmware they would be `static`.
pub fn build<A: Address>(
    firmware: &Firmware,
    factory: &Factory,
    story: impl FnOnce(WashLight<'_, A>),
) {
    with_dispatcher(firmware, |dispatcher| {
        // What the factory wrote: the SPAKE2+ verifier of the printed code
        // (never the code) and a static X25519 key.
        let identity = factory.identity();
        // Small frames, as on a modest radio.
        let config = ApplianceConfig {
            max_frame: 256,
            ..ApplianceConfig::default()
        };
        story(Appliance::new(
            config,
            os_crypto(),
            identity,
            MemoryStore::new(),
            dispatcher,
        ));
    });
}

/// Registers every endpoint of the WashLight over `firmware` and runs `f`
/// with the dispatcher serving them.
pub fn with_dispatcher(firmware: &Firmware, f: impl FnOnce(WashLightDispatcher<'_>)) {
    // The stock handler serves who the device is: names, firmware build,
    // serial number.
    let mut about =
        stock::BasicInformation::new("Example Appliances", PRODUCT_NAME, FIRMWARE_VERSION)
            .and_then(|about| about.with_serial(SERIAL))
            .expect("short strings");
    let mut cycle = &firmware.cycle;
    let mut programs = Programs { current: 0 };
    let mut laundry = Laundry {
        spin: 1200,
        rinses: 2,
        extra_water: false,
    };
    // A dimmable light must also identify itself.
    let mut blink = stock::Identify::new(&firmware.identify);
    let mut switch = stock::OnOff::new(&firmware.lamp_on);
    let mut dimmer = stock::Level::new(&firmware.level);

    // Each instance names the optional elements it has; the dispatcher
    // checks that its handler serves every one.
    let mut root = [
        Instance::new(&basic_information::CAPABILITY, &mut about).with_attributes(&[
            basic_information::SERIAL_NUMBER,
            basic_information::LOCATION,
            basic_information::LABEL,
            basic_information::REACHABLE,
        ]),
    ];
    let mut washer = [
        Instance::new(&operational_state::CAPABILITY, &mut cycle)
            .with_attributes(&[operational_state::PHASE, operational_state::REMAINING])
            .with_commands(&[operational_state::pause::ID, operational_state::resume::ID])
            .with_events(&[operational_state::CYCLE_COMPLETE]),
        Instance::new(&mode_select::CAPABILITY, &mut programs),
        Instance::new(&laundry_controls::CAPABILITY, &mut laundry)
            .with_attributes(&[laundry_controls::EXTRA_WATER]),
    ];
    let mut lamp = [
        Instance::new(&identify::CAPABILITY, &mut blink),
        Instance::new(&on_off::CAPABILITY, &mut switch),
        Instance::new(&level_control::CAPABILITY, &mut dimmer).with_attributes(&[
            level_control::MIN_LEVEL,
            level_control::MAX_LEVEL,
            level_control::ON_LEVEL,
        ]),
    ];
    let root_types: [DeviceTypeRef; 1] = [device_types::ROOT_NODE.reference()];
    let washer_types: [DeviceTypeRef; 1] = [device_types::WASHER.reference()];
    let lamp_types: [DeviceTypeRef; 1] = [device_types::DIMMABLE_LIGHT.reference()];
    let mut endpoints = [
        EndpointEntry::new(0, &root_types, &mut root),
        EndpointEntry::new(WASHER.0, &washer_types, &mut washer),
        EndpointEntry::new(LAMP.0, &lamp_types, &mut lamp),
    ];

    let mut crypto = os_crypto();
    let mut seed = [0u8; 4];
    crypto.random_bytes(&mut seed);
    let counter = EventCounter::new(RamSequenceStore::default(), 32);
    let dispatcher = Dispatcher::new(INFO, &mut endpoints, counter, u32::from_le_bytes(seed))
        .expect("every endpoint conforms to its device type and every handler serves what it advertises");
    f(dispatcher);
}
