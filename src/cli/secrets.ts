import { createInterface } from 'node:readline';

let stdinLines: string[] | null = null;

/** Lines of standard input, read once (for passwords piped in by scripts). */
async function pipedLines(): Promise<string[]> {
  if (stdinLines) return stdinLines;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  stdinLines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
  return stdinLines;
}

/**
 * A secret from, in order: the environment variable, the next line of piped standard input,
 * or a prompt that does not echo what is typed.
 */
export async function readSecret(prompt: string, envName: string, lineIndex: number): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) return (await pipedLines())[lineIndex] ?? '';
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const muted = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stderr.write(prompt);
  muted._writeToOutput = () => undefined;
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return answer;
}
