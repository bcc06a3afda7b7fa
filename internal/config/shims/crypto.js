const host = globalThis.__govite;
export function createHash(alg) {
  let data = '';
  return {
    update(chunk) { data += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk); return this; },
    digest(enc) { return host.hash(alg, data, enc || 'hex'); },
  };
}
export function randomUUID() { return host.randomUUID(); }
export function getRandomValues(arr) {
  for (let i = 0; i < arr.length; i++) arr[i] = Math.floor(Math.random() * 256);
  return arr;
}
export const webcrypto = { getRandomValues, randomUUID };
const crypto = { createHash, randomUUID, getRandomValues, webcrypto };
export default crypto;
globalThis.__govite_modules.crypto = crypto;
