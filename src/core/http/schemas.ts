import { Type, type TSchema } from 'typebox';

/** Schemas every module shares: problem details, pages, ETag headers. */

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'Stable problem type, urn:n3sp:problem:<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const problemResponses = {
  400: Type.Ref('Problem'),
  401: Type.Ref('Problem'),
  403: Type.Ref('Problem'),
  404: Type.Ref('Problem'),
};

/** The pattern that says a text holds something besides white space; refused as "must not be blank". */
export const NOT_BLANK = '\\S';

/**
 * What a pattern asks for, in words: a value that does not match is refused with these words,
 * never with the regular expression (core/http/problem-handler.ts reads them by the pattern).
 */
const PATTERN_MESSAGES = new Map<string, string>([[NOT_BLANK, 'must not be blank']]);

export const patternMessage = (pattern: string): string | undefined => PATTERN_MESSAGES.get(pattern);

/** A string matching `pattern`, refused as `message` ("must be …") when it does not. A pattern has one message wherever it is used. */
export function Matching(pattern: string, message: string, options: { description?: string } = {}) {
  const known = PATTERN_MESSAGES.get(pattern);
  if (known !== undefined && known !== message) throw new Error(`the pattern ${pattern} already reads "${known}"`);
  PATTERN_MESSAGES.set(pattern, message);
  return Type.String({ ...options, pattern });
}

/** The code of something people choose by its code: a service level definition, a product, a service class. */
export const UpperCode = Matching('^[A-Z0-9][A-Z0-9-]{1,39}$', 'must be 2 to 40 upper-case letters, digits and hyphens, not starting with a hyphen, like SLA-GOLD or FTTP-330', {
  description: 'Upper-case letters, digits and hyphens, e.g. SLA-GOLD or FTTP-330',
});

/** Text a person writes (a title, a note): not blank, at most `max` characters. */
export const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, pattern: NOT_BLANK, ...(description ? { description } : {}) });

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page' }),
  });
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Query parameters of every list: a page size, an opaque cursor and a sort key ('-' = descending). */
export function PageQuery<S extends string, F extends Record<string, TSchema>>(sorts: readonly S[], filters: F) {
  return Type.Object(
    {
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
      cursor: Type.Optional(Type.String({ maxLength: 500 })),
      sort: Type.Optional(OneOf([...sorts, ...sorts.map((s) => `-${s}`)])),
      ...filters,
    },
    { additionalProperties: false },
  );
}

export const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

/** A string that must be one of the given values (a JSON Schema enum, typed as their union). */
export function OneOf<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
