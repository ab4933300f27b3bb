//! [`Level`]: the stock handler of [`level_control`], over a [`LevelState`].

use core::cell::Cell;

use crate::catalog::level_control;
use crate::interaction::{Context, Handler, Response};
use crate::message::{AttributeId, CommandId, Field, Seq, Status, Value};

use super::arg;

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
            level_control::move_to_level::ID => {
                let Some(Value::U8(level)) = arg(args, level_control::move_to_level::LEVEL) else {
                    return Err(Status::MISSING_FIELD);
                };
                let transition_ds = match arg(args, level_control::move_to_level::TRANSITION_DS) {
                    Some(Value::U16(t)) => t,
                    _ => 0,
                };
                let level = clamp(level, self.state.min, self.state.max);
                self.move_to(level, transition_ds, cx);
            }
            level_control::step::ID => {
                let (Some(Value::Bool(up)), Some(Value::U8(size))) = (
                    arg(args, level_control::step::UP),
                    arg(args, level_control::step::STEP_SIZE),
                ) else {
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
