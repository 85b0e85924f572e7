package dev.shoehorn.backup.signing;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Checks {@code bw-signature} headers against the trusted public keys, by key id. */
public final class Verifier {

    private static final int SIGNATURE_BYTES = 64;
    private static final int QUOTED_MAX = 16;

    private final Map<String, PublicKey> trusted;

    public Verifier(Map<String, PublicKey> trusted) {
        trusted.keySet().forEach(SignatureHeader::requireKeyId);
        this.trusted = new TreeMap<>(trusted);
    }

    public Set<String> keyIds() {
        return trusted.keySet();
    }

    /** @param header the header's value, or null when the record has none */
    public Verification verify(SignedKind kind, byte[] value, String header) {
        if (header == null) {
            return new Verification.Missing();
        }
        if (header.length() > SignatureHeader.MAX_LENGTH) {
            return invalid("the header is longer than " + SignatureHeader.MAX_LENGTH + " characters");
        }
        String[] parts = header.split(" ", -1);
        if (parts.length != 3) {
            return invalid("the header is not \"v1 <keyId> <signature>\"");
        }
        if (!SignatureHeader.VERSION.equals(parts[0])) {
            return invalid("unsupported version " + quoted(parts[0]));
        }
        String keyId = parts[1];
        if (!SignatureHeader.KEY_ID.matcher(keyId).matches()) {
            return invalid("malformed key id " + quoted(keyId));
        }
        PublicKey key = trusted.get(keyId);
        if (key == null) {
            return invalid("unknown key id " + keyId);
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return invalid("the signature is not base64");
        }
        if (signature.length != SIGNATURE_BYTES) {
            return invalid("the signature has " + signature.length + " bytes, not " + SIGNATURE_BYTES);
        }
        return matches(key, kind.signedBytes(value), signature) ? new Verification.Valid(keyId)
                : invalid("the signature of key id " + keyId + " does not match this " + kind.label()
                        + " (another key, another kind, or a changed value)");
    }

    private static boolean matches(PublicKey key, byte[] signed, byte[] signature) {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(key);
            ed25519.update(signed);
            return ed25519.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a signature the algorithm cannot even decode proves nothing either
        }
    }

    private static Verification invalid(String reason) {
        return new Verification.Invalid(reason);
    }

    /** Attacker input, made safe to repeat: key-id characters only, at most 16 of them. */
    private static String quoted(String text) {
        String safe = text.replaceAll("[^A-Za-z0-9._-]", "?");
        return "\"" + (safe.length() > QUOTED_MAX ? safe.substring(0, QUOTED_MAX) + "..." : safe) + "\"";
    }
}
