// What every door's webhook format shares: the object a message is about, rendered by the door's
// request-free renderers where it has one for that kind of object, else the core's snapshot from
// the event (a door that is not live yet has no renderers; its format picks them up when it does).
import type { TenantContext } from '../../core/context.ts';
import type { RenderInput } from '../../core/webhooks/format.ts';
import type { Renderers } from './door.ts';

const RENDERED: Record<string, keyof Renderers> = { transaction: 'transaction', customer: 'customer', invoice: 'invoice' };

/** The snapshot the event recorded for the object a message is about. */
export function snapshotOf(input: RenderInput): Record<string, unknown> {
  const data = input.event.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
  const record = data as Record<string, unknown>;
  // A refund's event holds {refund, parent}: the message about the refund gets the refund.
  if (input.event.type === 'transaction.refunded') {
    const refund = record.refund as Record<string, unknown> | undefined;
    const parent = record.parent as Record<string, unknown> | undefined;
    return (refund?.id === input.notification.objectId ? refund : parent) ?? record;
  }
  return record;
}

/** The object in the door's shape, or the snapshot when the door cannot render it. */
export async function objectOf(ctx: TenantContext, renderers: Renderers | undefined, input: RenderInput): Promise<unknown> {
  const kind = RENDERED[input.notification.objectType];
  const render = kind ? renderers?.[kind] : undefined;
  if (render) {
    const rendered = await render(ctx, input.notification.objectId, input.baseUrl);
    if (rendered !== null && rendered !== undefined) return rendered;
  }
  return snapshotOf(input);
}

export const unixSeconds = (ms: number): number => Math.floor(ms / 1000);
