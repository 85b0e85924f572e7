package dev.shoehorn.backup.codec;

import java.io.IOException;

/**
 * An archive's stored bytes could not be decrypted: no key of the keyset opens it, or its
 * segments were altered, reordered or cut short. Not a failure to read them from storage.
 */
public final class DecryptionException extends IOException {

    private static final long serialVersionUID = 1L;

    public DecryptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
