// First start: an admin token and a demo tenant with credentials for every front door. Their
// secrets are kept encrypted so every later start can print them again.
import type { CoreServices, TenantContext } from '../context.ts';
import { randomToken, sha256Hex } from '../crypto/secrets.ts';
import { isUniqueViolation } from '../db.ts';
import type { Tenant } from '../database.ts';
import { issueCredential, listCredentials, type CredentialSummary, type IssueOptions } from './credentials.ts';
import { contextFor, createTenant, getTenant } from './tenants.ts';

export const DEMO_SLUG = 'demo';

async function readSetting(services: CoreServices, key: string): Promise<string | undefined> {
  const row = await services.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Returns the admin token, creating it on first start. */
export async function ensureAdminToken(services: CoreServices, preset?: string): Promise<string> {
  if (preset) {
    const hash = sha256Hex(preset);
    const current = await readSetting(services, 'admin_token_hash');
    if (current !== hash) {
      await services.db.deleteFrom('settings').where('key', 'in', ['admin_token_hash', 'admin_token_enc']).execute();
      await services.db
        .insertInto('settings')
        .values([
          { key: 'admin_token_hash', value: hash },
          { key: 'admin_token_enc', value: services.secrets.encrypt(preset) },
        ])
        .execute();
    }
    return preset;
  }
  const sealed = await readSetting(services, 'admin_token_enc');
  if (sealed) return services.secrets.decrypt(sealed);
  const token = `adm_${randomToken(24)}`;
  try {
    await services.db
      .insertInto('settings')
      .values({ key: 'admin_token_enc', value: services.secrets.encrypt(token) })
      .execute();
    await services.db
      .insertInto('settings')
      .values({ key: 'admin_token_hash', value: sha256Hex(token) })
      .execute();
    return token;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return services.secrets.decrypt((await readSetting(services, 'admin_token_enc')) as string); // another instance won
  }
}

export async function adminTokenHash(services: CoreServices): Promise<string | undefined> {
  return readSetting(services, 'admin_token_hash');
}

export interface DemoTenant {
  tenant: Tenant;
  created: boolean;
  credentials: CredentialSummary[];
}

/** What each door wants on the demo tenant (src/vendors/index.ts gathers it from the doors). */
export interface DemoSeed {
  credentials: IssueOptions[];
  seed(ctx: TenantContext): Promise<void>;
}

export async function ensureDemoTenant(services: CoreServices, demo: DemoSeed): Promise<DemoTenant> {
  let tenant: Tenant;
  let created = false;
  try {
    tenant = await getTenant(services, DEMO_SLUG);
  } catch {
    try {
      tenant = await createTenant(services, { name: 'Demo Merchant', slug: DEMO_SLUG, isTest: true, isDemo: true });
      created = true;
      // The credentials (in order: their ids are the order they are listed in) and the doors' own
      // demo data side by side, so that their password hashes (scrypt, on the thread pool) overlap.
      const issued = (async () => {
        for (const options of demo.credentials) await issueCredential(services, tenant.id, { ...options, revealable: true });
      })();
      const seeded = demo.seed(contextFor(services, tenant));
      const failed = (await Promise.allSettled([issued, seeded])).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    } catch {
      tenant = await getTenant(services, DEMO_SLUG); // another instance created it first
      created = false;
    }
  }
  return { tenant, created, credentials: await listCredentials(services, tenant.id) };
}
