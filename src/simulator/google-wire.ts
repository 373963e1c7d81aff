import {
  base64Bytes,
  contentText,
  type ErrorFacts,
  isRecord,
  type RecordedImage,
  type Wire,
} from './wire.js';

/** Gemini generateContent: POST {base}/models/{model}:generateContent, `x-goog-api-key`. */
export const googleWire: Wire = {
  name: 'google',
  apiKey(headers, url) {
    const value = headers['x-goog-api-key'];
    return typeof value === 'string' ? value : (url.searchParams.get('key') ?? undefined);
  },
  parse(body, pathModel) {
    if (!pathModel) return { invalid: 'model is required in the path' };
    if (!isRecord(body) || !Array.isArray(body.contents) || body.contents.length === 0) {
      return { invalid: '* GenerateContentRequest.contents: contents is not specified' };
    }
    const partsText = (content: unknown) => (isRecord(content) ? contentText(content.parts) : '');
    const system = partsText(body.systemInstruction);
    const contents = body.contents.map(partsText);
    const config = isRecord(body.generationConfig) ? body.generationConfig : {};
    const schema = config.responseJsonSchema ?? config.responseSchema;
    const json = config.responseMimeType === 'application/json';
    return {
      model: pathModel,
      promptText: [system, ...contents].filter(Boolean).join('\n'),
      ...(typeof config.maxOutputTokens === 'number' ? { maxTokens: config.maxOutputTokens } : {}),
      ...(json ? { structured: { schema: schema ?? {} } } : {}),
      images: body.contents.flatMap((content) => (isRecord(content) ? images(content.parts) : [])),
    };
  },
  success(facts) {
    return {
      status: 200,
      headers: {},
      body: {
        candidates: [
          {
            content: { parts: [{ text: facts.text }], role: 'model' },
            finishReason: { stop: 'STOP', length: 'MAX_TOKENS', 'content-filter': 'SAFETY' }[
              facts.finishReason
            ],
            index: 0,
          },
        ],
        usageMetadata: {
          promptTokenCount: facts.inputTokens,
          candidatesTokenCount: facts.outputTokens,
          totalTokenCount: facts.inputTokens + facts.outputTokens,
        },
        modelVersion: facts.model,
        responseId: facts.id,
      },
    };
  },
  error(facts) {
    // Gemini answers a bad key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID.
    const status = facts.kind === 'unauthorized' ? 400 : facts.status;
    const [grpcStatus, message] = googleError(facts);
    const details: unknown[] = [];
    if (facts.kind === 'unauthorized') {
      details.push({
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      });
    }
    if (facts.retryAfterSeconds !== undefined) {
      details.push({
        '@type': 'type.googleapis.com/google.rpc.RetryInfo',
        retryDelay: `${facts.retryAfterSeconds}s`,
      });
    }
    return {
      status,
      headers: {},
      body: { error: { code: status, message, status: grpcStatus, ...(details.length ? { details } : {}) } },
    };
  },
};

/** `{ inlineData: { mimeType, data } }` and `{ fileData: { mimeType, fileUri } }` parts. */
function images(parts: unknown): RecordedImage[] {
  if (!Array.isArray(parts)) return [];
  return parts.flatMap((part): RecordedImage[] => {
    if (!isRecord(part)) return [];
    if (isRecord(part.inlineData)) {
      const { mimeType, data } = part.inlineData;
      return [{ source: 'inline', mediaType: String(mimeType), bytes: base64Bytes(String(data)) }];
    }
    if (isRecord(part.fileData)) {
      return [
        { source: 'url', mediaType: String(part.fileData.mimeType), url: String(part.fileData.fileUri) },
      ];
    }
    return [];
  });
}

function googleError(facts: ErrorFacts): [string, string] {
  if (facts.kind === 'unauthorized')
    return ['INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.'];
  if (facts.kind === 'invalid-request')
    return ['INVALID_ARGUMENT', facts.detail ?? 'Request contains an invalid argument.'];
  if (facts.kind === 'rejected') return ['INVALID_ARGUMENT', 'The request was blocked by safety settings.'];
  switch (facts.status) {
    case 403:
      return ['PERMISSION_DENIED', "Method doesn't allow unregistered callers."];
    case 404:
      return ['NOT_FOUND', `models/${facts.model} is not found for API version v1beta.`];
    case 429:
      return [
        'RESOURCE_EXHAUSTED',
        'You exceeded your current quota, please check your plan and billing details.',
      ];
    case 503:
      return ['UNAVAILABLE', 'The model is overloaded. Please try again later.'];
    case 504:
      return ['DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'];
    default:
      return facts.status >= 500
        ? [
            'INTERNAL',
            'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
          ]
        : ['INVALID_ARGUMENT', 'Request contains an invalid argument.'];
  }
}
