//! The JSON form of decoded descriptors (`spec/vectors/README.md`,
//! `descriptors.json`): structs as objects with the field names of
//! INTERACTION.md section 2, enums as `{"type": variant, ...fields}`, a
//! newtype variant's struct fields beside `type`, lists as arrays.

use applink::descriptor::{
    Attribute, Capability, CapabilityEntry, Command, Compact, Device, DeviceInfo, DeviceTypeRef,
    Elem, EventDesc, FieldDesc, Named, Type,
};
use applink::message::{Item, Seq};
use serde_json::{Value as Json, json};

fn list<'a, T: Item<'a>>(s: &Seq<'a, T>, f: impl Fn(&T) -> Json) -> Json {
    Json::Array(s.iter().map(|item| f(&item)).collect())
}

fn tag<T: core::fmt::Debug>(v: T) -> Json {
    json!({ "type": format!("{v:?}") })
}

fn info(i: &DeviceInfo) -> Json {
    json!({
        "vendor": i.vendor.0,
        "product": i.product,
        "hardware_version": i.hardware_version,
        "min_protocol": i.min_protocol,
        "max_protocol": i.max_protocol,
    })
}

fn device_type(t: &DeviceTypeRef) -> Json {
    json!({ "id": t.id, "revision": t.revision })
}

/// A `Compact` descriptor.
pub fn compact(d: &Compact<'_>) -> Json {
    json!({
        "info": info(&d.info),
        "endpoints": list(&d.endpoints, |e| json!({
            "id": e.id.0,
            "device_types": list(&e.device_types, device_type),
            "capabilities": list(&e.capabilities, entry),
        })),
    })
}

/// A `Device`: a descriptor with every capability in full.
pub fn device(d: &Device<'_>) -> Json {
    json!({
        "info": info(&d.info),
        "endpoints": list(&d.endpoints, |e| json!({
            "id": e.id.0,
            "device_types": list(&e.device_types, device_type),
            "capabilities": list(&e.capabilities, capability),
        })),
    })
}

fn with_type(name: &str, fields: Json) -> Json {
    let mut out = serde_json::Map::new();
    out.insert("type".into(), json!(name));
    if let Json::Object(map) = fields {
        out.extend(map);
    }
    Json::Object(out)
}

fn entry(e: &CapabilityEntry<'_>) -> Json {
    match e {
        CapabilityEntry::Standard(r) => json!({
            "type": "Standard",
            "id": r.id.0,
            "revision": r.revision,
            "features": r.features,
            "attributes": r.present.attributes,
            "commands": r.present.commands,
            "events": r.present.events,
        }),
        CapabilityEntry::Vendor(c) => with_type("Vendor", capability(c)),
    }
}

/// A `Capability` in full.
pub fn capability(c: &Capability<'_>) -> Json {
    json!({
        "id": c.id.0,
        "name": c.name,
        "revision": c.revision,
        "features": c.features,
        "attributes": list(&c.attributes, attribute),
        "commands": list(&c.commands, command),
        "events": list(&c.events, event),
    })
}

fn attribute(a: &Attribute<'_>) -> Json {
    json!({
        "id": a.id.0,
        "name": a.name,
        "ty": ty(&a.ty),
        "access": a.access.0,
        "nullable": a.nullable,
        "persisted": a.persisted,
    })
}

fn command(c: &Command<'_>) -> Json {
    json!({
        "id": c.id.0,
        "name": c.name,
        "params": list(&c.params, field_desc),
        "response": list(&c.response, field_desc),
        "timed": c.timed,
        "admin": c.admin,
    })
}

fn event(e: &EventDesc<'_>) -> Json {
    json!({
        "id": e.id.0,
        "name": e.name,
        "priority": tag(e.priority),
        "fields": list(&e.fields, field_desc),
    })
}

fn field_desc(f: &FieldDesc<'_>) -> Json {
    json!({
        "id": f.id.0,
        "name": f.name,
        "ty": ty(&f.ty),
        "optional": f.optional,
        "nullable": f.nullable,
    })
}

fn named(n: &Named<'_>) -> Json {
    json!({ "value": n.value, "name": n.name })
}

/// A `Type`.
pub fn ty(t: &Type<'_>) -> Json {
    match t {
        Type::Bool => json!({ "type": "Bool" }),
        Type::Int(i) => json!({
            "type": "Int",
            "width": tag(i.width),
            "min": i.min,
            "max": i.max,
            "step": i.step,
            "scale": i.scale,
            "unit": tag(i.unit),
        }),
        Type::Float { min, max, unit } => json!({
            "type": "Float",
            "min": f64::from(*min),
            "max": f64::from(*max),
            "unit": tag(*unit),
        }),
        Type::Enum { values } => json!({ "type": "Enum", "values": list(values, named) }),
        Type::Bitmap { bits } => json!({ "type": "Bitmap", "bits": list(bits, named) }),
        Type::Str { max_len } => json!({ "type": "Str", "max_len": max_len }),
        Type::Bytes { max_len } => json!({ "type": "Bytes", "max_len": max_len }),
        Type::List { item, max_items } => {
            json!({ "type": "List", "item": elem(item), "max_items": max_items })
        }
    }
}

fn elem(e: &Elem) -> Json {
    match e {
        Elem::Bool => json!({ "type": "Bool" }),
        Elem::Int { width, min, max } => {
            json!({ "type": "Int", "width": tag(*width), "min": min, "max": max })
        }
        Elem::Enum { max } => json!({ "type": "Enum", "max": max }),
        Elem::Str { max_len } => json!({ "type": "Str", "max_len": max_len }),
    }
}
