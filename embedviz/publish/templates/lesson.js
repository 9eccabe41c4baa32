(function () {
  const data = JSON.parse(document.getElementById('lesson-data').textContent);
  const video = document.getElementById('video');
  const box = document.getElementById('transcript');
  const toggle = document.getElementById('desc-toggle');
  const live = document.getElementById('desc-live');

  function vtt(cues, text) {
    const ts = t => new Date(Math.round(t * 1000)).toISOString().slice(11, 23);
    return 'WEBVTT\n\n' + cues.map((c, i) =>
      `${i + 1}\n${ts(c.start)} --> ${ts(Math.max(c.end, c.start + 0.001))}\n${text(c).replace(/-->/g, '\u2192')}\n`).join('\n');
  }
  // No <track> is "default" in the HTML: a track loads only once its mode leaves "disabled", so on file://
  // none has tried (and failed: no origin there) before it is replaced here by the same cues as a data: URL.
  // On http(s) and in an LMS the files load as they are; captions are switched on below either way.
  if (location.protocol === 'file:') {
    const made = {captions: vtt(data.cues, c => c.text), descriptions: vtt(data.descriptions, c => c.text),
                  chapters: vtt(data.chapters, c => c.title)};
    video.querySelectorAll('track').forEach(old => {
      const t = document.createElement('track');
      for (const a of ['kind', 'srclang', 'label']) t.setAttribute(a, old.getAttribute(a));
      t.src = 'data:text/vtt;charset=utf-8,' + encodeURIComponent(made[old.kind] || 'WEBVTT\n');
      old.replaceWith(t);
    });
  }
  for (const t of video.textTracks) t.mode = t.kind === 'captions' ? 'showing' : 'hidden';

  function seek(t) { video.currentTime = t; if (video.paused) video.play().catch(() => {}); }
  document.querySelectorAll('#chapters button').forEach(el =>
    el.addEventListener('click', () => seek(parseFloat(el.dataset.t))));
  box.querySelectorAll('[data-t]').forEach(el =>
    el.addEventListener('click', () => seek(parseFloat(el.dataset.t))));

  // audio description in the transcript: a toggle (aria-pressed); while on, each description is also
  // announced to screen readers as it starts
  toggle.addEventListener('click', () => {
    const on = toggle.getAttribute('aria-pressed') !== 'true';
    toggle.setAttribute('aria-pressed', String(on));
    box.classList.toggle('show-desc', on);
    lastDesc = -2;
    follow();
  });

  const reduce = window.matchMedia('(prefers-reduced-motion: reduce)');
  const lines = Array.from(box.querySelectorAll('p[data-i]'));
  const descs = Array.from(box.querySelectorAll('.desc'));
  const chapterItems = Array.from(document.querySelectorAll('#chapters li'));
  function index(list, t) {
    let i = -1;
    for (let k = 0; k < list.length; k++) if (list[k].start <= t + 1e-3) i = k;
    return i;
  }
  function reveal(el) {
    // keep the current line in view: scrolls only the transcript box, never the page; CSS makes it smooth
    // only when the reader has not asked for reduced motion (then it jumps)
    const top = el.offsetTop - box.offsetTop;
    if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - el.offsetHeight)
      box.scrollTo({top: top - box.clientHeight / 3, behavior: reduce.matches ? 'instant' : 'smooth'});
  }
  let current = -1, currentChapter = -1, currentDesc = -1, lastDesc = -1;
  function follow() {
    const t = video.currentTime;
    const showDesc = box.classList.contains('show-desc');
    const i = index(data.lines, t);
    if (i !== current) {
      if (current >= 0) lines[current].classList.remove('now');
      if (i >= 0) { lines[i].classList.add('now'); reveal(lines[i]); }
      current = i;
    }
    const d = index(data.descriptions, t);
    if (d !== currentDesc) {
      if (currentDesc >= 0) descs[currentDesc].classList.remove('now');
      if (d >= 0) descs[d].classList.add('now');
      currentDesc = d;
    }
    if (showDesc && d >= 0 && d !== lastDesc && t < data.descriptions[d].end) {
      live.textContent = data.descriptions[d].text;
      if (i < 0 || data.descriptions[d].start >= data.lines[i].start) reveal(descs[d]);
      lastDesc = d;
    }
    const c = index(data.chapters, t);
    if (c !== currentChapter) {
      if (currentChapter >= 0) chapterItems[currentChapter].classList.remove('now');
      if (c >= 0) chapterItems[c].classList.add('now');
      currentChapter = c;
    }
    document.body.dataset.cue = String(current);
    document.body.dataset.chapter = String(currentChapter);
    document.body.dataset.description = String(currentDesc);
  }
  video.addEventListener('timeupdate', follow);
  video.addEventListener('seeked', follow);

  // SCORM 1.2 (an LMS's window.API here or in a parent): completion when the video has played to its end;
  // while incomplete, the position in cmi.core.lesson_location (seconds) with cmi.core.exit = "suspend",
  // so a relaunch resumes there; cmi.core.session_time on finish. Without an LMS, nothing.
  function findAPI(win) {
    for (let n = 0; win && n < 12; n++) {
      try { if (win.API) return win.API; } catch (e) { return null; }
      if (!win.parent || win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  let api = findAPI(window);
  if (!api && window.opener) { try { api = findAPI(window.opener); } catch (e) { api = null; } }
  let open = false, completed = false, resumeAt = 0, ready = false;
  const began = Date.now();
  const get = k => String(api.LMSGetValue(k));
  const set = (k, v) => api.LMSSetValue(k, v);
  if (api) {
    try {
      open = String(api.LMSInitialize('')) === 'true';
      if (open) {
        const status = get('cmi.core.lesson_status');
        completed = status === 'completed' || status === 'passed';
        if (status === 'not attempted' || status === '') set('cmi.core.lesson_status', 'incomplete');
        if (!completed) {
          const at = parseFloat(get('cmi.core.lesson_location'));
          if (at > 0) resumeAt = at;
          set('cmi.core.exit', 'suspend');
        }
      }
    } catch (e) { open = false; }
  }
  function timespan(ms) {      // CMITimespan: HHHH:MM:SS.SS
    const cs = Math.round(ms / 10);
    const h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = (cs % 6000) / 100;
    return String(h).padStart(4, '0') + ':' + String(m).padStart(2, '0') + ':' + s.toFixed(2).padStart(5, '0');
  }
  let saved = -1;
  function keepPlace(commit) {
    if (!open || completed || !ready) return;
    const at = video.currentTime.toFixed(1);
    try {
      if (at !== saved) { set('cmi.core.lesson_location', at); saved = at; }
      if (commit) api.LMSCommit('');
    } catch (e) {}
  }
  function start() {
    if (ready) return;
    if (resumeAt > 0 && resumeAt < video.duration - 0.5) {
      video.currentTime = resumeAt;
      document.body.dataset.resumed = String(resumeAt);
    }
    ready = true;
  }
  if (video.readyState >= 1) start(); else video.addEventListener('loadedmetadata', start);
  let lastSave = 0;
  video.addEventListener('timeupdate', () => {
    if (Date.now() - lastSave > 5000) { lastSave = Date.now(); keepPlace(false); }
  });
  video.addEventListener('pause', () => { if (!video.ended) keepPlace(true); });
  video.addEventListener('ended', () => {
    document.body.dataset.ended = '1';
    if (!open || completed) return;
    completed = true;
    try {
      set('cmi.core.lesson_status', 'completed');
      set('cmi.core.exit', '');
      set('cmi.core.session_time', timespan(Date.now() - began));
      api.LMSCommit('');
    } catch (e) {}
  });
  let finished = false;
  function finish() {
    if (!open || finished) return;
    finished = true;
    keepPlace(false);
    try { set('cmi.core.session_time', timespan(Date.now() - began)); api.LMSFinish(''); } catch (e) {}
  }
  window.addEventListener('pagehide', finish);
  window.addEventListener('beforeunload', finish);
  document.body.dataset.scorm = open ? 'connected' : 'none';
  follow();
})();
