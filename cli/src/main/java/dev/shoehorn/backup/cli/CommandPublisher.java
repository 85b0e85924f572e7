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
 * Publishes a command as any service would: a fresh {@code commandId}, keyed by its target, with the
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
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, target, value);
        Optional<Signer> signer = signer(settings);
        signer.ifPresent(s -> record.headers().add(SignatureHeader.NAME,
                s.sign(kind, value).getBytes(StandardCharsets.US_ASCII)));
        try (KafkaProducer<String, byte[]> producer = KafkaIo.writer(settings)) {
            RecordMetadata sent = producer.send(record).get(settings.answerTimeout().toSeconds() * 3, TimeUnit.SECONDS);
            return new Published(commandId, topic, sent.partition(), sent.offset(), signer.map(Signer::keyId));
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
