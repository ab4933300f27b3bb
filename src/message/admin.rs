//! Pairing administration: what an admin phone asks of an appliance over a
//! secured session, and the notice admins get when a phone pairs.
//!
//! Every request travels secured and is answered on its exchange: `List`
//! with [`PairingList`], everything else with a `Status`
//! (`SUCCESS`, `ACCESS_DENIED` for a phone that is not an admin,
//! `INVALID_STATE` for a refused change). `spec/HANDSHAKE.md` section 7
//! states the rules.

use serde::{Deserialize, Serialize};

use super::seq::{Fixed, Item, Seq};

/// Type 25: a pairing administration request (secured; admin only, except
/// that any phone may remove its own pairing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AdminRequest {
    /// Lists the pairings from index `from` on (answered with
    /// [`PairingList`]).
    List {
        /// The first index to list.
        from: u8,
    },
    /// Removes the pairing with this static key and ends its sessions.
    Remove {
        /// The phone's X25519 static public key.
        peer: Fixed<32>,
    },
    /// Makes a pairing an admin or a user and ends its sessions.
    SetRole {
        /// The phone's X25519 static public key.
        peer: Fixed<32>,
        /// The new role.
        admin: bool,
    },
    /// Opens a pairing window for one new phone, with a one-time setup code
    /// the admin drew: the appliance keeps its verifier record only while
    /// the window is open.
    OpenWindow {
        /// How long the window stays open (at most 900 s).
        seconds: u16,
        /// The one-time code's verifier record: `w0` (32) || `L` (65).
        verifier: Fixed<97>,
    },
    /// Closes the pairing window and forgets its one-time verifier.
    CloseWindow,
}

/// One pairing as an admin sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PairingEntry {
    /// The phone's X25519 static public key.
    pub peer: Fixed<32>,
    /// Whether it is an admin.
    pub admin: bool,
}

impl Item<'_> for PairingEntry {}

/// Type 26: the answer to [`AdminRequest::List`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PairingList<'a> {
    /// How many pairings the appliance holds.
    pub total: u8,
    /// The index of the first entry.
    pub from: u8,
    /// As many entries from `from` on as fit the frame.
    #[serde(borrow)]
    pub entries: Seq<'a, PairingEntry>,
}

/// Type 27: sent by the appliance, unsolicited, on every admin's live
/// session when a phone pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PairingAdded {
    /// The new phone's X25519 static public key.
    pub peer: Fixed<32>,
    /// Whether it is an admin (only the first phone of an appliance is).
    pub admin: bool,
}
