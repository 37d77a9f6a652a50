/** A 2048-bit RSA public key in DER is about 300 bytes; 4 KB leaves room for any encoding of one and refuses the wrong file early. */
export const CLIENT_KEY_MAX_BYTES = 4096;

/** What is wrong with a client key file, judged from its size and first byte; null when it may be uploaded. */
export function clientKeyProblem(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return 'This file is empty: choose the DER file of the client public key.';
  if (bytes.length > CLIENT_KEY_MAX_BYTES) return `This file is ${bytes.length.toLocaleString()} bytes: a 2048-bit RSA public key in DER is at most 4 KB.`;
  // DER encodes the key as a SEQUENCE, tag 0x30; a PEM file starts with "-----BEGIN".
  if (bytes[0] !== 0x30) {
    return bytes[0] === 0x2d ? 'This is a PEM (text) file: convert it to DER first (openssl rsa -pubin -outform DER).' : 'This is not a DER-encoded key: its first byte is not a DER SEQUENCE (0x30).';
  }
  return null;
}
