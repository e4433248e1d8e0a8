//! The FlatBuffers binary format, read in place with every offset checked: enough to walk a
//! `.tflite` file's tables and vectors without a heap or generated code.
//!
//! A buffer starts with the offset of its root table. A table starts with a signed offset back
//! to its vtable; the vtable holds its own size, the table's size, then one 16-bit offset per
//! field into the table (0 for a field left at its default). Fields that are tables, vectors
//! or strings hold a 32-bit offset forward from where they are; a vector (or string) is a
//! 32-bit length followed by its elements (a string's by a NUL). Scalars are little-endian.

/// Where a buffer is broken: the offset of the table, field or vector that points outside it
/// or is inconsistent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Broken {
    pub(super) offset: usize,
}

fn read<const N: usize>(buf: &[u8], at: usize) -> Result<[u8; N], Broken> {
    let bytes = buf
        .get(at..at.checked_add(N).ok_or(Broken { offset: at })?)
        .ok_or(Broken { offset: at })?;
    let mut out = [0; N];
    out.copy_from_slice(bytes);
    Ok(out)
}

fn u32_at(buf: &[u8], at: usize) -> Result<usize, Broken> {
    Ok(u32::from_le_bytes(read(buf, at)?) as usize)
}

/// The target of the forward offset stored at `at`.
fn follow(buf: &[u8], at: usize) -> Result<usize, Broken> {
    at.checked_add(u32_at(buf, at)?)
        .filter(|&target| target < buf.len())
        .ok_or(Broken { offset: at })
}

/// A table: where it is and where its vtable is.
#[derive(Clone, Copy, Debug)]
pub(super) struct Table<'a> {
    buf: &'a [u8],
    at: usize,
    vtable: usize,
    vtable_len: usize,
}

impl<'a> Table<'a> {
    /// The root table of `buf`.
    pub(super) fn root(buf: &'a [u8]) -> Result<Self, Broken> {
        Self::at(buf, follow(buf, 0)?)
    }

    fn at(buf: &'a [u8], at: usize) -> Result<Self, Broken> {
        let broken = Broken { offset: at };
        let back = i32::from_le_bytes(read(buf, at)?) as i64;
        let vtable = usize::try_from(at as i64 - back).map_err(|_| broken)?;
        let vtable_len = usize::from(u16::from_le_bytes(read(buf, vtable)?));
        let table_len = usize::from(u16::from_le_bytes(read(buf, vtable + 2)?));
        if vtable_len < 4 || vtable_len % 2 != 0 || vtable + vtable_len > buf.len() {
            return Err(broken);
        }
        if table_len < 4 || at + table_len > buf.len() {
            return Err(broken);
        }
        Ok(Self {
            buf,
            at,
            vtable,
            vtable_len,
        })
    }

    /// Where field `id` is, if the table has it.
    fn field(&self, id: usize) -> Result<Option<usize>, Broken> {
        let slot = 4 + 2 * id;
        if slot + 2 > self.vtable_len {
            return Ok(None);
        }
        let offset = usize::from(u16::from_le_bytes(read(self.buf, self.vtable + slot)?));
        Ok((offset != 0).then_some(self.at + offset))
    }

    /// A scalar field of `N` bytes, or `default`.
    fn scalar<const N: usize>(&self, id: usize, default: [u8; N]) -> Result<[u8; N], Broken> {
        match self.field(id)? {
            Some(at) => read(self.buf, at),
            None => Ok(default),
        }
    }

    pub(super) fn u8(&self, id: usize, default: u8) -> Result<u8, Broken> {
        Ok(self.scalar::<1>(id, [default])?[0])
    }

    pub(super) fn i8(&self, id: usize, default: i8) -> Result<i8, Broken> {
        Ok(self.u8(id, default as u8)? as i8)
    }

    pub(super) fn i32(&self, id: usize, default: i32) -> Result<i32, Broken> {
        Ok(i32::from_le_bytes(self.scalar(id, default.to_le_bytes())?))
    }

    pub(super) fn u32(&self, id: usize, default: u32) -> Result<u32, Broken> {
        Ok(u32::from_le_bytes(self.scalar(id, default.to_le_bytes())?))
    }

    pub(super) fn u64(&self, id: usize, default: u64) -> Result<u64, Broken> {
        Ok(u64::from_le_bytes(self.scalar(id, default.to_le_bytes())?))
    }

    pub(super) fn f32(&self, id: usize, default: f32) -> Result<f32, Broken> {
        Ok(f32::from_le_bytes(self.scalar(id, default.to_le_bytes())?))
    }

