// Plain HTML pages for a browser (the same data is JSON for any other client).
import type { DoorInfo } from './door-info.ts';
import type { ReferenceRoute } from './reference.ts';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}code,td.m{font-family:ui-monospace,monospace}
table{border-collapse:collapse}td,th{padding:.15rem .8rem .15rem 0;text-align:left;vertical-align:top}.off{color:#888}</style></head>
<body>${body}</body></html>`;
}

export function indexPage(version: string, doors: DoorInfo[]): string {
  const rows = doors
    .map(
      (d) =>
        `<tr class="${d.live ? '' : 'off'}"><td><a href="${escape(d.reference)}">${escape(d.vendor)}</a></td><td><code>${escape(d.base_path)}</code></td><td>${d.live ? 'live' : 'not live yet'}</td><td><a href="${escape(d.readme)}">notes</a></td></tr>`,
    )
    .join('\n');
  return page(
    'Bursar API reference',
    `<h1>Bursar ${escape(version)}</h1><p>API reference per front door, generated from the router.</p>
<table><tr><th>door</th><th>base path for clients</th><th>state</th><th>README</th></tr>${rows}</table>
<p>Admin API: <a href="/_admin/openapi.json">OpenAPI document</a> (bearer admin token for the API itself; the document is public).</p>`,
  );
}

export function referencePage(door: DoorInfo, routes: ReferenceRoute[]): string {
  const rows = routes.map((r) => `<tr><td class="m">${escape(r.method)}</td><td class="m">${escape(r.path)}</td><td>${escape(r.does ?? '')}</td></tr>`).join('\n');
  return page(
    `${door.vendor} reference`,
    `<p><a href="/_docs">all doors</a></p><h1>${escape(door.vendor)}</h1>
<p>Base path for clients: <code>${escape(door.base_path)}</code>. ${door.live ? '' : '<strong>Not live yet:</strong> every path answers the vendor’s not-found envelope. '}Notes: <a href="${escape(door.readme)}">${escape(door.readme.replace('/_docs/files/', ''))}</a></p>
<table><tr><th>method</th><th>path</th><th></th></tr>${rows}</table>`,
  );
}
