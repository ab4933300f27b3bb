//! An encoder written from the specification's tables alone: it turns the
//! `decoded` JSON of a vector back into bytes with no help from the crate's
//! codec, every enum's variant index looked up by name in a [`Tables`].
//!
//! With [`Tables::spec`] (the tables of `spec/SPEC.md` and
//! `spec/INTERACTION.md`, copied here by hand) it reproduces every vector's
//! bytes: that is the "encode the decoded fields" direction of the vector
//! checks. `tests/mutation.rs` changes the tables and checks that some
//! vector then comes out different.

use serde_json::Value as Json;

/// An enum's variant names in index order: the variant at position `i` is
/// encoded as index `i`.
pub type Table = Vec<String>;

/// Every table the descriptor and interaction encodings use.
#[derive(Clone, Debug)]
pub struct Tables {
    /// `Unit` (INTERACTION.md 2).
    pub unit: Table,
    /// `Type`.
    pub ty: Table,
    /// `Elem`.
    pub elem: Table,
    /// `Width`.
    pub width: Table,
    /// `Priority` (descriptor events and the `Event` message).
    pub priority: Table,
    /// `CapabilityEntry`.
    pub entry: Table,
    /// `Value` (SPEC.md 4.3).
    pub value: Table,
    /// The message types (SPEC.md 5).
    pub message: Table,
    /// `BatchItem` (SPEC.md 5.3).
    pub batch_item: Table,
    /// `BatchResult` (SPEC.md 5.3).
    pub batch_result: Table,
    /// The status names and their codes (SPEC.md 4.5).
    pub status: Vec<(String, u16)>,
}

fn table(names: &[&str]) -> Table {
    names.iter().map(|s| s.to_string()).collect()
}

impl Tables {
    /// The tables as the specification gives them.
    pub fn spec() -> Tables {
        Tables {
            unit: table(&[
                "None",
                "Percent",
                "Celsius",
                "Kelvin",
                "Mired",
                "Lux",
                "Watt",
                "WattHour",
                "Volt",
                "Ampere",
                "Hertz",
                "Pascal",
                "Second",
                "Minute",
                "Meter",
                "SquareMeter",
                "Liter",
                "MicrogramPerCubicMeter",
                "PartsPerMillion",
                "PartsPerBillion",
                "Rpm",
                "Degree",
                "Gram",
                "LiterPerHour",
            ]),
            ty: table(&[
                "Bool", "Int", "Float", "Enum", "Bitmap", "Str", "Bytes", "List",
            ]),
            elem: table(&["Bool", "Int", "Enum", "Str"]),
            width: table(&["U8", "U16", "U32", "U64", "I8", "I16", "I32", "I64"]),
            priority: table(&["Debug", "Info", "Critical"]),
            entry: table(&["Standard", "Vendor"]),
            value: table(&[
                "Null", "Bool", "U8", "U16", "U32", "U64", "I8", "I16", "I32", "I64", "F32", "F64",
                "Str", "Bytes", "Enum", "Bitmap", "List", "Struct",
            ]),
            message: table(&[
                "Hello",
                "HelloReply",
                "PairRequest",
                "PairChallenge",
                "PairFinish",
                "ResumeRequest",
                "ResumeReply",
                "Describe",
                "Descriptor",
                "Read",
                "ReadReply",
                "Write",
                "WriteReply",
                "Invoke",
                "InvokeReply",
                "Subscribe",
                "SubscribeReply",
                "Unsubscribe",
                "Report",
                "Event",
                "Status",
                "Ping",
                "Pong",
                "Close",
                "Ack",
                "Admin",
                "PairingList",
                "PairingAdded",
                "DescribeCapability",
                "Batch",
                "BatchReply",
            ]),
            batch_item: table(&["Write", "Invoke"]),
            batch_result: table(&["Written", "Invoked", "Failed", "NotRun"]),
            status: [
                ("SUCCESS", 0),
                ("FAILURE", 1),
                ("INVALID_MESSAGE", 2),
                ("UNSUPPORTED_MESSAGE", 3),
                ("UNSUPPORTED_VERSION", 4),
                ("BUSY", 5),
                ("TIMEOUT", 6),
                ("RESOURCE_EXHAUSTED", 7),
                ("INVALID_STATE", 8),
                ("UNSUPPORTED_ENDPOINT", 16),
                ("UNSUPPORTED_CAPABILITY", 17),
                ("UNSUPPORTED_ATTRIBUTE", 18),
                ("UNSUPPORTED_COMMAND", 19),
                ("UNSUPPORTED_EVENT", 20),
                ("CONSTRAINT_ERROR", 32),
                ("INVALID_DATA_TYPE", 33),
                ("ACCESS_DENIED", 34),
                ("DATA_VERSION_MISMATCH", 35),
                ("NEEDS_TIMED_INVOKE", 36),
                ("MISSING_FIELD", 37),
                ("NEEDS_PAIRING", 48),
                ("WRONG_SETUP_CODE", 49),
                ("PAIRING_WINDOW_CLOSED", 50),
                ("LOCKED_OUT", 51),
                ("UNKNOWN_SESSION", 52),
                ("AUTHENTICATION_FAILED", 53),
                ("ALREADY_PAIRED", 54),
            ]
            .iter()
            .map(|(n, c)| (n.to_string(), *c))
            .collect(),
        }
    }

