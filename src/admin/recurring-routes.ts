// The recurring engine over the admin API: a tenant's settings for time-driven work (zone, dunning
// ladder, authorization window), what is due and running it now, and its subscriptions.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CoreServices, TenantContext } from '../core/context.ts';
import type { RenewalRow, SubscriptionLineRow, SubscriptionRow, Tenant } from '../core/database.ts';
import { DomainError, ErrorCode, invalid } from '../core/errors/domain-error.ts';
import { pendingDueWork, runDueWork } from '../core/jobs/runner.ts';
import { recurringSettings, setRecurringSettings } from '../core/tenants/recurring-settings.ts';
import { contextFor, getTenant } from '../core/tenants/tenants.ts';
import { rezoneSubscriptions } from '../core/subscriptions/lifecycle.ts';
import { subscriptionLines } from '../core/subscriptions/lines.ts';
import { listForOperators, renewalsOf, subscriptionsByIds } from '../core/subscriptions/queries.ts';
import { subscriptionSchedule, SUBSCRIPTION_STATUSES } from '../core/subscriptions/subscriptions.ts';

type Params = { tenant: string };
type Body = Record<string, unknown>;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());

export function settingsView(tenant: Tenant) {
  const s = recurringSettings(tenant);
  return {
    timezone: s.timezone,
    dunning_days: s.dunningDays,
    dunning_final: s.dunningFinal,
    authorization_expiry_days: s.authorizationExpiryDays,
    settlement_cutoff: s.settlementCutoff,
    notice_days: s.noticeDays,
  };
}

/** The neutral schedule in the admin API's snake_case. */
function scheduleView(row: SubscriptionRow) {
  const s = subscriptionSchedule(row);
  return {
    unit: s.unit,
    interval: s.interval,
    anchors: s.anchors,
    short_months: s.shortMonths,
    start: s.start,
    trial_days: s.trialDays ?? 0,
    end: s.end ?? null,
    max_occurrences: s.maxOccurrences ?? null,
    max_amount: s.maxAmount ?? null,
  };
}

export function subscriptionView(row: SubscriptionRow, lines?: SubscriptionLineRow[], renewals?: RenewalRow[]) {
  return {
    id: row.id,
    token: row.token,
    customer_id: row.customer_id,
    status: row.status,
    status_reason: row.status_reason,
    description: row.description,
    currency: row.currency,
    amount: row.amount,
    quantity: row.quantity,
    schedule: scheduleView(row),
    collection: row.collection,
    payment_method_id: row.payment_method_id,
    next_bill_date: row.next_bill_date,
    next_bill_at: iso(row.next_bill_at),
    current_period_start: row.current_period_start,
    current_period_end: row.current_period_end,
    billed_count: row.billed_count,
    billed_amount: row.billed_amount,
    trial_ends_on: row.trial_ends_on,
    pause_from: iso(row.pause_from),
    pause_until: iso(row.pause_until),
    cancel_at: iso(row.cancel_at),
    cancelled_at: iso(row.cancelled_at),
    ended_at: iso(row.ended_at),
    last_error: row.last_error,
    created_at: iso(row.created_at),
    ...(lines
      ? {
          lines: lines.map((l) => ({
            id: l.id,
            item_id: l.item_id,
            description: l.description,
            quantity: l.quantity,
            unit_price: l.unit_price,
            pricing: l.pricing,
            percent: l.percent,
            setup_fee: l.setup_fee,
            bill_from: l.bill_from,
            billings: l.billings,
            cancelled_at: iso(l.cancelled_at),
          })),
        }
      : {}),
    ...(renewals
      ? {
          renewals: renewals.map((r) => ({
            id: r.id,
            period_start: r.period_start,
            period_end: r.period_end,
            status: r.status,
            amount: r.amount,
            invoice_id: r.invoice_id,
            transaction_id: r.transaction_id,
            attempts: r.attempts,
            next_retry_at: iso(r.retry_at),
          })),
        }
      : {}),
  };
}

