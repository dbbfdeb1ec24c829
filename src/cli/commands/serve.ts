import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { startServer } from '../../server.ts';
import { VERSION } from '../../version.ts';
import { bannerLines, databaseLabel } from '../banner.ts';
import { printJson, type CliIo } from '../io.ts';
import type { JsonOption } from '../context.ts';

export function serveCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('start the server (PORT, HOST, DATABASE_URL, BURSAR_DATA_DIR, BURSAR_<VENDOR>_PORT)')
    .option('--json', 'print the start-up summary as JSON')
    .action(async (options: JsonOption) => {
      const config = loadConfig(io.env);
      const server = await startServer(config, { adminToken: io.env.BURSAR_ADMIN_TOKEN });
      if (options.json) {
        printJson(io, {
          version: VERSION,
          url: server.url,
          addresses: server.addresses,
          database: databaseLabel(server, config),
          docs_url: `${server.url}/_docs`,
          admin_token: server.adminToken,
          demo_tenant: { id: server.demo.tenant.id, slug: server.demo.tenant.slug, created: server.demo.created },
          doors: server.app.doorInfo(),
          credentials: server.demo.credentials,
          vendor_ports: config.vendorPorts,
        });
      } else io.out(bannerLines(server, config).join('\n') + '\n');
      io.served(server);
    });
}
