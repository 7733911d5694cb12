/**
 * A tiny HTTP forward proxy (test tooling), as a corporate proxy is to the CLI: requests with an absolute URI are
 * forwarded to their http target; CONNECT tunnels are recorded and refused, so a test never leaves this machine.
 * It records what it was asked for (method, host, path), never bodies or headers.
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxiedRequest = { method: string; host: string; path: string };

export type ForwardProxy = {
  url: string;
  asked: ProxiedRequest[];
  stop: () => Promise<void>;
};

/** `demandCredentials`: the paths the proxy answers 407 (Proxy Authentication Required) for, as a proxy that wants a login. */
export async function startForwardProxy(options: { demandCredentials?: (path: string) => boolean } = {}): Promise<ForwardProxy> {
  const asked: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      // An origin-form request (`GET /path`) was sent to the proxy as if it were the server.
      res.writeHead(400).end('absolute URI required');
      return;
    }
    asked.push({ method: req.method ?? '', host: target.host, path: target.pathname });
    if (options.demandCredentials?.(target.pathname)) {
      req.resume();
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="corp"' }).end();
      return;
    }
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer: IncomingMessage) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.once('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, socket) => {
    asked.push({ method: 'CONNECT', host: req.url ?? '', path: '' });
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    asked,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
