// One SQLite driver surface for every package: see libs/sqlite.
export { Driver, type DriverConstructor, type DriverDatabase, type DriverOptions, type DriverStatement, type RunResult, type ColumnInfo } from '@switchyard/sqlite';
