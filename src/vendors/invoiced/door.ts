import { randomAlnum } from '../../core/crypto/secrets.ts';
import { CredentialKind } from '../../core/tenants/credentials.ts';
import type { Door } from '../kit/door.ts';
import { renderInvoicedError } from './errors.ts';

export const invoicedDoor: Door = {
  vendor: 'invoiced',
  title: 'Invoiced',
  live: false,
  prefix: '/invoiced',
  clientPath: '',
  readme: 'README.md#front-doors',
  credentials: { kinds: [CredentialKind.API_KEY], secret: () => randomAlnum(40) },
  demo: [{ kind: CredentialKind.API_KEY, label: 'api' }],
  rateLimit: { max: 0, windowMs: 60_000 },
  renderError: renderInvoicedError,
  routes: async () => {},
};
