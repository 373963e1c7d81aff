import type { IncomingMessage, ServerResponse } from 'node:http';

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Sends JSON Lines, as batch result files are served. */
export function sendJsonl(response: ServerResponse, lines: readonly unknown[], contentType: string): void {
  if (response.destroyed) return;
  response.writeHead(200, { 'content-type': contentType });
  response.end(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
}
