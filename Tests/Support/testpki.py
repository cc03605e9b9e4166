#!/usr/bin/env python3
"""Generates the test PKI of truststore's tests into a directory, with fixed validity windows.

Usage: testpki.py OUTDIR

Every certificate NAME is written as OUTDIR/NAME.pem and its key as OUTDIR/NAME.key (PKCS #8 PEM,
unencrypted; keys stay in the temporary test folder and are never added to a store). The tests validate
at 2025-06-01T00:00:00Z (`--at`), so windows are chosen around that time:

  root                 Test Root CA, EC P-256, 2024-01-01 .. 2044-01-01
  intermediate         Test Intermediate CA under root, pathlen 0, 2024-01-01 .. 2040-01-01
  leaf                 CN=service.test (SAN service.test, localhost, 127.0.0.1) under intermediate,
                       2025-01-01 .. 2036-01-01, serverAuth
  leaf-direct          CN=direct.test under root
  other-root           Other Root CA, unrelated to root
  other-intermediate   Other Intermediate CA under other-root
  rsa-root             Test RSA Root CA, RSA 2048
  expired-root         Expired Root CA, 2014-01-01 .. 2025-01-01
  future-root          Future Root CA, 2030-01-01 .. 2050-01-01
  weak-rsa-root        Weak RSA Root CA, RSA 1024
  sha1-intermediate    SHA-1 Intermediate CA under rsa-root, signed with SHA-1
  not-a-ca             CA:FALSE certificate under root (an end-entity certificate)
  pathlen0-root        Pathlen Zero Root CA, pathlen 0
  pathlen0-intermediate  Intermediate under pathlen0-root (can never be used)
  sub-intermediate     Test Sub Intermediate CA under intermediate (violates its pathlen 0)
  chain-a / chain-b    Chain A CA under root, Chain B CA under chain-a (a two-level path)
  root-reissued        Test Root CA re-issued with root's key (another serial, 2024-06-01 .. 2045-01-01)
  root-cross           Test Root CA with root's key, cross-signed by other-root (an intermediate)
  leaf-late            CN=late.test under intermediate, issued later: 2025-03-01 .. 2036-01-01
"""
import datetime
import ipaddress
import pathlib
import subprocess
import sys
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def t(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc)


ROOT_WINDOW = (t("2024-01-01T00:00:00"), t("2044-01-01T00:00:00"))
INT_WINDOW = (t("2024-01-01T00:00:00"), t("2040-01-01T00:00:00"))
LEAF_WINDOW = (t("2025-01-01T00:00:00"), t("2036-01-01T00:00:00"))


def name(cn):
    # Most significant first, so RFC 2253 output reads "CN=…,O=truststore tests".
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "truststore tests"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def rsa_key(bits):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


