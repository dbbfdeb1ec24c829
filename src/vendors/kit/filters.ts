// A door's list fields mapped onto the core's filter language: each wire field names a core field
// (or a door's vendor_data field, or an external reference), possibly translating values through an
// enumeration (ChargeOver's currency_id 1 = USD, status words), or builds a condition of its own.
// Wire filters are the door's parsed grammar (ChargeOver where=, FluidPay search criteria).
import { invalid } from '../../core/errors/domain-error.ts';
import type { Comparison, Condition, FieldRef, FilterOp, FilterValue, OrderBy } from '../../core/query/conditions.ts';

export interface WireFilter {
  field: string;
  op: FilterOp;
  value?: FilterValue;
}

/** Wire values standing for core values (one or several), compared as the wire type. */
export interface EnumField {
  enum: FieldRef;
  values: Record<string, string | number | ReadonlyArray<string | number>>;
  /** How wire values compare (GT/LT over numbers, text otherwise, case-insensitively). */
  wireType?: 'number' | 'text';
}

export type WireField = FieldRef | EnumField | { build: (filter: WireFilter) => Condition };

const isEnum = (field: WireField): field is EnumField => typeof field === 'object' && 'enum' in field;
const isBuilt = (field: WireField): field is { build: (filter: WireFilter) => Condition } => typeof field === 'object' && 'build' in field;

function holds(wire: string, filter: WireFilter, type: 'number' | 'text'): boolean {
  if (filter.op === 'in') return Array.isArray(filter.value) && filter.value.some((v) => holds(wire, { ...filter, op: 'eq', value: v as string | number }, type));
  if (type === 'number') {
    const [a, b] = [Number(wire), Number(filter.value)];
    if (!Number.isFinite(b)) throw invalid(`${filter.field} must be a number`, filter.field);
    return { eq: a === b, ne: a !== b, gt: a > b, lt: a < b, gte: a >= b, lte: a <= b, contains: String(wire).includes(String(filter.value)) }[filter.op as 'eq'] ?? false;
  }
  const [a, b] = [wire.toLowerCase(), String(filter.value ?? '').toLowerCase()];
  return { eq: a === b, ne: a !== b, gt: a > b, lt: a < b, gte: a >= b, lte: a <= b, contains: a.includes(b) }[filter.op as 'eq'] ?? false;
}

function enumCondition(field: EnumField, filter: WireFilter): Condition {
  if (filter.op === 'is_null' || filter.op === 'not_null') return { field: field.enum, op: filter.op };
  const matching = Object.entries(field.values).filter(([wire]) => holds(wire, filter, field.wireType ?? 'text'));
  const core = matching.flatMap(([, value]) => (Array.isArray(value) ? value : [value as string | number]));
  return { field: field.enum, op: 'in', value: core };
}

/** The core conditions for a door's filters; an unknown field is the client's error. */
export function toConditions(filters: readonly WireFilter[], fields: Readonly<Record<string, WireField>>): Condition[] {
  return filters.map((filter) => {
    const mapped = fields[filter.field];
    if (!mapped) throw invalid(`Unknown field ${filter.field}`, filter.field);
    if (isBuilt(mapped)) return mapped.build(filter);
    if (isEnum(mapped)) return enumCondition(mapped, filter);
    const comparison: Comparison = { field: mapped, op: filter.op, ...(filter.value === undefined ? {} : { value: filter.value }) };
    return comparison;
  });
}

/** The core order for a door's order fields: only fields that map straight onto a core field. */
export function toOrder(order: readonly { field: string; direction: 'asc' | 'desc' }[], fields: Readonly<Record<string, WireField>>): OrderBy[] {
  return order.map((item) => {
    const mapped = fields[item.field];
    if (typeof mapped !== 'string') throw invalid(`Cannot order by ${item.field}`, item.field);
    return { field: mapped, direction: item.direction };
  });
}
