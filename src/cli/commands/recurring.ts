// bursar due … (what falls due, run it now), bursar subscriptions, bursar settings: the recurring
// engine for operators, over the same core services as the admin API.
import type { Command } from 'commander';
import { pendingDueWork, runDueWork } from '../../core/jobs/runner.ts';
import { contextFor, getTenant } from '../../core/tenants/tenants.ts';
import { setRecurringSettings } from '../../core/tenants/recurring-settings.ts';
import { rezoneSubscriptions } from '../../core/subscriptions/lifecycle.ts';
import { listForOperators } from '../../core/subscriptions/queries.ts';
import { invalid } from '../../core/errors/domain-error.ts';
import { settingsView, subscriptionView } from '../../admin/recurring-routes.ts';
import { printJson, type CliIo } from '../io.ts';
import { tenantOption, withServices, type JsonOption } from '../context.ts';

function instant(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw invalid(`not a time: ${text}`, 'until');
  return ms;
}

export function recurringCommands(program: Command, io: CliIo): void {
  const due = program.command('due').description('what falls due as time passes (renewals, retries, cut-offs…), and running it now');
  due
    .command('list')
    .description('list what is due by a time (default: now on the tenant clock)')
    .addOption(tenantOption())
    .option('--until <time>', 'ISO 8601 time or epoch ms')
    .option('--limit <n>', 'at most this many items', '50')
    .option('--json', 'JSON output')
    .action((options: JsonOption & { tenant: string; until?: string; limit: string }) =>
      withServices(io, async (services) => {
        const ctx = contextFor(services, await getTenant(services, options.tenant));
        const until = instant(options.until, ctx.clock.now());
        const { items, counts } = await pendingDueWork(ctx, until, Math.max(1, Number(options.limit) || 50));
        if (options.json)
          return printJson(io, {
            until: new Date(until).toISOString(),
            counts,
            items: items.map((i) => ({ kind: i.kind, due_at: new Date(i.dueAt).toISOString(), object_type: i.objectType, object_id: i.objectId, detail: i.detail ?? {} })),
          });
        if (items.length === 0) return io.out(`nothing due by ${new Date(until).toISOString()}\n`);
        for (const i of items) io.out(`${new Date(i.dueAt).toISOString()}\t${i.kind}\t${i.objectType} ${i.objectId}\n`);
      }),
    );
  due
    .command('run')
    .description('run everything due now on the tenant clock')
    .addOption(tenantOption())
    .option('--json', 'JSON output')
    .action((options: JsonOption & { tenant: string }) =>
      withServices(io, async (services) => {
        const report = await runDueWork(services, await getTenant(services, options.tenant));
        if (options.json) return printJson(io, { ran: report.ran, moments: report.moments });
        const ran = Object.entries(report.ran);
        io.out(ran.length ? `ran: ${ran.map(([kind, n]) => `${kind} ${n}`).join(', ')}\n` : 'nothing was due\n');
      }),
    );

  program
    .command('subscriptions')
    .description('list a tenant’s subscriptions (any door’s), newest first')
    .addOption(tenantOption())
    .option('--status <status>', 'only this status (active, past_due, cancelled, …)')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'JSON output')
    .action((options: JsonOption & { tenant: string; status?: string; limit: string }) =>
      withServices(io, async (services) => {
        const ctx = contextFor(services, await getTenant(services, options.tenant));
        const { rows, total } = await listForOperators(ctx, { status: options.status, offset: 0, limit: Math.max(1, Number(options.limit) || 50) });
        if (options.json) return printJson(io, { total, subscriptions: rows.map((row) => subscriptionView(row)) });
        for (const row of rows) io.out(`${row.id}\t${row.status}\tcustomer ${row.customer_id}\t${row.amount} ${row.currency}\tnext ${row.next_bill_date ?? '-'}\n`);
        io.out(`${total} subscription${total === 1 ? '' : 's'}\n`);
      }),
    );

  program
    .command('settings')
    .description('read or change a tenant’s time zone, dunning ladder and authorization window')
    .addOption(tenantOption())
    .option('--timezone <zone>', 'IANA time zone (bill dates and cut-offs are days and times there)')
    .option('--dunning <days>', 'retry days after a failed renewal, e.g. 1,3,5 ("" for none)')
    .option('--dunning-final <what>', 'after the last retry: cancel or unpaid')
    .option('--authorization-days <n>', 'days an uncaptured authorization holds ("none" to keep it)')
    .option('--notice-days <n>', 'days ahead a coming payment or trial end is noticed, and an unpaid payment request reminded (0: never)')
    .option('--json', 'JSON output')
    .action((options: JsonOption & { tenant: string; timezone?: string; dunning?: string; dunningFinal?: string; authorizationDays?: string; noticeDays?: string }) =>
      withServices(io, async (services) => {
        const before = await getTenant(services, options.tenant);
        const tenant = await setRecurringSettings(services, before, {
          timezone: options.timezone,
          dunningDays:
            options.dunning === undefined
              ? undefined
              : options.dunning
                  .split(',')
                  .filter((d) => d.trim())
                  .map(Number),
          dunningFinal: options.dunningFinal,
          authorizationExpiryDays: options.authorizationDays === undefined ? undefined : options.authorizationDays === 'none' ? null : Number(options.authorizationDays),
          noticeDays: options.noticeDays === undefined ? undefined : Number(options.noticeDays),
        });
        if (tenant.timezone !== before.timezone) await rezoneSubscriptions(contextFor(services, tenant));
        const view = settingsView(tenant);
        if (options.json) return printJson(io, view);
        for (const [key, value] of Object.entries(view)) io.out(`${key}\t${Array.isArray(value) ? value.join(',') : String(value)}\n`);
      }),
    );
}
