import type { FrontDoor } from '../../http/front-door.ts';
import { renderInvoicedError } from './errors.ts';

export const invoicedDoor: FrontDoor = {
  vendor: 'invoiced',
  prefix: '/invoiced',
  rateLimit: { max: 0, windowMs: 60_000 },
  renderError: renderInvoicedError,
  routes: async () => {},
};
