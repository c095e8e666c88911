/* Classic deferred script on purpose, not an ES module: the offline copy is opened from file://
   (USB stick), where Chromium refuses module scripts (CORS, origin null). This file owns the
   language switcher, the print buttons and the home-page language redirect.
   Enhancements only: every page reads fully without this script. */
(() => {
  "use strict";
  const KEY = "sprout-lang";
  const html = document.documentElement;

  function store(code) {
    try { localStorage.setItem(KEY, code); } catch (e) { /* storage may be off */ }
  }
  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }

  // The language switcher keeps the anchor: anchors are the same in every language.
  document.querySelectorAll(".lang a[data-lang]").forEach((a) => {
    a.addEventListener("click", () => {
      store(a.getAttribute("data-lang"));
      if (location.hash && a.hasAttribute("data-exact")) {
        a.href = a.href.split("#")[0] + location.hash;
      }
      // On the search page the other language searches for the same words.
      if (location.search && document.getElementById("search-page") && a.hasAttribute("data-exact")) {
        a.href = a.href.split("#")[0].split("?")[0] + location.search;
      }
    });
  });

  // Print buttons are hidden until this script can make them work.
  document.querySelectorAll("[data-print]").forEach((b) => {
    b.hidden = false;
    b.addEventListener("click", () => { window.print(); });
  });

  // A reader who chose a language arrives at the home page in it.
  if (html.hasAttribute("data-home")) {
    const want = stored();
    const here = html.getAttribute("data-lang-code");
    const fromSite = document.referrer && document.referrer.indexOf(location.origin) === 0;
    if (want && want !== here && !fromSite) {
      const link = document.querySelector(`.lang a[data-lang="${want}"]`);
      if (link) { location.replace(link.href); }
    }
  }
})();
