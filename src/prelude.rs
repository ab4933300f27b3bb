//! The names an appliance or a phone app starts from, in one import:
//! `use applink::prelude::*;`.

pub use core::cell::Cell;

pub use crate::catalog::device_types;
pub use crate::crypto::CryptoProvider;
pub use crate::descriptor::DeviceInfo;
pub use crate::interaction::clients::{LevelControl, OnOff};
pub use crate::interaction::stock;
pub use crate::interaction::{Dispatcher, EndpointEntry, EventCounter, Instance, RamSequenceStore};

pub use crate::message::{EndpointId, Seq, Subscribe, VendorId};
pub use crate::node::{Appliance, ApplianceConfig, Node, NodeError};
pub use crate::session::pairing::ApplianceIdentity;
pub use crate::session::store::MemoryStore;

#[cfg(all(feature = "std", feature = "rustcrypto"))]
pub use crate::crypto::os_crypto;
#[cfg(all(feature = "std", feature = "rustcrypto"))]
pub use crate::node::client::{Client, Notification};
#[cfg(feature = "std")]
pub use crate::node::file_store::FileStore;
#[cfg(feature = "std")]
pub use crate::transport::{Clock, serve, step, tcp::TcpLink, udp::UdpLink};
#[cfg(feature = "std")]
pub use core::net::SocketAddr;
