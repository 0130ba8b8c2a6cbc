// A queue worker: takes a job every second; exits cleanly on SIGTERM.
let job = 0;
console.log(`worker: ready (pid ${process.pid})`);
const timer = setInterval(() => console.log(`worker: done job #${++job}`), 1000);
process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log(`worker: stopping after ${job} jobs`);
  process.exit(0);
});
