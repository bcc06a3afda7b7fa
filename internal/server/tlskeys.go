package server

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"unicode/utf16"
)

// This file decrypts what Node's TLS options accept and Go's crypto/tls does not read by itself:
// encrypted PKCS#8 private keys ("ENCRYPTED PRIVATE KEY", PBES2 with PBKDF2 and AES or 3DES) and
// PKCS#12 archives (server.https.pfx) protected by PBES2 or by PKCS#12's own SHA-1/3DES scheme, with
// their MAC checked. DER only: archives in BER's indefinite-length form are refused.

var (
	oidPBES2           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1        = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA224      = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACSHA256      = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384      = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512      = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC       = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC       = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC       = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC      = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
	oidPBEWithSHA3DES  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}
	oidPBEWithSHARC240 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 6}
	oidPBEWithSHARC2   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 5}
	oidData            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidEncryptedData   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidKeyBag          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
	oidShroudedKeyBag  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidCertBag         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidX509Cert        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	oidSHA1            = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256          = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384          = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512          = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
)

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type encryptedPrivateKeyInfo struct {
	Algorithm     algorithmIdentifier
	EncryptedData []byte
}

type pbes2Params struct {
	KDF    algorithmIdentifier
	Scheme algorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                 `asn1:"optional"`
	PRF        algorithmIdentifier `asn1:"optional"`
}

type pkcs12PBEParams struct {
	Salt       []byte
	Iterations int
}

// errBadPassphrase is returned when decryption produces garbage: the passphrase is wrong (or missing).
var errBadPassphrase = errors.New("wrong or missing passphrase")

// decryptPKCS8 decrypts an EncryptedPrivateKeyInfo (the DER of an "ENCRYPTED PRIVATE KEY" PEM block)
// and returns the PrivateKeyInfo DER.
func decryptPKCS8(der []byte, passphrase string) ([]byte, error) {
	var info encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("malformed encrypted private key")
	}
	return decryptWithAlgorithm(info.Algorithm, info.EncryptedData, passphrase)
}

// decryptWithAlgorithm decrypts data encrypted with a password-based scheme: PBES2 (the password as
// UTF-8 bytes, as OpenSSL uses it) or PKCS#12's SHA-1/3DES PBE (the password as BMPString).
func decryptWithAlgorithm(alg algorithmIdentifier, data []byte, passphrase string) ([]byte, error) {
	var block cipher.Block
	var iv []byte
	switch {
	case alg.Algorithm.Equal(oidPBES2):
		var params pbes2Params
		if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &params); err != nil {
			return nil, fmt.Errorf("malformed PBES2 parameters")
		}
		if !params.KDF.Algorithm.Equal(oidPBKDF2) {
			return nil, fmt.Errorf("unsupported key derivation %v (only PBKDF2)", params.KDF.Algorithm)
		}
		var kdf pbkdf2Params
		if _, err := asn1.Unmarshal(params.KDF.Parameters.FullBytes, &kdf); err != nil {
			return nil, fmt.Errorf("malformed PBKDF2 parameters")
		}
		prf := sha1.New
		switch p := kdf.PRF.Algorithm; {
		case len(p) == 0 || p.Equal(oidHMACSHA1):
		case p.Equal(oidHMACSHA224):
			prf = sha256.New224
		case p.Equal(oidHMACSHA256):
			prf = sha256.New
		case p.Equal(oidHMACSHA384):
			prf = sha512.New384
		case p.Equal(oidHMACSHA512):
			prf = sha512.New
		default:
			return nil, fmt.Errorf("unsupported PBKDF2 hash %v", p)
		}
		var keyLen int
		var newCipher func([]byte) (cipher.Block, error)
		switch s := params.Scheme.Algorithm; {
		case s.Equal(oidAES128CBC):
			keyLen, newCipher = 16, aes.NewCipher
		case s.Equal(oidAES192CBC):
			keyLen, newCipher = 24, aes.NewCipher
		case s.Equal(oidAES256CBC):
			keyLen, newCipher = 32, aes.NewCipher
		case s.Equal(oidDESEDE3CBC):
			keyLen, newCipher = 24, des.NewTripleDESCipher
		default:
			return nil, fmt.Errorf("unsupported cipher %v (AES-CBC and 3DES-CBC are supported)", s)
		}
		if _, err := asn1.Unmarshal(params.Scheme.Parameters.FullBytes, &iv); err != nil {
			return nil, fmt.Errorf("malformed cipher parameters")
		}
		key, err := pbkdf2.Key(prf, passphrase, kdf.Salt, kdf.Iterations, keyLen)
		if err != nil {
			return nil, err
		}
		if block, err = newCipher(key); err != nil {
			return nil, err
		}
	case alg.Algorithm.Equal(oidPBEWithSHA3DES):
		var params pkcs12PBEParams
		if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &params); err != nil {
			return nil, fmt.Errorf("malformed PBE parameters")
		}
		pw := bmpPassword(passphrase)
		key := pkcs12KDF(sha1.New, 64, pw, params.Salt, params.Iterations, 1, 24)
		iv = pkcs12KDF(sha1.New, 64, pw, params.Salt, params.Iterations, 2, 8)
		var err error
		if block, err = des.NewTripleDESCipher(key); err != nil {
			return nil, err
		}
	case alg.Algorithm.Equal(oidPBEWithSHARC240), alg.Algorithm.Equal(oidPBEWithSHARC2):
		return nil, errors.New("the data is encrypted with RC2 (a legacy PKCS#12 export); convert it to PEM with `openssl pkcs12 -legacy -in file.pfx -nodes -out file.pem`, or re-export it with AES")
	default:
		return nil, fmt.Errorf("unsupported encryption %v", alg.Algorithm)
	}
	if len(iv) != block.BlockSize() || len(data) == 0 || len(data)%block.BlockSize() != 0 {
		return nil, fmt.Errorf("malformed encrypted data")
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, data)
	pad := int(out[len(out)-1])
	if pad == 0 || pad > block.BlockSize() || !bytes.Equal(out[len(out)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, errBadPassphrase
	}
	return out[:len(out)-pad], nil
}

