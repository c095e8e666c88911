//! The work on each rendered HTML page, done on the thread that rendered it while the page is
//! fresh: the scan the limits and the link check read, the search index's input, the offline
//! copy's links, minifying and, for `sprout build`, the write into the staging folder, after
//! which the page's text is freed. The site-level passes then read what was kept (`Kept`).

use std::collections::HashSet;
use std::sync::Mutex;

use crate::config::Config;
use crate::config::limits::Limits;
use crate::diagnostics::Diagnostic;
use crate::output::{Body, Output, Staging};
use crate::passes::links::{Scanned, Scans};
use crate::passes::search::{Picked, Picker};
use crate::passes::{limits, relative};

/// How each page is finished.
pub struct PagePass<'a> {
    limits: &'a Limits,
    /// Set when the site has a Pagefind index.
    picker: Option<Picker>,
    /// `sprout build --relative`: the site's configuration and base path.
    relative: Option<(&'a Config, String)>,
    minify: bool,
    /// Set for `sprout build`: pages go to disk as they are finished.
    staging: Option<&'a Staging>,
    kept: Mutex<Kept>,
}

/// What the pass keeps of the pages it finished.
#[derive(Default)]
pub struct Kept {
    pub scans: Scans,
    /// Each indexed page's input to the search index, by output file.
    pub picked: Vec<(String, Picked)>,
    /// Pages the offline copy cannot rewrite.
    pub problems: Vec<Diagnostic>,
    /// The output files handed to the pass so far.
    seen: HashSet<String>,
}

impl<'a> PagePass<'a> {
    pub fn new(
        config: &'a Config,
        picker: Option<Picker>,
        minify: bool,
        staging: Option<&'a Staging>,
    ) -> Self {
        PagePass {
            limits: &config.limits,
            picker,
            relative: config.relative.then(|| (config, config.base_path())),
            minify,
            staging,
            kept: Mutex::new(Kept::default()),
        }
    }

    /// Finish the page at output path `file` (as `output::key` makes it): the body to keep in
    /// the output, the page's text itself or, with a staging folder, where it was written.
    /// A page past a limit is kept as rendered, unread by the search index, the offline copy
    /// and the minifier. A second page at a path already seen is kept as rendered too, for
    /// `Output::insert` to compare with the first (a collision unless they are the same).
    pub fn page(&self, file: &str, html: String) -> Body {
        if !self.lock().seen.insert(file.to_string()) {
            return Body::Bytes(html.into_bytes());
        }
        let scanned = Scanned::of(&html, self.limits.max_nesting);
        let past = limits::past(&scanned, self.limits);
        let (bytes, picked, problem) = match past {
            true => (html.into_bytes(), None, None),
            false => self.finished_text(file, html),
        };
        let body = match self.staging {
            // Kept until the output is written: give back the capacity the text does not use.
            None => Body::Bytes(shrunk(bytes)),
            // A page that cannot be written now is kept, and written with the rest of the
            // output, which reports the error if it persists.
            Some(staging) => match staging.write(file, &bytes) {
                Ok(written) => written,
                Err(_) => Body::Bytes(bytes),
            },
        };
        let mut kept = self.lock();
        kept.scans.insert(file.to_string(), scanned);
        kept.picked.extend(picked.map(|p| (file.to_string(), p)));
        kept.problems.extend(problem);
        body
    }

    /// A page within the limits: its search input, then its links rewritten for the offline
    /// copy (or why they cannot be) and the page minified.
    fn finished_text(
        &self,
        file: &str,
        mut html: String,
    ) -> (Vec<u8>, Option<Picked>, Option<Diagnostic>) {
        let picked = self.picker.as_ref().and_then(|p| p.pick(file, &html));
        let mut problem = None;
        if let Some((config, base_path)) = &self.relative {
            match relative::rewrite_page(file, &html, config, base_path) {
                Ok(rewritten) => html = rewritten,
                Err(e) => problem = Some(relative::unwritable(file, &e)),
            }
        }
        let bytes = match self.minify {
            true => Output::minified(html.as_bytes()),
            false => html.into_bytes(),
        };
        (bytes, picked, problem)
    }

    /// Finish the HTML pages of `output` this pass has not seen (alias redirects and other pages
    /// added after the templates' pages).
    pub fn rest(&self, output: &mut Output) {
        let seen = self.lock().seen.clone();
        output.finish_html(
            |file| !seen.contains(file),
            |file, html| self.page(file, html),
        );
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn into_kept(self) -> Kept {
        self.kept.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

fn shrunk(mut bytes: Vec<u8>) -> Vec<u8> {
    bytes.shrink_to_fit();
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_page_is_written_once_and_a_second_at_its_path_is_kept_for_the_collision_check() {
        let config =
            Config::parse("base_url = \"https://x.org\"", Path::new("config.toml")).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::beside(&tmp.path().join("public")).unwrap();
        let pass = PagePass::new(&config, None, false, Some(&staging));
        let first = pass.page("a/index.html", "<p id=\"one\">first</p>".into());
        let second = pass.page("a/index.html", "<p>second</p>".into());
        let written = staging.path().join("a/index.html");
        assert_eq!(first, Body::Written(written.clone()));
        assert_eq!(second, Body::Bytes(b"<p>second</p>".to_vec()));
        assert_eq!(std::fs::read(&written).unwrap(), b"<p id=\"one\">first</p>");
        let kept = pass.into_kept();
        let scan = kept.scans["a/index.html"].scan.as_ref().unwrap();
        assert!(scan.ids.contains("one"), "the first page's scan is kept");
    }
}
