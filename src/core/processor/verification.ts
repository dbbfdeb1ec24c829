// Card verification policies: whether a card's CVV and address (AVS) results are good enough to
// approve a charge, as a gateway merchant account configures it (AffiniPay's cvv_policy and
// avs_policy; any gateway with CVV/AVS rules has the same choices). Pure: the processor's results
// in, a decline reason (or none) out. The words are the neutral lowercase forms of AffiniPay's enums
// (spec §4.1), which are the most complete set of such policies among the vendors.
import type { AvsResult, CvvResult } from './test-numbers.ts';

export const CVV_POLICIES = ['disabled', 'optional', 'require_match_lenient', 'require_match_strict'] as const;
export type CvvPolicy = (typeof CVV_POLICIES)[number];

export const AVS_POLICIES = [
  'disabled',
  'submit_ignore_result',
  'addr_or_postal_code_lenient',
  'addr_or_postal_code_strict',
  'addr_strict',
  'postal_code_strict',
  'exact_addr_and_postal_code_lenient',
  'exact_addr_and_postal_code_strict',
] as const;
export type AvsPolicy = (typeof AVS_POLICIES)[number];

export interface VerificationPolicy {
  cvv: CvvPolicy;
  avs: AvsPolicy;
  /** An address failure passes when the CVV matched (and the CVV policy is not disabled). */
  ignoreAvsFailureIfCvvMatch?: boolean;
}

const ADDRESS_MATCH = new Set(['ADDRESS', 'ADDRESS_INTL', 'EXACT_MATCH_INTL', 'EXACT_MATCH_UK', 'ADDRESS_AND_POSTAL_CODE', 'ADDRESS_AND_ZIP9', 'ADDRESS_AND_ZIP5']);
const POSTAL_MATCH = new Set(['POSTAL_CODE', 'ZIP5', 'ZIP9', 'EXACT_MATCH_INTL', 'EXACT_MATCH_UK', 'ADDRESS_AND_POSTAL_CODE', 'ADDRESS_AND_ZIP9', 'ADDRESS_AND_ZIP5']);
const NO_MATCH = new Set(['NO_MATCH', 'NO_MATCH_INTL']);

function cvvPasses(policy: CvvPolicy, result: CvvResult | null, cvvSent: boolean): boolean {
  if (policy === 'disabled') return true;
  if (policy === 'optional') return !cvvSent || result !== 'NOT_MATCHED';
  if (policy === 'require_match_lenient') return result !== 'NOT_MATCHED';
  return result === 'MATCHED';
}

function avsPasses(policy: AvsPolicy, result: AvsResult | null): boolean {
  const address = result !== null && ADDRESS_MATCH.has(result);
  const postal = result !== null && POSTAL_MATCH.has(result);
  const noMatch = result !== null && NO_MATCH.has(result);
  const unavailable = result === null || (!address && !postal && !noMatch);
  switch (policy) {
    case 'disabled':
    case 'submit_ignore_result':
      return true;
    case 'addr_or_postal_code_lenient':
      return !noMatch;
    case 'addr_or_postal_code_strict':
      return address || postal;
    case 'addr_strict':
      return address;
    case 'postal_code_strict':
      return postal;
    case 'exact_addr_and_postal_code_lenient':
      return (address && postal) || unavailable;
    case 'exact_addr_and_postal_code_strict':
      return address && postal;
  }
}

/** Why the policy refuses these results (cvv_mismatch first, then avs_rejected), or null when it passes. */
export function verificationDecline(policy: VerificationPolicy, results: { cvv: CvvResult | null; avs: AvsResult | null; cvvSent: boolean }): 'cvv_mismatch' | 'avs_rejected' | null {
  if (!cvvPasses(policy.cvv, results.cvv, results.cvvSent)) return 'cvv_mismatch';
  if (avsPasses(policy.avs, results.avs)) return null;
  if (policy.ignoreAvsFailureIfCvvMatch && policy.cvv !== 'disabled' && results.cvv === 'MATCHED') return null;
  return 'avs_rejected';
}
