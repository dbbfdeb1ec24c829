// Quick Bill (spec §1.6, §2.E, §4.20): contacts, bank accounts, invoices, messages, attachments and
// payments, with Bearer tokens.
import type { FastifyInstance } from 'fastify';
import type { Router } from '../routing.ts';

export function quickBillRoutes(_router: Router, _app: FastifyInstance): void {}
