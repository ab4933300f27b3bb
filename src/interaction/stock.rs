//! Ready-made [`Handler`]s for the simple catalog capabilities, so a lamp
//! needs no handler code of its own.
//!
//! | handler | capability | state the application owns |
//! |---|---|---|
//! | [`OnOff`] | [`on_off`] | a `Cell<bool>` |
//! | [`Level`] | [`level_control`] | a [`LevelState`] |
//! | [`Identify`] | [`identify`] | an [`IdentifyState`] |
//! | [`BasicInformation`] | [`basic_information`] | none: built from the [`DeviceInfo`] |
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
//! refused still gets a [`Status`], never a panic. A command marks an
//! attribute changed (new data version, reports) only when its value
//! really changes; the dispatcher marks every attribute written.
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
//! const INFO: DeviceInfo<'static> = DeviceInfo {
//!     vendor: VendorId(0xFFF1),
//!     product: 1,
//!     product_name: "Desk lamp",
//!     serial: "SN-0001",
//!     hardware_version: 1,
//!     firmware_version: 7,
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
//! let mut basic = stock::BasicInformation::new(&INFO, "Acme").unwrap();
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
//!     command: on_off::TOGGLE,
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

use core::cell::Cell;
use core::fmt::Write as _;

use crate::catalog::{basic_information, identify, level_control, on_off};
use crate::descriptor::{DescriptorError, DeviceInfo};
use crate::message::{AttributeId, CommandId, Field, Seq, Status, Value};
use crate::time::{Duration, Instant};

use super::{Context, Handler, Response};

/// The value of argument `id`, if given.
fn arg<'v>(args: &Seq<'v, Field<'v>>, id: u16) -> Option<Value<'v>> {
    args.iter().find(|f| f.id.0 == id).map(|f| f.value)
}

// ---------------------------------------------------------------- on_off

/// [`on_off`] served from a `Cell<bool>` the application owns.
///
/// `off`, `on` and `toggle` set the cell; a write of `on` does too. The
/// callback runs with the new value whenever a controller changed it.
///
/// ```
/// use core::cell::Cell;
/// use applink::interaction::stock::OnOff;
///
/// let on = Cell::new(false);
/// let relay = |on: bool| { /* drive the GPIO */ let _ = on; };
/// let handler = OnOff::new(&on).on_change(&relay);
/// // `handler` goes into an `Instance` with `on_off::CAPABILITY`; the
/// // firmware keeps reading (and, on a button press, setting) `on`.
/// # let _ = handler;
/// assert!(!on.get());
/// ```
pub struct OnOff<'a> {
    on: &'a Cell<bool>,
    on_change: Option<&'a dyn Fn(bool)>,
}

impl<'a> OnOff<'a> {
    /// A handler over `on`.
    pub const fn new(on: &'a Cell<bool>) -> Self {
        OnOff {
            on,
            on_change: None,
        }
    }

    /// Calls `f` with the new value whenever a controller changes it.
    pub const fn on_change(mut self, f: &'a dyn Fn(bool)) -> Self {
        self.on_change = Some(f);
        self
    }

    fn set(&self, on: bool, cx: &mut Context) {
        if self.on.replace(on) != on {
            cx.changed(on_off::ON);
            if let Some(f) = self.on_change {
                f(on);
            }
        }
    }
}

impl Handler for OnOff<'_> {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        match attribute {
            on_off::ON => Ok(Value::Bool(self.on.get())),
            _ => Err(Status::UNSUPPORTED_ATTRIBUTE),
        }
    }

    fn write(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        cx: &mut Context,
    ) -> Result<(), Status> {
        match (attribute, value) {
            (on_off::ON, Value::Bool(on)) => {
                self.set(*on, cx);
                Ok(())
            }
            (on_off::ON, _) => Err(Status::INVALID_DATA_TYPE),
            _ => Err(Status::UNSUPPORTED_ATTRIBUTE),
        }
    }

    fn invoke(
        &mut self,
        command: CommandId,
        _args: &Seq<'_, Field<'_>>,
        _response: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        let on = match command {
            on_off::OFF => false,
            on_off::ON_CMD => true,
            on_off::TOGGLE => !self.on.get(),
            _ => return Err(Status::UNSUPPORTED_COMMAND),
        };
        self.set(on, cx);
        Ok(())
    }
}

