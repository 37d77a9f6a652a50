import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { TallyError } from '../../common/errors.js';
import { parseDurationSeconds } from '../../common/time.js';
import { generateProducerKeys, signLicense } from '../../licensing/license-file.js';
import { emit } from '../output.js';

/** `tally producer`: the producer's key pair and signed license files. */
export function registerProducerCommands(program: Command): void {
  const producer = program.command('producer').description('producer key pair and signed license files');

  producer
    .command('keygen')
    .description('make an Ed25519 producer key pair: producer.key (private, owner-only) and producer.pub')
    .option('-o, --out <dir>', 'folder to write the keys into', '.')
    .option('--force', 'overwrite existing key files')
    .option('--json', 'print JSON')
    .action((opts: { out: string; force?: boolean; json?: boolean }) => {
      const dir = resolve(opts.out);
      mkdirSync(dir, { recursive: true });
      const keyFile = join(dir, 'producer.key');
      const pubFile = join(dir, 'producer.pub');
      if (!opts.force && (existsSync(keyFile) || existsSync(pubFile))) {
        throw new TallyError('CONFLICT', `${keyFile} or ${pubFile} already exists; use --force to replace the producer key (licenses signed with the old key will no longer verify).`);
      }
      const keys = generateProducerKeys();
      writeFileSync(keyFile, keys.privateKeyPem, { mode: 0o600 });
      writeFileSync(pubFile, keys.publicKeyPem);
      emit(opts.json ?? false, { keyId: keys.keyId, privateKey: keyFile, publicKey: pubFile }, () =>
        [`Producer key ${keys.keyId}`, `  private: ${keyFile} (keep it secret)`, `  public:  ${pubFile} (give it to license servers)`].join('\n'),
      );
    });

  producer
    .command('sign <features>')
    .description('sign a features JSON file into a license file')
    .requiredOption('-k, --key <file>', 'producer private key (producer.key)')
    .option('-o, --out <file>', 'write the license here instead of standard output')
    .option('--valid-for <duration>', 'how long servers may load the file, e.g. 30d', '30d')
    .option('--producer <name>', 'producer name written into the license')
    .option('--json', 'print JSON')
    .action((featuresPath: string, opts: { key: string; out?: string; validFor: string; producer?: string; json?: boolean }) => {
      const validFor = parseDurationSeconds(opts.validFor);
      if (validFor === undefined || validFor < 60) {
        throw new TallyError('BAD_REQUEST', '--valid-for must be a duration of at least a minute, e.g. 30d', [{ field: '--valid-for', message: 'is not a duration' }]);
      }
      const document = readJson(featuresPath);
      const license = signLicense(document, readText(opts.key), { validFor, ...(opts.producer ? { producer: opts.producer } : {}) });
      const text = `${JSON.stringify(license, null, 2)}\n`;
      if (!opts.out) {
        process.stdout.write(text);
        return;
      }
      writeFileSync(opts.out, text);
      emit(opts.json ?? false, { licenseId: license.payload.licenseId, keyId: license.keyId, features: license.payload.features.length, out: opts.out }, () =>
        `Signed license ${license.payload.licenseId} (${license.payload.features.length} features, key ${license.keyId}, load before ${license.payload.loadBefore}) → ${opts.out}`,
      );
    });
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new TallyError('BAD_REQUEST', `Cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TallyError('BAD_REQUEST', `${path} is not valid JSON: ${(err as Error).message}`);
  }
}
