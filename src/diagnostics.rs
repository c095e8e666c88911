//! Build problems that name a file, a line and a fix, collected so that one build reports them all.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// How bad a finding is: errors fail the build, warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in the input, located as precisely as we know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, e.g. `content/safety/drowning.md`.
    pub file: PathBuf,
    /// 1-based line and column; 0 when unknown.
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// A kind of finding that can be numerous on a site written for another tool (sprout's
    /// own link check on a Zola site): `sprout build` shows a few warnings of a group and
    /// counts the rest. `None` for findings always shown.
    pub group: Option<&'static str>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            group: None,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, message)
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Locate the diagnostic at byte `offset` of `text`, where `text` starts at `first_line`.
    pub fn at_offset(self, text: &str, offset: usize, first_line: usize) -> Self {
        let (line, column) = line_col(text, offset);
        self.at(line + first_line - 1, column)
    }

    /// File the finding in `group` (see [`Diagnostic::group`]).
    pub fn in_group(mut self, group: &'static str) -> Self {
        self.group = Some(group);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = self.file.display().to_string().replace('\\', "/");
        match (self.line, self.column) {
            (0, _) => write!(f, "{file}: {kind}: {}", self.message),
            (l, 0) => write!(f, "{file}:{l}: {kind}: {}", self.message),
            (l, c) => write!(f, "{file}:{l}:{c}: {kind}: {}", self.message),
        }
    }
}

/// The group of the findings only sprout makes (see [`Diagnostic::group`]): links, anchors
/// and alt text checked in the Markdown and in the rendered pages.
pub const SPROUT_CHECKS: &str =
    "sprout's own check of links, anchors and alt text (Zola does not make it)";

/// The findings of a build as `sprout build` prints them, one per line: every error and
/// ungrouped warning, the first `per_group` warnings of each group, then per group a line
/// counting the warnings not shown.
pub fn report(findings: &[Diagnostic], per_group: usize) -> String {
    let mut shown: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut out = String::new();
    for d in findings {
        if let (Some(group), false) = (d.group, d.is_error()) {
            let n = shown.entry(group).or_default();
            *n += 1;
            if *n > per_group {
                continue;
            }
        }
        out.push_str(&d.to_string());
        out.push('\n');
    }
    for (group, n) in shown {
        if n > per_group {
            let more = n - per_group;
            out.push_str(&format!(
                "… and {more} more warning{} from {group}; `sprout check` lists every one\n",
                if more == 1 { "" } else { "s" }
            ));
        }
    }
    out
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// All problems of one build, sorted for stable output.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (a.severity, &a.file, a.line, a.column, &a.message)
                .cmp(&(b.severity, &b.file, b.line, b.column, &b.message))
        });
        self.items.dedup();
        self.items
    }

    /// Turn the collected errors into a `BuildFailed` if there is any.
    pub fn into_result(self) -> Result<Vec<Diagnostic>, BuildFailed> {
        if self.has_errors() {
            Err(BuildFailed {
                diagnostics: self.sorted(),
            })
        } else {
            Ok(self.sorted())
        }
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Self {
            items: iter.into_iter().collect(),
        }
    }
}

/// The error a build returns when its input has problems: every problem, not just the first.
#[derive(Debug, Clone)]
pub struct BuildFailed {
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for BuildFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "{d}")?;
        }
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        write!(
            f,
            "build failed: {errors} error{} (nothing was written)",
            if errors == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for BuildFailed {}

/// Path of `path` relative to `root`, for messages.
pub fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// "did you mean `x`?" when a known word is close to the unknown one.
pub fn suggest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(unknown, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

/// A flag a running build checks between steps and between pages; once set, the build stops
/// with a "cancelled" error. The default is never set.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_not_bytes() {
        let text = "第一行\n第二行 x";
        let off = text.find('x').unwrap();
        assert_eq!(line_col(text, off), (2, 5));
    }

    #[test]
    fn display_names_file_line_and_column() {
        let d = Diagnostic::error("content/a.md", "bad").at(3, 7);
        assert_eq!(d.to_string(), "content/a.md:3:7: error: bad");
    }

    #[test]
    fn report_shows_a_few_of_each_group_and_counts_the_rest() {
        let mut findings: Vec<Diagnostic> = (0..5)
            .map(|i| Diagnostic::warning(format!("content/{i}.md"), "no alt").in_group("the check"))
            .collect();
        findings.push(Diagnostic::warning("config.toml", "base_url"));
        findings.push(Diagnostic::error("content/e.md", "broken").in_group("the check"));
        let report = report(&findings, 2);
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(
            lines,
            [
                "content/0.md: warning: no alt",
                "content/1.md: warning: no alt",
                "config.toml: warning: base_url",
                "content/e.md: error: broken",
                "… and 3 more warnings from the check; `sprout check` lists every one",
            ]
        );
        assert_eq!(super::report(&findings[..2], 2).lines().count(), 2);
    }

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(suggest("titel", ["title", "weight"]), Some("title"));
        assert_eq!(suggest("zzzzzz", ["title", "weight"]), None);
    }
}