// --------------------------------------------------------- level_control

/// The state behind [`Level`]: the current level (unknown is `None`), the
/// level to restore when switched on, and the device's own range inside
/// the catalog's `1..=254`.
///
/// ```
/// use applink::interaction::stock::LevelState;
///
/// // A dimmer that cannot go below 10.
/// let level = LevelState::new(Some(5)).with_range(10, 254);
/// assert_eq!(level.level(), Some(10), "clamped into the range");
/// assert!(level.set_level(Some(200)));
/// assert!(!level.set_level(Some(200)), "no change");
/// assert_eq!((level.min(), level.max()), (10, 254));
/// ```
#[derive(Debug)]
pub struct LevelState {
    level: Cell<Option<u8>>,
    on_level: Cell<Option<u8>>,
    min: u8,
    max: u8,
}

const fn clamp(v: u8, min: u8, max: u8) -> u8 {
    if v < min {
        min
    } else if v > max {
        max
    } else {
        v
    }
}

const fn clamp_opt(v: Option<u8>, min: u8, max: u8) -> Option<u8> {
    match v {
        Some(v) => Some(clamp(v, min, max)),
        None => None,
    }
}

impl LevelState {
    /// A level over the full range `1..=254`, with no `on_level`.
    pub const fn new(level: Option<u8>) -> Self {
        LevelState {
            level: Cell::new(clamp_opt(level, 1, 254)),
            on_level: Cell::new(None),
            min: 1,
            max: 254,
        }
    }

    /// Narrows the range to `min..=max` (each brought into `1..=254`, and
    /// `max` to at least `min`); the levels held are clamped into it.
    pub const fn with_range(self, min: u8, max: u8) -> Self {
        let min = clamp(min, 1, 254);
        let max = clamp(max, min, 254);
        LevelState {
            level: Cell::new(clamp_opt(self.level.into_inner(), min, max)),
            on_level: Cell::new(clamp_opt(self.on_level.into_inner(), min, max)),
            min,
            max,
        }
    }

    /// The current level; `None` while unknown.
    pub fn level(&self) -> Option<u8> {
        self.level.get()
    }

    /// Sets the level (clamped into the range); whether it changed. The
    /// firmware then calls `Dispatcher::attribute_changed` for
    /// [`level_control::LEVEL`].
    pub fn set_level(&self, level: Option<u8>) -> bool {
        let level = clamp_opt(level, self.min, self.max);
        self.level.replace(level) != level
    }

    /// The level to restore when switched on; `None`: the previous level.
    pub fn on_level(&self) -> Option<u8> {
        self.on_level.get()
    }

    /// Sets `on_level` (clamped into the range); whether it changed.
    pub fn set_on_level(&self, level: Option<u8>) -> bool {
        let level = clamp_opt(level, self.min, self.max);
        self.on_level.replace(level) != level
    }

    /// The lowest level the device supports.
    pub const fn min(&self) -> u8 {
        self.min
    }

    /// The highest level the device supports.
    pub const fn max(&self) -> u8 {
        self.max
    }
}

/// What a controller changed through [`Level`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LevelChange {
    /// `level` moved to `level`, to be reached over `transition_ds` tenths
    /// of a second (0: at once). The attribute already reads the target.
    Level {
        /// The new level.
        level: u8,
        /// The transition time asked for, in tenths of a second.
        transition_ds: u16,
    },
    /// `on_level` was set.
    OnLevel(Option<u8>),
}

