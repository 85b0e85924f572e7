package dev.shoehorn.backup.codec;

/**
 * How an archive is encrypted, as its manifest records it: the scheme, and the id of the key (in
 * the worker's keyset) that encrypted it. Never any key material.
 */
public record Encryption(String scheme, String keyId) {

    /** Tink's streaming AEAD with AES-256-GCM segments of 1 MiB, keys derived per archive by HKDF-SHA256. */
    public static final String SCHEME = "tink-streaming-aead/AES256_GCM_HKDF_1MB";

    /** The suffix every object of an encrypted archive has. */
    public static final String SUFFIX = ".enc";
}
