// What `npm run dev`'s stand-ins for the outside world share: listening on 127.0.0.1 only, surviving
// malformed requests, and closing at once (open keep-alive connections included).

/** Listens on 127.0.0.1:`port`; rejects if the port is taken, then logs later errors under `name`. Resolves with `close`. */
export async function listenOnLoopback(server, port, name) {
  // A malformed request gets a 400 and a closed connection; nothing a client sends stops the process.
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      server.on("error", (error) => console.error(`${name}:`, error));
      resolve();
    });
  });
  return () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}
