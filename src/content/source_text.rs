//! The Markdown body of a page or section: read when the content loads and released once it
//! has been rendered and checked (`Site::release_bodies`), since the rest of the build reads
//! the rendered HTML. On a large site the bodies are a fifth of the build's peak memory.

use std::sync::{Arc, RwLock};

/// A body that can be released through the shared `Site`.
#[derive(Debug)]
pub struct SourceText(RwLock<Arc<str>>);

impl SourceText {
    pub fn new(text: &str) -> SourceText {
        SourceText(RwLock::new(Arc::from(text)))
    }

    /// The Markdown as read; empty once released.
    pub fn text(&self) -> Arc<str> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Free the text (a caller still holding `text()` keeps its copy alive until it is done).
    pub fn release(&self) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::from("");
    }
}

impl Clone for SourceText {
    fn clone(&self) -> SourceText {
        SourceText(RwLock::new(self.text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_released_body_is_empty_and_a_held_copy_stays_whole() {
        let body = SourceText::new("# 目标\n");
        let held = body.text();
        let copy = body.clone();
        body.release();
        assert_eq!(&*body.text(), "");
        assert_eq!(&*held, "# 目标\n");
        assert_eq!(&*copy.text(), "# 目标\n");
    }
}
