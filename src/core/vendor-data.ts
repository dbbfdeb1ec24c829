// Each front door keeps the fields its vendor has and the core does not in its own namespace of an
// object's vendor_data. A change merges into that namespace and never replaces another door's.
export type VendorData = Record<string, Record<string, unknown>>;

export function parseVendorData(text: string | null | undefined): VendorData {
  if (!text) return {};
  const value = JSON.parse(text) as unknown;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as VendorData) : {};
}

/** The stored text with `fields` merged into `vendor`'s namespace. */
export function mergeVendorData(text: string | null | undefined, vendor: string, fields: Record<string, unknown>): string {
  const all = parseVendorData(text);
  all[vendor] = { ...(all[vendor] ?? {}), ...fields };
  return JSON.stringify(all);
}
