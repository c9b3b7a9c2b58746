//! Minifies the widget's stylesheet for the wasm: comments and layout whitespace are bytes
//! every visitor downloads (~200 B gzip). The readable source stays in src/widget.css.

use std::{env, fs, path::Path};

fn main() {
    let source = "src/widget.css";
    println!("cargo:rerun-if-changed={source}");
    let css = fs::read_to_string(source).expect("src/widget.css is readable");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("widget.css");
    fs::write(out, minify(&css)).expect("OUT_DIR is writable");
}

/// Drops comments, collapses white space, and removes it around `{ } : ; ,`. Enough for our
/// own stylesheet, which keeps spaces that matter (inside `calc()`, `rgb()`) away from those.
fn minify(css: &str) -> String {
    let mut text = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start..].find("*/").map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        let joins = out.ends_with(['{', '}', ':', ';', ',']) || word.starts_with(['{', '}', ':', ';', ',']);
        if !out.is_empty() && !joins {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.replace(";}", "}")
}
