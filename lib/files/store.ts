import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';

/**
 * Where the bytes of uploaded files live, addressed by their sha256: equal content is kept once,
 * and a name can never point at other content. Who may see a file is the database's business
 * (the `files` table), not the store's. An S3-compatible store (object key `<aa>/<sha256>`) can
 * implement the same interface when the service runs on more than one machine.
 */
export interface FileStore {
  /** Stores the bytes (once, however often they are put) and returns their sha256 in hex. */
  put(bytes: Buffer): Promise<string>;
  get(sha256: string): Promise<Buffer | undefined>;
  has(sha256: string): Promise<boolean>;
  /** Removes the bytes (nothing when they are not there). */
  delete(sha256: string): Promise<void>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Files under `<dir>/<first two hex characters>/<sha256>`, on the local disk. */
export function createLocalFileStore(dir: string): FileStore {
  const pathOf = (sha256: string) => {
    // The only check between a caller's string and the file system: no other name gets through.
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256.slice(0, 80)}`);
    return path.join(dir, sha256.slice(0, 2), sha256);
  };

  const has = async (sha256: string) => {
    try {
      return (await stat(pathOf(sha256))).isFile();
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  };

  return {
    has,

    async put(bytes) {
      const sha256 = sha256Hex(bytes);
      if (await has(sha256)) return sha256;
      const target = pathOf(sha256);
      await mkdir(path.dirname(target), { recursive: true });
      // Written beside the target and renamed over it: a reader sees the whole file or none, and
      // two writers of the same content both end with the same complete file.
      const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temp, bytes, { flag: 'wx', flush: true });
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      return sha256;
    },

    async delete(sha256) {
      await rm(pathOf(sha256), { force: true });
    },

    async get(sha256) {
      try {
        return await readFile(pathOf(sha256));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
  };
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
