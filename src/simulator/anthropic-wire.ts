import {
  base64Bytes,
  contentText,
  type ErrorFacts,
  isRecord,
  type RecordedImage,
  retryAfterHeader,
  type StructuredAsk,
  type SuccessFacts,
  type Wire,
} from './wire.js';

/** Anthropic messages: POST {base}/messages, `x-api-key`, `anthropic-version`. */
export const anthropicWire: Wire = {
  name: 'anthropic',
  apiKey(headers) {
    const value = headers['x-api-key'];
    return typeof value === 'string' ? value : undefined;
  },
  parse(body) {
    if (!isRecord(body)) return { invalid: 'messages: Input should be a valid dictionary' };
    if (typeof body.model !== 'string') return { invalid: 'model: Field required' };
    if (typeof body.max_tokens !== 'number') return { invalid: 'max_tokens: Field required' };
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return { invalid: 'messages: at least one message is required' };
    }
    const system = contentText(body.system);
    const messages = body.messages.map((message) => (isRecord(message) ? contentText(message.content) : ''));
    const structured = structuredAsk(body);
    return {
      model: body.model,
      promptText: [system, ...messages].filter(Boolean).join('\n'),
      maxTokens: body.max_tokens,
      ...(structured ? { structured } : {}),
      ...(body.stream === true ? { stream: true } : {}),
      images: body.messages.flatMap((message) => (isRecord(message) ? images(message.content) : [])),
    };
  },
  success(facts) {
    return {
      status: 200,
      headers: { 'request-id': `req_${facts.id}`, 'anthropic-organization-id': 'simulated' },
      body: {
        id: `msg_${facts.id}`,
        type: 'message',
        role: 'assistant',
        model: facts.model,
        content: facts.toolCall
          ? [
              {
                type: 'tool_use',
                id: `toolu_${facts.id}`,
                name: facts.toolCall.name,
                input: facts.toolCall.input,
              },
            ]
          : [{ type: 'text', text: facts.text }],
        stop_reason: anthropicStopReason(facts),
        stop_sequence: null,
        usage: {
          input_tokens: facts.inputTokens,
          output_tokens: facts.outputTokens,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    };
  },
  error(facts) {
    const [type, message] = anthropicError(facts);
    return {
      status: facts.status,
      headers: {
        'request-id': `req_${facts.id}`,
        ...(facts.status === 429 ? { 'anthropic-ratelimit-requests-remaining': '0' } : {}),
        ...retryAfterHeader(facts),
      },
      body: { type: 'error', error: { type, message }, request_id: `req_${facts.id}` },
    };
  },
};

function anthropicStopReason(facts: SuccessFacts): string {
  if (facts.finishReason === 'length') return 'max_tokens';
  if (facts.finishReason === 'content-filter') return 'refusal';
  return facts.toolCall ? 'tool_use' : 'end_turn';
}

/**
 * Native structured output (`output_config.format: { type: 'json_schema', schema }`), or the JSON
 * tool the AI SDK falls back to: one tool, forced by `tool_choice`, whose input schema is the schema.
 */
function structuredAsk(body: Record<string, unknown>): StructuredAsk | undefined {
  const format = isRecord(body.output_config) ? body.output_config.format : undefined;
  if (isRecord(format) && format.type === 'json_schema') return { schema: format.schema };
  // Forced: `tool_choice` names the tool, or is `any` with the one tool on offer.
  const choice = isRecord(body.tool_choice) ? body.tool_choice : undefined;
  if (!choice || !Array.isArray(body.tools)) return undefined;
  const tools = body.tools.filter(isRecord);
  const tool =
    choice.type === 'tool'
      ? tools.find((candidate) => candidate.name === choice.name)
      : choice.type === 'any' && tools.length === 1
        ? tools[0]
        : undefined;
  return tool && typeof tool.name === 'string' ? { schema: tool.input_schema, tool: tool.name } : undefined;
}

/** `{ type: 'image', source: { type: 'base64', media_type, data } | { type: 'url', url } }` blocks. */
function images(content: unknown): RecordedImage[] {
  if (!Array.isArray(content)) return [];
  return content.flatMap((part): RecordedImage[] => {
    if (!isRecord(part) || part.type !== 'image' || !isRecord(part.source)) return [];
    const { source } = part;
    if (source.type === 'url') return [{ source: 'url', url: String(source.url) }];
    return [
      { source: 'inline', mediaType: String(source.media_type), bytes: base64Bytes(String(source.data)) },
    ];
  });
}

function anthropicError(facts: ErrorFacts): [string, string] {
  if (facts.kind === 'invalid-request') return ['invalid_request_error', facts.detail ?? 'Invalid request'];
  if (facts.kind === 'rejected')
    return ['invalid_request_error', 'Output blocked by content filtering policy'];
  switch (facts.status) {
    case 401:
      return ['authentication_error', 'invalid x-api-key'];
    case 403:
      return ['permission_error', 'Your API key does not have permission to use the specified resource.'];
    case 404:
      return ['not_found_error', `model: ${facts.model}`];
    case 413:
      return ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'];
    case 429:
      return ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.'];
    // Anthropic answers an overloaded or unavailable API with its overloaded error, on 529 and 503.
    case 503:
    case 529:
      return ['overloaded_error', 'Overloaded'];
    default:
      return facts.status >= 500
        ? ['api_error', 'Internal server error']
        : ['invalid_request_error', 'Invalid request'];
  }
}
