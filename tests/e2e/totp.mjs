// RFC 6238 codes (HMAC-SHA1, 6 digits, 30 s), as a person's authenticator app would show them.
import { createHmac } from 'node:crypto';

function fromBase32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The code for `secret` (base32) at step `step` (default: now). */
export function totp(secret, step = Math.floor(Date.now() / 30000)) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', fromBase32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1e6;
  return String(value).padStart(6, '0');
}

const currentStep = () => Math.floor(Date.now() / 30000);

/**
 * Each member's secret and the last step used. The server refuses a code of a step used before
 * (enrolment's included), so `next(email)` gives a code for a later step, never more than one
 * step ahead of the clock (the server's window), waiting for the clock if need be.
 */
export function codeTracker() {
  const members = new Map();
  return {
    remember(email, secret) { members.set(email, { secret, last: currentStep() - 2 }); },
    async next(email) {
      const member = members.get(email);
      let step = Math.max(currentStep(), member.last + 1);
      while (step > currentStep() + 1) {
        await new Promise((r) => setTimeout(r, 1000));
        step = Math.max(currentStep(), member.last + 1);
      }
      member.last = step;
      return totp(member.secret, step);
    },
  };
}