/// [`level_control`] served from a [`LevelState`].
///
/// - `level` and `on_level` writes must lie in `min..=max`, else
///   `CONSTRAINT_ERROR`; `level` cannot be written `null` (a controller
///   cannot make the level unknown).
/// - `move_to_level` moves to its level clamped into `min..=max`; the
///   transition time is passed to the callback, not emulated.
/// - `step` moves up or down by `step_size`, stopping at `min`/`max`; it
///   answers `INVALID_STATE` while the level is unknown.
///
/// ```
/// use applink::interaction::stock::{Level, LevelChange, LevelState};
///
/// let state = LevelState::new(Some(128)).with_range(1, 200);
/// let pwm = |change: LevelChange| {
///     if let LevelChange::Level { level, transition_ds } = change {
///         let _ = (level, transition_ds); // start the fade
///     }
/// };
/// let handler = Level::new(&state).on_change(&pwm);
/// # let _ = handler;
/// ```
pub struct Level<'a> {
    state: &'a LevelState,
    on_change: Option<&'a dyn Fn(LevelChange)>,
}

impl<'a> Level<'a> {
    /// A handler over `state`.
    pub const fn new(state: &'a LevelState) -> Self {
        Level {
            state,
            on_change: None,
        }
    }

    /// Calls `f` after a controller changed `level` or `on_level`.
    pub const fn on_change(mut self, f: &'a dyn Fn(LevelChange)) -> Self {
        self.on_change = Some(f);
        self
    }

    fn notify(&self, change: LevelChange) {
        if let Some(f) = self.on_change {
            f(change);
        }
    }

    fn in_range(&self, value: &Value<'_>) -> Result<Option<u8>, Status> {
        match *value {
            Value::Null => Ok(None),
            Value::U8(v) if (self.state.min..=self.state.max).contains(&v) => Ok(Some(v)),
            Value::U8(_) => Err(Status::CONSTRAINT_ERROR),
            _ => Err(Status::INVALID_DATA_TYPE),
        }
    }

    fn move_to(&self, level: u8, transition_ds: u16, cx: &mut Context) {
        if self.state.set_level(Some(level)) {
            cx.changed(level_control::LEVEL);
            if let Some(level) = self.state.level() {
                self.notify(LevelChange::Level {
                    level,
                    transition_ds,
                });
            }
        }
    }
}

impl Handler for Level<'_> {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        let opt = |v: Option<u8>| v.map_or(Value::Null, Value::U8);
        Ok(match attribute {
            level_control::LEVEL => opt(self.state.level()),
            level_control::MIN_LEVEL => Value::U8(self.state.min),
            level_control::MAX_LEVEL => Value::U8(self.state.max),
            level_control::ON_LEVEL => opt(self.state.on_level()),
            _ => return Err(Status::UNSUPPORTED_ATTRIBUTE),
        })
    }

    fn write(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        cx: &mut Context,
    ) -> Result<(), Status> {
        match attribute {
            level_control::LEVEL => {
                let level = self.in_range(value)?.ok_or(Status::CONSTRAINT_ERROR)?;
                self.move_to(level, 0, cx);
            }
            level_control::ON_LEVEL => {
                let level = self.in_range(value)?;
                if self.state.set_on_level(level) {
                    cx.changed(level_control::ON_LEVEL);
                    self.notify(LevelChange::OnLevel(level));
                }
            }
            level_control::MIN_LEVEL | level_control::MAX_LEVEL => {
                return Err(Status::ACCESS_DENIED);
            }
            _ => return Err(Status::UNSUPPORTED_ATTRIBUTE),
        }
        Ok(())
    }

    fn invoke(
        &mut self,
        command: CommandId,
        args: &Seq<'_, Field<'_>>,
        _response: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        match command {
            level_control::MOVE_TO_LEVEL => {
                let Some(Value::U8(level)) = arg(args, 0) else {
                    return Err(Status::MISSING_FIELD);
                };
                let transition_ds = match arg(args, 1) {
                    Some(Value::U16(t)) => t,
                    _ => 0,
                };
                let level = clamp(level, self.state.min, self.state.max);
                self.move_to(level, transition_ds, cx);
            }
            level_control::STEP => {
                let (Some(Value::Bool(up)), Some(Value::U8(size))) = (arg(args, 0), arg(args, 1))
                else {
                    return Err(Status::MISSING_FIELD);
                };
                let current = self.state.level().ok_or(Status::INVALID_STATE)?;
                let next = if up {
                    current.saturating_add(size)
                } else {
                    current.saturating_sub(size)
                };
                let next = clamp(next, self.state.min, self.state.max);
                self.move_to(next, 0, cx);
            }
            _ => return Err(Status::UNSUPPORTED_COMMAND),
        }
        Ok(())
    }
}

