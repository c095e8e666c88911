//! The site's security policy: one Content-Security-Policy and the other response headers,
//! shared by the pages' `<meta>` tag (through the render context), the `_headers` file, the
//! README's nginx snippet and `serve`.

/// Everything from this site only; no inline scripts; WebAssembly allowed for search.
macro_rules! csp_base {
    () => {
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'"
    };
}

/// The policy in the pages' `<meta>` tag, where `frame-ancestors` is not allowed.
pub const CSP_META: &str = csp_base!();

/// The header form also forbids framing the site.
pub const CSP: &str = concat!(csp_base!(), "; frame-ancestors 'none'");

/// Other headers every response should carry.
pub const HEADERS: &[(&str, &str)] = &[
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    (
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    ),
    ("Cross-Origin-Opener-Policy", "same-origin"),
];
