package dev.shoehorn.backup.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An S3-compatible server (S3Proxy) in this JVM, so that the worker talks the real S3 protocol
 * (signatures, multipart uploads) locally without MinIO or Docker. Objects live in memory, or in a
 * directory when one is given, so that archives survive a restart of local mode.
 */
public final class LocalS3 implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final S3Proxy proxy;
    private final BlobStore store;
    private final URI endpoint;

    private LocalS3(S3Proxy proxy, BlobStore store, URI endpoint) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = endpoint;
    }

    /**
     * Starts S3Proxy on {@code http://127.0.0.1:port}, accepting AWS V2 and V4 signatures made with
     * the given keys.
     *
     * @param port the port, or 0 for a free one (tests)
     * @param dataDir where objects are kept (created if missing), or null to keep them in memory
     * @param decorator wraps the store S3Proxy serves, e.g. to inject faults in tests;
     *        {@link UnaryOperator#identity()} otherwise
     */
    public static LocalS3 start(int port, Path dataDir, String accessKey, String secretKey,
            UnaryOperator<BlobStore> decorator) {
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        Ports.requireFree("S3", port);
        BlobStore store = openStore(dataDir);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(decorator.apply(store))
                .endpoint(URI.create("http://" + HOST + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            awaitStarted(proxy);
        } catch (Exception e) {
            stopQuietly(proxy);
            store.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("S3 could not start on " + HOST + ":" + port + ": " + e.getMessage(), e);
        }
        return new LocalS3(proxy, store, URI.create("http://" + HOST + ":" + proxy.getPort()));
    }

    private static BlobStore openStore(Path dataDir) {
        if (dataDir == null) {
            return new TransientNio2BlobStore();
        }
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create S3 data directory " + dataDir, e);
        }
        return new FilesystemNio2BlobStore(dataDir.toAbsolutePath().toString());
    }

    private static void awaitStarted(S3Proxy proxy) throws InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("still " + proxy.getState() + " after " + START_TIMEOUT_MILLIS + " ms");
            }
            Thread.sleep(20);
        }
    }

    /** Base URL for clients, e.g. {@code http://127.0.0.1:9000}; use path-style addressing. */
    public URI endpoint() {
        return endpoint;
    }

    /** Creates the bucket unless it exists. */
    public void createBucket(String bucket) {
        if (!store.containerExists(bucket)) {
            store.createContainer(bucket);
        }
    }

    /** Deletes the bucket with its objects and unfinished multipart uploads; absent is fine. */
    public void deleteBucket(String bucket) {
        store.deleteContainer(bucket);
    }

    /** The store behind the server, without the decorator: for tests to look behind the S3 API. */
    public BlobStore blobStore() {
        return store;
    }

    /** Stops the server; a filesystem store keeps its objects. */
    @Override
    public void close() {
        stopQuietly(proxy);
        store.close();
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // stopping is best effort: the JVM is usually about to exit, and the port is freed with it
        }
    }
}
