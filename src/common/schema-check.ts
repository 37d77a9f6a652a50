import { createRequire } from 'node:module';
import type { Ajv2020 as Ajv2020Class } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { TallyError, detailsFromIssues } from './errors.js';

type JsonSchema = Record<string, unknown>;

/**
 * Zod's ISO timestamps come out as a `pattern` and a `format`; the pattern is the whole rule,
 * so the format (which Ajv would check a second time, more slowly) is dropped. Any other
 * format has no pattern to stand in for it and is refused here rather than ignored.
 */
function withoutDuplicateFormats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDuplicateFormats);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) out[key] = withoutDuplicateFormats(value);
  if ('format' in out) {
    if (!('pattern' in out)) throw new Error(`compileCheck: format "${String(out.format)}" has no pattern to check it`);
    delete out.format;
  }
  return out;
}

/**
 * A yes/no check compiled from a Zod schema, several times faster than parsing with it: for
 * paths that check many objects (ingest). Refinements are not part of the compiled check, so
 * a schema checked this way states its rules as types, lengths, enums and patterns, and the
 * caller checks the rest. On "no", parse with the schema itself to learn which field and why.
 */
export function compileCheck(schema: z.ZodType): (value: unknown) => boolean {
  let validate: ((value: unknown) => boolean) | null = null;
  return (value) => {
    if (!validate) {
      const json = withoutDuplicateFormats(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' })) as JsonSchema;
      validate = new (loadAjv())({ allErrors: false, strict: true }).compile(json);
    }
    return validate(value);
  };
}

/**
 * Ajv is loaded when a check is first compiled, not at import: every process imports this
 * module (each `tally` command, each license server), and only ingest compiles checks.
 */
function loadAjv(): typeof Ajv2020Class {
  const required = createRequire(import.meta.url)('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Class };
  return required.Ajv2020;
}

/** Validates input with a schema, or refuses it as a bad request naming the first field and why (every field in the details). */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, prefix?: string): z.output<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const details = detailsFromIssues(r.error.issues, prefix);
  throw new TallyError('BAD_REQUEST', `${details[0]!.field}: ${details[0]!.message}`, details);
}
