import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TallyError } from '../../common/errors.js';
import { generateProducerKeys, keyIdOf } from '../../licensing/license-file.js';

/** The producer's signing key: every license and response the back office issues is signed with it. */
export interface ProducerKey {
  privateKeyPem: string;
  publicKeyPem: string;
  keyId: string;
}

const KEY_FILE = 'producer-key.pem';

export function producerKeyFile(dataDir: string): string {
  return join(dataDir, KEY_FILE);
}

function fromPrivatePem(pem: string, source: string): ProducerKey {
  let key;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw new TallyError('BAD_REQUEST', `${source} is not a private key in PEM: ${(err as Error).message}`, [{ field: 'key', message: 'is not a PEM private key' }]);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TallyError('BAD_REQUEST', `${source} is a ${key.asymmetricKeyType ?? 'symmetric'} key; the producer key must be Ed25519 (openssl genpkey -algorithm ed25519).`, [{ field: 'key', message: 'is not an Ed25519 key' }]);
  }
  const publicKey = createPublicKey(key);
  return {
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** Writes a key file whole or not at all: a crash leaves the old file or the new one, never half of one. */
function writeKey(dataDir: string, pem: string): void {
  const file = producerKeyFile(dataDir);
  const temp = `${file}.tmp`;
  writeFileSync(temp, pem, { mode: 0o600, flush: true });
  renameSync(temp, file);
}

/** The back office's producer key, made on first start. Only the private key is kept; the public one derives from it. */
export function loadOrCreateProducerKey(dataDir: string): ProducerKey {
  const file = producerKeyFile(dataDir);
  if (!existsSync(file)) writeKey(dataDir, generateProducerKeys().privateKeyPem);
  return fromPrivatePem(readFileSync(file, 'utf8'), file);
}

/**
 * Puts an existing producer key in place of the back office's (a producer who signed license
 * files with `tally producer keygen` keeps the key its servers already trust).
 */
export function importProducerKey(dataDir: string, pemFile: string, replace: boolean): ProducerKey {
  let pem: string;
  try {
    pem = readFileSync(pemFile, 'utf8');
  } catch (err) {
    throw new TallyError('BAD_REQUEST', `Cannot read ${pemFile}: ${(err as Error).message}`, [{ field: 'file', message: 'cannot be read' }]);
  }
  const key = fromPrivatePem(pem, pemFile);
  if (existsSync(producerKeyFile(dataDir))) {
    const current = fromPrivatePem(readFileSync(producerKeyFile(dataDir), 'utf8'), producerKeyFile(dataDir));
    if (current.keyId === key.keyId) return key;
    if (!replace) {
      throw new TallyError('CONFLICT', `This back office already signs with key ${current.keyId}; license servers trust it. Give --replace to sign with ${key.keyId} from now on.`, [{ field: 'file', message: 'would replace the current producer key' }]);
    }
  }
  writeKey(dataDir, key.privateKeyPem);
  return key;
}
