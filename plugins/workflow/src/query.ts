import { didYouMean } from '@switchyard/errors';
import type { AttributeCondition, AttributeType, AttributeValue, RunFilter, RunStatus } from './commands.js';
import { WorkflowError } from './errors.js';

export type AttributeSchema = Readonly<Record<string, AttributeType>>;

export const ATTRIBUTE_TYPES: readonly AttributeType[] = ['keyword', 'text', 'int', 'double', 'bool', 'datetime', 'keywordList'];
const STATUSES: readonly RunStatus[] = ['running', 'completed', 'failed', 'cancelled'];

type Stored = string | number;

function badAttr(runId: string | undefined, message: string): WorkflowError {
  return new WorkflowError('WORKFLOW_BAD_ATTRIBUTE', message, runId);
}

function toMs(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.getTime() : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

export function checkDeclared(schema: AttributeSchema, key: string, runId?: string): AttributeType {
  const type = schema[key];
  if (type === undefined) {
    throw badAttr(runId, `search attribute "${key}" is not declared${didYouMean(key, Object.keys(schema))}; declare it in workflowPlugin({ attributes: { ${key}: 'keyword' } })`);
  }
  return type;
}

/** The rows one attribute value is stored as (a keyword list is one row per element). */
export function storedValues(schema: AttributeSchema, key: string, value: AttributeValue, runId?: string): Stored[] {
  const type = checkDeclared(schema, key, runId);
  const wrong = (want: string) => badAttr(runId, `search attribute "${key}" is declared ${type} and takes ${want}, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  switch (type) {
    case 'keyword':
    case 'text':
      if (typeof value !== 'string') throw wrong('a string');
      return [value];
    case 'int':
      if (!Number.isSafeInteger(value)) throw wrong('a safe integer');
      return [value as number];
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong('a finite number');
      return [value];
    case 'bool':
      if (typeof value !== 'boolean') throw wrong('a boolean');
      return [value ? 1 : 0];
    case 'datetime': {
      const ms = toMs(value);
      if (ms === undefined) throw wrong('a Date, ms since the epoch, or an ISO date string');
      return [ms];
    }
    case 'keywordList':
      if (!Array.isArray(value) || value.some((x) => typeof x !== 'string')) throw wrong('an array of strings');
      return [...(value as string[])];
  }
}

/** Revive stored rows as the attribute's value. */
export function attrValue(type: AttributeType | undefined, rows: Stored[]): unknown {
  switch (type) {
    case 'keywordList':
      return rows;
    case 'bool':
      return rows[0] === 1;
    case 'datetime':
      return new Date(rows[0] as number);
    default:
      return rows[0];
  }
}

export interface CompiledQuery {
  readonly sql: string;
  readonly params: unknown[];
}

function badFilter(message: string): WorkflowError {
  return new WorkflowError('WORKFLOW_BAD_FILTER', `listWorkflows(): ${message}`);
}

const FILTER_KEYS = ['workflow', 'status', 'startedAfter', 'startedBefore', 'closedAfter', 'closedBefore', 'parent', 'attrs', 'limit', 'order'];
const COND_KEYS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists'];
const OPS: Record<string, string> = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/**
 * Compile a run filter to SQL with every value bound as a parameter; keys, operators and
 * attribute names are checked against fixed lists, so no user text reaches the SQL.
 */
export function compileFilter(schema: AttributeSchema, filter: RunFilter): CompiledQuery {
  if (typeof filter !== 'object' || filter === null) throw badFilter('the filter must be an object');
  for (const k of Object.keys(filter)) if (!FILTER_KEYS.includes(k)) throw badFilter(`unknown filter key "${k}"${didYouMean(k, FILTER_KEYS)}`);
  const where: string[] = [];
  const params: unknown[] = [];
  const list = <T>(v: T | readonly T[]): readonly T[] => (Array.isArray(v) ? (v as readonly T[]) : [v as T]);
  if (filter.workflow !== undefined) {
    const names = list(filter.workflow);
    if (names.length === 0 || names.some((n) => typeof n !== 'string')) throw badFilter('workflow must be a name or a non-empty array of names');
    where.push(`r.workflow IN (${names.map(() => '?').join(', ')})`);
    params.push(...names);
  }
  if (filter.status !== undefined) {
    const ss = list(filter.status);
    for (const s of ss) if (!STATUSES.includes(s)) throw badFilter(`unknown status ${JSON.stringify(s)}${didYouMean(String(s), STATUSES)}`);
    if (ss.length === 0) throw badFilter('status must be a status or a non-empty array of statuses');
    where.push(`r.status IN (${ss.map(() => '?').join(', ')})`);
    params.push(...ss);
  }
  const time = (key: 'startedAfter' | 'startedBefore' | 'closedAfter' | 'closedBefore', col: string, op: string) => {
    const v = filter[key];
    if (v === undefined) return;
    const ms = toMs(v);
    if (ms === undefined || typeof v === 'string') throw badFilter(`${key} must be a Date or ms since the epoch`);
    where.push(`r.${col} ${op} ?`);
    params.push(ms);
  };
  time('startedAfter', 'created_at', '>');
  time('startedBefore', 'created_at', '<');
  time('closedAfter', 'closed_at', '>');
  time('closedBefore', 'closed_at', '<');
  if (filter.parent !== undefined) {
    where.push('r.parent = ?');
    params.push(String(filter.parent));
  }
  if (filter.attrs !== undefined) {
    if (typeof filter.attrs !== 'object' || filter.attrs === null) throw badFilter('attrs must be an object');
    for (const [key, cond] of Object.entries(filter.attrs)) compileAttr(schema, key, cond, where, params);
  }
  const limit = filter.limit ?? 100;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) throw badFilter(`limit must be an integer from 1 to 10000, got ${String(limit)}`);
  const order = filter.order ?? 'newest';
  if (order !== 'newest' && order !== 'oldest') throw badFilter(`order must be "newest" or "oldest", got ${String(order)}`);
  const dir = order === 'newest' ? 'DESC' : 'ASC';
  params.push(limit);
  return {
    sql: `SELECT r.* FROM wf_runs r${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY r.created_at ${dir}, r.id ${dir} LIMIT ?`,
    params,
  };
}

function compileAttr(schema: AttributeSchema, key: string, cond: AttributeCondition, where: string[], params: unknown[]): void {
  const type = schema[key];
  if (type === undefined) throw badFilter(`search attribute "${key}" is not declared${didYouMean(key, Object.keys(schema))}`);
  const value = (v: unknown, op: string): Stored => {
    if (type === 'keywordList') {
      if (typeof v === 'string') return v;
    } else {
      try {
        return storedValues(schema, key, v as AttributeValue)[0]!;
      } catch {
        // Reported below, like a keyword list given something else.
      }
    }
    throw badFilter(`attrs.${key}.${op}: ${describeType(type)} expected`);
  };
  const exists = (clause: string, ps: unknown[]) => {
    where.push(`EXISTS (SELECT 1 FROM wf_attrs a WHERE a.run = r.id AND a.key = ? AND ${clause})`);
    params.push(key, ...ps);
  };
  const plain = typeof cond !== 'object' || cond === null || cond instanceof Date;
  if (plain) {
    exists('a.v = ?', [value(cond, 'eq')]);
    return;
  }
  for (const op of Object.keys(cond)) if (!COND_KEYS.includes(op)) throw badFilter(`attrs.${key}: unknown operator "${op}"${didYouMean(op, COND_KEYS)}`);
  const c = cond as Exclude<AttributeCondition, string | number | boolean | Date>;
  for (const op of ['eq', 'gt', 'gte', 'lt', 'lte'] as const) {
    if (c[op] === undefined) continue;
    if (op !== 'eq' && (type === 'keywordList' || type === 'bool' || type === 'text')) throw badFilter(`attrs.${key}: ${op} does not apply to a ${type} attribute`);
    exists(`a.v ${OPS[op]} ?`, [value(c[op], op)]);
  }
  if (c.ne !== undefined) {
    where.push(`NOT EXISTS (SELECT 1 FROM wf_attrs a WHERE a.run = r.id AND a.key = ? AND a.v = ?)`);
    params.push(key, value(c.ne, 'ne'));
  }
  if (c.in !== undefined) {
    if (!Array.isArray(c.in) || c.in.length === 0 || c.in.length > 500) throw badFilter(`attrs.${key}.in must be a non-empty array of at most 500 values`);
    exists(`a.v IN (${c.in.map(() => '?').join(', ')})`, c.in.map((v) => value(v, 'in')));
  }
  if (c.contains !== undefined) {
    if (typeof c.contains !== 'string') throw badFilter(`attrs.${key}.contains must be a string`);
    if (type === 'keywordList') exists('a.v = ?', [c.contains]);
    else if (type === 'text') {
      for (const word of c.contains.toLowerCase().split(/\s+/).filter(Boolean)) exists(`instr(lower(a.v), ?) > 0`, [word]);
    } else throw badFilter(`attrs.${key}: contains applies to text and keywordList attributes, not ${type}`);
  }
  if (c.exists !== undefined) {
    if (typeof c.exists !== 'boolean') throw badFilter(`attrs.${key}.exists must be a boolean`);
    if (c.exists) exists('1', []);
    else {
      where.push('NOT EXISTS (SELECT 1 FROM wf_attrs a WHERE a.run = r.id AND a.key = ?)');
      params.push(key);
    }
  }
}

function describeType(type: AttributeType): string {
  switch (type) {
    case 'keyword':
    case 'text':
    case 'keywordList':
      return 'a string';
    case 'int':
      return 'a safe integer';
    case 'double':
      return 'a finite number';
    case 'bool':
      return 'a boolean';
    case 'datetime':
      return 'a Date or ms';
  }
}
