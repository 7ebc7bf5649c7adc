// Seals a request to a landlord's public key as the widget does (HPKE, RFC 9180, base mode:
// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305; see seal/src/lib.rs), so a test
// can do what anyone holding the public key in a profile can: seal whatever it likes, to
// whatever request id and landlord it likes.
import { createCipheriv, createHmac, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
const u16 = (n) => Buffer.from([n >> 8, n & 0xff]);

const KEM_SUITE = Buffer.concat([Buffer.from('KEM'), u16(0x0020)]);
const HPKE_SUITE = Buffer.concat([Buffer.from('HPKE'), u16(0x0020), u16(0x0001), u16(0x0003)]);
const BUCKET = 4096;

const extract = (salt, ikm) => createHmac('sha256', salt.length ? salt : Buffer.alloc(32)).update(ikm).digest();
function expand(prk, info, length) {
  const out = [];
  let block = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(out).length < length; i++) {
    block = createHmac('sha256', prk).update(Buffer.concat([block, info, Buffer.from([i])])).digest();
    out.push(block);
  }
  return Buffer.concat(out).subarray(0, length);
}
const labeledExtract = (suite, salt, label, ikm) =>
  extract(salt, Buffer.concat([Buffer.from('HPKE-v1'), suite, Buffer.from(label), ikm]));
const labeledExpand = (suite, prk, label, info, length) =>
  expand(prk, Buffer.concat([u16(length), Buffer.from('HPKE-v1'), suite, Buffer.from(label), info]), length);

function info(landlord, schemaVersion) {
  const version = Buffer.alloc(4);
  version.writeUInt32BE(schemaVersion);
  return Buffer.concat([Buffer.from('safe-contact/sealed-request/v1'), Buffer.from([0]), Buffer.from(landlord), Buffer.from([0]), version]);
}

/** The envelope for `json` sealed to `publicKey` (base64url) under `keyId`, bound to `landlord`
 * and `requestId` whatever `json` says inside. */
export function seal(json, { publicKey, keyId, landlord, requestId }) {
  const recipient = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: publicKey }, format: 'jwk' });
  const ephemeral = generateKeyPairSync('x25519');
  const enc = Buffer.from(ephemeral.publicKey.export({ format: 'jwk' }).x, 'base64url');
  const dh = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
  const kemContext = Buffer.concat([enc, Buffer.from(publicKey, 'base64url')]);
  const eaePrk = labeledExtract(KEM_SUITE, Buffer.alloc(0), 'eae_prk', dh);
  const shared = labeledExpand(KEM_SUITE, eaePrk, 'shared_secret', kemContext, 32);
  const context = Buffer.concat([
    Buffer.from([0]),
    labeledExtract(HPKE_SUITE, Buffer.alloc(0), 'psk_id_hash', Buffer.alloc(0)),
    labeledExtract(HPKE_SUITE, Buffer.alloc(0), 'info_hash', info(landlord, 1)),
  ]);
  const secret = labeledExtract(HPKE_SUITE, shared, 'secret', Buffer.alloc(0));
  const key = labeledExpand(HPKE_SUITE, secret, 'key', context, 32);
  const nonce = labeledExpand(HPKE_SUITE, secret, 'base_nonce', context, 12);
  const padded = Buffer.alloc(BUCKET);
  const plain = Buffer.from(json);
  plain.copy(padded);
  padded[plain.length] = 0x80;
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(requestId));
  const ciphertext = Buffer.concat([cipher.update(padded), cipher.final(), cipher.getAuthTag()]);
  return {
    envelope_version: 1, landlord, request_id: requestId, key_id: keyId,
    enc: b64url(enc), ciphertext: b64url(ciphertext),
  };
}
