/* Enhancements only: every page reads fully without this script. */
(function () {
  "use strict";
  var KEY = "sprout-lang";
  var html = document.documentElement;

  function store(code) {
    try { localStorage.setItem(KEY, code); } catch (e) { /* storage may be off */ }
  }
  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }

  // The language switcher keeps the anchor: anchors are the same in every language.
  Array.prototype.forEach.call(document.querySelectorAll(".lang a[data-lang]"), function (a) {
    a.addEventListener("click", function () {
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
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });

  // A reader who chose a language arrives at the home page in it.
  if (html.hasAttribute("data-home")) {
    var want = stored();
    var here = html.getAttribute("data-lang-code");
    var fromSite = document.referrer && document.referrer.indexOf(location.origin) === 0;
    if (want && want !== here && !fromSite) {
      var link = document.querySelector('.lang a[data-lang="' + want + '"]');
      if (link) { location.replace(link.href); }
    }
  }
})();
