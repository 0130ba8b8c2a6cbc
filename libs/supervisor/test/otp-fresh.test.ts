// Opt-in (it takes ~20 s of Erlang): re-run the OTP scenarios and check that the recorded output
// the other tests read (test/otp/scenarios.out) is still what Erlang prints.
//   SUPERVISOR_OTP=1 npx vitest run test/otp-fresh.test.ts
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./otp/scenarios.escript', import.meta.url));
const recorded = fileURLToPath(new URL('./otp/scenarios.out', import.meta.url));
const hasEscript = spawnSync('escript', ['-h']).error === undefined;

describe.runIf(process.env.SUPERVISOR_OTP === '1')('the recorded OTP output', () => {
  it.runIf(hasEscript)('matches a fresh run of scenarios.escript', () => {
    const r = spawnSync('escript', [script], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(recorded, 'utf8'));
  }, 120_000);
});
