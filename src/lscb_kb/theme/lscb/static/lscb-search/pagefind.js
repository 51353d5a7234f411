/* Pagefind's search API as the search page's UI uses it, made to answer questions as people
 * type them. Pagefind's UI loads this module in place of pagefind/pagefind.js (its bundlePath
 * is this folder); everything but search() and preload() is Pagefind's own.
 *
 * Pagefind finds only the pages that have every word of a search. A question ("how much did
 * the board spend") has words no page needs to have, so a search here:
 *
 * 1. leaves out the question's common words ("how", "much", "did", "the"), unless that leaves
 *    nothing;
 * 2. searches for every form of a glossary term it names ("DV", "domestic violence",
 *    "domestic abuse"; "S47", "Section 47") and for the report's words for everyday ones
 *    ("spend": "spent", "expenditure"), each combination of them as one Pagefind search,
 *    and keeps every page that any of them finds, with its best score;
 * 3. when no page has every word, searches for each word (in all its forms) on its own and
 *    ranks the pages that have the most of the words first, then by their scores; it tells
 *    the page so with a "lscb-search" event (detail.partial is true).
 *
 * The words it needs come from the search page (data-lscb-search-words on #lscb-search),
 * written by the site's build from its glossary (src/lscb_kb/sphinxext/search.py).
 */
import * as pagefind from "../../pagefind/pagefind.js";

export * from "../../pagefind/pagefind.js";

const MAX_SEARCHES = 12;
/* At most this many Pagefind searches for one search: each is quick, but each word form
   may need its own piece of the index. */

let siteWords = null;

function key(word) {
  // As Pagefind reads a word: small letters, no punctuation (so "board's" is "boards").
  return word.toLocaleLowerCase().replace(/[\p{Pd}\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]/gu, "");
}

function words(text) {
  return text.split(/\s+/).filter((word) => key(word) !== "");
}

function loadWords() {
  if (siteWords !== null) {
    return siteWords;
  }
  let data = {};
  const box = document.getElementById("lscb-search");
  try {
    data = JSON.parse((box && box.getAttribute("data-lscb-search-words")) || "{}");
  } catch (error) {
    console.error("Search could not read the site's search words:", error);
  }
  const stop = new Set((data.stop || []).map(key));
  const common = new Set((data.common || []).map(key));
  // Each glossary form as its words' keys, longest first, with the term's other forms.
  const forms = [];
  for (const names of data.glossary || []) {
    for (const name of names) {
      const keys = words(name).map(key);
      if (keys.length) {
        forms.push({ name, keys, names, acronym: /^[A-Z0-9&]+$/.test(name) });
      }
    }
  }
  forms.sort((a, b) => b.keys.length - a.keys.length);
  const everyday = new Map();
  for (const group of data.everyday || []) {
    for (const word of group) {
      const others = everyday.get(key(word)) || [];
      everyday.set(key(word), [...new Set([...others, ...group])]);
    }
  }
  siteWords = { stop, common, forms, everyday };
  return siteWords;
}

function matches(form, tokens, at, common) {
  if (at + form.keys.length > tokens.length) {
    return false;
  }
  for (let i = 0; i < form.keys.length; i++) {
    const typed = key(tokens[at + i]);
    const last = i === form.keys.length - 1;
    if (typed !== form.keys[i] && !(last && typed === form.keys[i] + "s")) {
      return false;
    }
  }
  // "set" in small letters is the word; "SET" is Southend, Essex and Thurrock.
  if (form.acronym && common.has(form.keys[0])) {
    return tokens[at].replace(/s$/, "") === form.name;
  }
  return true;
}

function withoutStopWords(text, stop) {
  const kept = words(text).filter((word) => !stop.has(key(word)));
  return kept.length ? kept.join(" ") : text;
}

function alternatives(typed, forms, stop) {
  // The words as typed first, then every other form; a form that only adds words to another
  // ("Section 47 enquiry" to "Section 47") finds nothing the shorter one does not.
  const all = [typed, ...forms].map((form) => withoutStopWords(form, stop));
  const unique = [...new Map(all.map((form) => [words(form).map(key).join(" "), form])).values()];
  const sets = unique.map((form) => new Set(words(form).map(key)));
  return unique.filter(
    (_form, i) =>
      !sets.some(
        (other, j) => j !== i && other.size < sets[i].size && [...other].every((w) => sets[i].has(w)),
      ),
  );
}

/* The search for what was typed: each concept (a glossary term, or a word) with the forms to
   search for, and the common words left out. */
