// Drives the lesson page in Debian's Chromium through playwright-core, for tests/test_page_a11y.py and
// tests/test_scorm.py. One command per run; prints one JSON object on stdout. Every run records the
// page's uncaught errors and console errors in `errors` (the tests fail on any).
//
//   node tests/page_driver.mjs audit URL OUTDIR NAME      axe-core (WCAG 2.2 AA) light + dark, screenshots
//   node tests/page_driver.mjs keyboard URL               chapters, transcript, toggle with the keyboard alone
//   node tests/page_driver.mjs motion URL                 prefers-reduced-motion: no smooth scrolling
//   node tests/page_driver.mjs open URL [URL...]          load each, nothing else (the errors it raises); with
//        several URLs (one browser for all): `pages`, each with its own `errors`
//   node tests/page_driver.mjs scorm URL OUT.json STEER [LAUNCH.json]   one launch in scorm-again's SCORM 1.2
//        runtime (LAUNCH: the CMI data an LMS loads; STEER: {"to": 0.5 | "end"}); OUT: the runtime's record
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const AXE = require.resolve('axe-core/axe.min.js');
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SCORM12 = path.join(ROOT, 'node_modules', 'scorm-again', 'dist', 'scorm12.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--mute-audio', '--autoplay-policy=no-user-gesture-required'];

const [cmd, url, ...rest] = process.argv.slice(2);
const errors = [];

async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ viewport: opts.viewport || { width: 1280, height: 900 },
    colorScheme: opts.colorScheme || 'light', reducedMotion: opts.reducedMotion || 'no-preference' });
  const page = await context.newPage();
  page.on('pageerror', e => errors.push(`pageerror: ${e.message}`));
  page.on('console', m => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
  page.on('request', r => {
    const u = r.url();
    // the only requests a page may make are for its own files (and its data: tracks); anything else would
    // need a network: no CDN, no web font
    if (!/^(file:|data:|blob:|about:|http:\/\/127\.0\.0\.1[:/])/.test(u)) errors.push(`network request: ${u}`);
  });
  return page;
}

async function load(page, target) {
  await page.goto(target, { waitUntil: 'load' });
  // a lesson page has run its script once it says whether it found an LMS
  await page.waitForFunction(() => !document.getElementById('lesson-data') || document.body.dataset.scorm !== undefined);
  // and a playground has loaded its vectors (or said they are missing) and drawn its tables
  await page.waitForFunction(() => !document.getElementById('playground') || document.body.dataset.playground !== undefined);
}

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async tags => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
    return { violations: r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({ target: n.target, summary: n.failureSummary })) })),
      passes: r.passes.length, passed: r.passes.map(v => v.id).sort(), inapplicable: r.inapplicable.map(v => v.id).sort(),
      // what axe could not decide (for a person to check): the rule, each node and axe's reason
      incomplete: r.incomplete.map(v => ({ id: v.id, nodes: v.nodes.map(n => ({ target: n.target,
        why: [...n.any, ...n.all, ...n.none].map(c => c.message).join(' ') })) })),
      version: window.axe.version };
  }, TAGS);
}

async function audit(browser, target, outdir, name) {
  const out = { runs: [], shots: [] };
  for (const scheme of ['light', 'dark']) {
    const page = await newPage(browser, { colorScheme: scheme });
    await load(page, target);
    const closed = await axe(page);
    // and again with the descriptions shown in the transcript (when the page has the toggle)
    let opened = null;
    if (await page.$('#desc-toggle:not([disabled])')) {
      await page.click('#desc-toggle');
      opened = await axe(page);
    }
    // axe cannot tell the contrast of a line the transcript box's scroll edge cuts ("incomplete"): once more
    // with the box at full height, every line in view, so each one's contrast is decided
    let unclipped = null;
    if (await page.$('#transcript')) {
      await page.evaluate(() => { document.getElementById('transcript').style.maxHeight = 'none'; });
      unclipped = await axe(page);
      await page.evaluate(() => { document.getElementById('transcript').style.maxHeight = ''; });
    }
    const playground = await page.evaluate(() => document.getElementById('playground') ? {
      state: document.body.dataset.playground || null, tokens: document.querySelectorAll('#pg-out .pg-tok').length,
      tables: document.querySelectorAll('#pg-out table').length } : null);
    out.runs.push({ scheme, closed, opened, unclipped, playground });
    // 320 px: WCAG 1.4.10 reflow (no sideways scrolling at 320 CSS px, as at 400% zoom of 1280)
    for (const [label, width, height] of [['phone', 390, 844], ['reflow', 320, 640], ['desktop', 1280, 900]]) {
      await page.setViewportSize({ width, height });
      const file = path.join(outdir, `${name}-${label}-${scheme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      // what sticks out (for the message): elements whose right edge passes the screen's, outermost first
      const wide = overflow <= 0 ? [] : await page.evaluate(() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
        .slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + String(e.className).split(' ').join('.') : ''} (${Math.round(e.getBoundingClientRect().right)} px)`));
      out.shots.push({ file, width, scheme, overflow, wide });
    }
    await page.context().close();
  }
  return out;
}

