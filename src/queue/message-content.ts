import { z } from 'zod';

/** Most images one job may carry, over all its messages. */
export const maxImagesPerJob = 20;

/** The image media types every provider with vision takes. */
export const imageMediaTypes = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const textPartSchema = z
  .object({ type: z.literal('text'), text: z.string().min(1, 'must not be empty') })
  .strict();

const imagePartSchema = z
  .object({
    type: z.literal('image'),
    url: z
      .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
      .optional()
      .describe('Where the provider fetches the image.'),
    data: z
      .string()
      .min(1, 'must not be empty')
      .regex(base64, 'must be base64 (A-Z, a-z, 0-9, + and /, padded with =), without a data: prefix')
      .optional()
      .describe('The image itself, base64; counts toward the job size.'),
    mediaType: z
      .enum(imageMediaTypes, { error: `must be an image media type: ${imageMediaTypes.join(', ')}` })
      .optional()
      .describe('The media type of `data`.'),
  })
  .strict()
  .superRefine((part, context) => {
    if ((part.url === undefined) === (part.data === undefined)) {
      context.addIssue({ code: 'custom', path: ['url'], message: 'give exactly one of url or data' });
    } else if (part.data !== undefined && part.mediaType === undefined) {
      context.addIssue({ code: 'custom', path: ['mediaType'], message: 'required with data' });
    }
  });

/** One part of a message's content: text, or an image by URL or inline as base64. */
export const contentPartSchema = z.discriminatedUnion('type', [textPartSchema, imagePartSchema], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `unknown part type ${JSON.stringify(typeOf(issue.input))}; use text or image`
      : undefined,
});

export type ContentPart = z.output<typeof contentPartSchema>;

/** A message's content: a string, or an array of text and image parts. */
export const messageContentSchema = (maxChars: number, tooLong: string) =>
  z.union(
    [
      z.string().min(1, 'must not be empty').max(maxChars, tooLong),
      z.array(contentPartSchema).min(1, 'needs at least one part'),
    ],
    {
      error: (issue) =>
        issue.code === 'invalid_union' ? 'must be a string or an array of parts' : undefined,
    },
  );

/** Characters a message's content counts toward the job's size: text, URLs and base64 images. */
export function contentChars(content: string | readonly ContentPart[]): number {
  if (typeof content === 'string') return content.length;
  let size = 0;
  for (const part of content) {
    if (part.type === 'text') size += part.text.length;
    else size += (part.data ?? part.url ?? '').length;
  }
  return size;
}

export function imageCount(content: string | readonly ContentPart[]): number {
  return typeof content === 'string' ? 0 : content.filter((part) => part.type === 'image').length;
}

function typeOf(input: unknown): unknown {
  return typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : input;
}
