// The merchant's deposit bank accounts for Quick Bill (spec §2.E #51, §7 seed): configured with the
// merchant, no API changes them; every merchant has the seed's two (Chase and Bank of America).
import type { Tenant } from '../../../core/database.ts';
import { decodeXid, encodeXid, sameSecond } from '../ids.ts';

interface DepositAccount {
  index: number;
  name: string;
  bank_name: string;
  trust: boolean;
  account_id: string;
  type: 'operating' | 'iolta';
}

const ACCOUNTS: readonly DepositAccount[] = [
  { index: 1, name: 'Chase', bank_name: 'JPMorgan Chase & Co.', trust: false, account_id: '*****1234', type: 'operating' },
  { index: 2, name: 'BoA', bank_name: 'Bank of America Corporation', trust: false, account_id: '*****9876', type: 'operating' },
];

export function bankAccountId(tenant: Pick<Tenant, 'created_at'>, index: number): string {
  return encodeXid('bank_', 'deposit_account', index, tenant.created_at);
}

export function bankAccountById(tenant: Pick<Tenant, 'created_at'>, text: unknown): DepositAccount | null {
  const decoded = decodeXid('bank_', 'deposit_account', text);
  if (!decoded || !sameSecond(decoded, tenant.created_at)) return null;
  return ACCOUNTS.find((a) => a.index === decoded.id) ?? null;
}

export function bankAccount(index: number): DepositAccount {
  return ACCOUNTS.find((a) => a.index === index) ?? ACCOUNTS[0];
}

export function renderBankAccounts(tenant: Pick<Tenant, 'created_at'>): Record<string, unknown>[] {
  return ACCOUNTS.map((a) => ({ id: bankAccountId(tenant, a.index), name: a.name, bank_name: a.bank_name, trust: a.trust, account_id: a.account_id }));
}
