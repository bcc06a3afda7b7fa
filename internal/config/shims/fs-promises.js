import fs from 'node:fs';
export const { readFile, stat, lstat, readdir, realpath, access, constants } = fs.promises;
export default fs.promises;
