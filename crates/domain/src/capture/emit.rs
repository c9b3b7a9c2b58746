//! Writes the tracker's events as the buffer text the intake reads (`[[name, props, time], …]`),
//! so they are checked, numbered, stored and sent exactly as `track()` events are. Every
//! captured string passes [`redact`] here, on its way in: nothing raw can reach the queue,
//! storage or the wire (decisions.md §19).

use alloc::string::String;

use crate::event::MAX_STRING_CHARS;
use crate::json::{write_integer, write_string};
use crate::redact::redact;

/// Appends `,"key":"value"` to `out` with `value` redacted and cut to the event string limit;
/// nothing when `value` is empty. `scratch` is reused between calls.
pub fn write_text(key: &str, value: &str, out: &mut String, scratch: &mut String) {
    if value.is_empty() {
        return;
    }
    scratch.clear();
    redact(value, scratch);
    if let Some((cut, _)) = scratch.char_indices().nth(MAX_STRING_CHARS) {
        scratch.truncate(cut);
    }
    out.push(',');
    write_string(key, out);
    out.push(':');
    write_string(scratch, out);
}

/// The events of one intake, as buffer text.
#[derive(Debug, Default)]
pub struct Emit {
    text: String,
    scratch: String,
}

/// The properties of the event being written; [`Props::end`] closes it.
pub struct Props<'a> {
    emit: &'a mut Emit,
}

impl Emit {
    /// Starts event `name` with the session id `sid` as its first property.
    pub fn event(&mut self, name: &str, sid: &str) -> Props<'_> {
        self.text.push_str(if self.text.is_empty() { "[[" } else { ",[" });
        write_string(name, &mut self.text);
        self.text.push_str(",{\"sid\":");
        write_string(sid, &mut self.text);
        Props { emit: self }
    }

    /// The buffer text of the events written, or `None` when there were none.
    pub fn finish(&mut self) -> Option<String> {
        if self.text.is_empty() {
            return None;
        }
        self.text.push(']');
        Some(core::mem::take(&mut self.text))
    }
}

impl Props<'_> {
    /// Starts member `key`; its value is the caller's to write, as JSON, into what is returned.
    pub fn key(&mut self, key: &str) -> &mut String {
        let text = &mut self.emit.text;
        text.push(',');
        write_string(key, text);
        text.push(':');
        text
    }

    /// A captured string: redacted, cut to the event string limit; omitted when empty.
    pub fn text(&mut self, key: &str, value: &str) -> &mut Self {
        let Emit { text, scratch } = &mut *self.emit;
        write_text(key, value, text, scratch);
        self
    }

    /// Members already written as `,"key":value…` (an element descriptor).
    pub fn members(&mut self, members: &str) -> &mut Self {
        self.emit.text.push_str(members);
        self
    }

    /// A string cxkit chose (a step name, a rating): written as it is.
    pub fn known(&mut self, key: &str, value: &str) -> &mut Self {
        write_string(value, self.key(key));
        self
    }

    /// An integer.
    pub fn int(&mut self, key: &str, value: i64) -> &mut Self {
        write_integer(value, self.key(key));
        self
    }

    /// A JSON value cxkit built or checked (a number's text, an array of reasons).
    pub fn json(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key).push_str(value);
        self
    }

    /// Closes the event with its wall-clock time.
    pub fn end(&mut self, wall: i64) {
        let text = &mut self.emit.text;
        text.push_str("},");
        write_integer(wall, text);
        text.push(']');
    }
}
