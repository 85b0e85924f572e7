// The status page: the state from api/status, then every change from api/events (server-sent events
// read with fetch, so that a bearer token can go with them). Text only ever goes in through
// textContent: nothing from an event is taken as HTML.
'use strict';

const state = { targets: [], running: new Map(), history: [], reactions: new Map() };

function token() { return sessionStorage.getItem('backup-worker-token'); }
function headers() { return token() ? { Authorization: 'Bearer ' + token() } : {}; }

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (k === 'class') node.className = v; else node.setAttribute(k, v);
  });
  children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c))));
  return node;
}

function bytes(n) {
  if (n == null || n < 0) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return i === 0 ? n + ' B' : n.toFixed(1) + ' ' + units[i];
}

function age(iso) {
  if (!iso) return '';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return Math.round(s) + 's';
  if (s < 3600) return Math.round(s / 60) + 'm';
  if (s < 86400) return Math.floor(s / 3600) + 'h ' + Math.round(s / 60 % 60) + 'm';
  return Math.floor(s / 86400) + 'd ' + Math.round(s / 3600 % 24) + 'h';
}

function duration(job) {
  const ms = Date.parse(job.lastAt) - Date.parse(job.firstAt);
  return ms < 10000 ? (ms / 1000).toFixed(1) + 's' : Math.round(ms / 1000) + 's';
}

function renderTargets() {
  const body = document.querySelector('#targets tbody');
  body.replaceChildren(...state.targets.map(t => el('tr', { 'data-target': t.name },
    el('td', {}, t.name, t.isProtected ? ' (protected)' : ''),
    el('td', { class: 'last-good' }, t.lastGood ? el('code', {}, t.lastGood.key) : (t.storageError || 'none')),
    el('td', {}, t.lastGood ? age(t.lastGood.completedAt || t.lastGood.storedAt) : ''),
    el('td', { class: 'schedule' }, t.schedule ? el('code', {}, t.schedule) : 'off'),
    el('td', { class: 'next-run' }, t.nextRun ? new Date(t.nextRun).toISOString().replace('.000Z', 'Z') : ''),
    el('td', { class: 'overdue-state' }, t.overdue === true ? el('span', { class: 'overdue' }, 'OVERDUE since ' + age(t.overdueAt))
      : t.overdue === false ? 'no' : ''),
    el('td', { class: 'drills' }, drills(t)),
    el('td', {}, el('ul', { class: 'archives' }, (t.archives || []).map(a => el('li', {},
      el('code', {}, a.key.split('/').pop()), ' ', bytes(a.bytes), ' ',
      a.problem ? el('span', { class: 'incomplete' }, 'incomplete (' + a.problem + ')') : (a.sha256 || '').slice(0, 12))))))));
}

function millis(ms) {
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  return age(new Date(Date.now() - ms).toISOString());
}

// The target's drill schedule and its newest drills (from their reports in the store), each with its
// verdict, age, restore time against the objective, and the checks that failed; the report's key on hover.
function drills(t) {
  return [
    el('div', { class: 'drill-schedule' }, t.drillSchedule ? el('code', {}, t.drillSchedule) : 'on demand only'),
    el('ul', {}, (t.drills || []).map(d => el('li', { class: 'drill ' + (d.passed ? 'passed' : 'failed'), title: d.report },
      el('span', { class: 'outcome ' + (d.passed ? 'completed' : 'failed') }, d.passed ? 'passed' : 'FAILED'),
      ' ' + age(d.completedAt || d.startedAt) + ' ago',
      d.restoreMs == null ? '' : ' · restore ' + millis(d.restoreMs) + ', RTO ' + millis(d.rtoMs),
      d.failedChecks.length ? ' · ' + d.failedChecks.join(', ') : '',
      d.errorCode ? ' · could not run: ' + d.errorCode : '')))];
}