// -------------------------------------------------------------- identify

/// The state behind [`Identify`]: how long the device was last asked to
/// identify itself, and until when.
///
/// `identify_time` reads as the duration last set (the handler sees no
/// clock on reads) and drops to 0 when the firmware's
/// [`IdentifyState::handle_timeout`] finds the time up.
///
/// ```
/// use applink::interaction::stock::IdentifyState;
/// use applink::time::Instant;
///
/// let blink = IdentifyState::new();
/// blink.start(5, Instant::from_secs(100)); // a button on the device
/// assert_eq!(blink.remaining(Instant::from_millis(101_500)), 4);
/// assert_eq!(blink.poll_timeout(), Some(Instant::from_secs(105)));
/// assert!(!blink.handle_timeout(Instant::from_secs(104)));
/// assert!(blink.handle_timeout(Instant::from_secs(105)), "over: stop blinking");
/// assert_eq!(blink.identify_time(), 0);
/// ```
#[derive(Debug, Default)]
pub struct IdentifyState {
    time: Cell<u16>,
    until: Cell<Option<Instant>>,
}

impl IdentifyState {
    /// Not identifying.
    pub const fn new() -> Self {
        IdentifyState {
            time: Cell::new(0),
            until: Cell::new(None),
        }
    }

    /// Starts identifying for `seconds` from `now` (0 stops); whether
    /// `identify_time` changed.
    pub fn start(&self, seconds: u16, now: Instant) -> bool {
        let until = (seconds > 0).then(|| now.saturating_add(Duration::from_secs(seconds.into())));
        self.until.set(until);
        self.time.replace(seconds) != seconds
    }

    /// `identify_time` as last set (0 once over).
    pub fn identify_time(&self) -> u16 {
        self.time.get()
    }

    /// Whole seconds left at `now`, rounded up.
    pub fn remaining(&self, now: Instant) -> u16 {
        self.until.get().map_or(0, |until| {
            let ms = until.saturating_since(now).millis();
            u16::try_from(ms.div_ceil(1000)).unwrap_or(u16::MAX)
        })
    }

    /// Whether the device should be identifying at `now`.
    pub fn is_identifying(&self, now: Instant) -> bool {
        self.remaining(now) > 0
    }

    /// When identification ends, if it is running.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.until.get()
    }

    /// Ends identification if its time is up at `now`; returns `true` when
    /// it just ended: the firmware stops showing itself and calls
    /// `Dispatcher::attribute_changed` for [`identify::IDENTIFY_TIME`].
    pub fn handle_timeout(&self, now: Instant) -> bool {
        match self.until.get() {
            Some(until) if now >= until => {
                self.until.set(None);
                self.time.set(0);
                true
            }
            _ => false,
        }
    }
}

/// [`identify`] served from an [`IdentifyState`]: the `identify(seconds)`
/// command and a write of `identify_time` both (re)start identification,
/// and 0 stops it. The callback runs on every such request with the
/// seconds asked for.
///
/// ```
/// use applink::interaction::stock::{Identify, IdentifyState};
///
/// let state = IdentifyState::new();
/// let blink = |seconds: u16| { let _ = seconds; /* start or stop the LED */ };
/// let handler = Identify::new(&state).on_change(&blink);
/// # let _ = handler;
/// ```
pub struct Identify<'a> {
    state: &'a IdentifyState,
    on_change: Option<&'a dyn Fn(u16)>,
}

impl<'a> Identify<'a> {
    /// A handler over `state`.
    pub const fn new(state: &'a IdentifyState) -> Self {
        Identify {
            state,
            on_change: None,
        }
    }

    /// Calls `f` with the seconds asked for on every identify request.
    pub const fn on_change(mut self, f: &'a dyn Fn(u16)) -> Self {
        self.on_change = Some(f);
        self
    }

