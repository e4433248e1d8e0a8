//! The protocol buffers wire format, read in place: enough to walk an ONNX model's messages
//! without a heap or generated code.
//!
//! A message is a sequence of fields, each a key (`field_number << 3 | wire_type`, a varint)
//! and a value: a varint (wire type 0), 8 bytes (1), a length-delimited run of bytes (2:
//! strings, bytes, nested messages, packed repeated numbers) or 4 bytes (5). Groups (3, 4) are
//! long deprecated and ONNX never uses them: they are an error here.

/// Where and why the bytes are not a valid protocol buffer message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct WireError {
    /// Offset of the field (or value) that is broken, from the start of the file.
    pub(super) offset: usize,
}

/// One field's value, borrowed from the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Value<'a> {
    /// Wire type 0: an integer of up to 64 bits (`int64` values are its two's complement).
    Varint(u64),
    /// Wire type 1: 8 little-endian bytes (`double`, `fixed64`).
    Fixed64([u8; 8]),
    /// Wire type 2: a string, bytes, a nested message or a packed repeated field.
    Bytes(Bytes<'a>),
    /// Wire type 5: 4 little-endian bytes (`float`, `fixed32`).
    Fixed32([u8; 4]),
}

/// A length-delimited value with the file offset it starts at (for errors in what it holds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Bytes<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) offset: usize,
}

impl<'a> Bytes<'a> {
    /// The fields of the message these bytes hold.
    pub(super) fn fields(self) -> Fields<'a> {
        Fields {
            bytes: self.bytes,
            at: 0,
            base: self.offset,
        }
    }
}

/// The fields of a message, in the order they are written.
#[derive(Clone, Debug)]
pub(super) struct Fields<'a> {
    bytes: &'a [u8],
    at: usize,
    base: usize,
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u32, Value<'a>), WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.bytes.len() {
            return None;
        }
        let start = self.at;
        let result = self.field();
        if result.is_err() {
            // One error, then the end: a broken length makes everything after it meaningless.
            self.at = self.bytes.len();
        }
        Some(result.map_err(|()| WireError {
            offset: self.base + start,
        }))
    }
}

impl<'a> Fields<'a> {
    fn field(&mut self) -> Result<(u32, Value<'a>), ()> {
        let key = varint(self.bytes, &mut self.at)?;
        let number = u32::try_from(key >> 3).map_err(|_| ())?;
        if number == 0 {
            return Err(());
        }
        let value = match key & 7 {
            0 => Value::Varint(varint(self.bytes, &mut self.at)?),
            1 => Value::Fixed64(self.take::<8>()?),
            2 => {
                let len = usize::try_from(varint(self.bytes, &mut self.at)?).map_err(|_| ())?;
                let end = self.at.checked_add(len).ok_or(())?;
                let bytes = self.bytes.get(self.at..end).ok_or(())?;
                let offset = self.base + self.at;
                self.at = end;
                Value::Bytes(Bytes { bytes, offset })
            }
            5 => Value::Fixed32(self.take::<4>()?),
            _ => return Err(()),
        };
        Ok((number, value))
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], ()> {
        let bytes = self.bytes.get(self.at..self.at + N).ok_or(())?;
        self.at += N;
        let mut out = [0; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }
}

/// The fields of a whole file's top message.
pub(super) fn message(bytes: &[u8]) -> Fields<'_> {
    Bytes { bytes, offset: 0 }.fields()
}

/// A base-128 varint at `*at` (at most 10 bytes), moving `*at` past it.
pub(super) fn varint(bytes: &[u8], at: &mut usize) -> Result<u64, ()> {
    let mut value = 0u64;
    for i in 0..10 {
        let byte = *bytes.get(*at).ok_or(())?;
        *at += 1;
        // The tenth byte holds only the top bit of a 64-bit value.
        if i == 9 && byte > 1 {
            return Err(());
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(())
}

/// The values of a repeated integer field, packed (one length-delimited run of varints, as
/// proto3 writes them) or not (one varint per field): `visit` gets each.
pub(super) fn each_varint(
    value: Value<'_>,
    mut visit: impl FnMut(u64) -> Result<(), WireError>,
) -> Result<(), WireError> {
    match value {
        Value::Varint(v) => visit(v),
        Value::Bytes(run) => {
            let mut at = 0;
            while at < run.bytes.len() {
                let start = at;
                let v = varint(run.bytes, &mut at).map_err(|()| WireError {
                    offset: run.offset + start,
                })?;
                visit(v)?;
            }
            Ok(())
        }
        _ => Err(WireError { offset: 0 }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_every_wire_type_are_read() {
        // 1: varint 300; 2: "hi"; 3: fixed32 1.5f; 4: fixed64; 5: packed [1, 150].
        let mut bytes = [0u8; 64];
        let msg = [
            0x08, 0xac, 0x02, // field 1, varint 300
            0x12, 0x02, b'h', b'i', // field 2, bytes "hi"
            0x1d, 0x00, 0x00, 0xc0, 0x3f, // field 3, fixed32 1.5f
            0x21, 1, 2, 3, 4, 5, 6, 7, 8, // field 4, fixed64
            0x2a, 0x03, 0x01, 0x96, 0x01, // field 5, packed varints 1, 150
        ];
        bytes[..msg.len()].copy_from_slice(&msg);
        let mut it = message(&bytes[..msg.len()]);
        assert_eq!(it.next(), Some(Ok((1, Value::Varint(300)))));
        assert_eq!(
            it.next(),
            Some(Ok((
                2,
                Value::Bytes(Bytes {
                    bytes: b"hi",
                    offset: 5
                })
            )))
        );
        assert_eq!(
            it.next(),
            Some(Ok((3, Value::Fixed32(1.5f32.to_le_bytes()))))
        );
        assert_eq!(
            it.next(),
            Some(Ok((4, Value::Fixed64([1, 2, 3, 4, 5, 6, 7, 8]))))
        );
        let Some(Ok((5, packed))) = it.next() else {
            panic!("no packed field")
        };
        let mut seen = [0u64; 2];
        let mut n = 0;
        each_varint(packed, |v| {
            seen[n] = v;
            n += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, [1, 150]);
        assert_eq!(it.next(), None);
    }

    #[test]
    fn broken_messages_are_errors_at_their_offset() {
        // A length running past the end.
        assert_eq!(
            message(&[0x08, 0x01, 0x12, 0x05, b'a']).nth(1),
            Some(Err(WireError { offset: 2 }))
        );
        // A group (wire type 3), field number 0, and an unfinished varint.
        assert!(matches!(message(&[0x0b]).next(), Some(Err(_))));
        assert!(matches!(message(&[0x00, 0x00]).next(), Some(Err(_))));
        assert!(matches!(message(&[0x08, 0x80]).next(), Some(Err(_))));
        // Eleven continuation bytes are not a varint.
        let mut at = 0;
        assert!(varint(&[0xff; 11], &mut at).is_err());
        // After an error the iteration ends.
        let mut it = message(&[0x0b, 0x08, 0x01]);
        assert!(matches!(it.next(), Some(Err(_))));
        assert_eq!(it.next(), None);
    }
}
