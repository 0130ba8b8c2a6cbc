// s3rver in its own process for the cloud storage bench, so the bench process's CPU time is the
// client's alone. Started with --openssl-legacy-provider (s3rver's listing uses DES).
// IPC: sends { port } once listening; answers 'cpu' with its process.cpuUsage(); 'close' stops it.
import S3rver from 's3rver';

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
const { port } = await server.run();
process.on('message', async (m) => {
  if (m === 'cpu') process.send({ cpu: process.cpuUsage() });
  else if (m === 'close') {
    await server.close();
    process.disconnect();
  }
});
process.send({ port });
