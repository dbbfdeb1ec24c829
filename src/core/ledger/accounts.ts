// Chart of accounts. Amounts on lines are signed: debit positive, credit negative.
export const Account = {
  /** What a customer owes on an invoice (asset; per customer and invoice). */
  RECEIVABLE: 'receivable',
  /** Income from issued invoices, net of discounts (credit-normal). */
  REVENUE: 'revenue',
  /** Tax collected on invoices (liability). */
  TAX_PAYABLE: 'tax_payable',
  /** Money held for a customer: payments not yet applied, credit memos (liability; per customer). */
  CUSTOMER_CREDIT: 'customer_credit',
  /** Captured by the processor, not yet settled (asset; per transaction). */
  PROCESSOR_CLEARING: 'processor_clearing',
  /** Deposited by settlement batches. */
  BANK: 'bank',
  /** Payments recorded outside the processor (cash, cheque, wire). */
  CASH: 'cash',
  /** Credit memos granted to customers (contra-revenue). */
  CREDITS_GRANTED: 'credits_granted',
  /** Unreferenced credits paid out to a card or account. */
  PAYOUTS: 'payouts',
  /** Invoice balances written off. */
  BAD_DEBT: 'bad_debt',
} as const;
export type Account = (typeof Account)[keyof typeof Account];