async function keyboard(browser, target) {
  const page = await newPage(browser);
  // the page plays after a seek; here it only seeks, so where a key sent the video is where it stays
  await page.addInitScript(() => { HTMLMediaElement.prototype.play = function () { return Promise.resolve(); }; });
  await load(page, target);
  await page.evaluate(() => { document.getElementById('video').muted = true; });
  const focus = () => page.evaluate(() => {
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    return { tag: el.tagName, id: el.id, text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 60),
      chapter: !!el.closest('#chapters'), line: el.closest('#transcript p') ? +el.closest('p').dataset.i : null,
      desc: !!el.closest('#transcript .desc'), pg: !!el.closest('#playground'), cls: el.className || '',
      outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2, t: el.closest('[data-t]') ?
        parseFloat(el.closest('[data-t]').dataset.t) : null };
  });
  const walk = [];
  // Tab through the whole page (whatever sections it has) until the focus leaves it
  for (let k = 0; k < 400; k++) {
    await page.keyboard.press('Tab');
    const f = await focus();
    if (f.tag === 'BODY') break;
    walk.push(f);
  }
  const result = { walk };
  // Enter on the second chapter, Space on the last transcript line: each seeks the video there
  const press = async (selector, key) => {
    await page.focus(selector);
    const landed = page.evaluate(() => new Promise(res => {
      const v = document.getElementById('video');
      v.addEventListener('seeked', () => { const at = v.currentTime; v.pause(); res(at); }, { once: true });
      setTimeout(() => res(null), 8000);
    }));
    await page.keyboard.press(key);
    return { landed: await landed, focus: await focus() };
  };
  result.chapter = await press('#chapters li:nth-child(2) button', 'Enter');
  result.line = await press('#transcript p:last-of-type button', ' ');
  await page.focus('#desc-toggle');
  await page.keyboard.press(' ');
  result.toggle = await page.evaluate(() => ({ pressed: document.getElementById('desc-toggle').getAttribute('aria-pressed'),
    shown: Array.from(document.querySelectorAll('#transcript .desc')).filter(d => d.offsetHeight > 0).length,
    all: document.querySelectorAll('#transcript .desc').length }));
  await page.keyboard.press('Enter');
  result.toggle_again = await page.evaluate(() => document.getElementById('desc-toggle').getAttribute('aria-pressed'));
  await page.keyboard.press('Enter');
  result.desc = await press('#transcript .desc:last-of-type button', 'Enter');
  await page.waitForTimeout(300);
  result.live = await page.evaluate(() => document.getElementById('desc-live').textContent);
  if (await page.$('#playground')) result.playground = await playgroundKeys(page, focus);
  return result;
}

async function playgroundKeys(page, focus) {
  // the playground with the keyboard alone: a chapter's "try these tokens" link (Enter), a sentence typed
  // and sent (Enter), then Tab to another token and Enter: its nearest neighbours
  const out = {};
  const state = () => page.evaluate(() => ({ text: document.getElementById('pg-text').value,
    tokens: Array.from(document.querySelectorAll('#pg-out .pg-tok')).map(b => b.querySelector('.pg-piece').textContent),
    pressed: Array.from(document.querySelectorAll('#pg-out .pg-tok')).findIndex(b => b.getAttribute('aria-pressed') === 'true'),
    heading: (document.getElementById('pg-nn-h') || {}).textContent || null,
    neighbours: document.querySelectorAll('#pg-out .pg-nn tbody tr').length,
    status: document.getElementById('pg-status').textContent }));
  const tries = await page.$$('#chapters .pg-try');
  out.tries = tries.length;
  if (tries.length) {
    await tries[tries.length - 1].focus();
    await page.keyboard.press('Enter');
    out.tried = { ...(await state()), focus: await focus() };
  }
  await page.focus('#pg-text');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('the cat sat');
  await page.keyboard.press('Enter');
  out.typed = await state();
  // Tab from the text box to the second token
  let k = 0;
  for (; k < 20; k++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement.dataset.pos === '1')) break;
  }
  out.tabs = k + 1;
  await page.keyboard.press('Enter');
  out.chosen = { ...(await state()), focus: await focus() };
  return out;
}

async function openOnly(browser, target) {
  const page = await newPage(browser);
  await load(page, target);
  await page.waitForTimeout(500);
  return page.evaluate(async () => {
    const v = document.getElementById('video');
    // each text track with the cues the browser loaded (on file:// from the page's data: URLs)
    for (let k = 0; k < 50 && Array.from(v.textTracks).some(t => !t.cues || !t.cues.length); k++)
      await new Promise(r => setTimeout(r, 100));
    return { scorm: document.body.dataset.scorm,
      tracks: Array.from(v.querySelectorAll('track')).map(el => ({ kind: el.kind, label: el.label, state: el.readyState,
        cues: el.track.cues ? Array.from(el.track.cues).map(c => [c.startTime, c.endTime, c.text]) : null })) };
  });
}

