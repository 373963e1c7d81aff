import { googleWire } from './google-wire.js';
import { openaiWire } from './openai-wire.js';
import { contentText, isRecord, type Wire } from './wire.js';

/** OpenAI embeddings: POST {base}/embeddings, `{ model, input, dimensions? }`; errors as chat's. */
export const openaiEmbeddingsWire: Wire = {
  name: 'openai',
  apiKey: openaiWire.apiKey,
  error: openaiWire.error,
  parse(body) {
    if (!isRecord(body)) return { invalid: 'We could not parse the JSON body of your request.' };
    if (typeof body.model !== 'string') return { invalid: 'you must provide a model parameter' };
    const values = typeof body.input === 'string' ? [body.input] : body.input;
    if (
      !Array.isArray(values) ||
      values.length === 0 ||
      !values.every((value) => typeof value === 'string')
    ) {
      return { invalid: "'input' must be a string or a non-empty array of strings" };
    }
    if (values.length > 2048) return { invalid: "'input' must have at most 2048 items" };
    return {
      model: body.model,
      promptText: values.join('\n'),
      embed: { values, ...(typeof body.dimensions === 'number' ? { dimensions: body.dimensions } : {}) },
    };
  },
  success(facts) {
    return {
      status: 200,
      headers: { 'x-request-id': facts.id },
      body: {
        object: 'list',
        data: (facts.embeddings ?? []).map((embedding, index) => ({ object: 'embedding', index, embedding })),
        model: facts.model,
        usage: { prompt_tokens: facts.inputTokens, total_tokens: facts.inputTokens },
      },
    };
  },
};

/** Gemini `:batchEmbedContents` (`{ requests: [{ content: { parts } }] }`), and `:embedContent` for one. */
export function googleEmbeddingsWire(batch: boolean): Wire {
  return {
    name: 'google',
    apiKey: googleWire.apiKey,
    error: googleWire.error,
    parse(body, pathModel) {
      if (!pathModel) return { invalid: 'model is required in the path' };
      const requests = batch ? (isRecord(body) ? body.requests : undefined) : [body];
      if (!Array.isArray(requests) || requests.length === 0) {
        return { invalid: '* BatchEmbedContentsRequest.requests: requests is not specified' };
      }
      if (requests.length > 100)
        return { invalid: '* BatchEmbedContentsRequest.requests: at most 100 requests' };
      const values = requests.map((request) =>
        isRecord(request) && isRecord(request.content) ? contentText(request.content.parts) : '',
      );
      const first = requests[0];
      const dimensions = isRecord(first) ? first.outputDimensionality : undefined;
      return {
        model: pathModel,
        promptText: values.join('\n'),
        embed: { values, ...(typeof dimensions === 'number' ? { dimensions } : {}) },
      };
    },
    success(facts) {
      const embeddings = (facts.embeddings ?? []).map((values) => ({ values }));
      return { status: 200, headers: {}, body: batch ? { embeddings } : { embedding: embeddings[0] } };
    },
  };
}
