// Values the admin API and the CLI accept for credential kinds and fault knobs, checked before
// they reach the core so a typo is a clear 400 (or CLI error) instead of a silently useless setting.
import { CredentialKind } from '../core/tenants/credentials.ts';
import { doorOf } from '../vendors/index.ts';
import { DECLINE_REASONS } from '../core/processor/test-numbers.ts';
import { invalid } from '../core/errors/domain-error.ts';
import type { FaultKnobs } from '../core/tenants/tenants.ts';

export const ALL_KINDS: readonly CredentialKind[] = Object.values(CredentialKind);

/** A credential kind the door's auth accepts (its declared kinds; the first is its default). */
export function checkKind(vendor: string, kind: unknown): CredentialKind | undefined {
  if (kind === undefined || kind === null) return undefined;
  const allowed = doorOf(vendor).credentials.kinds;
  if (typeof kind !== 'string' || !allowed.includes(kind as CredentialKind)) {
    throw invalid(`kind ${JSON.stringify(kind)} is not one ${vendor} accepts; use ${allowed.join(' or ')}`, 'kind');
  }
  return kind as CredentialKind;
}

export const FORCE_DECLINE_VALUES: readonly string[] = [...DECLINE_REASONS].sort();
const FAULT_FIELDS = new Set(['latency_ms', 'force_decline', 'processor_error', 'ambiguous_outcome', 'crash_after_commit']);

export function checkFaults(input: Record<string, unknown>): FaultKnobs {
  for (const key of Object.keys(input)) if (!FAULT_FIELDS.has(key)) throw invalid(`unknown fault knob ${key}; the knobs are ${[...FAULT_FIELDS].join(', ')}`, key);
  const decline = input.force_decline;
  if (decline !== undefined && decline !== null && (typeof decline !== 'string' || !DECLINE_REASONS.has(decline))) {
    throw invalid(`force_decline must be one of ${FORCE_DECLINE_VALUES.join(', ')} (or null)`, 'force_decline');
  }
  for (const flag of ['processor_error', 'ambiguous_outcome', 'crash_after_commit']) {
    if (input[flag] !== undefined && typeof input[flag] !== 'boolean') throw invalid(`${flag} must be true or false`, flag);
  }
  return input as FaultKnobs;
}
