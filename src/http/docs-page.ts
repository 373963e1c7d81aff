/**
 * The interactive API docs at /docs: a self-contained page (no CDN, works offline) that reads
 * /openapi.json, lists every operation with its schemas, and sends requests from the browser.
 */

/**
 * Prefilled bodies. No `idempotencyKey`: the same key with the same content names the same job, so a
 * second Send would not make a new one (and an edited prompt would be a 409).
 */
const examples: Record<string, unknown> = {
  'POST /v1/jobs': { prompt: 'Summarise: the harbour wall held through the storm.' },
  'POST /v1/jobs/bulk': {
    jobs: [{ prompt: 'Classify: refund request' }, { prompt: 'Classify: bug report' }],
  },
};

/**
 * The spec's text as HTML: escaped, with \`inline code\` (as the descriptions write it) in <code>.
 * Runs in the browser (serialised into the page) and in tests.
 */
export function inlineCodeHtml(text: string): string {
  const escaped = text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
  return escaped.replace(/\u0060([^\u0060]+)\u0060/g, '<code>$1</code>');
}

const script = `
const examples = ${JSON.stringify(examples)};
const inlineCodeHtml = ${inlineCodeHtml.toString()};
const token = document.getElementById('token');
token.value = localStorage.getItem('breakwater-token') || '';
token.addEventListener('change', () => localStorage.setItem('breakwater-token', token.value));
const el = (tag, props = {}, ...children) => { const node = Object.assign(document.createElement(tag), props); node.append(...children); return node; };
fetch('/openapi.json').then((response) => response.json()).then((spec) => {
  const root = document.getElementById('operations');
  document.getElementById('title').textContent = spec.info.title + ' API ' + spec.info.version;
  document.getElementById('about').innerHTML = inlineCodeHtml(spec.info.description);
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const key = method.toUpperCase() + ' ' + path;
      const params = (operation.parameters || []).map((p) => el('input', { placeholder: p.name, name: p.name }));
      const body = operation.requestBody ? el('textarea', { rows: 6, value: JSON.stringify(examples[key] || {}, null, 2) }) : null;
      const output = el('pre', { className: 'output' });
      const send = el('button', { textContent: 'Send' });
      send.addEventListener('click', async () => {
        let url = path;
        for (const input of params) url = url.replace('{' + input.name + '}', encodeURIComponent(input.value));
        const headers = { 'content-type': 'application/json' };
        if (token.value) headers.authorization = 'Bearer ' + token.value;
        try {
          const response = await fetch(url, { method: method.toUpperCase(), headers, body: body ? body.value : undefined });
          const text = await response.text();
          let shown = text;
          try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch {}
          output.textContent = response.status + ' ' + response.statusText + '\\n' + shown;
        } catch (error) { output.textContent = String(error); }
      });
      const schemaRef = operation.requestBody && operation.requestBody.content['application/json'].schema.$ref;
      const schema = schemaRef ? spec.components.schemas[schemaRef.split('/').pop()] : null;
      const details = schema ? el('details', {}, el('summary', { textContent: 'Request schema' }), el('pre', { textContent: JSON.stringify(schema, null, 2) })) : '';
      const responses = el('ul', {}, ...Object.entries(operation.responses).map(([status, r]) => el('li', { innerHTML: inlineCodeHtml(status + ': ' + (r.description || '')) })));
      root.append(el('section', {}, el('h2', {}, el('span', { className: 'method ' + method, textContent: method.toUpperCase() }), ' ' + path),
        el('p', { innerHTML: inlineCodeHtml(operation.summary + (operation.description ? ' — ' + operation.description : '')) }),
        ...params, body || '', send, details, responses, output));
    }
  }
});
`;

export const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Breakwater API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d2733; }
  section { border: 1px solid #d5dde6; border-radius: 6px; padding: 0.5rem 1rem 1rem; margin: 1rem 0; }
  h2 { font-size: 1.05rem; font-family: ui-monospace, monospace; }
  .method { color: white; border-radius: 4px; padding: 0.1rem 0.5rem; background: #4a6fa5; }
  .method.post { background: #2f8a5b; } .method.delete { background: #b5443b; }
  textarea, input { display: block; width: 100%; box-sizing: border-box; font-family: ui-monospace, monospace; margin: 0.3rem 0; }
  .output { background: #f3f6f9; padding: 0.5rem; white-space: pre-wrap; }
  .output:empty { display: none; }
  code { font-family: ui-monospace, monospace; background: #eef2f6; border-radius: 3px; padding: 0 0.2rem; }
</style>
</head>
<body>
<h1 id="title">Breakwater API</h1>
<p id="about"></p>
<p><a href="/openapi.json">openapi.json</a> · <a href="/admin/queues">Bull Board</a> · <a href="/admin/providers"><strong>Provider panel</strong></a> (each provider's breaker, reason and next probe)</p>
<label>Token (BREAKWATER_API_TOKEN, if set) <input id="token" type="password" autocomplete="off"></label>
<main id="operations"></main>
<script>${script}</script>
</body>
</html>
`;
