// POST /tokens (spec §3, resolution): card or bank details in, a one-time `invoiced_token` out, for
// test cards and banks (invoiced.js does this in a browser at Invoiced). The token expires after
// 15 minutes and is consumed by the first charge or payment source that uses it. Accepts the API
// key or a publishable key (credential kind public_key) as the Basic user.
import type { FastifyInstance } from 'fastify';
import { invalid } from '../../core/errors/domain-error.ts';
import { cleanCardNumber, isValidCardNumber } from '../../core/processor/cards.ts';
import { tokenizeMethod } from '../../core/vault/tokenize.ts';
import type { BankInput, CardInput } from '../../core/vault/vault.ts';
import { tenantOf } from '../../http/auth.ts';
import { isObject } from '../kit/fields.ts';
import { renderSource } from './render.ts';
import { bodyOf, readString, seconds } from './wire.ts';

function whole(value: unknown, path: string, min: number, max: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,4}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw invalid(`${path} is invalid`, path);
  return n;
}

export function readCardDetails(value: unknown, path: string): CardInput & { cvv?: string | null } {
  if (!isObject(value)) throw invalid(`${path} must be an object`, path);
  const raw = readString(value, 'number', { path: `${path}[number]`, max: 40 });
  if (!raw) throw invalid(`${path}[number] is required`, `${path}[number]`);
  const number = cleanCardNumber(raw);
  if (!isValidCardNumber(number)) throw invalid('Card number is invalid', `${path}[number]`);
  const expMonth = whole(value.exp_month, `${path}[exp_month]`, 1, 12);
  const year = whole(value.exp_year, `${path}[exp_year]`, 0, 9999);
  const cvc = readString(value, 'cvc', { path: `${path}[cvc]`, max: 4 });
  if (cvc && !/^\d{3,4}$/.test(cvc)) throw invalid('Card code is invalid', `${path}[cvc]`);
  const name = readString(value, 'name', { path: `${path}[name]`, max: 255 });
  const line1 = readString(value, 'address_line1', { path: `${path}[address_line1]`, max: 255 });
  const zip = readString(value, 'address_zip', { path: `${path}[address_zip]`, max: 20 });
  return {
    number,
    expMonth,
    expYear: year < 100 ? 2000 + year : year,
    holderName: name || null,
    address: line1 || zip ? { line1: line1 || null, postal_code: zip || null } : undefined,
    cvv: cvc || null,
  };
}

export function readBankDetails(value: unknown, path: string): BankInput {
  if (!isObject(value)) throw invalid(`${path} must be an object`, path);
  const routing = readString(value, 'routing_number', { path: `${path}[routing_number]`, max: 9 });
  if (!routing || !/^\d{9}$/.test(routing)) throw invalid('Routing number is invalid', `${path}[routing_number]`);
  const account = readString(value, 'account_number', { path: `${path}[account_number]`, max: 17 });
  if (!account || !/^\d{4,17}$/.test(account)) throw invalid('Account number is invalid', `${path}[account_number]`);
  const holderType = readString(value, 'account_holder_type', { path: `${path}[account_holder_type]` });
  if (holderType && holderType !== 'individual' && holderType !== 'company') throw invalid('account_holder_type must be individual or company', `${path}[account_holder_type]`);
  const type = readString(value, 'type', { path: `${path}[type]` });
  if (type && type !== 'checking' && type !== 'savings') throw invalid('type must be checking or savings', `${path}[type]`);
  return {
    routingNumber: routing,
    accountNumber: account,
    accountType: type || 'checking',
    holderType: holderType === 'company' ? 'business' : 'personal',
    holderName: readString(value, 'account_holder_name', { path: `${path}[account_holder_name]`, max: 255 }) || null,
  };
}

export async function tokenRoutes(app: FastifyInstance): Promise<void> {
  app.post('/tokens', async (request, reply) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const hasCard = body.card !== undefined;
    const hasBank = body.bank_account !== undefined;
    if (hasCard === hasBank) throw invalid('Exactly one of card or bank_account is required', hasCard ? 'bank_account' : 'card');
    const card = hasCard ? readCardDetails(body.card, 'card') : null;
    const tokenized = card
      ? await tokenizeMethod(ctx, { card }, { cvv: card.cvv, prefix: '' })
      : await tokenizeMethod(ctx, { bank: readBankDetails(body.bank_account, 'bank_account') }, { prefix: '' });
    const source = { ...renderSource(tokenized.method), id: null };
    return reply.code(201).send({
      id: tokenized.token,
      object: 'token',
      type: card ? 'card' : 'bank_account',
      [card ? 'card' : 'bank_account']: source,
      livemode: false,
      used: false,
      created_at: seconds(tokenized.method.created_at),
      expires_at: seconds(tokenized.expiresAt),
    });
  });
}
