import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { referencesIn, substitute } from '../../src/flows/step-references.js';
import { validateFlow } from '../../src/flows/validate-flow.js';

const config = validateConfig(
  {
    providers: { p: { type: 'simulated', wire: 'openai' } },
    routes: { default: [{ provider: 'p', model: 'gpt-4.1-mini' }] },
  },
  'test',
  {},
).config;

const problemsOf = (input: unknown) => {
  const validation = validateFlow(input, config);
  return validation.kind === 'invalid' ? validation.problems : [];
};

/** A chain of steps `depth` levels deep. */
function deep(depth: number): Record<string, unknown> {
  let step: Record<string, unknown> = { id: `s${depth}`, prompt: 'leaf' };
  for (let level = depth - 1; level >= 1; level -= 1)
    step = { id: `s${level}`, prompt: 'x', children: [step] };
  return step;
}

describe('validateFlow', () => {
  it('plans a valid tree: each step a validated job, references to its own children', () => {
    const validation = validateFlow(
      {
        name: 'review',
        root: {
          id: 'judge',
          prompt: 'Pick: {{steps.a.text}} or {{ steps.b.text }}',
          children: [
            { id: 'a', prompt: 'draft one' },
            { id: 'b', prompt: 'draft two', optional: true, output: { schema: { type: 'object' } } },
          ],
        },
      },
      config,
    );
    expect(validation).toMatchObject({
      kind: 'ok',
      plan: {
        name: 'review',
        steps: 3,
        root: {
          id: 'judge',
          optional: false,
          data: { onAllOpen: 'defer' },
          children: [
            { id: 'a', optional: false },
            { id: 'b', optional: true },
          ],
        },
      },
    });
    expect(validateFlow({ root: deep(5) }, config).kind).toBe('ok');
  });

  it.each([
    [
      'a duplicate id',
      { id: 'a', prompt: 'x', children: [{ id: 'a', prompt: 'y' }] },
      'root.children.0.id',
      /duplicate step id "a" \(also root\)/,
    ],
    [
      'an unknown step',
      { id: 'a', prompt: '{{steps.ghost.text}}' },
      'root.prompt',
      /names no step of this flow/,
    ],
    ['a cycle to itself', { id: 'a', prompt: '{{steps.a.text}}' }, 'root.prompt', /makes a cycle/],
    [
      'a cycle to an ancestor',
      { id: 'a', prompt: 'x', children: [{ id: 'b', system: 'see {{steps.a.text}}', prompt: 'y' }] },
      'root.children.0.system',
      /makes a cycle: step "a" runs after this step/,
    ],
    [
      'a step of another branch',
      {
        id: 'a',
        prompt: 'x',
        children: [
          { id: 'b', prompt: 'y' },
          { id: 'c', messages: [{ role: 'user', content: [{ type: 'text', text: '{{steps.b.text}}' }] }] },
        ],
      },
      'root.children.1.messages.0.content.0.text',
      /step "b" is not a child of this step/,
    ],
    [
      'a malformed reference',
      { id: 'a', prompt: '{{steps.b}}', children: [{ id: 'b', prompt: 'y' }] },
      'root.prompt',
      /is not a step reference/,
    ],
    [
      'an object of a step without a schema',
      { id: 'a', prompt: '{{steps.b.object.x}}', children: [{ id: 'b', prompt: 'y' }] },
      'root.prompt',
      /has no output schema/,
    ],
    ['a bad id', { id: 'a b', prompt: 'x' }, 'root.id', /A-Z a-z 0-9/],
    ['an optional root', { id: 'a', prompt: 'x', optional: true }, 'root.optional', /cannot be optional/],
    [
      'an idempotency key',
      { id: 'a', prompt: 'x', idempotencyKey: 'k' },
      'root.idempotencyKey',
      /not taken in a flow step/,
    ],
    [
      'a bad job field',
      { id: 'a', prompt: 'x', children: [{ id: 'b', prompt: '' }] },
      'root.children.0.prompt',
      /must not be empty/,
    ],
    [
      'six levels',
      deep(6),
      'root.children.0.children.0.children.0.children.0.children',
      /at most 5 levels deep/,
    ],
  ])('refuses %s, naming the path', (_name, root, path, message) => {
    const problems = problemsOf({ root });
    expect(problems.map((problem) => problem.path)).toEqual([path]);
    expect(problems[0]?.message).toMatch(message);
  });

  it('refuses more than 100 steps, a missing root and unknown fields', () => {
    const wide = {
      id: 'r',
      prompt: 'x',
      children: Array.from({ length: 100 }, (_, index) => ({ id: `c${index}`, prompt: 'y' })),
    };
    expect(problemsOf({ root: wide })).toEqual([
      { path: 'root', message: expect.stringMatching(/more than 100 steps/) },
    ]);
    wide.children.pop();
    expect(problemsOf({ root: wide })).toEqual([]);
    expect(problemsOf({ name: 'x' })).toEqual([{ path: 'root', message: 'is required' }]);
    expect(problemsOf({ root: { id: 'a', prompt: 'x' }, colour: 1 })).toEqual([
      { path: 'colour', message: 'unknown field' },
    ]);
    expect(problemsOf([])).toEqual([{ path: '(body)', message: expect.any(String) }]);
  });
});

describe('step references', () => {
  it('reads text and object paths; a failed optional child or a missing path reads empty', () => {
    expect(referencesIn('{{steps.a.text}} {{steps.b.object.score.0}} {{steps.c.other}}')).toEqual([
      { kind: 'ok', source: '{{steps.a.text}}', reference: { step: 'a', kind: 'text' } },
      {
        kind: 'ok',
        source: '{{steps.b.object.score.0}}',
        reference: { step: 'b', kind: 'object', path: ['score', '0'] },
      },
      { kind: 'malformed', source: '{{steps.c.other}}' },
    ]);
    const results = new Map([
      ['a', { text: 'alpha' }],
      ['b', { text: '{}', object: { score: [7], verdict: 'good', detail: { x: 1 } } }],
    ]);
    expect(
      substitute(
        '{{steps.a.text}}|{{steps.b.object.score.0}}|{{steps.b.object.verdict}}|{{steps.b.object.detail}}|{{steps.b.object.nope}}|{{steps.gone.text}}',
        results,
      ),
    ).toBe('alpha|7|good|{"x":1}||');
    expect(substitute('no references, {{ braces }} kept', results)).toBe('no references, {{ braces }} kept');
  });
});