class PKI:
    def __init__(self, out):
        self.out = pathlib.Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.certs = {}
        self.keys = {}
        self.serial = 0x1000

    def make(self, label, cn, key, issuer=None, window=ROOT_WINDOW, ca=True, pathlen=None, digest=None,
             sans=None, eku=None):
        self.serial += 1
        subject = name(cn)
        if issuer is None:
            issuer_name, signing_key, issuer_cert = subject, key, None
        else:
            issuer_cert = self.certs[issuer]
            issuer_name, signing_key = issuer_cert.subject, self.keys[issuer]
        builder = (x509.CertificateBuilder()
                   .subject_name(subject).issuer_name(issuer_name)
                   .public_key(key.public_key()).serial_number(self.serial)
                   .not_valid_before(window[0]).not_valid_after(window[1])
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=pathlen if ca else None), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
        if issuer_cert is not None:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), critical=False)
        if ca:
            builder = builder.add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
                critical=True)
        else:
            builder = builder.add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=True, data_encipherment=False,
                key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
                critical=True)
        if sans:
            general = []
            for san in sans:
                try:
                    general.append(x509.IPAddress(ipaddress.ip_address(san)))
                except ValueError:
                    general.append(x509.DNSName(san))
            builder = builder.add_extension(x509.SubjectAlternativeName(general), critical=False)
        if eku:
            builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
        cert = builder.sign(signing_key, digest or hashes.SHA256())
        self.certs[label] = cert
        self.keys[label] = key
        (self.out / f"{label}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (self.out / f"{label}.key").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        return cert


def sha1_signed(pki, label, cn, issuer):
    """pyca/cryptography refuses SHA-1 signatures, so `openssl ca -md sha1` signs this one, with the
    fixed window 2024-01-01 .. 2040-01-01 given by -startdate/-enddate."""
    key = ec_key()
    csr = (x509.CertificateSigningRequestBuilder().subject_name(name(cn)).sign(key, hashes.SHA256()))
    with tempfile.TemporaryDirectory() as work:
        w = pathlib.Path(work)
        (w / "index.txt").write_text("")
        (w / "csr.pem").write_bytes(csr.public_bytes(serialization.Encoding.PEM))
        (w / "ca.pem").write_bytes(pki.certs[issuer].public_bytes(serialization.Encoding.PEM))
        (w / "ca.key").write_bytes(pki.keys[issuer].private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        (w / "ext.cnf").write_text(
            "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n"
            "policy = any\nunique_subject = no\nemail_in_dn = no\ncopy_extensions = none\n"
            "[any]\ncommonName = supplied\norganizationName = optional\n"
            "[ext]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n"
            "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n")
        (w / "serial").write_text("2001\n")
        subprocess.run(["openssl", "ca", "-batch", "-config", "ext.cnf", "-extensions", "ext", "-md", "sha1",
                        "-cert", "ca.pem", "-keyfile", "ca.key", "-in", "csr.pem", "-out", "out.pem",
                        "-startdate", "20240101000000Z", "-enddate", "20400101000000Z", "-notext"],
                       cwd=work, check=True, capture_output=True)
        pem = (w / "out.pem").read_bytes()
    pki.certs[label] = x509.load_pem_x509_certificate(pem)
    pki.keys[label] = key
    (pki.out / f"{label}.pem").write_bytes(pem)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    pki = PKI(sys.argv[1])
    pki.make("root", "Test Root CA", ec_key())
    pki.make("intermediate", "Test Intermediate CA", ec_key(), issuer="root", window=INT_WINDOW, pathlen=0)
    server = ["service.test", "localhost", "127.0.0.1"]
    pki.make("leaf", "service.test", ec_key(), issuer="intermediate", window=LEAF_WINDOW, ca=False, sans=server,
             eku=[ExtendedKeyUsageOID.SERVER_AUTH])
    pki.make("leaf-direct", "direct.test", ec_key(), issuer="root", window=LEAF_WINDOW, ca=False,
             sans=["direct.test"], eku=[ExtendedKeyUsageOID.SERVER_AUTH])
    pki.make("other-root", "Other Root CA", ec_key())
    pki.make("other-intermediate", "Other Intermediate CA", ec_key(), issuer="other-root", window=INT_WINDOW)
    pki.make("rsa-root", "Test RSA Root CA", rsa_key(2048))
    pki.make("expired-root", "Expired Root CA", ec_key(),
             window=(t("2014-01-01T00:00:00"), t("2025-01-01T00:00:00")))
    pki.make("future-root", "Future Root CA", ec_key(), window=(t("2030-01-01T00:00:00"), t("2050-01-01T00:00:00")))
    pki.make("weak-rsa-root", "Weak RSA Root CA", rsa_key(1024))
    sha1_signed(pki, "sha1-intermediate", "SHA-1 Intermediate CA", "rsa-root")
    pki.make("not-a-ca", "not-a-ca.test", ec_key(), issuer="root", window=LEAF_WINDOW, ca=False,
             sans=["not-a-ca.test"])
    pki.make("pathlen0-root", "Pathlen Zero Root CA", ec_key(), pathlen=0)
    pki.make("pathlen0-intermediate", "Under Pathlen Zero CA", ec_key(), issuer="pathlen0-root", window=INT_WINDOW)
    pki.make("sub-intermediate", "Test Sub Intermediate CA", ec_key(), issuer="intermediate", window=INT_WINDOW)
    pki.make("chain-a", "Chain A CA", ec_key(), issuer="root", window=INT_WINDOW)
    pki.make("chain-b", "Chain B CA", ec_key(), issuer="chain-a", window=INT_WINDOW)
    # Same key as root: distrust by SPKI covers these too.
    pki.make("root-reissued", "Test Root CA", pki.keys["root"],
             window=(t("2024-06-01T00:00:00"), t("2045-01-01T00:00:00")))
    pki.make("root-cross", "Test Root CA", pki.keys["root"], issuer="other-root", window=INT_WINDOW)
    pki.make("leaf-late", "late.test", ec_key(), issuer="intermediate",
             window=(t("2025-03-01T00:00:00"), t("2036-01-01T00:00:00")), ca=False, sans=["late.test"],
             eku=[ExtendedKeyUsageOID.SERVER_AUTH])
    # Two roots with one subject and different keys: the same OpenSSL subject hash (HASH.0 and HASH.1).
    pki.make("collision-root-a", "Collision Root CA", ec_key())
    pki.make("collision-root-b", "Collision Root CA", ec_key())
    pki.make("collision-leaf-b", "collision.test", ec_key(), issuer="collision-root-b", window=LEAF_WINDOW, ca=False,
             sans=["collision.test"], eku=[ExtendedKeyUsageOID.SERVER_AUTH])
    return 0


if __name__ == "__main__":
    sys.exit(main())
