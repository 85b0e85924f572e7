package dev.shoehorn.backup.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The multipart calls of S3 in memory, for fast tests of the upload's own logic (retries,
 * cancellation, limits); {@link StreamingUploadIT} covers the real protocol. A test decides per
 * part-upload call whether it fails.
 */
final class FakeMultipartS3 implements S3Client {

    private final Map<Integer, byte[]> parts = new ConcurrentHashMap<>();
    private final AtomicInteger partCalls = new AtomicInteger();
    private final AtomicInteger aborts = new AtomicInteger();
    /** What part-upload call {@code n} (counted from 1 over all parts) fails with, or null for success. */
    @FunctionalInterface
    interface Fault {
        RuntimeException apply(int call);
    }

    private volatile Fault partFault = call -> null;
    private volatile byte[] completed;
    private volatile boolean loseNextCompleteAnswer;

    FakeMultipartS3 failPartCalls(Fault fault) {
        this.partFault = fault;
        return this;
    }

    static S3Exception error(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    }

    /** The next completion completes the upload, but its caller gets a 500 instead of the answer. */
    FakeMultipartS3 loseNextCompleteAnswer() {
        loseNextCompleteAnswer = true;
        return this;
    }

    int partCalls() {
        return partCalls.get();
    }

    int aborts() {
        return aborts.get();
    }

    /** The object made by completing the upload, or null. */
    byte[] completed() {
        return completed;
    }

    @Override
    public UploadPartResponse uploadPart(UploadPartRequest request, RequestBody body) {
        RuntimeException fault = partFault.apply(partCalls.incrementAndGet());
        if (fault != null) {
            throw fault;
        }
        try (InputStream in = body.contentStreamProvider().newStream()) {
            parts.put(request.partNumber(), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return UploadPartResponse.builder().eTag("etag-" + request.partNumber()).build();
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(CompleteMultipartUploadRequest request) {
        if (completed != null) {
            throw NoSuchUploadException.builder().statusCode(404).message("NoSuchUpload").build();
        }
        ByteArrayOutputStream object = new ByteArrayOutputStream();
        for (CompletedPart part : request.multipartUpload().parts()) {
            object.writeBytes(parts.get(part.partNumber()));
        }
        completed = object.toByteArray();
        if (loseNextCompleteAnswer) {
            loseNextCompleteAnswer = false;
            throw error(500, "InternalError");
        }
        return CompleteMultipartUploadResponse.builder().build();
    }

    @Override
    public HeadObjectResponse headObject(HeadObjectRequest request) {
        byte[] object = completed;
        if (object == null) {
            throw NoSuchKeyException.builder().statusCode(404).message("NoSuchKey").build();
        }
        return HeadObjectResponse.builder().contentLength((long) object.length).build();
    }

    @Override
    public AbortMultipartUploadResponse abortMultipartUpload(AbortMultipartUploadRequest request) {
        aborts.incrementAndGet();
        parts.clear();
        return AbortMultipartUploadResponse.builder().build();
    }

    @Override
    public String serviceName() {
        return "s3";
    }

    @Override
    public void close() {
        // nothing to release
    }
}
