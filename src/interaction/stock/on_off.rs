//! [`OnOff`]: the stock handler of [`on_off`].

use core::cell::Cell;

use crate::catalog::on_off;
use crate::interaction::{Context, Handler, Response};
use crate::message::{AttributeId, CommandId, Field, Seq, Status, Value};

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
            on_off::off::ID => false,
            on_off::on::ID => true,
            on_off::toggle::ID => !self.on.get(),
            _ => return Err(Status::UNSUPPORTED_COMMAND),
        };
        self.set(on, cx);
        Ok(())
    }
}
