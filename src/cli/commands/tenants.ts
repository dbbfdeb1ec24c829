// bursar tenant … and bursar key …
import { Option, type Command } from 'commander';
import { listCredentials, revokeCredential } from '../../core/tenants/credentials.ts';
import { issueDoorCredential, VENDOR_NAMES } from '../../vendors/index.ts';
import { createTenant, getTenant, listTenants } from '../../core/tenants/tenants.ts';
import { tenantView } from '../../admin/routes.ts';
import { ALL_KINDS, checkKind } from '../../admin/validate.ts';
import { printJson, type CliIo } from '../io.ts';
import { requiredTenantOption, tenantOption, withServices, type JsonOption } from '../context.ts';

export function tenantCommands(program: Command, io: CliIo): void {
  const tenant = program.command('tenant').description('manage tenants (merchants)');
  tenant
    .command('create <name>')
    .description('create a tenant')
    .option('--slug <slug>', 'short name used in URLs and commands')
    .option('--live', 'a live tenant: its clock cannot move and it cannot be reset')
    .option('--json', 'JSON output')
    .action((name: string, options: JsonOption & { slug?: string; live?: boolean }) =>
      withServices(io, async (services) => {
        const created = await createTenant(services, { name, slug: options.slug, isTest: !options.live });
        if (options.json) printJson(io, tenantView(created));
        else io.out(`created tenant ${created.id} (${created.slug})\n`);
      }),
    );
  tenant
    .command('list')
    .description('list tenants')
    .option('--json', 'JSON output')
    .action((options: JsonOption) =>
      withServices(io, async (services) => {
        const tenants = (await listTenants(services)).map(tenantView);
        if (options.json) printJson(io, tenants);
        else for (const t of tenants) io.out(`${t.id}\t${t.slug}\t${t.name}${t.is_test ? '\t(test)' : ''}\n`);
      }),
    );

  const key = program.command('key').description('manage a tenant’s credentials per front door');
  key
    .command('create')
    .description('issue a credential (the secret is shown once)')
    .addOption(tenantOption())
    .addOption(new Option('--vendor <vendor>', 'front door').choices([...VENDOR_NAMES]).makeOptionMandatory())
    .addOption(new Option('--kind <kind>', 'credential kind (default: the first kind the door declares)').choices([...ALL_KINDS]))
    .addOption(new Option('--mode <mode>', 'test or live').choices(['test', 'live']).default('test'))
    .option('--label <label>', 'label (FluidPay: api or pub)')
    .option('--json', 'JSON output')
    .action((options: JsonOption & { tenant: string; vendor: string; kind?: string; mode: 'test' | 'live'; label?: string }) =>
      withServices(io, async (services) => {
        const kind = checkKind(options.vendor, options.kind);
        const t = await getTenant(services, options.tenant);
        const issued = await issueDoorCredential(services, t.id, { vendor: options.vendor, kind, mode: options.mode, label: options.label });
        if (options.json) printJson(io, { id: issued.id, vendor: issued.vendor, kind: issued.kind, mode: issued.mode, label: issued.label, public_id: issued.publicId, secret: issued.secret });
        else io.out(`${issued.id}\t${issued.vendor}\t${issued.kind}\t${issued.publicId ? `${issued.publicId} / ` : ''}${issued.secret}\n`);
      }),
    );
  key
    .command('list')
    .description('list credentials')
    .addOption(tenantOption())
    .addOption(new Option('--vendor <vendor>', 'only this front door').choices([...VENDOR_NAMES]))
    .option('--json', 'JSON output')
    .action((options: JsonOption & { tenant: string; vendor?: string }) =>
      withServices(io, async (services) => {
        const t = await getTenant(services, options.tenant);
        const list = await listCredentials(services, t.id, options.vendor);
        if (options.json) printJson(io, list);
        else for (const c of list) io.out(`${c.id}\t${c.vendor}\t${c.kind}\t${c.mode}\t${c.label}\t${c.public_id ?? ''}\t${c.revoked_at ? 'revoked' : 'active'}\n`);
      }),
    );
  key
    .command('revoke <id>')
    .description('revoke a credential (clients using it get 401 from then on)')
    .addOption(requiredTenantOption())
    .option('--json', 'JSON output')
    .action((id: string, options: JsonOption & { tenant: string }) =>
      withServices(io, async (services) => {
        const t = await getTenant(services, options.tenant);
        await revokeCredential(services, t.id, Number(id));
        if (options.json) printJson(io, { revoked: Number(id) });
        else io.out(`revoked ${id}\n`);
      }),
    );
}
