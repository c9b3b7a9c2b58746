//! The contract between the Rust crates and the TypeScript shell: every constant, rule and
//! vocabulary both sides use, listed once, here, and written out as `npm/src/contract.ts` by
//! `make gen` (`cargo run -q -p cxkit-domain --example contract`). `make test` writes it again
//! to a temporary file and fails when the committed one differs, so a change on this side
//! cannot leave the shell behind. The shell needs them as constants, not as calls into the
//! core: `track()` checks its limits without entering wasm (decisions.md, "The hot path").
//!
//! Each item's TypeScript comment is the doc comment of the Rust item it comes from, read from
//! the source, so the explanation too lives in one place. Host only: nothing here ships in a
//! wasm module.

use std::fmt::Write;
use std::string::{String, ToString};
use std::vec::Vec;
use std::{format, vec};

use super::batch::SendReason;
use super::capture::options::Switch;
use super::config::{self, OptionKind};
use super::consent::Consent;
use super::error::ErrorCode;
use super::status::{self, Count};
use super::survey::SurveyKind;
use super::{event, queue, retry};

/// One item of the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The name TypeScript declares it under.
    pub name: &'static str,
    /// The Rust file that owns it.
    pub owner: &'static str,
    /// Its doc comment, from that file.
    pub doc: String,
    /// What TypeScript declares.
    pub shape: Shape,
}

/// What an item declares in TypeScript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// `export const NAME = value;`
    Const(Literal),
    /// `export type Name = "a" | "b";`: a closed set of ids, each with its doc comment (shown
    /// in the type's comment: TypeScript shows none on a union member).
    Union(Vec<(&'static str, String)>),
    /// `export interface Name { key: type; … }`, a JSON object the core hands the shell: each
    /// member's key, TypeScript type and doc comment.
    Interface(Vec<(&'static str, &'static str, String)>),
}

/// The value of a constant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// A whole number.
    Number(u64),
    /// A string.
    Text(String),
    /// A regular expression matching one character of a set, given as a character class.
    CharClass(String),
    /// A list of names.
    Names(Vec<&'static str>),
}

/// A whole number, as TypeScript writes it: `3_600_000`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('_');
        }
        out.push(digit);
    }
    out
}

/// A regular expression character class of every character `member` accepts, in ranges:
/// `[\u0000-\u001f…]`. Only the Basic Multilingual Plane, which is what a `\u` escape reaches.
fn char_class(member: fn(char) -> bool) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for c in (0..=0xffff).filter_map(char::from_u32).filter(|c| member(*c)) {
        let code = u32::from(c);
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == code => *end = code,
            _ => ranges.push((code, code)),
        }
    }
    let mut class = String::from("[");
    for (start, end) in ranges {
        let _ = write!(class, "\\u{start:04x}");
        if end > start {
            let _ = write!(class, "-\\u{end:04x}");
        }
    }
    class.push(']');
    class
}

/// The doc comment of the item whose declaration starts with `declaration` in `source`
/// (`pub const MAX_PROPS:`, `pub enum Count`), with the attributes between them skipped.
/// Intra-doc links lose their brackets: TypeScript has no path to follow.
///
/// # Panics
/// When the item is missing or undocumented: the generator stops rather than write a
/// contract without its reasons.
fn doc_of(source: &str, declaration: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.trim_start().starts_with(declaration))
        .unwrap_or_else(|| panic!("contract: `{declaration}` is not in its source file"));
    doc_above(&lines, at, declaration)
}

/// The doc comment of variant `variant` of `pub enum name`.
fn variant_doc(source: &str, name: &str, variant: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let declaration = format!("pub enum {name} ");
    let start = lines
        .iter()
        .position(|line| line.starts_with(&declaration))
        .unwrap_or_else(|| panic!("contract: `{declaration}` is not in its source file"));
    let at = (start..lines.len())
        .find(|&i| {
            let line = lines[i].trim_start();
            line.strip_prefix(variant).is_some_and(|rest| rest.starts_with([',', ' ', '(']))
        })
        .unwrap_or_else(|| panic!("contract: `{name}::{variant}` is not in its source file"));
    doc_above(&lines, at, variant)
}

/// The doc comment of the module itself: its leading `//!` lines.
fn module_doc(source: &str) -> String {
    let doc: Vec<&str> = source
        .lines()
        .map_while(|line| line.strip_prefix("//!"))
        .map(|text| text.strip_prefix(' ').unwrap_or(text))
        .collect();
    assert!(!doc.is_empty(), "contract: a module without a doc comment");
    doc.join("\n")
}

