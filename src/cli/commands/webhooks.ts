// bursar webhook …: a tenant's webhook endpoints (list, create, enable/disable, delete, test), the
// delivery log, and replays. Commands write to the database; a running server's delivery loop sends
// what they queue (within BURSAR_WEBHOOK_INTERVAL_MS), never this command.
import { Option, type Command } from 'commander';
import { contextFor, getTenant } from '../../core/tenants/tenants.ts';
import { createEndpoint, deleteEndpoint, listEndpoints, updateEndpoint } from '../../core/webhooks/endpoints.ts';
import { listDeliveries, replayDelivery, replayFailed, sendTestDelivery, type DeliveryView } from '../../core/webhooks/deliveries.ts';
import { endpointView } from '../../admin/webhook-routes.ts';
import type { CoreServices } from '../../core/context.ts';
import { printJson, type CliIo } from '../io.ts';
import { CliError, requiredTenantOption, tenantOption, withServices, type JsonOption } from '../context.ts';

type TenantOption = JsonOption & { tenant: string };

const tenantContext = async (services: CoreServices, slug: string) => contextFor(services, await getTenant(services, slug));

function id(text: string, what: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new CliError(`${what} must be a number, got ${text}`);
  return Number(text);
}

function deliveryLine(d: DeliveryView): string {
  const last = d.log?.at(-1);
  const answer = last ? (last.response_status ?? last.error ?? '') : '';
  return `${d.id}\t${d.endpoint_id}\t${d.event_type}\t${d.status}\t${d.attempts} attempt(s)\t${answer}${d.replay_of ? `\treplays ${d.replay_of}` : ''}\n`;
}

export function webhookCommands(program: Command, io: CliIo): void {
  const webhook = program.command('webhook').description('a tenant’s webhook endpoints, the delivery log and replays');
  const endpointOut = (options: JsonOption, view: ReturnType<typeof endpointView>) => {
    if (options.json) printJson(io, view);
    else io.out(`${view.id}\t${view.format}\t${view.enabled ? 'enabled' : `disabled (${view.disabled_reason ?? ''})`}\t${view.url}\t${view.events.join(',')}\n`);
  };

  webhook
    .command('list')
    .description('list endpoints')
    .addOption(tenantOption())
    .option('--json', 'JSON output (with secrets)')
    .action((options: TenantOption) =>
      withServices(io, async (services) => {
        const endpoints = (await listEndpoints(await tenantContext(services, options.tenant))).map(endpointView);
        if (options.json) printJson(io, endpoints);
        else for (const e of endpoints) endpointOut(options, e);
      }),
    );
  webhook
    .command('create')
    .description('add an endpoint (prints its secret and its Standard Webhooks secret)')
    .addOption(tenantOption())
    .requiredOption('--url <url>', 'http or https URL')
    .option('--format <format>', 'standard, chargedesk, affinipay, affinipay_partner, chargeover, fluidpay', 'standard')
    .option('--events <names>', 'comma-separated event names of the format (default: every event)')
    .addOption(new Option('--mode <mode>', 'only test or only live tenants’ events').choices(['test', 'live']))
    .option('--encrypt', 'ChargeOver: send the encrypted variant')
    .option('--description <text>', 'a note')
    .option('--json', 'JSON output')
    .action((options: TenantOption & { url: string; format: string; events?: string; mode?: 'test' | 'live'; encrypt?: boolean; description?: string }) =>
      withServices(io, async (services) => {
        const endpoint = await createEndpoint(await tenantContext(services, options.tenant), {
          format: options.format,
          url: options.url,
          events: options.events?.split(',').map((s) => s.trim()),
          mode: options.mode ?? null,
          description: options.description,
          options: options.encrypt ? { encrypt: true } : undefined,
        });
        const view = endpointView(endpoint);
        if (options.json) printJson(io, view);
        else io.out(`created endpoint ${view.id}\nsecret: ${view.secret}\nstandard webhooks secret: ${view.standard_webhooks_secret}\n`);
      }),
    );
  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    webhook
      .command(`${name} <id>`)
      .description(enabled ? 'enable an endpoint (its waiting deliveries go out)' : 'disable an endpoint (its queue waits; new events are not queued)')
      .addOption(tenantOption())
      .option('--json', 'JSON output')
      .action((endpointId: string, options: TenantOption) =>
        withServices(io, async (services) => endpointOut(options, endpointView(await updateEndpoint(await tenantContext(services, options.tenant), id(endpointId, 'id'), { enabled })))),
      );
  }
  webhook
    .command('delete <id>')
    .description('delete an endpoint; its queued deliveries are dropped (--tenant required)')
    .addOption(requiredTenantOption())
    .action((endpointId: string, options: TenantOption) =>
      withServices(io, async (services) => {
        await deleteEndpoint(await tenantContext(services, options.tenant), id(endpointId, 'id'));
        io.out(`deleted endpoint ${endpointId}\n`);
      }),
    );
  webhook
    .command('test <id>')
    .description('queue a test delivery to an endpoint')
    .addOption(tenantOption())
    .option('--json', 'JSON output')
    .action((endpointId: string, options: TenantOption) =>
      withServices(io, async (services) => {
        const delivery = await sendTestDelivery(await tenantContext(services, options.tenant), id(endpointId, 'id'));
        if (options.json) printJson(io, delivery);
        else io.out(`queued test delivery ${delivery.id}\n`);
      }),
    );
  webhook
    .command('replay [endpoint]')
    .description('replay every failed delivery of an endpoint, or one delivery with --delivery')
    .addOption(tenantOption())
    .option('--delivery <id>', 'replay this one delivery (whatever its status)')
    .option('--json', 'JSON output')
    .action((endpointId: string | undefined, options: TenantOption & { delivery?: string }) =>
      withServices(io, async (services) => {
        const ctx = await tenantContext(services, options.tenant);
        if (!options.delivery && !endpointId) throw new CliError('give an endpoint id, or --delivery <id>');
        const queued = options.delivery ? [await replayDelivery(ctx, id(options.delivery, '--delivery'))] : await replayFailed(ctx, id(endpointId!, 'endpoint'));
        if (options.json) printJson(io, queued);
        else io.out(`queued ${queued.length} replay(s)${queued.length ? `: ${queued.map((d) => d.id).join(', ')}` : ''}\n`);
      }),
    );
  webhook
    .command('deliveries')
    .description('the delivery log, newest first')
    .addOption(tenantOption())
    .option('--endpoint <id>', 'only this endpoint')
    .addOption(new Option('--status <status>', 'only this status').choices(['pending', 'delivered', 'failed', 'cancelled']))
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'JSON output (every attempt: request headers, status, body excerpt, duration)')
    .action((options: TenantOption & { endpoint?: string; status?: string; limit: string }) =>
      withServices(io, async (services) => {
        const deliveries = await listDeliveries(await tenantContext(services, options.tenant), {
          endpointId: options.endpoint ? id(options.endpoint, '--endpoint') : undefined,
          status: options.status,
          limit: id(options.limit, '--limit'),
        });
        if (options.json) printJson(io, deliveries);
        else for (const d of deliveries) io.out(deliveryLine(d));
      }),
    );
}
