//! Renders the catalog as the Markdown of `spec/CATALOG.md`.

use core::fmt::{self, Write};

use crate::descriptor::{
    Access, Capability, Conformance, Elem, FieldDesc, Named, Type, Unit, Width,
};
use crate::message::Seq;

use super::{ALL, device_types};

fn width(w: Width) -> &'static str {
    match w {
        Width::U8 => "u8",
        Width::U16 => "u16",
        Width::U32 => "u32",
        Width::U64 => "u64",
        Width::I8 => "i8",
        Width::I16 => "i16",
        Width::I32 => "i32",
        Width::I64 => "i64",
    }
}

fn unit(out: &mut impl Write, u: Unit) -> fmt::Result {
    match u {
        Unit::None => Ok(()),
        u => write!(out, " {}", u.symbol()),
    }
}

fn names(out: &mut impl Write, members: &Seq<'_, Named<'_>>) -> fmt::Result {
    for (i, n) in members.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        write!(out, "{sep}{} `{}`", n.value, n.name)?;
    }
    Ok(())
}

fn ty(out: &mut impl Write, t: &Type<'_>) -> fmt::Result {
    match t {
        Type::Bool => out.write_str("bool"),
        Type::Int(i) => {
            write!(out, "{} {}..={}", width(i.width), i.min, i.max)?;
            if i.step > 1 {
                write!(out, " step {}", i.step)?;
            }
            if i.scale != 0 {
                write!(out, " ×10^{}", i.scale)?;
            }
            unit(out, i.unit)
        }
        Type::Float { min, max, unit: u } => {
            write!(out, "float {min}..={max}")?;
            unit(out, *u)
        }
        Type::Enum { values } => {
            out.write_str("enum {")?;
            names(out, values)?;
            out.write_str("}")
        }
        Type::Bitmap { bits } => {
            out.write_str("bitmap {")?;
            names(out, bits)?;
            out.write_str("}")
        }
        Type::Str { max_len } => write!(out, "string ≤{max_len} B"),
        Type::Bytes { max_len } => write!(out, "bytes ≤{max_len} B"),
        Type::List { item, max_items } => {
            write!(out, "list ≤{max_items} of ")?;
            match item {
                Elem::Bool => out.write_str("bool"),
                Elem::Int { width: w, min, max } => write!(out, "{} {min}..={max}", width(*w)),
                Elem::Enum { max } => write!(out, "enum 0..={max}"),
                Elem::Str { max_len } => write!(out, "string ≤{max_len} B"),
            }
        }
    }
}

fn access(a: Access) -> &'static str {
    match (
        a.contains(Access::READ),
        a.contains(Access::WRITE),
        a.contains(Access::NOTIFY),
        a.contains(Access::ADMIN),
    ) {
        (true, true, true, true) => "RWN (write: admin)",
        (true, true, true, false) => "RWN",
        (true, true, false, _) => "RW",
        (true, false, true, _) => "RN",
        (true, false, false, _) => "R",
        _ => "-",
    }
}

fn fields(out: &mut impl Write, list: &Seq<'_, FieldDesc<'_>>) -> fmt::Result {
    if list.is_empty() {
        return out.write_str("-");
    }
    for (i, f) in list.iter().enumerate() {
        let sep = if i == 0 { "" } else { "; " };
        write!(out, "{sep}{} `{}`: ", f.id.0, f.name)?;
        ty(out, &f.ty)?;
        if f.optional {
            out.write_str(" (optional)")?;
        }
        if f.nullable {
            out.write_str(" (nullable)")?;
        }
    }
    Ok(())
}

/// `M` mandatory, `O` optional, `F3` present with feature bit 3.
fn conformance(out: &mut impl Write, c: Conformance) -> fmt::Result {
    match c {
        Conformance::Mandatory => out.write_str("M"),
        Conformance::Optional => out.write_str("O"),
        Conformance::Feature(bit) => write!(out, "F{bit}"),
    }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "" }
}

