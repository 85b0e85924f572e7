package dev.shoehorn.backup.codec;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.failure.Redactor;

/**
 * The worker's keyring, read once from {@link EncryptionConfig}: a keyset that cannot be read stops
 * start-up, with a message that never quotes it.
 */
@ApplicationScoped
public class Keys {

    private static final Logger LOG = Logger.getLogger(Keys.class);

    private final Optional<Keyring> keyring;

    @Inject
    public Keys(EncryptionConfig config) {
        Optional<String> json = Keyring.configuredJson(config.keysetFile(), config.keyset());
        json.ifPresent(k -> Redactor.registerSecret(k.strip()));
        try {
            this.keyring = json.map(Keyring::parse);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("backup.encryption: " + e.getMessage());
        }
        keyring.ifPresent(k -> LOG.infof("stage=encryption primaryKeyId=%s keyIds=%s", k.primary().keyId(),
                String.join(",", k.keyIds())));
    }

    private Keys(Optional<Keyring> keyring) {
        this.keyring = keyring;
    }

    /** Keys outside CDI (tests, tools): these, or none. */
    public static Keys of(Optional<Keyring> keyring) {
        return new Keys(keyring);
    }

    public Optional<Keyring> keyring() {
        return keyring;
    }

    /** The keyring when archives of a target that says {@code encrypt} are to be encrypted. */
    public Optional<Keyring> forNewArchive(Optional<Boolean> encrypt) {
        return encrypt.orElse(true) ? keyring : Optional.empty();
    }
}
