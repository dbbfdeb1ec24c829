// pino with Authorization headers and card data redacted, wherever they appear in a log line:
// known fields by path, and any card-number-like digit run inside any string (error messages, URLs).
import pino, { type LoggerOptions } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.number',
  '*.card_number',
  '*.cvv',
  '*.cvc',
  '*.account_number',
  '*.password',
  '*.private_key',
  '*.*.number',
  '*.*.cvv',
  '*.*.account_number',
];

const PAN_LIKE = /\b(\d{6})\d{3,9}(\d{4})\b/g;

export function scrubText(text: string): string {
  return text.replace(PAN_LIKE, '$1…$2');
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrubText(value.message), stack: value.stack ? scrubText(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrub(item, depth + 1);
  return out;
}

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): LoggerOptions & { stream?: NodeJS.WritableStream } {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { log: (object) => scrub(object, 0) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg)) as Parameters<typeof method>);
      },
    },
    ...(stream ? { stream } : {}),
  };
}

export function createLogger(level: string) {
  return pino(loggerOptions(level));
}
