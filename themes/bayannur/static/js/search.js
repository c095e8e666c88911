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
  var more = document.getElementById("search-more");
  var partial = document.getElementById("search-partial");
  var partialList = document.getElementById("search-partial-results");
  var PAGE = 8;

  if (location.protocol === "file:") {
    fallbackText.textContent = d.file;
    return;
  }
  // With JavaScript on, the fallback offers other ways in, not a complaint about JavaScript.
  fallbackText.textContent = d.suggest;
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

  // Pagefind joins the words it split Chinese text into with spaces: "预防 儿童 溺水". A space
  // between two Chinese characters or punctuation marks is not in the page, so drop it.
  var CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef";
  var INNER = new RegExp("([" + CJK + "])\\s+(?=[" + CJK + "])", "g");
  var CJK_END = new RegExp("[" + CJK + "]$");
  var CJK_START = new RegExp("^[" + CJK + "]");

  // Copy Pagefind's excerpt (escaped text with <mark>) as text nodes and marks only.
  function excerpt(htmlText) {
    var t = document.createElement("template");
    t.innerHTML = htmlText;
    var parts = Array.prototype.map.call(t.content.childNodes, function (n) {
      return { mark: n.nodeName === "MARK", text: n.textContent.replace(INNER, "$1") };
    });
    // Spaces at the edge of a highlighted word, between Chinese characters.
    for (var i = 0; i + 1 < parts.length; i++) {
      var a = parts[i], b = parts[i + 1];
      var left = a.text.replace(/\s+$/, ""), right = b.text.replace(/^\s+/, "");
      if (CJK_END.test(left) && CJK_START.test(right)) { a.text = left; b.text = right; }
    }
    var p = document.createElement("p");
    parts.forEach(function (part) {
      if (part.mark) {
        var m = document.createElement("mark");
        m.textContent = part.text;
        p.appendChild(m);
      } else {
        p.appendChild(document.createTextNode(part.text));
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

  function item(r) {
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
    return li;
  }

  var current = null; // { q, results, shown }

  // Load and show the next PAGE results; the "more" button stays while any are left.
  function next() {
    var c = current;
    var slice = c.results.slice(c.shown, c.shown + PAGE);
    more.hidden = true;
    return Promise.all(slice.map(function (r) { return r.data(); })).then(function (data) {
      if (current !== c) { return; }
      var first = null;
      data.forEach(function (r) {
        var li = item(r);
        first = first || li;
        list.appendChild(li);
      });
      c.shown += slice.length;
      more.hidden = c.shown >= c.results.length;
      return first;
    });
  }

  function show(q, results) {
    list.textContent = "";
    current = { q: q, results: results, shown: 0 };
    if (!results.length) {
      status.textContent = fill(d.none, { q: q });
      fallback.hidden = false;
      more.hidden = true;
      return Promise.resolve();
    }
    fallback.hidden = true;
    var n = results.length;
    status.textContent = fill(n === 1 ? d.countOne : d.count, { q: q, n: String(n) });
    return next();
  }

  more.addEventListener("click", function () {
    next().then(function (first) {
      // Keyboard and screen-reader users continue at the first new result.
      var a = first && first.querySelector("a");
      if (a) { a.focus(); }
    });
  });

  // Ranked by Pagefind, kept only where the words appear as typed (手足口病 must not match every
  // page with 口 in it); when none do, the pages with some of the words are shown apart.
  function run(q) {
    q = (q || "").trim();
    list.textContent = "";
    partial.hidden = true;
    more.hidden = true;
    if (!q) { status.textContent = ""; return; }
    status.textContent = d.loading;
    // Chinese is split into words as the index splits it, so the phrase asks for the words the
    // search has already loaded, not a longer one from another part of the index.
    var phrase = '"' + words(q.replace(/"/g, "")).join(" ") + '"';
    load()
      .then(function (pf) { return Promise.all([pf.search(q), pf.search(phrase)]); })
      .then(function (found) {
        var exact = {};
        found[1].results.forEach(function (r) { exact[r.id] = true; });
        var main = found[0].results.filter(function (r) { return exact[r.id]; });
        found[1].results.forEach(function (r) {
          if (!main.some(function (m) { return m.id === r.id; })) { main.push(r); }
        });
        if (main.length) { return show(q, main); }
        // No exact phrase (性侵 is written 性侵害; "brushing teeth" as "brush … teeth"): keep the
        // ranked pages whose text holds every word of the query.
        var top = found[0].results.slice(0, 10);
        return Promise.all(top.map(function (r) { return r.data(); })).then(function (data) {
          var hits = top.filter(function (r, i) { return holdsAll(data[i].content || "", q); });
          if (hits.length) { return show(q, hits); }
          return show(q, []).then(function () { return showPartial(top.slice(0, 5)); });
        });
      })
      .catch(function () {
        status.textContent = d.error;
        fallback.hidden = false;
      });
  }

  function words(q) {
    if (!window.Intl || !Intl.Segmenter || !new RegExp("[" + CJK + "]").test(q)) { return [q]; }
    var seg = new Intl.Segmenter("zh", { granularity: "word" });
    return Array.from(seg.segment(q)).filter(function (x) { return x.isWordLike; }).map(function (x) { return x.segment; });
  }

  // Chinese: every word of two or more characters (网络沉迷 on a page about 沉迷于网络), or the
  // whole query, spaces ignored; other languages: every word, without its ending ("brushing" →
  // "brush"), in any case.
  function holdsAll(text, q) {
    if (new RegExp("[" + CJK + "]").test(q)) {
      var t = text.replace(/\s+/g, "");
      var long = words(q).filter(function (w) { return w.length > 1; });
      if (!long.length) { long = [q.replace(/\s+/g, "")]; }
      return long.every(function (w) { return t.indexOf(w) >= 0; });
    }
    var t = text.toLowerCase();
    return q.toLowerCase().split(/\s+/).every(function (w) {
      return t.indexOf(w.replace(/(ing|es|ed|s)$/, "")) >= 0;
    });
  }

  function showPartial(results) {
    partialList.textContent = "";
    if (!results.length) { return Promise.resolve(); }
    return Promise.all(results.map(function (r) { return r.data(); })).then(function (data) {
      data.forEach(function (r) { partialList.appendChild(item(r)); });
      partial.hidden = false;
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
