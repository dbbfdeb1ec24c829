// Values the admin API and the CLI accept for credential kinds and fault knobs, checked before
// they reach the core so a typo is a clear 400 (or CLI error) instead of a silently useless setting.
import { CredentialKind, type Vendor } from '../core/tenants/credentials.ts';
import { DECLINE_REASONS } from '../core/processor/test-numbers.ts';
import { invalid } from '../core/errors/domain-error.ts';
import type { FaultKnobs } from '../core/tenants/tenants.ts';

/** The credential kinds each front door's auth accepts; the first is the default. */
export const KINDS_BY_VENDOR: Record<Vendor, readonly CredentialKind[]> = {
  chargeover: [CredentialKind.KEY_PAIR],
  fluidpay: [CredentialKind.API_KEY, CredentialKind.PASSWORD],
  chargedesk: [CredentialKind.API_KEY],
  affinipay: [CredentialKind.API_KEY, CredentialKind.PUBLIC_KEY, CredentialKind.OAUTH_CLIENT],
  invoiced: [CredentialKind.API_KEY],
};

export const ALL_KINDS: readonly CredentialKind[] = Object.values(CredentialKind);

export function checkKind(vendor: Vendor, kind: unknown): CredentialKind | undefined {
  if (kind === undefined || kind === null) return undefined;
  const allowed = KINDS_BY_VENDOR[vendor];
  if (typeof kind !== 'string' || !allowed.includes(kind as CredentialKind)) {
    throw invalid(`kind ${JSON.stringify(kind)} is not one ${vendor} accepts; use ${allowed.join(' or ')}`, 'kind');
  }
  return kind as CredentialKind;
}

export const FORCE_DECLINE_VALUES: readonly string[] = [...DECLINE_REASONS].sort();
const FAULT_FIELDS = new Set(['latency_ms', 'force_decline', 'processor_error']);

export function checkFaults(input: Record<string, unknown>): FaultKnobs {
  for (const key of Object.keys(input)) if (!FAULT_FIELDS.has(key)) throw invalid(`unknown fault knob ${key}; the knobs are ${[...FAULT_FIELDS].join(', ')}`, key);
  const decline = input.force_decline;
  if (decline !== undefined && decline !== null && (typeof decline !== 'string' || !DECLINE_REASONS.has(decline))) {
    throw invalid(`force_decline must be one of ${FORCE_DECLINE_VALUES.join(', ')} (or null)`, 'force_decline');
  }
  if (input.processor_error !== undefined && typeof input.processor_error !== 'boolean') throw invalid('processor_error must be true or false', 'processor_error');
  return input as FaultKnobs;
}
