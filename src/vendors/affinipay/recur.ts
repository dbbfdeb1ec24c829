// POST /v1/charges: a charge, and with `recur` (spec §4.9) a charge that starts a recurring charge on
// its method. `recur` is checked first (as a schedule starting today, no charge when it is wrong);
// then the charge is read like any other; the core charges and, if approved, opens the recurring
// charge whose first occurrence that charge paid, in one transaction. A decline recurs nothing.
import type { FastifyRequest } from 'fastify';
import { tenantToday } from '../../core/clock/tenant-time.ts';
import { chargeAndRecur, type ChargeAndRecurResult } from '../../core/flows/recurring-charges.ts';
import { TxnStatus } from '../../core/payments/states.ts';
import { tenantOf } from '../../http/auth.ts';
import { charge, failed, methodKindOf, paymentInput, paymentRefusal, processorOptions, readPayment } from './charges.ts';
import { invalidData } from './errors.ts';
import { VENDOR } from './methods.ts';
import { chargeFields, readCaps, readSchedule } from './recurring-wire.ts';
import type { Router } from './routing.ts';
import { renderOne } from './transactions.ts';
import { isObject, jsonBody, readAmount, readBoolean, readString } from './wire.ts';

async function chargeMaybeRecurring(request: FastifyRequest): Promise<Record<string, unknown>> {
  const body = jsonBody(request);
  if (body.recur === undefined || body.recur === null) return charge(request, false);
  const ctx = tenantOf(request);
  if (readBoolean(body.auto_capture, 'auto_capture') === false) throw invalidData('recur', 'invalid', 'Only automatically captured charges can recur');
  if (!isObject(body.recur)) throw invalidData('recur', 'invalid', 'Recur is invalid');
  const recur = body.recur;
  const first = readAmount(body.amount, 'amount', { required: true }) as number;
  const amount = readAmount(recur.amount, 'recur.amount') ?? first;
  const caps = readCaps(recur, 'recur');
  // No start: the schedule starts today and the charge pays its first occurrence (§6 #60).
  const schedule = readSchedule(recur, { prefix: 'recur', start: tenantToday(ctx), amount, ...caps });
  const description = readString(recur.description, 'recur.description', 255) ?? '';
  const payment = await readPayment(ctx, body, false);
  let result: ChargeAndRecurResult;
  try {
    result = await chargeAndRecur(ctx, paymentInput(ctx, payment, 'sale'), {
      amount,
      currency: payment.currency,
      description,
      schedule,
      charge: chargeFields(payment.account, payment.reference, payment.data),
      processor: processorOptions(ctx, payment.account, false, false),
      vendor: VENDOR,
    });
  } catch (error) {
    throw paymentRefusal(error, methodKindOf(payment));
  }
  if (result.charge.status === TxnStatus.DECLINED || result.charge.status === TxnStatus.ERROR) throw await failed(ctx, result.charge);
  return renderOne(ctx, result.charge);
}

export function recurRoutes(router: Router): void {
  router.post('/v1/charges', chargeMaybeRecurring);
}