    fn start(&self, seconds: u16, cx: &mut Context) {
        if self.state.start(seconds, cx.now) {
            cx.changed(identify::IDENTIFY_TIME);
        }
        if let Some(f) = self.on_change {
            f(seconds);
        }
    }
}

impl Handler for Identify<'_> {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        match attribute {
            identify::IDENTIFY_TIME => Ok(Value::U16(self.state.identify_time())),
            _ => Err(Status::UNSUPPORTED_ATTRIBUTE),
        }
    }

    fn write(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        cx: &mut Context,
    ) -> Result<(), Status> {
        match (attribute, value) {
            (identify::IDENTIFY_TIME, Value::U16(seconds)) => {
                self.start(*seconds, cx);
                Ok(())
            }
            (identify::IDENTIFY_TIME, _) => Err(Status::INVALID_DATA_TYPE),
            _ => Err(Status::UNSUPPORTED_ATTRIBUTE),
        }
    }

    fn invoke(
        &mut self,
        command: CommandId,
        args: &Seq<'_, Field<'_>>,
        _response: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        if command != identify::IDENTIFY {
            return Err(Status::UNSUPPORTED_COMMAND);
        }
        let Some(Value::U16(seconds)) = arg(args, 0) else {
            return Err(Status::MISSING_FIELD);
        };
        self.start(seconds, cx);
        Ok(())
    }
}

// ----------------------------------------------------- basic_information

/// Longest `vendor_name`, `product_name`, `serial_number`,
/// `firmware_version` and `label` the catalog allows, in bytes.
pub const MAX_INFO_STRING: usize = 32;
/// Longest `location` (an ISO 3166 alpha-2 code), in bytes.
pub const MAX_LOCATION: usize = 2;

/// [`basic_information`] served from the dispatcher's own [`DeviceInfo`]
/// (one source of truth): `product_name` and `serial_number` are the
/// info's, `firmware_version` is its number in decimal, `vendor_name` is
/// given, `reachable` is `true`. `label` and `location` are writable and
/// kept here; the callback gets each new value, for the firmware to persist
/// and to restore at boot with [`BasicInformation::with_label`] and
/// [`BasicInformation::with_location`].
///
/// ```
/// use applink::descriptor::Device;
/// use applink::interaction::stock::BasicInformation;
///
/// let mut info = Device::EMPTY.info;
/// info.product_name = "Desk lamp";
/// info.firmware_version = 10_203;
/// let save = |attribute, value: &str| { let _ = (attribute, value); /* to flash */ };
/// let handler = BasicInformation::new(&info, "Acme")
///     .and_then(|h| h.with_label("Study"))
///     .unwrap()
///     .on_change(&save);
/// assert_eq!(handler.firmware_version(), "10203");
/// assert_eq!(handler.label(), "Study");
/// // Longer than the catalog's 32 bytes: refused, not truncated.
/// assert!(BasicInformation::new(&info, &"x".repeat(33)).is_err());
/// ```
pub struct BasicInformation<'a> {
    vendor_name: &'a str,
    product_name: &'a str,
    serial: &'a str,
    firmware: heapless::String<10>,
    location: heapless::String<MAX_LOCATION>,
    label: heapless::String<MAX_INFO_STRING>,
    on_change: Option<InfoChanged<'a>>,
}

/// The callback of [`BasicInformation::on_change`].
type InfoChanged<'a> = &'a dyn Fn(AttributeId, &str);

fn fits(s: &str, max: usize) -> Result<&str, DescriptorError> {
    if s.len() <= max {
        Ok(s)
    } else {
        Err(DescriptorError::TooLong)
    }
}

fn copy_str<const N: usize>(s: &str) -> Result<heapless::String<N>, DescriptorError> {
    let mut out = heapless::String::new();
    out.push_str(s).map_err(|_| DescriptorError::TooLong)?;
    Ok(out)
}

