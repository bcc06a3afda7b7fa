// @vitejs/plugin-basic-ssl as config files see it under govite: the plugin is built into govite (it
// generates the self-signed certificate and serves https with it), so the default export only records
// the options it was called with.
function basicSsl(options) {
  return {
    name: 'vite:basic-ssl',
    __govite_builtin: 'basic-ssl',
    __govite_options: options === undefined ? {} : options,
  };
}

export function getCertificate() {
  return Promise.reject(new Error('getCertificate() of @vitejs/plugin-basic-ssl is not available in config files run by govite; add basicSsl() to plugins and govite serves https with its certificate'));
}

export default basicSsl;
