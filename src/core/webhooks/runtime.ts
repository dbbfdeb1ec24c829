// What delivery needs at run time, made once per process and carried in CoreServices.webhooks:
// the formats (the doors' and the standard one), the deployment's settings, and this process's
// wake-up signal and running lanes. Contexts without one get the standard format only.
import type { CoreServices } from '../context.ts';
import type { WebhookFormat } from './format.ts';
import { standardFormat } from './standard-format.ts';
import type { AllowList } from './targets.ts';

export interface WebhookSettings {
  /** BURSAR_WEBHOOK_ALLOW: hosts deliveries may go to; null = any http(s) URL a tenant gives. */
  allow: AllowList;
  /** BURSAR_WEBHOOK_TIMEOUT_MS: caps every format's per-attempt timeout (tests, impatient setups). */
  timeoutMs: number | null;
  /** How often the background loop looks for due deliveries it was not woken for (other instances' work, retries). */
  intervalMs: number;
  /** The server's public base URL, for links in payloads. */
  baseUrl: string;
  /** Endpoints delivered to at once by this process. */
  maxLanes: number;
}

export interface LaneEntry {
  running: Promise<void>;
  queued: Promise<void> | null;
}

export interface WebhookRuntime {
  formats: ReadonlyMap<string, WebhookFormat>;
  settings: WebhookSettings;
  /** Deliveries were queued: wake this process's loop. */
  nudge(): void;
  onNudge(listener: () => void): () => void;
  /** Endpoint id → the lane delivering to it in this process (and the one queued behind it). */
  lanes: Map<number, LaneEntry>;
  /** Set when the process's loop stops: lanes finish the attempt in hand and take no more. */
  stopping: boolean;
}

export const DEFAULT_SETTINGS: WebhookSettings = { allow: null, timeoutMs: null, intervalMs: 1000, baseUrl: 'http://localhost:8080', maxLanes: 32 };

export function createWebhookRuntime(formats: readonly WebhookFormat[], settings: Partial<WebhookSettings> = {}): WebhookRuntime {
  const listeners = new Set<() => void>();
  const all = new Map<string, WebhookFormat>([[standardFormat.name, standardFormat]]);
  for (const format of formats) all.set(format.name, format);
  return {
    formats: all,
    settings: { ...DEFAULT_SETTINGS, ...settings },
    nudge() {
      for (const listener of listeners) listener();
    },
    onNudge(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    lanes: new Map(),
    stopping: false,
  };
}

let fallback: WebhookRuntime | undefined;

export function runtimeOf(services: CoreServices): WebhookRuntime {
  return services.webhooks ?? (fallback ??= createWebhookRuntime([]));
}

export function formatOf(runtime: WebhookRuntime, name: string): WebhookFormat | undefined {
  return runtime.formats.get(name);
}

/** The per-attempt timeout: the format's, capped by the deployment's setting. */
export function timeoutOf(runtime: WebhookRuntime, format: WebhookFormat): number {
  return runtime.settings.timeoutMs === null ? format.timeoutMs : Math.min(format.timeoutMs, runtime.settings.timeoutMs);
}
