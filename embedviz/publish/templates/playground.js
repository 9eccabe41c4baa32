// The lesson page's playground (embedviz/publish/playground.py builds its data). The vectors come in one
// shared script, playground-<hash>.js, loaded with <script src> (fetch fails on file://): beside this page
// inside a package, else at the output root two folders up. Numbers are formatted as the video formats
// them (embedcore.storyboard.fmt); the lesson's own tokens use their exact rows.
(function () {
  'use strict';
  const lesson = JSON.parse(document.getElementById('playground-data').textContent);
  const form = document.getElementById('pg-form');
  const input = document.getElementById('pg-text');
  const status = document.getElementById('pg-status');
  const out = document.getElementById('pg-out');
  const MINUS = '\u2212';
  const MAX_SHOWN = 16;              // tokens in the rows and cosine tables, as the video's segments
  const reduceMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  let model = null, words = [], selected = -1;

  // --- numbers as the video writes them (Python's round-half-even on the exact binary value)
  function fixed(x, dec) {
    const a = Math.abs(x);
    const y = a * Math.pow(2, dec + 1);
    if (Number.isInteger(y) && y % 2 === 1 && a < 1e6) {          // an exact tie: keep the even last digit
      const five = Math.pow(5, dec);
      const low = (y * five - 1) / 2;                               // a·10^dec = low + 0.5
      const n = low % 2 === 0 ? low : low + 1;
      let s = String(n).padStart(dec + 1, '0');
      return dec ? s.slice(0, s.length - dec) + '.' + s.slice(s.length - dec) : s;
    }
    return a.toFixed(dec);
  }
  function fmt(x, dec) {
    if (x === null || x === undefined || Number.isNaN(x)) return 'undefined';
    if (!Number.isFinite(x)) return (x > 0 ? '' : MINUS) + '\u221e';
    if (Math.abs(x) >= 1e6) {
      const s = x.toExponential(Math.max(dec, 1)).replace(/e([+-])(\d)$/, 'e$10$2');
      return s[0] === '-' ? MINUS + s.slice(1) : s;
    }
    const s = fixed(x, dec);
    if (x < 0 || Object.is(x, -0)) return Number(s) === 0 ? s : MINUS + s;
    return s;
  }
  const group = n => n.toLocaleString('en-US');

  // --- the asset
  const B85 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~';
  function b85decode(str, nbytes) {
    const map = new Int16Array(128).fill(-1);
    for (let i = 0; i < B85.length; i++) map[B85.charCodeAt(i)] = i;
    const bytes = new Uint8Array(str.length / 5 * 4);
    for (let i = 0, o = 0; i < str.length; i += 5, o += 4) {
      let v = 0;
      for (let k = 0; k < 5; k++) v = v * 85 + map[str.charCodeAt(i + k)];
      bytes[o] = v >>> 24; bytes[o + 1] = (v >>> 16) & 255; bytes[o + 2] = (v >>> 8) & 255; bytes[o + 3] = v & 255;
    }
    return bytes.subarray(0, nbytes);
  }

  function makeModel(data) {
    const d = data.d, n = data.rows;
    const q = new Int8Array(b85decode(data.q, n * d).slice().buffer);
    const sb = b85decode(data.scales, n * 4);
    const view = new DataView(sb.buffer, sb.byteOffset, sb.byteLength);
    const scale = new Float64Array(n), qnorm = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      scale[i] = view.getFloat32(4 * i, true);
      let s = 0;
      for (let j = i * d, e = j + d; j < e; j++) s += q[j] * q[j];
      qnorm[i] = Math.sqrt(s);
    }
    const exact = new Map(Object.entries(lesson.exact).map(([k, v]) => [Number(k), Float64Array.from(v)]));
    const vocab = data.vocab.slice();
    for (const [k, t] of Object.entries(lesson.names || {})) vocab[Number(k)] = t;
    const spec = Object.assign({}, data.tokenizer || {}, { vocab });
    const tk = data.tokenizer ? window.EmbedvizWordPiece.makeTokenizer(spec)
      : window.EmbedvizWordPiece.makeWhitespace(spec);
    const special = new Set(data.special);
    function vector(id) {
      if (exact.has(id)) return exact.get(id);
      if (id === null || id >= n || !Number.isFinite(scale[id])) return null;
      const v = new Float64Array(d);
      for (let j = 0; j < d; j++) v[j] = q[id * d + j] * scale[id];
      return v;
    }
    return { data, d, n, q, scale, qnorm, exact, vocab, tk, special, vector };
  }

  // --- maths as embedcore does it
  function norm(v) { let s = 0; for (let j = 0; j < v.length; j++) s += v[j] * v[j]; return Math.sqrt(s); }
  function clip(x) { return Math.max(-1, Math.min(1, x)); }
  // embedcore.similarity.pairwise_cosine: unit rows, U·Uᵀ, diagonal exactly 1, exactly symmetric
  function pairwise(vs) {
    const units = vs.map(v => { const nv = norm(v); return nv > 0 ? v.map(x => x / nv) : null; });
    const m = vs.map(() => vs.map(() => NaN));
    for (let a = 0; a < vs.length; a++) for (let b = a; b < vs.length; b++) {
      if (!units[a] || !units[b]) continue;
      let s = 0;
      for (let j = 0; j < units[a].length; j++) s += units[a][j] * units[b][j];
      m[a][b] = m[b][a] = a === b ? 1 : clip(s);
    }
    return m;
  }
  // embedcore.neighbours.nearest: rank every stored row, then recompute the winners' scores from their rows
  function nearest(qid, qv, k) {
    const { d, n, q, scale, qnorm, special, exact } = model;
    const qn = norm(qv);
    let qq = 0; for (let j = 0; j < d; j++) qq += qv[j] * qv[j];
    const cos = [], dist = [];
    function offer(list, id, score, largest) {
      const better = (a, b) => largest ? (a.s > b.s || (a.s === b.s && a.id < b.id)) : (a.s < b.s || (a.s === b.s && a.id < b.id));
      const item = { id, s: score };
      if (list.length === k && !better(item, list[k - 1])) return;
      let i = list.length < k ? list.length : k - 1;
      list[i] = item;
      while (i > 0 && better(list[i], list[i - 1])) { const t = list[i]; list[i] = list[i - 1]; list[i - 1] = t; i--; }
    }
    const candidates = new Set();
    for (let i = 0; i < n; i++) candidates.add(i);
    for (const id of exact.keys()) candidates.add(id);
    for (const i of candidates) {
      if (i === qid || special.has(i)) continue;
      let c, dd;
      if (exact.has(i)) {
        const v = exact.get(i); let dot = 0, vv = 0;
        for (let j = 0; j < d; j++) { dot += qv[j] * v[j]; vv += v[j] * v[j]; }
        c = vv > 0 && qn > 0 ? clip(dot / (Math.sqrt(vv) * qn)) : NaN;
        dd = Math.sqrt(Math.max(0, vv + qq - 2 * dot));
      } else {
        if (!Number.isFinite(scale[i])) continue;
        let dot = 0;
        for (let j = 0, o = i * d; j < d; j++) dot += qv[j] * q[o + j];
        c = qnorm[i] > 0 && qn > 0 ? clip(dot / (qnorm[i] * qn)) : NaN;
        const s = scale[i];
        dd = Math.sqrt(Math.max(0, s * s * qnorm[i] * qnorm[i] + qq - 2 * s * dot));
      }
      if (!Number.isNaN(c)) offer(cos, i, c, true);
      offer(dist, i, dd, false);
    }
    const exactly = (list, metric) => list.map(({ id }) => {
      const v = model.vector(id);
      if (metric === 'cosine') {
        let dot = 0; for (let j = 0; j < d; j++) dot += qv[j] * v[j];
        return { id, s: clip(dot / (norm(v) * qn)) };
      }
      let s = 0; for (let j = 0; j < d; j++) { const t = v[j] - qv[j]; s += t * t; }
      return { id, s: Math.sqrt(s) };
    });
    return { cos: exactly(cos, 'cosine'), dist: exactly(dist, 'distance') };
  }

  // --- drawing
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else e.setAttribute(k, v);
    }
    for (const c of kids) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  function columns(d, max) {
    if (d <= max) return Array.from({ length: d }, (_, i) => i);
    return [...Array.from({ length: max - 2 }, (_, i) => i), null, d - 1];
  }
  function scroller(label, table) {
    return el('div', { class: 'pg-scroll', tabindex: '0', role: 'region', 'aria-label': label }, table);
  }
  function pieceLabel(p) { return p.text; }

  function flatTokens() {
    const toks = [];
    words.forEach((w, wi) => w.pieces.forEach((p, pi) => toks.push({ text: p.text, id: p.id, word: wi,
      cont: pi > 0, special: w.special, missing: !!w.missing })));
    return toks;
  }

  function render() {
    const dec = lesson.decimals;
    const toks = flatTokens();
    out.replaceChildren();
    out.hidden = false;
    const nWords = words.filter(w => !w.special).length;
    // 1. pieces
    const list = el('ul', { class: 'pg-tokens', 'aria-label': 'Tokens; choose one to see its nearest neighbours' });
    toks.forEach((t, i) => {
      const b = el('button', { type: 'button', class: 'pg-tok' + (t.cont ? ' cont' : '') + (t.special ? ' special' : ''),
        'aria-pressed': String(i === selected), 'data-pos': String(i) },
      el('span', { class: 'pg-piece', text: pieceLabel(t) }),
      el('span', { class: 'pg-id', text: t.id === null ? 'not in vocabulary' : 'id ' + group(t.id) }));
      if (t.id === null) b.disabled = true;
      b.addEventListener('click', () => { selected = i; render(); focusToken(i); });
      list.append(el('li', {}, b));
    });
    const how = model.data.tokenizer ? 'the model\u2019s WordPiece tokenizer; ## marks a piece that continues a word'
      : 'split at spaces, each word looked up in the vocabulary';
    out.append(el('h3', { text: 'Tokens' }),
      el('p', { class: 'muted', text: `${group(nWords)} word${nWords === 1 ? '' : 's'} \u2192 ${group(toks.length)} token${toks.length === 1 ? '' : 's'} (${how})` }),
      list);
    // 2. ids
    out.append(el('h3', { text: 'Ids' }),
      el('p', { class: 'pg-ids', text: toks.map(t => t.id === null ? '\u2014' : String(t.id)).join('  ') }));
    // 3. rows
    const shown = toks.filter(t => t.id !== null).slice(0, MAX_SHOWN);
    const cols = columns(model.d, lesson.maxColumns);
    const rowsTable = el('table', { class: 'pg-rows' });
    rowsTable.append(el('caption', { text: `The ${shown.length} looked-up row${shown.length === 1 ? '' : 's'} of the ${group(model.data.V)} \u00d7 ${group(model.d)} matrix` }));
    const hr = el('tr', {}, el('th', { scope: 'col', text: 'token' }), el('th', { scope: 'col', text: 'id' }));
    cols.forEach(c => hr.append(c === null ? el('th', { scope: 'col' }, el('span', { 'aria-hidden': 'true', text: '\u22ef' }),
      el('span', { class: 'pg-sr', text: 'hidden columns' })) : el('th', { scope: 'col', text: 'd' + c })));
    rowsTable.append(el('thead', {}, hr));
    const tb = el('tbody');
    const vectors = shown.map(t => model.vector(t.id));
    shown.forEach((t, i) => {
      const tr = el('tr', {}, el('th', { scope: 'row', text: t.text }), el('td', { text: String(t.id) }));
      const v = vectors[i];
      cols.forEach(c => tr.append(el('td', { text: c === null ? '\u22ef' : (v ? fmt(v[c], dec) : '\u2014') })));
      tb.append(tr);
    });
    rowsTable.append(tb);
    const notes = [];
    if (cols.includes(null)) notes.push(`\u22ef hidden columns (d = ${group(model.d)})`);
    if (toks.filter(t => t.id !== null).length > MAX_SHOWN) notes.push(`the first ${MAX_SHOWN} tokens shown`);
    if (shown.some((t, i) => !vectors[i])) notes.push('\u2014 this page holds no row for that token');
    out.append(el('h3', { text: 'Rows' }), scroller('Rows', rowsTable));
    if (notes.length) out.append(el('p', { class: 'muted', text: notes.join('; ') }));
    // 4. cosines
    const withRow = shown.map((t, i) => ({ t, v: vectors[i] })).filter(x => x.v);
    const m = pairwise(withRow.map(x => x.v));
    const ct = el('table', { class: 'pg-matrix' });
    ct.append(el('caption', { text: 'Cosine similarity of every pair' }));
    const ch = el('tr', {}, el('td', {}));
    withRow.forEach(x => ch.append(el('th', { scope: 'col', text: x.t.text })));
    ct.append(el('thead', {}, ch));
    const cb = el('tbody');
    withRow.forEach((x, a) => {
      const tr = el('tr', {}, el('th', { scope: 'row', text: x.t.text }));
      m[a].forEach(c => tr.append(el('td', { text: Number.isNaN(c) ? 'n/a' : fmt(c, dec) })));
      cb.append(tr);
    });
    ct.append(cb);
    out.append(el('h3', { text: 'Cosine similarity' }), scroller('Cosine similarity', ct));
    // 5. neighbours
    const sel = toks[selected];
    const qv = sel ? model.vector(sel.id) : null;
    out.append(el('h3', { id: 'pg-nn-h', text: sel ? `Nearest to \u201c${sel.text}\u201d (id ${group(sel.id)})` : 'Nearest neighbours' }));
    if (!qv) {
      out.append(el('p', { class: 'muted', text: sel ? 'This page holds no row for that token.' : 'Choose a token above.' }));
      return;
    }
    const nn = nearest(sel.id, qv, lesson.k);
    const side = el('div', { class: 'pg-nn' });
    [['By cosine (higher is closer)', nn.cos, 'cosine'], ['By distance (lower is closer)', nn.dist, 'distance']]
      .forEach(([title, list, what]) => {
        const t = el('table', {}, el('caption', { text: title }),
          el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'rank' }), el('th', { scope: 'col', text: 'token' }),
            el('th', { scope: 'col', text: what }))));
        const body = el('tbody');
        list.forEach((x, r) => body.append(el('tr', {}, el('td', { text: String(r + 1) }),
          el('th', { scope: 'row', text: model.vocab[x.id] }), el('td', { text: fmt(x.s, dec) }))));
        t.append(body);
        side.append(t);
      });
    out.append(side);
    const left = [`\u201c${sel.text}\u201d itself left out`];
    if (model.data.specialNote) left.push(model.data.specialNote);
    left.push(`searched: ${model.n === model.data.V ? 'all ' + group(model.n) + ' tokens' : 'the first ' + group(model.n) + ' tokens'}, in all ${group(model.d)} dimensions`);
    out.append(el('p', { class: 'muted', text: left.join('; ') + '.' }));
  }

  function focusToken(i) {
    const b = out.querySelector(`.pg-tok[data-pos="${i}"]`);
    if (b) b.focus();
  }

  function run(text) {
    if (!model) { status.textContent = 'Still loading the vectors\u2026'; return; }
    words = model.tk.encodeWords(text);
    const toks = flatTokens();
    selected = toks.findIndex(t => !t.special && t.id !== null);
    render();
    status.textContent = toks.length ? `${group(toks.length)} token${toks.length === 1 ? '' : 's'}. Choose a token to see its nearest neighbours.`
      : 'No tokens: type some text.';
  }

  form.addEventListener('submit', ev => { ev.preventDefault(); run(input.value); });

  // "try these tokens" beside each chapter
  document.querySelectorAll('#chapters li').forEach((li, i) => {
    const c = lesson.chapters[i];
    if (!c) return;
    const b = el('button', { type: 'button', class: 'pg-try', text: 'Try these tokens',
      'aria-label': `Try these tokens: ${c.text} (${c.title}), in the playground below` });
    b.addEventListener('click', () => {
      input.value = c.text;
      run(c.text);
      document.getElementById('playground').scrollIntoView({ behavior: reduceMotion ? 'auto' : 'smooth', block: 'start' });
      input.focus({ preventScroll: true });
    });
    li.append(b);
  });

  function ready(data) {
    try {
      model = makeModel(data);
    } catch (e) {
      status.textContent = 'The playground could not read its data file (' + lesson.asset + ').';
      return;
    }
    document.body.dataset.playground = 'ready';
    run(input.value);
  }
  const places = [lesson.asset, '../../' + lesson.asset];
  function load(i) {
    if (window.EmbedvizPlaygroundData) { ready(window.EmbedvizPlaygroundData); return; }
    if (i >= places.length) {
      status.textContent = 'The playground\u2019s data file (' + lesson.asset + ') was not found beside this page.';
      document.body.dataset.playground = 'missing';
      return;
    }
    const s = document.createElement('script');
    s.src = places[i];
    s.charset = 'utf-8';
    s.onload = () => load(window.EmbedvizPlaygroundData ? i : i + 1);
    s.onerror = () => { s.remove(); load(i + 1); };
    document.body.append(s);
  }
  load(0);
})();
