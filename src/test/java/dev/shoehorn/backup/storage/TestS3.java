package dev.shoehorn.backup.storage;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.gaul.s3proxy.blobstore.BlobStore;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.shoehorn.backup.local.LocalS3;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 API server (S3Proxy) in this JVM with a bucket of its own, for integration tests of the
 * storage package: a client on it configured as the worker's, and {@link ArchiveStore}s over it.
 * {@link #close()} removes the bucket and stops the server.
 */
public final class TestS3 implements AutoCloseable {

    static final String PREFIX = "backups";
    private static final String ACCESS_KEY = "k";
    private static final String SECRET_KEY = dev.shoehorn.backup.it.SuiteSecrets.secret("s3cr3t-" + UUID.randomUUID());

    private final LocalS3 server;
    private final String bucket = "storage-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final S3Client client;

    private TestS3(UnaryOperator<BlobStore> decorator) {
        server = LocalS3.start(0, null, ACCESS_KEY, SECRET_KEY, decorator);
        server.createBucket(bucket);
        client = client(ClientOverrideConfiguration.builder().build());
    }

    /** A server whose store is wrapped by {@code decorator}, e.g. {@code StorageFaults::wrap}. */
    public static TestS3 start(UnaryOperator<BlobStore> decorator) {
        return new TestS3(decorator);
    }

    LocalS3 server() {
        return server;
    }

    public String bucket() {
        return bucket;
    }

    public S3Client client() {
        return client;
    }

    /** A client of the worker's settings with {@code override} (interceptors, retries); the caller closes it. */
    S3Client client(ClientOverrideConfiguration override) {
        return S3Client.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .overrideConfiguration(override)
                .build();
    }

    /** A store over {@code s3} on this bucket under {@link #PREFIX}, with the defaults and {@code keys}. */
    public ArchiveStore store(S3Client s3, Map<String, String> keys) {
        Map<String, String> all = new HashMap<>(keys);
        all.put("backup.storage.bucket", bucket);
        all.put("backup.storage.prefix", PREFIX);
        return new ArchiveStore(s3, TestStorageConfig.of(all), json());
    }

    /** JSON as Quarkus' ObjectMapper writes and reads it. */
    static ObjectMapper json() {
        return JsonMapper.builder().findAndAddModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    @Override
    public void close() {
        client.close();
        server.deleteBucket(bucket);
        server.close();
    }
}
