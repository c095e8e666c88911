//! Finding Zola shortcode calls in Markdown: inline `{{ name(arg=value) }}`, body
//! `{% name(arg=value) %}...{% end %}` and the escaped forms `{{/* ... */}}`. Pure: no Tera.

use std::collections::BTreeMap;

use serde_json::Value;

/// One piece of a content body.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment<'a> {
    /// Plain Markdown, copied through.
    Text(&'a str),
    /// Literal text produced by an escaped call (`{{/* x() */}}` → `{{ x() }}`), with the
    /// byte offset of the escaped call.
    Literal(String, usize),
    Call(Call<'a>),
}

/// A shortcode invocation and where it is in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Call<'a> {
    pub name: &'a str,
    pub args: BTreeMap<String, Value>,
    pub body: Option<&'a str>,
    /// Byte range of the whole call (including body and `{% end %}`) in the body text.
    pub start: usize,
    pub end: usize,
}

/// A malformed call, with the byte offset where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

/// Split `text` into text and shortcode calls. Text that merely looks like `{{ x }}` (no
/// parentheses) is left alone, as Zola does.
pub fn parse(text: &str) -> Result<Vec<Segment<'_>>, ParseError> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut text_start = 0;
    // Escape forms whose closing `*/}}` or `*/%}` is not in the rest of the text: once one is
    // missing, every later opener is plain text, without scanning to the end again.
    let mut unclosed = [false; 2];
    while let Some(rel) = text[pos..].find(['{']) {
        let at = pos + rel;
        let rest = &text[at..];
        let found = if rest.starts_with("{{/*") || rest.starts_with("{%/*") {
            let form = usize::from(rest.starts_with("{%"));
            let lit = if unclosed[form] { None } else { escaped(rest) };
            unclosed[form] = lit.is_none();
            lit.map(|(lit, len)| (Segment::Literal(lit, at), len))
        } else if rest.starts_with("{{") {
            inline(rest, at)?.map(|(c, len)| (Segment::Call(c), len))
        } else if rest.starts_with("{%") {
            body_call(text, at)?.map(|(c, len)| (Segment::Call(c), len))
        } else {
            None
        };
        match found {
            Some((seg, len)) => {
                if text_start < at {
                    out.push(Segment::Text(&text[text_start..at]));
                }
                out.push(seg);
                pos = at + len;
                text_start = pos;
            }
            None => pos = at + 1,
        }
    }
    if text_start < text.len() {
        out.push(Segment::Text(&text[text_start..]));
    }
    Ok(out)
}

/// `{{/* name() */}}` → `{{ name() }}`.
fn escaped(rest: &str) -> Option<(String, usize)> {
    let (open, close, lit_open, lit_close) = if rest.starts_with("{{/*") {
        ("{{/*", "*/}}", "{{", "}}")
    } else {
        ("{%/*", "*/%}", "{%", "%}")
    };
    let end = rest.find(close)?;
    let inner = &rest[open.len()..end];
    Some((format!("{lit_open}{inner}{lit_close}"), end + close.len()))
}

/// `{{ name(args) }}` at the start of `rest`; `None` when it is not a call.
fn inline<'a>(rest: &'a str, base: usize) -> Result<Option<(Call<'a>, usize)>, ParseError> {
    let mut p = Cursor::new(rest, 2);
    p.ws();
    let Some(name) = p.ident() else {
        return Ok(None);
    };
    p.ws();
    if !p.eat("(") {
        return Ok(None);
    }
    let args = p.args().map_err(|m| err(base, m))?;
    p.ws();
    if !p.eat("}}") {
        return Err(err(
            base,
            format!("shortcode `{name}` is not closed; end it with `) }}}}`"),
        ));
    }
    Ok(Some((
        Call {
            name,
            args,
            body: None,
            start: base,
            end: base + p.pos,
        },
        p.pos,
    )))
}

/// `{% name(args) %}body{% end %}` starting at `at`.
fn body_call(text: &str, at: usize) -> Result<Option<(Call<'_>, usize)>, ParseError> {
    let rest = &text[at..];
    let mut p = Cursor::new(rest, 2);
    p.ws();
    let Some(name) = p.ident() else {
        return Ok(None);
    };
    p.ws();
    if name == "end" && p.eat("%}") {
        return Err(err(
            at,
            "`{% end %}` without an opening shortcode; remove it or open one with `{% name() %}`"
                .into(),
        ));
    }
    if !p.eat("(") {
        return Ok(None);
    }
    let args = p.args().map_err(|m| err(at, m))?;
    p.ws();
    if !p.eat("%}") {
        return Err(err(
            at,
            format!("shortcode `{name}` is not closed; end the call with `) %}}`"),
        ));
    }
    let body_start = p.pos;
    let Some((end_at, end_len)) = find_end(&rest[body_start..]) else {
        return Err(err(
            at,
            format!("shortcode `{name}` has no `{{% end %}}`; add it after the shortcode's body"),
        ));
    };
    let body = &rest[body_start..body_start + end_at];
    let total = body_start + end_at + end_len;
    Ok(Some((
        Call {
            name,
            args,
            body: Some(body),
            start: at,
            end: at + total,
        },
        total,
    )))
}