    /// A table field.
    pub(super) fn table(&self, id: usize) -> Result<Option<Table<'a>>, Broken> {
        match self.field(id)? {
            Some(at) => Ok(Some(Table::at(self.buf, follow(self.buf, at)?)?)),
            None => Ok(None),
        }
    }

    /// A vector field of elements of `width` bytes (4 for tables and strings).
    pub(super) fn vector(&self, id: usize, width: usize) -> Result<Option<Vector<'a>>, Broken> {
        let Some(at) = self.field(id)? else {
            return Ok(None);
        };
        let start = follow(self.buf, at)?;
        let len = u32_at(self.buf, start)?;
        let end = len
            .checked_mul(width)
            .and_then(|bytes| bytes.checked_add(start + 4))
            .filter(|&end| end <= self.buf.len())
            .ok_or(Broken { offset: start })?;
        Ok(Some(Vector {
            buf: self.buf,
            start: start + 4,
            len,
            width,
            end,
        }))
    }
}

/// A vector: `len` elements of `width` bytes from `start`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Vector<'a> {
    buf: &'a [u8],
    start: usize,
    len: usize,
    width: usize,
    end: usize,
}

impl<'a> Vector<'a> {
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The elements' bytes, back to back.
    pub(super) fn bytes(&self) -> &'a [u8] {
        // `vector` checked the range; `get` keeps a panic path out of the firmware anyway.
        self.buf.get(self.start..self.end).unwrap_or(&[])
    }

    fn element<const N: usize>(&self, i: usize) -> Result<[u8; N], Broken> {
        if i >= self.len || N != self.width {
            return Err(Broken { offset: self.start });
        }
        read(self.buf, self.start + i * self.width)
    }

    pub(super) fn i32(&self, i: usize) -> Result<i32, Broken> {
        Ok(i32::from_le_bytes(self.element(i)?))
    }

    pub(super) fn i64(&self, i: usize) -> Result<i64, Broken> {
        Ok(i64::from_le_bytes(self.element(i)?))
    }

    pub(super) fn f32(&self, i: usize) -> Result<f32, Broken> {
        Ok(f32::from_le_bytes(self.element(i)?))
    }

    /// Element `i` of a vector of tables.
    pub(super) fn table(&self, i: usize) -> Result<Table<'a>, Broken> {
        if i >= self.len || self.width != 4 {
            return Err(Broken { offset: self.start });
        }
        Table::at(self.buf, follow(self.buf, self.start + 4 * i)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A root table with a u32 field (id 0, value 7), a vector of two i32 (id 1) and a string
    /// (id 2), laid out by hand as `flatc` would.
    fn sample() -> [u8; 64] {
        let mut buf = [0u8; 64];
        // 0: root offset -> table at 16.
        buf[0..4].copy_from_slice(&16u32.to_le_bytes());
        // 4: vtable: size 10, table size 16, fields at +4, +8, +12.
        for (i, v) in [10u16, 16, 4, 8, 12].iter().enumerate() {
            buf[4 + 2 * i..6 + 2 * i].copy_from_slice(&v.to_le_bytes());
        }
        // 16: table: soffset to vtable (16 - 4 = 12), u32 7, offset to vector, offset to string.
        buf[16..20].copy_from_slice(&12i32.to_le_bytes());
        buf[20..24].copy_from_slice(&7u32.to_le_bytes());
        buf[24..28].copy_from_slice(&(32u32 - 24).to_le_bytes());
        buf[28..32].copy_from_slice(&(44u32 - 28).to_le_bytes());
        // 32: vector [-1, 300].
        buf[32..36].copy_from_slice(&2u32.to_le_bytes());
        buf[36..40].copy_from_slice(&(-1i32).to_le_bytes());
        buf[40..44].copy_from_slice(&300i32.to_le_bytes());
        // 44: string "fc".
        buf[44..48].copy_from_slice(&2u32.to_le_bytes());
        buf[48..50].copy_from_slice(b"fc");
        buf
    }

    #[test]
    fn fields_vectors_and_strings_are_read_and_defaults_apply() {
        let buf = sample();
        let root = Table::root(&buf).unwrap();
        assert_eq!(root.u32(0, 0).unwrap(), 7);
        let v = root.vector(1, 4).unwrap().unwrap();
        assert_eq!(
            (v.len(), v.i32(0).unwrap(), v.i32(1).unwrap()),
            (2, -1, 300)
        );
        assert!(v.i32(2).is_err());
        assert_eq!(root.vector(2, 1).unwrap().unwrap().bytes(), b"fc");
        // Field 3 is past the vtable: its default.
        assert_eq!(root.i32(3, -5).unwrap(), -5);
        assert!(root.table(3).unwrap().is_none());
    }

    #[test]
    fn offsets_out_of_the_buffer_are_errors() {
        let mut buf = sample();
        // The vector's length runs past the end.
        buf[32..36].copy_from_slice(&1000u32.to_le_bytes());
        assert!(Table::root(&buf).unwrap().vector(1, 4).is_err());
        // The root points past the end.
        let mut buf = sample();
        buf[0..4].copy_from_slice(&1000u32.to_le_bytes());
        assert!(Table::root(&buf).is_err());
        // The vtable offset points before the buffer.
        let mut buf = sample();
        buf[16..20].copy_from_slice(&100i32.to_le_bytes());
        assert!(Table::root(&buf).is_err());
        assert!(Table::root(&buf[..3]).is_err());
    }
}
