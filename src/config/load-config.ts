import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { Secret } from '../logging/secret.js';
import { batchEntryProblem } from './batch-wire.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { defaultConfigDocument } from './default-config.js';
import { modelIdProblemFor } from './model-id.js';
import { routeKindProblem } from './model-kind.js';
import { ownEntry } from './own-key.js';
import { type BreakwaterConfig, configSchema, type ProviderType, simulatedOnlyKeys } from './schema.js';
import { readWebhookSecret, webhookSecretEnv } from './webhook-secret.js';

export interface LoadedConfig {
  config: BreakwaterConfig;
  /** Provider keys by provider name, read from the environment; never part of `config`. */
  secrets: ReadonlyMap<string, Secret>;
  /** Where the config came from: a file path or `built-in default`. */
  source: string;
  /** BREAKWATER_WEBHOOK_SECRET, which signs webhooks; absent when not set. */
  webhookSecret?: Secret;
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  readFile?: (path: string) => string;
  fileExists?: (path: string) => boolean;
}

/** Conventional key variables, used when a provider names no `apiKeyEnv`. */
const defaultKeyEnv: Partial<Record<ProviderType, string>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  google: 'GOOGLE_GENERATIVE_AI_API_KEY',
};

/**
 * Finds, parses and validates the configuration: `BREAKWATER_CONFIG`, else `./breakwater.yaml` if
 * present, else the keyless built-in default. Throws ConfigError naming every bad key and its fix.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const fileExists = options.fileExists ?? existsSync;

  const explicit = env.BREAKWATER_CONFIG;
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!fileExists(path)) {
      throw new ConfigError(path, [
        {
          path: 'BREAKWATER_CONFIG',
          message: `file ${path} does not exist; fix the path or unset the variable`,
        },
      ]);
    }
    return parseConfigText(readFile(path), path, env);
  }
  const local = resolve(cwd, 'breakwater.yaml');
  if (fileExists(local)) return parseConfigText(readFile(local), local, env);
  return validateConfig(defaultConfigDocument, 'built-in default', env);
}

export function parseConfigText(text: string, source: string, env: NodeJS.ProcessEnv): LoadedConfig {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(source, [{ path: '(file)', message: `not valid YAML: ${reason}` }]);
  }
  return validateConfig(document ?? {}, source, env);
}

export function validateConfig(document: unknown, source: string, env: NodeJS.ProcessEnv): LoadedConfig {
  const parsed = configSchema.safeParse(document);
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.map(toProblem));
  const config = parsed.data;
  const problems = [...crossReferenceProblems(config)];
  const secrets = new Map<string, Secret>();
  for (const [name, provider] of Object.entries(config.providers)) {
    if (provider.type === 'simulated') continue;
    const keyEnv = provider.apiKeyEnv ?? defaultKeyEnv[provider.type];
    if (keyEnv === undefined) continue;
    const value = env[keyEnv];
    if (!value) {
      problems.push({
        path: `providers.${name}.apiKeyEnv`,
        message: `${keyEnv} is not set; export ${keyEnv}=<your key> or remove provider "${name}" from the config`,
      });
    } else {
      secrets.set(name, new Secret(value));
    }
  }
  const webhookSecret = readWebhookSecret(env);
  if (webhookSecret.kind === 'invalid')
    problems.push({ path: webhookSecretEnv, message: webhookSecret.message });
  if (webhookSecret.kind === 'absent' && config.webhooks.url !== undefined) {
    problems.push({
      path: 'webhooks.url',
      message: `webhooks are signed: set ${webhookSecretEnv} (whsec_ and a base64 key) or remove webhooks.url`,
    });
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  return {
    config,
    secrets,
    source,
    ...(webhookSecret.kind === 'ok' ? { webhookSecret: webhookSecret.secret } : {}),
  };
}

function* crossReferenceProblems(config: BreakwaterConfig): Generator<ConfigProblem> {
  const known = Object.keys(config.providers);
  for (const [route, chain] of Object.entries(config.routes)) {
    for (const [index, entry] of chain.entries()) {
      const provider = ownEntry(config.providers, entry.provider);
      if (!provider) {
        yield {
          path: `routes.${route}.${index}.provider`,
          message: `unknown provider "${entry.provider}"; define it under providers (known: ${known.join(', ')})`,
        };
        continue;
      }
      const modelProblem = modelIdProblemFor(provider, entry.model);
      if (modelProblem) yield { path: `routes.${route}.${index}.model`, message: modelProblem };
      const batchProblem = entry.batch ? batchEntryProblem(entry.provider, provider) : undefined;
      if (batchProblem) yield { path: `routes.${route}.${index}.batch`, message: batchProblem };
    }
    const kindProblem = routeKindProblem(chain, (name) => ownEntry(config.providers, name));
    if (kindProblem) {
      yield {
        path: `routes.${route}.${kindProblem.index}.${kindProblem.field}`,
        message: kindProblem.message,
      };
    }
  }
  for (const [name, provider] of Object.entries(config.providers)) {
    if (!provider.probe) continue;
    const problem = modelIdProblemFor(provider, provider.probe.model);
    if (problem) yield { path: `providers.${name}.probe.model`, message: problem };
  }
  const names = new Set<string>();
  for (const [index, budget] of config.budgets.entries()) {
    if (names.has(budget.name)) {
      yield {
        path: `budgets.${index}.name`,
        message: `budget "${budget.name}" is named twice; give each budget its own name`,
      };
    }
    names.add(budget.name);
    if (budget.provider !== undefined && !ownEntry(config.providers, budget.provider)) {
      yield {
        path: `budgets.${index}.provider`,
        message: `unknown provider "${budget.provider}"; name one defined under providers (known: ${known.join(', ')})`,
      };
    }
    if (budget.route !== undefined && !ownEntry(config.routes, budget.route)) {
      yield {
        path: `budgets.${index}.route`,
        message: `unknown route "${budget.route}"; name one defined under routes (known: ${Object.keys(config.routes).join(', ')})`,
      };
    }
  }
  if (!ownEntry(config.routes, config.defaultRoute)) {
    yield {
      path: 'defaultRoute',
      message: `route "${config.defaultRoute}" is not defined under routes (known: ${Object.keys(config.routes).join(', ')})`,
    };
  }
}

function toProblem(issue: z.core.$ZodIssue): ConfigProblem {
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  if (issue.code === 'unrecognized_keys') {
    const simulatedOnly = issue.keys.find((key) => (simulatedOnlyKeys as readonly string[]).includes(key));
    if (issue.path[0] === 'providers' && issue.path.length === 2 && simulatedOnly) {
      return {
        path: `${path}.${simulatedOnly}`,
        message: 'only simulated providers take this key; remove it',
      };
    }
    return {
      path,
      message: `unknown key(s) ${issue.keys.join(', ')}; check the spelling against the README`,
    };
  }
  return { path, message: issue.message };
}
