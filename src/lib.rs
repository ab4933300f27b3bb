#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]
#![cfg_attr(docsrs, feature(doc_cfg))]

//! # Layers
//!
//! Each layer is one module and imports only the layers below it:
//!
//! ```text
//!  node          Appliance | Phone: handshakes, sessions, reliable delivery
//!  transport     (beside node) UDP, TCP, UART streams, BLE segments, memory
//!  interaction   dispatcher, subscriptions, events | controller, clients
//!  catalog       the standard capabilities and device types
//!  descriptor    what a device is: static descriptors, hash, validator
//!  session       pairing (SPAKE2+), resumption (Noise IKpsk2), secure channel
//!  crypto        CryptoProvider: RustCrypto or a secure element
//!  message       the vocabulary as serde types, encoded with postcard
//!  wire          header, CRC-32C / AEAD tag, COBS streams, segmentation
//!  ------------  bytes from a UART, a socket or a GATT characteristic
//! ```
//!
//! [`time`] sits beside them all: every deadline is an [`time::Instant`]
//! the caller passes in.
//!
//! # Codec entry points
//!
//! [`to_slice`] encodes a [`message::Message`] into a complete plaintext frame
//! in a caller's buffer; [`from_bytes`] checks a frame and decodes the message
//! it carries, borrowing strings and byte strings from the input. Neither
//! allocates, and [`from_bytes`] never panics on any input.

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod advertisement;
pub mod catalog;
pub mod crypto;
pub mod descriptor;
#[cfg(feature = "mdns")]
pub mod discovery;
pub mod interaction;
pub mod message;
pub mod node;
pub mod onboarding;
pub mod prelude;
pub mod session;
pub mod time;
pub mod transport;
pub mod wire;

mod codec;

pub use codec::{CodecError, encoded_len, from_bytes, to_slice};