fn capability(out: &mut impl Write, c: &Capability<'_>) -> fmt::Result {
    writeln!(
        out,
        "## `{}` ({:#06x}), revision {}\n",
        c.name, c.id.0, c.revision
    )?;
    if !c.attributes.is_empty() {
        writeln!(
            out,
            "| attribute | name | conf. | type | access | nullable | persisted |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|")?;
        for a in c.attributes.iter() {
            write!(out, "| {} | `{}` | ", a.id.0, a.name)?;
            conformance(out, a.conformance)?;
            out.write_str(" | ")?;
            ty(out, &a.ty)?;
            writeln!(
                out,
                " | {} | {} | {} |",
                access(a.access),
                yes(a.nullable),
                yes(a.persisted)
            )?;
        }
        writeln!(out)?;
    }
    if !c.commands.is_empty() {
        writeln!(
            out,
            "| command | name | conf. | parameters | response | timed | admin |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|")?;
        for cmd in c.commands.iter() {
            write!(out, "| {} | `{}` | ", cmd.id.0, cmd.name)?;
            conformance(out, cmd.conformance)?;
            out.write_str(" | ")?;
            fields(out, &cmd.params)?;
            out.write_str(" | ")?;
            fields(out, &cmd.response)?;
            writeln!(out, " | {} | {} |", yes(cmd.timed), yes(cmd.admin))?;
        }
        writeln!(out)?;
    }
    if !c.events.is_empty() {
        writeln!(out, "| event | name | conf. | priority | fields |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for e in c.events.iter() {
            write!(out, "| {} | `{}` | ", e.id.0, e.name)?;
            conformance(out, e.conformance)?;
            write!(out, " | {:?} | ", e.priority)?;
            fields(out, &e.fields)?;
            writeln!(out, " |")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn cap_list(out: &mut impl Write, ids: &[crate::message::CapabilityId]) -> fmt::Result {
    if ids.is_empty() {
        return out.write_str("-");
    }
    for (i, id) in ids.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        match super::by_id(*id) {
            Some(c) => write!(out, "{sep}`{}`", c.name)?,
            None => write!(out, "{sep}{:#06x}", id.0)?,
        }
    }
    Ok(())
}

/// Writes the whole catalog as Markdown: every capability with its
/// attributes, commands and events, then every device type.
pub fn write_markdown(out: &mut impl Write) -> fmt::Result {
    writeln!(out, "# applink standard catalog\n")?;
    writeln!(
        out,
        "Generated from `src/catalog/` by `cargo run --example gen_catalog`; do not edit by hand.\n\
         Ids never change once published. Integer types give the raw range; `×10^s` means the raw\n\
         value times 10^s is in the unit shown. Access: R read, W write, N notify (subscribe).\n\
         Conformance (conf.): M every instance has the element, O an instance has it when its\n\
         descriptor entry names it present, F*n* exactly when the instance implements feature bit\n\
         *n*; a node whose handler does not serve an element it advertises is refused when built.\n\
         In Rust, attribute ids are the capability module's constants (`on_off::ON`), a command\n\
         is a module of its own holding its id and argument fields (`on_off::on::ID`,\n\
         `level_control::move_to_level::LEVEL`).\n\
         The encoding of these entries is specified in `INTERACTION.md`.\n"
    )?;
    writeln!(
        out,
        "{} capabilities, {} device types.\n",
        ALL.len(),
        device_types::ALL.len()
    )?;
    writeln!(out, "| id | capability | attributes | commands | events |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for c in ALL {
        writeln!(
            out,
            "| {:#06x} | `{}` | {} | {} | {} |",
            c.id.0,
            c.name,
            c.attributes.len(),
            c.commands.len(),
            c.events.len()
        )?;
    }
    writeln!(out)?;
    for c in ALL {
        capability(out, c)?;
    }
    writeln!(out, "# Device types\n")?;
    writeln!(out, "| id | device type | revision | required | optional |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for t in device_types::ALL {
        write!(out, "| {:#06x} | `{}` | {} | ", t.id, t.name, t.revision)?;
        cap_list(out, t.required)?;
        out.write_str(" | ")?;
        cap_list(out, t.optional)?;
        writeln!(out, " |")?;
    }
    Ok(())
}
