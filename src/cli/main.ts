// bursar: serve | tenant | key | clock | verify | reset. Operator commands act on the same
// database as the server (DATABASE_URL or the data folder) through the same core services.
import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { openServices, startServer } from '../server.ts';
import { advanceClock, clockState, parseDuration, setClock } from '../core/clock/tenant-clock.ts';
import { listCredentials, revokeCredential, type CredentialKind } from '../core/tenants/credentials.ts';
import { issueDoorCredential, VENDOR_NAMES } from '../vendors/index.ts';
import { createTenant, getTenant, listTenants, resetTenant } from '../core/tenants/tenants.ts';
import { verify } from '../core/verify/verify.ts';
import { DomainError } from '../core/errors/domain-error.ts';
import type { CoreServices } from '../core/context.ts';
import { tenantView } from '../admin/routes.ts';
import { credentialLines, printJson } from './print.ts';

interface JsonOption {
  json?: boolean;
}

/** Opens the database, runs the command, closes it; domain errors become a one-line message. */
async function withServices(fn: (services: CoreServices) => Promise<void>): Promise<void> {
  const { store, services } = await openServices({ ...loadConfig(), logLevel: 'silent' });
  try {
    await fn(services);
  } finally {
    await store.close();
  }
}

const tenantOption = new Option('-t, --tenant <idOrSlug>', 'tenant id or slug').default('demo');

const program = new Command('bursar').description('Bursar: a self-hosted billing and payments server speaking five vendors’ APIs').showHelpAfterError();

