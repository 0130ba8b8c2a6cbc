// Runs crash-test workflows until killed. argv: journal file, handler log, number of runs, seed.
import { clockPlugin } from '@switchyard/plugin-clock';
import { createRuntime } from '@switchyard/runtime';
import { workflowClient, workflowPlugin } from '../src/index.js';
import { crashy } from './crash-workflow.js';

const [file, log, count, seed] = process.argv.slice(2) as [string, string, string, string];
const rt = createRuntime({ plugins: [clockPlugin(), workflowPlugin({ file, workflows: [crashy], owner: 'crash-node' })] });
await rt.start();
const client = workflowClient(rt);
await client.ready();
process.stdout.write('ready\n');
for (let i = 0; i < Number(count); i++) void client.start(crashy, { n: i, log }, { id: `s${seed}-r${i}` });
// Keep running until killed.
setInterval(() => undefined, 1000);
