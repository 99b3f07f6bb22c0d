import { createHash } from 'node:crypto';

/** A name that every file system takes as it is, and that is never `.`, `..` or a hidden file's. */
const SAFE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,79}$/;

/**
 * A dossier id as a file or folder name. An id already safe is kept as it is (D0001). Any other is cleaned and
 * followed by a hash of the id, so that the name stays inside the folder it is written to (`..` and `.` are ids a
 * dossier column can hold), stays short enough for the file system (a 5,000-character id), and two ids never share
 * one (`a/b` and `a\b` both clean to `a_b`, and one pack would overwrite the other).
 */
export const fileSafeName = (id: string): string => {
  if (SAFE.test(id)) return id;
  const cleaned = id
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 60);
  return `${cleaned}-${createHash('sha256').update(id).digest('hex').slice(0, 10)}`;
};
