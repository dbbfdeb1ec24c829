// Request bodies shared by scenarios, so the bare baseline parses and echoes the same bytes that
// Bursar turns into a payment.
export const CARD_SALE_BODY = JSON.stringify({
  type: 'sale',
  amount: 1250,
  currency: 'USD',
  card: { number: '4111111111111111', exp_month: 12, exp_year: 2099, cvv: '123' },
});
