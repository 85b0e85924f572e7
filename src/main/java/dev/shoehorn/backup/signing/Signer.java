package dev.shoehorn.backup.signing;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;

/**
 * Signs record values with one Ed25519 private key under its key id. Holds the key, so its
 * {@code toString} names the key id only.
 */
public final class Signer {

    private final String keyId;
    private final PrivateKey key;

    public Signer(String keyId, PrivateKey key) {
        this.keyId = SignatureHeader.requireKeyId(keyId);
        this.key = key;
    }

    public String keyId() {
        return keyId;
    }

    /** The {@code bw-signature} header value for a record of this kind with these value bytes. */
    public String sign(SignedKind kind, byte[] value) {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(key);
            ed25519.update(kind.signedBytes(value));
            return SignatureHeader.format(keyId, ed25519.sign());
        } catch (GeneralSecurityException e) {
            // only a key that is not Ed25519 gets here, and the constructor's callers parse Ed25519 keys
            throw new IllegalStateException("cannot sign with key id " + keyId + ": " + e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return "Signer[" + keyId + "]";
    }
}
