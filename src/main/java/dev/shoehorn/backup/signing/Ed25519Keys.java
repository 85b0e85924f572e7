package dev.shoehorn.backup.signing;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys in the forms operators handle: private keys as PKCS#8, public keys as X.509
 * (SubjectPublicKeyInfo), each either PEM (what {@code openssl genpkey -algorithm ed25519} and
 * {@code openssl pkey -pubout} write) or the DER bytes in base64 on one line. Errors never quote
 * the text they were given: it may be a private key.
 */
public final class Ed25519Keys {

    private static final String ALGORITHM = "Ed25519";
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private Ed25519Keys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 17 runtime has Ed25519", e);
        }
    }

    /** @throws IllegalArgumentException when the text is not an Ed25519 private key (PKCS#8, PEM or base64 DER) */
    public static PrivateKey privateKey(String text) {
        byte[] der = der(text, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an Ed25519 private key (PKCS#8, PEM or base64 DER)");
        }
    }

    /** @throws IllegalArgumentException when the text is not an Ed25519 public key (X.509, PEM or base64 DER) */
    public static PublicKey publicKey(String text) {
        byte[] der = der(text, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an Ed25519 public key (X.509, PEM or base64 DER)");
        }
    }

    /** The key as PEM, as openssl writes it. */
    public static String pem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    public static String pem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /** The DER bytes of a public key in base64 on one line: the form of {@code backup.signing.public-keys.<keyId>}. */
    public static String base64(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] der(String text, String label) {
        String kind = label.toLowerCase(java.util.Locale.ROOT);
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no " + kind + " given");
        }
        String body = text.strip();
        if (body.startsWith("-----")) {
            Matcher pem = PEM.matcher(body);
            if (!pem.matches()) {
                throw new IllegalArgumentException("not a PEM block");
            }
            if (!pem.group(1).equals(label)) {
                // e.g. ENCRYPTED PRIVATE KEY: the worker cannot ask for a passphrase
                throw new IllegalArgumentException("a PEM block of " + kind + " was expected, found another kind");
            }
            body = pem.group(2);
        }
        try {
            return Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("neither PEM nor base64 DER");
        }
    }
}
