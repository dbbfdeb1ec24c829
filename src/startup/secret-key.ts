// The encryption key must be the one the database's secrets were sealed with. Checked once at
// start on a sealed value (the admin token, else a revealable credential), so a changed
// BURSAR_SECRET_KEY or a replaced secret.key is named at start, not as an OpenSSL error later.
import { join } from 'node:path';
import type { CoreServices } from '../core/context.ts';
import { StartupError } from './startup-error.ts';

export async function checkSecretKey(services: CoreServices, source: { fromEnv: boolean; dataDir: string }): Promise<void> {
  const token = await services.db.selectFrom('settings').select('value').where('key', '=', 'admin_token_enc').executeTakeFirst();
  // A database only the CLI has used has no admin token yet, but may hold sealed credentials.
  const sealed = token?.value ?? (await services.db.selectFrom('credentials').select('secret_enc').where('secret_enc', 'is not', null).limit(1).executeTakeFirst())?.secret_enc;
  if (!sealed) return; // a new database: nothing sealed yet
  try {
    services.secrets.decrypt(sealed);
  } catch (error) {
    throw new StartupError(
      source.fromEnv
        ? 'BURSAR_SECRET_KEY is not the key this database was first started with (its secrets do not open): set that key again, or point DATABASE_URL / BURSAR_DATA_DIR at a new database'
        : `the key in ${join(source.dataDir, 'secret.key')} is not the one this database was first started with (its secrets do not open): restore that file, or set BURSAR_SECRET_KEY to the original key`,
      { cause: error },
    );
  }
}
