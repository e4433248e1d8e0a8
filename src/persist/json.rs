//! The little JSON a safetensors header needs, read in place without a heap: objects, arrays,
//! strings with escapes, numbers, `true`, `false`, `null`. It accepts exactly what RFC 8259
//! (and `serde_json`, which the official safetensors reader uses) accepts: escapes are checked,
//! surrogates must pair, numbers follow the grammar. Nesting stops at `serde_json`'s limit, so
//! a hostile header cannot exhaust the stack.

/// The deepest nesting index allowed (the outermost value is at 0): 127 nested objects and
/// arrays, as many as the official reader (`serde_json`'s limit of 128, one of which it spends
/// itself) accepts.
const MAX_DEPTH: usize = 126;

/// A syntax error at a byte offset of the JSON text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SyntaxError {
    /// Byte offset in the JSON text.
    pub offset: usize,
}

/// A JSON value, located in the text.
#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    /// An object: its text from `{` to `}`.
    Object(&'a [u8]),
    /// An array: its text from `[` to `]`.
    Array(&'a [u8]),
    /// A string, still escaped, without its quotes.
    Str(Str<'a>),
    /// A number's text.
    Number(&'a [u8]),
    /// `true`, `false` or `null`: its text.
    Literal(&'a [u8]),
}

/// A JSON string as it appears in the text (escapes not yet decoded).
#[derive(Clone, Copy, Debug)]
pub struct Str<'a>(pub &'a [u8]);

impl Str<'_> {
    /// The decoded characters, in order; `None` for an invalid escape.
    pub fn chars(&self) -> impl Iterator<Item = Option<char>> + '_ {
        let mut rest = self.0;
        core::iter::from_fn(move || {
            let (&first, tail) = rest.split_first()?;
            if first != b'\\' {
                // Decode one UTF-8 character (the text was checked to be UTF-8).
                let len = utf8_len(first);
                let (ch, tail) = rest.split_at(len.min(rest.len()));
                rest = tail;
                return Some(core::str::from_utf8(ch).ok().and_then(|s| s.chars().next()));
            }
            let (&kind, tail) = match tail.split_first() {
                Some(pair) => pair,
                None => {
                    rest = tail;
                    return Some(None);
                }
            };
            rest = tail;
            Some(match kind {
                b'"' => Some('"'),
                b'\\' => Some('\\'),
                b'/' => Some('/'),
                b'b' => Some('\u{8}'),
                b'f' => Some('\u{c}'),
                b'n' => Some('\n'),
                b'r' => Some('\r'),
                b't' => Some('\t'),
                b'u' => {
                    let unit = hex4(rest);
                    rest = rest.get(4..).unwrap_or(&[]);
                    match unit {
                        // A high surrogate and the low one that must follow make one character.
                        Some(high @ 0xd800..=0xdbff) => {
                            let low = rest.strip_prefix(b"\\u").and_then(hex4);
                            rest = rest.get(6..).unwrap_or(&[]);
                            low.filter(|low| (0xdc00..=0xdfff).contains(low))
                                .and_then(|low| {
                                    char::from_u32(
                                        0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00),
                                    )
                                })
                        }
                        unit => unit.and_then(char::from_u32),
                    }
                }
                _ => None,
            })
        })
    }

    /// `true` when the decoded string equals `other`.
    pub fn eq_str(&self, other: &str) -> bool {
        let mut mine = self.chars();
        let mut theirs = other.chars();
        loop {
            match (mine.next(), theirs.next()) {
                (None, None) => return true,
                (Some(Some(a)), Some(b)) if a == b => {}
                _ => return false,
            }
        }
    }
}

/// Four hex digits at the start of `text`, as a number.
fn hex4(text: &[u8]) -> Option<u32> {
    let digits = text.get(..4)?;
    digits
        .iter()
        .try_fold(0u32, |n, &d| Some(n * 16 + char::from(d).to_digit(16)?))
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// Reads one complete JSON value from `text` (surrounding whitespace allowed, nothing else).
pub fn parse(text: &[u8]) -> Result<Value<'_>, SyntaxError> {
    let mut reader = Reader { text, pos: 0 };
    let value = reader.value(0)?;
    reader.skip_space();
    if reader.pos != text.len() {
        return Err(reader.error());
    }
    Ok(value)
}

