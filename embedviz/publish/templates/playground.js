// The lesson page's playground (embedviz/publish/playground.py builds its data). The vectors come in one
// shared script, playground-<hash>.js, loaded with <script src> (fetch fails on file://): at the output
// root two folders up, or beside the page in a one-lesson package. Numbers are formatted as the video formats
// them (embedcore.storyboard.fmt); the lesson's own tokens use their exact rows.
(function () {
  'use strict';
  const lesson = JSON.parse(document.getElementById('playground-data').textContent);
  const form = document.getElementById('pg-form');
  const input = document.getElementById('pg-text');
  const status = document.getElementById('pg-status');
  const out = document.getElementById('pg-out');
  const MAX_SHOWN = 16;              // tokens in the rows and cosine tables, as the video's segments
  const reduceMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  let model = null, words = [], selected = -1;
  const { fmt, group, makeModel, pairwise, nearest, columns } = window.EmbedvizPlaygroundCore;

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
    const nn = nearest(model, sel.id, qv, lesson.k);
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

  // "try these tokens" beside each chapter, added once the page's own script has run
  function addTryButtons() {
    document.querySelectorAll('#chapters li').forEach((li, i) => {
      const c = lesson.chapters[i];
      if (!c) return;
      // a link to the playground (not a button: the chapter list's buttons are the page's, and seek)
      const b = el('a', { href: '#playground', class: 'pg-try', text: 'Try these tokens',
        'aria-label': `Try these tokens: ${c.text} (${c.title}), in the playground below` });
      b.addEventListener('click', ev => {
        ev.preventDefault();
        input.value = c.text;
        run(c.text);
        document.getElementById('playground').scrollIntoView({ behavior: reduceMotion ? 'auto' : 'smooth', block: 'start' });
        input.focus({ preventScroll: true });
      });
      li.append(b);
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', addTryButtons);
  else addTryButtons();

  function ready(data) {
    try {
      model = makeModel(data, lesson);
    } catch (e) {
      status.textContent = 'The playground could not read its data file (' + lesson.asset + ').';
      return;
    }
    document.body.dataset.playground = 'ready';
    run(input.value);
  }
  // one place, decided when the page was written (a package's copy of the page points beside itself)
  const script = document.createElement('script');
  script.src = lesson.src;
  script.charset = 'utf-8';
  script.onload = () => { if (window.EmbedvizPlaygroundData) ready(window.EmbedvizPlaygroundData); else missing(); };
  script.onerror = missing;
  function missing() {
    status.textContent = 'The playground\u2019s data file (' + lesson.src + ') is missing, so it cannot run here.';
    document.body.dataset.playground = 'missing';
  }
  document.body.append(script);
})();
