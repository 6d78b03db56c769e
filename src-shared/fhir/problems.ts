import type { z } from 'zod';
import type { ResourceProblem } from '../domain/outbox.js';

export type { ResourceProblem };

/** A zod path as a FHIR path: ["participant", 0, "actor"] → "participant[0].actor". */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(ressourcen)';
}

const TYPE_NAMES: Record<string, string> = {
  string: 'tekst',
  number: 'tal',
  boolean: 'sand/falsk',
  object: 'objekt',
  array: 'liste',
  undefined: 'intet',
  null: 'null',
};

export function describeIssue(issue: z.core.$ZodIssue): ResourceProblem {
  const field = fieldPath(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      // A required field that is absent is reported as "expected X, received undefined".
      if (/received undefined/.test(issue.message)) return { field, kind: 'missing', detail: 'mangler' };
      return { field, kind: 'wrong_type', detail: `skal være ${TYPE_NAMES[issue.expected] ?? issue.expected}` };
    case 'invalid_value':
      return { field, kind: 'invalid_value', detail: `har en værdi FHIR R4 ikke kender (tilladt: ${issue.values.map(String).join(', ').slice(0, 200)})` };
    case 'invalid_format':
      return {
        field,
        kind: 'invalid_format',
        detail: issue.format === 'datetime' ? 'er ikke et gyldigt tidspunkt med tidszone' : `har et ugyldigt format (${issue.format})`,
      };
    case 'too_small':
      return { field, kind: 'missing', detail: issue.origin === 'array' ? 'er tom' : 'er for kort' };
    case 'invalid_union':
      return { field, kind: 'invalid_value', detail: 'passer ikke til nogen af de tilladte former' };
    default:
      return { field, kind: 'other', detail: 'er ugyldig' };
  }
}

/** The first problem of a failed parse (the one a person fixes first). */
export function firstProblem(error: z.ZodError): ResourceProblem {
  const issue = error.issues[0];
  return issue ? describeIssue(issue) : { field: '(ressourcen)', kind: 'other', detail: 'er ugyldig' };
}