/// Calls `f` with every key and value of the object text `object` (from [`Value::Object`]),
/// stopping at the first error `f` returns.
pub fn for_each_entry<'a, E>(
    object: &'a [u8],
    mut f: impl FnMut(Str<'a>, Value<'a>) -> Result<(), E>,
    syntax: impl Fn(SyntaxError) -> E,
) -> Result<(), E> {
    let mut reader = Reader {
        text: object,
        pos: 1,
    };
    reader.skip_space();
    if reader.peek() == Some(b'}') {
        return Ok(());
    }
    loop {
        reader.skip_space();
        let key = reader.string().map_err(&syntax)?;
        reader.skip_space();
        reader.expect(b':').map_err(&syntax)?;
        let value = reader.value(1).map_err(&syntax)?;
        f(key, value)?;
        if !reader.separator(b'}').map_err(&syntax)? {
            return Ok(());
        }
    }
}

/// Calls `f` with every element of the array text `array` (from [`Value::Array`]).
pub fn for_each_element<'a, E>(
    array: &'a [u8],
    mut f: impl FnMut(Value<'a>) -> Result<(), E>,
    syntax: impl Fn(SyntaxError) -> E,
) -> Result<(), E> {
    let mut reader = Reader {
        text: array,
        pos: 1,
    };
    reader.skip_space();
    if reader.peek() == Some(b']') {
        return Ok(());
    }
    loop {
        let value = reader.value(1).map_err(&syntax)?;
        f(value)?;
        if !reader.separator(b']').map_err(&syntax)? {
            return Ok(());
        }
    }
}

/// A number's text as an unsigned integer, if it is one (no sign, fraction or exponent).
pub fn as_u64(number: &[u8]) -> Option<u64> {
    if number.is_empty() || number.len() > 20 {
        return None;
    }
    number.iter().try_fold(0u64, |n, &d| {
        d.is_ascii_digit()
            .then(|| n.checked_mul(10)?.checked_add(u64::from(d - b'0')))
            .flatten()
    })
}

