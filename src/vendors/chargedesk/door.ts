import { randomAlnum } from '../../core/crypto/secrets.ts';
import { CredentialKind } from '../../core/tenants/credentials.ts';
import type { Door } from '../kit/door.ts';
import { renderChargeDeskError } from './errors.ts';
import { chargeDeskWebhooks } from './webhooks.ts';

export const chargeDeskDoor: Door = {
  vendor: 'chargedesk',
  title: 'ChargeDesk v1',
  live: false,
  prefix: '/chargedesk',
  clientPath: '',
  readme: 'README.md#front-doors',
  credentials: { kinds: [CredentialKind.API_KEY], secret: (_kind, mode) => `sk_${mode}_${randomAlnum(24)}` },
  demo: [{ kind: CredentialKind.API_KEY, label: 'secret' }],
  // The document's 60/min block would break test suites; off until configured (spec G41).
  rateLimit: { max: 0, windowMs: 60_000 },
  renderError: renderChargeDeskError,
  webhooks: [chargeDeskWebhooks(() => chargeDeskDoor.renderers)],
  routes: async () => {},
};
