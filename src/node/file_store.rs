//! A [`PhoneStore`] kept in one file, replaced atomically on every change.
//!
//! Every change writes the whole store to a temporary file in the same
//! directory (`<name>.tmp`), flushes it to the disk (`fsync`), renames it
//! over the file and, on Unix, flushes the directory: a crash leaves either
//! the old file or the new one, never a mix. Only after that does the
//! change return `Ok` (and take effect in memory); a failed write leaves
//! both the file and the store as they were. The file holds the phone's
//! secrets and is created readable by its owner only (mode `0600` on
//! Unix). One `FileStore` should own a file at a time.
//!
//! # Layout
//!
//! Little-endian, version 1:
//!
//! ```text
//!  offset  len  field
//!       0    4  magic "ALPS"
//!       4    1  version = 1
//!       5    1  static secret present: 0x00 or 0x01
//!       6   32  static secret (all zero when absent)
//!      38    2  count: number of appliances, u16
//!      40       count × appliance, device ids strictly increasing:
//!                 +0   8  device id
//!                 +8  73  pairing (spec/HANDSHAKE.md 6.1)
//!                +81   1  address length n (0: no address)
//!                +82   n  address, UTF-8
//! ```
//!
//! Nothing may follow the last appliance. A file larger than
//! [`MAX_FILE_LEN`] is refused before it is read, and a change that would
//! make the file larger is refused with [`StoreError::Full`].
//!
//! # Contract
//!
//! [`FileStore::open`] and [`from_bytes`] never panic: a truncated, corrupt,
//! foreign or oversized file is a [`FileStoreError`] naming what is wrong.

use alloc::vec::Vec;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::session::pairing::DeviceId;
use crate::session::store::{PAIRING_LEN, Pairing, StoreError};

use super::store::{KnownAppliance, MemoryPhoneStore, PhoneStore};

/// The file's first four bytes.
pub const MAGIC: [u8; 4] = *b"ALPS";
/// The layout version this code reads and writes.
pub const VERSION: u8 = 1;
/// The largest file [`FileStore::open`] reads (1 MiB).
pub const MAX_FILE_LEN: usize = 1 << 20;
/// Length of the header before the first appliance.
pub const HEADER_LEN: usize = 40;
/// Longest address stored, in bytes.
pub const MAX_ADDRESS_LEN: usize = u8::MAX as usize;

const ENTRY_FIXED: usize = 8 + PAIRING_LEN + 1;

/// Why a store file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileStoreError {
    /// Reading the file failed.
    #[error("store file: {0}")]
    Io(#[from] io::Error),
    /// The file does not start with `ALPS`: not a phone store.
    #[error("not an applink phone store (bad magic)")]
    BadMagic,
    /// The file was written by a newer (or unknown) layout version.
    #[error("unsupported phone store version {0}")]
    UnsupportedVersion(u8),
    /// The file ends inside a field.
    #[error("phone store truncated")]
    Truncated,
    /// A field holds a value the layout does not allow.
    #[error("phone store corrupt: {0}")]
    Corrupt(&'static str),
    /// The file is larger than [`MAX_FILE_LEN`].
    #[error("phone store larger than {MAX_FILE_LEN} bytes")]
    TooLarge,
}

impl From<FileStoreError> for StoreError {
    fn from(e: FileStoreError) -> StoreError {
        match e {
            FileStoreError::Io(_) => StoreError::Io,
            _ => StoreError::Corrupt,
        }
    }
}

/// Encodes a store in the file layout. Fails with [`StoreError::Full`] if
/// the result would exceed [`MAX_FILE_LEN`] or an address is longer than
/// [`MAX_ADDRESS_LEN`] bytes. An empty address is stored as no address.
pub fn to_vec(store: &MemoryPhoneStore) -> Result<Vec<u8>, StoreError> {
    let count = u16::try_from(store.len()).map_err(|_| StoreError::Full)?;
    let mut out = Vec::with_capacity(HEADER_LEN + store.len() * ENTRY_FIXED);
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    let secret = store.static_secret();
    out.push(u8::from(secret.is_some()));
    out.extend_from_slice(&secret.unwrap_or([0; 32]));
    out.extend_from_slice(&count.to_le_bytes());
    for (device_id, known) in store.iter() {
        let address = known.last_address.as_deref().unwrap_or("");
        let len = u8::try_from(address.len()).map_err(|_| StoreError::Full)?;
        if out.len() + ENTRY_FIXED + address.len() > MAX_FILE_LEN {
            return Err(StoreError::Full);
        }
        out.extend_from_slice(device_id);
        out.extend_from_slice(&known.pairing.to_bytes());
        out.push(len);
        out.extend_from_slice(address.as_bytes());
    }
    Ok(out)
}

/// Takes `n` bytes from the front of `input`.
fn take<'b>(input: &mut &'b [u8], n: usize) -> Result<&'b [u8], FileStoreError> {
    if input.len() < n {
        return Err(FileStoreError::Truncated);
    }
    let (head, rest) = input.split_at(n);
    *input = rest;
    Ok(head)
}

