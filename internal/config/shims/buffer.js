// node:buffer for config files run by govite. Buffer itself is a global, installed with the prelude
// (see buffer-global.js).
export const Buffer = globalThis.Buffer;
export const constants = { MAX_LENGTH: 4294967296, MAX_STRING_LENGTH: 536870888 };
export const kMaxLength = constants.MAX_LENGTH;
const buffer = { Buffer, constants, kMaxLength };
export default buffer;
