//! The factory tool: makes one appliance unit's identity and label.
//!
//! ```text
//! cargo run --example factory -- [--vendor 0xFFF1] [--product 0x0042] [--out DIR]
//! ```
//!
//! Draws from the operating system's random source a device id, a 12-bit
//! discriminator, a per-unit setup code (never a trivial one, see
//! `spec/HANDSHAKE.md` section 1) and an X25519 static key; derives the
//! SPAKE2+ verifier record from the code with Argon2id; and writes
//!
//! - `DIR/<device id>.identity`: the 137 bytes the firmware reads
//!   (`spec/HANDSHAKE.md` section 6.3: device id, verifier record, static
//!   secret). The setup code itself is not in it: the appliance never
//!   holds the code.
//! - `DIR/<device id>.label.txt`: what is printed on the unit: the QR code
//!   (as text), the QR string and the manual code.
//!
//! It prints the QR string, the manual code and the label. Every failure is
//! a message and a non-zero exit status.

use std::path::PathBuf;
use std::process::ExitCode;

use applink::crypto::setup_code::{self, SetupCode};
use applink::crypto::spake2plus::ProverSecret;
use applink::crypto::{CryptoProvider, os_crypto};
use applink::onboarding::{Discriminator, Flags, QrPayload, TextStyle, Transports};
use applink::session::pairing::{ApplianceIdentity, identity_bytes};

struct Args {
    vendor: u16,
    product: u16,
    out: PathBuf,
}

fn number(text: &str) -> Result<u16, String> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u16::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| format!("not a 16-bit number: {text}"))
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        vendor: 0xFFF1,
        product: 0x0042,
        out: PathBuf::from("."),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--vendor" => a.vendor = number(&value()?)?,
            "--product" => a.product = number(&value()?)?,
            "--out" => a.out = PathBuf::from(value()?),
            "-h" | "--help" => {
                return Err("usage: factory [--vendor N] [--product N] [--out DIR]".into());
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

fn run() -> Result<(), String> {
    let a = args()?;
    let mut p = os_crypto();
    // A device id of 8 printable characters: easy to read on a label.
    const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut raw = [0u8; 8];
    p.random_bytes(&mut raw);
    let device_id = raw.map(|b| ALPHABET[usize::from(b % 32)]);
    let mut d = [0u8; 2];
    p.random_bytes(&mut d);
    let discriminator = Discriminator::new(u16::from_le_bytes(d) & Discriminator::MAX)
        .ok_or("discriminator out of range")?;
    let code = SetupCode::random(&mut p);
    let mut static_secret = [0u8; 32];
    p.random_bytes(&mut static_secret);

    let w0s_w1s = setup_code::derive_w0s_w1s(&code, &device_id).map_err(|e| e.to_string())?;
    let secret = ProverSecret::from_pbkdf_output(&p, &w0s_w1s).map_err(|e| e.to_string())?;
    let record = secret
        .verifier_record(&p)
        .to_bytes(&p)
        .map_err(|e| e.to_string())?;
    let identity = identity_bytes(device_id, &record, &static_secret);
    // What the firmware will do with it: it must load.
    ApplianceIdentity::from_bytes(&p, &identity).map_err(|e| e.to_string())?;

    let payload = QrPayload {
        vendor_id: a.vendor,
        product_id: a.product,
        device_id,
        discriminator,
        setup_code: code,
        transports: Transports::UDP | Transports::BLE,
        flags: Flags::FACTORY,
    };
    let qr = payload.encode();
    let manual = payload.manual_code().encode();
    let name = String::from_utf8_lossy(&device_id).into_owned();
    let label = format!(
        "{}\nQR: {qr}\nmanual code: {manual}\ndevice {name}, vendor 0x{:04X}, product 0x{:04X}\n",
        payload.to_qr_text(TextStyle::LightBackground),
        a.vendor,
        a.product
    );
    std::fs::create_dir_all(&a.out).map_err(|e| format!("{}: {e}", a.out.display()))?;
    let identity_path = a.out.join(format!("{name}.identity"));
    let label_path = a.out.join(format!("{name}.label.txt"));
    std::fs::write(&identity_path, identity)
        .map_err(|e| format!("{}: {e}", identity_path.display()))?;
    std::fs::write(&label_path, &label).map_err(|e| format!("{}: {e}", label_path.display()))?;
    print!("{label}");
    println!(
        "identity: {} ({} bytes)",
        identity_path.display(),
        identity.len()
    );
    println!("label: {}", label_path.display());
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("factory: {e}");
            ExitCode::FAILURE
        }
    }
}
