//! Rewrites the generated tables of the Wireshark dissector
//! (`tools/wireshark/applink.lua`) from the crate's message types, statuses,
//! flags and enums.
//!
//! `cargo run --example gen_dissector` regenerates them; the test
//! `tests/dissector.rs` fails while the committed file is stale.

#[path = "../tools/wireshark/tables.rs"]
mod tables;

fn main() -> std::io::Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/wireshark/applink.lua");
    let lua = std::fs::read_to_string(path)?;
    let Some(updated) = tables::splice(&lua, &tables::lua_tables()) else {
        return Err(std::io::Error::other(format!(
            "{path} has no `{}` ... `{}` block",
            tables::BEGIN,
            tables::END
        )));
    };
    std::fs::write(path, updated)?;
    println!("wrote {path}");
    Ok(())
}
