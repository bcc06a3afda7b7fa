import fs from 'node:fs';
export const { readFile, stat, lstat, readdir, realpath, access, writeFile, appendFile, mkdir, rm, unlink, constants } = fs.promises;
export default fs.promises;
