//! Typed parsing of TOML and YAML that rejects unknown keys and turns parser errors into
//! located diagnostics with a suggested fix.

use serde::de::DeserializeOwned;
use std::path::Path;

use crate::diagnostics::{Diagnostic, suggest};

/// Where a snippet of TOML/YAML sits inside its file, so errors point at the right line.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub file: &'a Path,
    /// 1-based line of the snippet's first line in the file.
    pub first_line: usize,
}

/// Parse `text` as TOML into `T`; on failure, one diagnostic naming file, line and fix.
pub fn from_toml<T: DeserializeOwned>(text: &str, origin: Origin) -> Result<T, Diagnostic> {
    toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = explain(e.message(), text.get(span.clone()));
        Diagnostic::error(origin.file, message).at_offset(text, span.start, origin.first_line)
    })
}

/// Parse `text` as YAML into `T`; on failure, one diagnostic naming file, line and fix.
pub fn from_yaml<T: DeserializeOwned>(text: &str, origin: Origin) -> Result<T, Diagnostic> {
    yaml_serde::from_str(text).map_err(|e| {
        let raw = e.to_string();
        let message = explain(&raw, None);
        let d = Diagnostic::error(origin.file, message);
        match e.location() {
            Some(loc) => d.at(loc.line() + origin.first_line - 1, loc.column()),
            None => d.at(origin.first_line, 0),
        }
    })
}

/// Rewrite serde's messages into the project's style: what is wrong and what to do.
fn explain(message: &str, snippet: Option<&str>) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known: Vec<&str> = expected
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|k| !k.is_empty())
            .collect();
        let key = snippet.map(|s| s.trim_matches('"')).unwrap_or(key);
        let hint = match suggest(key, known.iter().copied()) {
            Some(k) => format!("did you mean `{k}`?"),
            None if known.is_empty() => "remove it".to_string(),
            None => format!("known keys here: {}", known.join(", ")),
        };
        return format!("key `{key}` is unknown; {hint}");
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return format!("key `{key}` is required here; add it");
    }
    let first_line = message.lines().next().unwrap_or(message);
    format!("{first_line}; fix the value or check the syntax")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: Option<String>,
        weight: Option<i64>,
    }

    fn origin() -> Origin<'static> {
        Origin {
            file: Path::new("content/a.md"),
            first_line: 2,
        }
    }

    #[test]
    fn unknown_toml_key_is_located_and_suggested() {
        let err = from_toml::<Fm>("title = \"x\"\ntitel = \"y\"\n", origin()).unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.column, 1);
        assert!(
            err.message.contains("`titel` is unknown"),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("did you mean `title`?"),
            "{}",
            err.message
        );
    }

    #[test]
    fn wrong_type_names_line() {
        let err = from_toml::<Fm>("weight = \"heavy\"\n", origin()).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("fix the value"), "{}", err.message);
    }

    #[test]
    fn unknown_yaml_key_is_reported() {
        let err = from_yaml::<Fm>("title: x\ntitel: y\n", origin()).unwrap_err();
        assert!(
            err.message.contains("did you mean `title`?"),
            "{}",
            err.message
        );
        assert!(err.line >= 2);
    }
}
