import { stepIdPattern } from './flow-ids.js';

/** A step's reference to a child's result: its text, or a value inside its structured object. */
export type StepReference = { step: string; kind: 'text' } | { step: string; kind: 'object'; path: string[] };

/** Every `{{steps.…}}` in a text; well-formed or not, each is matched so none passes unread. */
const referencePattern = /\{\{\s*steps\.([^{}]*?)\s*\}\}/g;

export type ParsedReference =
  | { kind: 'ok'; source: string; reference: StepReference }
  | { kind: 'malformed'; source: string };

/** The references in one text, in order. */
export function referencesIn(text: string): ParsedReference[] {
  return [...text.matchAll(referencePattern)].map((match) => {
    const source = match[0];
    const [step = '', field, ...path] = (match[1] ?? '').split('.');
    if (!stepIdPattern.test(step)) return { kind: 'malformed', source };
    if (field === 'text' && path.length === 0)
      return { kind: 'ok', source, reference: { step, kind: 'text' } };
    if (field === 'object' && path.every((key) => key.length > 0)) {
      return { kind: 'ok', source, reference: { step, kind: 'object', path } };
    }
    return { kind: 'malformed', source };
  });
}

/** A child's result as references read it; undefined when the child failed and was optional. */
export interface ChildResult {
  text?: string;
  object?: unknown;
}

/**
 * Fills every reference in a text from the children's results. A missing result (an optional child
 * that failed) or a missing path reads as empty; a value that is not a string is written as JSON.
 */
export function substitute(text: string, results: ReadonlyMap<string, ChildResult>): string {
  return text.replace(referencePattern, (source) => {
    const [parsed] = referencesIn(source);
    if (parsed?.kind !== 'ok') return source;
    const result = results.get(parsed.reference.step);
    if (!result) return '';
    if (parsed.reference.kind === 'text') return result.text ?? '';
    let value: unknown = result.object;
    for (const key of parsed.reference.path) {
      value =
        typeof value === 'object' && value !== null && Object.hasOwn(value, key)
          ? (value as Record<string, unknown>)[key]
          : undefined;
    }
    if (value === undefined || value === null) return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/** Whether a text names any step at all (most texts do not: nothing is read for them). */
export function hasReferences(text: string): boolean {
  return text.includes('{{') && referencesIn(text).length > 0;
}
