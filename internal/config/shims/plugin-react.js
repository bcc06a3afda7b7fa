// @vitejs/plugin-react and @vitejs/plugin-react-swc as config files see them under govite: the plugin is
// built into govite, so the default export only records the options it was called with.
function react(options) {
  return {
    name: 'vite:react',
    __govite_builtin: 'react',
    __govite_options: options === undefined ? {} : options,
  };
}
react.preambleCode = '';
export default react;
