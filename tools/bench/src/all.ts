/** Every suite, one after another, in one process run; prints markdown for BENCHMARKS.md. */
import { runCodecBench } from './codec.js';
import { runDispatchBench } from './dispatch.js';
import { runEventBench } from './events.js';
import { runFunctionBench } from './functions.js';
import { runSqlBench } from './sql.js';
import { runHttpBench } from './http.js';
import { runSupervisorBench } from './supervisor.js';

const suites: [string, () => Promise<string>][] = [
  ['Dispatch (issue: kernel)', () => runDispatchBench()],
  ['Event bus (issue: event bus)', () => runEventBench()],
  ['SQL and store (issue: sql/store)', () => runSqlBench()],
  ['HTTP and streams (issue 10)', () => runHttpBench()],
  ['Wire codec (issue: codec)', () => runCodecBench()],
  ['Functions, contracts and tokens (issue 12)', () => runFunctionBench()],
  ['Supervisors (issue 15)', () => runSupervisorBench()],
];
const only = process.argv[2];
for (const [title, run] of suites) {
  if (only !== undefined && !title.toLowerCase().includes(only.toLowerCase())) continue;
  console.log(`## ${title}\n`);
  console.log(await run());
  console.log('');
}
