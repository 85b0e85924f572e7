package dev.shoehorn.backup.it;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;

/**
 * Wraps the blob store behind the in-process S3 server so that a test can make it answer 503: to
 * part uploads only while the rest of S3 (create, abort, list) keeps working, or to every call,
 * for a period or until told otherwise. It also counts the parts stored, for tests of the upload
 * itself.
 *
 * <p>S3Proxy cannot tell which store is behind the wrapper and so refuses conditional writes
 * ({@code If-None-Match}) with 501 NotImplemented: to the worker, a store without them.
 */
public final class StorageFaults {

    /** Which calls an outage refuses. */
    public enum Scope {
        PART_UPLOADS,
        ALL_CALLS
    }

    private record Outage(Scope scope, long untilNanos) {

        /** Ended before any test began. */
        static final Outage NONE = new Outage(Scope.PART_UPLOADS, System.nanoTime());

        boolean refuses(String call) {
            return (scope == Scope.ALL_CALLS || call.equals("uploadMultipartPart")) && System.nanoTime() - untilNanos < 0;
        }
    }

    private static volatile Outage outage = Outage.NONE;
    /** The one object whose deletion the store refuses (403), or null. */
    private static volatile String undeletable;
    private static final AtomicInteger FAILED_PARTS = new AtomicInteger();
    private static final AtomicInteger REFUSED_CALLS = new AtomicInteger();
    private static final AtomicInteger STORED_PARTS = new AtomicInteger();

    private StorageFaults() {
    }

    public static BlobStore wrap(BlobStore store) {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] { BlobStore.class },
                (proxy, method, args) -> {
                    String call = method.getName();
                    if (method.getDeclaringClass() != Object.class && outage.refuses(call)) {
                        REFUSED_CALLS.incrementAndGet();
                        if (call.equals("uploadMultipartPart")) {
                            FAILED_PARTS.incrementAndGet();
                        }
                        throw S3Exceptions.fromStatusCode(503);
                    }
                    if (call.equals("removeBlob") && args[0] instanceof DeleteObjectRequest delete
                            && delete.key().equals(undeletable)) {
                        REFUSED_CALLS.incrementAndGet();
                        throw S3Exceptions.fromStatusCode(403);
                    }
                    if (call.equals("uploadMultipartPart")) {
                        STORED_PARTS.incrementAndGet();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Part uploads fail from now until {@code failPartUploads(false)}. */
    public static void failPartUploads(boolean fail) {
        if (fail) {
            outage(Scope.PART_UPLOADS, Duration.ofDays(1));
        } else {
            endOutage();
        }
    }

    /** The calls of {@code scope} fail for {@code duration} from now; replaces an outage under way. */
    public static void outage(Scope scope, Duration duration) {
        outage = new Outage(scope, System.nanoTime() + duration.toNanos());
    }

    /** The store refuses to delete the object at {@code key} (403) until called with null. */
    public static void refuseDeletesOf(String key) {
        undeletable = key;
    }

    public static void endOutage() {
        outage = Outage.NONE;
    }

    /** Part uploads the store accepted so far. */
    public static int storedParts() {
        return STORED_PARTS.get();
    }

    public static int failedParts() {
        return FAILED_PARTS.get();
    }

    /** Calls answered with 503 so far, part uploads included. */
    public static int refusedCalls() {
        return REFUSED_CALLS.get();
    }
}
