// Building blocks of the where= field tables (spec 1.7): each ChargeOver field names a core field,
// a field the door keeps in its vendor_data namespace, an external reference, an enumeration of
// wire values over a core field, or a small condition of its own. The tables themselves live next
// to each resource; README.md lists them.
import { invalid } from '../../core/errors/domain-error.ts';
import { always, type Condition, type FieldRef, type FilterOp } from '../../core/query/conditions.ts';
import type { EnumField, WireField, WireFilter } from '../kit/filters.ts';
import { CURRENCIES, VENDOR } from './wire.ts';

/** ChargeOver's external_key of any object: an external reference of this door. */
export const EXTERNAL_KEY: FieldRef = { ref: { vendor: VENDOR, kind: 'external_key' } };

/** A text field kept in the door's vendor_data namespace (compared case-insensitively). */
export const vendorText = (key: string, otherwise?: string): FieldRef => ({ vendor: VENDOR, key, ...(otherwise === undefined ? {} : { otherwise }) });

/** A whole-number field kept in vendor_data; `otherwise` is what the door renders when unset. */
export const vendorNumber = (key: string, otherwise?: number): FieldRef => ({ vendor: VENDOR, key, type: 'number', ...(otherwise === undefined ? {} : { otherwise }) });

/** currency_id (1 USD, 2 CAD, 3 GBP, 4 EUR, 6 AUD) over the core's ISO currency. */
export const CURRENCY_ID: EnumField = { enum: 'currency', values: Object.fromEntries(Object.entries(CURRENCIES).map(([id, c]) => [id, c.iso])), wireType: 'number' };

/** A field this server never sets (package ids, until subscriptions): null on every row. */
export const ALWAYS_NULL: WireField = { build: (f) => always(f.op === 'is_null' || f.op === 'ne') };

const comparison = (field: FieldRef, f: WireFilter): Condition => ({ field, op: f.op, ...(f.value === undefined ? {} : { value: f.value }) });

/** A text field the core keeps as '' when unset (address lines): empty counts as null. */
export function emptyIsNull(field: FieldRef): WireField {
  return {
    build: (f) => {
      if (f.op === 'is_null')
        return {
          any: [
            { field, op: 'is_null' },
            { field, op: 'eq', value: '' },
          ],
        };
      if (f.op === 'not_null')
        return {
          all: [
            { field, op: 'not_null' },
            { field, op: 'ne', value: '' },
          ],
        };
      return comparison(field, f);
    },
  };
}

const DAY = 86_400_000;

/** A ChargeOver date or datetime as [start, end) in ms (a whole day, or a whole second). */
function instant(f: WireFilter): [number, number] {
  const text = String(f.value ?? '').trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$/.exec(text);
  const start = m ? Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}Z`) : NaN;
  if (!Number.isFinite(start)) throw invalid(`${f.field} must be YYYY-MM-DD or YYYY-MM-DD HH:MM:SS`, f.field);
  return [start, start + (m?.[2] ? 1000 : DAY)];
}

/** write_datetime and the like: ChargeOver datetimes over a core time in ms, to the second (or day). */
export function datetimeField(core: string): WireField {
  const at = (op: FilterOp, value: number): Condition => ({ field: core, op, value });
  return {
    build: (f) => {
      if (f.op === 'is_null' || f.op === 'not_null' || f.op === 'contains') return comparison(core, f);
      const [start, end] = instant(f);
      switch (f.op) {
        case 'eq':
          return { all: [at('gte', start), at('lt', end)] };
        case 'ne':
          return { not: { all: [at('gte', start), at('lt', end)] } };
        case 'gt':
          return at('gte', end);
        case 'gte':
          return at('gte', start);
        case 'lt':
          return at('lt', start);
        case 'lte':
          return at('lt', end);
        default:
          throw invalid(`${f.field} cannot be compared that way`, f.field);
      }
    },
  };
}