program
  .command('serve')
  .description('start the server (PORT, DATABASE_URL, BURSAR_DATA_DIR, BURSAR_<VENDOR>_PORT)')
  .option('--json', 'print the start-up summary as JSON')
  .action(async (options: JsonOption) => {
    const config = loadConfig();
    const server = await startServer(config);
    const summary = {
      url: server.url,
      database: server.services.dialect === 'postgres' ? 'postgresql' : `sqlite (${config.dataDir})`,
      admin_token: server.adminToken,
      demo_tenant: { id: server.demo.tenant.id, slug: server.demo.tenant.slug, created: server.demo.created },
      credentials: server.demo.credentials,
      vendor_ports: config.vendorPorts,
    };
    if (options.json) printJson(summary);
    else {
      const lines = [
        `Bursar listening on ${server.url} (${summary.database})`,
        `Admin API:  ${server.url}/_admin   (Authorization: Bearer ${server.adminToken})`,
        `Demo tenant "${server.demo.tenant.slug}" ${server.demo.created ? 'created' : 'reused'}; credentials per front door:`,
        ...credentialLines(server.url, server.demo.credentials),
      ];
      for (const [vendor, port] of Object.entries(config.vendorPorts)) lines.push(`  ${vendor} also on its own port: http://localhost:${port}`);
      process.stdout.write(lines.join('\n') + '\n');
    }
    const stop = async () => {
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

const tenant = program.command('tenant').description('manage tenants (merchants)');
tenant
  .command('create <name>')
  .description('create a tenant')
  .option('--slug <slug>', 'short name used in URLs and commands')
  .option('--live', 'a live tenant: its clock cannot move and it cannot be reset')
  .option('--json', 'JSON output')
  .action((name: string, options: JsonOption & { slug?: string; live?: boolean }) =>
    withServices(async (services) => {
      const created = await createTenant(services, { name, slug: options.slug, isTest: !options.live });
      if (options.json) printJson(tenantView(created));
      else process.stdout.write(`created tenant ${created.id} (${created.slug})\n`);
    }),
  );
tenant
  .command('list')
  .description('list tenants')
  .option('--json', 'JSON output')
  .action((options: JsonOption) =>
    withServices(async (services) => {
      const tenants = (await listTenants(services)).map(tenantView);
      if (options.json) printJson(tenants);
      else for (const t of tenants) process.stdout.write(`${t.id}\t${t.slug}\t${t.name}${t.is_test ? '\t(test)' : ''}\n`);
    }),
  );

const key = program.command('key').description('manage a tenant’s credentials per front door');
key
  .command('create')
  .description('issue a credential (the secret is shown once)')
  .addOption(tenantOption)
  .addOption(new Option('--vendor <vendor>', 'front door').choices([...VENDOR_NAMES]).makeOptionMandatory())
  .option('--kind <kind>', 'key_pair, api_key, public_key, password, oauth_client (default per vendor)')
  .addOption(new Option('--mode <mode>', 'test or live').choices(['test', 'live']).default('test'))
  .option('--label <label>', 'label (FluidPay: api or pub)')
  .option('--json', 'JSON output')
  .action((options: JsonOption & { tenant: string; vendor: string; kind?: CredentialKind; mode: 'test' | 'live'; label?: string }) =>
    withServices(async (services) => {
      const t = await getTenant(services, options.tenant);
      const issued = await issueDoorCredential(services, t.id, { vendor: options.vendor, kind: options.kind, mode: options.mode, label: options.label });
      if (options.json) printJson(issued);
      else process.stdout.write(`${issued.id}\t${issued.vendor}\t${issued.kind}\t${issued.publicId ? `${issued.publicId} / ` : ''}${issued.secret}\n`);
    }),
  );
key
  .command('list')
  .description('list credentials')
  .addOption(tenantOption)
  .option('--vendor <vendor>', 'only this front door')
  .option('--json', 'JSON output')
  .action((options: JsonOption & { tenant: string; vendor?: string }) =>
    withServices(async (services) => {
      const t = await getTenant(services, options.tenant);
      const list = await listCredentials(services, t.id, options.vendor);
      if (options.json) printJson(list);
      else for (const c of list) process.stdout.write(`${c.id}\t${c.vendor}\t${c.kind}\t${c.mode}\t${c.label}\t${c.public_id ?? ''}\t${c.revoked_at ? 'revoked' : 'active'}\n`);
    }),
  );
key
  .command('revoke <id>')
  .description('revoke a credential')
  .addOption(tenantOption)
  .option('--json', 'JSON output')
  .action((id: string, options: JsonOption & { tenant: string }) =>
    withServices(async (services) => {
      const t = await getTenant(services, options.tenant);
      await revokeCredential(services, t.id, Number(id));
      if (options.json) printJson({ revoked: Number(id) });
      else process.stdout.write(`revoked ${id}\n`);
    }),
  );

const clock = program.command('clock').description('read or move a test tenant’s clock (forward only)');
function printClock(options: JsonOption, state: ReturnType<typeof clockState>): void {
  if (options.json) printJson(state);
  else process.stdout.write(`${state.iso}${state.frozen ? ' (frozen)' : ''}\n`);
}
clock
  .command('get')
  .addOption(tenantOption)
  .option('--json', 'JSON output')
  .action((options: JsonOption & { tenant: string }) => withServices(async (services) => printClock(options, clockState(await getTenant(services, options.tenant)))));
clock
  .command('set <time>')
  .description('move the clock to an ISO 8601 time; due jobs run before it returns')
  .addOption(tenantOption)
  .option('--freeze', 'stop the clock at that time')
  .option('--json', 'JSON output')
  .action((time: string, options: JsonOption & { tenant: string; freeze?: boolean }) =>
    withServices(async (services) => printClock(options, clockState(await setClock(services, await getTenant(services, options.tenant), { to: time, freeze: options.freeze })))),
  );
clock
  .command('advance <duration>')
  .description('move the clock forward by 90s, 15m, 2h, 3d, 1w…; due jobs run before it returns')
  .addOption(tenantOption)
  .option('--json', 'JSON output')
  .action((duration: string, options: JsonOption & { tenant: string }) =>
    withServices(async (services) => printClock(options, clockState(await advanceClock(services, await getTenant(services, options.tenant), parseDuration(duration))))),
  );

program
  .command('verify')
  .description('check every ledger and balance invariant; exits 1 naming the first violation')
  .option('-t, --tenant <idOrSlug>', 'only this tenant')
  .option('--json', 'JSON output')
  .action((options: JsonOption & { tenant?: string }) =>
    withServices(async (services) => {
      const tenantId = options.tenant ? (await getTenant(services, options.tenant)).id : undefined;
      const report = await verify(services, tenantId);
      if (options.json) printJson(report);
      else
        process.stdout.write(
          report.ok
            ? `ok: ${Object.entries(report.checked).map(([k, v]) => `${v} ${k}`).join(', ')}\n`
            : `VIOLATION: ${report.violation}\n`,
        );
      if (!report.ok) process.exitCode = 1;
    }),
  );

program
  .command('reset')
  .description('wipe a test tenant’s data and clock (credentials stay)')
  .addOption(tenantOption)
  .option('--json', 'JSON output')
  .action((options: JsonOption & { tenant: string }) =>
    withServices(async (services) => {
      const t = await resetTenant(services, await getTenant(services, options.tenant));
      if (options.json) printJson(tenantView(t));
      else process.stdout.write(`reset tenant ${t.slug}\n`);
    }),
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`bursar: ${error instanceof DomainError || error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
