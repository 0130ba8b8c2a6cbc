import { SwitchyardError } from '@switchyard/dispatcher';

/** A module definition is wrong: found at registration, before any machine runs. */
export class MachineDefinitionError extends SwitchyardError {
  readonly module: string;
  readonly queue: string | undefined;
  readonly status: string | undefined;
  constructor(
    code: 'MISSING_START' | 'DUPLICATE_STATUS' | 'MISSING_STARTUP_QUEUE' | 'BAD_UNIT' | 'NO_UNIT_FOR_PLATFORM' | 'BAD_MACHINE_DEFINITION' | 'MODULE_BUILT',
    module: string,
    queue: string | undefined,
    status: string | undefined,
    message: string,
  ) {
    super(code, `machine module "${module}": ${message}`);
    this.module = module;
    this.queue = queue;
    this.status = status;
  }
}

/** A unit returned a status that its queue does not have. */
export class UnknownStatusError extends SwitchyardError {
  readonly queue: string;
  readonly status: string;
  readonly from: string;
  constructor(pid: string, queue: string, from: string, status: string) {
    super('UNKNOWN_STATUS', `machine ${pid}: unit "${queue}/${from}" returned status "${status}", which queue "${queue}" does not have`);
    this.queue = queue;
    this.status = status;
    this.from = from;
  }
}

/** An event or changeQueue() named a queue the module does not have. */
export class UnknownQueueError extends SwitchyardError {
  readonly queue: string;
  constructor(where: string, queue: string, known: readonly string[]) {
    super('UNKNOWN_QUEUE', `${where}: no queue "${queue}" (the module has ${known.map((q) => `"${q}"`).join(', ')})`);
    this.queue = queue;
  }
}

/** A unit returned something that is neither a status, null, nor a directive. */
export class BadUnitResultError extends SwitchyardError {
  readonly queue: string;
  readonly status: string;
  constructor(pid: string, queue: string, status: string, what: string) {
    super('BAD_UNIT_RESULT', `machine ${pid}: unit "${queue}/${status}" returned ${what}; return a status name, null, or a directive (stay, brk, changeQueue, finish, emergency)`);
    this.queue = queue;
    this.status = status;
  }
}

/** A unit threw: the machine fails with this error; `cause` is what the unit threw. */
export class UnitFailedError extends SwitchyardError {
  readonly queue: string;
  readonly status: string;
  constructor(pid: string, queue: string, status: string, cause: unknown) {
    super('UNIT_FAILED', `machine ${pid}: unit "${queue}/${status}" failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.queue = queue;
    this.status = status;
  }
}

/** A unit called emergency(reason). */
export class MachineEmergencyError extends SwitchyardError {
  readonly queue: string;
  readonly status: string;
  readonly reason: unknown;
  constructor(pid: string, queue: string, status: string, reason: unknown) {
    super('MACHINE_EMERGENCY', `machine ${pid}: emergency in "${queue}/${status}": ${reason instanceof Error ? reason.message : String(reason)}`, {
      cause: reason instanceof Error ? reason : undefined,
    });
    this.queue = queue;
    this.status = status;
    this.reason = reason;
  }
}

/** post() to a machine whose inbox holds `capacity` events already. */
export class MachineInboxFullError extends SwitchyardError {
  readonly pid: string;
  readonly queue: string;
  readonly capacity: number;
  constructor(pid: string, queue: string, capacity: number) {
    super('MACHINE_INBOX_FULL', `machine ${pid}: inbox is full (${capacity} events waiting); event for queue "${queue}" refused`);
    this.pid = pid;
    this.queue = queue;
    this.capacity = capacity;
  }
}

/** post()/inspect() of a pid that is not a live machine of this runtime. */
export class NoSuchMachineError extends SwitchyardError {
  readonly pid: string;
  constructor(pid: string, doing: string) {
    super('NO_SUCH_MACHINE', `cannot ${doing}: ${pid} is not a live state machine of this runtime`);
    this.pid = pid;
  }
}
