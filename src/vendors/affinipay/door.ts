import { randomAlnum } from '../../core/crypto/secrets.ts';
import { CredentialKind } from '../../core/tenants/credentials.ts';
import type { Door } from '../kit/door.ts';
import { renderAffiniPayError } from './errors.ts';
import { affiniPayPartnerWebhooks, affiniPayWebhooks } from './webhooks.ts';

export const affiniPayDoor: Door = {
  vendor: 'affinipay',
  title: 'AffiniPay (OAuth, Payment Gateway v1, Quick Bill)',
  live: false,
  prefix: '/affinipay',
  clientPath: '/v1',
  readme: 'README.md#front-doors',
  credentials: {
    kinds: [CredentialKind.API_KEY, CredentialKind.PUBLIC_KEY, CredentialKind.OAUTH_CLIENT],
    secret: (kind, mode) => (kind === CredentialKind.PUBLIC_KEY ? `m_${mode}_pk_${randomAlnum(22)}` : `m_${mode}_sk_${randomAlnum(22)}`),
  },
  demo: [
    { kind: CredentialKind.API_KEY, mode: 'test', label: 'secret' },
    { kind: CredentialKind.PUBLIC_KEY, mode: 'test', label: 'public' },
    { kind: CredentialKind.API_KEY, mode: 'live', label: 'secret' },
  ],
  rateLimit: { max: 0, windowMs: 60_000 },
  renderError: renderAffiniPayError,
  webhooks: [affiniPayWebhooks(() => affiniPayDoor.renderers), affiniPayPartnerWebhooks],
  routes: async () => {},
};
