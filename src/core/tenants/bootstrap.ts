// First start: an admin token and a demo tenant with credentials for every front door. Their
// secrets are kept encrypted so every later start can print them again.
import type { CoreServices } from '../context.ts';
import { randomToken, sha256Hex } from '../crypto/secrets.ts';
import { isUniqueViolation } from '../../store/tx.ts';
import type { Tenant } from '../../store/schema.ts';
import { CredentialKind, issueCredential, listCredentials, type CredentialSummary, type IssueOptions } from './credentials.ts';
import { contextFor, createTenant, getTenant } from './tenants.ts';
import { createUser } from '../users/users.ts';

export const DEMO_SLUG = 'demo';
/** The key FluidPay's own test suites use; the demo tenant accepts it so they run unchanged. */
export const FLUIDPAY_SUITE_API_KEY = 'api_0wUsHIlrkK1I6ADno5MfT10UjhR';

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
    await services.db.insertInto('settings').values({ key: 'admin_token_enc', value: services.secrets.encrypt(token) }).execute();
    await services.db.insertInto('settings').values({ key: 'admin_token_hash', value: sha256Hex(token) }).execute();
    return token;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return services.secrets.decrypt((await readSetting(services, 'admin_token_enc')) as string); // another instance won
  }
}

export async function adminTokenHash(services: CoreServices): Promise<string | undefined> {
  return readSetting(services, 'admin_token_hash');
}

export const DEMO_CREDENTIALS: IssueOptions[] = [
  { vendor: 'chargeover', kind: CredentialKind.KEY_PAIR, label: 'demo' },
  // The two key pairs in ChargeOver's own document, so its examples run unchanged against the demo.
  { vendor: 'chargeover', kind: CredentialKind.KEY_PAIR, label: 'doc-1', publicId: 's27lHT4hxQ3nRCaEBP0dzKetjuiNfLmy', secret: 'Rqz3LDY6cipKbFOTwBE9NoVJnS5sQUrl' },
  { vendor: 'chargeover', kind: CredentialKind.KEY_PAIR, label: 'doc-2', publicId: '7sutWFEO2zKVYIGmZMJ3Nij5hfLxDRb8', secret: '9vCJbmdZKSieVchyrRItFQw8MBN4lOH3' },
  { vendor: 'fluidpay', kind: CredentialKind.API_KEY, label: 'api' },
  { vendor: 'fluidpay', kind: CredentialKind.API_KEY, label: 'suite', secret: FLUIDPAY_SUITE_API_KEY },
  { vendor: 'fluidpay', kind: CredentialKind.API_KEY, label: 'pub' },
  { vendor: 'fluidpay', kind: CredentialKind.PASSWORD, label: 'user', publicId: 'demo', secret: 'demo-password-1' },
  { vendor: 'chargedesk', kind: CredentialKind.API_KEY, label: 'secret' },
  { vendor: 'affinipay', kind: CredentialKind.API_KEY, mode: 'test', label: 'secret' },
  { vendor: 'affinipay', kind: CredentialKind.PUBLIC_KEY, mode: 'test', label: 'public' },
  { vendor: 'affinipay', kind: CredentialKind.API_KEY, mode: 'live', label: 'secret' },
  { vendor: 'invoiced', kind: CredentialKind.API_KEY, label: 'api' },
];

export interface DemoTenant {
  tenant: Tenant;
  created: boolean;
  credentials: CredentialSummary[];
}

export async function ensureDemoTenant(services: CoreServices): Promise<DemoTenant> {
  let tenant: Tenant;
  let created = false;
  try {
    tenant = await getTenant(services, DEMO_SLUG);
  } catch {
    try {
      tenant = await createTenant(services, { name: 'Demo Merchant', slug: DEMO_SLUG, isTest: true, isDemo: true });
      created = true;
      for (const options of DEMO_CREDENTIALS) await issueCredential(services, tenant.id, { ...options, revealable: true });
      // The FluidPay user behind the printed demo/demo-password-1, so token-auth works too.
      await createUser(contextFor(services, tenant), { username: DEMO_SLUG, password: 'demo-password-1', name: 'Demo Admin', role: 'admin', status: 'active' });
    } catch {
      tenant = await getTenant(services, DEMO_SLUG); // another instance created it first
      created = false;
    }
  }
  return { tenant, created, credentials: await listCredentials(services, tenant.id) };
}
