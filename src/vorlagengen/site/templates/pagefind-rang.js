// Pagefind's search API over every part of the index (pagefind/<teil>/), ranked by what matched; served as
// assets/suche/pagefind.js, which PagefindUI loads as if it were Pagefind itself (bundlePath assets/suche/).
//
// The parts are merged into one Pagefind (mergeIndex, one WebAssembly for all). A word that a part does not
// know makes Pagefind search that part for the longest word start it does know (for "Mehrzweckhalle" perhaps
// just "m", Pagefind issue 780), and such a guess can score above the real hit. So the first MOST results are
// read (up to MOST_UNFOUND while none has every query word) and ranked:
//   0  the query as a whole in the title (Betreff) or the Drucksachen-Nr.
//   1  every query word in the title or the number
//   2  every query word in the text
//   3  every query word related to a word of the page (a common start, as German word forms share)
//   4  the rest: dropped when anything ranks better, else kept (Pagefind's guess is all there is)
// A query word is found where a word of the page begins with it (case and umlauts aside); within a rank
// Pagefind's score orders. Results beyond those read (lower scores) follow rank 3, or rank 4 where the last
// ten read were all rank 4.
var MOST = 100, MOST_UNFOUND = 300;  // results read; more while none holds every query word
var site = new URL("../../", import.meta.url);
var teile = (document.getElementById("suche").dataset.teile || "").split(" ").filter(Boolean);
var core = await import(new URL("pagefind/" + teile[0] + "/pagefind.js", site).href);
var merging = null;

export async function options(opts) {
  await core.options(opts);
  // all parts at once: one after the other, a site of ten years (a hundred parts) waited seconds for the
  // round trips; Pagefind adds each part's instance when asked, so their order stays that of teile
  merging = merging || Promise.all(teile.slice(1).map(function (teil) {
    return core.mergeIndex(new URL("pagefind/" + teil + "/", site).pathname);
  }));
  await merging;
}

export async function mergeIndex() { /* every part is merged by options() */ }
export async function init() { await core.init(); }
export async function destroy() { await core.destroy(); merging = null; }
export async function preload(term, opts) { return core.preload(term, opts); }
export async function filters() { return core.filters(); }

export function words(text) {
  return (text || "").normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase("de").replace(/ß/g, "ss")
    .split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function found(query, text) { return query.every(function (q) { return text.some(function (w) { return w.startsWith(q); }); }); }

function phrase(query, text) {
  for (var i = 0; i + query.length <= text.length; i++) {
    if (query.every(function (q, j) { return j === query.length - 1 ? text[i + j].startsWith(q) : text[i + j] === q; })) {
      return true;
    }
  }
  return false;
}

function related(query, text) {
  return query.every(function (q) {
    var need = Math.min(q.length, Math.max(4, q.length - 4));
    return text.some(function (w) { return w.slice(0, need) === q.slice(0, need); });
  });
}

export function rank(query, data) {
  var meta = data.meta || {};
  var head = words((meta.title || "") + " " + (meta.nummer || ""));
  var text = words(data.content);
  if (!query.length) { return 2; }
  if (phrase(query, head)) { return 0; }
  if (found(query, head)) { return 1; }
  if (found(query, text)) { return 2; }
  return related(query, head.concat(text)) ? 3 : 4;
}

export async function search(term, opts) {
  var answer = await core.search(term, opts);
  var query = words(term);
  var datas = [], ranks = [];
  while (datas.length < answer.results.length &&
         (datas.length < MOST || (datas.length < MOST_UNFOUND && !ranks.some(function (n) { return n <= 2; })))) {
    var batch = answer.results.slice(datas.length, datas.length + MOST);
    var more = await Promise.all(batch.map(function (r) { return r.data(); }));
    datas = datas.concat(more);
    ranks = ranks.concat(more.map(function (d) { return rank(query, d); }));
  }
  var rest = ranks.slice(-10).some(function (n) { return n < 4; }) ? 3.5 : 4;  // do the guesses go on?
  var results = answer.results.map(function (r, i) {
    var d = datas[i];
    return { id: r.id, score: r.score, words: r.words, rang: i < ranks.length ? ranks[i] : rest,
             data: d ? function () { return Promise.resolve(d); } : r.data };
  });
  if (results.some(function (r) { return r.rang < 4; })) { results = results.filter(function (r) { return r.rang < 4; }); }
  results.sort(function (a, b) { return a.rang - b.rang || b.score - a.score; });
  return Object.assign({}, answer, { results: results });
}

export async function debouncedSearch(term, opts) { return search(term, opts); }
