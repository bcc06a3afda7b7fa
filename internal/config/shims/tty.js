// node:tty for config files: nothing govite runs a config in is a terminal that the config's code
// could draw on (its output goes through govite's logger), so isatty is false for every descriptor,
// as it is in Node for a pipe. Colour libraries (supports-color, chalk, debug) ask it.
class ReadStream {
  constructor() {
    this.isTTY = false;
  }
  setRawMode() {
    return this;
  }
}
class WriteStream {
  constructor() {
    this.isTTY = false;
    this.columns = 80;
    this.rows = 24;
  }
  getColorDepth() {
    return 1;
  }
  hasColors() {
    return false;
  }
  getWindowSize() {
    return [this.columns, this.rows];
  }
}
const tty = { isatty: () => false, ReadStream, WriteStream };
module.exports = tty;
globalThis.__govite_modules.tty = tty;
