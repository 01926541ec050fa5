// PM2's worker for scripts/bench: example/app.py's behaviour in Node, for PM2's cluster mode
// (instances share the port through Node's cluster module; `pm2 reload` replaces them one by one).
//   PORT=8080 pm2 start pm2-app.js -i 4
// On SIGINT (PM2's stop signal) it drains like app.py: stops accepting, answers requests in flight
// and any further request on an open keep-alive connection with "Connection: close", closes
// connections still idle after 0.5 s, and exits once no connection is left (10 s at the latest).
"use strict";
const http = require("http");

const IDLE_GRACE_MS = 500;
const DRAIN_DEADLINE_MS = 10000;
const port = Number(process.env.PORT);
let draining = false;

const server = http.createServer((req, res) => {
  const found = req.url.split("?")[0] === "/";
  const body = found ? `hello from pid ${process.pid} port ${port}\n` : "not found\n";
  const headers = { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body) };
  if (draining) headers.Connection = "close"; // Node closes the connection after this response
  res.writeHead(found ? 200 : 404, headers);
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(port, "127.0.0.1");

process.on("SIGINT", () => {
  draining = true;
  server.close(() => process.exit(0)); // called once every connection is gone
  setTimeout(() => server.closeIdleConnections(), IDLE_GRACE_MS).unref();
  setTimeout(() => process.exit(0), DRAIN_DEADLINE_MS).unref();
});
