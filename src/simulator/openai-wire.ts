import {
  base64Bytes,
  contentText,
  type ErrorFacts,
  isRecord,
  type RecordedImage,
  retryAfterHeader,
  type StructuredAsk,
  type Wire,
} from './wire.js';

/** OpenAI chat completions: POST {base}/chat/completions, `Authorization: Bearer`. */
export const openaiWire: Wire = {
  name: 'openai',
  apiKey(headers) {
    const value = headers.authorization;
    return value?.startsWith('Bearer ') ? value.slice('Bearer '.length) : undefined;
  },
  parse(body) {
    if (!isRecord(body)) return { invalid: 'We could not parse the JSON body of your request.' };
    if (typeof body.model !== 'string') return { invalid: 'you must provide a model parameter' };
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return { invalid: "[] is too short - 'messages'" };
    }
    const promptText = body.messages
      .map((message) => (isRecord(message) ? contentText(message.content) : ''))
      .join('\n');
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    const structured = structuredAsk(body.response_format);
    return {
      model: body.model,
      promptText,
      ...(typeof maxTokens === 'number' ? { maxTokens } : {}),
      ...(structured ? { structured } : {}),
      ...(body.stream === true ? { stream: true } : {}),
      images: body.messages.flatMap((message) => (isRecord(message) ? images(message.content) : [])),
    };
  },
  success(facts) {
    return {
      status: 200,
      headers: { 'x-request-id': facts.id, 'openai-processing-ms': '1' },
      body: {
        id: `chatcmpl-${facts.id}`,
        object: 'chat.completion',
        created: Math.floor(facts.createdAt / 1000),
        model: facts.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: facts.text, refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: facts.finishReason === 'content-filter' ? 'content_filter' : facts.finishReason,
          },
        ],
        usage: {
          prompt_tokens: facts.inputTokens,
          completion_tokens: facts.outputTokens,
          total_tokens: facts.inputTokens + facts.outputTokens,
        },
        service_tier: 'default',
        system_fingerprint: 'fp_simulated',
      },
    };
  },
  error(facts) {
    const [type, code, message] = openaiError(facts);
    return {
      status: facts.status,
      headers: {
        'x-request-id': facts.id,
        ...(facts.status === 429 ? { 'x-ratelimit-remaining-requests': '0' } : {}),
        ...retryAfterHeader(facts),
      },
      body: { error: { message, type, param: null, code } },
    };
  },
};

/** `response_format: { type: 'json_schema', json_schema: { name, schema, strict } }`. */
function structuredAsk(format: unknown): StructuredAsk | undefined {
  if (!isRecord(format)) return undefined;
  if (format.type === 'json_schema' && isRecord(format.json_schema))
    return { schema: format.json_schema.schema };
  return format.type === 'json_object' ? { schema: {} } : undefined;
}

/** `{ type: 'image_url', image_url: { url } }` parts; inline images are `data:` URLs. */
function images(content: unknown): RecordedImage[] {
  if (!Array.isArray(content)) return [];
  return content.flatMap((part): RecordedImage[] => {
    if (!isRecord(part) || part.type !== 'image_url' || !isRecord(part.image_url)) return [];
    const url = String(part.image_url.url);
    const inline = /^data:([^;,]+);base64,(.*)$/s.exec(url);
    if (inline)
      return [{ source: 'inline', mediaType: inline[1] ?? '', bytes: base64Bytes(inline[2] ?? '') }];
    return [{ source: 'url', url }];
  });
}

function openaiError(facts: ErrorFacts): [string, string | null, string] {
  if (facts.kind === 'invalid-request')
    return ['invalid_request_error', null, facts.detail ?? 'Invalid request'];
  if (facts.kind === 'rejected') {
    return [
      'invalid_request_error',
      'content_policy_violation',
      'Your request was rejected as a result of our safety system.',
    ];
  }
  switch (facts.status) {
    case 401:
      return [
        'invalid_request_error',
        'invalid_api_key',
        'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
      ];
    case 403:
      return [
        'invalid_request_error',
        'unsupported_country_region_territory',
        'Country, region, or territory not supported',
      ];
    case 404:
      return [
        'invalid_request_error',
        'model_not_found',
        `The model \`${facts.model}\` does not exist or you do not have access to it.`,
      ];
    case 429:
      return [
        'requests',
        'rate_limit_exceeded',
        `Rate limit reached for ${facts.model} on requests per min (RPM). Please try again later.`,
      ];
    case 503:
      return ['server_error', null, 'The server is overloaded or not ready yet.'];
    default:
      return facts.status >= 500
        ? ['server_error', null, 'The server had an error while processing your request. Sorry about that!']
        : ['invalid_request_error', null, 'Invalid request'];
  }
}
