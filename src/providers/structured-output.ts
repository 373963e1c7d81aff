import { JSONParseError, type JSONSchema7, jsonSchema, NoObjectGeneratedError, Output } from 'ai';
import { validationErrors } from '../structured/json-schema.js';
import { strictReady } from '../structured/strict-schema.js';
import type { ClassifyContext } from './classify-error.js';
import type { FinishReason, StructuredOutput } from './completion.js';
import { ProviderError, type ProviderErrorCode } from './provider-error.js';

/** Most validation errors an attempt's message quotes. */
const maxQuotedErrors = 8;

/**
 * The AI SDK's structured-output path for a request's schema: the provider is asked for JSON in
 * its native way (OpenAI `json_schema`, Anthropic output format or tool, Gemini `responseSchema`)
 * and the SDK validates the answer with ajv (draft 2020-12) before it returns.
 */
export function structuredOutput(output: StructuredOutput) {
  const schema = jsonSchema<unknown>(output.schema as JSONSchema7, {
    validate: (value) => {
      const errors = validationErrors(output.schema, value);
      return errors.length === 0
        ? { success: true, value }
        : { success: false, error: new Error(quote(errors)) };
    },
  });
  return Output.object({ schema, ...(output.name === undefined ? {} : { name: output.name }) });
}

/**
 * OpenAI's wire (and OpenAI-compatible servers) in strict mode only when the schema is strict-ready;
 * other providers ignore these keys.
 */
export function structuredProviderOptions(output: StructuredOutput) {
  const strictJsonSchema = strictReady(output.schema);
  return { openai: { strictJsonSchema }, openaiCompatible: { strictJsonSchema } };
}

/**
 * A structured answer that parsed and validated can still be unusable: cut off at the token limit
 * (`length`) it is invalid output, blocked by a content filter it is rejected. Undefined when usable.
 */
export function finishProblem(
  finishReason: FinishReason,
  context: ClassifyContext,
): ProviderError | undefined {
  if (finishReason === 'length') {
    return invalid(
      context,
      'truncated-output',
      'the answer was cut off at the token limit (finishReason length)',
    );
  }
  if (finishReason === 'content-filter') return contentFiltered(context);
  return undefined;
}

/** The SDK's NoObjectGeneratedError as a verdict: unparseable or mismatched output, or a filtered answer. */
export function structuredFailure(error: unknown, context: ClassifyContext): ProviderError | undefined {
  if (!NoObjectGeneratedError.isInstance(error)) return undefined;
  const byFinish = error.finishReason === undefined ? undefined : finishProblem(error.finishReason, context);
  if (byFinish) return byFinish;
  const cause = error.cause instanceof Error ? error.cause : undefined;
  if (JSONParseError.isInstance(cause)) {
    return invalid(context, 'unparseable-output', `the answer is not JSON: ${firstLine(cause.message)}`);
  }
  return invalid(
    context,
    'schema-mismatch',
    `the answer does not match the schema: ${cause ? validationMessage(cause) : error.message}`,
  );
}

function contentFiltered(context: ClassifyContext): ProviderError {
  return new ProviderError({
    verdict: 'rejected',
    code: 'content-filter',
    provider: context.provider,
    model: context.model,
    message: 'the answer was blocked by the provider content filter (finishReason content-filter)',
  });
}

function invalid(context: ClassifyContext, code: ProviderErrorCode, message: string): ProviderError {
  return new ProviderError({
    verdict: 'invalid-output',
    code,
    provider: context.provider,
    model: context.model,
    message,
  });
}

function quote(errors: readonly string[]): string {
  const shown = errors.slice(0, maxQuotedErrors).join('; ');
  return errors.length > maxQuotedErrors ? `${shown}; and ${errors.length - maxQuotedErrors} more` : shown;
}

/** The SDK wraps our validator's message in a TypeValidationError; its own cause is ours. */
function validationMessage(cause: Error): string {
  const inner = cause.cause instanceof Error ? cause.cause : cause;
  return firstLine(inner.message);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
