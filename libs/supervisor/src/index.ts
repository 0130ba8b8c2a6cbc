export * from './types.js';
export * from './errors.js';
export {
  worker,
  supervisorChild,
  ready,
  startSupervisor,
  startDynamicSupervisor,
  startLinkedSupervisor,
  startLinkedDynamicSupervisor,
  startChild,
  startDynamicChild,
  terminateChild,
  restartChild,
  deleteChild,
  whichChildren,
  countChildren,
  supervisorAt,
  dynamicSupervisorAt,
  Supervisor,
  DynamicSupervisor,
} from './api.js';
export { supervise, SHUTDOWN_REASON } from './supervisor.js';
