// A service that crashes now and then: it runs for 1–4 s, then dies with exit code 1.
// The launcher restarts it with exponential backoff, and marks it failed after too many restarts.
const life = 1000 + Math.floor(Math.random() * 3000);
console.log(`flaky: up (pid ${process.pid}), will crash in ${life} ms`);
setTimeout(() => {
  console.error('flaky: lost the database connection, crashing');
  process.exit(1);
}, life);
process.on('SIGTERM', () => process.exit(0));
