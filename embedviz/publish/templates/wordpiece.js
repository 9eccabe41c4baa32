// BERT's tokenizer as Hugging Face `tokenizers` runs it: added tokens, BertNormalizer,
// BertPreTokenizer, WordPiece. The character classes come from bert_tables.js (measured from
// the Rust library), so the ids equal the Python tokenizer's; tests/test_playground_tokenizer.py
// runs this file under node on a corpus and compares. Works in a browser (window.EmbedvizWordPiece)
// and under node (module.exports). No network, no wasm.
(function (root) {
  'use strict';

  function inRanges(r, cp) {
    let lo = 0, hi = (r.length >> 1) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cp < r[2 * mid]) hi = mid - 1;
      else if (cp > r[2 * mid + 1]) lo = mid + 1;
      else return true;
    }
    return false;
  }

  function isLoneSurrogate(cp) { return cp >= 0xD800 && cp <= 0xDFFF; }

  // NFD as the Rust library does it: its own decomposition map (a browser's normalize('NFD') follows
  // another Unicode version), Hangul syllables by arithmetic, then marks put in canonical order
  function nfd(s, tables) {
    tables = tables || root.EmbedvizBertTables;
    const out = [];
    for (const ch of s) {
      const cp = ch.codePointAt(0);
      if (cp >= 0xAC00 && cp <= 0xD7A3) {
        const i = cp - 0xAC00, t = i % 28;
        out.push(String.fromCharCode(0x1100 + Math.floor(i / 588), 0x1161 + Math.floor((i % 588) / 28)));
        if (t) out.push(String.fromCharCode(0x11A7 + t));
        continue;
      }
      const m = tables.nfd[cp];
      if (m === undefined) out.push(ch);
      else for (const c of m) out.push(c);
    }
    const chars = [];
    for (const piece of out) for (const c of piece) chars.push(c);
    const ccc = c => tables.ccc[c.codePointAt(0)] || 0;
    for (let i = 0; i < chars.length; i++) {           // stable sort of each run of marks by class
      if (!ccc(chars[i])) continue;
      let j = i;
      while (j < chars.length && ccc(chars[j])) j++;
      if (j - i > 1) {
        const run = chars.slice(i, j).map((c, k) => [ccc(c), k, c]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        for (let k = 0; k < run.length; k++) chars[i + k] = run[k][2];
      }
      i = j;
    }
    return chars.join('');
  }

  // spec: {vocab: [token per id], unk, prefix, maxChars, lowercase, stripAccents, cleanText, chinese,
  //        added: [{content, id, special}], cls, sep, addSpecial}
  function makeTokenizer(spec, tables) {
    tables = tables || root.EmbedvizBertTables;
    const index = new Map();
    spec.vocab.forEach((t, i) => { if (!index.has(t)) index.set(t, i); });
    const added = (spec.added || []).slice().sort((a, b) => b.content.length - a.content.length);
    const addedIds = new Map(added.map(a => [a.content, a.id]));
    const stripAccents = spec.stripAccents === null || spec.stripAccents === undefined ? spec.lowercase
      : spec.stripAccents;
    const unkId = index.get(spec.unk);
    const prefix = spec.prefix === undefined ? '##' : spec.prefix;
    const maxChars = spec.maxChars || 100;

    function normalize(s) {
      let out = '';
      for (const ch of s) {
        const cp = ch.codePointAt(0);
        if (spec.cleanText) {
          if (isLoneSurrogate(cp) || inRanges(tables.removed, cp)) continue;
          if (inRanges(tables.space, cp)) { out += ' '; continue; }
        } else if (isLoneSurrogate(cp)) continue;
        if (spec.chinese && inRanges(tables.chinese, cp)) out += ' ' + ch + ' ';
        else out += ch;
      }
      if (stripAccents) {
        let kept = '';
        for (const ch of nfd(out, tables)) if (!inRanges(tables.mark, ch.codePointAt(0))) kept += ch;
        out = kept;
      }
      if (spec.lowercase) {
        let low = '';
        for (const ch of out) {
          const m = tables.lower[ch.codePointAt(0)];
          low += m === undefined ? ch : m;
        }
        out = low;
      }
      return out;
    }

    // whitespace removed, each punctuation character its own word
    function preTokenize(s) {
      const words = [];
      let cur = [];
      for (const ch of s) {
        const cp = ch.codePointAt(0);
        if (inRanges(tables.split, cp)) {
          if (cur.length) words.push(cur);
          cur = [];
        } else if (inRanges(tables.punct, cp)) {
          if (cur.length) words.push(cur);
          words.push([ch]);
          cur = [];
        } else cur.push(ch);
      }
      if (cur.length) words.push(cur);
      return words;
    }

    // greedy longest match first; a word with any unmatched rest (or too long) is one [UNK]
    function wordPiece(chars) {
      if (chars.length > maxChars) return [{ text: spec.unk, id: unkId }];
      const out = [];
      let start = 0;
      while (start < chars.length) {
        let end = chars.length, found = null;
        while (start < end) {
          const sub = (start > 0 ? prefix : '') + chars.slice(start, end).join('');
          if (index.has(sub)) { found = sub; break; }
          end--;
        }
        if (found === null) return [{ text: spec.unk, id: unkId }];
        out.push({ text: found, id: index.get(found) });
        start = end;
      }
      return out;
    }

    // the text cut at the added tokens, leftmost and longest match first, as the Rust library does
    function splitAdded(text) {
      const parts = [];
      let last = 0, i = 0;
      while (i < text.length) {
        let hit = null;
        for (const a of added) if (a.content && text.startsWith(a.content, i)) { hit = a; break; }
        if (hit) {
          if (i > last) parts.push({ text: text.slice(last, i) });
          parts.push({ text: hit.content, added: hit });
          i += hit.content.length;
          last = i;
        } else i++;
      }
      if (last < text.length) parts.push({ text: text.slice(last) });
      return parts;
    }

    // words: [{text, special, pieces: [{text, id}]}]
    function encodeWords(text, addSpecial) {
      const words = [];
      const special = addSpecial === undefined ? spec.addSpecial : addSpecial;
      if (special && spec.cls) words.push({ text: spec.cls.token, special: true, pieces: [spec.cls] });
      for (const part of splitAdded(text)) {
        if (part.added) {
          words.push({ text: part.text, special: !!part.added.special,
                       pieces: [{ text: part.text, id: addedIds.get(part.text) }] });
          continue;
        }
        for (const chars of preTokenize(normalize(part.text)))
          words.push({ text: chars.join(''), special: false, pieces: wordPiece(chars) });
      }
      if (special && spec.sep) words.push({ text: spec.sep.token, special: true, pieces: [spec.sep] });
      return words;
    }

    function encode(text, addSpecial) {
      const ids = [];
      for (const w of encodeWords(text, addSpecial)) for (const p of w.pieces) ids.push(p.id);
      return ids;
    }

    return { encode, encodeWords, normalize };
  }

  // sources without a model tokenizer: whitespace-separated tokens looked up as they are
  function makeWhitespace(spec) {
    const index = new Map();
    spec.vocab.forEach((t, i) => { if (!index.has(t)) index.set(t, i); });
    function encodeWords(text) {
      return text.split(/\s+/).filter(Boolean).map(w => ({
        text: w, special: false, missing: !index.has(w),
        pieces: [{ text: w, id: index.has(w) ? index.get(w) : null }] }));
    }
    return { encodeWords, encode: text => encodeWords(text).map(w => w.pieces[0].id) };
  }

  const api = { makeTokenizer, makeWhitespace, inRanges, nfd };
  root.EmbedvizWordPiece = api;
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
})(typeof window !== 'undefined' ? window : globalThis);
