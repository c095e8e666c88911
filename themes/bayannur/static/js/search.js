/* Search, loaded only on the search page; the index loads when a search starts. */
(function () {
  "use strict";
  var root = document.getElementById("search-page");
  if (!root) { return; }
  var d = root.dataset;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var fallback = document.getElementById("search-fallback");
  var fallbackText = document.getElementById("search-fallback-text");

  if (location.protocol === "file:") {
    fallbackText.textContent = d.file;
    return;
  }
  fallback.hidden = true;

  var engine = null;
  function load() {
    if (!engine) {
      engine = import(d.pagefind).then(function (pf) {
        // Searching on the page itself saves the 43 KB worker script on a first search.
        // Short indicator pages should not outrank the guidance that answers a parent's question.
        return pf.options({ excerptLength: 24, noWorker: true, ranking: { pageLength: 0.1, termFrequency: 1.0 } }).then(function () { return pf; });
      });
    }
    return engine;
  }

  function fill(text, vars) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return Object.prototype.hasOwnProperty.call(vars, k) ? vars[k] : m; });
  }

  // Copy Pagefind's excerpt (escaped text with <mark>) as text nodes and marks only.
  function excerpt(htmlText) {
    var t = document.createElement("template");
    t.innerHTML = htmlText;
    var p = document.createElement("p");
    Array.prototype.forEach.call(t.content.childNodes, function (n) {
      if (n.nodeName === "MARK") {
        var m = document.createElement("mark");
        m.textContent = n.textContent;
        p.appendChild(m);
      } else {
        p.appendChild(document.createTextNode(n.textContent));
      }
    });
    return p;
  }

  // The heading nearest the match: the sub-result with the most hits.
  function best(data) {
    var subs = (data.sub_results || []).filter(function (s) { return s.url && s.url.indexOf("#") > 0; });
    subs.sort(function (a, b) { return (b.locations || []).length - (a.locations || []).length; });
    return subs[0] || null;
  }

  function show(q, total, results) {
    list.textContent = "";
    if (!total) {
      status.textContent = fill(d.none, { q: q });
      fallback.hidden = false;
      return;
    }
    status.textContent = fill(d.count, { q: q, n: String(total) });
    results.forEach(function (r) {
      var li = document.createElement("li");
      var sub = best(r);
      var a = document.createElement("a");
      a.className = "result-title";
      a.href = sub ? sub.url : r.url;
      a.textContent = (r.meta && r.meta.title) || r.url;
      li.appendChild(a);
      var where = [];
      if (r.meta && r.meta.section) { where.push(r.meta.section); }
      if (sub && sub.title && sub.title !== a.textContent) { where.push(sub.title); }
      if (where.length) {
        var s = document.createElement("span");
        s.className = "result-section";
        s.textContent = where.join(" › ");
        li.appendChild(s);
      }
      li.appendChild(excerpt(sub ? sub.excerpt : r.excerpt));
      list.appendChild(li);
    });
  }

  function run(q) {
    q = (q || "").trim();
    list.textContent = "";
    if (!q) { status.textContent = ""; return; }
    status.textContent = d.loading;
    load()
      .then(function (pf) { return pf.search(q); })
      .then(function (search) {
        return Promise.all(search.results.slice(0, 10).map(function (r) { return r.data(); }))
          .then(function (data) { show(q, search.results.length, data); });
      })
      .catch(function () {
        status.textContent = d.error;
        fallback.hidden = false;
      });
  }

  input.form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    var url = new URL(location.href);
    url.searchParams.set("q", q);
    history.replaceState(null, "", url);
    run(q);
  });

  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
