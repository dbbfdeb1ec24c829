// bursar requests: the running server's request journal (it lives in the server's memory, so this
// command asks the server over its admin API; the admin token comes from the database).
import { Option, type Command } from 'commander';
import { ensureAdminToken } from '../../core/tenants/bootstrap.ts';
import { VENDOR_NAMES as VENDORS } from '../../vendors/index.ts';
import type { JournalEntry } from '../../http/journal.ts';
import { printJson, type CliIo } from '../io.ts';
import { CliError, requiredTenantOption, withServices, type JsonOption } from '../context.ts';

interface Target {
  url?: string;
  tenant?: string;
}

async function callServer(io: CliIo, options: Target, method: string, path: string): Promise<unknown> {
  const base = (options.url ?? `http://localhost:${io.env.PORT || 8080}`).replace(/\/$/, '');
  let token = io.env.BURSAR_ADMIN_TOKEN;
  if (!token) await withServices(io, async (services) => void (token = await ensureAdminToken(services)));
  let response: Response;
  try {
    response = await fetch(base + path, { method, headers: { authorization: `Bearer ${String(token)}` } });
  } catch {
    throw new CliError(`no Bursar server answers at ${base}: start one with \`bursar serve\`, or give its address with --url`);
  }
  const text = await response.text();
  const body = text ? (JSON.parse(text) as { error?: { message?: string } }) : null;
  if (!response.ok) throw new CliError(`the server at ${base} answered ${response.status}: ${body?.error?.message ?? text}`);
  return body;
}

const urlOption = () => new Option('--url <url>', 'the running server (default http://localhost:$PORT, 8080)');

function line(entry: JournalEntry): string {
  const error = entry.error ? `  ${entry.error.message}` : '';
  return `${entry.at}  ${entry.door.padEnd(10)} ${entry.tenant ?? '-'}  ${entry.method} ${entry.path}${entry.query ? `?${entry.query}` : ''} → ${entry.status} ${entry.duration_ms} ms  ${entry.request_id}${error}\n`;
}

export function requestCommands(program: Command, io: CliIo): void {
  const requests = program.command('requests').description('the running server’s request journal: last requests per tenant, bodies with card data redacted');
  requests
    .command('list', { isDefault: true })
    .description('show recent requests, newest first')
    .option('-t, --tenant <idOrSlug>', 'only this tenant (default: every tenant and unauthenticated requests)')
    .addOption(new Option('--door <door>', 'only this front door').choices([...VENDORS]))
    .option('--status <status>', 'only this status (404) or class (4xx)')
    .option('--path <part>', 'only paths containing this')
    .option('--limit <n>', 'at most this many', '20')
    .option('--bodies', 'also print request and response bodies')
    .addOption(urlOption())
    .option('--json', 'JSON output (bodies included)')
    .action(async (options: JsonOption & Target & { door?: string; status?: string; path?: string; limit: string; bodies?: boolean }) => {
      const query = new URLSearchParams();
      for (const key of ['door', 'status', 'path', 'limit'] as const) if (options[key]) query.set(key, options[key]);
      const path = options.tenant ? `/_admin/tenants/${encodeURIComponent(options.tenant)}/requests` : '/_admin/requests';
      const body = (await callServer(io, options, 'GET', `${path}?${query.toString()}`)) as { requests: JournalEntry[] };
      if (options.json) return printJson(io, body.requests);
      if (body.requests.length === 0) io.out('no requests recorded\n');
      for (const entry of body.requests) {
        io.out(line(entry));
        if (options.bodies) io.out(`    request:  ${JSON.stringify(entry.request.body)}\n    response: ${JSON.stringify(entry.response.body)}\n`);
      }
    });
  requests
    .command('clear')
    .description('empty a tenant’s journal')
    .addOption(requiredTenantOption())
    .addOption(urlOption())
    .option('--json', 'JSON output')
    .action(async (options: JsonOption & Target & { tenant: string }) => {
      await callServer(io, options, 'DELETE', `/_admin/tenants/${encodeURIComponent(options.tenant)}/requests`);
      if (options.json) printJson(io, { cleared: options.tenant });
      else io.out(`cleared the request journal of ${options.tenant}\n`);
    });
}
