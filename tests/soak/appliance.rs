//! The soak test's appliance: a dimmable lamp (identify, on/off, level)
//! and a door contact sensor, as firmware would write their handlers. Every
//! command and write that runs is counted, so the test can prove none ran
//! twice.

use core::cell::Cell;

use applink::catalog::{contact_sensing, identify, level_control, on_off};
use applink::interaction::{Context, Handler, Response};
use applink::message::{AttributeId, CommandId, Field, Seq, Status, Value};

/// The lamp's state and the counts of what ran.
#[derive(Default)]
pub struct Lamp {
    pub on: Cell<bool>,
    pub level: Cell<u8>,
    pub on_level: Cell<Option<u8>>,
    pub identify_time: Cell<u16>,
    /// Commands executed (every capability).
    pub commands: Cell<u64>,
    /// Toggles executed.
    pub toggles: Cell<u64>,
    /// Attribute writes executed.
    pub writes: Cell<u64>,
}

impl Lamp {
    pub fn new() -> Self {
        let lamp = Lamp::default();
        lamp.level.set(100);
        lamp
    }

    fn ran(&self) {
        self.commands.set(self.commands.get() + 1);
    }

    fn wrote(&self) {
        self.writes.set(self.writes.get() + 1);
    }
}

fn u8_arg(args: &Seq<'_, Field<'_>>, id: u16) -> Option<u8> {
    args.iter()
        .find(|f| f.id.0 == id)
        .and_then(|f| match f.value {
            Value::U8(x) => Some(x),
            _ => None,
        })
}

fn u16_arg(args: &Seq<'_, Field<'_>>, id: u16) -> Option<u16> {
    args.iter()
        .find(|f| f.id.0 == id)
        .and_then(|f| match f.value {
            Value::U16(x) => Some(x),
            _ => None,
        })
}

/// `identify` on the lamp: each `identify(seconds)` is counted.
pub struct Identify<'a>(pub &'a Lamp);
/// `on_off` on the lamp.
pub struct OnOff<'a>(pub &'a Lamp);
/// `level_control` on the lamp.
pub struct Level<'a>(pub &'a Lamp);

impl Handler for Identify<'_> {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        match attribute {
            identify::IDENTIFY_TIME => Ok(Value::U16(self.0.identify_time.get())),
            _ => Err(Status::UNSUPPORTED_ATTRIBUTE),
        }
    }

    fn write(&mut self, _: AttributeId, value: &Value<'_>, cx: &mut Context) -> Result<(), Status> {
        let Value::U16(t) = value else {
            return Err(Status::CONSTRAINT_ERROR);
        };
        self.0.identify_time.set(*t);
        self.0.wrote();
        cx.changed(identify::IDENTIFY_TIME);
        Ok(())
    }

    fn invoke(
        &mut self,
        _: CommandId,
        args: &Seq<'_, Field<'_>>,
        _: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        let seconds = u16_arg(args, 0).ok_or(Status::CONSTRAINT_ERROR)?;
        self.0.identify_time.set(seconds);
        self.0.ran();
        cx.changed(identify::IDENTIFY_TIME);
        Ok(())
    }
}

impl Handler for OnOff<'_> {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        match attribute {
            on_off::ON => Ok(Value::Bool(self.0.on.get())),
            _ => Err(Status::UNSUPPORTED_ATTRIBUTE),
        }
    }

    fn write(&mut self, _: AttributeId, value: &Value<'_>, cx: &mut Context) -> Result<(), Status> {
        let Value::Bool(on) = value else {
            return Err(Status::CONSTRAINT_ERROR);
        };
        self.0.on.set(*on);
        self.0.wrote();
        cx.changed(on_off::ON);
        Ok(())
    }

    fn invoke(
        &mut self,
        command: CommandId,
        _: &Seq<'_, Field<'_>>,
        _: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        let on = match command {
            on_off::off::ID => false,
            on_off::on::ID => true,
            _ => {
                self.0.toggles.set(self.0.toggles.get() + 1);
                !self.0.on.get()
            }
        };
        self.0.on.set(on);
        self.0.ran();
        cx.changed(on_off::ON);
        Ok(())
    }
}

impl Handler for Level<'_> {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        Ok(match attribute {
            level_control::LEVEL => Value::U8(self.0.level.get()),
            level_control::MIN_LEVEL => Value::U8(1),
            level_control::MAX_LEVEL => Value::U8(254),
            level_control::ON_LEVEL => self.0.on_level.get().map_or(Value::Null, Value::U8),
            _ => return Err(Status::UNSUPPORTED_ATTRIBUTE),
        })
    }

    fn write(
        &mut self,
        attribute: AttributeId,
        value: &Value<'_>,
        cx: &mut Context,
    ) -> Result<(), Status> {
        let level = match value {
            Value::U8(x) => Some(*x),
            _ => None,
        };
        match attribute {
            level_control::LEVEL => self.0.level.set(level.ok_or(Status::CONSTRAINT_ERROR)?),
            _ => self.0.on_level.set(level),
        }
        self.0.wrote();
        cx.changed(attribute);
        Ok(())
    }

    fn invoke(
        &mut self,
        command: CommandId,
        args: &Seq<'_, Field<'_>>,
        _: &mut Response,
        cx: &mut Context,
    ) -> Result<(), Status> {
        let level = match command {
            level_control::move_to_level::ID => u8_arg(args, 0).ok_or(Status::CONSTRAINT_ERROR)?,
            _ => {
                let step = u8_arg(args, 1).ok_or(Status::CONSTRAINT_ERROR)?;
                let up = args
                    .iter()
                    .any(|f| f.id.0 == 0 && f.value == Value::Bool(true));
                let now = self.0.level.get();
                if up {
                    now.saturating_add(step).min(254)
                } else {
                    now.saturating_sub(step).max(1)
                }
            }
        };
        self.0.level.set(level);
        self.0.ran();
        cx.changed(level_control::LEVEL);
        Ok(())
    }
}

/// The door sensor: the firmware flips `closed` and emits `changed`.
pub struct Contact<'a>(pub &'a Cell<bool>);

impl Handler for Contact<'_> {
    fn read(&self, attribute: AttributeId) -> Result<Value<'_>, Status> {
        match attribute {
            contact_sensing::STATE => Ok(Value::Bool(self.0.get())),
            _ => Err(Status::UNSUPPORTED_ATTRIBUTE),
        }
    }
}
