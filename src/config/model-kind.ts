import type { ChainEntry, ProviderConfig } from './schema.js';

/** What a model does: complete a conversation, or embed text. */
export type ModelKind = 'complete' | 'embed';

/**
 * A model is an embedding model when its id says so: `text-embedding-3-small`,
 * `gemini-embedding-001`, `nomic-embed-text`, `mxbai-embed-large`. Providers name them that way; a
 * route cannot mix the two kinds, so the rule is checked where routes and chains are read.
 */
export function modelKind(model: string): ModelKind {
  return /embed/i.test(model) ? 'embed' : 'complete';
}

/** Anthropic serves no embedding model. */
function speaksAnthropic(provider: ProviderConfig): boolean {
  return provider.type === 'anthropic' || (provider.type === 'simulated' && provider.wire === 'anthropic');
}

/** Why an entry cannot serve a job, and which of its fields is at fault. */
export interface EntryKindProblem {
  field: 'provider' | 'model';
  message: string;
}

/** Why this entry cannot serve a job of this kind, or undefined when it can. */
export function entryKindProblem(
  kind: ModelKind,
  entry: ChainEntry,
  provider: ProviderConfig,
): EntryKindProblem | undefined {
  if (kind === 'embed' && speaksAnthropic(provider)) {
    return {
      field: 'provider',
      message: `"${entry.provider}" speaks Anthropic, which has no embedding models; use an OpenAI, Gemini or OpenAI-compatible provider`,
    };
  }
  if (modelKind(entry.model) === kind) return undefined;
  return {
    field: 'model',
    message:
      kind === 'embed'
        ? `"${entry.model}" is not an embedding model (an embedding model's id contains "embed", e.g. text-embedding-3-small)`
        : `"${entry.model}" is an embedding model; give the job kind "embed" and input, or a completion model`,
  };
}

/**
 * Why a route cannot be used, or undefined: its entries must all be completion models or all
 * embedding models, and no embedding model on an Anthropic provider. Names the first offending entry.
 */
export function routeKindProblem(
  chain: readonly ChainEntry[],
  providerOf: (name: string) => ProviderConfig | undefined,
): (EntryKindProblem & { index: number }) | undefined {
  const first = chain[0];
  if (!first) return undefined;
  const kind = modelKind(first.model);
  for (const [index, entry] of chain.entries()) {
    const provider = providerOf(entry.provider);
    if (!provider) continue;
    if (modelKind(entry.model) !== kind) {
      return {
        index,
        field: 'model',
        message: `a route cannot mix completion and embedding models: "${first.model}" is ${describe(kind)}, "${entry.model}" is ${describe(modelKind(entry.model))}; put them in separate routes`,
      };
    }
    const problem = entryKindProblem(kind, entry, provider);
    if (problem) return { index, ...problem };
  }
  return undefined;
}

function describe(kind: ModelKind): string {
  return kind === 'embed' ? 'an embedding model' : 'a completion model';
}
