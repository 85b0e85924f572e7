package dev.shoehorn.backup.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;

/**
 * The archive keys: a Tink keyset of streaming AEAD keys. New archives are encrypted with the
 * primary key; every enabled key still decrypts, which is how keys rotate (docs/security.md).
 * Each archive object is bound to its name (associated data), so an object moved or swapped for
 * another fails to decrypt. Holds key material: never logged, never printed, no {@code toString}
 * that shows it.
 */
public final class Keyring {

    static {
        try {
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink's streaming AEAD cannot be registered", e);
        }
    }

    private final StreamingAead aead;
    private final String primaryKeyId;
    private final List<String> keyIds;

    private Keyring(KeysetHandle keyset) throws GeneralSecurityException {
        if (!PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB.equals(keyset.getPrimary().getKey().getParameters())) {
            throw new GeneralSecurityException("the primary key must be an AES256_GCM_HKDF_1MB streaming AEAD key");
        }
        this.aead = keyset.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        this.primaryKeyId = Integer.toUnsignedString(keyset.getPrimary().getId());
        this.keyIds = java.util.stream.IntStream.range(0, keyset.size()).mapToObj(keyset::getAt)
                .filter(entry -> entry.getStatus() == KeyStatus.ENABLED)
                .map(entry -> Integer.toUnsignedString(entry.getId())).toList();
    }

    /**
     * Reads a keyset in Tink's JSON format (as {@code tinkey create-keyset --key-template
     * AES256_GCM_HKDF_1MB --out-format json} writes it).
     *
     * @throws IllegalArgumentException when it is not a usable keyset; the message never quotes it
     */
    public static Keyring parse(String json) {
        try {
            return new Keyring(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not a keyset of streaming AEAD keys in Tink's JSON format ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The configured keyset's JSON: the file {@code backup.encryption.keyset-file} names, which wins,
     * else a non-blank {@code backup.encryption.keyset}; read the same by the worker and the CLI.
     *
     * @throws IllegalStateException when the file cannot be read; the message never quotes it
     */
    public static Optional<String> configuredJson(Optional<Path> keysetFile, Optional<String> keyset) {
        if (keysetFile.isPresent()) {
            try {
                return Optional.of(Files.readString(keysetFile.get()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read backup.encryption.keyset-file " + keysetFile.get() + ": "
                        + e.getClass().getSimpleName());
            }
        }
        return keyset.filter(k -> !k.isBlank());
    }

    /** A new keyset of one AES256_GCM_HKDF_1MB key, in Tink's JSON format (local mode, tests, {@code keys new}). */
    public static String newKeysetJson() {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(
                    KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB),
                    InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a key", e);
        }
    }

    /**
     * The keyset with a new AES256_GCM_HKDF_1MB key added as its primary: new archives use it, and
     * the keys already there still decrypt the archives they encrypted (rotation, docs/security.md).
     */
    public static String withNewPrimary(String json) {
        try {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(
                    TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
            builder.addEntry(KeysetHandle.generateEntryFromParameters(
                    PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB).withRandomId().makePrimary());
            return TinkJsonProtoKeysetFormat.serializeKeyset(builder.build(), InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not a keyset of streaming AEAD keys in Tink's JSON format ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** What new archives record: the scheme and the primary key's id. */
    public Encryption primary() {
        return new Encryption(Encryption.SCHEME, primaryKeyId);
    }

    /** Whether the keyset holds an enabled key of this id, as recorded in a manifest. */
    public boolean has(String keyId) {
        return keyIds.contains(keyId);
    }

    public List<String> keyIds() {
        return keyIds;
    }

    /** Encrypts what is written into {@code stored}, bound to the object's name; closing it writes the last segment. */
    public OutputStream encrypting(OutputStream stored, String objectName) throws IOException {
        try {
            return aead.newEncryptingStream(stored, associatedData(objectName));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot start encrypting: " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts {@code stored}, written for {@code objectName}. A wrong key, a changed, reordered or
     * missing segment and a cut-short end all surface as {@link DecryptionException} on read.
     */
    public InputStream decrypting(InputStream stored, String objectName) {
        SourceInput source = stored instanceof SourceInput watched ? watched : new SourceInput(stored);
        InputStream plain;
        try {
            plain = aead.newDecryptingStream(source, associatedData(objectName));
        } catch (GeneralSecurityException | IOException e) {
            return failing(e);
        }
        return new SourceInput(plain) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw source.failed() ? e : new DecryptionException(decryptMessage(e), e);
                }
            }
        };
    }

    private static InputStream failing(Exception e) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw new DecryptionException(decryptMessage(e), e);
            }
        };
    }

    private static String decryptMessage(Exception e) {
        return "no key of the keyset decrypts it, or its encrypted segments were changed, reordered or cut short ("
                + e.getClass().getSimpleName() + ")";
    }

    private static byte[] associatedData(String objectName) {
        return ("backup-worker archive v1\n" + objectName).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Keyring[primary=" + primaryKeyId + ", keys=" + keyIds + "]";
    }
}
