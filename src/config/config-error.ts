import { hasBrand } from '../errors/brand.js';
export interface ConfigProblem {
  /** Dotted key path in the config file, e.g. `providers.openai.apiKeyEnv`. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

const brand = Symbol.for('breakwater.ConfigError');

/** Invalid configuration: refused at startup with every problem named by its key path. */
export class ConfigError extends Error {
  readonly [brand] = true;
  override readonly name = 'ConfigError';

  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `invalid configuration (${source}):\n${problems.map((problem) => `  ${problem.path}: ${problem.message}`).join('\n')}`,
    );
  }

  static is(error: unknown): error is ConfigError {
    return hasBrand(error, brand);
  }
}
