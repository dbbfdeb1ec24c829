// pino for the server and the core. Secrets and card data are kept out cheaply, where they can
// enter: the request and error serializers (never headers; URLs, messages and stacks have card-like
// digit runs masked), message strings, and known field names by path (pino's compiled redaction).
// No log object is walked as a whole: that scrub once cost 17% of a request's CPU.
// On a terminal the lines are pretty (pino-pretty, one line each); anywhere else JSON.
import pino, { type Logger, type LoggerOptions } from 'pino';
import pinoPretty from 'pino-pretty';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.number',
  '*.card_number',
  '*.cvv',
  '*.cvc',
  '*.account_number',
  '*.password',
  '*.private_key',
  '*.secret',
  '*.*.number',
  '*.*.cvv',
  '*.*.account_number',
];

const PAN_LIKE = /\b(\d{6})\d{3,9}(\d{4})\b/g;
const DIGITS = /\d{13}/;

/** Masks card-number-like digit runs (13 to 19 digits) in a string, keeping the first six and last four. */
export function scrubText(text: string): string {
  // A quick test first: most strings have no long digit run, and the test is cheaper than a replace.
  return DIGITS.test(text) ? text.replace(PAN_LIKE, '$1…$2') : text;
}

interface RequestLike {
  method?: string;
  url?: string;
  id?: unknown;
}

/** What a log line shows of a request: method and URL (card-like digits masked); never headers or bodies. */
function requestSerializer(request: RequestLike) {
  return { method: request.method, url: typeof request.url === 'string' ? scrubText(request.url) : undefined, id: request.id };
}

function responseSerializer(reply: { statusCode?: number }) {
  return { statusCode: reply.statusCode };
}

function errorSerializer(error: unknown): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? scrubText(error) : error;
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: scrubText(error.message),
    ...(code !== undefined ? { code } : {}),
    ...(error.stack ? { stack: scrubText(error.stack) } : {}),
    ...(error.cause !== undefined ? { cause: errorSerializer(error.cause) } : {}),
  };
}

export type LogFormat = 'json' | 'pretty';

/** LOG_FORMAT=json|pretty decides; otherwise pretty on a terminal and JSON anywhere else. */
export function logFormat(env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): LogFormat {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return isTTY ? 'pretty' : 'json';
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: requestSerializer, request: requestSerializer, res: responseSerializer, reply: responseSerializer, err: errorSerializer, error: errorSerializer },
    hooks: {
      logMethod(args, method) {
        // Only message strings are scrubbed here; objects go through the serializers above.
        for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = scrubText(args[i] as string);
        method.apply(this, args as Parameters<typeof method>);
      },
    },
  };
}

const REQUEST_FIELDS = 'method,path,query,status,ms,door,tenant,reqId';

/** One line per entry: the request line reads `POST /path → 201 12.3 ms door tenant req_…`. */
function prettyMessage(log: Record<string, unknown>, messageKey: string): string {
  if (log.method === undefined || log.status === undefined) {
    return `${String(log[messageKey] ?? '')}${log.reqId ? `  ${String(log.reqId)}` : ''}`;
  }
  const path = `${String(log.path)}${log.query ? `?${String(log.query)}` : ''}`;
  const who = [log.door, log.tenant].filter(Boolean).join(' ');
  return `${String(log.method)} ${path} → ${String(log.status)} ${String(log.ms)} ms${who ? `  ${who}` : ''}  ${String(log.reqId ?? '')}`;
}

export function prettyStream(destination: NodeJS.WritableStream = process.stdout, colorize = Boolean((destination as { isTTY?: boolean }).isTTY)): NodeJS.WritableStream {
  return pinoPretty({
    destination,
    colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: `pid,hostname,${REQUEST_FIELDS}`,
    messageFormat: prettyMessage,
    sync: true,
  });
}

export interface LoggerSetup {
  level: string;
  /** Where lines go; stdout by default. */
  stream?: NodeJS.WritableStream;
  format?: LogFormat;
}

export function createLogger(setup: string | LoggerSetup): Logger {
  const { level, stream, format } = typeof setup === 'string' ? { level: setup } : setup;
  const chosen = format ?? (stream ? 'json' : logFormat());
  if (chosen === 'pretty') return pino(loggerOptions(level), prettyStream(stream ?? process.stdout));
  return stream ? pino(loggerOptions(level), stream) : pino(loggerOptions(level));
}
