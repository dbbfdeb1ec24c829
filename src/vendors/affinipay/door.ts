import type { FrontDoor } from '../../http/front-door.ts';
import { renderAffiniPayError } from './errors.ts';

export const affiniPayDoor: FrontDoor = {
  vendor: 'affinipay',
  prefix: '/affinipay',
  rateLimit: { max: 0, windowMs: 60_000 },
  renderError: renderAffiniPayError,
  routes: async () => {},
};
