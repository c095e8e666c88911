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
    /// Text that starts like a call but is not one in Zola's grammar: printed as it is, with
    /// a warning saying why.
    Malformed(ParseError, &'a str),
    Call(Call<'a>),
}

/// A shortcode invocation and where it is in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Call<'a> {
    pub name: &'a str,
    pub args: BTreeMap<String, Value>,
    /// The body of `{% name() %}...{% end %}`, trimmed as Zola trims it.
    pub body: Option<&'a str>,
    /// The body's pieces: nested calls are rendered into the body before the call itself.
    pub inner: Vec<Segment<'a>>,
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

/// Body shortcodes nest at most this deep.
const MAX_DEPTH: usize = 32;

/// Split `text` into text and shortcode calls, following Zola's grammar: text that merely
/// looks like `{{ x }}` (no parentheses) is left alone; a call Zola would not parse is text
/// (`Segment::Malformed`); a body call without `{% end %}` or a stray `{% end %}` is an error.
pub fn parse(text: &str) -> Result<Vec<Segment<'_>>, ParseError> {
    let (segments, end) = parse_from(text, 0, 0)?;
    match end {
        Some(at) => Err(err(
            at,
            "`{% end %}` without an opening shortcode; remove it or open one with `{% name() %}`"
                .into(),
        )),
        None => Ok(segments),
    }
}

/// Segments from `start` up to the first `{% end %}` at this level (its offset and length)
/// or the end of `text`.
fn parse_from(
    text: &str,
    start: usize,
    depth: usize,
) -> Result<(Vec<Segment<'_>>, Option<usize>), ParseError> {
    let mut out = Vec::new();
    let mut pos = start;
    let mut text_start = start;
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
            inline(rest, at)
        } else if is_end(rest).is_some() {
            if text_start < at {
                out.push(Segment::Text(&text[text_start..at]));
            }
            return Ok((out, Some(at)));
        } else if rest.starts_with("{%") {
            body_call(text, at, depth)?
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
    Ok((out, None))
}

/// The length of `{% end %}` (any inner spacing) at the start of `rest`.
fn is_end(rest: &str) -> Option<usize> {
    let mut c = Cursor::new(rest, 0);
    if !c.eat("{%") {
        return None;
    }
    c.ws();
    if !c.eat("end") {
        return None;
    }
    c.ws();
    c.eat("%}").then_some(c.pos)
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

/// `{{ name(args) }}` at the start of `rest`; `None` when it does not look like a call,
/// `Malformed` when it looks like one but Zola would print it as text.
fn inline(rest: &str, base: usize) -> Option<(Segment<'_>, usize)> {
    let mut p = Cursor::new(rest, 2);
    p.ws();
    let name = p.ident()?;
    p.ws();
    if !p.eat("(") {
        return None;
    }
    let args = match p.args() {
        Ok(args) => args,
        Err(m) => return Some(malformed(rest, base, name, m, "}}")),
    };
    p.ws();
    if !p.eat("}}") {
        let m = "it is not closed with `) }}`".to_string();
        return Some(malformed(rest, base, name, m, "}}"));
    }
    let call = Call {
        name,
        args,
        body: None,
        inner: Vec::new(),
        start: base,
        end: base + p.pos,
    };
    Some((Segment::Call(call), p.pos))
}

/// A call Zola's grammar rejects, kept as text up to and including `close`.
fn malformed<'a>(
    rest: &'a str,
    base: usize,
    name: &str,
    why: String,
    close: &str,
) -> (Segment<'a>, usize) {
    let len = rest.find(close).map_or_else(
        || rest.find('\n').unwrap_or(rest.len()),
        |i| i + close.len(),
    );
    let message = format!(
        "`{}` looks like a call of shortcode `{name}` but {why}; it is printed as text, as Zola does (fix the call, or write it as {{{{/* ... */}}}} to show it on purpose)",
        &rest[..len].trim()
    );
    (Segment::Malformed(err(base, message), &rest[..len]), len)
}