function untilOf(value: string | undefined, ctx: TenantContext): number {
  if (value === undefined || value === '') return ctx.clock.now();
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw invalid('until must be an ISO 8601 time or epoch ms', 'until');
  return ms;
}

function limitOf(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,6}$/.test(value)) throw invalid('limit must be a positive integer', 'limit');
  return Math.max(1, Math.min(1000, Number(value)));
}

export function recurringRoutes(services: CoreServices) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const tenantOf = (request: FastifyRequest<{ Params: Params }>) => getTenant(services, request.params.tenant);

    app.get<{ Params: Params }>('/tenants/:tenant/settings', async (request) => ({ settings: settingsView(await tenantOf(request)) }));
    app.put<{ Params: Params }>('/tenants/:tenant/settings', async (request) => {
      const input = (request.body && typeof request.body === 'object' ? request.body : {}) as Body;
      const known = ['timezone', 'dunning_days', 'dunning_final', 'authorization_expiry_days', 'settlement_cutoff', 'notice_days'];
      for (const key of Object.keys(input)) if (!known.includes(key)) throw invalid(`unknown setting ${key} (known: ${known.join(', ')})`, key);
      const before = await tenantOf(request);
      const tenant = await setRecurringSettings(services, before, {
        timezone: input.timezone,
        dunningDays: input.dunning_days,
        dunningFinal: input.dunning_final,
        authorizationExpiryDays: input.authorization_expiry_days,
        settlementCutoff: input.settlement_cutoff,
        noticeDays: input.notice_days,
      });
      if (tenant.timezone !== before.timezone) await rezoneSubscriptions(contextFor(services, tenant));
      return { settings: settingsView(tenant) };
    });

    app.get<{ Params: Params; Querystring: { until?: string; limit?: string } }>('/tenants/:tenant/due-work', async (request) => {
      const ctx = contextFor(services, await tenantOf(request));
      const until = untilOf(request.query.until, ctx);
      const { items, counts } = await pendingDueWork(ctx, until, limitOf(request.query.limit, 100));
      return {
        until: new Date(until).toISOString(),
        counts,
        items: items.map((item) => ({ kind: item.kind, due_at: new Date(item.dueAt).toISOString(), object_type: item.objectType, object_id: item.objectId, detail: item.detail ?? {} })),
      };
    });
    app.post<{ Params: Params }>('/tenants/:tenant/due-work/run', async (request) => {
      const tenant = await tenantOf(request);
      const report = await runDueWork(services, tenant);
      return { ran: report.ran, moments: report.moments };
    });

    app.get<{ Params: Params; Querystring: { status?: string; limit?: string; offset?: string } }>('/tenants/:tenant/subscriptions', async (request) => {
      const ctx = contextFor(services, await tenantOf(request));
      const status = request.query.status || undefined;
      if (status !== undefined && !(SUBSCRIPTION_STATUSES as readonly string[]).includes(status)) throw invalid(`status must be one of ${SUBSCRIPTION_STATUSES.join(', ')}`, 'status');
      const offset = request.query.offset ? limitOf(request.query.offset, 0) : 0;
      const { rows, total } = await listForOperators(ctx, { status, offset, limit: limitOf(request.query.limit, 100) });
      return { total, subscriptions: rows.map((row) => subscriptionView(row)) };
    });
    app.get<{ Params: Params & { id: string } }>('/tenants/:tenant/subscriptions/:id', async (request) => {
      const ctx = contextFor(services, await tenantOf(request));
      const id = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : NaN;
      const [row] = Number.isSafeInteger(id) ? await subscriptionsByIds(ctx, [id]) : [];
      if (!row) throw new DomainError(ErrorCode.NOT_FOUND, `subscription ${request.params.id} not found`);
      const lines = (await subscriptionLines(ctx, [row.id], { includeCancelled: true })).get(row.id) ?? [];
      return { subscription: subscriptionView(row, lines, await renewalsOf(ctx, row.id)) };
    });
  };
}
