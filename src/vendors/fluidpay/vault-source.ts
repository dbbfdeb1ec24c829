// Vault-backed payment sources for transactions: payment_method.customer and create_vault_record.
import type { TenantContext } from '../../core/context.ts';
import { invalid } from '../../core/errors/domain-error.ts';
import type { TransactionRow } from '../../store/schema.ts';
import type { Body } from './wire.ts';
import type { FluidPayTxnData } from './transaction-wire.ts';
import type { PaymentSource } from '../../core/payments/payments.ts';

export async function vaultSource(_ctx: TenantContext, _customer: Body): Promise<{ source: PaymentSource; data: FluidPayTxnData; customerId?: number }> {
  throw invalid('Unknown customer', 'payment_method.customer.id');
}

export async function vaultFromTransaction(_ctx: TenantContext, txn: TransactionRow, _command: unknown): Promise<TransactionRow> {
  return txn;
}