fn array<const N: usize>(input: &mut &[u8]) -> Result<[u8; N], FileStoreError> {
    let mut a = [0u8; N];
    a.copy_from_slice(take(input, N)?);
    Ok(a)
}

/// Decodes the file layout. Never panics; allocates at most in proportion
/// to `bytes`.
pub fn from_bytes(bytes: &[u8]) -> Result<MemoryPhoneStore, FileStoreError> {
    if bytes.len() > MAX_FILE_LEN {
        return Err(FileStoreError::TooLarge);
    }
    let mut input = bytes;
    let magic: [u8; 4] = array(&mut input).map_err(|_| {
        if MAGIC.starts_with(bytes) {
            FileStoreError::Truncated
        } else {
            FileStoreError::BadMagic
        }
    })?;
    if magic != MAGIC {
        return Err(FileStoreError::BadMagic);
    }
    let [version] = array(&mut input)?;
    if version != VERSION {
        return Err(FileStoreError::UnsupportedVersion(version));
    }
    let [flag] = array(&mut input)?;
    let secret: [u8; 32] = array(&mut input)?;
    let mut store = MemoryPhoneStore::new();
    match flag {
        0 if secret == [0; 32] => {}
        0 => {
            return Err(FileStoreError::Corrupt(
                "static secret bytes without its flag",
            ));
        }
        1 => {
            // A memory store never fails.
            let _ = store.set_static_secret(secret);
        }
        _ => return Err(FileStoreError::Corrupt("static secret flag not 0 or 1")),
    }
    let count = u16::from_le_bytes(array(&mut input)?);
    let mut previous: Option<DeviceId> = None;
    for _ in 0..count {
        let device_id: DeviceId = array(&mut input)?;
        if previous.is_some_and(|p| p >= device_id) {
            return Err(FileStoreError::Corrupt(
                "device ids not strictly increasing",
            ));
        }
        previous = Some(device_id);
        let pairing = Pairing::from_bytes(&array(&mut input)?)
            .map_err(|_| FileStoreError::Corrupt("pairing admin byte not 0 or 1"))?;
        let [len] = array(&mut input)?;
        let address = take(&mut input, usize::from(len))?;
        let address = core::str::from_utf8(address)
            .map_err(|_| FileStoreError::Corrupt("address not UTF-8"))?;
        let known = KnownAppliance {
            pairing,
            last_address: (!address.is_empty()).then(|| address.into()),
        };
        let _ = store.put_appliance(device_id, known);
    }
    if !input.is_empty() {
        return Err(FileStoreError::Corrupt("bytes after the last appliance"));
    }
    Ok(store)
}

/// A [`PhoneStore`] in one file (see the [module docs](self)).
///
/// ```
/// use applink::node::file_store::FileStore;
/// use applink::node::store::PhoneStore;
///
/// let dir = std::env::temp_dir().join(format!("applink-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("phone.alps");
/// # let _ = std::fs::remove_file(&path);
///
/// let mut store = FileStore::open(&path).unwrap(); // no file yet: empty
/// store.set_static_secret([7; 32]).unwrap(); // on disk before Ok
/// drop(store);
/// let store = FileStore::open(&path).unwrap();
/// assert_eq!(store.static_secret(), Some([7; 32]));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
    state: MemoryPhoneStore,
}

