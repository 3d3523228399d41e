// Where a `cohort node`'s client-API token comes from: `--api-token-file FILE` (a launcher
// fixes the token; the file is only read), or a fresh random token written at every start
// to `<node dir>/api.token` (0600), or, when the node has no directory (`--storage memory`
// without `--data-dir`), to a fresh private temporary directory removed at a clean stop.
// The ready line names the file, so clients know where to read it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  API_TOKEN_FILE,
  newApiToken,
  readTokenFile,
  TokenFileError,
  writeTokenFile,
} from '../runtime/api-token.js';
import { UsageError } from './usage-error.js';

export interface NodeApiToken {
  readonly token: string;
  readonly file: string;
  /** Set when a given file can be read by others than its owner. */
  readonly warning?: string;
  /** Removes what this start created and nobody else needs (the temporary directory). */
  cleanup(): void;
}

function given(file: string): NodeApiToken {
  let token: string;
  try {
    token = readTokenFile(file);
  } catch (error) {
    if (error instanceof TokenFileError) throw new UsageError(`--api-token-file: ${error.message}`);
    throw error;
  }
  const loose = (fs.statSync(file).mode & 0o077) !== 0;
  return {
    token,
    file,
    ...(loose && { warning: `${file} is readable by other users: chmod 600 it` }),
    cleanup: () => {},
  };
}

export function nodeApiToken(
  tokenFile: string | undefined,
  nodeDir: string | undefined,
  id: number,
): NodeApiToken {
  if (tokenFile !== undefined) return given(path.resolve(tokenFile));
  const dir = nodeDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `cohort-node-${id}-`));
  const file = path.join(dir, API_TOKEN_FILE);
  const token = newApiToken();
  writeTokenFile(file, token);
  return {
    token,
    file,
    cleanup: () => {
      if (nodeDir === undefined) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
