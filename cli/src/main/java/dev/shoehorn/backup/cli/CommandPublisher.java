package dev.shoehorn.backup.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.shoehorn.backup.signing.Ed25519Keys;
import dev.shoehorn.backup.signing.SignatureHeader;
import dev.shoehorn.backup.signing.SignedKind;
import dev.shoehorn.backup.signing.Signer;

/**
 * Publishes a command as any service would (and, for {@code prune --confirm}, the event of its run): a fresh {@code commandId}, keyed by its target, with the
 * time of asking in {@code requestedAt}, and signed when a key is configured
 * ({@code backup.signing.key-id} with {@code private-key-file} or {@code private-key}).
 */
final class CommandPublisher {

    /** Where a command went. */
    record Published(String commandId, String topic, int partition, long offset, Optional<String> signedBy) {
    }

    private CommandPublisher() {
    }

    static Published publish(CliSettings settings, SignedKind kind, String topic, String target, ObjectNode command,
            Instant now) {
        String commandId = UUID.randomUUID().toString();
        command.put("commandId", commandId);
        command.put("target", target);
        command.put("requestedAt", now.toString());
        byte[] value = command.toString().getBytes(StandardCharsets.UTF_8);
        Sent sent = send(settings, kind, topic, target, value, null);
        return new Published(commandId, topic, sent.metadata().partition(), sent.metadata().offset(), sent.signedBy());
    }

    /** A record as sent: where it went, and whose key signed it. */
    record Sent(RecordMetadata metadata, Optional<String> signedBy) {
    }

    /**
     * Sends one record keyed by {@code target}, signed as {@code kind} where a key is configured, and
     * waits for the broker.
     *
     * @param contentType the record's {@code content-type} header, or null for none
     */
    static Sent send(CliSettings settings, SignedKind kind, String topic, String target, byte[] value,
            String contentType) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, target, value);
        if (contentType != null) {
            record.headers().add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
        }
        Optional<Signer> signer = signer(settings);
        signer.ifPresent(s -> record.headers().add(SignatureHeader.NAME,
                s.sign(kind, value).getBytes(StandardCharsets.US_ASCII)));
        try (KafkaProducer<String, byte[]> producer = KafkaIo.writer(settings)) {
            RecordMetadata sent = producer.send(record).get(settings.answerTimeout().toSeconds() * 3, TimeUnit.SECONDS);
            return new Sent(sent, signer.map(Signer::keyId));
        } catch (ExecutionException e) {
            throw CliException.unreachable("Kafka", e.getCause());
        } catch (TimeoutException | KafkaException e) {
            throw CliException.unreachable("Kafka", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.UNREACHABLE, "interrupted while publishing");
        }
    }

    private static Optional<Signer> signer(CliSettings settings) {
        if (settings.signingKeyId().isEmpty()) {
            return Optional.empty();
        }
        String keyId = settings.signingKeyId().get();
        String text;
        try {
            if (settings.privateKeyFile().isPresent()) {
                text = Files.readString(settings.privateKeyFile().get());
            } else if (settings.privateKey().isPresent()) {
                text = settings.privateKey().get();
            } else {
                throw new CliException(ExitCode.USAGE, "backup.signing.key-id is " + keyId
                        + " but neither backup.signing.private-key-file nor private-key is set");
            }
            return Optional.of(new Signer(keyId, Ed25519Keys.privateKey(text)));
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read the signing key file "
                    + settings.privateKeyFile().get() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "the signing key of key id " + keyId + " is unusable: "
                    + e.getMessage());
        }
    }
}
