/** A loopback HTTP server serving fixed bodies by path (stands in for GitHub raw / osv.dev). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Loopback {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function serve(routes: Record<string, Uint8Array | string | { status: number; body?: string }>): Promise<Loopback> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const hit = routes[req.url ?? ''];
    if (hit === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    if (typeof hit === 'object' && !(hit instanceof Uint8Array)) {
      res.writeHead(hit.status).end(hit.body ?? '');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(hit);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