impl<'a> BasicInformation<'a> {
    /// A handler for the device `info` describes, made by `vendor_name`,
    /// with an empty label and location. A vendor name, product name or
    /// serial number longer than [`MAX_INFO_STRING`] bytes is refused with
    /// [`DescriptorError::TooLong`].
    pub fn new(info: &DeviceInfo<'a>, vendor_name: &'a str) -> Result<Self, DescriptorError> {
        let mut firmware = heapless::String::new();
        // A u32 has at most 10 decimal digits.
        write!(firmware, "{}", info.firmware_version).map_err(|_| DescriptorError::TooLong)?;
        Ok(BasicInformation {
            vendor_name: fits(vendor_name, MAX_INFO_STRING)?,
            product_name: fits(info.product_name, MAX_INFO_STRING)?,
            serial: fits(info.serial, MAX_INFO_STRING)?,
            firmware,
            location: heapless::String::new(),
            label: heapless::String::new(),
            on_change: None,
        })
    }

    /// Restores the label saved earlier (at most [`MAX_INFO_STRING`] bytes).
    pub fn with_label(mut self, label: &str) -> Result<Self, DescriptorError> {
        self.label = copy_str(label)?;
        Ok(self)
    }

    /// Restores the location saved earlier (at most [`MAX_LOCATION`] bytes).
    pub fn with_location(mut self, location: &str) -> Result<Self, DescriptorError> {
        self.location = copy_str(location)?;
        Ok(self)
    }

    /// Calls `f` with the attribute and its new value after a controller
    /// changed `label` or `location`.
    pub fn on_change(mut self, f: InfoChanged<'a>) -> Self {
        self.on_change = Some(f);
        self
    }

    /// The label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The location.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The firmware version as served.
    pub fn firmware_version(&self) -> &str {
        &self.firmware
    }
}

impl Handler for BasicInformation<'_> {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        Ok(match attribute {
            basic_information::VENDOR_NAME => Value::Str(self.vendor_name),
            basic_information::PRODUCT_NAME => Value::Str(self.product_name),
            basic_information::SERIAL_NUMBER => Value::Str(self.serial),
            basic_information::FIRMWARE_VERSION => Value::Str(&self.firmware),
            basic_information::LOCATION => Value::Str(&self.location),
            basic_information::LABEL => Value::Str(&self.label),
            basic_information::REACHABLE => Value::Bool(true),
            _ => return Err(Status::UNSUPPORTED_ATTRIBUTE),
        })
    }

    fn write(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        cx: &mut Context,
    ) -> Result<(), Status> {
        let Value::Str(new) = *value else {
            return Err(Status::INVALID_DATA_TYPE);
        };
        let changed = match attribute {
            basic_information::LABEL => replace(&mut self.label, new)?,
            basic_information::LOCATION => replace(&mut self.location, new)?,
            _ => return Err(Status::ACCESS_DENIED),
        };
        if changed {
            cx.changed(attribute);
            if let Some(f) = self.on_change {
                f(attribute, new);
            }
        }
        Ok(())
    }
}

/// Stores `new` in `slot`; whether it differed.
fn replace<const N: usize>(slot: &mut heapless::String<N>, new: &str) -> Result<bool, Status> {
    if slot.as_str() == new {
        return Ok(false);
    }
    *slot = copy_str(new).map_err(|_| Status::CONSTRAINT_ERROR)?;
    Ok(true)
}

// -------------------------------------------------------- RAM attributes

/// One stored attribute value of a [`RamAttributes`] handler.
///
/// ```
/// use applink::interaction::stock::RamAttribute;
/// use applink::message::{AttributeId, Value};
///
/// let temperature = RamAttribute::new(AttributeId(0), Value::I16(2150));
/// // A new reading from the sensor: then `Dispatcher::attribute_changed`.
/// assert!(temperature.set(Value::I16(2175)));
/// assert_eq!(temperature.get(), Value::I16(2175));
/// ```
#[derive(Debug)]
pub struct RamAttribute {
    id: AttributeId,
    value: Cell<Value<'static>>,
}

impl RamAttribute {
    /// Attribute `id` holding `value`.
    pub const fn new(id: AttributeId, value: Value<'static>) -> Self {
        RamAttribute {
            id,
            value: Cell::new(value),
        }
    }

    /// The attribute's id.
    pub const fn id(&self) -> AttributeId {
        self.id
    }