async function openEach(browser, targets) {
  // each page's errors apart (from the shared list, by where it stood before that page), then the page closed
  const pages = [];
  for (const target of targets) {
    const before = errors.length;
    const seen = await openOnly(browser, target);
    await browser.contexts().at(-1).close();
    pages.push({ url: target, ...seen, errors: errors.splice(before) });
  }
  return pages;
}

async function motion(browser, target) {
  const out = {};
  for (const pref of ['reduce', 'no-preference']) {
    const page = await newPage(browser, { reducedMotion: pref, viewport: { width: 1280, height: 700 } });
    await load(page, target);
    out[pref] = await page.evaluate(() => new Promise(res => {
      const v = document.getElementById('video'), box = document.getElementById('transcript');
      box.style.maxHeight = '4rem';            // a short box, so the current line must scroll into view
      const last = box.querySelector('p:last-of-type');
      const r = { behavior: getComputedStyle(box).scrollBehavior, before: box.scrollTop };
      v.addEventListener('seeked', () => {
        // right after the page's own 'seeked' handler asked to scroll (it was added first), and once any
        // smooth scroll has had time to finish
        r.soon = box.scrollTop;
        setTimeout(() => { r.later = box.scrollTop; res(r); }, 2000);
      }, { once: true });
      v.currentTime = parseFloat(last.dataset.t) + 0.05;
    }));
    await page.context().close();
  }
  return out;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS, headless: true });
let result;
try {
  if (cmd === 'audit') result = await audit(browser, url, rest[0], rest[1]);
  else if (cmd === 'keyboard') result = await keyboard(browser, url);
  else if (cmd === 'motion') result = await motion(browser, url);
  else if (cmd === 'open' && rest.length === 0) result = await openOnly(browser, url);
  else if (cmd === 'open') result = { pages: await openEach(browser, [url, ...rest]) };
  else if (cmd === 'scorm') result = await scormRun(browser, url, rest[0]);
  else throw new Error(`unknown command ${cmd}`);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ ...result, errors }));

async function scormRun(browser, target, recordFile) {
  // the record is read in the page before it unloads: LMSFinish runs on pagehide, so capture the API's
  // state from a pagehide listener registered after the page's own
  const steer = JSON.parse(rest[1] || '{}');
  const launch = rest[2] ? JSON.parse(readFileSync(rest[2], 'utf8')) : null;      // what the LMS stored, if any
  const page = await newPage(browser);
  const lib = readFileSync(SCORM12, 'utf8');
  let captured = null;
  await page.exposeFunction('__capture', rec => { captured = rec; });
  await page.addInitScript({ content: `${lib}
    window.__log = [];
    window.API = new Scorm12API({ logLevel: 5, autocommit: false });
    (function () {
      const launch = ${JSON.stringify(launch)};
      if (launch) window.API.loadFromJSON(launch);
      for (const ev of ['LMSInitialize', 'LMSSetValue', 'LMSCommit', 'LMSFinish'])
        window.API.on(ev, (k, v) => window.__log.push(v === undefined ? [ev] : [ev, k, v]));
      window.addEventListener('load', () => window.addEventListener('pagehide', () => {
        window.__capture({ log: window.__log, cmi: JSON.parse(JSON.stringify(window.API.cmi)),
          commit: JSON.parse(JSON.stringify(window.API.renderCommitCMI(true))),
          finished: window.API.isTerminated(), lastError: String(window.API.LMSGetLastError()) });
      }));
    })();` });
  await load(page, target);
  const seen = await page.evaluate(async steer => {
    const v = document.getElementById('video');
    v.muted = true;
    if (v.readyState < 1) await new Promise(r => v.addEventListener('loadedmetadata', r, { once: true }));
    await new Promise(r => setTimeout(r, 300));
    const out = { duration: v.duration, start: v.currentTime, resumed: document.body.dataset.resumed || null };
    const target = steer.to === 'end' ? v.duration : steer.to * v.duration;
    await v.play();
    await new Promise(r => {
      const tick = () => (v.ended || v.currentTime >= target) ? r() : setTimeout(tick, 30);
      tick();
    });
    if (!v.ended) v.pause();
    await new Promise(r => setTimeout(r, 300));
    out.stopped = v.currentTime;
    out.ended = v.ended;
    return out;
  }, steer);
  await page.close({ runBeforeUnload: true });
  for (let k = 0; k < 50 && captured === null; k++) await new Promise(r => setTimeout(r, 100));
  if (captured) writeFileSync(recordFile, JSON.stringify(captured, null, 1));
  return { seen, record: captured };
}