// bmpPassword is a password as PKCS#12 hashes it: UTF-16BE with a terminating zero.
func bmpPassword(s string) []byte {
	units := utf16.Encode([]rune(s))
	out := make([]byte, 0, 2*len(units)+2)
	for _, u := range units {
		out = append(out, byte(u>>8), byte(u))
	}
	return append(out, 0, 0)
}

// pkcs12KDF is the key derivation of RFC 7292, appendix B.2: id 1 makes keys, 2 IVs, 3 MAC keys.
func pkcs12KDF(h func() hash.Hash, v int, password, salt []byte, iterations int, id byte, n int) []byte {
	fill := func(src []byte) []byte {
		if len(src) == 0 {
			return nil
		}
		out := make([]byte, v*((len(src)+v-1)/v))
		for i := range out {
			out[i] = src[i%len(src)]
		}
		return out
	}
	d := bytes.Repeat([]byte{id}, v)
	in := append(fill(salt), fill(password)...)
	var out []byte
	for len(out) < n {
		hh := h()
		hh.Write(d)
		hh.Write(in)
		a := hh.Sum(nil)
		for r := 1; r < iterations; r++ {
			hh = h()
			hh.Write(a)
			a = hh.Sum(nil)
		}
		out = append(out, a...)
		if len(out) >= n {
			break
		}
		b := make([]byte, v)
		for i := range b {
			b[i] = a[i%len(a)]
		}
		for j := 0; j < len(in); j += v {
			carry := 1
			for k := v - 1; k >= 0; k-- {
				sum := int(in[j+k]) + int(b[k]) + carry
				in[j+k] = byte(sum)
				carry = sum >> 8
			}
		}
	}
	return out[:n]
}

// ---- PKCS#12 ----

type pfxPDU struct {
	Version  int
	AuthSafe contentInfo
	MacData  macData `asn1:"optional"`
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
}

type encryptedData struct {
	Version int
	Info    encryptedContentInfo
}

type encryptedContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Algorithm   algorithmIdentifier
	Content     []byte `asn1:"tag:0,optional"`
}

type macData struct {
	Mac        digestInfo
	Salt       []byte
	Iterations int `asn1:"optional,default:1"`
}

type digestInfo struct {
	Algorithm algorithmIdentifier
	Digest    []byte
}

type safeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue `asn1:"tag:0,explicit"`
	Attributes asn1.RawValue `asn1:"optional"`
}

type certBag struct {
	ID   asn1.ObjectIdentifier
	Data []byte `asn1:"tag:0,explicit"`
}

