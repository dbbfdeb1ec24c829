// What `bursar serve` prints: where it listens (the truth about which addresses), the docs, the
// admin API, and for each front door its base URL (marked when not live yet) and credentials.
import type { RunningServer } from '../server.ts';
import type { Config } from '../config.ts';
import { VERSION } from '../version.ts';
import { credentialLines } from './print.ts';

export function listeningOn(addresses: string[]): string {
  if (addresses.includes('::')) return 'every address (HOST=::)';
  if (addresses.includes('0.0.0.0')) return 'every IPv4 address (HOST=0.0.0.0)';
  const loopback = addresses.every((a) => a === '::1' || a.startsWith('127.'));
  return `${addresses.join(' and ')}${loopback ? ' only (loopback: set HOST=:: to listen on every address)' : ''}`;
}

export function databaseLabel(server: RunningServer, config: Config): string {
  return server.services.dialect === 'postgres' ? 'postgresql' : `sqlite (${config.dataDir})`;
}

export function bannerLines(server: RunningServer, config: Config): string[] {
  const doors = server.app.doorInfo();
  const lines = [
    `Bursar ${VERSION} listening on ${server.url} (${databaseLabel(server, config)})`,
    `  on ${listeningOn(server.addresses)}`,
    `Docs:       ${server.url}/_docs   (API reference per door; admin OpenAPI at ${server.url}/_admin/openapi.json)`,
    `Admin API:  ${server.url}/_admin   (Authorization: Bearer ${server.adminToken})`,
    `Demo tenant "${server.demo.tenant.slug}" ${server.demo.created ? 'created' : 'reused'}; credentials per front door:`,
    ...credentialLines(server.url, server.demo.credentials, doors),
  ];
  for (const [vendor, url] of Object.entries(server.vendorUrls)) lines.push(`  ${vendor} also on its own port: ${url}`);
  return lines;
}
