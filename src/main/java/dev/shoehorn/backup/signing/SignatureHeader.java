package dev.shoehorn.backup.signing;

import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The Kafka header {@code bw-signature: v1 <keyId> <base64 Ed25519 signature>}, as the contract
 * defines it.
 */
public final class SignatureHeader {

    public static final String NAME = "bw-signature";
    static final String VERSION = "v1";
    /** What a key id may be: safe in a header, a log line and a config key ({@code public-keys.<keyId>}, so no dots). */
    public static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    /** Longer than any well-formed header (v1, a 64-character key id, 88 base64 characters). */
    static final int MAX_LENGTH = 200;

    private SignatureHeader() {
    }

    static String format(String keyId, byte[] signature) {
        return VERSION + " " + keyId + " " + Base64.getEncoder().encodeToString(signature);
    }

    static String requireKeyId(String keyId) {
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("a key id must match " + KEY_ID.pattern());
        }
        return keyId;
    }
}
