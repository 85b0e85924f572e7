package dev.shoehorn.backup.signing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.shoehorn.backup.failure.Redactor;
import io.quarkus.runtime.Startup;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * This worker's signing key and trusted public keys, checked at start-up: a key that cannot be
 * used stops the worker with a message naming its key id, never its material. Signs outgoing
 * records and verifies incoming ones; {@link SigningStartup} says in its start-up line what it holds.
 */
@Startup
@ApplicationScoped
public class Signatures {

    private static final byte[] PROBE = "does the public key belong to the private key".getBytes(StandardCharsets.US_ASCII);

    private final Optional<Signer> signer;
    private final Verifier verifier;

    @Inject
    public Signatures(SigningConfig config) {
        this.signer = signer(config);
        this.verifier = verifier(config.publicKeys());
        signer.ifPresent(this::requireOwnPublicKeyMatches);
    }

    /** The {@code bw-signature} header value for this record; empty when this worker has no signing key. */
    public Optional<String> sign(SignedKind kind, byte[] value) {
        return signer.map(s -> s.sign(kind, value));
    }

    /** Verifies the {@code bw-signature} header of an incoming Kafka record over its value. */
    public Verification verify(SignedKind kind, Message<byte[]> message) {
        Headers headers = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getHeaders).orElse(null);
        byte[] value = message.getPayload() == null ? new byte[0] : message.getPayload();
        return verify(kind, value, headers);
    }

    public Verification verify(SignedKind kind, byte[] value, Headers headers) {
        List<Header> found = new ArrayList<>();
        if (headers != null) {
            headers.headers(SignatureHeader.NAME).forEach(found::add);
        }
        if (found.size() > 1) {
            // which one would a downstream reader trust? None: the sender must send one
            return new Verification.Invalid("the record has " + found.size() + " " + SignatureHeader.NAME + " headers");
        }
        if (found.isEmpty() || found.get(0).value() == null) {
            return verifier.verify(kind, value, null);
        }
        byte[] header = found.get(0).value();
        if (header.length > SignatureHeader.MAX_LENGTH) {
            return new Verification.Invalid("the header is longer than " + SignatureHeader.MAX_LENGTH + " bytes");
        }
        try {
            String text = StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(header)).toString();
            return verifier.verify(kind, value, text);
        } catch (CharacterCodingException e) {
            return new Verification.Invalid("the header is not ASCII text");
        }
    }

    public Set<String> trustedKeyIds() {
        return verifier.keyIds();
    }

    public Optional<String> signingKeyId() {
        return signer.map(Signer::keyId);
    }

    @Override
    public String toString() {
        return "Signatures[signing=" + signingKeyId().orElse("none") + ", trusted=" + trustedKeyIds() + "]";
    }

    private static Optional<Signer> signer(SigningConfig config) {
        Optional<String> keyId = config.keyId().filter(id -> !id.isBlank());
        Optional<String> text = config.privateKeyFile().map(file -> read(file, keyId.orElse("(none)")))
                .or(() -> config.privateKey().filter(k -> !k.isBlank()));
        if (keyId.isEmpty()) {
            if (text.isPresent()) {
                throw new IllegalStateException(
                        "backup.signing: a private key is configured but backup.signing.key-id is not");
            }
            return Optional.empty();
        }
        String id = keyId.get();
        if (!SignatureHeader.KEY_ID.matcher(id).matches()) {
            throw new IllegalStateException("backup.signing.key-id must match " + SignatureHeader.KEY_ID.pattern());
        }
        if (text.isEmpty()) {
            throw new IllegalStateException("signing key id " + id
                    + " has no private key: set backup.signing.private-key-file or backup.signing.private-key");
        }
        Redactor.registerSecret(text.get().strip());
        PrivateKey key;
        try {
            key = Ed25519Keys.privateKey(text.get());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the private key of signing key id " + id + " is unusable: " + e.getMessage());
        }
        Redactor.registerSecret(Base64.getEncoder().encodeToString(key.getEncoded()));
        return Optional.of(new Signer(id, key));
    }

    private static String read(Path file, String keyId) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read backup.signing.private-key-file " + file + " of signing key id "
                    + keyId + ": " + e.getClass().getSimpleName());
        }
    }

    private static Verifier verifier(Map<String, String> configured) {
        Map<String, PublicKey> keys = new TreeMap<>();
        configured.forEach((keyId, text) -> {
            if (!SignatureHeader.KEY_ID.matcher(keyId).matches()) {
                throw new IllegalStateException("backup.signing.public-keys: key id " + keyId + " must match "
                        + SignatureHeader.KEY_ID.pattern());
            }
            try {
                keys.put(keyId, Ed25519Keys.publicKey(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("backup.signing.public-keys." + keyId + " is unusable: " + e.getMessage());
            }
        });
        return new Verifier(keys);
    }

    /** A worker that trusts its own key id must trust its own key, or its events would all look forged. */
    private void requireOwnPublicKeyMatches(Signer own) {
        if (verifier.keyIds().contains(own.keyId())
                && !(verifier.verify(SignedKind.EVENT, PROBE, own.sign(SignedKind.EVENT, PROBE))
                        instanceof Verification.Valid)) {
            throw new IllegalStateException("backup.signing.public-keys." + own.keyId()
                    + " is not the public key of this worker's private key of the same key id");
        }
    }
}
