//! Test helpers: batches of tracker events built from JSON, and a small checker of the JSON
//! Schema subset schema/stats.schema.json uses, so `cargo test` holds each answer to the schema.
//! (The e2e suite checks the same schema with an independent validator, ajv.)

use cxkit_domain::batch::{Batch, DecodedEvent, SendReason};
use cxkit_domain::json;
use serde_json::Value;

/// The one stream of the test batches.
pub const STREAM: &str = "AAAAAAAAAAAAAAAAAAAAAA";

/// An event as a test writes it: name, wall time (ms), props.
pub type Raw = (&'static str, i64, Value);

/// A batch of `events` for `site`, their seqs counting from `first_seq`.
pub fn batch(site: &str, first_seq: u64, events: &[Raw]) -> Batch {
    let events = events
        .iter()
        .enumerate()
        .map(|(i, (name, time_ms, props))| DecodedEvent {
            stream: STREAM.to_owned(),
            seq: first_seq + i as u64,
            time_ms: *time_ms,
            name: (*name).to_owned(),
            props: json::parse(&props.to_string()).expect("test props are JSON"),
        })
        .collect();
    Batch { site: site.to_owned(), reason: SendReason::Flush, sent_ms: 0, events }
}

/// The stats schema, read from the repository.
pub fn stats_schema() -> Value {
    let text = include_str!("../../schema/stats.schema.json");
    serde_json::from_str(text).expect("schema/stats.schema.json is JSON")
}

/// Checks `value` against `schema` (whose `$ref`s point into `root`); the first failure, by
/// path. A keyword this checker does not know is a failure, so the schema cannot say more
/// than it checks.
pub fn check(root: &Value, schema: &Value, value: &Value, path: &str) -> Result<(), String> {
    let Some(keywords) = schema.as_object() else {
        return match schema {
            Value::Bool(true) => Ok(()),
            _ => Err(format!("{path}: not allowed here")),
        };
    };
    let fail = |what: &str| Err(format!("{path}: {what}"));
    for (keyword, arg) in keywords {
        match keyword.as_str() {
            "$schema" | "$id" | "title" | "description" | "$defs" => {}
            "$ref" => {
                let name = arg.as_str().and_then(|r| r.strip_prefix("#/$defs/")).ok_or(format!("{path}: bad $ref"))?;
                check(root, &root["$defs"][name], value, path)?;
            }
            "type" => {
                let ok = match arg.as_str() {
                    Some("object") => value.is_object(),
                    Some("array") => value.is_array(),
                    Some("string") => value.is_string(),
                    Some("boolean") => value.is_boolean(),
                    Some("null") => value.is_null(),
                    Some("number") => value.is_number(),
                    Some("integer") => value.is_i64() || value.is_u64(),
                    _ => return fail("unknown type"),
                };
                if !ok {
                    return fail(&format!("not of type {arg}"));
                }
            }
            "oneOf" => {
                let passing = arg.as_array().into_iter().flatten().filter(|s| check(root, s, value, path).is_ok());
                if passing.count() != 1 {
                    return fail("not exactly one of oneOf");
                }
            }
            "enum" if !arg.as_array().is_some_and(|options| options.contains(value)) => return fail("not in enum"),
            "const" if arg != value => return fail(&format!("not {arg}")),
            "enum" | "const" => {}
            "minimum" | "maximum" => {
                let (Some(n), Some(bound)) = (value.as_f64(), arg.as_f64()) else { continue };
                if (keyword == "minimum" && n < bound) || (keyword == "maximum" && n > bound) {
                    return fail(&format!("{n} breaks {keyword} {bound}"));
                }
            }
            "minItems" | "maxItems" => {
                let (Some(items), Some(bound)) = (value.as_array(), arg.as_u64()) else { continue };
                let n = items.len() as u64;
                if (keyword == "minItems" && n < bound) || (keyword == "maxItems" && n > bound) {
                    return fail(&format!("{n} items break {keyword} {bound}"));
                }
            }
            "required" => {
                let Some(object) = value.as_object() else { continue };
                for key in arg.as_array().into_iter().flatten().filter_map(Value::as_str) {
                    if !object.contains_key(key) {
                        return fail(&format!("{key} missing"));
                    }
                }
            }
            "properties" => {
                let Some(object) = value.as_object() else { continue };
                for (key, member) in object {
                    if let Some(property) = arg.get(key) {
                        check(root, property, member, &format!("{path}.{key}"))?;
                    }
                }
            }
            "additionalProperties" => {
                let Some(object) = value.as_object() else { continue };
                if arg != &Value::Bool(false) {
                    return fail("additionalProperties other than false");
                }
                let known = schema.get("properties");
                if let Some(key) = object.keys().find(|key| known.and_then(|p| p.get(key.as_str())).is_none()) {
                    return fail(&format!("{key} not allowed"));
                }
            }
            "prefixItems" | "items" => {
                let Some(items) = value.as_array() else { continue };
                let prefix = schema.get("prefixItems").and_then(Value::as_array).map_or(0, Vec::len);
                for (i, item) in items.iter().enumerate() {
                    let item_schema = match keyword.as_str() {
                        "prefixItems" if i < prefix => &arg[i],
                        "items" if i >= prefix => arg,
                        _ => continue,
                    };
                    check(root, item_schema, item, &format!("{path}[{i}]"))?;
                }
            }
            other => return fail(&format!("keyword {other} unknown to this checker")),
        }
    }
    Ok(())
}
