// pino for the server and the core. Secrets and card data are kept out cheaply, where they can
// enter: serializers for requests and errors (never headers; URLs, messages and stacks have
// card-like digit runs masked) and for the fields that could carry card data or credentials
// (body, card, payment_method, headers), plus message strings. A serializer only runs when a line
// has its field, so a request line pays nothing for them. No log object is walked as a whole (that
// scrub once cost 17% of a request's CPU), and there are no wildcard redaction paths (those cost
// ~8 µs on every line, three quarters of a line's cost).
// On a terminal the lines are pretty (pino-pretty, one line each); anywhere else JSON.
import pino, { type Logger, type LoggerOptions } from 'pino';
import pinoPretty from 'pino-pretty';
import { REDACTED, redactedHeaders, redactValue, scrubText } from './redact.ts';

export { scrubText };

/** Top-level fields whose value never reaches a log line. */
const SECRET_KEYS = ['authorization', 'cookie', 'password', 'secret', 'private_key', 'api_key', 'card_number', 'cvv', 'cvc', 'account_number', 'token'];

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
    serializers: {
      req: requestSerializer,
      request: requestSerializer,
      res: responseSerializer,
      reply: responseSerializer,
      err: errorSerializer,
      error: errorSerializer,
      body: redactValue,
      card: redactValue,
      payment_method: redactValue,
      headers: (headers: Record<string, string>) => (headers && typeof headers === 'object' ? redactedHeaders(headers) : headers),
      ...Object.fromEntries(SECRET_KEYS.map((key) => [key, () => REDACTED])),
      number: (value: unknown) => (typeof value === 'string' ? scrubText(value) : typeof value === 'number' ? scrubText(String(value)) : value),
    },
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
