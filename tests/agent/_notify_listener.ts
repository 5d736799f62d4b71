// A stand-in for systemd's notification socket: prints each datagram it
// receives on one line ("READY=1 MAINPID=42"). Run with --unstable-net:
// Unix datagram sockets are not stable in Deno.
const listener = Deno.listenDatagram({ transport: "unixpacket", path: Deno.args[0]! });
console.log("listening");
for await (const [data] of listener) {
  console.log(new TextDecoder().decode(data).replaceAll("\n", " "));
}
