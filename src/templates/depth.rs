//! A bound on template macro recursion. Tera has none: a macro that calls itself too deep
//! overflows the stack and aborts the process (Keats/tera#770). Every macro body is given a
//! call to its own `__sprout_macro_enter<n>` first and `__sprout_macro_leave` last, which count the
//! macros open on this thread; past `[limits] max_nesting` the render fails with an error that
//! names the macro, instead of the build crashing. The AST is Tera's (`tera::ast`, pinned by
//! Cargo.lock), changed once when the templates load.

use std::cell::Cell;
use std::collections::HashMap;

use tera::ast::{Expr, ExprVal, FunctionCall, Node, WS};
use tera::{Error, Tera, Value};

const ENTER: &str = "__sprout_macro_enter";
const LEAVE: &str = "__sprout_macro_leave";

thread_local! {
    /// Macros open on this thread.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

fn call(name: String) -> Node {
    let call = FunctionCall {
        name,
        args: HashMap::new(),
    };
    Node::VariableBlock(WS::default(), Expr::new(ExprVal::FunctionCall(call)))
}

/// Add the counting calls to every macro of every template; returns each macro's label
/// (`name` in `file`), whose position numbers its own enter function, so that a call costs a
/// lookup and no argument.
pub fn instrument(tera: &mut Tera) -> Vec<String> {
    let mut labels = Vec::new();
    for (file, template) in tera.templates.iter_mut() {
        for (name, m) in template.macros.iter_mut() {
            m.body.insert(0, call(format!("{ENTER}{}", labels.len())));
            m.body.push(call(LEAVE.to_string()));
            labels.push(format!("{name}` in `{file}"));
        }
    }
    labels
}

/// Register the counting functions, failing past `limit` macros inside each other.
pub fn register(tera: &mut Tera, labels: &[String], limit: usize) {
    for (i, label) in labels.iter().enumerate() {
        let label = label.clone();
        tera.register_function(&format!("{ENTER}{i}"), move |_: &HashMap<String, Value>| {
            let depth = DEPTH.with(|d| d.get()) + 1;
            if depth > limit {
                return Err(Error::msg(format!(
                    "macro `{label}` is called {depth} levels deep inside macros, more than the limit; check that its recursion ends, or {}",
                    crate::config::limits::raise("max_nesting", limit)
                )));
            }
            DEPTH.with(|d| d.set(depth));
            Ok(Value::String(String::new()))
        });
    }
    tera.register_function(LEAVE, |_: &HashMap<String, Value>| {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
        Ok(Value::String(String::new()))
    });
}

/// Run one render: a render that fails inside macros leaves their count behind, so the count
/// is restored afterwards (renders nest: a shortcode inside a page's `markdown` filter).
pub fn guarded<T>(render: impl FnOnce() -> T) -> T {
    let before = DEPTH.with(|d| d.get());
    let out = render();
    DEPTH.with(|d| d.set(before));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tera::Context;

    fn tera(limit: usize) -> Tera {
        let mut t = Tera::default();
        t.add_raw_templates(vec![
            (
                "m.html",
                "{% macro down(n) -%}{% if n > 0 %}{{ n }} {{ self::down(n=n-1) }}{% endif %}{%- endmacro %}",
            ),
            ("page.html", "{% import \"m.html\" as m %}[{{ m::down(n=n) }}]"),
        ])
        .unwrap();
        let labels = instrument(&mut t);
        register(&mut t, &labels, limit);
        t
    }

    fn render(t: &Tera, n: i64) -> Result<String, String> {
        let mut ctx = Context::new();
        ctx.insert("n", &n);
        guarded(|| t.render("page.html", &ctx)).map_err(|e| {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(inner) = src {
                s.push_str(&format!(": {inner}"));
                src = inner.source();
            }
            s
        })
    }

    #[test]
    fn recursion_within_the_limit_renders_as_before() {
        let t = tera(10);
        assert_eq!(render(&t, 3).unwrap(), "[3 2 1 ]");
        // The count is back to zero after each render, failed or not.
        assert!(render(&t, 50).is_err());
        assert_eq!(render(&t, 9).unwrap().matches(' ').count(), 9);
    }

    #[test]
    fn runaway_recursion_is_an_error_naming_the_macro_not_a_crash() {
        // On a 256 KB stack, 100,000 levels would overflow long before Tera noticed.
        let out = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| render(&tera(20), 100_000))
            .unwrap()
            .join()
            .unwrap();
        let err = out.unwrap_err();
        assert!(
            err.contains("macro `down` in `m.html` is called 21 levels deep"),
            "{err}"
        );
        assert!(err.contains("`max_nesting` (now 20)"), "{err}");
    }
}
