//! `spec/CATALOG.md` must be exactly what the catalog generates.

#[test]
fn catalog_md_is_up_to_date() {
    let mut expected = String::new();
    applink::catalog::write_markdown(&mut expected).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/CATALOG.md");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == expected,
        "spec/CATALOG.md is stale: run `cargo run --example gen_catalog` and commit the result"
    );
}

#[test]
fn catalog_md_covers_every_entry() {
    let mut doc = String::new();
    applink::catalog::write_markdown(&mut doc).unwrap();
    for cap in applink::catalog::ALL {
        assert!(doc.contains(&format!("## `{}` ({:#06x})", cap.name, cap.id.0)));
        for a in cap.attributes.iter() {
            assert!(
                doc.contains(&format!("| {} | `{}` |", a.id.0, a.name)),
                "{}.{}",
                cap.name,
                a.name
            );
        }
    }
    for t in applink::catalog::device_types::ALL {
        assert!(doc.contains(&format!("`{}`", t.name)));
    }
}
