// Where deliveries may go. Only where a tenant pointed them (an endpoint URL), only http(s), and,
// when the deployment sets an allow-list (BURSAR_WEBHOOK_ALLOW), only to hosts on it. The list is
// checked when an endpoint is made and again before every attempt (the setting may have changed).
import { invalid } from '../errors/domain-error.ts';

/**
 * Allow-list entries: a host name (`hooks.example.com`), a suffix (`*.example.com`, which also
 * allows example.com itself), an IP address, optionally with a port (`127.0.0.1:9000`); `*` allows
 * everything. null (unset) allows every http(s) target.
 */
export type AllowList = readonly string[] | null;

export function parseAllowList(text: string | undefined): AllowList {
  if (text === undefined || text.trim() === '') return null;
  return text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

function matches(entry: string, host: string, port: string): boolean {
  if (entry === '*') return true;
  let name = entry;
  let wantPort: string | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    name = bracketed[1];
    wantPort = bracketed[2] ?? null;
  } else if (/^[^:]+:\d+$/.test(entry)) {
    [name, wantPort] = entry.split(':');
  }
  if (wantPort !== null && wantPort !== port) return false;
  if (name.startsWith('*.')) return host === name.slice(2) || host.endsWith(name.slice(1));
  return host === name;
}

/** Why a target may not be used, or null when it may. */
export function targetProblem(raw: string, allow: AllowList): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme ${url.protocol.replace(/:$/, '')} is not allowed: use http or https`;
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  if (allow === null) return null;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allow.some((entry) => matches(entry, hostOf(url), port)) ? null : `host ${url.host} is not on this server's webhook allow-list (BURSAR_WEBHOOK_ALLOW)`;
}

export function checkTarget(raw: string, allow: AllowList, field = 'url'): string {
  const problem = targetProblem(raw, allow);
  if (problem) throw invalid(`${field}: ${problem}`, field);
  return raw;
}
