import { statSync } from 'node:fs';

/**
 * What some files are now (each one's name as shown, size, modification time and inode), for a resume to tell
 * whether they are still those its load began on: a file written over (a fresh export), replaced or gone changes
 * its part.
 */
export const filesStamp = (files: readonly { readonly path: string; readonly relative: string }[]): string =>
  files
    .map((file) => {
      try {
        const stats = statSync(file.path, { bigint: true });
        return `${file.relative}\u0000${stats.size}\u0000${stats.mtimeNs}\u0000${stats.ino}`;
      } catch {
        return `${file.relative}\u0000missing`;
      }
    })
    .join('\u0001');
