//! The appliance side of pairing and resumption plus the secure channel:
//! take a plaintext handshake frame, answer it, and seal and open secured
//! frames on the session it yields. Inputs and outputs go through
//! `black_box` so nothing is optimised away. Randomness would come from the
//! microcontroller's TRNG; here it is an opaque function.

#![no_std]
#![no_main]

use core::hint::black_box;
use core::panic::PanicInfo;

use applink::crypto::spake2plus::VerifierRecord;
use applink::crypto::{CryptoProvider, RustCrypto};
use applink::message::{Features, Fixed};
use applink::session::pairing::{ApplianceEvent, ApplianceIdentity};
use applink::session::store::MemoryStore;
use applink::session::{ApplianceHandshake, ApplianceParams, SecureChannel};
use applink::time::{Duration, Instant};

fn trng(out: &mut [u8]) {
    for b in out.iter_mut() {
        *b = black_box(0x5A);
    }
}

type Provider = RustCrypto<fn(&mut [u8])>;

fn run() -> ! {
    let mut p: Provider = RustCrypto::new(trng as fn(&mut [u8]));
    // What the factory wrote to flash.
    let w0 = p
        .p256_scalar_reduce(black_box(&[7u8; 32]))
        .unwrap_or_else(|_| loop {});
    let l = p
        .p256_point_decode(black_box(&[4u8; 65]))
        .unwrap_or_else(|_| loop {});
    let static_secret = p.x25519_import(black_box(&[9u8; 32]));
    let identity = ApplianceIdentity::new(
        &p,
        *black_box(b"APPLNK01"),
        VerifierRecord::<Provider> { w0, l },
        static_secret,
    );
    let params = ApplianceParams {
        max_frame: 256,
        features: Features(black_box(0xF)),
        descriptor_hash: Fixed(*black_box(&[0u8; 16])),
    };
    let mut handshake = ApplianceHandshake::new();
    let mut store: MemoryStore<4> = MemoryStore::new();
    let mut session: Option<SecureChannel> = None;
    let mut rx = [0u8; 256];
    let mut tx = [0u8; 256];
    let mut now = 0u64;
    loop {
        now += black_box(1);
        let now = Instant::from_millis(now);
        if black_box(false) {
            let _ = handshake
                .pairing_mut()
                .open_window(&store, now, Duration::from_secs(900));
        }
        let rx = black_box(&mut rx);
        let n = black_box(rx.len());
        match session.as_mut() {
            Some(channel) if black_box(true) => {
                if let Ok((header, body)) = channel.open(&p, &mut rx[..n], now) {
                    let len = body.len();
                    black_box(&header);
                    let _ =
                        channel.seal(&p, header.exchange, header.flags, None, &rx[..len], &mut tx);
                    black_box(&tx);
                }
                if channel.handle_timeout(now) {
                    session = None;
                }
            }
            _ => {
                let _ =
                    handshake.handle_frame(&mut p, &mut store, &identity, &params, &rx[..n], now);
                if let Some(len) = handshake.poll_transmit(&mut tx) {
                    black_box(&tx[..len]);
                }
                handshake.handle_timeout(now);
                match handshake.poll_event() {
                    Some(
                        ApplianceEvent::Paired { channel, .. }
                        | ApplianceEvent::Resumed { channel, .. },
                    ) => session = Some(channel),
                    other => {
                        black_box(other);
                    }
                }
            }
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    run()
}

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {}
}