function renderRunning() {
  const box = document.getElementById('running');
  const jobs = [...state.running.values()].filter(j => j.outcome === 'RUNNING');
  if (jobs.length === 0) {
    box.replaceChildren(el('p', { class: 'empty' }, 'No job is running.'));
    return;
  }
  box.replaceChildren(...jobs.map(job => {
    const p = job.progress;
    const percent = p && p.percent >= 0 ? p.percent : null;
    const fill = el('div', { class: 'fill' });
    fill.style.width = (percent == null ? 0 : percent) + '%';
    return el('div', { class: 'job', 'data-job': job.jobId, 'data-command': job.commandId || '' },
      el('div', { class: 'title' }, el('strong', {}, job.target || '?'), job.kind,
        el('span', { class: 'stage' }, job.stage), job.requestedBy ? 'asked by ' + job.requestedBy : '',
        job.restoreJobId ? 'after restore ' + job.restoreJobId.slice(0, 8) : ''),
      el('div', { class: 'bar' }, fill),
      el('div', { class: 'figures' }, percent == null ? '' : percent + '%  ',
        p ? bytes(p.bytesDone) + (p.bytesTotal > 0 ? ' of ~' + bytes(p.bytesTotal) : '') : ''));
  }));
}

function renderHistory() {
  const body = document.querySelector('#history tbody');
  body.replaceChildren(...state.history.map(job => el('tr', { class: 'job', 'data-job': job.jobId, 'data-command': job.commandId || '' },
    el('td', {}, new Date(job.lastAt).toLocaleString()),
    el('td', {}, job.target || ''),
    el('td', {}, job.kind + ' ', el('code', {}, job.jobId.slice(0, 8))),
    el('td', {}, el('span', { class: 'outcome ' + job.outcome.toLowerCase() }, job.outcome.toLowerCase())),
    el('td', {}, job.requestedBy || '', job.reason ? ' — ' + job.reason : ''),
    el('td', {}, duration(job)),
    el('td', {}, job.error ? job.error.code + ': ' + job.error.message : job.archive ? el('code', {}, job.archive.key) : ''),
    el('td', {}, el('ul', { class: 'reactions' }, reactionsOf(job.jobId).map(r => el('li', { 'data-reaction': r.kind },
      r.kind + ' ' + r.outcome.toLowerCase() + (r.error ? ' (' + r.error.code + ')' : ''))))))));
}

function reactionsOf(restoreJobId) {
  const ended = state.reactions.get(restoreJobId) || [];
  const running = [...state.running.values()].filter(j => j.restoreJobId === restoreJobId);
  return ended.concat(running);
}

function applyJob(job) {
  if (job.outcome === 'RUNNING') {
    state.running.set(job.jobId, job);
    return;
  }
  state.running.delete(job.jobId);
  if (job.restoreJobId) {
    const list = (state.reactions.get(job.restoreJobId) || []).filter(r => r.jobId !== job.jobId);
    list.push(job);
    state.reactions.set(job.restoreJobId, list);
  } else {
    state.history = [job].concat(state.history.filter(h => h.jobId !== job.jobId)).slice(0, 100);
  }
  if (job.kind === 'backup' && job.outcome === 'COMPLETED' || job.kind === 'drill') loadStatus();
}

async function loadStatus() {
  const answer = await fetch('api/status', { headers: headers(), cache: 'no-store' });
  if (answer.status === 401) {
    document.getElementById('login').hidden = false;
    document.getElementById('content').hidden = true;
    return false;
  }
  const s = await answer.json();
  state.targets = s.targets;
  s.jobs.running.forEach(j => state.running.set(j.jobId, j));
  state.history = s.jobs.history;
  state.reactions = new Map(Object.entries(s.jobs.reactions));
  document.getElementById('login').hidden = true;
  document.getElementById('content').hidden = false;
  renderTargets(); renderRunning(); renderHistory();
  return true;
}

async function follow() {
  const status = document.getElementById('connection');
  for (;;) {
    try {
      const answer = await fetch('api/events', { headers: Object.assign({ Accept: 'text/event-stream' }, headers()), cache: 'no-store' });
      if (!answer.ok) throw new Error('HTTP ' + answer.status);
      status.textContent = 'live'; status.classList.add('live');
      const reader = answer.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5)).join('\n');
          const update = data ? JSON.parse(data) : null;
          if (update && update.job) {
            applyJob(update.job);
            renderRunning(); renderHistory();
          }
        }
      }
    } catch (e) {
      // the worker restarted or the network went: show it, then try again
    }
    status.textContent = 'reconnecting…'; status.classList.remove('live');
    await new Promise(r => setTimeout(r, 2000));
    await loadStatus();
  }
}

document.getElementById('login').addEventListener('submit', async event => {
  event.preventDefault();
  sessionStorage.setItem('backup-worker-token', document.getElementById('token').value);
  if (await loadStatus()) follow();
});

loadStatus().then(ok => { if (ok) follow(); });
setInterval(() => { renderTargets(); }, 30000);
