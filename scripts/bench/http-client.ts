import { Agent, request } from 'node:http';

/**
 * A keep-alive HTTP/1.1 client for load generation. `fetch` costs the client about twice what
 * node:http does; with it, the bench measured its own client rather than the server.
 */
export function jsonPoster(base: string, sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const post = (path: string, body: unknown): Promise<number> =>
    new Promise((resolve, reject) => {
      const payload = JSON.stringify(body);
      const outgoing = request(
        `${base}${path}`,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  return { post, close: () => agent.destroy() };
}