struct Reader<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn error(&self) -> SyntaxError {
        SyntaxError { offset: self.pos }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn expect(&mut self, b: u8) -> Result<(), SyntaxError> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error())
        }
    }

    /// After an element of an object or array: `true` at a `,` (another element follows),
    /// `false` at `close` (the end); both are consumed.
    fn separator(&mut self, close: u8) -> Result<bool, SyntaxError> {
        self.skip_space();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(c) if c == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.error()),
        }
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error());
        }
        self.skip_space();
        let start = self.pos;
        match self.peek() {
            Some(b'{') => {
                self.container(b'}', depth, true)?;
                Ok(Value::Object(&self.text[start..self.pos]))
            }
            Some(b'[') => {
                self.container(b']', depth, false)?;
                Ok(Value::Array(&self.text[start..self.pos]))
            }
            Some(b'"') => Ok(Value::Str(self.string()?)),
            Some(b'-' | b'0'..=b'9') => {
                self.number()?;
                Ok(Value::Number(&self.text[start..self.pos]))
            }
            _ => {
                for word in [&b"true"[..], b"false", b"null"] {
                    if self.text[self.pos..].starts_with(word) {
                        self.pos += word.len();
                        return Ok(Value::Literal(word));
                    }
                }
                Err(self.error())
            }
        }
    }

    /// Skips an object (`keyed`) or array from its opening bracket to `close`.
    fn container(&mut self, close: u8, depth: usize, keyed: bool) -> Result<(), SyntaxError> {
        self.pos += 1;
        self.skip_space();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(());
        }
        loop {
            if keyed {
                self.skip_space();
                self.string()?;
                self.skip_space();
                self.expect(b':')?;
            }
            self.value(depth + 1)?;
            if !self.separator(close)? {
                return Ok(());
            }
        }
    }

    /// A number by RFC 8259's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<(), SyntaxError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.next() {
            Some(b'0') => {}
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error()),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.some_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.some_digits()?;
        }
        Ok(())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn some_digits(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        self.digits();
        if self.pos == start {
            return Err(self.error());
        }
        Ok(())
    }

    fn string(&mut self) -> Result<Str<'a>, SyntaxError> {
        self.expect(b'"')?;
        let start = self.pos;
        loop {
            match self.next() {
                Some(b'"') => return Ok(Str(&self.text[start..self.pos - 1])),
                Some(b'\\') => self.escape()?,
                Some(c) if c < 0x20 => return Err(self.error()),
                Some(_) => {}
                None => return Err(self.error()),
            }
        }
    }

    /// The rest of an escape after its backslash: one of `"\/bfnrt`, or `u` and four hex
    /// digits, a high surrogate followed by an escaped low one, never a lone surrogate.
    fn escape(&mut self) -> Result<(), SyntaxError> {
        match self.next() {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(()),
            Some(b'u') => match self.hex_unit()? {
                0xd800..=0xdbff => {
                    if self.next() != Some(b'\\') || self.next() != Some(b'u') {
                        return Err(self.error());
                    }
                    match self.hex_unit()? {
                        0xdc00..=0xdfff => Ok(()),
                        _ => Err(self.error()),
                    }
                }
                0xdc00..=0xdfff => Err(self.error()),
                _ => Ok(()),
            },
            _ => Err(self.error()),
        }
    }

    fn hex_unit(&mut self) -> Result<u32, SyntaxError> {
        let unit = hex4(&self.text[self.pos..]).ok_or_else(|| self.error())?;
        self.pos += 4;
        Ok(unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_safetensors_header() {
        let text = br#" {"0.weight": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
                         "__metadata__": {"format": "pt", "note": "a \"quoted\" \u00e9"}} "#;
        let Ok(Value::Object(object)) = parse(text) else {
            panic!("not an object")
        };
        let mut keys = 0;
        for_each_entry(
            object,
            |key, value| {
                keys += 1;
                if key.eq_str("0.weight") {
                    assert!(matches!(value, Value::Object(_)));
                } else {
                    assert!(key.eq_str("__metadata__"));
                }
                Ok::<(), SyntaxError>(())
            },
            |e| e,
        )
        .unwrap();
        assert_eq!(keys, 2);
        assert!(Str(br#"a \"quoted\" \u00e9"#).eq_str("a \"quoted\" é"));
        assert_eq!(as_u64(b"24"), Some(24));
        assert_eq!(as_u64(b"-1"), None);
        assert_eq!(as_u64(b"99999999999999999999999"), None);
    }

    #[test]
    fn rejects_bad_text_with_its_offset() {
        assert_eq!(parse(b"{\"a\" 1}").err(), Some(SyntaxError { offset: 5 }));
        assert!(parse(b"[1, 2").is_err());
        assert!(parse(b"{} x").is_err());
        assert!(parse(b"\"\\").is_err());
        // Nesting beyond the limit is an error, not a stack overflow.
        let deep = [b'['; 100_000];
        assert!(parse(&deep).is_err());
    }

    /// What RFC 8259 (and serde_json) refuse, this reader refuses too.
    #[test]
    fn accepts_exactly_json() {
        for good in [
            &b"0"[..],
            b"-0.5e+3",
            b"12E-2",
            br#""\u00e9\ud83d\ude00\/\b\f\n\r\t""#,
            b"[[[]]]",
        ] {
            assert!(
                parse(good).is_ok(),
                "{}",
                core::str::from_utf8(good).unwrap()
            );
        }
        for bad in [
            &b"01"[..],
            b"1.",
            b".5",
            b"+1",
            b"1e",
            b"--1",
            b"1.5.2",
            br#""\x""#,
            br#""\u12""#,
            br#""\ud83d""#,
            br#""\ude00""#,
            br#""\ud83d\u0041""#,
            b"\"a\x01\"",
            b"tru",
        ] {
            assert!(
                parse(bad).is_err(),
                "{}",
                core::str::from_utf8(bad).unwrap()
            );
        }
        assert!(Str(br#"\ud83d\ude00"#).eq_str("\u{1f600}"));
        let nested = [&[b'['; 127][..], &[b']'; 127]].concat();
        assert!(parse(&nested).is_ok(), "the official reader's limit");
        let nested = [&[b'['; 128][..], &[b']'; 128]].concat();
        assert!(
            parse(&nested).is_err(),
            "one past the official reader's limit"
        );
    }
}
