package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// keyPair is a certificate with its private key, both also kept as PEM.
type keyPair struct {
	cert    *x509.Certificate
	key     crypto.Signer
	certPEM []byte
	keyPEM  []byte
}

// pki holds every file the control plane needs. Files already present in dir are reused, so a
// cluster restarted on the same data dir keeps its identity.
type pki struct {
	dir           string
	ca            keyPair
	serving       keyPair
	admin         keyPair
	controllerMgr keyPair
	scheduler     keyPair
	kwok          keyPair
}

func (p *pki) path(name string) string { return filepath.Join(p.dir, name) }

func loadOrCreatePKI(dir string) (*pki, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	p := &pki{dir: dir}
	var err error
	if p.ca, err = loadOrCreate(dir, "ca", func() (keyPair, error) { return newCA("intentops-test-ca") }); err != nil {
		return nil, err
	}
	serving := certSpec{
		commonName: "kube-apiserver",
		dnsNames: []string{
			"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
			"kubernetes.default.svc.cluster.local",
		},
		ips:    []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")},
		server: true,
	}
	clients := []struct {
		name string
		dst  *keyPair
		spec certSpec
	}{
		{"apiserver", &p.serving, serving},
		{"admin", &p.admin, certSpec{commonName: "intentops-admin", organizations: []string{"system:masters"}}},
		{"controller-manager", &p.controllerMgr, certSpec{
			// The controllers run with this identity (--use-service-account-credentials=false),
			// so it needs cluster-admin rights.
			commonName: "system:kube-controller-manager", organizations: []string{"system:masters"},
		}},
		{"scheduler", &p.scheduler, certSpec{commonName: "system:kube-scheduler"}},
		{"kwok", &p.kwok, certSpec{commonName: "kwok-controller", organizations: []string{"system:masters"}}},
	}
	for _, c := range clients {
		spec := c.spec
		kp, err := loadOrCreate(dir, c.name, func() (keyPair, error) { return newSigned(p.ca, spec) })
		if err != nil {
			return nil, err
		}
		*c.dst = kp
	}
	// Service account token signing key (public half for the apiserver's verifier).
	if _, err := os.Stat(p.path("sa.key")); errors.Is(err, os.ErrNotExist) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		keyPEM, err := encodeKey(key)
		if err != nil {
			return nil, err
		}
		pubDER, err := x509.MarshalPKIXPublicKey(key.Public())
		if err != nil {
			return nil, err
		}
		pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
		if err := writeFileAtomic(p.path("sa.pub"), pubPEM, 0o644); err != nil {
			return nil, err
		}
		if err := writeFileAtomic(p.path("sa.key"), keyPEM, 0o600); err != nil {
			return nil, err
		}
	}
	return p, nil
}

type certSpec struct {
	commonName    string
	organizations []string
	dnsNames      []string
	ips           []net.IP
	server        bool
}

func loadOrCreate(dir, name string, create func() (keyPair, error)) (keyPair, error) {
	certPath := filepath.Join(dir, name+".crt")
	keyPath := filepath.Join(dir, name+".key")
	certPEM, errC := os.ReadFile(certPath)
	keyPEM, errK := os.ReadFile(keyPath)
	if errC == nil && errK == nil {
		return parseKeyPair(certPEM, keyPEM)
	}
	kp, err := create()
	if err != nil {
		return keyPair{}, fmt.Errorf("create %s certificate: %w", name, err)
	}
	if err := writeFileAtomic(keyPath, kp.keyPEM, 0o600); err != nil {
		return keyPair{}, err
	}
	if err := writeFileAtomic(certPath, kp.certPEM, 0o644); err != nil {
		return keyPair{}, err
	}
	return kp, nil
}

func parseKeyPair(certPEM, keyPEM []byte) (keyPair, error) {
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return keyPair{}, errors.New("invalid PEM in certificate or key file")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return keyPair{}, err
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return keyPair{}, err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return keyPair{}, errors.New("private key is not a signer")
	}
	return keyPair{cert: cert, key: signer, certPEM: certPEM, keyPEM: keyPEM}, nil
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
}

func newCA(cn string) (keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return keyPair{}, err
	}
	sn, err := serial()
	if err != nil {
		return keyPair{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return keyPair{}, err
	}
	return finish(der, key)
}

func newSigned(ca keyPair, spec certSpec) (keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return keyPair{}, err
	}
	sn, err := serial()
	if err != nil {
		return keyPair{}, err
	}
	now := time.Now()
	usage := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	if spec.server {
		usage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: spec.commonName, Organization: spec.organizations},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  usage,
		DNSNames:     spec.dnsNames,
		IPAddresses:  spec.ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		return keyPair{}, err
	}
	return finish(der, key)
}

func finish(der []byte, key *ecdsa.PrivateKey) (keyPair, error) {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return keyPair{}, err
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return keyPair{}, err
	}
	return keyPair{
		cert:    cert,
		key:     key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  keyPEM,
	}, nil
}

func encodeKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
