import type { CredentialSummary } from '../core/tenants/credentials.ts';

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

const BASES: Record<string, string> = {
  chargeover: '/chargeover/api/v3',
  fluidpay: '/fluidpay/api',
  chargedesk: '/chargedesk',
  affinipay: '/affinipay/v1',
  invoiced: '/invoiced',
};

/** The credentials a user needs for each front door, as lines for the terminal. */
export function credentialLines(baseUrl: string, credentials: CredentialSummary[]): string[] {
  const lines: string[] = [];
  for (const vendor of Object.keys(BASES)) {
    const mine = credentials.filter((c) => c.vendor === vendor && !c.revoked_at);
    if (mine.length === 0) continue;
    lines.push(`  ${vendor.padEnd(11)} ${baseUrl}${BASES[vendor]}`);
    for (const c of mine) {
      const what = c.public_id ? `${c.public_id} / ${c.secret ?? '(hidden)'}` : (c.secret ?? '(hidden)');
      lines.push(`      ${`${c.kind}${c.label ? ` (${c.label}${c.mode === 'live' ? ', live' : ''})` : ''}`.padEnd(26)} ${what}`);
    }
  }
  return lines;
}
