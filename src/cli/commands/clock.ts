// bursar clock …, bursar verify, bursar reset
import type { Command } from 'commander';
import { clockState, moveClockBy, moveClockTo, parseDuration, type ClockMove } from '../../core/clock/tenant-clock.ts';
import { getTenant, resetTenant } from '../../core/tenants/tenants.ts';
import { verify } from '../../core/verify/verify.ts';
import { tenantView } from '../../admin/routes.ts';
import { printJson, type CliIo } from '../io.ts';
import { confirmDestructive, requiredTenantOption, tenantOption, withServices, type JsonOption } from '../context.ts';

export function clockCommands(program: Command, io: CliIo, exit: (code: number) => void): void {
  const clock = program.command('clock').description('read or move a test tenant’s clock (forward only)');
  const print = (options: JsonOption, state: ReturnType<typeof clockState>) => {
    if (options.json) printJson(io, state);
    else io.out(`${state.iso}${state.frozen ? ' (frozen)' : ''}\n`);
  };
  // A move also says what fell due on the way: counts per kind of due work.
  const printMove = (options: JsonOption, move: ClockMove) => {
    const state = clockState(move.tenant);
    if (options.json) return printJson(io, { ...state, ran: move.ran });
    print(options, state);
    const ran = Object.entries(move.ran);
    if (ran.length) io.out(`ran: ${ran.map(([kind, n]) => `${kind} ${n}`).join(', ')}\n`);
  };
  clock
    .command('get')
    .addOption(tenantOption())
    .option('--json', 'JSON output')
    .action((options: JsonOption & { tenant: string }) => withServices(io, async (services) => print(options, clockState(await getTenant(services, options.tenant)))));
  clock
    .command('set <time>')
    .description('move the clock to an ISO 8601 time; due work runs before it returns (each item as of its own moment) and is counted per kind')
    .addOption(tenantOption())
    .option('--freeze', 'stop the clock at that time')
    .option('--json', 'JSON output')
    .action((time: string, options: JsonOption & { tenant: string; freeze?: boolean }) =>
      withServices(io, async (services) => printMove(options, await moveClockTo(services, await getTenant(services, options.tenant), { to: time, freeze: options.freeze }))),
    );
  clock
    .command('advance <duration>')
    .description('move the clock forward by 90s, 15m, 2h, 3d, 1w…; due work runs before it returns and is counted per kind')
    .addOption(tenantOption())
    .option('--json', 'JSON output')
    .action((duration: string, options: JsonOption & { tenant: string }) =>
      withServices(io, async (services) => printMove(options, await moveClockBy(services, await getTenant(services, options.tenant), parseDuration(duration)))),
    );

  program
    .command('verify')
    .description('check every ledger and balance invariant; exits 1 naming the first violation')
    .option('-t, --tenant <idOrSlug>', 'only this tenant')
    .option('--json', 'JSON output')
    .action((options: JsonOption & { tenant?: string }) =>
      withServices(io, async (services) => {
        const tenantId = options.tenant ? (await getTenant(services, options.tenant)).id : undefined;
        const report = await verify(services, tenantId);
        if (options.json) printJson(io, report);
        else
          io.out(
            report.ok
              ? `ok: ${Object.entries(report.checked)
                  .map(([k, v]) => `${v} ${k}`)
                  .join(', ')}\n`
              : `VIOLATION: ${report.violation}\n`,
          );
        if (!report.ok) exit(1);
      }),
    );

  program
    .command('reset')
    .description('wipe a test tenant’s data and clock (credentials stay); needs --tenant, and --yes off a terminal')
    .addOption(requiredTenantOption())
    .option('-y, --yes', 'do not ask')
    .option('--json', 'JSON output')
    .action((options: JsonOption & { tenant: string; yes?: boolean }) =>
      withServices(io, async (services) => {
        const tenant = await getTenant(services, options.tenant);
        // A live tenant cannot be reset at all: the core says so without asking first.
        if (tenant.is_test === 1) await confirmDestructive(io, options, `reset wipes every customer, invoice and payment of tenant ${tenant.slug}`);
        const t = await resetTenant(services, tenant);
        if (options.json) printJson(io, tenantView(t));
        else io.out(`reset tenant ${t.slug}\n`);
      }),
    );
}
