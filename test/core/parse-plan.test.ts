import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/core/plan/parse-plan.js';
import { planJsonSchema } from '../../src/core/plan/plan-json-schema.js';
import { CutoverError } from '../../src/core/errors.js';

const minimal = `version: 1
name: crm
target: {type: sqlite, url: target.db}
entities:
  contact:
    source: {type: csv, path: contacts.csv}
    key: id
    fields:
      email: Email
`;

const problemsOf = (text: string): string => {
  try {
    parsePlan(text, 'plan.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(CutoverError);
    return (error as CutoverError).message;
  }
  throw new Error('the plan was accepted');
};

describe('parsePlan', () => {
  it('accepts a minimal plan and fills defaults', () => {
    const plan = parsePlan(minimal);
    expect(plan.batchSize).toBe(5000);
    expect(plan.entities.contact?.source).toMatchObject({ type: 'csv', encoding: 'auto', delimiter: 'auto' });
    expect(plan.entities.contact?.distinct).toBe(false);
  });

  it("says a required field is missing, and an empty plan is empty, in words rather than zod's types", () => {
    expect(problemsOf('version: 1\n').split('\n').slice(1)).toEqual([
      '  plan.yaml:1 name: required, and missing (text expected)',
      '  plan.yaml:1 target: required, and missing (a mapping expected)',
      '  plan.yaml:1 entities: required, and missing (a mapping expected)',
    ]);
    expect(problemsOf('')).toContain(
      'plan.yaml: the plan is empty: it needs version, name, target and entities (`cutover init` writes a starter plan)',
    );
  });

  it('suggests the field meant wherever the typo is, the names read from the plan schema itself', () => {
    const text = `${minimal}    dedup: { fields: [{ column: email, kind: email }] }\nlink:\n  thirdPartyKind: [customer]\n`;
    expect(problemsOf(text).split('\n').slice(1)).toEqual([
      '  plan.yaml:10 entities.contact.dedup: unknown field "dedup" (did you mean "dedupe"?)',
      '  plan.yaml:12 link.thirdPartyKind: unknown field "thirdPartyKind" (did you mean "thirdPartyKinds"?)',
    ]);
  });

  it('refuses a typo in a field name with its YAML line and the closest valid name', () => {
    const message = problemsOf(minimal.replace('    fields:', '    feilds:'));
    expect(message).toContain(
      'plan.yaml:8 entities.contact.feilds: unknown field "feilds" (did you mean "fields"?)',
    );
  });

  it('refuses a column that the canonical entity does not have, naming the line', () => {
    const message = problemsOf(minimal.replace('email: Email', 'emial: Email'));
    expect(message).toMatch(
      /plan\.yaml:9 entities\.contact\.fields\.emial: "emial" is not a column of contact/,
    );
  });

  it('refuses an unknown entity and a wrong value type, each with its line', () => {
    const message = problemsOf(
      minimal.replace('  contact:', '  contacts:').replace('version: 1', 'version: "one"'),
    );
    expect(message).toContain('plan.yaml:1 version');
    expect(message).toContain('plan.yaml:5 entities.contacts: unknown entity "contacts"');
  });

  it('accepts a dedupe section on mapped fields and fills the survivorship default', () => {
    const plan = parsePlan(
      `${minimal}      last_name: Name
    dedupe:
      fields: [{ column: email, kind: email }, { column: last_name, kind: last_name }]
      blocking: [[email]]
`,
    );
    expect(plan.entities.contact?.dedupe).toMatchObject({
      thresholds: { auto: 0.95, review: 0.5 },
      blockCap: 1000,
      survivorship: { rule: 'most_complete', fields: {} },
    });
  });

  it('refuses a dedupe section naming an unmapped field, or most_recent without its date column', () => {
    const message = problemsOf(
      `${minimal}    dedupe:
      fields: [{ column: phone, kind: phone }]
      blocking: [[phone]]
      survivorship: { rule: most_recent }
`,
    );
    expect(message).toMatch(
      /plan\.yaml:\d+ entities\.contact\.dedupe\.fields\[0\]\.column: "phone" is not a mapped field/,
    );
    expect(message).toMatch(/entities\.contact\.dedupe\.survivorship\.date: most_recent needs `date`/);
  });

  it('refuses a blocking key that reads no dedupe field, at its line, where `cutover dedupe` found it only after a run', () => {
    const message = problemsOf(
      `${minimal}      last_name: Name
    dedupe:
      fields: [{ column: email, kind: email }, { column: last_name, kind: last_name }]
      blocking: [[email.domain], [last_name.phonetic, birth_date.year]]
`,
    );
    expect(message).toMatch(
      /plan\.yaml:\d+ entities\.contact\.dedupe\.blocking\[1\]\[1\]: blocking key "birth_date\.year" reads "birth_date", which is not among the dedupe fields \(email, last_name\)/,
    );
    // Keys with a suffix on a declared field are fine.
    expect(message).not.toMatch(/email\.domain|last_name\.phonetic/);
  });

  it('refuses, with their lines, date formats date-fns cannot read and a skip pattern that is no regular expression (the run ended on them, exit 1)', () => {
    const message =
      problemsOf(`${minimal}      birth_date: { from: Born, formats: ["YYYY-MM-DD", "qqqq-zz", "dd/MM/yyyy 'Day' HH:mm", yyyyMMdd] }
    skip:
      - rule: tests
        when: { field: Email, matches: "([a-" }
`);
    expect(message).toMatch(
      /plan\.yaml:10 entities\.contact\.fields\.birth_date\.formats\[0\]: "YYYY-MM-DD" uses Moment's tokens: in date-fns the year is yyyy and the day of the month dd/,
    );
    expect(message).toMatch(
      /plan\.yaml:10 entities\.contact\.fields\.birth_date\.formats\[1\]: "qqqq-zz" is not a date format date-fns can read \(Format string contains an unescaped latin alphabet character `z`\)/,
    );
    expect(message).toMatch(
      /plan\.yaml:13 entities\.contact\.skip\[0\]\.when\.matches: not a regular expression: Invalid regular expression: \/\(\[a-\/: Unterminated character class/,
    );
    // A D inside quoted text is a letter, and yyyyMMdd is a format: neither is named.
    expect(message).not.toMatch(/formats\[[23]\]/);
  });

  it('lists the first three YAML syntax errors and counts the rest, which follow from them', () => {
    const message = problemsOf(
      minimal.replace('{type: sqlite, url: target.db}', '{ type: sqlite, url: ${DIR}/t.db }'),
    );
    const lines = message.split('\n').slice(1);
    expect(lines.slice(0, 3).every((line) => line.startsWith('  plan.yaml:3: '))).toBe(true);
    expect(lines.slice(3)).toEqual([
      expect.stringMatching(
        /^ {2}plan\.yaml: and \d+ more YAML syntax errors after these, most caused by them$/,
      ),
    ]);
  });

  it('says what is wrong inside a value of several forms, where zod said only "Invalid input"', () => {
    const problems = problemsOf(`version: 1
name: crm
target: {type: sqlite, url: target.db}
entities:
  contact:
    source: {type: csv, path: contacts.csv}
    fields:
      email: { from: Email, transform: [shout] }
      last_name: { form: Name }
      first_name: 12
      birth_date: { from: Born, decimal: x }
`);
    expect(problems.split('\n').slice(1)).toEqual([
      '  plan.yaml:5 entities.contact.key: required, and missing',
      '  plan.yaml:8 entities.contact.fields.email.transform[0]: Invalid option: expected one of "trim"|"upper"|"lower"|"digits"|"collapse_spaces"|"strip_accents"|"strip_control"',
      '  plan.yaml:9 entities.contact.fields.last_name.form: unknown field "form" (did you mean "from"?)',
      '  plan.yaml:10 entities.contact.fields.first_name: expected string or object, received number',
      '  plan.yaml:11 entities.contact.fields.birth_date.decimal: Invalid option: expected one of "auto"|","|"."',
    ]);
  });

  it('takes negatives: accounting on an amount field, refuses a typo in its value with the YAML line, and puts it in the JSON Schema', () => {
    const dealPlan = (negatives: string) => `version: 1
name: crm
target: {type: sqlite, url: target.db}
entities:
  deal:
    source: {type: csv, path: deals.csv}
    key: id
    fields:
      amount: { from: Amount, negatives: ${negatives} }
`;
    expect(parsePlan(dealPlan('accounting')).entities.deal?.fields.amount).toEqual({
      from: 'Amount',
      negatives: 'accounting',
    });
    expect(problemsOf(dealPlan('acounting'))).toContain(
      'plan.yaml:9 entities.deal.fields.amount.negatives: Invalid option: expected one of "sign"|"accounting"',
    );
    // Editors read the plan's JSON Schema (`cutover schema`): the option and its values are there.
    const schema = planJsonSchema() as {
      $defs: { entityPlan: { properties: { fields: { additionalProperties: { anyOf: unknown[] } } } } };
    };
    const mappingObject = schema.$defs.entityPlan.properties.fields.additionalProperties.anyOf[1] as {
      properties: Record<string, unknown>;
    };
    expect(mappingObject.properties.negatives).toEqual({ type: 'string', enum: ['sign', 'accounting'] });
  });

  it("names the fields a source of the plan's type takes when given a field of another type", () => {
    const problems = problemsOf(`version: 1
name: crm
target: {type: sqlite, url: target.db}
entities:
  contact:
    source: {type: sqlite, path: legacy.db, table: people}
    key: id
    fields: { email: Email }
  entry_line:
    source: {type: fec, path: fec.txt, acounts: { length: 8 }}
    key: [EcritureNum]
    fields: { debit: Debit }
`);
    expect(problems).toContain(
      'plan.yaml:6 entities.contact.source.path: unknown field "path" (a sqlite source takes type, url, table, query, orderBy, encoding)',
    );
    expect(problems).toContain(
      'plan.yaml:10 entities.entry_line.source.acounts: unknown field "acounts" (did you mean "accounts"?)',
    );
  });

  it('takes `encoding` on a sqlite source only: PostgreSQL and MariaDB send their text as UTF-8', () => {
    const plan = (type: string) => `version: 1
name: crm
target: {type: sqlite, url: target.db}
entities:
  contact:
    source: {type: ${type}, url: legacy.db, table: people, encoding: windows-1252}
    key: id
    fields: { email: Email }
`;
    expect(parsePlan(plan('sqlite'), 'plan.yaml').entities.contact?.source).toMatchObject({
      encoding: 'windows-1252',
    });
    expect(problemsOf(plan('postgres'))).toContain(
      'plan.yaml:6 entities.contact.source.encoding: unknown field "encoding" (a postgres source takes type, url, table, query, orderBy)',
    );
    expect(problemsOf(plan('mysql'))).toContain(
      'plan.yaml:6 entities.contact.source.encoding: unknown field "encoding" (a mysql source takes type, url, table, query, orderBy)',
    );
  });

  it('refuses a reference to an entity the plan does not load, with the line of the field', () => {
    const problems = problemsOf(`version: 1
name: crm
target: {type: sqlite, url: target.db}
entities:
  contact:
    source: {type: csv, path: contacts.csv}
    key: id
    fields:
      last_name: Name
      company_id: CompanyId
`);
    expect(problems).toContain(
      'plan.yaml:10 entities.contact.fields.company_id: refers to company, which the plan does not load: add entities.company, or leave company_id unmapped',
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const message = problemsOf('version: 1\nname: [unclosed\n');
    expect(message).toMatch(/plan\.yaml:\d+/);
  });

  it('requires a table or a query for SQL sources', () => {
    const message = problemsOf(
      minimal.replace('{type: csv, path: contacts.csv}', '{type: sqlite, url: legacy.db}'),
    );
    expect(message).toContain('entities.contact.source: a SQL source needs `table` or `query`');
  });
});

describe('$occurrence in a plan', () => {
  const withEntity = (body: string) => `version: 1
name: t
target: {type: sqlite, url: t.db}
entities:
  entry_line:
    source: {type: csv, path: l.csv}
${body}`;

  it('is accepted at the end of a key of other columns, and in a field then', () => {
    const plan = parsePlan(
      withEntity('    key: [journal, number, $occurrence]\n    fields:\n      line_number: $occurrence\n'),
    );
    expect(plan.entities.entry_line?.key).toEqual(['journal', 'number', '$occurrence']);
  });

  it('is refused alone, or before other key columns, naming the YAML line and the key', () => {
    expect(problemsOf(withEntity('    key: $occurrence\n'))).toContain(
      'plan.yaml:7 entities.entry_line.key: $occurrence numbers the records that share the rest of the key',
    );
    expect(problemsOf(withEntity('    key: [$occurrence, number]\n'))).toContain(
      'plan.yaml:7 entities.entry_line.key[0]: $occurrence numbers the records that share the rest of the key',
    );
  });

  it('is refused in a field when the key does not end with it, and in a skip rule', () => {
    expect(
      problemsOf(withEntity('    key: number\n    fields:\n      line_number: { from: $occurrence }\n')),
    ).toContain(
      'plan.yaml:9 entities.entry_line.fields.line_number.from: $occurrence is the number the key gives a record',
    );
    expect(
      problemsOf(
        withEntity(
          '    key: [number, $occurrence]\n    skip:\n      - rule: r\n        when: { field: $occurrence, equals: "1" }\n',
        ),
      ),
    ).toContain('plan.yaml:10 entities.entry_line.skip[0].when.field: $occurrence cannot decide a skip');
  });
});
