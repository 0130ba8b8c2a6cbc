// s3rver in its own process for the cloud storage bench, so the bench process's CPU time is the
// client's alone. Started with --openssl-legacy-provider (s3rver's listing uses DES).
// IPC: sends { port } once listening; answers 'cpu' with its process.cpuUsage(); 'close' stops it;
// it exits when the bench process goes away.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
// s3rver 3.7's FilesystemStore.putObject answers a PUT of a buffered body before the file is
// written (writeStream.end(content) without waiting for 'finish'), so a GET right after it can read
// an empty or short file. The same store method, waiting until the bytes are in the file:
const store = server.store;
store.putObject = async function putObject(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  await mkdir(dirname(objectPath), { recursive: true });
  const md5 = createHash('md5');
  let size = 0;
  const count = new Transform({
    transform(chunk, _enc, done) {
      md5.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content, count, createWriteStream(objectPath));
  const hex = md5.digest('hex');
  await this.putMetadata(object.bucket, object.key, object.metadata, hex);
  return { size, md5: hex };
};
const { port } = await server.run();
process.on('message', async (m) => {
  if (m === 'cpu') process.send({ cpu: process.cpuUsage() });
  else if (m === 'close') {
    // close() waits for idle keep-alive sockets of the clients: do not wait on them.
    await Promise.race([server.close(), new Promise((r) => setTimeout(r, 1000))]);
    process.exit(0);
  }
});
// The bench process is gone (crashed or killed): do not outlive it.
process.on('disconnect', () => process.exit(0));
process.send({ port });
