package dev.shoehorn.backup.it;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;

/**
 * Wraps the blob store behind the in-process S3 server so that a test can make part uploads fail
 * while the rest of S3 (create, abort, list) keeps working: an S3 outage in the middle of an upload.
 * It also counts the parts stored, for tests of the upload itself.
 */
public final class StorageFaults {

    private static final AtomicBoolean FAIL_PARTS = new AtomicBoolean();
    private static final AtomicInteger FAILED_PARTS = new AtomicInteger();
    private static final AtomicInteger STORED_PARTS = new AtomicInteger();

    private StorageFaults() {
    }

    public static BlobStore wrap(BlobStore store) {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] { BlobStore.class },
                (proxy, method, args) -> {
                    if (method.getName().equals("uploadMultipartPart")) {
                        if (FAIL_PARTS.get()) {
                            FAILED_PARTS.incrementAndGet();
                            throw S3Exceptions.fromStatusCode(503);
                        }
                        STORED_PARTS.incrementAndGet();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    public static void failPartUploads(boolean fail) {
        FAIL_PARTS.set(fail);
    }

    /** Part uploads the store accepted so far. */
    public static int storedParts() {
        return STORED_PARTS.get();
    }

    public static int failedParts() {
        return FAILED_PARTS.get();
    }
}
