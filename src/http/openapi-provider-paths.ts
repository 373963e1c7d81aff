import { bodyErrors, error, type JsonObject, json, nameParameter, v1Errors } from './openapi-parts.js';

/** The paths of the providers: their breakers as they stand, and opening or closing one fleet-wide by hand. */
export function providerPaths(): JsonObject {
  return {
    '/v1/providers': {
      get: {
        summary: "Each provider's breaker state and when it next admits a probe",
        responses: { 200: { description: 'Providers', ...json('Providers') }, ...v1Errors },
      },
    },
    '/v1/providers/{name}/open': {
      post: {
        summary: 'Open a provider fleet-wide by hand (maintenance, a revoked key)',
        description:
          'Every worker skips the provider at once. With durationMs, it is probed as usual afterwards; ' +
          'without, it stays open until closed by hand. Who and why are logged and shown.',
        parameters: [nameParameter],
        requestBody: { required: true, ...json('OpenRequest') },
        responses: byHandResponses('open'),
      },
    },
    '/v1/providers/{name}/close': {
      post: {
        summary: 'Close a provider fleet-wide by hand',
        parameters: [nameParameter],
        requestBody: { required: true, ...json('CloseRequest') },
        responses: byHandResponses('closed'),
      },
    },
  };
}

/** What opening or closing a provider by hand answers: the provider in its new state. */
function byHandResponses(state: 'open' | 'closed'): JsonObject {
  return {
    200: { description: `The provider, now ${state}`, ...json('Provider') },
    400: error('Invalid request; `fields` names each offending field'),
    404: error('Unknown provider'),
    ...bodyErrors,
    ...v1Errors,
  };
}
