package dev.shoehorn.backup.signing;

import java.nio.charset.StandardCharsets;

/**
 * What a signature is about. The kind's label and a newline precede the record value in the
 * signed bytes, so that a signed backup command never verifies as a restore command, nor a
 * command as an event.
 */
public enum SignedKind {
    BACKUP("backup"),
    RESTORE("restore"),
    EVENT("event");

    private final String label;

    SignedKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** {@code "<kind>\n" + value}: the bytes a signature of this kind covers. */
    byte[] signedBytes(byte[] value) {
        byte[] prefix = (label + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] signed = new byte[prefix.length + value.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(value, 0, signed, prefix.length, value.length);
        return signed;
    }
}
