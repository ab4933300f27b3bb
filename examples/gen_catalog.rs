//! Writes `spec/CATALOG.md` from the Rust catalog.
//!
//! `cargo run --example gen_catalog` regenerates it; the test
//! `tests/catalog_doc.rs` fails while the committed file is stale.

fn main() -> std::io::Result<()> {
    let mut doc = String::new();
    applink::catalog::write_markdown(&mut doc).expect("writing to a String cannot fail");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/CATALOG.md");
    std::fs::write(path, doc)?;
    println!("wrote {path}");
    Ok(())
}
