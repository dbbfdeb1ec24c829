// The core's one filter language: a tree of comparisons on fields of a domain, joined by all / any /
// not. Each door parses its own grammar (ChargeOver's where=, FluidPay's search bodies, ...) into
// it, mapping its field names and values onto the domain's fields; the domain compiles it to SQL.
// "Not" is null-safe: a row where the condition is unknown (a missing field) matches its negation,
// as a user would expect of "not equal".
export type FilterOp = 'eq' | 'ne' | 'gt' | 'lt' | 'gte' | 'lte' | 'contains' | 'is_null' | 'not_null' | 'in';
export type FilterValue = string | number | boolean | null | ReadonlyArray<string | number>;
export type FieldType = 'string' | 'number' | 'boolean' | 'text_ci';

/**
 * A field of a domain: its own name (a column or a derived value the domain defines), a door's
 * field kept in vendor_data, an external reference, or a field of related rows (any matches).
 */
export type FieldRef =
  | string
  /** key may be a dotted path into the door's namespace; `otherwise` is used when it is absent. */
  | { vendor: string; key: string; type?: FieldType; otherwise?: string | number | { field: string } }
  | { ref: { vendor: string; kind: string } }
  | { related: string; field: FieldRef };

export interface Comparison {
  field: FieldRef;
  op: FilterOp;
  value?: FilterValue;
  /** Compare as this type instead of the field's own (e.g. text_ci for case-insensitive). */
  as?: FieldType;
}

export type Condition = Comparison | { all: Condition[] } | { any: Condition[] } | { not: Condition } | { always: boolean };

export interface OrderBy {
  field: string;
  direction: 'asc' | 'desc';
}

export interface ListQuery {
  where?: Condition[];
  order?: OrderBy[];
  offset?: number;
  limit?: number;
  /** Count every match before paging (costs a second statement). */
  total?: boolean;
  /** Ties are broken by id in this direction (ascending when not given). */
  tieBreak?: 'asc' | 'desc';
}

export interface Page<T> {
  rows: T[];
  total: number | null;
}

export const all = (conditions: Condition[]): Condition => ({ all: conditions });
export const any = (conditions: Condition[]): Condition => ({ any: conditions });
export const not = (condition: Condition): Condition => ({ not: condition });
export const eq = (field: FieldRef, value: FilterValue): Condition => ({ field, op: 'eq', value });
export const always = (holds: boolean): Condition => ({ always: holds });
