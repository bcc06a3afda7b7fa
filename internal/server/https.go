package server

import (
	"bytes"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/govite/govite/internal/config"
)

// TLSConfig builds the TLS configuration of server.https or preview.https (where is the option's
// name, for messages). Like Node's createSecureServer it takes PEM keys (encrypted ones with the
// passphrase), PEM certificate chains, CA certificates that complete a chain, and PKCS#12 archives;
// @vitejs/plugin-basic-ssl's self-signed certificate is generated or read from its cache. The server
// negotiates HTTP/2 and HTTP/1.1 (WebSockets use HTTP/1.1), as Vite's http2 server with allowHTTP1.
func TLSConfig(h *config.HTTPSOptions, where string) (*tls.Config, error) {
	if h == nil {
		return nil, nil
	}
	var certs []tls.Certificate
	if h.BasicSSL != nil {
		data, err := BasicSSLCertificate(*h.BasicSSL)
		if err != nil {
			return nil, fmt.Errorf("@vitejs/plugin-basic-ssl: %w", err)
		}
		c, err := tls.X509KeyPair(data, data)
		if err != nil {
			return nil, fmt.Errorf("@vitejs/plugin-basic-ssl: %w", err)
		}
		certs = append(certs, c)
	}
	var cas []*x509.Certificate
	for i, src := range h.CA {
		list, err := pemCertificates(src.Bytes())
		if err != nil {
			return nil, fmt.Errorf("%s.ca[%d]: %w", where, i, err)
		}
		cas = append(cas, list...)
	}
	if h.BasicSSL == nil {
		pairs, err := keyCertPairs(h, where)
		if err != nil {
			return nil, err
		}
		certs = append(certs, pairs...)
	}
	for i, src := range h.PFX {
		c, err := pfxCertificate(src.Bytes(), firstNonEmpty(src.Passphrase, h.Passphrase))
		if err != nil {
			return nil, fmt.Errorf("%s.pfx[%d]: %w", where, i, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s has no certificate: give key and cert (PEM contents or file paths), or pfx, or add @vitejs/plugin-basic-ssl to the plugins", where)
	}
	for i := range certs {
		completeChain(&certs[i], cas)
	}
	cfg := &tls.Config{Certificates: certs, MinVersion: tls.VersionTLS12}
	if len(cas) > 0 {
		pool := x509.NewCertPool()
		for _, c := range cas {
			pool.AddCert(c)
		}
		cfg.ClientCAs = pool // trusted for client certificates, as Node's ca
	}
	return cfg, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// keyCertPairs pairs every certificate chain of cert with the key of key whose public key it carries.
func keyCertPairs(h *config.HTTPSOptions, where string) ([]tls.Certificate, error) {
	var keys []crypto.Signer
	for i, src := range h.Key {
		list, err := pemPrivateKeys(src.Bytes(), firstNonEmpty(src.Passphrase, h.Passphrase))
		if err != nil {
			return nil, fmt.Errorf("%s.key[%d]: %w", where, i, err)
		}
		keys = append(keys, list...)
	}
	var out []tls.Certificate
	for i, src := range h.Cert {
		chain, err := pemCertificates(src.Bytes())
		if err != nil {
			return nil, fmt.Errorf("%s.cert[%d]: %w", where, i, err)
		}
		key := matchingKey(chain[0], keys)
		if key == nil {
			if len(keys) == 0 {
				return nil, fmt.Errorf("%s.cert[%d] has no private key: set %s.key", where, i, where)
			}
			return nil, fmt.Errorf("%s.cert[%d] does not match any key of %s.key", where, i, where)
		}
		c := tls.Certificate{PrivateKey: key, Leaf: chain[0]}
		for _, x := range chain {
			c.Certificate = append(c.Certificate, x.Raw)
		}
		out = append(out, c)
	}
	if len(h.Cert) == 0 && len(h.Key) > 0 {
		return nil, fmt.Errorf("%s.key is set but %s.cert is not", where, where)
	}
	return out, nil
}

func matchingKey(leaf *x509.Certificate, keys []crypto.Signer) crypto.Signer {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	for _, k := range keys {
		if pub, ok := k.Public().(equaler); ok && pub.Equal(leaf.PublicKey) {
			return k
		}
	}
	return nil
}

// pemCertificates returns the CERTIFICATE blocks of data (other blocks, a key say, are skipped).
func pemCertificates(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no PEM certificate found (expected a \"-----BEGIN CERTIFICATE-----\" block, or the path of a file with one)")
	}
	return out, nil
}

// pemPrivateKeys returns the private keys of data: PKCS#8, PKCS#1 and EC keys, encrypted ones
// ("ENCRYPTED PRIVATE KEY", or the legacy Proc-Type form) decrypted with passphrase.
func pemPrivateKeys(data []byte, passphrase string) ([]crypto.Signer, error) {
	var out []crypto.Signer
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		der := b.Bytes
		encrypted := false
		switch {
		case b.Type == "ENCRYPTED PRIVATE KEY":
			if passphrase == "" {
				return nil, errors.New("the key is encrypted: set passphrase")
			}
			var err error
			if der, err = decryptPKCS8(der, passphrase); err != nil {
				return nil, err
			}
			encrypted = true
		case strings.HasSuffix(b.Type, "PRIVATE KEY"):
			//nolint:staticcheck // legacy encrypted PEM keys still exist; Node reads them too
			if x509.IsEncryptedPEMBlock(b) {
				if passphrase == "" {
					return nil, errors.New("the key is encrypted: set passphrase")
				}
				var err error
				//nolint:staticcheck // see above
				if der, err = x509.DecryptPEMBlock(b, []byte(passphrase)); err != nil {
					return nil, errBadPassphrase
				}
				encrypted = true
			}
		default:
			continue
		}
		k, err := parsePrivateKeyDER(der)
		if err != nil {
			if encrypted {
				return nil, errBadPassphrase // the padding happened to look right
			}
			return nil, err
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("unsupported private key type %T", k)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, errors.New("no PEM private key found (expected a \"-----BEGIN ... PRIVATE KEY-----\" block, or the path of a file with one)")
	}
	return out, nil
}

// pfxCertificate reads a PKCS#12 archive: its key and the certificate chain of that key.
func pfxCertificate(data []byte, passphrase string) (tls.Certificate, error) {
	keyDERs, certDERs, err := decodePFX(data, passphrase)
	if err != nil {
		return tls.Certificate{}, err
	}
	var keys []crypto.Signer
	for _, der := range keyDERs {
		k, err := parsePrivateKeyDER(der)
		if err != nil {
			return tls.Certificate{}, err
		}
		if s, ok := k.(crypto.Signer); ok {
			keys = append(keys, s)
		}
	}
	var certs []*x509.Certificate
	for _, der := range certDERs {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return tls.Certificate{}, err
		}
		certs = append(certs, c)
	}
	for _, leaf := range certs {
		key := matchingKey(leaf, keys)
		if key == nil {
			continue
		}
		c := tls.Certificate{PrivateKey: key, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
		var others []*x509.Certificate
		for _, o := range certs {
			if o != leaf {
				others = append(others, o)
			}
		}
		completeChain(&c, others)
		return c, nil
	}
	return tls.Certificate{}, errors.New("the archive has no certificate with its private key")
}

// completeChain appends to c the certificates of pool that issued its last certificate, up to (not
// including) a self-signed root, as OpenSSL completes a chain from the CA store.
func completeChain(c *tls.Certificate, pool []*x509.Certificate) {
	last, err := x509.ParseCertificate(c.Certificate[len(c.Certificate)-1])
	if err != nil {
		return
	}
	for range 8 {
		if bytes.Equal(last.RawIssuer, last.RawSubject) {
			return
		}
		var next *x509.Certificate
		for _, p := range pool {
			if bytes.Equal(p.RawSubject, last.RawIssuer) && last.CheckSignatureFrom(p) == nil {
				next = p
				break
			}
		}
		if next == nil || bytes.Equal(next.RawIssuer, next.RawSubject) {
			return
		}
		c.Certificate = append(c.Certificate, next.Raw)
		last = next
	}
}

// scheme is "https" for a TLS configuration, else "http".
func scheme(tlsCfg *tls.Config) string {
	if tlsCfg != nil {
		return "https"
	}
	return "http"
}

// withScheme returns the URLs with http:// replaced by scheme://.
func (u ResolvedURLs) withScheme(scheme string) ResolvedURLs {
	fix := func(list []string) []string {
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = scheme + strings.TrimPrefix(s, "http")
		}
		return out
	}
	return ResolvedURLs{Local: fix(u.Local), Network: fix(u.Network)}
}
