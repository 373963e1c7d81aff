/**
 * Model ids reach provider URLs: the Gemini wire builds `{baseURL}/models/{model}:generateContent`
 * and takes a model id with a `/` as a path of its own, so `../../admin#` would send the call (and
 * its key) elsewhere on the provider's host. Ids are checked where they enter (job, config) and
 * again where the adapter is built.
 */

/** One segment: starts with a letter or digit, then letters, digits, `.`, `_`, `-`, `:`. */
const segment = '[A-Za-z0-9][A-Za-z0-9._:-]*';

/**
 * Any model id: segments joined by `/` (`meta-llama/Llama-3.1-8B-Instruct` on an OpenAI-compatible
 * server). Never `..`, `?`, `#`, `%`, `\`, spaces or control characters.
 */
export const anyModelPattern = new RegExp(`^(?!.*\\.\\.)${segment}(/${segment})*$`);

/** A model id in a URL path (Gemini): one segment without `:`, after an optional `models/` or `tunedModels/`. */
const pathModelPattern = /^(models\/|tunedModels\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const maxModelIdChars = 200;

export const modelIdRule = 'letters, digits, ".", "_", "-" and ":", in segments joined by "/"; never ".."';

/** Why a model id is refused for any provider, or undefined when it is acceptable. */
export function modelIdProblem(model: string): string | undefined {
  if (model.length === 0) return 'must name a model';
  if (model.length > maxModelIdChars) return `must be at most ${maxModelIdChars} characters`;
  if (!anyModelPattern.test(model)) return `must be a model id: ${modelIdRule}`;
  return undefined;
}

/**
 * Why a model id is refused for a provider that puts it in the request path, or undefined. Such a
 * provider's wire gets one name only: `gemini-2.5-flash`, `models/gemini-2.5-flash` or
 * `tunedModels/my-model`.
 */
export function pathModelIdProblem(model: string): string | undefined {
  const problem = modelIdProblem(model);
  if (problem) return problem;
  if (!pathModelPattern.test(model)) {
    return 'this provider puts the model in the URL: one name of letters, digits, ".", "_" and "-", optionally after "models/" or "tunedModels/"';
  }
  return undefined;
}

/** Whether a provider's wire format carries the model id in the request path (Gemini's does). */
export function carriesModelInPath(provider: { type: string; wire?: string | undefined }): boolean {
  return provider.type === 'google' || (provider.type === 'simulated' && provider.wire === 'google');
}

/** The problem of a model id for this provider, or undefined. */
export function modelIdProblemFor(
  provider: { type: string; wire?: string | undefined },
  model: string,
): string | undefined {
  return carriesModelInPath(provider) ? pathModelIdProblem(model) : modelIdProblem(model);
}
