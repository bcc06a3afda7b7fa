const host = globalThis.__govite;
export const EOL = '\n';
export function platform() { return globalThis.process.platform; }
export function arch() { return globalThis.process.arch; }
export function type() { return globalThis.process.platform === 'darwin' ? 'Darwin' : globalThis.process.platform === 'win32' ? 'Windows_NT' : 'Linux'; }
export function release() { return ''; }
export function tmpdir() { return host.tmpdir(); }
export function homedir() { return host.homedir(); }
export function hostname() { return host.hostname(); }
export function cpus() { return []; }
export function availableParallelism() { return 1; }
export function totalmem() { return 0; }
export function freemem() { return 0; }
export function networkInterfaces() { return {}; }
export function userInfo() { return { username: '', uid: -1, gid: -1, shell: null, homedir: host.homedir() }; }
export function endianness() { return 'LE'; }
const os = { EOL, platform, arch, type, release, tmpdir, homedir, hostname, cpus, availableParallelism, totalmem, freemem, networkInterfaces, userInfo, endianness };
export default os;
globalThis.__govite_modules.os = os;
