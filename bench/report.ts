import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPORT = path.resolve(import.meta.dirname, '../docs/PERFORMANCE.md');

const HEADER = `# Performance

Figures measured on this project's machines by the scripts in \`bench/\`; each section says the
command that produced it and is rewritten when that command runs again.
`;

/** Replaces (or adds) one benchmark's section of docs/PERFORMANCE.md. */
export async function writeSection(name: string, command: string, body: string): Promise<void> {
  const text = existsSync(REPORT) ? await readFile(REPORT, 'utf8') : HEADER;
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const section = [
    begin,
    `Command: \`${command}\` (${new Date().toISOString().slice(0, 10)}; ${machine})`,
    '',
    body.trim(),
    end,
  ].join('\n');
  const pattern = new RegExp(`${begin}[\\s\\S]*?${end}`);
  const next = pattern.test(text)
    ? text.replace(pattern, section)
    : `${text.trimEnd()}\n\n${section}\n`;
  await writeFile(REPORT, next);
}
