package dev.shoehorn.backup.signing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/** Keys, configurations and Kafka records for unit tests of signing, without a running application. */
public final class TestSigning {

    private TestSigning() {
    }

    public record Config(Optional<String> keyId, Optional<Path> privateKeyFile, Optional<String> privateKey,
            Map<String, String> publicKeys) implements SigningConfig {
    }

    /** A worker that signs with {@code pair} under {@code keyId} (the key given as a PEM value) and trusts {@code trusted}. */
    public static Signatures signatures(String keyId, KeyPair pair, Map<String, String> trusted) {
        return new Signatures(new Config(Optional.of(keyId), Optional.empty(),
                Optional.of(Ed25519Keys.pem(pair.getPrivate())), trusted));
    }

    /** A worker without a signing key that trusts {@code trusted}. */
    public static Signatures verifying(Map<String, String> trusted) {
        return new Signatures(new Config(Optional.empty(), Optional.empty(), Optional.empty(), trusted));
    }

    public static Map<String, String> trust(String keyId, KeyPair pair) {
        return Map.of(keyId, Ed25519Keys.base64(pair.getPublic()));
    }

    /** A Kafka record of {@code topic} with these {@code bw-signature} headers, as a channel delivers it. */
    public static Message<byte[]> record(String topic, byte[] value, String... signatures) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(topic, 1, 42L, "shoehorn", value);
        for (String signature : signatures) {
            record.headers().add(SignatureHeader.NAME, signature.getBytes(StandardCharsets.UTF_8));
        }
        return Message.of(value).addMetadata(new IncomingKafkaRecordMetadata<>(record, "test"));
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
