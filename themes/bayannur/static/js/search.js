/* Classic deferred script on purpose, not an ES module: the offline copy is opened from file://
   (USB stick), where Chromium refuses module scripts (CORS, origin null). This file owns search,
   loaded only on the search page; the Pagefind index loads when a search starts. */
(() => {
  "use strict";
  const root = document.getElementById("search-page");
  if (!root) { return; }
  const d = root.dataset;
  const input = document.getElementById("search-q");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const fallback = document.getElementById("search-fallback");
  const fallbackText = document.getElementById("search-fallback-text");
  const more = document.getElementById("search-more");
  const partial = document.getElementById("search-partial");
  const partialList = document.getElementById("search-partial-results");
  const PAGE = 8;

  if (location.protocol === "file:") {
    fallbackText.textContent = d.file;
    return;
  }
  // With JavaScript on, the fallback offers other ways in, not a complaint about JavaScript.
  fallbackText.textContent = d.suggest;
  fallback.hidden = true;

  let engine = null;
  function load() {
    if (!engine) {
      engine = import(d.pagefind).then((pf) =>
        // Searching on the page itself saves the 43 KB worker script on a first search.
        // Short indicator pages should not outrank the guidance that answers a parent's question.
        pf.options({ excerptLength: 24, noWorker: true, ranking: { pageLength: 0.1, termFrequency: 1.0 } }).then(() => pf));
    }
    return engine;
  }

  function fill(text, vars) {
    return text.replace(/\{(\w+)\}/g, (m, k) => (Object.prototype.hasOwnProperty.call(vars, k) ? vars[k] : m));
  }

  // Pagefind joins the words it split Chinese text into with spaces: "预防 儿童 溺水". A space
  // between two Chinese characters or punctuation marks is not in the page, so drop it.
  const CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef";
  const INNER = new RegExp(`([${CJK}])\\s+(?=[${CJK}])`, "g");
  const CJK_END = new RegExp(`[${CJK}]$`);
  const CJK_START = new RegExp(`^[${CJK}]`);

  // Copy Pagefind's excerpt (escaped text with <mark>) as text nodes and marks only.
  function excerpt(htmlText) {
    const t = document.createElement("template");
    t.innerHTML = htmlText;
    const parts = Array.from(t.content.childNodes, (n) => (
      { mark: n.nodeName === "MARK", text: n.textContent.replace(INNER, "$1") }
    ));
    // Spaces at the edge of a highlighted word, between Chinese characters.
    for (let i = 0; i + 1 < parts.length; i++) {
      const a = parts[i], b = parts[i + 1];
      const left = a.text.replace(/\s+$/, ""), right = b.text.replace(/^\s+/, "");
      if (CJK_END.test(left) && CJK_START.test(right)) { a.text = left; b.text = right; }
    }
    const p = document.createElement("p");
    parts.forEach((part) => {
      if (part.mark) {
        const m = document.createElement("mark");
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
    const subs = (data.sub_results || []).filter((s) => s.url && s.url.indexOf("#") > 0);
    subs.sort((a, b) => (b.locations || []).length - (a.locations || []).length);
    return subs[0] || null;
  }

  function item(r) {
    const li = document.createElement("li");
    const sub = best(r);
    const a = document.createElement("a");
    a.className = "result-title";
    a.href = sub ? sub.url : r.url;
    a.textContent = (r.meta && r.meta.title) || r.url;
    li.appendChild(a);
    const where = [];
    if (r.meta && r.meta.section) { where.push(r.meta.section); }
    if (sub && sub.title && sub.title !== a.textContent) { where.push(sub.title); }
    if (where.length) {
      const s = document.createElement("span");
      s.className = "result-section";
      s.textContent = where.join(" › ");
      li.appendChild(s);
    }
    li.appendChild(excerpt(sub ? sub.excerpt : r.excerpt));
    return li;
  }

  let current = null; // { q, results, shown }

  // Load and show the next PAGE results; the "more" button stays while any are left.
  function next() {
    const c = current;
    const slice = c.results.slice(c.shown, c.shown + PAGE);
    more.hidden = true;
    return Promise.all(slice.map((r) => r.data())).then((data) => {
      if (current !== c) { return; }
      let first = null;
      data.forEach((r) => {
        const li = item(r);
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
    current = { q, results, shown: 0 };
    if (!results.length) {
      status.textContent = fill(d.none, { q });
      fallback.hidden = false;
      more.hidden = true;
      return Promise.resolve();
    }
    fallback.hidden = true;
    const n = results.length;
    status.textContent = fill(n === 1 ? d.countOne : d.count, { q, n: String(n) });
    return next();
  }

  more.addEventListener("click", () => {
    next().then((first) => {
      // Keyboard and screen-reader users continue at the first new result.
      const a = first && first.querySelector("a");
      if (a) { a.focus(); }
    });
  });

  // Ranked by Pagefind, kept only where the words appear as typed (手足口病 must not match every
  // page with 口 in it); when none do, the pages with some of the words are shown apart.
  // Each search has a number; a slower earlier search that finishes later shows nothing.
  let runs = 0;

  function run(q) {
    const mine = ++runs;
    const latest = () => mine === runs;
    q = (q || "").trim();
    list.textContent = "";
    partial.hidden = true;
    more.hidden = true;
    if (!q) { status.textContent = ""; return; }
    status.textContent = d.loading;
    // Chinese is split into words as the index splits it, so the phrase asks for the words the
    // search has already loaded, not a longer one from another part of the index.
    const phrase = `"${words(q.replace(/"/g, "")).join(" ")}"`;
    load()
      .then((pf) => Promise.all([pf.search(q), pf.search(phrase)]))
      .then((found) => {
        if (!latest()) { return; }
        const exact = {};
        found[1].results.forEach((r) => { exact[r.id] = true; });
        const main = found[0].results.filter((r) => exact[r.id]);
        found[1].results.forEach((r) => {
          if (!main.some((m) => m.id === r.id)) { main.push(r); }
        });
        if (main.length) { return show(q, main); }
        // No exact phrase (性侵 is written 性侵害; "brushing teeth" as "brush … teeth"): keep the
        // ranked pages whose text holds every word of the query.
        const top = found[0].results.slice(0, 10);
        return Promise.all(top.map((r) => r.data())).then((data) => {
          if (!latest()) { return; }
          const hits = top.filter((r, i) => holdsAll(data[i].content || "", q));
          if (hits.length) { return show(q, hits); }
          return show(q, []).then(() => showPartial(top.slice(0, 5)));
        });
      })
      .catch(() => {
        if (!latest()) { return; }
        status.textContent = d.error;
        fallback.hidden = false;
      });
  }

  function words(q) {
    if (!window.Intl || !Intl.Segmenter || !new RegExp(`[${CJK}]`).test(q)) { return [q]; }
    const seg = new Intl.Segmenter("zh", { granularity: "word" });
    return Array.from(seg.segment(q)).filter((x) => x.isWordLike).map((x) => x.segment);
  }

  // Chinese: every word of two or more characters (网络沉迷 on a page about 沉迷于网络), or the
  // whole query, spaces ignored; other languages: every word, without its ending ("brushing" →
  // "brush"), in any case.
  function holdsAll(text, q) {
    if (new RegExp(`[${CJK}]`).test(q)) {
      const t = text.replace(/\s+/g, "");
      let long = words(q).filter((w) => w.length > 1);
      if (!long.length) { long = [q.replace(/\s+/g, "")]; }
      return long.every((w) => t.indexOf(w) >= 0);
    }
    const t = text.toLowerCase();
    // An ending is dropped only from a word that keeps three letters ("s" stays "s", not "").
    const stem = (w) => {
      const s = w.replace(/(ing|es|ed|s)$/, "");
      return s.length >= 3 ? s : w;
    };
    return q.toLowerCase().split(/\s+/).every((w) => t.indexOf(stem(w)) >= 0);
  }

  function showPartial(results) {
    partialList.textContent = "";
    if (!results.length) { return Promise.resolve(); }
    return Promise.all(results.map((r) => r.data())).then((data) => {
      data.forEach((r) => { partialList.appendChild(item(r)); });
      partial.hidden = false;
    });
  }

  input.form.addEventListener("submit", (e) => {
    e.preventDefault();
    const q = input.value;
    const url = new URL(location.href);
    url.searchParams.set("q", q);
    history.replaceState(null, "", url);
    run(q);
  });

  const initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
