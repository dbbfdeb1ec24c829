// The demo merchant (spec §7 seed): its keys (a test secret key, the public key, a live secret key,
// a partner OAuth app), its profile (Biz1, America/New_York) and its accounts (Operating, Trust, Test
// Bank Account in test; one live Operating account). The banner prints the keys.
import type { TenantContext } from '../../core/context.ts';
import { updateMerchantProfile } from '../../core/tenants/profile.ts';
import { CredentialKind } from '../../core/tenants/credentials.ts';
import { randomAlnum } from '../../core/crypto/secrets.ts';
import type { DemoCredential } from '../kit/door.ts';
import { accountsOf } from './accounts.ts';
import { VENDOR } from './methods.ts';

export const DEMO_KEYS: readonly DemoCredential[] = [
  { kind: CredentialKind.API_KEY, mode: 'test', label: 'secret' },
  { kind: CredentialKind.PUBLIC_KEY, mode: 'test', label: 'public' },
  { kind: CredentialKind.API_KEY, mode: 'live', label: 'secret' },
  // OAuth client ids are 64 alphanumerics (spec §1.2); made when the demo tenant is.
  { kind: CredentialKind.OAUTH_CLIENT, mode: 'test', label: 'Example App', publicId: randomAlnum(64) },
];

export async function seedDemo(ctx: TenantContext): Promise<void> {
  await accountsOf(ctx);
  await updateMerchantProfile(ctx, {
    vendor: VENDOR,
    fields: {
      contact_name: 'Demo Owner',
      contact_email: 'owner@example.com',
      contact_phone: '+15125551234',
      address1: '98723 Main Street',
      city: 'Austin',
      state: 'TX',
      postal_code: '78730',
      country: 'US',
      timezone: 'America/New_York',
    },
  });
}
