/**
 * The provider panel at /admin/providers: a self-contained page (no CDN) beside Bull Board. It reads
 * /admin/providers/data, and refreshes whenever /v1/events reports a breaker change (and every 5 s
 * for the counters); the open/close buttons show when the board allows changes.
 */

const style = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f5f6f8; }
header { display: flex; gap: 1.5rem; align-items: baseline; padding: 0.8rem 1.5rem; background: #1d2433; color: #fff; }
header a { color: #9cc3ff; }
main { padding: 1rem 1.5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px #0002; }
th, td { text-align: left; padding: 0.5rem 0.7rem; border-bottom: 1px solid #e4e7ec; vertical-align: top; }
th { font-weight: 600; background: #fafbfc; }
.state { font-weight: 700; padding: 0.1rem 0.5rem; border-radius: 0.7rem; color: #fff; }
.state-closed { background: #2e8540; } .state-open { background: #c0392b; } .state-half-open { background: #d68910; }
.capacity { font-weight: 600; } .capacity-rate-limited { color: #d68910; } .capacity-quota-exhausted { color: #c0392b; }
.muted { color: #667085; font-size: 12px; }
#live { font-size: 12px; } .offline { color: #ffb3b3; }
button { margin-right: 0.3rem; }
`;

const script = `
const el = (tag, props = {}, ...children) => { const node = Object.assign(document.createElement(tag), props); node.append(...children); return node; };
const when = (iso) => iso ? new Date(iso).toLocaleString() : '—';
const usd = (n) => '$' + n.toFixed(n < 1 ? 6 : 2);
const rate = (r) => r.failureRate === null ? '—' : (r.failureRate * 100).toFixed(1) + '% of ' + r.calls;
async function post(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) alert((await response.json()).error.message);
  await refresh();
}
function controls(provider, allowed) {
  if (!allowed) return el('span', { className: 'muted', textContent: 'read-only' });
  const open = el('button', { textContent: 'Open' });
  open.onclick = () => {
    const reason = prompt('Why open ' + provider.name + '?');
    if (!reason) return;
    const minutes = prompt('For how many minutes? (empty: until closed by hand)');
    post('/admin/providers/' + encodeURIComponent(provider.name) + '/open',
      minutes ? { reason, durationMs: Math.round(Number(minutes) * 60000) } : { reason });
  };
  const close = el('button', { textContent: 'Close' });
  close.onclick = () => {
    const reason = prompt('Why close ' + provider.name + '?');
    if (reason) post('/admin/providers/' + encodeURIComponent(provider.name) + '/close', { reason });
  };
  return el('span', {}, open, close);
}
function limitsOf(limits) {
  if (!limits) return ['—'];
  const lines = limits.buckets.map((b) => {
    const limit = b.configured !== undefined && b.learned !== undefined ? Math.min(b.configured, b.learned) : (b.configured ?? b.learned);
    const what = (b.model ? b.model + ' ' : '') + (b.unit === 'requests' ? 'rpm' : 'tpm');
    const text = b.blockedUntil ? what + ': none until ' + when(b.blockedUntil)
      : what + ': ' + (b.remaining ?? '?') + ' of ' + limit + (b.learned !== undefined && b.configured === undefined ? ' (reported)' : '');
    return el('div', { className: b.blockedUntil ? 'muted blocked' : 'muted', textContent: text });
  });
  if (limits.concurrency !== undefined) lines.push(el('div', { className: 'muted', textContent: 'in flight: ' + limits.inFlight + ' of ' + limits.concurrency }));
  return [el('span', { className: 'capacity capacity-' + limits.capacity, textContent: limits.capacity }), ...lines];
}
async function refresh() {
  const response = await fetch('/admin/providers/data');
  if (!response.ok) return;
  const data = await response.json();
  const rows = data.report.providers.map((p) => el('tr', { id: 'provider-' + p.name },
    el('td', {}, el('strong', { textContent: p.name })),
    el('td', {}, el('span', { className: 'state state-' + p.state, textContent: p.state }),
      p.reason ? el('div', { className: 'muted', textContent: p.reason }) : ''),
    el('td', { textContent: when(p.since) }),
    el('td', { textContent: p.state === 'closed' ? '—' : (p.nextProbeAt ? when(p.nextProbeAt) : 'when closed by hand') }),
    el('td', { textContent: rate(p.recent) }),
    el('td', { textContent: p.calls + ' (' + p.failures + ' failed, ' + p.skips + ' skipped)' }),
    el('td', { className: 'deferred', textContent: String(p.deferredNow) }),
    el('td', { className: 'limits' }, ...limitsOf(data.limits.providers[p.name])),
    el('td', { textContent: usd(p.costUsd) + (p.unpricedCalls ? ' + ' + p.unpricedCalls + ' unpriced' : '') }),
    el('td', {}, controls(p, data.controls))));
  rows.forEach((row, i) => { row.dataset.state = data.report.providers[i].state; });
  document.getElementById('providers').replaceChildren(...rows);
  const t = data.report.totals;
  document.getElementById('totals').textContent = t.calls + ' calls · ' + usd(t.costUsd) + ' · ' +
    t.inputTokens + ' in / ' + t.outputTokens + ' out tokens · prices of ' + data.report.pricesTakenOn +
    ' · ' + data.limits.waitingOnLimit + ' jobs waiting for capacity';
  document.getElementById('budgets').replaceChildren(...data.limits.budgets.map((b) => el('div', { className: 'budget',
    textContent: b.name + ' budget: ' + usd(b.spentUsd) + ' of ' + usd(b.usd) + ' per ' + b.per + ', resets ' + when(b.resetsAt) })));
}
async function live() {
  const indicator = document.getElementById('live');
  try {
    const { ticket } = await (await fetch('/admin/events-ticket')).json();
    const socket = new WebSocket(location.origin.replace(/^http/, 'ws') + '/v1/events?ticket=' + encodeURIComponent(ticket));
    socket.onopen = () => { indicator.textContent = '● live'; indicator.className = ''; };
    socket.onmessage = (message) => { if (JSON.parse(message.data).type === 'breaker') refresh(); };
    socket.onclose = () => { indicator.textContent = '○ reconnecting'; indicator.className = 'offline'; setTimeout(live, 2000); };
  } catch { setTimeout(live, 2000); }
}
refresh(); live(); setInterval(refresh, 5000);
`;

export const panelPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Breakwater · providers</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${style}</style></head>
<body><header><strong>Breakwater providers</strong><a href="/admin/queues">Jobs (Bull Board)</a><a href="/docs">API</a><span id="live" class="offline">○ connecting</span></header>
<main><p id="totals" class="muted"></p><div id="budgets" class="muted"></div>
<table><thead><tr><th>Provider</th><th>Breaker</th><th>Since</th><th>Next probe</th><th>Failure rate (5 min)</th><th>Calls</th><th>Deferred jobs</th><th>Limits</th><th>Cost</th><th></th></tr></thead>
<tbody id="providers"></tbody></table></main>
<script>${script}</script></body></html>`;
