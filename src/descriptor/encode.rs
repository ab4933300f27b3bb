//! Encoding a descriptor with no allocator: whole, into a buffer, or any
//! byte range of it, re-encoding from flash each time.

use postcard::ser_flavors::Flavor;
use serde::Serialize;

use super::DescriptorError;

/// Where a streamed encoding goes, bytes in order.
type Sink<'o> = &'o mut dyn FnMut(&[u8]);

/// A postcard flavor that counts every byte, copies only those in
/// `[offset, offset + out.len())` into `out`, and hands every byte to
/// `sink` when there is one. One flavor serves paging and streaming, so
/// firmware links one serializer per descriptor type.
struct Window<'o> {
    offset: usize,
    out: &'o mut [u8],
    pos: usize,
    written: usize,
    sink: Option<Sink<'o>>,
}

impl Flavor for Window<'_> {
    type Output = (usize, usize);

    fn try_push(&mut self, byte: u8) -> postcard::Result<()> {
        if let Some(sink) = self.sink.as_mut() {
            sink(&[byte]);
        }
        if self.pos >= self.offset
            && let Some(slot) = self.out.get_mut(self.pos - self.offset)
        {
            *slot = byte;
            self.written += 1;
        }
        self.pos += 1;
        Ok(())
    }

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        if let Some(sink) = self.sink.as_mut() {
            sink(data);
        }
        let start = self.pos;
        let end = start + data.len();
        let lo = start.max(self.offset);
        let hi = end.min(self.offset.saturating_add(self.out.len()));
        if lo < hi {
            self.out[lo - self.offset..hi - self.offset]
                .copy_from_slice(&data[lo - start..hi - start]);
            self.written += hi - lo;
        }
        self.pos = end;
        Ok(())
    }

    fn finalize(self) -> postcard::Result<(usize, usize)> {
        Ok((self.pos, self.written))
    }
}

/// Encodes the bytes `[offset, offset + out.len())` of `value`'s encoding
/// into `out`. Returns `(total encoded length, bytes written)`; fewer bytes
/// than `out.len()` are written only at the end of the encoding.
///
/// Each call encodes the whole value once and keeps only the window, so a
/// descriptor in flash is paged out with no RAM copy.
pub fn encode_range<T: Serialize + ?Sized>(
    value: &T,
    offset: usize,
    out: &mut [u8],
) -> Result<(usize, usize), DescriptorError> {
    postcard::serialize_with_flavor(
        value,
        Window {
            offset,
            out,
            pos: 0,
            written: 0,
            sink: None,
        },
    )
    .map_err(|_| DescriptorError::Malformed)
}

/// Encodes `value` once, handing its bytes to `sink` in order; returns the
/// encoded length.
pub(super) fn stream<T: Serialize + ?Sized>(
    value: &T,
    sink: &mut dyn FnMut(&[u8]),
) -> Result<usize, DescriptorError> {
    postcard::serialize_with_flavor(
        value,
        Window {
            offset: usize::MAX,
            out: &mut [],
            pos: 0,
            written: 0,
            sink: Some(sink),
        },
    )
    .map(|(len, _)| len)
    .map_err(|_| DescriptorError::Malformed)
}

/// The exact length of `value`'s encoding.
pub fn encoded_len<T: Serialize + ?Sized>(value: &T) -> usize {
    encode_range(value, usize::MAX, &mut []).map_or(0, |(len, _)| len)
}

/// Encodes `value` into the start of `buf`, returning the length.
pub fn encode<T: Serialize + ?Sized>(value: &T, buf: &mut [u8]) -> Result<usize, DescriptorError> {
    let (total, written) = encode_range(value, 0, buf)?;
    if written < total {
        return Err(DescriptorError::BufferTooSmall { needed: total });
    }
    Ok(total)
}

/// Encodes `value` into a new vector.
#[cfg(feature = "alloc")]
pub fn encode_to_vec<T: Serialize + ?Sized>(value: &T) -> alloc::vec::Vec<u8> {
    let mut out = alloc::vec![0u8; encoded_len(value)];
    // The buffer is exactly the encoded length, so this cannot fall short.
    let _ = encode_range(value, 0, &mut out);
    out
}
