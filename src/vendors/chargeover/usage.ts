// POST /usage (chargeover-extra §11.12): usage is recorded against a package's line item. Packages
// arrive with the recurring-engine issue; until then no line item exists here, so a well-formed
// record is refused with the line's 400 (and a malformed one with its own).
import { bad, type CoRequest, type CoResult } from './envelope.ts';
import type { Resource } from './router.ts';
import { asObject, optInt, optString } from './wire.ts';

async function create(req: CoRequest): Promise<CoResult> {
  const body = asObject(req.body);
  const lineId = optInt(body, 'line_item_id');
  const lineKey = optString(body, 'line_item_external_key');
  if ((lineId === undefined || lineId === null) && !lineKey) throw bad('line_item_id or line_item_external_key is required');
  const value = body.usage_value;
  if (value === undefined || value === null || (typeof value !== 'number' && typeof value !== 'string') || !/^\d+(\.\d+)?$/.test(String(value).trim()))
    throw bad('usage_value must be a number of at least 0');
  for (const key of ['from', 'to']) {
    const when = optString(body, key);
    if (when && !/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}:\d{2})?$/.test(when)) throw bad(`${key} must be YYYY-MM-DD HH:MM:SS`);
  }
  throw bad(`No package line item found for ${lineId ?? `external_key ${String(lineKey)}`}`);
}

export const usage: Resource = { create };