fn doc_above(lines: &[&str], at: usize, what: &str) -> String {
    let mut doc: Vec<&str> = Vec::new();
    for line in lines[..at].iter().rev().map(|line| line.trim_start()) {
        if let Some(text) = line.strip_prefix("///") {
            doc.push(text.strip_prefix(' ').unwrap_or(text));
        } else if !line.starts_with("#[") {
            break;
        }
    }
    assert!(!doc.is_empty(), "contract: `{what}` has no doc comment");
    doc.reverse();
    doc.join("\n").replace("[`", "`").replace("`]", "`")
}

/// A module of this crate: its path, as named in `contract.ts`, and its source, whose doc
/// comments are read.
macro_rules! module {
    ($module:ident) => {
        (concat!("crates/domain/src/", stringify!($module), ".rs"), include_str!(concat!(stringify!($module), ".rs")))
    };
}

/// The tracker's options: in a folder, which `module!` does not reach.
const CAPTURE_OPTIONS: (&str, &str) = ("crates/domain/src/capture/options.rs", include_str!("capture/options.rs"));
/// The tracker's policies: a folder too.
const CAPTURE: (&str, &str) = ("crates/domain/src/capture/mod.rs", include_str!("capture/mod.rs"));
/// The survey kinds: in a folder too.
const SURVEY: (&str, &str) = ("crates/domain/src/survey/mod.rs", include_str!("survey/mod.rs"));

/// A constant of a module of this crate, under its Rust name, with its doc comment.
macro_rules! constant {
    ($module:ident :: $name:ident, $literal:expr) => {{
        let (owner, source) = module!($module);
        let doc = doc_of(source, concat!("pub const ", stringify!($name), ":"));
        Item { name: stringify!($name), owner, doc, shape: Shape::Const($literal($module::$name)) }
    }};
}

