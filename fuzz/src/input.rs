//! A cursor over the fuzzer's bytes. Every read is total: past the end it
//! yields zeros or empty slices, so a target never has to handle a short
//! input specially.

/// The unread rest of a fuzz input, and how many more records it may
/// start.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a>(&'a [u8], usize);

impl<'a> Input<'a> {
    /// A cursor at the start of `data` that yields at most `max_records`
    /// records (bounding one input's run time; the rest is ignored).
    pub const fn new(data: &'a [u8], max_records: usize) -> Self {
        Input(data, max_records)
    }

    /// Whether everything was read.
    pub const fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The operation byte that starts the next record, or `None` at the
    /// end or once the record limit is reached.
    pub fn record(&mut self) -> Option<u8> {
        self.1 = self.1.checked_sub(1)?;
        self.byte()
    }

    /// The next byte, or `None` at the end.
    pub fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    /// The next byte, zero past the end.
    pub fn byte_or_zero(&mut self) -> u8 {
        self.byte().unwrap_or(0)
    }

    /// Up to `n` bytes.
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }

    /// A length-prefixed chunk: one length byte, then up to that many bytes.
    pub fn chunk(&mut self) -> &'a [u8] {
        let n = usize::from(self.byte_or_zero());
        self.bytes(n)
    }

    /// A little-endian integer of up to eight bytes, from a chunk.
    pub fn u64_chunk(&mut self) -> u64 {
        let mut b = [0u8; 8];
        for (dst, src) in b.iter_mut().zip(self.chunk()) {
            *dst = *src;
        }
        u64::from_le_bytes(b)
    }
}

/// `frame` altered at a place the fuzzer picks: one bit flipped (`how`
/// even) or the frame cut short (`how` odd). Never returns `frame` itself
/// unless it is empty.
pub fn mutate(frame: &[u8], how: u8, at: u16) -> Vec<u8> {
    let mut out = frame.to_vec();
    if out.is_empty() {
        return out;
    }
    if how % 2 == 0 {
        let bit = usize::from(at) % (out.len() * 8);
        out[bit / 8] ^= 1 << (bit % 8);
    } else {
        out.truncate(usize::from(at) % out.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_total() {
        let mut i = Input::new(&[3, 1, 2], 1);
        assert_eq!(i.chunk(), &[1, 2]);
        assert!(i.is_empty());
        assert_eq!(i.byte(), None);
        assert_eq!(i.byte_or_zero(), 0);
        assert_eq!(i.chunk(), &[] as &[u8]);
        assert_eq!(Input::new(&[2, 0x34, 0x12], 1).u64_chunk(), 0x1234);
        let mut r = Input::new(&[7, 8, 9], 2);
        assert_eq!(
            (r.record(), r.record(), r.record()),
            (Some(7), Some(8), None)
        );
    }

    #[test]
    fn mutation_changes_the_frame() {
        let frame = [0xAAu8; 20];
        for at in 0..400 {
            for how in 0..2 {
                assert_ne!(mutate(&frame, how, at), frame);
            }
        }
    }
}