impl FileStore {
    /// Opens the store at `path`; a missing file is an empty store (the
    /// file is created on the first change).
    pub fn open(path: impl AsRef<Path>) -> Result<FileStore, FileStoreError> {
        let path = path.as_ref().to_path_buf();
        let state = match File::open(&path) {
            Ok(file) => {
                if file.metadata()?.len() > MAX_FILE_LEN as u64 {
                    return Err(FileStoreError::TooLarge);
                }
                let mut bytes = Vec::new();
                // Bounded even if the file grows meanwhile.
                file.take(MAX_FILE_LEN as u64 + 1).read_to_end(&mut bytes)?;
                from_bytes(&bytes)?
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => MemoryPhoneStore::new(),
            Err(e) => return Err(e.into()),
        };
        Ok(FileStore { path, state })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The store as held in memory (equal to the file's contents).
    pub fn contents(&self) -> &MemoryPhoneStore {
        &self.state
    }

    fn temp_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".tmp");
        self.path.with_file_name(name)
    }

    /// Applies `change` to a copy, writes the copy atomically, then keeps it.
    fn commit<T>(
        &mut self,
        change: impl FnOnce(&mut MemoryPhoneStore) -> T,
    ) -> Result<T, StoreError> {
        let mut next = self.state.clone();
        let out = change(&mut next);
        let bytes = to_vec(&next)?;
        self.replace_file(&bytes).map_err(|_| StoreError::Io)?;
        self.state = next;
        Ok(out)
    }

    fn replace_file(&self, bytes: &[u8]) -> io::Result<()> {
        let temp = self.temp_path();
        let written = write_synced(&temp, bytes).and_then(|()| fs::rename(&temp, &self.path));
        if written.is_err() {
            let _ = fs::remove_file(&temp);
            return written;
        }
        sync_dir(&self.path)
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes the rename itself durable.
#[cfg(unix)]
fn sync_dir(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_path: &Path) -> io::Result<()> {
    Ok(())
}

impl PhoneStore for FileStore {
    fn static_secret(&self) -> Option<[u8; 32]> {
        self.state.static_secret()
    }

    fn set_static_secret(&mut self, secret: [u8; 32]) -> Result<(), StoreError> {
        self.commit(|s| s.set_static_secret(secret))?
    }

    fn appliance(&self, device_id: &DeviceId) -> Option<KnownAppliance> {
        self.state.appliance(device_id)
    }

    fn put_appliance(
        &mut self,
        device_id: DeviceId,
        known: KnownAppliance,
    ) -> Result<(), StoreError> {
        self.commit(|s| s.put_appliance(device_id, known))?
    }

    fn remove_appliance(&mut self, device_id: &DeviceId) -> Result<bool, StoreError> {
        if self.state.appliance(device_id).is_none() {
            return Ok(false);
        }
        self.commit(|s| s.remove_appliance(device_id))?
    }

    fn appliances(&self) -> Vec<DeviceId> {
        self.state.appliances()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;

    /// A fresh directory for one test.
    struct Dir(PathBuf);

    impl Dir {
        fn new(name: &str) -> Dir {
            let dir = std::env::temp_dir().join(std::format!(
                "applink-file-store-{}-{name}",
                std::process::id()
            ));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            Dir(dir)
        }

        fn file(&self) -> PathBuf {
            self.0.join("phone.alps")
        }

        fn entries(&self) -> Vec<String> {
            let mut names: Vec<String> = fs::read_dir(&self.0)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            names.sort();
            names
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn known(n: u8, address: Option<&str>) -> KnownAppliance {
        KnownAppliance {
            pairing: Pairing {
                peer_static: [n; 32],
                psk: [n ^ 0xFF; 32],
                admin: n % 2 == 1,
                resume_counter: u64::from(n) << 40,
            },
            last_address: address.map(String::from),
        }
    }

    fn sample() -> MemoryPhoneStore {
        let mut s = MemoryPhoneStore::new();
        s.set_static_secret([0x42; 32]).unwrap();
        s.put_appliance(*b"APPLNK01", known(1, Some("127.0.0.1:5540")))
            .unwrap();
        s.put_appliance(*b"APPLNK02", known(2, None)).unwrap();
        s.put_appliance(*b"LAMP\xC3\xA9\x00\x01", known(3, Some("[::1]:5540 ✓")))
            .unwrap();
        s
    }

    #[test]
    fn layout_is_as_documented() {
        let mut s = MemoryPhoneStore::new();
        assert_eq!(
            to_vec(&s).unwrap(),
            [&b"ALPS\x01\x00"[..], &[0; 32], &[0, 0]].concat()
        );
        s.set_static_secret([9; 32]).unwrap();
        s.put_appliance(*b"APPLNK01", known(1, Some("h:1")))
            .unwrap();
        let bytes = to_vec(&s).unwrap();
        assert_eq!(bytes[..6], *b"ALPS\x01\x01");
        assert_eq!(bytes[6..38], [9; 32]);
        assert_eq!(bytes[38..40], [1, 0]);
        assert_eq!(bytes[40..48], *b"APPLNK01");
        assert_eq!(
            bytes[48..48 + PAIRING_LEN],
            known(1, None).pairing.to_bytes()
        );
        assert_eq!(bytes[121..], *b"\x03h:1");
        assert_eq!(bytes.len(), HEADER_LEN + ENTRY_FIXED + 3);
        assert_eq!(to_vec(&from_bytes(&bytes).unwrap()).unwrap(), bytes);
    }

    #[test]
    fn round_trip_across_reopen() {
        let dir = Dir::new("reopen");
        let mut store = FileStore::open(dir.file()).unwrap();
        assert_eq!(store.static_secret(), None);
        assert!(store.appliances().is_empty());
        assert!(!dir.file().exists(), "nothing written before a change");
        let want = sample();
        store.set_static_secret([0x42; 32]).unwrap();
        for (id, k) in want.iter() {
            store.put_appliance(*id, k.clone()).unwrap();
        }
        store.put_appliance(*b"GONE0000", known(9, None)).unwrap();
        assert_eq!(store.remove_appliance(b"GONE0000"), Ok(true));
        assert_eq!(store.remove_appliance(b"GONE0000"), Ok(false));
        drop(store);

        let mut store = FileStore::open(dir.file()).unwrap();
        assert_eq!(to_vec(store.contents()).unwrap(), to_vec(&want).unwrap());
        assert_eq!(fs::read(dir.file()).unwrap(), to_vec(&want).unwrap());
        // A replaced pairing (the resumption guard advanced) survives too.
        let mut k = store.appliance(b"APPLNK01").unwrap();
        k.pairing.resume_counter += 1;
        store.put_appliance(*b"APPLNK01", k.clone()).unwrap();
        drop(store);
        let store = FileStore::open(dir.file()).unwrap();
        let stored = store.appliance(b"APPLNK01").unwrap();
        assert_eq!(stored.pairing.to_bytes(), k.pairing.to_bytes());
        assert_eq!(stored.last_address, k.last_address);
        assert_eq!(dir.entries(), ["phone.alps"], "no temporary file left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.file()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_failed_write_changes_nothing() {
        let dir = Dir::new("atomic");
        let mut store = FileStore::open(dir.file()).unwrap();
        store.put_appliance(*b"APPLNK01", known(1, None)).unwrap();
        let before = fs::read(dir.file()).unwrap();
        // Block the temporary file: the next write fails before the rename.
        fs::create_dir(dir.0.join("phone.alps.tmp")).unwrap();
        assert_eq!(
            store.put_appliance(*b"APPLNK02", known(2, None)),
            Err(StoreError::Io)
        );
        assert!(store.appliance(b"APPLNK02").is_none(), "memory unchanged");
        assert_eq!(fs::read(dir.file()).unwrap(), before, "file unchanged");
        assert_eq!(
            FileStore::open(dir.file()).unwrap().appliances(),
            [*b"APPLNK01"]
        );
        fs::remove_dir(dir.0.join("phone.alps.tmp")).unwrap();
        // A stale temporary file from a crash is simply overwritten.
        fs::write(dir.0.join("phone.alps.tmp"), b"half a file").unwrap();
        store.put_appliance(*b"APPLNK02", known(2, None)).unwrap();
        assert_eq!(dir.entries(), ["phone.alps"]);
        assert_eq!(FileStore::open(dir.file()).unwrap().appliances().len(), 2);
    }

    #[test]
    fn every_truncation_is_refused() {
        let bytes = to_vec(&sample()).unwrap();
        for n in 0..bytes.len() {
            match from_bytes(&bytes[..n]) {
                Err(FileStoreError::Truncated) => {}
                other => panic!("{n} bytes: {other:?}"),
            }
        }
        assert_eq!(to_vec(&from_bytes(&bytes).unwrap()).unwrap(), bytes);
    }

    #[test]
    fn corrupt_files_are_refused_with_their_reason() {
        let good = to_vec(&sample()).unwrap();
        let edit = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut b = good.clone();
            f(&mut b);
            from_bytes(&b)
        };
        let first = HEADER_LEN;
        assert!(matches!(
            edit(&|b| b[0] = b'X'),
            Err(FileStoreError::BadMagic)
        ));
        assert!(matches!(
            from_bytes(b"PK\x03\x04"),
            Err(FileStoreError::BadMagic)
        ));
        assert!(matches!(from_bytes(b"AL"), Err(FileStoreError::Truncated)));
        assert!(matches!(
            edit(&|b| b[4] = 2),
            Err(FileStoreError::UnsupportedVersion(2))
        ));
        assert!(matches!(
            edit(&|b| b[5] = 2),
            Err(FileStoreError::Corrupt(_))
        ));
        assert!(matches!(
            edit(&|b| b[5] = 0),
            Err(FileStoreError::Corrupt(_))
        ));
        assert!(matches!(
            edit(&|b| b[first + 8 + 64] = 7),
            Err(FileStoreError::Corrupt("pairing admin byte not 0 or 1"))
        ));
        assert!(matches!(
            edit(&|b| b[first + ENTRY_FIXED] = 0xFF),
            Err(FileStoreError::Corrupt("address not UTF-8"))
        ));
        assert!(matches!(
            edit(&|b| b.push(0)),
            Err(FileStoreError::Corrupt("bytes after the last appliance"))
        ));
        // One appliance fewer than the entries present.
        assert!(matches!(
            edit(&|b| b[38] = 2),
            Err(FileStoreError::Corrupt("bytes after the last appliance"))
        ));
        assert!(matches!(
            edit(&|b| b[38] = 4),
            Err(FileStoreError::Truncated)
        ));
        // The second entry's id made equal to the first's.
        let second = first + ENTRY_FIXED + "127.0.0.1:5540".len();
        assert!(matches!(
            edit(&|b| b[second + 7] = b'1'),
            Err(FileStoreError::Corrupt(
                "device ids not strictly increasing"
            ))
        ));
        // And the same through open.
        let dir = Dir::new("corrupt");
        let mut bad = good.clone();
        bad.truncate(good.len() - 1);
        fs::write(dir.file(), &bad).unwrap();
        let err = FileStore::open(dir.file()).unwrap_err();
        assert!(matches!(err, FileStoreError::Truncated), "{err}");
        assert_eq!(StoreError::from(err), StoreError::Corrupt);
    }

    #[test]
    fn size_is_bounded() {
        let dir = Dir::new("size");
        let file = File::create(dir.file()).unwrap();
        file.set_len(MAX_FILE_LEN as u64 + 1).unwrap();
        assert!(matches!(
            FileStore::open(dir.file()),
            Err(FileStoreError::TooLarge)
        ));
        assert!(matches!(
            from_bytes(&std::vec![0; MAX_FILE_LEN + 1]),
            Err(FileStoreError::TooLarge)
        ));
        // An address longer than its length byte allows.
        let mut s = MemoryPhoneStore::new();
        let long = "x".repeat(MAX_ADDRESS_LEN + 1);
        s.put_appliance(*b"APPLNK01", known(1, Some(&long)))
            .unwrap();
        assert_eq!(to_vec(&s), Err(StoreError::Full));
        // Enough appliances to pass the bound.
        let mut s = MemoryPhoneStore::new();
        let address = "x".repeat(MAX_ADDRESS_LEN);
        let per = ENTRY_FIXED + MAX_ADDRESS_LEN;
        for i in 0..(MAX_FILE_LEN / per + 1) as u64 {
            s.put_appliance(i.to_be_bytes(), known(1, Some(&address)))
                .unwrap();
        }
        assert_eq!(to_vec(&s), Err(StoreError::Full));
        let mut store = FileStore::open(dir.0.join("other.alps")).unwrap();
        assert_eq!(
            store.put_appliance(*b"APPLNK01", known(1, Some(&long))),
            Err(StoreError::Full)
        );
        assert!(store.appliances().is_empty());
    }
}
