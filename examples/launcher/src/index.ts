export { createLauncherApp, Launcher, type LauncherApp, type LauncherAppOptions, type ServiceRow, type LauncherSummary } from './app.js';
export { loadServices, parseServices, ServicesFileError, DEFAULT_RESTART, DEFAULT_STOP_GRACE_MS, type LauncherConfig, type ServiceSpec, type RestartSpec, type RestartPolicy } from './config.js';
export { ServiceBoard, UnknownTargetError, formatLog, type LogRecord, type ServiceState, type ServiceStatus } from './board.js';
export { launcherModule, EXIT_TOPIC, WAKE_TOPIC, OUTPUT_TOPIC, type ControlEvent, type LauncherModule } from './machine.js';
export { StatusView, renderTable, formatUptime, commandLine, HELP } from './ui.js';
