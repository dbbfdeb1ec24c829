// Redaction of card numbers, CVVs, bank account numbers, passwords and secrets by field name in
// JSON and form bodies, card-like digit runs anywhere else, and the credentials part of auth
// headers: for what the request journal shows (when someone reads it, never on the hot path) and
// for the log serializers of fields that may carry them (only when a log line has such a field).
import { parseForm } from './body.ts';

const PAN_LIKE = /\b(\d{6})\d{3,9}(\d{4})\b/g;
const DIGITS = /\d{13}/;

/** Masks card-number-like digit runs (13 to 19 digits) in a string, keeping the first six and last four. */
export function scrubText(text: string): string {
  // A quick test first: most strings have no long digit run, and the test is cheaper than a replace.
  return DIGITS.test(text) ? text.replace(PAN_LIKE, '$1…$2') : text;
}

const SECRET_FIELDS = new Set([
  'number',
  'card_number',
  'cardnumber',
  'cc_number',
  'pan',
  'cvv',
  'cvv2',
  'cvc',
  'cvc2',
  'security_code',
  'account_number',
  'accountnumber',
  'password',
  'new_password',
  'current_password',
  'private_key',
  'secret',
  'api_key',
  'access_token',
  'refresh_token',
  'client_secret',
]);
export const REDACTED = '[redacted]';

function isSecret(key: string, value: unknown): boolean {
  if (value === null || value === '' || typeof value === 'object') return false;
  const name = key.toLowerCase();
  // "number" is a card number only when it looks like one (an invoice number stays visible).
  if (name === 'number') return /\d{8}/.test(String(value).replace(/[\s-]/g, ''));
  return SECRET_FIELDS.has(name);
}

const JWT = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/;

/** A copy with secret fields and bearer tokens (JWTs) replaced, and card-like digits in strings masked. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return JWT.test(value) ? REDACTED : scrubText(value);
  if (value === null || typeof value !== 'object' || depth > 20) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecret(key, item) ? REDACTED : redactValue(item, depth + 1);
  }
  return out;
}

/** A body as the journal shows it: parsed JSON or form fields with secrets redacted, else masked text. */
export function redactedBody(text: string | null, contentType: string | undefined): unknown {
  if (text === null || text === '') return null;
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return redactValue(JSON.parse(text));
    } catch {
      // Not JSON after all (or cut at the size limit): shown as masked text below.
    }
  }
  if (type.includes('x-www-form-urlencoded')) return redactValue(parseForm(text));
  return scrubText(text).replace(/("?(?:number|cvv|cvc|account_number|password|secret)"?\s*[:=]\s*"?)[^",&}\s]+/gi, `$1${REDACTED}`);
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key']);

/** Headers with credentials cut down to their scheme ("Basic [redacted]"). */
export function redactedHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!CREDENTIAL_HEADERS.has(name)) out[name] = value;
    else {
      const scheme = /^(Basic|Bearer|Digest|Token)\s/i.exec(value)?.[1];
      out[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
    }
  }
  return out;
}