// decodePFX returns the private keys (PrivateKeyInfo or PKCS#1/EC DER, as found) and the certificates
// (DER, in the archive's order) of a PKCS#12 archive.
func decodePFX(data []byte, passphrase string) (keys [][]byte, certs [][]byte, err error) {
	var pfx pfxPDU
	if rest, err := asn1.Unmarshal(data, &pfx); err != nil || len(rest) > 0 {
		return nil, nil, errors.New("not a PKCS#12 archive in DER form")
	}
	if pfx.Version != 3 || !pfx.AuthSafe.ContentType.Equal(oidData) {
		return nil, nil, errors.New("unsupported PKCS#12 archive (only password-protected, version 3)")
	}
	var authSafe []byte
	if _, err := asn1.Unmarshal(pfx.AuthSafe.Content.Bytes, &authSafe); err != nil {
		return nil, nil, errors.New("malformed PKCS#12 archive")
	}
	if len(pfx.MacData.Mac.Digest) > 0 {
		if err := checkPFXMac(pfx.MacData, authSafe, passphrase); err != nil {
			return nil, nil, err
		}
	}
	var parts []contentInfo
	if _, err := asn1.Unmarshal(authSafe, &parts); err != nil {
		return nil, nil, errors.New("malformed PKCS#12 archive")
	}
	for _, ci := range parts {
		var contents []byte
		switch {
		case ci.ContentType.Equal(oidData):
			if _, err := asn1.Unmarshal(ci.Content.Bytes, &contents); err != nil {
				return nil, nil, errors.New("malformed PKCS#12 archive")
			}
		case ci.ContentType.Equal(oidEncryptedData):
			var ed encryptedData
			if _, err := asn1.Unmarshal(ci.Content.Bytes, &ed); err != nil {
				return nil, nil, errors.New("malformed PKCS#12 encrypted data")
			}
			if contents, err = decryptWithAlgorithm(ed.Info.Algorithm, ed.Info.Content, passphrase); err != nil {
				return nil, nil, err
			}
		default:
			continue // public-key protected parts are not used for server certificates
		}
		var bags []safeBag
		if _, err := asn1.Unmarshal(contents, &bags); err != nil {
			return nil, nil, errors.New("malformed PKCS#12 contents")
		}
		for _, b := range bags {
			switch {
			case b.ID.Equal(oidKeyBag):
				keys = append(keys, b.Value.Bytes)
			case b.ID.Equal(oidShroudedKeyBag):
				k, err := decryptPKCS8(b.Value.Bytes, passphrase)
				if err == nil {
					if _, perr := parsePrivateKeyDER(k); perr != nil {
						err = errBadPassphrase
					}
				}
				if err != nil {
					return nil, nil, fmt.Errorf("private key: %w", err)
				}
				keys = append(keys, k)
			case b.ID.Equal(oidCertBag):
				var cb certBag
				if _, err := asn1.Unmarshal(b.Value.Bytes, &cb); err != nil {
					return nil, nil, errors.New("malformed PKCS#12 certificate")
				}
				if cb.ID.Equal(oidX509Cert) {
					certs = append(certs, cb.Data)
				}
			}
		}
	}
	return keys, certs, nil
}

// checkPFXMac verifies the archive's MAC, which tells a wrong passphrase from a damaged archive. An
// empty passphrase is tried both as an empty BMPString and as no password, as OpenSSL does.
func checkPFXMac(m macData, content []byte, passphrase string) error {
	var h func() hash.Hash
	v := 64
	switch a := m.Mac.Algorithm.Algorithm; {
	case a.Equal(oidSHA1):
		h = sha1.New
	case a.Equal(oidSHA256):
		h = sha256.New
	case a.Equal(oidSHA384):
		h, v = sha512.New384, 128
	case a.Equal(oidSHA512):
		h, v = sha512.New, 128
	default:
		return nil // an unknown MAC: decryption still tells a wrong passphrase
	}
	candidates := [][]byte{bmpPassword(passphrase)}
	if passphrase == "" {
		candidates = append(candidates, nil)
	}
	for _, pw := range candidates {
		key := pkcs12KDF(h, v, pw, m.Salt, m.Iterations, 3, h().Size())
		mac := hmac.New(h, key)
		mac.Write(content)
		if hmac.Equal(mac.Sum(nil), m.Mac.Digest) {
			return nil
		}
	}
	return fmt.Errorf("PKCS#12 archive: %w", errBadPassphrase)
}

// parsePrivateKeyDER parses a private key in PKCS#8, PKCS#1 or SEC 1 form.
func parsePrivateKeyDER(der []byte) (any, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	return nil, errors.New("unsupported private key")
}
