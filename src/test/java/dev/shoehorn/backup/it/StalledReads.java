package dev.shoehorn.backup.it;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Wraps the blob store behind an in-process S3 server so that the next read of one object stops
 * just before its last byte until the test releases it: a restore streaming that archive has fed
 * pg_restore most of it (all but what it holds back until the whole is verified) and waits,
 * pg_restore with it, for the rest. Reads after that one are not held.
 */
final class StalledReads {

    private final AtomicReference<Stall> armed = new AtomicReference<>();

    BlobStore wrap(BlobStore store) {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] { BlobStore.class },
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    Stall stall = armed.get();
                    if (result instanceof ResponseInputStream<?> read && stall != null
                            && stall.key.equals(keyOf(args)) && armed.compareAndSet(stall, null)) {
                        @SuppressWarnings("unchecked")
                        ResponseInputStream<GetObjectResponse> object = (ResponseInputStream<GetObjectResponse>) read;
                        long allButOne = object.response().contentLength() - 1;
                        return new ResponseInputStream<>(object.response(), stall.after(allButOne, object));
                    }
                    return result;
                });
    }

    /** The next read of {@code key} stops before its last byte until the returned stall is closed. */
    Stall stall(String key) {
        Stall stall = new Stall(key);
        armed.set(stall);
        return stall;
    }

    /** getBlob(GetObjectRequest) and getBlob(bucket, key) are the reads. */
    private static String keyOf(Object[] args) {
        return args[0] instanceof GetObjectRequest request ? request.key() : String.valueOf(args[1]);
    }

    final class Stall implements AutoCloseable {

        private final String key;
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        private Stall(String key) {
            this.key = key;
        }

        /** Waits until a reader has had all but the last byte and waits for it. */
        void awaitReached(Duration timeout) throws InterruptedException {
            if (!reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("nobody read " + key + " within " + timeout);
            }
        }

        private InputStream after(long held, InputStream object) {
            return new FilterInputStream(object) {

                private long served;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (served >= held) {
                        reached.countDown();
                        try {
                            released.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("stalled read interrupted");
                        }
                    }
                    int n = super.read(b, off, served < held ? (int) Math.min(len, held - served) : len);
                    served += Math.max(n, 0);
                    return n;
                }
            };
        }

        /** Lets the held read go on; unused, it is disarmed. */
        @Override
        public void close() {
            armed.compareAndSet(this, null);
            released.countDown();
        }
    }
}