    /// The value held.
    pub fn get(&self) -> Value<'static> {
        self.value.get()
    }

    /// Stores `value`; whether it differed from the value held.
    pub fn set(&self, value: Value<'static>) -> bool {
        self.value.replace(value) != value
    }
}

/// `value` without borrowed data, if it has none.
fn owned(value: &Value<'_>) -> Option<Value<'static>> {
    Some(match *value {
        Value::Null => Value::Null,
        Value::Bool(v) => Value::Bool(v),
        Value::U8(v) => Value::U8(v),
        Value::U16(v) => Value::U16(v),
        Value::U32(v) => Value::U32(v),
        Value::U64(v) => Value::U64(v),
        Value::I8(v) => Value::I8(v),
        Value::I16(v) => Value::I16(v),
        Value::I32(v) => Value::I32(v),
        Value::I64(v) => Value::I64(v),
        Value::F32(v) => Value::F32(v),
        Value::F64(v) => Value::F64(v),
        Value::Enum(v) => Value::Enum(v),
        Value::Bitmap(v) => Value::Bitmap(v),
        Value::Str(_) | Value::Bytes(_) | Value::List(_) | Value::Struct(_) => return None,
    })
}

/// A generic handler for a capability whose attributes are plain stored
/// values (a sensor's readings, a setting): reads serve the
/// [`RamAttribute`]s, writes store into them. It has no commands.
///
/// Values are scalars (numbers, booleans, enums, bitmaps, null); a
/// `'static` string can be served but a written string, byte string or
/// list cannot be stored and is answered `FAILURE`. An attribute of the
/// capability without a slot is answered `UNSUPPORTED_ATTRIBUTE`.
///
/// ```
/// use applink::catalog::measurement as m;
/// use applink::interaction::stock::{RamAttribute, RamAttributes};
/// use applink::message::Value;
///
/// // Behind `temperature_measurement::CAPABILITY`.
/// let values = [
///     RamAttribute::new(m::MEASURED_VALUE, Value::I16(2150)),
///     RamAttribute::new(m::MIN_MEASURED_VALUE, Value::I16(-4000)),
///     RamAttribute::new(m::MAX_MEASURED_VALUE, Value::I16(8500)),
/// ];
/// let handler = RamAttributes::new(&values);
/// assert_eq!(handler.get(m::MEASURED_VALUE), Some(Value::I16(2150)));
/// // A new reading: then `Dispatcher::attribute_changed`.
/// values[0].set(Value::I16(2175));
/// assert_eq!(handler.get(m::MEASURED_VALUE), Some(Value::I16(2175)));
/// ```
pub struct RamAttributes<'a> {
    attributes: &'a [RamAttribute],
    on_change: Option<&'a dyn Fn(AttributeId, Value<'static>)>,
}

impl<'a> RamAttributes<'a> {
    /// A handler over `attributes`.
    pub const fn new(attributes: &'a [RamAttribute]) -> Self {
        RamAttributes {
            attributes,
            on_change: None,
        }
    }

    /// Calls `f` with the attribute and its new value after a controller
    /// changed it.
    pub const fn on_change(mut self, f: &'a dyn Fn(AttributeId, Value<'static>)) -> Self {
        self.on_change = Some(f);
        self
    }

    /// The value of attribute `id`, if it has a slot.
    pub fn get(&self, id: AttributeId) -> Option<Value<'static>> {
        self.slot(id).map(RamAttribute::get)
    }

    fn slot(&self, id: AttributeId) -> Option<&'a RamAttribute> {
        self.attributes.iter().find(|a| a.id == id)
    }
}

impl Handler for RamAttributes<'_> {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        self.get(attribute).ok_or(Status::UNSUPPORTED_ATTRIBUTE)
    }

    fn write(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        cx: &mut Context,
    ) -> Result<(), Status> {
        let slot = self.slot(attribute).ok_or(Status::UNSUPPORTED_ATTRIBUTE)?;
        let value = owned(value).ok_or(Status::FAILURE)?;
        if slot.set(value) {
            cx.changed(attribute);
            if let Some(f) = self.on_change {
                f(attribute, value);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