    /// The code of the status named `name`.
    pub fn status_code(&self, name: &str) -> Option<u16> {
        self.status.iter().find(|(n, _)| n == name).map(|(_, c)| *c)
    }
}

/// Why a JSON value could not be encoded.
pub type Error = String;

fn index(table: &Table, what: &str, j: &Json) -> Result<u64, Error> {
    let name = j["type"]
        .as_str()
        .ok_or_else(|| format!("{what}: no type in {j}"))?;
    table
        .iter()
        .position(|n| n == name)
        .map(|i| i as u64)
        .ok_or_else(|| format!("{what}: no variant {name}"))
}

fn num(j: &Json, key: &str) -> Result<u64, Error> {
    j[key]
        .as_u64()
        .ok_or_else(|| format!("{key}: not an unsigned number in {j}"))
}

fn signed(j: &Json, key: &str) -> Result<i64, Error> {
    j[key]
        .as_i64()
        .ok_or_else(|| format!("{key}: not a signed number in {j}"))
}

fn flag(j: &Json, key: &str) -> Result<bool, Error> {
    j[key]
        .as_bool()
        .ok_or_else(|| format!("{key}: not a bool in {j}"))
}

fn text<'j>(j: &'j Json, key: &str) -> Result<&'j str, Error> {
    j[key]
        .as_str()
        .ok_or_else(|| format!("{key}: not a string in {j}"))
}

fn array<'j>(j: &'j Json, key: &str) -> Result<&'j Vec<Json>, Error> {
    j[key]
        .as_array()
        .ok_or_else(|| format!("{key}: not an array in {j}"))
}

fn hex_of(j: &Json, key: &str) -> Result<Vec<u8>, Error> {
    hex::decode(text(j, key)?).map_err(|e| format!("{key}: {e}"))
}

/// Encodes JSON to bytes with the given tables.
pub struct Encoder<'t> {
    t: &'t Tables,
    out: Vec<u8>,
}

type Part<'t> = fn(&mut Encoder<'t>, &Json) -> Result<(), Error>;

impl<'t> Encoder<'t> {
    /// An empty encoder.
    pub fn new(t: &'t Tables) -> Self {
        Encoder { t, out: Vec::new() }
    }

