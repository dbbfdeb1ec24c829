// Shared by the commands: opening the database for one command, the --tenant option, and the
// confirmation destructive commands need.
import { Option } from 'commander';
import { loadConfig } from '../config.ts';
import { openServices } from '../server.ts';
import type { CoreServices } from '../core/context.ts';
import type { CliIo } from './io.ts';

export interface JsonOption {
  json?: boolean;
}

/** Opens the database named by the environment, runs fn, closes it. */
export async function withServices(io: CliIo, fn: (services: CoreServices) => Promise<void>): Promise<void> {
  const { store, services } = await openServices({ ...loadConfig(io.env), logLevel: 'silent' });
  try {
    await fn(services);
  } finally {
    await store.close();
  }
}

/** --tenant for commands that read or add: the demo tenant unless told otherwise. */
export const tenantOption = () => new Option('-t, --tenant <idOrSlug>', 'tenant id or slug').default('demo');

/** --tenant for commands that destroy: always named, never a default. */
export const requiredTenantOption = () => new Option('-t, --tenant <idOrSlug>', 'tenant id or slug (required: this cannot be undone)').makeOptionMandatory();

export class CliError extends Error {}

/** A destructive command goes ahead with --yes, or when a person at a terminal says yes. */
export async function confirmDestructive(io: CliIo, options: { yes?: boolean }, what: string): Promise<void> {
  if (options.yes) return;
  if (!io.isTTY) throw new CliError(`${what} cannot be undone: add --yes to confirm (no terminal to ask on)`);
  if (!(await io.confirm(`${what}: this cannot be undone. Go ahead?`))) throw new CliError('nothing done');
}
