// A loopback OTLP receiver over TLS that requires a client certificate
// signed by the CA it is given (Node's https server: Deno.serve cannot ask
// for client certificates). It prints its port, then one line per request:
// "POST <path> <bytes> <content-type>", and with --bodies the body in
// base64 after it (the fleet benchmark decodes them).
// Usage: node _tls_receiver.mjs DIR [--bodies]
// (DIR holds server.pem, server.key and client-ca.pem).
import { readFileSync } from "node:fs";
import { createServer } from "node:https";

const dir = process.argv[2];
const bodies = process.argv.includes("--bodies");
const server = createServer({
  cert: readFileSync(`${dir}/server.pem`),
  key: readFileSync(`${dir}/server.key`),
  ca: readFileSync(`${dir}/client-ca.pem`),
  requestCert: true,
  rejectUnauthorized: true,
}, (request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks);
    const line = `${request.method} ${request.url} ${body.length} ${
      request.headers["content-type"]
    }`;
    console.log(bodies ? `${line} ${body.toString("base64")}` : line);
    response.writeHead(200, { "content-type": "application/x-protobuf" });
    response.end();
  });
});
server.listen(0, "127.0.0.1", () => console.log(`port ${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
