import { contentText, type ErrorFacts, isRecord, retryAfterHeader, type Wire } from './wire.js';

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
    if (body.stream === true) return { invalid: 'the simulator does not stream' };
    const promptText = body.messages
      .map((message) => (isRecord(message) ? contentText(message.content) : ''))
      .join('\n');
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    return { model: body.model, promptText, ...(typeof maxTokens === 'number' ? { maxTokens } : {}) };
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
            finish_reason: facts.finishReason,
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
