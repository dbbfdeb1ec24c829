import type { FrontDoor } from '../../http/front-door.ts';
import { renderChargeOverError } from './errors.ts';

// Routes arrive with the ChargeOver front door issue; the envelope, 404 and rate limit are live now.
export const chargeOverDoor: FrontDoor = {
  vendor: 'chargeover',
  prefix: '/chargeover',
  rateLimit: { max: 250, windowMs: 60_000 },
  renderError: renderChargeOverError,
  routes: async () => {},
};
