// A loopback OTLP receiver over TLS that requires a client certificate
// signed by the CA it is given (Node's https server: Deno.serve cannot ask
// for client certificates). It prints its port, then one line per request:
// "POST <path> <bytes> <content-type>". Usage: node _tls_receiver.mjs DIR
// (DIR holds server.pem, server.key and client-ca.pem).
import { readFileSync } from "node:fs";
import { createServer } from "node:https";

const dir = process.argv[2];
const server = createServer({
  cert: readFileSync(`${dir}/server.pem`),
  key: readFileSync(`${dir}/server.key`),
  ca: readFileSync(`${dir}/client-ca.pem`),
  requestCert: true,
  rejectUnauthorized: true,
}, (request, response) => {
  let bytes = 0;
  request.on("data", (chunk) => bytes += chunk.length);
  request.on("end", () => {
    console.log(`${request.method} ${request.url} ${bytes} ${request.headers["content-type"]}`);
    response.writeHead(200, { "content-type": "application/x-protobuf" });
    response.end();
  });
});
server.listen(0, "127.0.0.1", () => console.log(`port ${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
