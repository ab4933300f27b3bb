//! [`BasicInformation`]: the stock handler of [`basic_information`]: who
//! the device is, beyond the model numbers of its descriptor's
//! [`DeviceInfo`](crate::descriptor::DeviceInfo).

use core::fmt::Write as _;

use crate::catalog::basic_information;
use crate::descriptor::DescriptorError;
use crate::interaction::{Context, Handler};
use crate::message::{AttributeId, Status, Value};

/// Longest `vendor_name`, `product_name`, `serial_number`,
/// `firmware_version` and `label` the catalog allows, in bytes.
pub const MAX_INFO_STRING: usize = 32;
/// Longest `location` (an ISO 3166 alpha-2 code), in bytes.
pub const MAX_LOCATION: usize = 2;

/// [`basic_information`]: `vendor_name` and `product_name` are given,
/// `firmware_version` is the given build number in decimal,
/// `serial_number` is the unit's (served once given with
/// [`BasicInformation::with_serial`]), `reachable` is `true`. None of them
/// is part of the descriptor, which names the model only by its vendor and
/// product numbers: it stays small, and every unit of a build shares one
/// descriptor hash. `label` and `location` are writable and
/// kept here; the callback gets each new value, for the firmware to persist
/// and to restore at boot with [`BasicInformation::with_label`] and
/// [`BasicInformation::with_location`].
///
/// ```
/// use applink::interaction::stock::BasicInformation;
///
/// let save = |attribute, value: &str| { let _ = (attribute, value); /* to flash */ };
/// let handler = BasicInformation::new("Acme", "Desk lamp", 10_203)
///     .and_then(|h| h.with_serial("SN-0001"))
///     .and_then(|h| h.with_label("Study"))
///     .unwrap()
///     .on_change(&save);
/// assert_eq!(handler.firmware_version(), "10203");
/// assert_eq!(handler.label(), "Study");
/// // Longer than the catalog's 32 bytes: refused, not truncated.
/// assert!(BasicInformation::new(&"x".repeat(33), "Desk lamp", 1).is_err());
/// ```
pub struct BasicInformation<'a> {
    vendor_name: &'a str,
    product_name: &'a str,
    serial: Option<&'a str>,
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
    /// A handler for the product `product_name` made by `vendor_name`,
    /// running firmware build `firmware_version`, with no serial number and
    /// an empty label and location. A vendor name or product name longer
    /// than [`MAX_INFO_STRING`] bytes is refused with
    /// [`DescriptorError::TooLong`].
    pub fn new(
        vendor_name: &'a str,
        product_name: &'a str,
        firmware_version: u32,
    ) -> Result<Self, DescriptorError> {
        let mut firmware = heapless::String::new();
        // A u32 has at most 10 decimal digits.
        write!(firmware, "{firmware_version}").map_err(|_| DescriptorError::TooLong)?;
        Ok(BasicInformation {
            vendor_name: fits(vendor_name, MAX_INFO_STRING)?,
            product_name: fits(product_name, MAX_INFO_STRING)?,
            serial: None,
            firmware,
            location: heapless::String::new(),
            label: heapless::String::new(),
            on_change: None,
        })
    }

    /// Serves the unit's serial number (at most [`MAX_INFO_STRING`] bytes):
    /// advertise the optional `serial_number` attribute with it.
    pub fn with_serial(mut self, serial: &'a str) -> Result<Self, DescriptorError> {
        self.serial = Some(fits(serial, MAX_INFO_STRING)?);
        Ok(self)
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
            basic_information::SERIAL_NUMBER => match self.serial {
                Some(serial) => Value::Str(serial),
                None => return Err(Status::UNSUPPORTED_ATTRIBUTE),
            },
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
