// bursar clock …, bursar verify, bursar reset
import type { Command } from 'commander';
import { advanceClock, clockState, parseDuration, setClock } from '../../core/clock/tenant-clock.ts';
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
  clock
    .command('get')
    .addOption(tenantOption())
    .option('--json', 'JSON output')
    .action((options: JsonOption & { tenant: string }) => withServices(io, async (services) => print(options, clockState(await getTenant(services, options.tenant)))));
  clock
    .command('set <time>')
    .description('move the clock to an ISO 8601 time; due jobs run before it returns')
    .addOption(tenantOption())
    .option('--freeze', 'stop the clock at that time')
    .option('--json', 'JSON output')
    .action((time: string, options: JsonOption & { tenant: string; freeze?: boolean }) =>
      withServices(io, async (services) => print(options, clockState(await setClock(services, await getTenant(services, options.tenant), { to: time, freeze: options.freeze })))),
    );
  clock
    .command('advance <duration>')
    .description('move the clock forward by 90s, 15m, 2h, 3d, 1w…; due jobs run before it returns')
    .addOption(tenantOption())
    .option('--json', 'JSON output')
    .action((duration: string, options: JsonOption & { tenant: string }) =>
      withServices(io, async (services) => print(options, clockState(await advanceClock(services, await getTenant(services, options.tenant), parseDuration(duration))))),
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