    /// The bytes so far.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }

    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    fn zigzag(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn u(&mut self, j: &Json, key: &str) -> Result<(), Error> {
        let v = num(j, key)?;
        self.varint(v);
        Ok(())
    }

    fn byte(&mut self, j: &Json, key: &str) -> Result<(), Error> {
        let v = num(j, key)?;
        self.out
            .push(u8::try_from(v).map_err(|_| format!("{key}: not a byte"))?);
        Ok(())
    }

    fn boolean(&mut self, j: &Json, key: &str) -> Result<(), Error> {
        let b = flag(j, key)?;
        self.out.push(u8::from(b));
        Ok(())
    }

    fn string(&mut self, j: &Json, key: &str) -> Result<(), Error> {
        let s = text(j, key)?;
        self.varint(s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
        Ok(())
    }

    fn enumeration(&mut self, table: &Table, what: &str, j: &Json) -> Result<(), Error> {
        let i = index(table, what, j)?;
        self.varint(i);
        Ok(())
    }

    fn option_u(&mut self, j: &Json, key: &str) -> Result<(), Error> {
        if j[key].is_null() {
            self.out.push(0);
            Ok(())
        } else {
            self.out.push(1);
            self.u(j, key)
        }
    }

    /// A `Seq`: the byte length of the elements, then the elements.
    fn seq(&mut self, j: &Json, key: &str, part: Part<'t>) -> Result<(), Error> {
        let mut inner = Encoder::new(self.t);
        for item in array(j, key)? {
            part(&mut inner, item)?;
        }
        self.varint(inner.out.len() as u64);
        self.out.extend_from_slice(&inner.out);
        Ok(())
    }

    fn seq_of_u(&mut self, j: &Json, key: &str) -> Result<(), Error> {
        let mut inner = Encoder::new(self.t);
        for item in array(j, key)? {
            inner.varint(item.as_u64().ok_or("not a number")?);
        }
        self.varint(inner.out.len() as u64);
        self.out.extend_from_slice(&inner.out);
        Ok(())
    }

    // ---- descriptors (INTERACTION.md 2) ----

    fn info(&mut self, j: &Json) -> Result<(), Error> {
        self.u(j, "vendor")?;
        self.u(j, "product")?;
        self.u(j, "hardware_version")?;
        self.byte(j, "min_protocol")?;
        self.byte(j, "max_protocol")
    }

    fn device_type(&mut self, j: &Json) -> Result<(), Error> {
        self.u(j, "id")?;
        self.u(j, "revision")
    }

    /// A `Compact` descriptor.
    pub fn compact(&mut self, j: &Json) -> Result<(), Error> {
        self.info(&j["info"])?;
        self.seq(j, "endpoints", |e, ep| {
            e.u(ep, "id")?;
            e.seq(ep, "device_types", Self::device_type)?;
            e.seq(ep, "capabilities", Self::entry)
        })
    }

    /// A `Device` (an expansion).
    pub fn device(&mut self, j: &Json) -> Result<(), Error> {
        self.info(&j["info"])?;
        self.seq(j, "endpoints", |e, ep| {
            e.u(ep, "id")?;
            e.seq(ep, "device_types", Self::device_type)?;
            e.seq(ep, "capabilities", Self::capability)
        })
    }

    fn entry(&mut self, j: &Json) -> Result<(), Error> {
        let t = self.t;
        self.enumeration(&t.entry, "CapabilityEntry", j)?;
        match text(j, "type")? {
            "Standard" => {
                for key in ["id", "revision", "features", "attributes", "commands"] {
                    self.u(j, key)?;
                }
                self.u(j, "events")
            }
            "Vendor" => self.capability(j),
            other => Err(format!("CapabilityEntry {other}")),
        }
    }

    /// A `Capability` in full.
    pub fn capability(&mut self, j: &Json) -> Result<(), Error> {
        self.u(j, "id")?;
        self.string(j, "name")?;
        self.u(j, "revision")?;
        self.u(j, "features")?;
        self.seq(j, "attributes", |e, a| {
            e.u(a, "id")?;
            e.string(a, "name")?;
            e.ty(&a["ty"])?;
            e.byte(a, "access")?;
            e.boolean(a, "nullable")?;
            e.boolean(a, "persisted")
        })?;
        self.seq(j, "commands", |e, c| {
            e.u(c, "id")?;
            e.string(c, "name")?;
            e.seq(c, "params", Self::field_desc)?;
            e.seq(c, "response", Self::field_desc)?;
            e.boolean(c, "timed")?;
            e.boolean(c, "admin")
        })?;
        self.seq(j, "events", |e, ev| {
            e.u(ev, "id")?;
            e.string(ev, "name")?;
            let t = e.t;
            e.enumeration(&t.priority, "Priority", &ev["priority"])?;
            e.seq(ev, "fields", Self::field_desc)
        })
    }

    fn field_desc(&mut self, j: &Json) -> Result<(), Error> {
        self.u(j, "id")?;
        self.string(j, "name")?;
        self.ty(&j["ty"])?;
        self.boolean(j, "optional")?;
        self.boolean(j, "nullable")
    }

    fn named(&mut self, j: &Json) -> Result<(), Error> {
        self.u(j, "value")?;
        self.string(j, "name")
    }

    fn f32(&mut self, j: &Json, key: &str) -> Result<(), Error> {
        let v = j[key]
            .as_f64()
            .ok_or_else(|| format!("{key}: not a number"))?;
        self.out.extend_from_slice(&(v as f32).to_le_bytes());
        Ok(())
    }

    fn ty(&mut self, j: &Json) -> Result<(), Error> {
        let t = self.t;
        self.enumeration(&t.ty, "Type", j)?;
        match text(j, "type")? {
            "Bool" => Ok(()),
            "Int" => {
                self.enumeration(&t.width, "Width", &j["width"])?;
                self.zigzag(signed(j, "min")?);
                self.zigzag(signed(j, "max")?);
                self.u(j, "step")?;
                let scale = signed(j, "scale")?;
                self.out.push(scale as i8 as u8);
                self.enumeration(&t.unit, "Unit", &j["unit"])
            }
            "Float" => {
                self.f32(j, "min")?;
                self.f32(j, "max")?;
                self.enumeration(&t.unit, "Unit", &j["unit"])
            }
            "Enum" => self.seq(j, "values", Self::named),
            "Bitmap" => self.seq(j, "bits", Self::named),
            "Str" | "Bytes" => self.u(j, "max_len"),
            "List" => {
                self.elem(&j["item"])?;
                self.u(j, "max_items")
            }
            other => Err(format!("Type {other}")),
        }
    }

    fn elem(&mut self, j: &Json) -> Result<(), Error> {
        let t = self.t;
        self.enumeration(&t.elem, "Elem", j)?;
        match text(j, "type")? {
            "Bool" => Ok(()),
            "Int" => {
                self.enumeration(&t.width, "Width", &j["width"])?;
                self.zigzag(signed(j, "min")?);
                self.zigzag(signed(j, "max")?);
                Ok(())
            }
            "Enum" => self.u(j, "max"),
            "Str" => self.u(j, "max_len"),
            other => Err(format!("Elem {other}")),
        }
    }

    // ---- values and messages (SPEC.md 4 and 5.3) ----

    /// A `Value`.
    pub fn value(&mut self, j: &Json) -> Result<(), Error> {
        let t = self.t;
        self.enumeration(&t.value, "Value", j)?;
        match text(j, "type")? {
            "Null" => Ok(()),
            "Bool" => self.boolean(j, "value"),
            "U8" => self.byte(j, "value"),
            "I8" => {
                let v = signed(j, "value")?;
                self.out.push(v as i8 as u8);
                Ok(())
            }
            "U16" | "U32" | "U64" | "Enum" | "Bitmap" => self.u(j, "value"),
            "I16" | "I32" | "I64" => {
                self.zigzag(signed(j, "value")?);
                Ok(())
            }
            "F32" => self.f32(j, "value"),
            "F64" => {
                let v = j["value"].as_f64().ok_or("F64: not a number")?;
                self.out.extend_from_slice(&v.to_le_bytes());
                Ok(())
            }
            "Str" => self.string(j, "value"),
            "Bytes" => {
                let b = hex_of(j, "value")?;
                self.varint(b.len() as u64);
                self.out.extend_from_slice(&b);
                Ok(())
            }
            "List" => self.seq(j, "items", Self::value),
            "Struct" => self.seq(j, "fields", Self::field),
            other => Err(format!("Value {other}")),
        }
    }

    fn field(&mut self, j: &Json) -> Result<(), Error> {
        self.u(j, "id")?;
        self.value(&j["value"])
    }

    fn attribute_value(&mut self, j: &Json) -> Result<(), Error> {
        self.u(j, "attribute")?;
        self.value(&j["value"])
    }

    fn record(&mut self, j: &Json) -> Result<(), Error> {
        self.u(j, "endpoint")?;
        self.u(j, "capability")?;
        self.u(j, "data_version")?;
        self.seq(j, "values", Self::attribute_value)
    }

    /// A `BatchItem`: its variant, then the fields of the `Write` or
    /// `Invoke` it carries.
    fn batch_item(&mut self, j: &Json) -> Result<(), Error> {
        let t = self.t;
        self.enumeration(&t.batch_item, "BatchItem", j)?;
        self.message_fields(j)
    }

    /// A `BatchResult`: its variant, then its content.
    fn batch_result(&mut self, j: &Json) -> Result<(), Error> {
        let t = self.t;
        self.enumeration(&t.batch_result, "BatchResult", j)?;
        match text(j, "type")? {
            "Written" => self.u(j, "data_version"),
            "Invoked" => {
                self.u(j, "status")?;
                self.seq(j, "fields", Self::field)
            }
            "Failed" => self.u(j, "status"),
            "NotRun" => Ok(()),
            other => Err(format!("no BatchResult {other}")),
        }
    }

    /// An interaction message's payload: its type, then its fields.
    pub fn message(&mut self, j: &Json) -> Result<(), Error> {
        let t = self.t;
        self.enumeration(&t.message, "message type", j)?;
        self.message_fields(j)
    }

    /// A message's fields, by its `type`, without the message type (a
    /// `BatchItem` carries a `Write` or `Invoke` so).
    fn message_fields(&mut self, j: &Json) -> Result<(), Error> {
        let t = self.t;
        match text(j, "type")? {
            "Describe" => self.u(j, "offset"),
            "DescribeCapability" => {
                self.u(j, "endpoint")?;
                self.u(j, "capability")?;
                self.u(j, "offset")
            }
            "Descriptor" => {
                self.out.extend_from_slice(&hex_of(j, "hash")?);
                self.u(j, "total_len")?;
                self.u(j, "offset")?;
                let data = hex_of(j, "data")?;
                self.varint(data.len() as u64);
                self.out.extend_from_slice(&data);
                Ok(())
            }
            "Read" => {
                self.u(j, "endpoint")?;
                self.option_u(j, "capability")?;
                self.seq_of_u(j, "attributes")
            }
            "ReadReply" => {
                self.seq(j, "records", Self::record)?;
                self.boolean(j, "more")
            }
            "Write" => {
                self.u(j, "endpoint")?;
                self.u(j, "capability")?;
                self.option_u(j, "data_version")?;
                self.seq(j, "values", Self::attribute_value)
            }
            "WriteReply" => self.u(j, "data_version"),
            "Invoke" => {
                self.u(j, "endpoint")?;
                self.u(j, "capability")?;
                self.u(j, "command")?;
                self.option_u(j, "timed_ms")?;
                self.seq(j, "args", Self::field)
            }
            "InvokeReply" => {
                self.u(j, "status")?;
                self.seq(j, "fields", Self::field)
            }
            "Subscribe" => {
                self.u(j, "endpoint")?;
                self.option_u(j, "capability")?;
                self.seq_of_u(j, "attributes")?;
                self.u(j, "min_interval_ms")?;
                self.u(j, "max_interval_ms")?;
                self.u(j, "min_change")?;
                self.boolean(j, "events")
            }
            "SubscribeReply" => {
                self.u(j, "subscription")?;
                self.u(j, "max_interval_ms")
            }
            "Unsubscribe" => self.u(j, "subscription"),
            "Report" => {
                self.u(j, "subscription")?;
                self.seq(j, "records", Self::record)
            }
            "Event" => {
                self.u(j, "endpoint")?;
                self.u(j, "capability")?;
                self.u(j, "event")?;
                self.u(j, "sequence")?;
                self.enumeration(&t.priority, "Priority", &j["priority"])?;
                self.option_u(j, "timestamp_ms")?;
                self.seq(j, "fields", Self::field)
            }
            "Status" => self.u(j, "status"),
            "Batch" => {
                self.boolean(j, "stop_on_failure")?;
                self.seq(j, "items", Self::batch_item)
            }
            "BatchReply" => self.seq(j, "results", Self::batch_result),
            other => Err(format!("no interaction message {other}")),
        }
    }
}

/// Encodes one JSON value with `part` and the tables `t`.
pub fn encode<'t>(
    t: &'t Tables,
    j: &Json,
    part: impl FnOnce(&mut Encoder<'t>, &Json) -> Result<(), Error>,
) -> Result<Vec<u8>, Error> {
    let mut e = Encoder::new(t);
    part(&mut e, j)?;
    Ok(e.finish())
}

impl<'t> Encoder<'t> {
    /// The tables this encoder uses.
    pub fn tables(&self) -> &'t Tables {
        self.t
    }

    /// Appends bytes as they are.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }
}
