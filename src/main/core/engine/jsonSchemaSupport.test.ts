import { describe, expect, it } from 'vitest';
import { toGrammarSchema } from './jsonSchemaSupport';

describe('toGrammarSchema', () => {
  it('accepts what the grammar enforces, as Pydantic and zod write it (anyOf, const/enum beside type, titles)', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Person',
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 20, title: 'Name' },
        kind: { type: 'string', enum: ['a', 'b'] },
        fixed: { const: 3, type: 'integer' },
        nick: { anyOf: [{ type: 'string', maxLength: 5 }, { type: 'null' }], default: null },
        tags: { type: 'array', items: { $ref: '#/$defs/Tag' }, maxItems: 3 },
        when: { type: 'string', format: 'date' },
      },
      required: ['name', 'kind'],
      additionalProperties: false,
      $defs: { Tag: { type: 'string', enum: ['x', 'y'] } },
    };
    const out = toGrammarSchema(schema) as { properties: Record<string, unknown>; $defs: Record<string, unknown>; title?: string };
    expect(out.properties.nick).toEqual({ oneOf: [{ type: 'string', maxLength: 5 }, { type: 'null' }] });
    expect(out.properties.kind).toEqual({ enum: ['a', 'b'] });
    expect(out.properties.fixed).toEqual({ const: 3 });
    expect(out.title).toBeUndefined();
    expect(out.$defs.Tag).toEqual({ enum: ['x', 'y'] });
  });

  it.each([
    [{ type: 'foo' }, /"foo" is not a JSON Schema type/],
    [{}, /must say what it is/],
    [{ type: 'string', pattern: '^a+$' }, /"pattern", which Hearth cannot enforce/],
    [{ type: 'object', properties: { n: { type: 'number', minimum: 0 } } }, /at "\/properties\/n" uses "minimum"/],
    [{ type: 'object', properties: { t: { $ref: '#/$defs/Missing' } } }, /"Missing", which "\$defs" does not define/],
    [{ allOf: [{ type: 'string' }] }, /"allOf"/],
    [{ type: 'string', format: 'email' }, /format" must be one of/],
    [{ type: ['string', 'object'] }, /must be a type name or a list of/],
    [{ type: 'string', oneOf: [{ type: 'string' }] }, /combines "type" and "oneOf"/],
  ])('refuses %j with a clear BAD_REQUEST', (schema, message) => {
    expect(() => toGrammarSchema(schema)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringMatching(message) }));
  });

  it('bounds the depth it walks', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 100; i++) deep = { type: 'array', items: deep };
    expect(() => toGrammarSchema(deep)).toThrow(/nests deeper than 32 levels/);
  });
});
