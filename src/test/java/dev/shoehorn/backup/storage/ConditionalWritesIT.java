package dev.shoehorn.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.it.StorageFaults;
import dev.shoehorn.backup.failure.JobFailedException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes that never replace an object, on the three kinds of store: one that honours
 * {@code If-None-Match} (S3Proxy's own store), one that refuses it (S3Proxy behind
 * {@link StorageFaults}: 501) and one that ignores it (the header dropped on its way).
 */
class ConditionalWritesIT {

    private static TestS3 honouring;
    private static TestS3 refusing;

    @BeforeAll
    static void start() {
        honouring = TestS3.start(UnaryOperator.identity());
        refusing = TestS3.start(StorageFaults::wrap);
    }

    @AfterAll
    static void stop() {
        honouring.close();
        refusing.close();
    }

    @Test
    void aStoreThatHonoursIfNoneMatchKeepsTheFirstObject() {
        // Given a store that honours If-None-Match
        ArchiveStore store = honouring.store(honouring.client(), Map.of());
        try (Warnings warnings = Warnings.of(ConditionalWrites.class)) {
            // When a key is written twice
            String key = TestS3.PREFIX + "/.commands/" + UUID.randomUUID() + ".json";
            PutIfAbsent first = store.putJsonIfAbsent(key, Map.of("n", 1));
            PutIfAbsent second = store.putJsonIfAbsent(key, Map.of("n", 2));

            // Then the store itself refused the second write, and the probe left nothing behind
            assertThat(store.conditionalWrites()).isTrue();
            assertThat(first).isEqualTo(PutIfAbsent.CREATED);
            assertThat(second).isEqualTo(PutIfAbsent.ALREADY_EXISTS);
            assertThat(read(honouring, key)).contains("\"n\" : 1");
            assertThat(probeObjects(honouring)).isEmpty();
            assertThat(warnings.lines()).isEmpty();
        } finally {
            store.stop();
        }
    }

    @Test
    void aStoreThatRefusesIfNoneMatchIsLookedAtBeforeEachWrite() {
        // Given a store that answers If-None-Match with 501
        ArchiveStore store = refusing.store(refusing.client(), Map.of());
        try (Warnings warnings = Warnings.of(ConditionalWrites.class)) {
            // When a key is written twice
            String key = TestS3.PREFIX + "/.commands/" + UUID.randomUUID() + ".json";
            PutIfAbsent first = store.putJsonIfAbsent(key, Map.of("n", 1));
            PutIfAbsent second = store.putJsonIfAbsent(key, Map.of("n", 2));

            // Then the probe said so in one line, and the HEAD before the PUT kept the first object
            assertThat(store.conditionalWrites()).isFalse();
            assertThat(warnings.lines()).singleElement().asString()
                    .contains("stage=conditional-writes-unsupported", "fallback=head-then-put", "HTTP 501");
            assertThat(first).isEqualTo(PutIfAbsent.CREATED);
            assertThat(second).isEqualTo(PutIfAbsent.ALREADY_EXISTS);
            assertThat(read(refusing, key)).contains("\"n\" : 1");
        } finally {
            store.stop();
        }
    }

    @Test
    void aStoreThatIgnoresIfNoneMatchIsFoundOutByTheProbe() {
        // Given a store that never sees If-None-Match and so replaces objects
        try (S3Client ignoring = honouring.client(ClientOverrideConfiguration.builder()
                .addExecutionInterceptor(new DropIfNoneMatch()).build())) {
            ArchiveStore store = honouring.store(ignoring, Map.of());
            try (Warnings warnings = Warnings.of(ConditionalWrites.class)) {
                // When it is probed
                boolean conditional = store.conditionalWrites();

                // Then it is known not to do conditional writes, and the probe object is gone
                assertThat(conditional).isFalse();
                assertThat(warnings.lines()).singleElement().asString().contains("ignored If-None-Match");
                assertThat(probeObjects(honouring)).isEmpty();
            } finally {
                store.stop();
            }
        }
    }

    @Test
    void aManifestIsNeverReplaced() {
        // Given an archive's manifest, written
        ArchiveStore store = honouring.store(honouring.client(), Map.of());
        try {
            Manifest manifest = manifest(store, "job-1");
            store.putManifest(manifest);

            // When the same manifest is written again (a retried PUT), and then another job's for the same key
            store.putManifest(manifest);
            JobFailedException clash = catchThrowableOfType(JobFailedException.class,
                    () -> store.putManifest(manifest(store, "job-2")));

            // Then the repeat is fine, the other is refused as a storage error, and the first stays
            assertThat(clash.failure().message()).contains("already exists");
            assertThat(store.manifest(manifest.archiveKey())).contains(manifest);
        } finally {
            store.stop();
        }
    }

    private static Manifest manifest(ArchiveStore store, String jobId) {
        Instant at = Instant.parse("2026-03-01T02:00:00Z");
        return new Manifest(Manifest.VERSION, store.keys().archive("t_manifest", at), "t_manifest",
                UUID.randomUUID().toString(), jobId, "custom", 100, "0".repeat(64), "15.19", "15.19", 400, at,
                at.plusSeconds(30), List.of(), "it", null);
    }

    private static String read(TestS3 s3, String key) {
        return s3.client().getObjectAsBytes(b -> b.bucket(s3.bucket()).key(key)).asUtf8String();
    }

    private static List<String> probeObjects(TestS3 s3) {
        return s3.client().listObjectsV2(b -> b.bucket(s3.bucket()).prefix(TestS3.PREFIX + "/.probe/")).contents()
                .stream().map(o -> o.key()).toList();
    }

    /** A store (or a proxy before it) that does not pass the header on behaves like this. */
    private static final class DropIfNoneMatch implements ExecutionInterceptor {

        @Override
        public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
            return context.httpRequest().toBuilder().removeHeader("If-None-Match").build();
        }
    }
}