/// Offset and length of the first `{% end %}` (any inner spacing).
fn find_end(s: &str) -> Option<(usize, usize)> {
    let mut pos = 0;
    while let Some(rel) = s[pos..].find("{%") {
        let at = pos + rel;
        let mut c = Cursor::new(&s[at..], 2);
        c.ws();
        if c.eat("end") {
            c.ws();
            if c.eat("%}") {
                return Some((at, c.pos));
            }
        }
        pos = at + 2;
    }
    None
}

fn err(offset: usize, message: String) -> ParseError {
    ParseError { offset, message }
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str, pos: usize) -> Self {
        Self { s, pos }
    }

    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn ws(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start().len();
    }

    fn eat(&mut self, tok: &str) -> bool {
        if self.rest().starts_with(tok) {
            self.pos += tok.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<&'a str> {
        let r = self.rest();
        let first = r.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '_') {
            return None;
        }
        let len = r
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(r.len());
        self.pos += len;
        Some(&r[..len])
    }

    /// Arguments after `(` up to and including `)`.
    fn args(&mut self) -> Result<BTreeMap<String, Value>, String> {
        let mut args = BTreeMap::new();
        loop {
            self.ws();
            if self.eat(")") {
                return Ok(args);
            }
            let key = self
                .ident()
                .ok_or("shortcode arguments are written `name=value`, separated by commas")?;
            self.ws();
            if !self.eat("=") {
                return Err(format!("argument `{key}` needs a value: `{key}=...`"));
            }
            self.ws();
            let value = self.value()?;
            args.insert(key.to_string(), value);
            self.ws();
            if self.eat(",") {
                continue;
            }
            if self.eat(")") {
                return Ok(args);
            }
            return Err("separate shortcode arguments with commas and close them with `)`".into());
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        let r = self.rest();
        if let Some(q) = r.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) {
            let end = r[1..]
                .find(q)
                .ok_or("a quoted argument is never closed; add the closing quote")?;
            self.pos += end + 2;
            return Ok(Value::String(r[1..end + 1].to_string()));
        }
        if self.eat("[") {
            let mut items = Vec::new();
            loop {
                self.ws();
                if self.eat("]") {
                    return Ok(Value::Array(items));
                }
                items.push(self.value()?);
                self.ws();
                if !self.eat(",") && !self.rest().starts_with(']') {
                    return Err("separate array items with commas and close with `]`".into());
                }
            }
        }
        if self.eat("true") {
            return Ok(Value::Bool(true));
        }
        if self.eat("false") {
            return Ok(Value::Bool(false));
        }
        let len = r
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
            .unwrap_or(r.len());
        let num = &r[..len];
        if let Ok(i) = num.parse::<i64>() {
            self.pos += len;
            return Ok(Value::from(i));
        }
        if let Ok(f) = num.parse::<f64>() {
            self.pos += len;
            return Ok(serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number));
        }
        Err("an argument value must be a quoted string, a number, true/false or a [list]".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn calls(text: &str) -> Vec<Call<'_>> {
        parse(text)
            .unwrap()
            .into_iter()
            .filter_map(|s| match s {
                Segment::Call(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn inline_call_with_typed_args() {
        let c = &calls("a {{ qr(url=\"/x/\", size=3, big=true, list=[1, 'b']) }} b")[0];
        assert_eq!(c.name, "qr");
        assert_eq!(c.args["url"], "/x/");
        assert_eq!(c.args["size"], 3);
        assert_eq!(c.args["big"], true);
        assert_eq!(c.args["list"], serde_json::json!([1, "b"]));
        assert!(c.body.is_none());
    }

    #[test]
    fn body_call_keeps_raw_body() {
        let text = "x\n{% item(id=\"health-goal-3\", n=3) %}\n降至3.0‰\n{% end %}\ny";
        let c = &calls(text)[0];
        assert_eq!(c.name, "item");
        assert_eq!(c.body, Some("\n降至3.0‰\n"));
        assert_eq!(
            &text[c.start..c.end],
            "{% item(id=\"health-goal-3\", n=3) %}\n降至3.0‰\n{% end %}"
        );
    }

    #[test]
    fn look_alikes_stay_text() {
        let segs = parse("{{ not_a_call }} and {% raw %}").unwrap();
        assert_eq!(segs, vec![Segment::Text("{{ not_a_call }} and {% raw %}")]);
    }

    #[test]
    fn escaped_calls_become_literal() {
        let segs = parse("{{/* qr(url=\"x\") */}}").unwrap();
        assert_eq!(
            segs,
            vec![Segment::Literal("{{ qr(url=\"x\") }}".into(), 0)]
        );
    }

    #[test]
    fn unclosed_body_is_an_error_at_the_call() {
        let e = parse("abc {% item(id=\"x\") %} body").unwrap_err();
        assert_eq!(e.offset, 4);
        assert!(e.message.contains("{% end %}"));
        let e = parse("{% end %}").unwrap_err();
        assert!(e.message.contains("without an opening"));
    }

    #[test]
    fn many_unclosed_escapes_take_linear_time() {
        let text = "{{/* ".repeat(200_000);
        let segs = parse(&text).unwrap();
        assert_eq!(segs, vec![Segment::Text(&text)]);
    }

    proptest! {
        #[test]
        fn never_panics_and_segments_cover_input(s in "(\\PC|\\{\\{|\\}\\}|\\{%|%\\}|\\(|\\)|=|\"|end){0,60}") {
            if let Ok(segs) = parse(&s) {
                for seg in segs {
                    if let Segment::Call(c) = seg {
                        prop_assert!(c.start < c.end && c.end <= s.len());
                    }
                }
            }
        }
    }
}
