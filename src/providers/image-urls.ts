import type { ClassifyContext } from './classify-error.js';
import { ProviderError } from './provider-error.js';

interface PlannedDownload {
  url: URL;
  isUrlSupportedByModel: boolean;
}

/**
 * The AI SDK's download hook: an image URL goes to a provider that fetches it itself (OpenAI,
 * Anthropic); a provider that cannot (Gemini, OpenAI-compatible servers) is refused the job rather
 * than have the worker fetch a producer's URL from inside the network. Refused, not failed: the next
 * entry of the chain may take URLs.
 */
export function imageUrlsPassedThrough(context: () => ClassifyContext) {
  return async (downloads: PlannedDownload[]): Promise<null[]> => {
    if (downloads.some((download) => !download.isUrlSupportedByModel)) {
      const { provider, model } = context();
      throw new ProviderError({
        verdict: 'rejected',
        code: 'bad-request',
        provider,
        model,
        message: `${provider} does not fetch image URLs itself, and workers do not fetch them for it; send the image as data with its mediaType`,
      });
    }
    return downloads.map(() => null);
  };
}
