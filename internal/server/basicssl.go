package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/govite/govite/internal/config"
)

// BasicSSLCertificate returns the PEM private key and self-signed certificate of
// @vitejs/plugin-basic-ssl (both in one file, as the plugin passes the same text as key and cert): the
// one cached in CertDir/_cert.pem while it is valid, else a new one, written there (a failure to write
// the cache is not an error, as in the plugin). The certificate covers localhost, ::1, 127.0.0.1,
// fe80::1 and the configured domains, for TTLDays days.
func BasicSSLCertificate(o config.BasicSSLOptions) ([]byte, error) {
	cachePath := filepath.Join(o.CertDir, "_cert.pem")
	if data, err := os.ReadFile(cachePath); err == nil && basicSSLValid(data, time.Now()) {
		return data, nil
	}
	data, err := newBasicSSLCertificate(o, time.Now())
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.CertDir, 0o755); err == nil {
		_ = os.WriteFile(cachePath, data, 0o600)
	}
	return data, nil
}

// basicSSLValid reports whether a cached _cert.pem has a usable key and certificate that has not
// expired (the plugin's isCertificateExpired).
func basicSSLValid(data []byte, now time.Time) bool {
	c, err := tls.X509KeyPair(data, data)
	if err != nil || c.Leaf == nil {
		return false
	}
	return now.Before(c.Leaf.NotAfter)
}

func newBasicSSLCertificate(o config.BasicSSLOptions, now time.Time) ([]byte, error) {
	days := o.TTLDays
	if days <= 0 {
		days = 30
	}
	name := o.Name
	if name == "" {
		name = "example.org"
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	// A positive serial of 9 random bytes, as the plugin makes.
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 71))
	if err != nil {
		return nil, err
	}
	subject := pkix.Name{
		CommonName: name, Country: []string{"US"}, Province: []string{"Virginia"}, Locality: []string{"Blacksburg"},
		Organization: []string{"Test"}, OrganizationalUnit: []string{"Test"},
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      subject,
		Issuer:       subject,
		NotBefore:    now.Add(-time.Minute),
		NotAfter:     now.AddDate(0, 0, days),
		KeyUsage:     x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment | x509.KeyUsageKeyEncipherment | x509.KeyUsageDataEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth,
			x509.ExtKeyUsageCodeSigning, x509.ExtKeyUsageTimeStamping},
		DNSNames:    append([]string{"localhost"}, o.Domains...),
		IPAddresses: []net.IP{net.IPv6loopback, net.IPv4(127, 0, 0, 1), net.ParseIP("fe80::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	if len(out) == 0 {
		return nil, errors.New("cannot encode the certificate")
	}
	return out, nil
}
