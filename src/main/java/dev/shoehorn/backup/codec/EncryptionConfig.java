package dev.shoehorn.backup.codec;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** The archive keys (docs/security.md, "Encryption at rest"). */
@ConfigMapping(prefix = "backup.encryption")
public interface EncryptionConfig {

    /**
     * A Tink keyset of streaming AEAD keys in JSON, from a secret (e.g. {@code ${BACKUP_ENCRYPTION_KEYSET}});
     * its primary key must be AES256_GCM_HKDF_1MB. With a keyset, archives are encrypted unless a
     * target's {@code dump.encrypt} is false.
     */
    Optional<String> keyset();

    /** A file holding that keyset (a mounted secret); wins over {@code keyset}. */
    Optional<Path> keysetFile();
}
