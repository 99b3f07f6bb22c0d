import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileSource } from '../../../src/connectors/files/open-file-source.js';
import { makeTempDir, readAll, sharedFecDir, writeFixture } from './file-fixtures.js';

let dir = '';
let cleanup = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

describe('openFileSource', () => {
  it('reads each file type with its reader, named and located by the relative path', async () => {
    const csv = openFileSource(
      { type: 'csv', path: 'in/*.csv', encoding: 'auto', delimiter: 'auto', quote: '"' },
      await writeFixture(dir, 'in/a.csv', 'id;name\n1;x\n'),
      dir,
    );
    const ndjson = openFileSource(
      { type: 'ndjson', path: 'in/*.ndjson' },
      await writeFixture(dir, 'in/a.ndjson', '{"id":1}\n'),
      dir,
    );
    const fec = openFileSource(
      { type: 'fec', path: 'fec/*.txt', encoding: 'auto' },
      { path: path.join(sharedFecDir, 'lasocietenouvelle_sample_tab.txt'), relative: 'fec/sample.txt' },
      dir,
    );
    expect([csv.name, ndjson.name, fec.name]).toEqual(['in/a.csv', 'in/a.ndjson', 'fec/sample.txt']);
    expect((await readAll(csv)).records[0]).toMatchObject({
      fields: { id: '1', name: 'x' },
      location: { source: 'in/a.csv' },
    });
    expect((await readAll(ndjson)).records[0]).toMatchObject({
      fields: { id: '1' },
      location: { source: 'in/a.ndjson' },
    });
    const fecRecords = (await readAll(fec)).records;
    expect(fecRecords).toHaveLength(7);
    expect(fecRecords[0]?.location).toEqual({ source: 'fec/sample.txt', line: 2, record: 1 });
  });

  it('opens nothing until read: a missing file is only reported by read', async () => {
    const source = openFileSource(
      { type: 'json', path: 'x.json' },
      { path: path.join(dir, 'x.json'), relative: 'x.json' },
      dir,
    );
    expect(source.name).toBe('x.json');
    await expect(readAll(source)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});
