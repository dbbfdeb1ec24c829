// A fresh database for each test file: a new SQLite file in a temp folder, or (when
// BURSAR_TEST_DATABASE_URL is set) a new PostgreSQL schema that is dropped afterwards. Its services
// carry every door's webhook formats, as a server's do.
import { openScratchStore, type ScratchStore } from '../../src/store/scratch.ts';
import { verify } from '../../src/core/verify/verify.ts';
import { createWebhookRuntime, type WebhookSettings } from '../../src/core/webhooks/runtime.ts';
import { webhookFormats } from '../../src/vendors/index.ts';

export const TEST_DATABASE_URL = process.env.BURSAR_TEST_DATABASE_URL;

export type TestStore = ScratchStore;

export async function openTestStore(webhooks: Partial<WebhookSettings> = {}): Promise<TestStore> {
  const scratch = await openScratchStore(TEST_DATABASE_URL, 'bursar_t');
  return {
    ...scratch,
    services: { ...scratch.services, webhooks: createWebhookRuntime(webhookFormats(), webhooks) },
    async dispose() {
      // Whatever a test file did, the ledger invariants must still hold before its database goes.
      const report = await verify(scratch.services);
      await scratch.dispose();
      if (!report.ok) throw new Error(`bursar verify failed after this test file: ${report.violation}`);
    },
  };
}