/// A union of the ids of `kinds`, documented by `pub enum name` and its variants in `source`.
fn union<T: Copy + core::fmt::Debug>(
    name: &'static str,
    (owner, source): (&'static str, &str),
    kinds: impl IntoIterator<Item = T>,
    id: fn(T) -> &'static str,
) -> Item {
    let enum_name = core::any::type_name::<T>().rsplit("::").next().unwrap_or_default();
    let ids = kinds.into_iter().map(|kind| (id(kind), variant_doc(source, enum_name, &format!("{kind:?}")))).collect();
    Item { name, owner, doc: doc_of(source, &format!("pub enum {enum_name} ")), shape: Shape::Union(ids) }
}

fn number(n: impl TryInto<u64>) -> Literal {
    Literal::Number(n.try_into().unwrap_or_else(|_| panic!("contract: a limit beyond u64")))
}

fn text(c: char) -> Literal {
    Literal::Text(c.to_string())
}

/// The options of `kind`: what the script tag turns a `data-*` attribute's text into.
fn options(name: &'static str, kind: OptionKind, takes: &str) -> Item {
    let (owner, _) = module!(config);
    let doc = format!("The options that {takes}: the script tag turns the text of their `data-*` attribute into that.");
    Item { name, owner, doc, shape: Shape::Const(Literal::Names(config::options_of(kind).collect())) }
}

/// Every item of the contract, in the order `contract.ts` declares them.
pub fn items() -> Vec<Item> {
    let (event_rs, event_source) = module!(event);
    let survey = SURVEY;
    let (status_rs, status_source) = module!(status);
    let surveys = union("BuiltinSurvey", survey, SurveyKind::ALL, SurveyKind::id);
    let consent = (status::CONSENT_KEY, "ConsentState", doc_of(status_source, "pub const CONSENT_KEY:"));
    let counts =
        Count::ALL.map(|count| (count.key(), "number", variant_doc(status_source, "Count", &format!("{count:?}"))));
    vec![
        constant!(event::MAX_NAME_CHARS, number),
        constant!(event::MAX_PROPS, number),
        constant!(event::MAX_DEPTH, number),
        constant!(event::MAX_STRING_CHARS, number),
        constant!(event::RESERVED_PREFIX, text),
        Item {
            name: "FORBIDDEN_IN_NAME",
            owner: event_rs,
            doc: doc_of(event_source, "pub fn forbidden_in_name"),
            shape: Shape::Const(Literal::CharClass(char_class(event::forbidden_in_name))),
        },
        options("NUMBER_OPTIONS", OptionKind::Number, "take a number"),
        options("BOOLEAN_OPTIONS", OptionKind::Boolean, "take `true` or `false`"),
        Item {
            name: "CAPTURE_SWITCHES",
            owner: CAPTURE_OPTIONS.0,
            doc: doc_of(CAPTURE_OPTIONS.1, "pub enum Switch "),
            shape: Shape::Const(Literal::Names(Switch::ALL.map(Switch::key).to_vec())),
        },
        Item {
            name: "SCROLL_STEP_PERCENT",
            owner: CAPTURE.0,
            doc: doc_of(CAPTURE.1, "pub const SCROLL_STEP_PERCENT:"),
            shape: Shape::Const(number(crate::capture::SCROLL_STEP_PERCENT)),
        },
        constant!(queue::MAX_BATCH_EVENTS, number),
        constant!(retry::MAX_RETRY_AFTER_MS, number),
        surveys,
        union("ConsentState", module!(consent), Consent::ALL, Consent::id),
        union("SendReason", module!(batch), SendReason::all(), SendReason::id),
        union("ErrorCode", module!(error), ErrorCode::ALL, ErrorCode::id),
        Item {
            name: "CoreStatus",
            owner: status_rs,
            doc: module_doc(status_source),
            shape: Shape::Interface(std::iter::once(consent).chain(counts).collect()),
        },
    ]
}

/// A JSDoc block of `doc`, indented by `indent`.
fn comment(doc: &str, indent: &str) -> String {
    let mut out = String::new();
    if !doc.contains('\n') {
        let _ = writeln!(out, "{indent}/** {doc} */");
        return out;
    }
    let _ = writeln!(out, "{indent}/**");
    for line in doc.lines() {
        let _ = writeln!(out, "{indent} *{}{line}", if line.is_empty() { "" } else { " " });
    }
    let _ = writeln!(out, "{indent} */");
    out
}

/// `npm/src/contract.ts`: a header that says where it comes from, then every item, its
/// comment ending with the Rust file that owns it.
pub fn typescript() -> String {
    let mut out = String::from(
        "// Generated from crates/domain/src/contract.rs by `make gen`: do not edit. Each item is owned\n\
         // by the Rust file its comment names; change it there and run `make gen`. `make test` fails\n\
         // while this file differs from what the Rust says.\n",
    );
    for Item { name, owner, doc, shape } in items() {
        let mut doc = doc;
        if let Shape::Union(ids) = &shape {
            doc.push('\n');
            for (id, about) in ids {
                let _ = write!(doc, "\n- `{id}`: {}", about.replace('\n', " "));
            }
        }
        let _ = write!(doc, "\n\nOwned by `{owner}`.");
        out.push('\n');
        out.push_str(&comment(&doc, ""));
        match shape {
            Shape::Const(literal) => {
                let value = match literal {
                    Literal::Number(n) => grouped(n),
                    Literal::Text(text) => format!("{text:?}"),
                    Literal::CharClass(class) => format!("/{class}/"),
                    Literal::Names(names) => {
                        let quoted: Vec<String> = names.iter().map(|name| format!("{name:?}")).collect();
                        format!("[{}] as const", quoted.join(", "))
                    }
                };
                let _ = writeln!(out, "export const {name} = {value};");
            }
            Shape::Union(ids) => {
                let union: Vec<String> = ids.iter().map(|(id, _)| format!("{id:?}")).collect();
                let _ = writeln!(out, "export type {name} = {};", union.join(" | "));
            }
            Shape::Interface(members) => {
                let _ = writeln!(out, "export interface {name} {{");
                for (key, ts_type, doc) in members {
                    out.push_str(&comment(&doc, "  "));
                    let _ = writeln!(out, "  {key}: {ts_type};");
                }
                out.push_str("}\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_in_thousands() {
        assert_eq!(
            [0, 5, 500, 1_000, 20_000, 3_600_000].map(grouped),
            ["0", "5", "500", "1_000", "20_000", "3_600_000"]
        );
    }

    #[test]
    fn the_control_class_is_rust_s_c0_del_and_c1() {
        assert_eq!(char_class(char::is_control), r"[\u0000-\u001f\u007f-\u009f]");
    }

    #[test]
    fn docs_come_from_the_source() {
        let (_, queue) = module!(queue);
        assert_eq!(
            doc_of(queue, "pub const MAX_BATCH_EVENTS:"),
            "A guard on events per request; bytes and age are the usual triggers (decisions.md §12)."
        );
        let (_, consent) = module!(consent);
        assert_eq!(variant_doc(consent, "Consent", "Granted"), "Track, store and send; automatic surveys may show.");
    }

    #[test]
    #[should_panic(expected = "`pub const NO_SUCH:` is not in its source file")]
    fn a_missing_item_stops_the_generator() {
        doc_of(module!(queue).1, "pub const NO_SUCH:");
    }

    #[test]
    #[should_panic(expected = "`pub const NO_SUCH:` has no doc comment")]
    fn an_undocumented_item_stops_the_generator() {
        doc_of("struct A;\npub const NO_SUCH: u8 = 1;", "pub const NO_SUCH:");
    }

    #[test]
    fn the_built_in_surveys_are_every_kind() {
        let surveys = items().into_iter().find(|item| item.name == "BuiltinSurvey").map(|item| item.shape);
        let Some(Shape::Union(ids)) = surveys else { panic!("no BuiltinSurvey union") };
        assert_eq!(ids.iter().map(|(id, _)| *id).collect::<Vec<_>>(), ["nps", "csat", "ces", "text"]);
    }
}
