import type { CredentialSummary } from '../core/tenants/credentials.ts';
import type { DoorInfo } from '../http/docs/door-info.ts';

/** The credentials a user needs for each front door, as lines for the terminal. */
export function credentialLines(baseUrl: string, credentials: CredentialSummary[], doors: DoorInfo[]): string[] {
  const lines: string[] = [];
  for (const door of doors) {
    const mine = credentials.filter((c) => c.vendor === door.vendor && !c.revoked_at);
    if (mine.length === 0) continue;
    lines.push(`  ${door.vendor.padEnd(11)} ${baseUrl}${door.base_path}${door.live ? '' : '   (not live yet: every path answers not found)'}`);
    for (const c of mine) {
      const what = c.public_id ? `${c.public_id} / ${c.secret ?? '(hidden)'}` : (c.secret ?? '(hidden)');
      lines.push(`      ${`${c.kind}${c.label ? ` (${c.label}${c.mode === 'live' ? ', live' : ''})` : ''}`.padEnd(26)} ${what}`);
    }
  }
  return lines;
}
