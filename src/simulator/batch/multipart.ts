/** One part of a multipart/form-data body. */
export interface FormPart {
  name: string;
  filename?: string;
  content: Buffer;
}

/**
 * The parts of a multipart/form-data body (RFC 7578), as the simulator needs them for file uploads;
 * undefined when the content type carries no boundary.
 */
export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) return undefined;
  const delimiter = Buffer.from(`--${marker}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const chunk = body.subarray(start + delimiter.length, next);
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = chunk.subarray(0, headerEnd).toString('utf8');
      // The part's content ends before the CRLF that precedes the next delimiter.
      const content = chunk.subarray(headerEnd + 4, Math.max(headerEnd + 4, chunk.length - 2));
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
      if (name !== undefined) parts.push({ name, content, ...(filename === undefined ? {} : { filename }) });
    }
    start = next;
  }
  return parts;
}
