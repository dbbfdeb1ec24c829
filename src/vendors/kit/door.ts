// What a door tells the rest of Bursar about itself, so that adding one touches its own folder, the
// registry (../index.ts) and a migration if it needs tables — nothing in the core, the CLI or the
// start-up code: its credential kinds and their format, its demo credentials, where clients point,
// whether it is live, its ids, and renderers of core objects in its wire shape that need no request
// (webhook payloads).
import type { TenantContext } from '../../core/context.ts';
import type { CredentialKind } from '../../core/tenants/credentials.ts';
import type { FrontDoor } from '../../http/front-door.ts';
import type { WebhookFormat } from '../../core/webhooks/format.ts';

export interface CredentialFormat {
  /** The kinds this door issues; the first is the default for `bursar key create`. */
  kinds: readonly CredentialKind[];
  /** A new secret in the vendor's own format (prefixes, lengths, test/live marks). */
  secret(kind: CredentialKind, mode: 'test' | 'live', label: string): string;
}

export interface DemoCredential {
  kind: CredentialKind;
  label: string;
  mode?: 'test' | 'live';
  /** Fixed values (a vendor document's own example keys, a client suite's key). */
  publicId?: string;
  secret?: string;
}

/**
 * Core objects in the door's wire shape, without a request (webhook payloads, exports). `baseUrl`
 * is the server's public base (http://host:port), for the links some vendors embed.
 */
export interface Renderers {
  transaction?(ctx: TenantContext, id: number, baseUrl: string): Promise<unknown>;
  customer?(ctx: TenantContext, id: number, baseUrl: string): Promise<unknown>;
  invoice?(ctx: TenantContext, id: number, baseUrl: string): Promise<unknown>;
}

export interface Door extends FrontDoor {
  vendor: string;
  /** The vendor's name and API version, for banners and docs. */
  title: string;
  /** False while the door answers every path with its vendor's not-found. */
  live: boolean;
  /** What a client appends to the door's base URL (the prefix on the main port; the root of its own port). */
  clientPath: string;
  readme: string;
  credentials: CredentialFormat;
  demo: readonly DemoCredential[];
  /** After the demo tenant's credentials exist (FluidPay's demo user behind its password). */
  seedDemo?(ctx: TenantContext): Promise<void>;
  renderers?: Renderers;
  /** The webhook formats it speaks (payloads, event names, retry schedule, signature headers). */
  webhooks?: readonly WebhookFormat[];
}
