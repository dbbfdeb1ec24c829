// FluidPay's envelope: {status:"failed", msg, data:null} with 400/401/403/404.
import type { HttpFailure, RenderedError } from '../../http/front-door.ts';

export function renderFluidPayError(failure: HttpFailure): RenderedError {
  const status = failure.status === 409 || failure.status === 422 ? 400 : failure.status;
  return { status, body: { status: 'failed', msg: failure.message, data: null } };
}
