import type { FrontDoor } from '../../http/front-door.ts';
import { renderChargeDeskError } from './errors.ts';

export const chargeDeskDoor: FrontDoor = {
  vendor: 'chargedesk',
  prefix: '/chargedesk',
  // The document's 60/min block would break test suites; off until configured (spec G41).
  rateLimit: { max: 0, windowMs: 60_000 },
  renderError: renderChargeDeskError,
  routes: async () => {},
};
