package dev.shoehorn.backup.signing;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * Ed25519 keys of the {@code bw-signature} header (docs/security.md): the private key this
 * worker signs its events with, and the public keys it trusts for commands and events.
 */
@ConfigMapping(prefix = "backup.signing")
public interface SigningConfig {

    /**
     * Key id of this worker's signing key, named in each header it writes; verifiers look the
     * public key up by it. Unset: events are sent unsigned.
     */
    Optional<String> keyId();

    /** File holding this worker's private key (PKCS#8, PEM or base64 DER), a mounted secret; wins over {@code private-key}. */
    Optional<Path> privateKeyFile();

    /** This worker's private key itself, normally {@code ${BACKUP_SIGNING_PRIVATE_KEY}}; never logged. */
    Optional<String> privateKey();

    /**
     * Trusted public keys by key id ({@code public-keys.<keyId>}, X.509, PEM or base64 DER):
     * commands and events signed by one of them verify. Several at once allow a rotation.
     */
    Map<String, String> publicKeys();
}
