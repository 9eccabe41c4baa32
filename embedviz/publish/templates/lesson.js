(function () {
  const data = JSON.parse(document.getElementById('lesson-data').textContent);
  const video = document.getElementById('video');
  if (location.protocol === 'file:') {
    // <track> files do not load on file:// (no origin): build the same tracks from the embedded cues
    video.querySelectorAll('track').forEach(t => t.remove());
    const caps = video.addTextTrack('captions', 'English', 'en');
    data.cues.forEach(c => caps.addCue(new VTTCue(c.start, c.end, c.text)));
    caps.mode = 'showing';
    const chs = video.addTextTrack('chapters', 'Chapters', 'en');
    data.chapters.forEach(c => chs.addCue(new VTTCue(c.start, c.end, c.title)));
    chs.mode = 'hidden';
  } else {
    for (const t of video.textTracks) if (t.kind === 'captions') t.mode = 'showing';
  }
  function seek(t) { video.currentTime = t; if (video.paused) video.play().catch(() => {}); }
  document.querySelectorAll('#chapters button, #transcript p').forEach(el => {
    el.addEventListener('click', () => seek(parseFloat(el.dataset.t)));
    el.addEventListener('keydown', ev => { if (ev.key === 'Enter') seek(parseFloat(el.dataset.t)); });
  });
  const lines = Array.from(document.querySelectorAll('#transcript p'));
  const chapterItems = Array.from(document.querySelectorAll('#chapters li'));
  const box = document.getElementById('transcript');
  let current = -1, currentChapter = -1;
  function follow() {
    const t = video.currentTime;
    let i = -1;
    for (let k = 0; k < data.lines.length; k++) if (data.lines[k].start <= t + 1e-3) i = k;
    if (i !== current) {
      if (current >= 0) lines[current].classList.remove('now');
      if (i >= 0) {
        lines[i].classList.add('now');
        const top = lines[i].offsetTop - box.offsetTop;
        if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - lines[i].offsetHeight)
          box.scrollTop = top - box.clientHeight / 3;
      }
      current = i;
    }
    let c = -1;
    for (let k = 0; k < data.chapters.length; k++) if (data.chapters[k].start <= t + 1e-3) c = k;
    if (c !== currentChapter) {
      if (currentChapter >= 0) chapterItems[currentChapter].classList.remove('now');
      if (c >= 0) chapterItems[c].classList.add('now');
      currentChapter = c;
    }
    document.body.dataset.cue = String(current);
    document.body.dataset.chapter = String(currentChapter);
  }
  video.addEventListener('timeupdate', follow);
  video.addEventListener('seeked', follow);

  // SCORM 1.2: report completion when the video has played to its end; nothing without an LMS
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
  let open = false;
  if (api) {
    try {
      open = String(api.LMSInitialize('')) === 'true';
      if (open && api.LMSGetValue('cmi.core.lesson_status') === 'not attempted')
        api.LMSSetValue('cmi.core.lesson_status', 'incomplete');
    } catch (e) { open = false; }
  }
  video.addEventListener('ended', () => {
    document.body.dataset.ended = '1';
    if (!open) return;
    try { api.LMSSetValue('cmi.core.lesson_status', 'completed'); api.LMSCommit(''); } catch (e) {}
  });
  let finished = false;
  function finish() {
    if (!open || finished) return;
    finished = true;
    try { api.LMSFinish(''); } catch (e) {}
  }
  window.addEventListener('pagehide', finish);
  window.addEventListener('beforeunload', finish);
  document.body.dataset.scorm = open ? 'connected' : 'none';
  follow();
})();