/// `{% name(args) %}body{% end %}` starting at `at`; inner calls are parsed too.
fn body_call(
    text: &str,
    at: usize,
    depth: usize,
) -> Result<Option<(Segment<'_>, usize)>, ParseError> {
    let rest = &text[at..];
    let mut p = Cursor::new(rest, 2);
    p.ws();
    let Some(name) = p.ident() else {
        return Ok(None);
    };
    p.ws();
    if !p.eat("(") {
        return Ok(None);
    }
    let args = match p.args() {
        Ok(args) => args,
        Err(m) => return Ok(Some(malformed(rest, at, name, m, "%}"))),
    };
    p.ws();
    if !p.eat("%}") {
        let m = "it is not closed with `) %}`".to_string();
        return Ok(Some(malformed(rest, at, name, m, "%}")));
    }
    if depth >= MAX_DEPTH {
        return Err(err(
            at,
            format!("shortcodes are nested more than {MAX_DEPTH} deep here; nest fewer"),
        ));
    }
    let after_open = at + p.pos;
    let body_start =
        after_open + (text[after_open..].len() - text[after_open..].trim_start().len());
    let (mut inner, end) = parse_from(text, body_start, depth + 1)?;
    let Some(end_at) = end else {
        return Err(err(
            at,
            format!("shortcode `{name}` has no `{{% end %}}`; add it after the shortcode's body"),
        ));
    };
    let end_len = is_end(&text[end_at..]).unwrap_or(0);
    let body = text[body_start.min(end_at)..end_at].trim_end();
    if let Some(Segment::Text(last)) = inner.last_mut() {
        *last = last.trim_end();
    }
    inner.retain(|s| !matches!(s, Segment::Text("")));
    let call = Call {
        name,
        args,
        body: Some(body),
        inner,
        start: at,
        end: end_at + end_len,
    };
    Ok(Some((Segment::Call(call), end_at + end_len - at)))
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
                .ok_or("its arguments are not `name=value` separated by commas")?;
            self.ws();
            if !self.eat("=") {
                return Err(format!("argument `{key}` has no value"));
            }
            self.ws();
            let value = self.value()?;
            args.insert(key.to_string(), value);
            self.ws();
            if self.eat(",") {
                self.ws();
                if self.rest().starts_with(')') {
                    return Err("a comma must be followed by another argument".into());
                }
                continue;
            }
            if self.eat(")") {
                return Ok(args);
            }
            // Zola also accepts arguments separated by whitespace alone.
            if self
                .rest()
                .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            {
                continue;
            }
            return Err("its arguments are not `name=value` separated by commas".into());
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        let r = self.rest();
        if let Some(q) = r.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) {
            let end = r[1..].find(q).ok_or("a quoted argument is never closed")?;
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
                    return Err("an array's items are not separated by commas".into());
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
        Err("an argument's value is not a quoted string, a number, true/false or a [list]".into())
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
        // Trimmed, as Zola trims a body.
        assert_eq!(c.body, Some("降至3.0‰"));
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
    fn arguments_may_be_separated_by_whitespace() {
        let c = &calls("{{ yt(id=\"a\" autoplay=true\n  n=2) }}")[0];
        assert_eq!(c.args["id"], "a");
        assert_eq!(c.args["autoplay"], true);
        assert_eq!(c.args["n"], 2);
    }

    #[test]
    fn a_call_zola_rejects_is_text_with_a_reason() {
        let segs = parse("a {{ yt(id=) }} b").unwrap();
        match &segs[1] {
            Segment::Malformed(e, text) => {
                assert_eq!(*text, "{{ yt(id=) }}");
                assert_eq!(e.offset, 2);
                assert!(e.message.contains("printed as text"), "{}", e.message);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(segs[2], Segment::Text(" b"));
    }

    #[test]
    fn body_calls_nest_and_bodies_are_trimmed() {
        let text = "{% outer(a=1) %}\n x {{ pic(n=1) }}\n{% inner() %} y {% end %}\n\n{% end %}!";
        let segs = parse(text).unwrap();
        let Segment::Call(outer) = &segs[0] else {
            panic!("{segs:?}")
        };
        assert_eq!(
            outer.body,
            Some("x {{ pic(n=1) }}\n{% inner() %} y {% end %}")
        );
        assert_eq!(&text[outer.end..], "!");
        let names: Vec<&str> = outer
            .inner
            .iter()
            .filter_map(|s| match s {
                Segment::Call(c) => Some(c.name),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["pic", "inner"]);
        assert_eq!(outer.inner[0], Segment::Text("x "));
    }

    #[test]
    fn nesting_is_limited() {
        let text = "{% a() %}".repeat(40) + &"{% end %}".repeat(40);
        assert!(parse(&text).unwrap_err().message.contains("nested"));
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
