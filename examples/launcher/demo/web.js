// A pretend web server: reports a request now and then; on SIGTERM it drains and leaves.
let served = 0;
const label = process.env.PORT_LABEL ?? 'web';
console.log(`${label}: listening (pid ${process.pid})`);
const timer = setInterval(() => {
  served += 1 + Math.floor(Math.random() * 5);
  console.log(`${label}: served ${served} requests`);
}, 2000);
process.on('SIGTERM', () => {
  console.log(`${label}: SIGTERM, finishing open requests`);
  clearInterval(timer);
  setTimeout(() => process.exit(0), 200);
});
