import type { FastifyRequest } from 'fastify';
import type { FrontDoor } from '../../http/front-door.ts';
import { renderFluidPayError } from './errors.ts';

export const fluidPayDoor: FrontDoor = {
  vendor: 'fluidpay',
  prefix: '/fluidpay',
  rateLimit: { max: 0, windowMs: 60_000 },
  renderError: renderFluidPayError,
  // FluidPay clients put the key in the body; the shared mechanism handles both.
  idempotencyKeyOf: (request: FastifyRequest) => {
    const body = request.body as { idempotency_key?: unknown } | undefined;
    return typeof body?.idempotency_key === 'string' && body.idempotency_key ? body.idempotency_key : undefined;
  },
  routes: async () => {},
};
