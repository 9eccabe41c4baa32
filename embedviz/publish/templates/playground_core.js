// The playground's arithmetic, without the page (tests run it under node): numbers formatted as the
// video formats them (embedcore.storyboard.fmt), the asset decoded, cosines as embedcore.similarity,
// neighbours as embedcore.neighbours.nearest.
(function (root) {
  'use strict';
  const MINUS = '\u2212';
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

  function makeModel(data, lesson) {
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
    const wp = root.EmbedvizWordPiece;
    const tk = data.tokenizer ? wp.makeTokenizer(spec) : wp.makeWhitespace(spec);
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
  function nearest(model, qid, qv, k) {
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

  function columns(d, max) {
    if (d <= max) return Array.from({ length: d }, (_, i) => i);
    return [...Array.from({ length: max - 2 }, (_, i) => i), null, d - 1];
  }
  const api = { fmt, group, b85decode, makeModel, pairwise, nearest, columns, norm };
  root.EmbedvizPlaygroundCore = api;
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
})(typeof window !== 'undefined' ? window : globalThis);
