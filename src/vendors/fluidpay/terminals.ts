// GET /terminals (spec #57, §3.14): the merchant's simulated devices, inactive ones included;
// msg is "success" (the js suite checks it: fluidpay-v2 §5.1, overriding G16's ""). Terminal sales: payment_method.terminal (§3.5, §4.3 item 5).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import { invalid } from '../../core/errors/domain-error.ts';
import { getTerminal, listTerminals, TERMINAL_TEST_CARD } from '../../core/terminals/terminals.ts';
import type { PaymentSource } from '../../core/payments/payments.ts';
import type { TerminalRow } from '../../core/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeId, encodeId, sameSecond } from './ids.ts';
import type { FluidPayTxnData } from './transaction-wire.ts';
import { listed, oneOf, optBool, optString, ts, ZERO_TIME, type Body } from './wire.ts';

function renderTerminal(ctx: TenantContext, row: TerminalRow) {
  return {
    id: encodeId('terminal', row.id, row.created_at),
    merchant_id: encodeId('merchant', ctx.tenant.id, ctx.tenant.created_at),
    manufacturer: row.manufacturer,
    model: row.model,
    serial_number: row.serial_number,
    tpn: row.tpn,
    description: row.description,
    status: row.status,
    auth_key: row.auth_key,
    register_id: row.register_id,
    auto_settle: row.auto_settle === 1,
    settle_at: row.settle_at,
    created_at: ts(row.created_at),
    updated_at: row.updated_at === null ? ZERO_TIME : ts(row.updated_at),
  };
}

/** payment_method.terminal → the device's card; only an active terminal of this merchant (else 400). */
export async function terminalSource(ctx: TenantContext, spec: Body): Promise<{ source: PaymentSource; data: FluidPayTxnData }> {
  const id = optString(spec, 'id', { path: 'payment_method.terminal.id' });
  const decoded = decodeId('terminal', id);
  let row: TerminalRow | undefined;
  if (decoded) {
    try {
      row = await getTerminal(ctx, decoded.id);
    } catch {
      row = undefined;
    }
  }
  if (!row || !decoded || !sameSecond(decoded, row.created_at)) throw invalid('Unknown terminal', 'payment_method.terminal.id');
  if (row.status !== 'active') throw invalid('The terminal is not active', 'payment_method.terminal.id');
  oneOf(optString(spec, 'print_receipt', { path: 'payment_method.terminal.print_receipt' }) || undefined, ['no', 'customer', 'merchant', 'both'], 'payment_method.terminal.print_receipt');
  optBool(spec, 'signature_required', 'payment_method.terminal.signature_required');
  const card = TERMINAL_TEST_CARD;
  return {
    source: { card: { number: card.number, expMonth: card.expMonth, expYear: card.expYear, holderName: card.holderName } },
    data: { payment_method: 'terminal', entry_type: 'swiped', number_length: card.number.length, terminal_id: encodeId('terminal', row.id, row.created_at) },
  };
}

export async function terminalRoutes(app: FastifyInstance): Promise<void> {
  const list = async (request: FastifyRequest) => {
    const ctx = tenantOf(request);
    const rows = await listTerminals(ctx);
    return listed(
      rows.map((row) => renderTerminal(ctx, row)),
      rows.length,
    );
  };
  app.get('/terminals', list);
  app.post('/terminals', list); // G12
}
