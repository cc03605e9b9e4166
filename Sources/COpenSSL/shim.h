// Static inline wrappers for OpenSSL macros that Swift cannot import.
// Only TrustStoreOpenSSL imports this module (see docs/STYLE.md, "Keep C below the waterline").
#ifndef TS_COPENSSL_SHIM_H
#define TS_COPENSSL_SHIM_H
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include <openssl/objects.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/ssl.h>

static const unsigned long ts_openssl_XN_FLAG_RFC2253 = XN_FLAG_RFC2253;

static inline void ts_openssl_free(void *p) { OPENSSL_free(p); }

static inline long ts_openssl_bio_mem_data(BIO *bio, char **out) { return BIO_get_mem_data(bio, out); }

/// The certificates of a PKCS #7 signed-data or signed-and-enveloped-data structure (borrowed), or NULL.
static inline STACK_OF(X509) *ts_openssl_pkcs7_certs(PKCS7 *p7) {
    if (p7 == NULL || p7->d.ptr == NULL) return NULL;
    switch (OBJ_obj2nid(p7->type)) {
    case NID_pkcs7_signed: return p7->d.sign->cert;
    case NID_pkcs7_signedAndEnveloped: return p7->d.signed_and_enveloped->cert;
    default: return NULL;
    }
}

static inline int ts_openssl_sk_x509_num(const STACK_OF(X509) *sk) { return sk_X509_num(sk); }
static inline X509 *ts_openssl_sk_x509_value(const STACK_OF(X509) *sk, int i) { return sk_X509_value(sk, i); }
static inline STACK_OF(X509) *ts_openssl_sk_x509_new(void) { return sk_X509_new_null(); }
static inline int ts_openssl_sk_x509_push(STACK_OF(X509) *sk, X509 *x) { return sk_X509_push(sk, x); }
static inline void ts_openssl_sk_x509_free(STACK_OF(X509) *sk) { sk_X509_free(sk); }
static inline void ts_openssl_sk_x509_pop_free(STACK_OF(X509) *sk) { sk_X509_pop_free(sk, X509_free); }
static inline int ts_openssl_sk_obj_num(const STACK_OF(ASN1_OBJECT) *sk) { return sk_ASN1_OBJECT_num(sk); }
static inline ASN1_OBJECT *ts_openssl_sk_obj_value(const STACK_OF(ASN1_OBJECT) *sk, int i) {
    return sk_ASN1_OBJECT_value(sk, i);
}
/// SSL_set_tlsext_host_name is a macro over SSL_ctrl.
static inline long ts_openssl_set_sni(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}
/// PKCS #12 and PKCS #7 stacks (typed sk_* macros), for building certificate-only exports.
static inline void ts_openssl_sk_safebag_pop_free(STACK_OF(PKCS12_SAFEBAG) *sk) {
    sk_PKCS12_SAFEBAG_pop_free(sk, PKCS12_SAFEBAG_free);
}
static inline void ts_openssl_sk_pkcs7_pop_free(STACK_OF(PKCS7) *sk) { sk_PKCS7_pop_free(sk, PKCS7_free); }
static inline STACK_OF(PKCS12_SAFEBAG) *ts_openssl_sk_safebag_new(void) { return sk_PKCS12_SAFEBAG_new_null(); }
static inline int ts_openssl_sk_safebag_push(STACK_OF(PKCS12_SAFEBAG) *sk, PKCS12_SAFEBAG *bag) {
    return sk_PKCS12_SAFEBAG_push(sk, bag);
}
/// A certificate bag (RFC 7292 section 4.2.3) whose certValue holds `der` as it is: the DER is read as a generic
/// ASN.1 value (`d2i_ASN1_TYPE`) and packed with `PKCS12_item_pack_safebag`, the function behind
/// `PKCS12_SAFEBAG_create_cert`, so the certificate's public key is never decoded (the costly part of `d2i_X509`).
static inline PKCS12_SAFEBAG *ts_openssl_certbag_from_der(const unsigned char *der, long len) {
    const unsigned char *p = der;
    ASN1_TYPE *value = d2i_ASN1_TYPE(NULL, &p, len);
    if (value == NULL) return NULL;
    if (p != der + len || value->type != V_ASN1_SEQUENCE) { ASN1_TYPE_free(value); return NULL; }
    PKCS12_SAFEBAG *bag = PKCS12_item_pack_safebag(value, ASN1_ITEM_rptr(ASN1_ANY), NID_x509Certificate, NID_certBag);
    ASN1_TYPE_free(value);
    return bag;
}
#endif
