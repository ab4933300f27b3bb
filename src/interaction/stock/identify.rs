//! [`Identify`]: the stock handler of [`identify`], over an
//! [`IdentifyState`].

use core::cell::Cell;

use crate::catalog::identify;
use crate::interaction::{Context, Handler, Response};
use crate::message::{AttributeId, CommandId, Field, Seq, Status, Value};
use crate::time::{Duration, Instant};

use super::arg;

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
        if command != identify::identify::ID {
            return Err(Status::UNSUPPORTED_COMMAND);
        }
        let Some(Value::U16(seconds)) = arg(args, identify::identify::SECONDS) else {
            return Err(Status::MISSING_FIELD);
        };
        self.start(seconds, cx);
        Ok(())
    }
}
