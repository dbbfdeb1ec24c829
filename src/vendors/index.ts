// The registry of front doors: the one list the server, the CLI and the admin API read. Adding a
// door is its folder, a line here, and a migration if it needs tables of its own.
import type { CoreServices } from '../core/context.ts';
import { ensureDemoTenant, type DemoSeed, type DemoTenant } from '../core/tenants/bootstrap.ts';
import { issueCredential, type IssueOptions, type IssuedCredential } from '../core/tenants/credentials.ts';
import { invalid } from '../core/errors/domain-error.ts';
import { chargeOverDoor } from './chargeover/door.ts';
import { fluidPayDoor } from './fluidpay/door.ts';
import { chargeDeskDoor } from './chargedesk/door.ts';
import { affiniPayDoor } from './affinipay/door.ts';
import { invoicedDoor } from './invoiced/door.ts';
import type { Door } from './kit/door.ts';
import type { WebhookFormat } from '../core/webhooks/format.ts';

export const FRONT_DOORS: readonly Door[] = [chargeOverDoor, fluidPayDoor, chargeDeskDoor, affiniPayDoor, invoicedDoor];

export const VENDOR_NAMES: readonly string[] = FRONT_DOORS.map((door) => door.vendor);

/** Every door's webhook formats (the core adds the standard one). */
export function webhookFormats(): WebhookFormat[] {
  return FRONT_DOORS.flatMap((door) => door.webhooks ?? []);
}

export function doorOf(vendor: string): Door {
  const door = FRONT_DOORS.find((d) => d.vendor === vendor);
  if (!door) throw invalid(`vendor must be one of ${VENDOR_NAMES.join(', ')}`, 'vendor');
  return door;
}

/** Issues a credential in the door's own format (its default kind unless one is asked for). */
export async function issueDoorCredential(services: CoreServices, tenantId: number, options: IssueOptions): Promise<IssuedCredential> {
  const door = doorOf(options.vendor);
  const kind = options.kind ?? door.credentials.kinds[0];
  if (!door.credentials.kinds.includes(kind)) throw invalid(`${door.vendor} issues ${door.credentials.kinds.join(', ')} credentials`, 'kind');
  const mode = options.mode ?? 'test';
  const label = options.label ?? '';
  return issueCredential(services, tenantId, { ...options, kind, mode, label, secret: options.secret ?? door.credentials.secret(kind, mode, label) });
}

/** The demo tenant with every door's demo credentials (made on first start, reused after). */
export function ensureDemo(services: CoreServices): Promise<DemoTenant> {
  const seed: DemoSeed = {
    credentials: FRONT_DOORS.flatMap((door) =>
      door.demo.map((demo) => ({
        vendor: door.vendor,
        kind: demo.kind,
        mode: demo.mode ?? 'test',
        label: demo.label,
        publicId: demo.publicId,
        secret: demo.secret ?? door.credentials.secret(demo.kind, demo.mode ?? 'test', demo.label),
      })),
    ),
    async seed(ctx) {
      for (const door of FRONT_DOORS) await door.seedDemo?.(ctx);
    },
  };
  return ensureDemoTenant(services, seed);
}