export function plan(term) {
  const text = (term || "").trim();
  if (/^\s*".+"\s*$/.test(text)) {
    // A phrase in quotes: Pagefind's exact search, as typed.
    return { concepts: [{ typed: text, forms: [text] }], left_out: [], exact: true };
  }
  const { stop, common, forms, everyday } = loadWords();
  const tokens = words(text.replace(/"/g, " "));
  const concepts = [];
  const left_out = [];
  let at = 0;
  while (at < tokens.length) {
    const form = forms.find((f) => matches(f, tokens, at, common));
    if (form) {
      const typed = tokens.slice(at, at + form.keys.length).join(" ");
      concepts.push({ typed, forms: alternatives(typed, form.names, stop) });
      at += form.keys.length;
      continue;
    }
    const token = tokens[at];
    at += 1;
    if (stop.has(key(token))) {
      left_out.push(token);
      continue;
    }
    const more = [...(everyday.get(key(token)) || [])];
    if (/\w[/.]+\w/u.test(token)) {
      // Pagefind reads "2010/11" as one word, "201011"; the page's text has "2010" and "11".
      // (Not at hyphens: Pagefind finds "SCR-0910-02" as typed, and its parts are on every
      // record.)
      more.push(token.replace(/[/.]+/gu, " "));
    }
    if (/\w['\u2019]s$/u.test(token)) {
      more.push(token.slice(0, -2)); // "board's": the page may say "board"
    }
    concepts.push({ typed: token, forms: alternatives(token, more, stop) });
  }
  if (!concepts.length) {
    // Only common words ("who are we"): search for them after all.
    return {
      concepts: left_out.map((word) => ({ typed: word, forms: [word] })),
      left_out: [],
      exact: false,
    };
  }
  return { concepts, left_out, exact: false };
}

function combinations(concepts, limit) {
  // Every combination of one form of each concept, the forms as typed first.
  let out = [[]];
  for (const concept of concepts) {
    const next = [];
    for (const combination of out) {
      for (const form of concept.forms) {
        if (next.length < limit) {
          next.push([...combination, form]);
        }
      }
    }
    out = next;
  }
  return out.map((combination) => combination.join(" "));
}

function mergeCounts(all, field) {
  // Each filter value's count in the search that found the most of it: the true count for
  // one search, and no more than the count of the pages shown when searches are merged.
  const out = {};
  for (const found of all) {
    for (const [name, values] of Object.entries(found[field] || {})) {
      out[name] = out[name] || {};
      for (const [value, count] of Object.entries(values)) {
        out[name][value] = Math.max(out[name][value] || 0, count);
      }
    }
  }
  return out;
}

async function run(terms, options) {
  const found = await Promise.all(terms.map((t) => pagefind.search(t, options)));
  return found.filter((f) => f && Array.isArray(f.results));
}

function tell(detail) {
  document.dispatchEvent(new CustomEvent("lscb-search", { detail }));
}

function answer(results, all, started) {
  return {
    results,
    unfilteredResultCount: Math.max(0, ...all.map((f) => f.unfilteredResultCount || 0)),
    filters: mergeCounts(all, "filters"),
    totalFilters: mergeCounts(all, "totalFilters"),
    timings: { total: Date.now() - started },
  };
}

export async function search(term, options = {}) {
  const started = Date.now();
  const planned = plan(term);
  if (planned.exact || term === null) {
    const found = await pagefind.search(term, options);
    tell({ term, partial: false, searched: [term], left_out: [] });
    return found;
  }
  const terms = combinations(planned.concepts, MAX_SEARCHES);
  const all = await run(terms, options);
  const best = new Map();
  for (const found of all) {
    for (const result of found.results) {
      const seen = best.get(result.id);
      if (!seen || result.score > seen.score) {
        best.set(result.id, result);
      }
    }
  }
  if (best.size || planned.concepts.length < 2) {
    const results = [...best.values()].sort((a, b) => b.score - a.score);
    tell({ term, partial: false, searched: terms, left_out: planned.left_out });
    return answer(results, all, started);
  }
  // No page has every word: each word (in all its forms) on its own.
  const pages = new Map();
  const each = [];
  for (const [index, concept] of planned.concepts.entries()) {
    const found = await run(concept.forms.slice(0, MAX_SEARCHES), options);
    each.push(...found);
    const top = new Map();
    for (const f of found) {
      for (const result of f.results) {
        if (!top.has(result.id) || result.score > top.get(result.id).score) {
          top.set(result.id, result);
        }
      }
    }
    for (const [id, result] of top) {
      const page = pages.get(id) || { concepts: new Set(), score: 0, result };
      page.concepts.add(index);
      page.score += result.score;
      if (result.score > page.result.score) {
        page.result = result;
      }
      pages.set(id, page);
    }
  }
  const results = [...pages.values()]
    .sort((a, b) => b.concepts.size - a.concepts.size || b.score - a.score)
    .map((page) => ({ ...page.result, score: page.score, data: page.result.data }));
  tell({
    term,
    partial: results.length > 0,
    searched: planned.concepts.flatMap((c) => c.forms),
    left_out: planned.left_out,
  });
  return answer(results, each, started);
}

export async function preload(term, options = {}) {
  const planned = plan(term);
  const forms = planned.concepts.flatMap((concept) => concept.forms).slice(0, MAX_SEARCHES);
  await Promise.all(forms.map((form) => pagefind.preload(form, options)));
}
