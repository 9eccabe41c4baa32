// Drives the lesson page's playground in Debian's Chromium through playwright-core (the page's own driver,
// tests/page_driver.mjs, audits the whole page with axe-core; this one walks the playground), for
// tests/test_playground_browser.py. One command per run; prints one JSON object on stdout, with the page's
// uncaught errors, console errors and any request that would need a network in `errors`.
//
//   node tests/playground_driver.mjs keyboard URL JOB.json   the keyboard alone: a chapter's "Try these tokens",
//        typing a sentence, choosing tokens (JOB: {"chapter": i, "text": "...", "pick": j})
//   node tests/playground_driver.mjs ready URL               load it, wait for the playground, read what it shows
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--mute-audio'];

const [cmd, url, jobFile] = process.argv.slice(2);
const errors = [];

async function open(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // the chapter list's buttons seek and play the video; here only the keys matter
  await page.addInitScript(() => { HTMLMediaElement.prototype.play = function () { return Promise.resolve(); }; });
  page.on('pageerror', e => errors.push(`pageerror: ${e.message}`));
  page.on('console', m => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
  page.on('request', r => {
    if (!/^(file:|data:|blob:|about:)/.test(r.url())) errors.push(`network request: ${r.url()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.playground !== undefined, null, { timeout: 60000 });
  return page;
}

// what the playground shows now, read from the page as a learner sees it
const shown = page => page.evaluate(() => {
  const text = el => el ? el.textContent.trim() : null;
  const table = caption => {
    const t = Array.from(document.querySelectorAll('#pg-out .pg-nn table'))
      .find(x => x.caption && x.caption.textContent.startsWith(caption));
    return t ? Array.from(t.tBodies[0].rows).map(r => [r.cells[1].textContent, r.cells[2].textContent]) : null;
  };
  return {
    state: document.body.dataset.playground, status: text(document.getElementById('pg-status')),
    input: document.getElementById('pg-text').value,
    tokens: Array.from(document.querySelectorAll('#pg-out .pg-tok')).map(b => ({
      piece: b.querySelector('.pg-piece').textContent, id: b.querySelector('.pg-id').textContent,
      pressed: b.getAttribute('aria-pressed') })),
    ids: text(document.querySelector('#pg-out .pg-ids')),
    nearest: text(document.querySelector('#pg-out #pg-nn-h')),
    byCosine: table('By cosine'), byDistance: table('By distance'),
    precision: text(document.getElementById('pg-precision')),
  };
});

const focus = page => page.evaluate(() => {
  const el = document.activeElement;
  const cs = getComputedStyle(el);
  return { tag: el.tagName, id: el.id, cls: el.className, pos: el.dataset.pos === undefined ? null : +el.dataset.pos,
    label: (el.getAttribute('aria-label') || el.innerText || '').trim().slice(0, 80),
    inPlayground: !!el.closest('#playground'), tryLink: el.classList.contains('pg-try'),
    outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 };
});

async function tabUntil(page, test, limit = 300) {
  const walk = [];
  for (let k = 0; k < limit; k++) {
    await page.keyboard.press('Tab');
    const f = await focus(page);
    walk.push(f);
    if (test(f) || f.tag === 'BODY') return walk;
  }
  return walk;
}

async function keyboard(browser, job) {
  const page = await open(browser);
  await page.waitForFunction(() => document.body.dataset.playground === 'ready', null, { timeout: 60000 });
  const out = { first: await shown(page) };
  // 1. Tab from the top to the chosen chapter's "Try these tokens"; Enter loads its tokens
  let tries = 0;
  out.toTry = await tabUntil(page, f => f.tryLink && tries++ === job.chapter);
  await page.keyboard.press('Enter');
  out.afterTry = { focus: await focus(page), shown: await shown(page) };
  // 2. type a sentence over the input's text; Enter looks it up
  await page.keyboard.press('Control+A');
  await page.keyboard.type(job.text);
  await page.keyboard.press('Enter');
  out.typed = await shown(page);
  // 3. Tab to the chosen token; Enter picks it (its neighbours), and the focus stays on it
  out.toToken = await tabUntil(page, f => f.pos === job.pick);
  await page.keyboard.press('Enter');
  out.picked = { focus: await focus(page), shown: await shown(page) };
  // 4. the next token with Space
  await page.keyboard.press('Tab');
  await page.keyboard.press(' ');
  out.spaced = { focus: await focus(page), shown: await shown(page) };
  // 5. on through the rest of the playground until the focus leaves it
  out.rest = await tabUntil(page, f => !f.inPlayground);
  return out;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS, headless: true });
let result;
try {
  if (cmd === 'keyboard') result = await keyboard(browser, JSON.parse(readFileSync(jobFile, 'utf8')));
  else if (cmd === 'ready') {
    const page = await open(browser);
    result = await shown(page);
  } else throw new Error(`unknown command ${cmd}`);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ ...result, errors }));
