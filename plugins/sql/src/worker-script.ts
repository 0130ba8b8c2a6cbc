import { Connection } from './connection.js';

/** Operation codes of the main thread → worker protocol. */
export const Op = {
  Query: 1,
  Execute: 2,
  Prepare: 3,
  StmtQuery: 4,
  StmtExecute: 5,
  StmtClose: 6,
  Begin: 7,
  Commit: 8,
  Rollback: 9,
  Close: 10,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

/** main → worker. `i` correlates the reply; i = 0 is reserved for the open handshake. */
export interface Request {
  i: number;
  o: OpCode;
  /** SQL text */
  s?: string;
  /** parameters */
  p?: unknown;
  /** statement id */
  d?: number;
  /** BEGIN mode */
  m?: string;
}

/** worker → main: a result `r`, or an error `e` plus whether SQLite still has a transaction open (`t`). */
export interface Reply {
  i: number;
  r?: unknown;
  e?: { message: string; code?: unknown; sqlPhase?: unknown };
  t?: boolean;
  /** The rows hold BLOBs, which arrive as Uint8Array and are turned back into Buffers. */
  b?: boolean;
}

/**
 * The worker's program, evaluated with `new Worker(source, { eval: true })`: a string, so
 * the same code runs whether this package is loaded from its TypeScript sources (tests) or
 * from the tsup bundle, with no second entry file to locate. The driver is required by the
 * absolute path the main thread resolved, so the worker's working directory does not matter.
 * Connection's own source is embedded, so there is one implementation for both modes.
 */
export function workerSource(): string {
  return `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Driver = require(workerData.driver);
// Transpilers that keep function names (esbuild keepNames, as tsx uses) emit __name(...) calls into class bodies.
const __name = (target, value) => Object.defineProperty(target, 'name', { value, configurable: true });
const Connection = (${Connection.toString()});
const Op = ${JSON.stringify(Op)};
let conn = null;
function fail(i, e) {
  const err = typeof e === 'object' && e !== null ? e : { message: String(e) };
  return { i, e: { message: String(err.message), code: err.code, sqlPhase: err.sqlPhase }, t: conn !== null && conn.db.open && conn.inTransaction };
}
function hasBlob(rows) {
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (const k in row) if (row[k] instanceof Uint8Array) return true;
  }
  return false;
}
function run(m) {
  switch (m.o) {
    case Op.Query: return conn.query(m.s, m.p);
    case Op.Execute: return conn.execute(m.s, m.p);
    case Op.Prepare: return conn.prepare(m.d, m.s);
    case Op.StmtQuery: return conn.stmtQuery(m.d, m.p);
    case Op.StmtExecute: return conn.stmtExecute(m.d, m.p);
    case Op.StmtClose: return conn.stmtClose(m.d);
    case Op.Begin: return conn.begin(m.m);
    case Op.Commit: return conn.commit();
    case Op.Rollback: return conn.rollback();
    case Op.Close: conn.close(); return null;
    default: throw new Error('unknown operation ' + m.o);
  }
}
try {
  conn = new Connection(Driver, workerData.config);
  parentPort.postMessage({ i: 0, r: null });
} catch (e) {
  parentPort.postMessage(fail(0, e));
}
if (conn !== null) {
  parentPort.on('message', (m) => {
    let out;
    try {
      const r = run(m);
      out = { i: m.i, r };
      if (r !== null && typeof r === 'object' && Array.isArray(r.rows) && hasBlob(r.rows)) out.b = true;
    } catch (e) {
      out = fail(m.i, e);
    }
    parentPort.postMessage(out);
    if (m.o === Op.Close) parentPort.close();
  });
}
`;
}
