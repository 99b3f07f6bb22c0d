/**
 * The canonical model of the new system: the entities and columns cutover loads into its own target schema.
 * The target schema (SQLite or PostgreSQL) is generated from this description, so it is the single place
 * to add a column. Every target table also carries `id`, `dossier_id`, `source_key` and `run_id`.
 */
export const ColumnType = {
  text: 'text',
  integer: 'integer',
  /** Exact decimal (money). Never a binary float. */
  decimal: 'decimal',
  /** Calendar date, ISO `YYYY-MM-DD`. */
  date: 'date',
  /** Instant, ISO 8601 in UTC. */
  datetime: 'datetime',
  boolean: 'boolean',
} as const;
export type ColumnType = (typeof ColumnType)[keyof typeof ColumnType];

export interface ColumnSpec {
  readonly type: ColumnType;
  /** For a reference column: the parent entity, whose target id the column holds. */
  readonly references?: string;
}

const text = { type: 'text' } as const;
const integer = { type: 'integer' } as const;
const decimal = { type: 'decimal' } as const;
const date = { type: 'date' } as const;
const datetime = { type: 'datetime' } as const;
const boolean = { type: 'boolean' } as const;
const ref = <E extends string>(entity: E) => ({ type: 'integer', references: entity }) as const;

export const canonicalModel = {
  // CRM
  user: { domain: 'crm', columns: { name: text, email: text, active: boolean } },
  company: {
    domain: 'crm',
    columns: {
      name: text,
      siren: text,
      vat_number: text,
      website: text,
      email: text,
      phone: text,
      address_line: text,
      postcode: text,
      city: text,
      country: text,
      naf_code: text,
      employees: integer,
      owner_id: ref('user'),
      /** The company's main contact: with contact.company_id, the classic CRM reference cycle. */
      primary_contact_id: ref('contact'),
      created_at: datetime,
      updated_at: datetime,
    },
  },
  contact: {
    domain: 'crm',
    columns: {
      first_name: text,
      last_name: text,
      email: text,
      phone: text,
      mobile: text,
      job_title: text,
      postcode: text,
      city: text,
      country: text,
      birth_date: date,
      opt_in: boolean,
      company_id: ref('company'),
      owner_id: ref('user'),
      created_at: datetime,
      updated_at: datetime,
    },
  },
  deal: {
    domain: 'crm',
    columns: {
      name: text,
      amount: decimal,
      currency: text,
      stage: text,
      close_date: date,
      company_id: ref('company'),
      contact_id: ref('contact'),
      owner_id: ref('user'),
      created_at: datetime,
    },
  },
  activity: {
    domain: 'crm',
    columns: {
      kind: text,
      subject: text,
      body: text,
      occurred_at: datetime,
      company_id: ref('company'),
      contact_id: ref('contact'),
      deal_id: ref('deal'),
      owner_id: ref('user'),
    },
  },
  // Accounting
  fiscal_year: { domain: 'accounting', columns: { start_date: date, end_date: date, closed: boolean } },
  journal: { domain: 'accounting', columns: { code: text, label: text, kind: text } },
  account: { domain: 'accounting', columns: { number: text, label: text, pcg_class: integer } },
  third_party: {
    domain: 'accounting',
    columns: { number: text, name: text, kind: text, general_account: text, siren: text },
  },
  entry: {
    domain: 'accounting',
    columns: {
      journal_id: ref('journal'),
      fiscal_year_id: ref('fiscal_year'),
      number: text,
      date: date,
      label: text,
      piece_ref: text,
      piece_date: date,
      validated_on: date,
    },
  },
  entry_line: {
    domain: 'accounting',
    columns: {
      entry_id: ref('entry'),
      account_id: ref('account'),
      third_party_id: ref('third_party'),
      line_number: integer,
      label: text,
      debit: decimal,
      credit: decimal,
      lettering_code: text,
      lettering_date: date,
      currency_amount: decimal,
      currency_code: text,
    },
  },
} as const satisfies Record<string, { domain: 'crm' | 'accounting'; columns: Record<string, ColumnSpec> }>;

export type EntityName = keyof typeof canonicalModel;
export const entityNames = Object.keys(canonicalModel) as EntityName[];

export const isEntityName = (name: string): name is EntityName => Object.hasOwn(canonicalModel, name);

export const columnsOf = (entity: EntityName): Readonly<Record<string, ColumnSpec>> =>
  canonicalModel[entity].columns;

/** Reference columns of an entity, in declaration order: column name and parent entity. */
export const referencesOf = (entity: EntityName): { column: string; parent: EntityName }[] =>
  Object.entries(columnsOf(entity)).flatMap(([column, spec]) =>
    spec.references !== undefined && isEntityName(spec.references)
      ? [{ column, parent: spec.references }]
      : [],
  );
